package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
)

// readSecret reads a value from stdin: hidden typing on a terminal, the whole input (one
// trailing newline dropped) from a pipe. Never from argv, where other users and shell
// history would see it.
func (env *cmdEnv) readSecret() (secrets.Value, error) {
	fd := int(os.Stdin.Fd())
	if term.IsTerminal(fd) {
		fmt.Fprint(env.stderr, "Value (input hidden): ")
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(env.stderr)
		if err != nil {
			return secrets.Value{}, model.Invalid("value", "cannot read the value", err.Error())
		}
		return secrets.ValueFromBytes(b), nil
	}
	// One byte over the limit is enough for SetSecret to refuse it with the limit named;
	// more is never read into memory.
	b, err := io.ReadAll(io.LimitReader(os.Stdin, secrets.MaxValueSize+2))
	if err != nil {
		return secrets.Value{}, model.Invalid("value", "cannot read the value from stdin", err.Error())
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	return secrets.NewValue(s), nil
}

func (env *cmdEnv) secretSetCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "set STACK NAME",
		Short: "Store a secret's value (read from stdin, never from the command line)",
		Long: `Store a secret for a stack, encrypted with the master key. The value is read from standard
input (hidden typing on a terminal; the whole input, one trailing newline dropped, from a
pipe), never from the command line, where other users and shell history would see it.
Reference it in a field as ${secret:NAME}; a new value replaces the containers that use it
at the next apply.`,
		Example: `  printf %s "$DB_PASSWORD" | devarch secret set shop db_password
  devarch secret set shop app_key --generate
  devarch instance set shop db 'environment.MYSQL_PASSWORD=${secret:db_password}'`,
		// The value must never be echoed: too many arguments are refused without naming them.
		Args: func(c *cobra.Command, a []string) error {
			if len(a) != 2 {
				return usageError{"secret set takes STACK NAME; the value is read from stdin, never from the command line"}
			}
			return nil
		},
		ValidArgsFunction: env.completeArgs(stackNames, secretNamesToSet),
	}
	generate := c.Flags().Bool("generate", false, "store a strong random value instead of reading one")
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		var v secrets.Value
		if *generate {
			v = secrets.GenerateValue(32)
		} else {
			var err error
			if v, err = env.readSecret(); err != nil {
				return err
			}
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			info, err := svc.SetSecret(c.Context(), a[0], a[1], v)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "Stored secret %s for stack %s (encrypted; version %d). Reference it as ${secret:%s}.\n", info.Name, a[0], info.Version, info.Name)
			return nil
		})
	})
}

func (env *cmdEnv) secretListCommand() *cobra.Command {
	c := &cobra.Command{
		Use:     "list STACK",
		Aliases: []string{"ls"},
		Short:   "List a stack's secrets: names, users, last change (never values)",
		Long: `List a stack's secrets: stored ones, and referenced ones that are not set yet (MISSING: a plan
error until you set them), with the instance fields that use each. Never values.`,
		Example:           "  devarch secret list shop\n  devarch secret list shop --json",
		Args:              args(1, 1, "exactly one STACK", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			list, err := svc.Secrets(c.Context(), a[0])
			if err != nil {
				return err
			}
			if *asJSON {
				out := []secretJSON{}
				for _, s := range list {
					r := secretJSON{Name: s.Name, Set: s.Version > 0, UsedBy: secretRefs(a[0], s.UsedBy)}
					if s.Version > 0 {
						t := s.UpdatedAt
						r.UpdatedAt = &t
					}
					out = append(out, r)
				}
				return env.printJSON(out)
			}
			if len(list) == 0 {
				fmt.Fprintf(env.stderr, "No secrets yet. Set one with: devarch secret set %s NAME\n", a[0])
				return nil
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSTATE\tLAST CHANGED\tUSED BY")
			for _, s := range list {
				state, changed := "set", s.UpdatedAt.Local().Format("2006-01-02 15:04")
				if s.Version == 0 {
					state, changed = "MISSING", "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, state, changed, strings.Join(s.UsedBy, ", "))
			}
			return tw.Flush()
		})
	})
}

func (env *cmdEnv) secretRevealCommand() *cobra.Command {
	c := &cobra.Command{
		Use:               "reveal STACK NAME",
		Short:             "Print one secret's value (an explicit action)",
		Example:           "  devarch secret reveal shop db_password",
		Args:              args(2, 2, "STACK NAME", nil),
		ValidArgsFunction: env.completeArgs(stackNames, secretNames),
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			v, err := svc.RevealSecret(c.Context(), a[0], a[1])
			if err != nil {
				return err
			}
			fmt.Fprintln(env.stdout, v.Reveal())
			return nil
		})
	})
}

func (env *cmdEnv) secretDeleteCommand() *cobra.Command {
	c := &cobra.Command{
		Use:               "delete STACK NAME",
		Aliases:           []string{"rm"},
		Short:             "Delete a secret (refused while referenced)",
		Example:           "  devarch secret delete shop db_password",
		Args:              args(2, 2, "STACK NAME", nil),
		ValidArgsFunction: env.completeArgs(stackNames, secretNames),
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			if err := svc.DeleteSecret(c.Context(), a[0], a[1]); err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "Deleted secret %s of stack %s.\n", a[1], a[0])
			return nil
		})
	})
}

func (env *cmdEnv) secretRotateKeyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "rotate-key",
		Short: "Make a new master key and re-encrypt every secret with it, at once",
		Long: `Create a new master key and re-encrypt every secret of every stack with it in one
transaction; the old key is deleted once nothing is sealed with it.`,
		Example: "  devarch secret rotate-key",
		Args:    args(0, 0, "no arguments", nil),
	}
	return env.leaf(c, func(c *cobra.Command, _ []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			v, n, err := svc.RotateKey(c.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "Rotated the master key to version %d; re-encrypted %d secret(s).\n", v, n)
			return nil
		})
	})
}
