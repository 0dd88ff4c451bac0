package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
)

// setHint says what an unexpected PATH=VALUE argument probably meant.
func setHint(extra string) string {
	if strings.Contains(extra, "=") {
		return "each override takes its own --set: --set " + extra
	}
	return ""
}

func (env *cmdEnv) instanceAddCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "add STACK NAME --template TEMPLATE",
		Short: "Place a template in a stack as a new instance",
		Long: `Place a template in a stack under NAME, with overrides on top (--set, repeatable). Everything
is checked before anything is stored. The container is created by the next apply.`,
		Example: `  devarch instance add shop db --template mysql
  devarch instance add shop web --template nginx --set 'ports=["8080:80"]' --set environment.APP_ENV=local`,
		Args:              args(2, 2, "STACK NAME --template TEMPLATE", setHint),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	asJSON := jsonFlag(c)
	template := c.Flags().String("template", "", "the `TEMPLATE` to place (devarch template list)")
	sets := c.Flags().StringArray("set", nil, "`PATH=VALUE` override (repeatable)")
	_ = c.RegisterFlagCompletionFunc("template", env.completeWith(templateNames))
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		if *template == "" {
			return usageError{"instance add takes STACK NAME --template TEMPLATE"}
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			v, err := svc.AddInstance(c.Context(), a[0], a[1], *template, *sets)
			if err != nil {
				return err
			}
			if *asJSON {
				return env.printJSON(toInstanceJSON(v))
			}
			fmt.Fprintf(env.stderr, "Added %s to stack %s (template %s, container %s).\n", v.Instance.Name, v.Instance.Stack, v.Instance.Template, model.ContainerName(v.Instance.Stack, v.Instance.Name))
			return nil
		})
	})
}

func (env *cmdEnv) instanceSetCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "set STACK NAME [--set] PATH=VALUE ... [--unset PATH ...]",
		Short: "Override fields of an instance, or go back to the template's values",
		Long: `Change an instance's overrides in one write: PATH=VALUE sets a field (bare, or with --set as
instance add takes it), --unset PATH goes back to the template's value. All are checked
first; nothing is stored if any is wrong. The next plan replaces the container.

PATH addresses a field: image, environment.APP_ENV, healthcheck.retries, ports. VALUE is
text for text fields, or JSON/YAML for lists and objects (ports=["8080:80"]).`,
		Example: `  devarch instance set shop web image=nginx:1.27 environment.APP_ENV=local
  devarch instance set shop web --set 'ports=["8080:80"]'
  devarch instance set shop web --unset environment.APP_ENV`,
		Args:              args(2, -1, "STACK NAME PATH=VALUE ... [--unset PATH ...]", nil),
		ValidArgsFunction: env.completeArgs(stackNames, instanceNames),
	}
	asJSON := jsonFlag(c)
	sets := c.Flags().StringArray("set", nil, "`PATH=VALUE` override, as a bare PATH=VALUE argument (repeatable)")
	unsets := c.Flags().StringArray("unset", nil, "`PATH` to reset to the template's value (repeatable)")
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		all := orderedSets(env.args, a, *sets)
		if len(all) == 0 && len(*unsets) == 0 {
			return usageError{"instance set takes STACK NAME PATH=VALUE ... [--unset PATH ...]"}
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			v, err := svc.UpdateInstance(c.Context(), a[0], a[1], all, *unsets)
			if err != nil {
				return err
			}
			if *asJSON {
				return env.printJSON(toInstanceJSON(v))
			}
			if !v.Changed {
				fmt.Fprintf(env.stderr, "%s/%s already has those values: nothing changed (stack revision %d).\n", a[0], a[1], v.Revision)
				return nil
			}
			fmt.Fprintf(env.stderr, "Updated %s/%s (stack revision %d).\n", a[0], a[1], v.Revision)
			return nil
		})
	})
}

func (env *cmdEnv) instanceShowCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "show STACK NAME",
		Short: "Show an instance's overrides, or its effective configuration",
		Example: `  devarch instance show shop web
  devarch instance show shop web --effective     # every field with where its value comes from
  devarch instance show shop web --json`,
		Args:              args(2, 2, "STACK NAME", nil),
		ValidArgsFunction: env.completeArgs(stackNames, instanceNames),
	}
	asJSON := jsonFlag(c)
	effective := c.Flags().Bool("effective", false, "show the effective configuration with the origin of each value")
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			v, err := svc.Instance(c.Context(), a[0], a[1])
			if err != nil {
				return err
			}
			if *asJSON {
				return env.printJSON(toInstanceJSON(v))
			}
			fmt.Fprintf(env.stdout, "%s/%s (template %s, container %s)\n", v.Instance.Stack, v.Instance.Name, v.Instance.Template, model.ContainerName(v.Instance.Stack, v.Instance.Name))
			if !*effective {
				fmt.Fprintf(env.stdout, "\nOverrides:\n%s", indent(engine.OverridesYAML(v.Instance.Overrides)))
				return nil
			}
			fmt.Fprintln(env.stdout)
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "FIELD\tVALUE\tORIGIN")
			for _, row := range effectiveRows(v.Effective) {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", row[0], row[1], row[2])
			}
			return tw.Flush()
		})
	})
}

func (env *cmdEnv) instanceListCommand() *cobra.Command {
	c := &cobra.Command{
		Use:               "list STACK",
		Aliases:           []string{"ls"},
		Short:             "List a stack's instances with their live state",
		Example:           "  devarch instance list shop\n  devarch instance list shop --json | jq -r '.[].name'",
		Args:              args(1, 1, "exactly one STACK", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			d, err := svc.Stack(c.Context(), a[0])
			if err != nil {
				return err
			}
			if *asJSON {
				return env.printJSON(instanceRows(d))
			}
			if len(d.Resolved.Stack.Instances) == 0 {
				fmt.Fprintf(env.stderr, "No instances yet. Add one: devarch instance add %s NAME --template TEMPLATE\n", a[0])
			} else {
				env.instanceTable(d)
			}
			env.detailWarnings(d)
			return nil
		})
	})
}

func (env *cmdEnv) instanceRenameCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "rename STACK NAME NEW",
		Short: "Rename an instance (refused while it has a container)",
		Long: `Rename an instance. Its container is named after it, so the rename is refused while the
container exists: take the stack down first (volumes keep your data), rename, then apply,
which creates the container under the new name. Values in other instances that name it
(DB_HOST=db) are yours to change.`,
		Example:           "  devarch down shop && devarch instance rename shop db mysql && devarch apply shop",
		Args:              args(3, 3, "STACK NAME NEW", nil),
		ValidArgsFunction: env.completeArgs(stackNames, instanceNames),
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			if err := svc.RenameInstance(c.Context(), a[0], a[1], a[2], engine.Who("cli")); err != nil {
				return err
			}
			if a[1] == a[2] {
				fmt.Fprintf(env.stderr, "%s/%s already has that name: nothing changed.\n", a[0], a[1])
				return nil
			}
			fmt.Fprintf(env.stderr, "Renamed %s/%s to %s. Create its container under the new name with: devarch apply %s\n", a[0], a[1], a[2], a[0])
			return nil
		})
	})
}

func (env *cmdEnv) instanceSetTemplateCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "set-template STACK NAME TEMPLATE",
		Short: "Switch an instance to another template, keeping its overrides",
		Long: `Switch an instance to another template (mysql to mariadb, a built-in to your clone of it). Its
overrides are kept and must fit the new template: every problem is reported at once and
nothing is changed if there is one. The next plan replaces the container.`,
		Example:           "  devarch instance set-template shop db mariadb",
		Args:              args(3, 3, "STACK NAME TEMPLATE", nil),
		ValidArgsFunction: env.completeArgs(stackNames, instanceNames, templateNames),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			v, err := svc.SetInstanceTemplate(c.Context(), a[0], a[1], a[2])
			if err != nil {
				return err
			}
			if *asJSON {
				return env.printJSON(toInstanceJSON(v))
			}
			if !v.Changed {
				fmt.Fprintf(env.stderr, "%s/%s already uses template %s: nothing changed.\n", a[0], a[1], a[2])
				return nil
			}
			fmt.Fprintf(env.stderr, "%s/%s now uses template %s (stack revision %d). The next plan replaces its container: devarch plan %s\n", a[0], a[1], a[2], v.Revision, a[0])
			return nil
		})
	})
}

func (env *cmdEnv) instanceRemoveCommand() *cobra.Command {
	c := &cobra.Command{
		Use:               "remove STACK NAME",
		Aliases:           []string{"rm"},
		Short:             "Remove an instance from a stack (its container goes at the next apply)",
		Example:           "  devarch instance remove shop cache && devarch apply shop",
		Args:              args(2, 2, "STACK NAME", nil),
		ValidArgsFunction: env.completeArgs(stackNames, instanceNames),
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			if err := svc.RemoveInstance(c.Context(), a[0], a[1]); err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "Removed %s from stack %s. Its container, if it has one, keeps running until the next apply: devarch apply %s\n", a[1], a[0], a[0])
			return nil
		})
	})
}

// orderedSets is instance set's PATH=VALUE list in the order typed, bare ones and --set ones
// alike (the sets apply in order: the last of two for one path wins). raw is the command
// line, positional the command's positional arguments (STACK NAME PATH=VALUE...), flagSets
// the --set values. Should raw not account for them all, bare sets come first.
func orderedSets(raw, positional, flagSets []string) []string {
	var out []string
	p, f := 0, 0
	for i := 0; i < len(raw); i++ {
		a := raw[i]
		switch {
		case a == "--":
			for _, rest := range raw[i+1:] {
				if p < len(positional) && rest == positional[p] {
					if p >= 2 {
						out = append(out, rest)
					}
					p++
				}
			}
			i = len(raw)
		case a == "--set" && i+1 < len(raw) && f < len(flagSets) && raw[i+1] == flagSets[f]:
			out = append(out, flagSets[f])
			f++
			i++
		case strings.HasPrefix(a, "--set=") && f < len(flagSets) && a[len("--set="):] == flagSets[f]:
			out = append(out, flagSets[f])
			f++
		case a == "--unset":
			i++ // its value
		case strings.HasPrefix(a, "-"):
		case p < len(positional) && a == positional[p]:
			if p >= 2 {
				out = append(out, a)
			}
			p++
		}
	}
	if p != len(positional) || f != len(flagSets) {
		return append(append([]string{}, positional[2:]...), flagSets...)
	}
	return out
}

// effectiveRows lists each field (map fields one row per key) with its origin, sorted.
func effectiveRows(e model.EffectiveService) [][3]string {
	var rows [][3]string
	for _, f := range e.Fields() {
		var val string
		switch {
		case f.Kind == model.FieldMap && !f.MapKey:
			continue // its keys follow, one row each
		case f.MapKey:
			val = str(f.Value)
			if strings.ContainsAny(val, "\n\r\t") { // a config file: one row per field, quoted
				val = strconv.Quote(val)
			}
		default:
			if s, ok := f.Value.(string); ok {
				val = s
			} else {
				b, _ := json.Marshal(f.Value)
				val = string(b)
			}
		}
		rows = append(rows, [3]string{f.Path, val, string(f.Origin)})
	}
	return rows
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n") + "\n"
}
