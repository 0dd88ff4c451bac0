package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/engine"
)

func (env *cmdEnv) stackCloneCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "clone SRC NEW",
		Short: "Copy a stack under a new name, with free host ports, to run both side by side",
		Long: `Copy the stack SRC as a new stack NEW: its instances and overrides, explicit wires and
secrets (re-sealed for NEW). Every published host port moves to a free one (the lowest above
the source's that no stack publishes and nothing on this host holds), shown here and in
devarch plan NEW. Named volumes are not copied: NEW starts with empty ones. With --root DIR
(an absolute directory, e.g. a git worktree of the project) NEW's relative bind mounts and
build contexts resolve in DIR; without it NEW keeps SRC's project root. Nothing is written
when anything is wrong; --dry-run checks and reports without writing.`,
		Example: `  devarch stack clone shop shop-review
  devarch stack clone shop shop-fix --root ~/src/shop-fix    # a git worktree of shop's project
  devarch stack clone shop shop-2 --dry-run --json`,
		Args:              args(2, 2, "SRC NEW", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	asJSON := jsonFlag(c)
	root := c.Flags().String("root", "", "the clone's project directory `DIR`: its relative bind mounts and build contexts resolve there (default: the source's project root)")
	dryRun := c.Flags().Bool("dry-run", false, "check and report, write nothing")
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		abs, err := absPath(*root)
		if err != nil {
			return err
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			res, err := svc.CloneStack(c.Context(), a[0], a[1], engine.CloneOptions{Root: abs, DryRun: *dryRun})
			if err != nil {
				return err
			}
			if *asJSON {
				return env.printJSON(toCloneJSON(res))
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(env.stderr, "warning: %s\n", w)
			}
			verb := "Cloned"
			if res.DryRun {
				verb = "Would clone"
			}
			fmt.Fprintf(env.stdout, "%s stack %s as %s: %s, %s, %s.\n", verb, res.Source, res.Stack,
				count(len(res.Instances), "instance"), count(res.Wires, "wire"), count(len(res.Secrets), "secret"))
			fmt.Fprintf(env.stdout, "  project root: %s\n", res.Root)
			if len(res.Ports) > 0 {
				fmt.Fprintf(env.stdout, "  host ports:\n")
				for _, p := range res.Ports {
					fmt.Fprintf(env.stdout, "    %s: %s -> %s\n", p.Instance, portText(p.OldPort, p.OldPortEnd), portText(p.NewPort, p.NewPortEnd))
				}
			}
			if len(res.MissingSecrets) > 0 {
				fmt.Fprintf(env.stdout, "\nSecrets without a value (the plan refuses to apply until they are set):\n")
				for _, s := range res.MissingSecrets {
					fmt.Fprintf(env.stdout, "  devarch secret set %s %s\n", res.Stack, s)
				}
			}
			if res.DryRun {
				fmt.Fprintf(env.stdout, "\nNothing was written (--dry-run).\n")
			} else {
				fmt.Fprintf(env.stdout, "\nVolumes start empty. Next: devarch plan %s\n", res.Stack)
			}
			return nil
		})
	})
}

func portText(from, to int) string {
	if from == to {
		return strconv.Itoa(from)
	}
	return strconv.Itoa(from) + "-" + strconv.Itoa(to)
}

// cloneJSON is `stack clone --json` (docs/cli-json.md).
type cloneJSON struct {
	Source         string          `json:"source"`
	Stack          string          `json:"stack"`
	DryRun         bool            `json:"dryRun"`
	Root           string          `json:"root"`
	Instances      []string        `json:"instances"`
	WireCount      int             `json:"wireCount"`
	Ports          []clonePortJSON `json:"ports"`
	Secrets        []string        `json:"secrets"`
	MissingSecrets []string        `json:"missingSecrets"`
	Warnings       []string        `json:"warnings"`
}

type clonePortJSON struct {
	Instance string `json:"instance"`
	From     string `json:"from"`
	To       string `json:"to"`
	OldPort  int    `json:"oldPort"`
	OldEnd   int    `json:"oldPortEnd"`
	NewPort  int    `json:"newPort"`
	NewEnd   int    `json:"newPortEnd"`
	Protocol string `json:"protocol"`
}

func toCloneJSON(r engine.CloneResult) cloneJSON {
	ports := []clonePortJSON{}
	for _, p := range r.Ports {
		ports = append(ports, clonePortJSON{Instance: p.Instance, From: p.From, To: p.To, OldPort: p.OldPort, OldEnd: p.OldPortEnd,
			NewPort: p.NewPort, NewEnd: p.NewPortEnd, Protocol: p.Protocol})
	}
	return cloneJSON{Source: r.Source, Stack: r.Stack, DryRun: r.DryRun, Root: r.Root, Instances: nonNil(r.Instances),
		WireCount: r.Wires, Ports: ports, Secrets: nonNil(r.Secrets), MissingSecrets: nonNil(r.MissingSecrets), Warnings: nonNil(r.Warnings)}
}
