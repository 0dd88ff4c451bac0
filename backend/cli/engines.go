package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/engine"
)

// engineJSON is one engine as `engine list --json` prints it.
type engineJSON struct {
	Name           string `json:"name"`
	Endpoint       string `json:"endpoint,omitempty"`
	Version        string `json:"version,omitempty"`
	PublishAddress string `json:"publishAddress"`
	Stacks         int    `json:"stacks"`
	Healthy        bool   `json:"healthy"`
	Error          string `json:"error,omitempty"`
}

func (env *cmdEnv) engineListCommand() *cobra.Command {
	c := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the engines stacks run on, with their health",
		Long: `List the default engine and every docker context a stack runs on (or is moving from), each
checked now: its endpoint, version, where it publishes host ports, and how many stacks use it.`,
		Example: "  devarch engine list\n  devarch engine list --json",
		Args:    args(0, 0, "no arguments", nil),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, _ []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			list, err := svc.Engines(c.Context())
			if err != nil {
				return err
			}
			if *asJSON {
				out := make([]engineJSON, 0, len(list))
				for _, e := range list {
					j := engineJSON{Name: e.Name, Endpoint: e.Endpoint, Version: e.Version, PublishAddress: e.PublishAddress, Stacks: e.Stacks, Healthy: e.Err == nil}
					if e.Err != nil {
						j.Error = e.Err.Summary
					}
					out = append(out, j)
				}
				return env.printJSON(out)
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ENGINE\tENDPOINT\tSTATUS\tPORTS ON\tSTACKS")
			for _, e := range list {
				status := "ok " + e.Version
				if e.Err != nil {
					status = "unreachable: " + e.Err.Summary
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", e.Name, e.Endpoint, status, e.PublishAddress, e.Stacks)
			}
			return tw.Flush()
		})
	})
}
