package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/doctor"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/version"
)

func (env *cmdEnv) versionCommand() *cobra.Command {
	c := &cobra.Command{
		Use:     "version",
		Short:   "Print the version",
		Example: "  devarch version\n  devarch version --json",
		Args:    args(0, 0, "no arguments", nil),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(*cobra.Command, []string) error {
		v := version.Get()
		if *asJSON {
			return env.printJSON(versionJSON{Version: v.Version, Commit: v.Commit, GoVersion: v.GoVersion, Platform: v.Platform})
		}
		commit := ""
		if v.Commit != "" {
			commit = " (" + v.Commit + ")"
		}
		fmt.Fprintf(env.stdout, "devarch %s%s %s %s\n", v.Version, commit, v.GoVersion, v.Platform)
		return nil
	})
}

func (env *cmdEnv) doctorCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "doctor",
		Short: "Check the database, container engine, compose, keychain and webview",
		Long: `Check everything DevArch needs on this machine and say how to fix what is not right: the
database (it starts the embedded server), the container engine and compose, where the master
key is kept (the OS keychain, or the key file DEVARCH_MASTER_KEY_FILE names, checked as
DevArch will use it) and whether it opens the stored secrets, and the desktop window's
libraries. Exits 1 when a check fails (warnings are fine).`,
		Example: "  devarch doctor\n  devarch doctor --json",
		Args:    args(0, 0, "no arguments", nil),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, _ []string) error {
		opts, err := env.databaseOptions()
		if err != nil {
			return err
		}
		opts.Progress = nil // the report says it all
		checks := doctor.Report(c.Context(), opts, runtime.Options{})
		healthy := doctor.Healthy(checks)
		if *asJSON {
			if err := env.printJSON(map[string]any{"healthy": healthy, "checks": checks}); err != nil {
				return err
			}
		} else {
			for _, c := range checks {
				mark := map[string]string{doctor.OK: "ok  ", doctor.Warning: "warn", doctor.Error: "FAIL"}[c.Status]
				fmt.Fprintf(env.stdout, "[%s] %-9s %s\n", mark, c.Name, c.Summary)
				if c.Detail != "" {
					fmt.Fprintf(env.stdout, "           %s\n", c.Detail)
				}
				if c.Fix != "" {
					fmt.Fprintf(env.stdout, "           fix: %s\n", c.Fix)
				}
			}
		}
		if !healthy {
			return model.NewError(model.KindUnavailable, "doctor found problems", "Apply the fixes above and run devarch doctor again.")
		}
		return nil
	})
}
