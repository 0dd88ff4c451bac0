package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

func (env *cmdEnv) stackCreateCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "create NAME",
		Short: "Create an empty stack",
		Long: `Create an empty stack. NAME is a DNS label (lowercase letters, digits, hyphens; stack and
instance names together at most 53 characters, as they name the containers).`,
		Example: `  devarch stack create shop --description "Laravel + MySQL"
  devarch stack create shop --root ~/src/shop     # relative bind mounts resolve in ~/src/shop
  devarch stack create shop --reuse-volumes       # mount the data a deleted "shop" left
  devarch stack create big --context build-box    # run it on the engine of a docker context`,
		Args: args(1, 1, "exactly one NAME", func(extra string) string {
			if strings.Contains(extra, " ") {
				return "a description? give it with --description TEXT"
			}
			return ""
		}),
	}
	asJSON := jsonFlag(c)
	desc := c.Flags().String("description", "", "what the stack is for (at most 500 characters)")
	root := c.Flags().String("root", "", "the project directory `DIR`: relative bind mounts and build contexts resolve there (default: the stack's folder under the data home)")
	reuse := c.Flags().Bool("reuse-volumes", false, "mount the volumes a deleted stack of the same name left (its data) instead of fresh ones")
	dockerContext := c.Flags().String("context", "", "the docker `CONTEXT` whose engine runs the stack (docker context ls; default: the engine the docker CLI uses)")
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		abs, err := absPath(*root)
		if err != nil {
			return err
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			st, err := svc.CreateStack(c.Context(), a[0], engine.StackOptions{Description: *desc, Root: abs, ReuseVolumes: *reuse, Context: *dockerContext})
			if err != nil {
				return err
			}
			if *asJSON {
				return env.printJSON(stackJSON{Name: st.Name, Description: st.Description, Revision: st.Revision, Status: engine.StatusStopped, UpdatedAt: st.UpdatedAt, Engine: engine.EngineLabel(st.Context)})
			}
			fmt.Fprintf(env.stderr, "Created stack %s.\n", st.Name)
			return nil
		})
	})
}

func (env *cmdEnv) stackListCommand() *cobra.Command {
	c := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List stacks with their live status",
		Long: `List every stack with its instance count and live status, read from the container engine in
one call: running, partial (some containers run), stopped, unhealthy, degraded (a container
crash-loops or died), or unknown when the engine cannot be reached.`,
		Example: `  devarch stack list
  devarch stack list --json | jq -r '.[] | select(.status == "running") | .name'`,
		Args: args(0, 0, "no arguments", nil),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, _ []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			list, err := svc.ListStacks(c.Context())
			if err != nil {
				return err
			}
			if list.EngineErr != nil {
				e := model.AsError(list.EngineErr)
				fmt.Fprintf(env.stderr, "warning: live status unavailable: %s\n", e.Summary)
			}
			if *asJSON {
				out := make([]stackJSON, 0, len(list.Stacks))
				for _, s := range list.Stacks {
					out = append(out, stackJSON{s.Name, s.Description, s.Instances, s.Revision, s.Status, s.UpdatedAt, engine.EngineLabel(s.Context)})
				}
				return env.printJSON(out)
			}
			if len(list.Stacks) == 0 {
				fmt.Fprintln(env.stderr, "No stacks yet.")
				return nil
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tINSTANCES\tSTATUS\tREVISION\tDESCRIPTION")
			for _, s := range list.Stacks {
				fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\n", s.Name, s.Instances, s.Status, s.Revision, s.Description)
			}
			return tw.Flush()
		})
	})
}

func (env *cmdEnv) stackShowCommand() *cobra.Command {
	c := &cobra.Command{
		Use:               "show NAME",
		Short:             "Show a stack's instances, their state and its problems",
		Example:           "  devarch stack show shop\n  devarch stack show shop --json",
		Args:              args(1, 1, "exactly one NAME", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			d, err := svc.Stack(c.Context(), a[0])
			if err != nil {
				return err
			}
			st := d.Resolved.Stack
			if *asJSON {
				out := stackDetailJSON{Name: st.Name, Description: st.Description, Root: st.Root, Revision: st.Revision, Status: d.Status,
					Network: model.NetworkName(st.Name), Subnet: st.Subnet, Engine: engine.EngineLabel(st.Context), Instances: instanceRows(d), Problems: []string{}}
				if st.Placed && st.PlacedOn != st.Context {
					out.RunsOn = engine.EngineLabel(st.PlacedOn)
				}
				for _, c := range d.Clashes {
					out.Problems = append(out.Problems, c.Error())
				}
				return env.printJSON(out)
			}
			fmt.Fprintf(env.stdout, "Stack %s (revision %d, %s)\n", st.Name, st.Revision, d.Status)
			if st.Description != "" {
				fmt.Fprintf(env.stdout, "  %s\n", st.Description)
			}
			if st.Subnet != "" {
				fmt.Fprintf(env.stdout, "  network %s, subnet %s\n", model.NetworkName(st.Name), st.Subnet)
			}
			if st.Context != "" || st.Placed && st.PlacedOn != st.Context {
				fmt.Fprintf(env.stdout, "  engine %s", engine.EngineLabel(st.Context))
				if st.PublishAddress != "" {
					fmt.Fprintf(env.stdout, ", ports on %s", st.PublishAddress)
				}
				if st.Placed && st.PlacedOn != st.Context {
					fmt.Fprintf(env.stdout, " (its containers are still on %s: the next apply moves them)", engine.EngineLabel(st.PlacedOn))
				}
				fmt.Fprintln(env.stdout)
			}
			if len(st.Instances) == 0 {
				fmt.Fprintf(env.stdout, "\nNo instances yet. Add one: devarch instance add %s NAME --template TEMPLATE\n", st.Name)
			} else {
				fmt.Fprintln(env.stdout)
				env.instanceTable(d)
			}
			env.detailWarnings(d)
			return nil
		})
	})
}

// instanceTable prints a stack's instances with their live state.
func (env *cmdEnv) instanceTable(d engine.StackDetail) {
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INSTANCE\tTEMPLATE\tIMAGE\tPORTS\tSTATE\tOVERRIDES")
	for i, in := range d.Resolved.Stack.Instances {
		eff := d.Resolved.Effective.Services[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", in.Name, in.Template, str(eff.Spec["image"]), str(eff.Spec["ports"]), stateText(d, in.Name), len(in.Overrides))
	}
	_ = tw.Flush()
}

// detailWarnings prints what a stack detail could not read and its port clashes.
func (env *cmdEnv) detailWarnings(d engine.StackDetail) {
	if d.EngineErr != nil {
		fmt.Fprintf(env.stderr, "warning: live status unavailable: %s\n", model.AsError(d.EngineErr).Summary)
	}
	for _, c := range d.Clashes {
		printWarning(env, c)
	}
}

// stateText is an instance's state for tables: "running (healthy)".
func stateText(d engine.StackDetail, instance string) string {
	state, health := liveState(d, instance)
	if health != "" {
		return state + " (" + health + ")"
	}
	return state
}

func printWarning(env *cmdEnv, err error) {
	e := model.AsError(err)
	fmt.Fprintf(env.stderr, "warning: %s\n  %s\n", e.Summary, e.Detail)
}

// str renders a JSON-like value compactly for tables.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = str(e)
		}
		return strings.Join(parts, ",")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (env *cmdEnv) stackRenameCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "rename NAME NEW",
		Short: "Rename a stack (refused while it has containers)",
		Long: `Rename a stack. Its containers are named after it, so the rename is refused while any exists:
take the stack down first (devarch down NAME; volumes keep your data), rename, then apply.
The stack's folder under the data home moves with it; named volumes keep their names.`,
		Example:           "  devarch down shop && devarch stack rename shop store && devarch apply store",
		Args:              args(2, 2, "NAME NEW", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			if err := svc.RenameStack(c.Context(), a[0], a[1], engine.Who("cli")); err != nil {
				return err
			}
			if a[0] == a[1] {
				fmt.Fprintf(env.stderr, "Stack %s already has that name: nothing changed.\n", a[0])
				return nil
			}
			fmt.Fprintf(env.stderr, "Renamed stack %s to %s. Create its containers under the new name with: devarch apply %s\n", a[0], a[1], a[1])
			return nil
		})
	})
}

func (env *cmdEnv) stackSetCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "set NAME",
		Short: "Change a stack's description or project root",
		Example: `  devarch stack set shop --description "shop on my laptop"
  devarch stack set shop --root ~/src/shop        # the next plan replaces the containers that bind-mount
  devarch stack set shop --default-root`,
		Args:              args(1, 1, "exactly one NAME", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	desc := c.Flags().String("description", "", "what the stack is for")
	root := c.Flags().String("root", "", "the project directory `DIR`, where relative bind mounts and build contexts resolve")
	defaultRoot := c.Flags().Bool("default-root", false, "go back to the stack's folder under the data home as its project root")
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		var set store.StackSettings
		if c.Flags().Changed("description") {
			set.Description = desc
		}
		if c.Flags().Changed("root") {
			set.Root = root
		}
		if *defaultRoot {
			if set.Root != nil {
				return usageError{"stack set takes --root DIR or --default-root, not both"}
			}
			empty := ""
			set.Root = &empty
		} else if set.Root != nil {
			abs, err := absPath(*set.Root)
			if err != nil {
				return err
			}
			set.Root = &abs
		}
		if set.Description == nil && set.Root == nil {
			return usageError{"stack set needs --description TEXT, --root DIR or --default-root"}
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			changed, err := svc.UpdateStack(c.Context(), a[0], set)
			if err != nil {
				return err
			}
			switch {
			case !changed:
				fmt.Fprintf(env.stderr, "Stack %s already has those settings: nothing changed.\n", a[0])
			case set.Root != nil:
				fmt.Fprintf(env.stderr, "Updated stack %s. Its bind mounts now resolve in the new root: the next plan replaces the containers that use them.\n", a[0])
			default:
				fmt.Fprintf(env.stderr, "Updated stack %s.\n", a[0])
			}
			return nil
		})
	})
}

func (env *cmdEnv) stackSetContextCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "set-context NAME CONTEXT",
		Short: "Move a stack to the engine of another docker context (the next apply moves it)",
		Long: `Make a stack run on the engine of a docker context (docker context ls), or on the default engine
with "default". Nothing moves yet: the next plan removes the stack's containers and network
from the engine it runs on and creates them on the new one. Named volumes stay where they
are: their data is not copied.`,
		Example: `  devarch stack set-context shop build-box && devarch plan shop
  devarch stack set-context shop default`,
		Args:              args(2, 2, "NAME CONTEXT", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			target := a[1]
			changed, err := svc.UpdateStack(c.Context(), a[0], store.StackSettings{Context: &target})
			if err != nil {
				return err
			}
			if !changed {
				fmt.Fprintf(env.stderr, "Stack %s already runs on engine %s: nothing changed.\n", a[0], a[1])
				return nil
			}
			fmt.Fprintf(env.stderr, "Stack %s now belongs on engine %s. See the move with: devarch plan %s\n", a[0], a[1], a[0])
			return nil
		})
	})
}

func (env *cmdEnv) engineSetAddressCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "set-address ENGINE ADDRESS",
		Short: "Set where an engine publishes the host ports of its stacks",
		Long: `Set the IP address an engine ("default" or a docker context) publishes the host ports of its
stacks on: an address of that engine's host which this machine reaches (a remote engine's
127.0.0.1 is its own loopback, not yours). Give "" or --unset to go back to 127.0.0.1. The
stacks on that engine get a new revision: their next plan replaces the containers that
publish ports.`,
		Example: `  devarch engine set-address build-box 192.168.1.40
  devarch engine set-address build-box --unset`,
		Args: args(1, 2, "ENGINE ADDRESS", nil),
	}
	unset := c.Flags().Bool("unset", false, "go back to 127.0.0.1")
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		addr := ""
		switch {
		case len(a) == 2 && *unset:
			return usageError{"engine set-address takes ADDRESS or --unset, not both"}
		case len(a) == 2:
			addr = a[1]
		case !*unset:
			return usageError{"engine set-address needs ADDRESS (or --unset)"}
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			changed, err := svc.SetEngineAddress(c.Context(), a[0], addr)
			if err != nil {
				return err
			}
			switch {
			case !changed:
				fmt.Fprintf(env.stderr, "Engine %s already has that address: nothing changed.\n", a[0])
			case addr == "":
				fmt.Fprintf(env.stderr, "Engine %s publishes ports on 127.0.0.1 again. Its stacks' next plan replaces the containers that publish ports.\n", a[0])
			default:
				fmt.Fprintf(env.stderr, "Engine %s publishes ports on %s. Its stacks' next plan replaces the containers that publish ports.\n", a[0], addr)
			}
			return nil
		})
	})
}

func (env *cmdEnv) stackDeleteCommand() *cobra.Command {
	c := &cobra.Command{
		Use:     "delete NAME",
		Aliases: []string{"rm"},
		Short:   "Delete a stack (refused while it has containers, unless --force)",
		Long: `Delete a stack and its definition. Refused while any of its containers or its network exists,
unless --force, which takes it down first. Named volumes (your data) are kept unless
--volumes; files of yours in the stack's folder are never deleted.`,
		Example:           "  devarch stack delete shop\n  devarch stack delete shop --force --volumes",
		Args:              args(1, 1, "exactly one NAME", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	force := c.Flags().Bool("force", false, "take the stack down first (its containers and network)")
	volumes := c.Flags().Bool("volumes", false, "also remove its named volumes: its data")
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			d, err := svc.DeleteStack(c.Context(), a[0], engine.DeleteOptions{Force: *force, Volumes: *volumes}, engine.Who("cli"))
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "Deleted stack %s.\n", a[0])
			if d.Unchecked != "" {
				fmt.Fprintf(env.stderr, "The container engine was not asked (%s): any containers, network or volumes of %s are left as they are.\n  Find them later with: docker ps -a --filter label=%s=%s\n", d.Unchecked, a[0], model.LabelStack, a[0])
			}
			if len(d.KeptVolumes) > 0 {
				fmt.Fprintf(env.stderr, "Kept its volumes (your data): %s\n  Remove them with: docker volume rm %s\n", strings.Join(d.KeptVolumes, ", "), strings.Join(d.KeptVolumes, " "))
			}
			if len(d.KeptFiles) > 0 {
				fmt.Fprintf(env.stderr, "Kept %d file(s) of yours in %s (DevArch deletes only what it wrote).\n", len(d.KeptFiles), d.KeptDir)
			}
			return nil
		})
	})
}

func (env *cmdEnv) composeCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "compose STACK",
		Short: "Print (and write) the generated compose file",
		Long: `Print the compose file DevArch generates for a stack, and write it under the stack's folder
(for your own docker compose commands). Apply never reads that file: it runs the document
the plan was made for.`,
		Example:           "  devarch compose shop\n  devarch compose shop > /tmp/shop.yaml",
		Args:              args(1, 1, "exactly one STACK", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			res, err := svc.Compose(c.Context(), a[0], true)
			if err != nil {
				return err
			}
			_, _ = env.stdout.Write(res.YAML)
			for _, c := range res.Clashes {
				printWarning(env, c)
			}
			return nil
		})
	})
}
