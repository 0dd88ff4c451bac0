package cli

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
)

func (env *cmdEnv) templateListCommand() *cobra.Command {
	c := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List built-in and custom templates",
		Example: "  devarch template list\n  devarch template list --json | jq -r '.[] | select(.builtin | not) | .name'",
		Args:    args(0, 0, "no arguments", nil),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, _ []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			ts, err := svc.Templates(c.Context())
			if err != nil {
				return err
			}
			if *asJSON {
				out := []templateJSON{}
				for _, t := range ts {
					out = append(out, toTemplateJSON(t.Template, t.UsedBy))
				}
				return env.printJSON(out)
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tKIND\tCATEGORY\tIMAGE\tUSED BY\tDESCRIPTION")
			for _, t := range ts {
				kind := "custom"
				if t.Builtin {
					kind = "built-in"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", t.Name, kind, t.Category, str(t.Service["image"]), len(t.UsedBy), t.Description)
			}
			return tw.Flush()
		})
	})
}

func (env *cmdEnv) templateShowCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "show NAME",
		Short: "Print a template's YAML definition",
		Long: `Print a template's definition as YAML: the same format template import reads, so a copy is a
starting point for your own (devarch template show nginx > web.yaml; edit; import).`,
		Example:           "  devarch template show mysql\n  devarch template show mysql --json",
		Args:              args(1, 1, "exactly one NAME", nil),
		ValidArgsFunction: env.completeArgs(templateNames),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			t, doc, err := svc.Template(c.Context(), a[0])
			if err != nil {
				return err
			}
			if *asJSON {
				service := t.Service
				if service == nil {
					service = model.Spec{}
				}
				return env.printJSON(templateDetailJSON{Name: t.Name, Builtin: t.Builtin, Version: t.Version, Category: t.Category,
					Description: t.Description, Service: service, Provides: nonNil(t.Provides), Consumes: nonNil(t.Consumes)})
			}
			_, err = env.stdout.Write(doc)
			return err
		})
	})
}

func (env *cmdEnv) templateImportCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "Add (or with --replace, replace) a custom template from YAML",
		Long: `Add a custom template from a YAML file (- reads standard input). With --replace, a custom
template of the same name is replaced, and the stacks that use it see the change at their
next plan. Built-in templates are never replaced: clone one under a new name instead.`,
		Example: `  devarch template show nginx > web.yaml   # then edit name: and the service
  devarch template import web.yaml
  devarch template import web.yaml --replace`,
		Args:              args(1, 1, "exactly one FILE (- for stdin)", nil),
		ValidArgsFunction: fileCompletion,
	}
	asJSON := jsonFlag(c)
	replace := c.Flags().Bool("replace", false, "replace an existing custom template of the same name")
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		doc, err := readTemplate(a[0])
		if err != nil {
			return err
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			t, created, err := svc.ImportTemplate(c.Context(), doc, *replace)
			if err != nil {
				return err
			}
			if *asJSON {
				var usedBy []string
				if ts, err := svc.Templates(c.Context()); err == nil {
					for _, e := range ts {
						if e.Name == t.Name {
							usedBy = e.UsedBy
						}
					}
				}
				out := toTemplateJSON(t, usedBy)
				out.Created = &created
				return env.printJSON(out)
			}
			verb := "Replaced"
			if created {
				verb = "Imported"
			}
			fmt.Fprintf(env.stderr, "%s custom template %s.\n", verb, t.Name)
			return nil
		})
	})
}

// readTemplate reads the template document at path ("-" for standard input) without ever
// holding more than catalog.MaxSize+1 bytes: a file's size is checked before it is read,
// and a stream is read up to one byte over the limit, which catalog.CheckSize refuses
// ("larger than the limit"). The same limit applies again when the document is parsed.
func readTemplate(path string) ([]byte, error) {
	r := io.Reader(os.Stdin)
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, model.Invalid("file", "cannot read the template file", err.Error())
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if err := catalog.CheckSize(st.Size()); err != nil {
				return nil, err
			}
		}
		r = f
	}
	doc, err := io.ReadAll(io.LimitReader(r, catalog.MaxSize+1))
	if err != nil {
		return nil, model.Invalid("file", "cannot read the template file", err.Error())
	}
	if err := catalog.CheckSize(int64(len(doc))); err != nil {
		return nil, err
	}
	return doc, nil
}

func (env *cmdEnv) templateCloneCommand() *cobra.Command {
	c := &cobra.Command{
		Use:               "clone NAME NEW",
		Short:             "Copy a template as a custom one",
		Example:           "  devarch template clone nginx my-nginx",
		Args:              args(2, 2, "NAME NEW", nil),
		ValidArgsFunction: env.completeArgs(templateNames),
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			t, err := svc.CloneTemplate(c.Context(), a[0], a[1])
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "Cloned %s as custom template %s.\n", a[0], t.Name)
			return nil
		})
	})
}

func (env *cmdEnv) templateDeleteCommand() *cobra.Command {
	c := &cobra.Command{
		Use:               "delete NAME",
		Aliases:           []string{"rm"},
		Short:             "Delete a custom template (refused while instances use it)",
		Example:           "  devarch template delete my-nginx",
		Args:              args(1, 1, "exactly one NAME", nil),
		ValidArgsFunction: env.completeArgs(templateNames),
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			if err := svc.DeleteTemplate(c.Context(), a[0]); err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "Deleted template %s.\n", a[0])
			return nil
		})
	})
}
