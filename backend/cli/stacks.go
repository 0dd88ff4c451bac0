package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

// multiFlag collects a repeatable flag (--set A=1 --set B=2).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func (env cmdEnv) positional(name string, args []string, n int, what string) (*bool, []string, error) {
	fs, asJSON := env.flags(name)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if len(pos) != n {
		return nil, nil, usageError{fmt.Sprintf("%s takes %s", name, what)}
	}
	return asJSON, pos, nil
}

func (env cmdEnv) stackShow(ctx context.Context, args []string) error {
	asJSON, pos, err := env.positional("stack show", args, 1, "exactly one NAME")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		d, err := svc.Stack(ctx, pos[0])
		if err != nil {
			return err
		}
		st := d.Resolved.Stack
		if *asJSON {
			type inst struct {
				Name      string `json:"name"`
				Template  string `json:"template"`
				Container string `json:"container"`
				Image     any    `json:"image"`
				State     string `json:"state"`
			}
			out := struct {
				Name        string   `json:"name"`
				Description string   `json:"description"`
				Revision    int64    `json:"revision"`
				Status      string   `json:"status"`
				Instances   []inst   `json:"instances"`
				Problems    []string `json:"problems"`
			}{st.Name, st.Description, st.Revision, d.Status, []inst{}, []string{}}
			for i, in := range st.Instances {
				eff := d.Resolved.Effective.Services[i]
				out.Instances = append(out.Instances, inst{in.Name, in.Template, model.ContainerName(st.Name, in.Name), eff.Spec["image"], stateOf(d, in.Name)})
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
		if len(st.Instances) == 0 {
			fmt.Fprintf(env.stdout, "\nNo instances yet. Add one: devarch instance add %s NAME --template TEMPLATE\n", st.Name)
		} else {
			fmt.Fprintln(env.stdout)
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "INSTANCE\tTEMPLATE\tIMAGE\tPORTS\tSTATE\tOVERRIDES")
			for i, in := range st.Instances {
				eff := d.Resolved.Effective.Services[i]
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", in.Name, in.Template, str(eff.Spec["image"]), str(eff.Spec["ports"]), stateOf(d, in.Name), len(in.Overrides))
			}
			_ = tw.Flush()
		}
		if d.EngineErr != nil {
			fmt.Fprintf(env.stderr, "warning: live status unavailable: %s\n", model.AsError(d.EngineErr).Summary)
		}
		for _, c := range d.Clashes {
			printWarning(env, c)
		}
		return nil
	})
}

func stateOf(d engine.StackDetail, instance string) string {
	if c, ok := d.Containers[instance]; ok {
		if c.Health != "" {
			return c.State + " (" + c.Health + ")"
		}
		return c.State
	}
	if d.EngineErr != nil {
		return "unknown"
	}
	return "not created"
}

func printWarning(env cmdEnv, err error) {
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

func (env cmdEnv) stackRename(ctx context.Context, args []string) error {
	_, pos, err := env.positional("stack rename", args, 2, "NAME NEW")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		if pos[0] == pos[1] {
			if err := svc.RenameStack(ctx, pos[0], pos[1], engine.Who("cli")); err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "Stack %s already has that name: nothing changed.\n", pos[0])
			return nil
		}
		if err := svc.RenameStack(ctx, pos[0], pos[1], engine.Who("cli")); err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "Renamed stack %s to %s. Create its containers under the new name with: devarch apply %s\n", pos[0], pos[1], pos[1])
		return nil
	})
}

func (env cmdEnv) stackSet(ctx context.Context, args []string) error {
	fs, _ := env.flags("stack set")
	desc := fs.String("description", "", "what the stack is for")
	root := fs.String("root", "", "the project's directory, where relative bind mounts and build contexts resolve")
	defaultRoot := fs.Bool("default-root", false, "go back to the stack's folder under the data home as its project root")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"stack set takes exactly one NAME"}
	}
	var set store.StackSettings
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "description":
			set.Description = desc
		case "root":
			set.Root = root
		}
	})
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
	return env.withBackend(ctx, func(svc *engine.Service) error {
		changed, err := svc.UpdateStack(ctx, pos[0], set)
		if err != nil {
			return err
		}
		switch {
		case !changed:
			fmt.Fprintf(env.stderr, "Stack %s already has those settings: nothing changed.\n", pos[0])
		case set.Root != nil:
			fmt.Fprintf(env.stderr, "Updated stack %s. Its bind mounts now resolve in the new root: the next plan replaces the containers that use them.\n", pos[0])
		default:
			fmt.Fprintf(env.stderr, "Updated stack %s.\n", pos[0])
		}
		return nil
	})
}

func (env cmdEnv) stackDelete(ctx context.Context, args []string) error {
	fs, _ := env.flags("stack delete")
	force := fs.Bool("force", false, "take the stack down first (its containers and network)")
	volumes := fs.Bool("volumes", false, "also remove its named volumes: its data")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"stack delete takes exactly one NAME"}
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		d, err := svc.DeleteStack(ctx, pos[0], engine.DeleteOptions{Force: *force, Volumes: *volumes}, engine.Who("cli"))
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "Deleted stack %s.\n", pos[0])
		if len(d.KeptVolumes) > 0 {
			fmt.Fprintf(env.stderr, "Kept its volumes (your data): %s\n  Remove them with: docker volume rm %s\n", strings.Join(d.KeptVolumes, ", "), strings.Join(d.KeptVolumes, " "))
		}
		if len(d.KeptFiles) > 0 {
			fmt.Fprintf(env.stderr, "Kept %d file(s) of yours in %s (DevArch deletes only what it wrote).\n", len(d.KeptFiles), d.KeptDir)
		}
		return nil
	})
}

func (env cmdEnv) compose(ctx context.Context, args []string) error {
	fs, _ := env.flags("compose")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"compose takes exactly one STACK"}
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		res, err := svc.Compose(ctx, pos[0], true)
		if err != nil {
			return err
		}
		_, _ = env.stdout.Write(res.YAML)
		for _, c := range res.Clashes {
			printWarning(env, c)
		}
		return nil
	})
}

func (env cmdEnv) instanceAdd(ctx context.Context, args []string) error {
	fs, asJSON := env.flags("instance add")
	template := fs.String("template", "", "the template to place (devarch template list)")
	var sets multiFlag
	fs.Var(&sets, "set", "PATH=VALUE override (repeatable)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || *template == "" {
		return usageError{"instance add takes STACK NAME --template TEMPLATE"}
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		v, err := svc.AddInstance(ctx, pos[0], pos[1], *template, sets)
		if err != nil {
			return err
		}
		if *asJSON {
			return env.printJSON(instanceJSON(v))
		}
		fmt.Fprintf(env.stderr, "Added %s to stack %s (template %s, container %s).\n", v.Instance.Name, v.Instance.Stack, v.Instance.Template, model.ContainerName(v.Instance.Stack, v.Instance.Name))
		return nil
	})
}

func (env cmdEnv) instanceSet(ctx context.Context, args []string) error {
	fs, asJSON := env.flags("instance set")
	var unsets multiFlag
	fs.Var(&unsets, "unset", "PATH to reset to the template's value (repeatable)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 || len(pos) == 2 && len(unsets) == 0 {
		return usageError{"instance set takes STACK NAME PATH=VALUE ... [--unset PATH ...]"}
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		v, err := svc.UpdateInstance(ctx, pos[0], pos[1], pos[2:], unsets)
		if err != nil {
			return err
		}
		if *asJSON {
			return env.printJSON(instanceJSON(v))
		}
		fmt.Fprintf(env.stderr, "Updated %s/%s (stack revision %d).\n", pos[0], pos[1], v.Revision)
		return nil
	})
}

func (env cmdEnv) instanceRemove(ctx context.Context, args []string) error {
	_, pos, err := env.positional("instance remove", args, 2, "STACK NAME")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		if err := svc.RemoveInstance(ctx, pos[0], pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "Removed %s from stack %s.\n", pos[1], pos[0])
		return nil
	})
}

type instanceOut struct {
	Stack     string                  `json:"stack"`
	Name      string                  `json:"name"`
	Template  string                  `json:"template"`
	Container string                  `json:"container"`
	Revision  int64                   `json:"revision"`
	Overrides model.Spec              `json:"overrides"`
	Effective model.Spec              `json:"effective"`
	Origins   map[string]model.Origin `json:"origins"`
}

func instanceJSON(v engine.InstanceView) instanceOut {
	o := v.Instance.Overrides
	if o == nil {
		o = model.Spec{}
	}
	return instanceOut{v.Instance.Stack, v.Instance.Name, v.Instance.Template, model.ContainerName(v.Instance.Stack, v.Instance.Name),
		v.Revision, o, v.Effective.Spec, v.Effective.Origins}
}

func (env cmdEnv) instanceShow(ctx context.Context, args []string) error {
	fs, asJSON := env.flags("instance show")
	effective := fs.Bool("effective", false, "show the effective configuration with the origin of each value")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{"instance show takes STACK NAME"}
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		v, err := svc.Instance(ctx, pos[0], pos[1])
		if err != nil {
			return err
		}
		if *asJSON {
			return env.printJSON(instanceJSON(v))
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
}

// effectiveRows lists each field (map fields one row per key) with its origin, sorted.
func effectiveRows(e model.EffectiveService) [][3]string {
	var rows [][3]string
	fields := make([]string, 0, len(e.Spec))
	for k := range e.Spec {
		fields = append(fields, k)
	}
	sort.Strings(fields)
	for _, f := range fields {
		if m, ok := e.Spec[f].(map[string]any); ok {
			if def, _ := model.LookupField(f); def.Kind == model.FieldMap {
				keys := make([]string, 0, len(m))
				for k := range m {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					p := f + "." + k
					rows = append(rows, [3]string{p, str(m[k]), string(e.Origins[p])})
				}
				continue
			}
		}
		b, _ := json.Marshal(e.Spec[f])
		val := string(b)
		if s, ok := e.Spec[f].(string); ok {
			val = s
		}
		rows = append(rows, [3]string{f, val, string(e.Origins[f])})
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

func (env cmdEnv) templateList(ctx context.Context, args []string) error {
	asJSON, _, err := env.positional("template list", args, 0, "no arguments")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		ts, err := svc.Templates(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			type row struct {
				Name        string   `json:"name"`
				Builtin     bool     `json:"builtin"`
				Category    string   `json:"category"`
				Description string   `json:"description"`
				Image       any      `json:"image"`
				UsedBy      []string `json:"usedBy"`
			}
			out := []row{}
			for _, t := range ts {
				used := t.UsedBy
				if used == nil {
					used = []string{}
				}
				out = append(out, row{t.Name, t.Builtin, t.Category, t.Description, t.Service["image"], used})
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
}

func (env cmdEnv) templateShow(ctx context.Context, args []string) error {
	asJSON, pos, err := env.positional("template show", args, 1, "exactly one NAME")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		t, doc, err := svc.Template(ctx, pos[0])
		if err != nil {
			return err
		}
		if *asJSON {
			return env.printJSON(map[string]any{"name": t.Name, "builtin": t.Builtin, "version": t.Version, "category": t.Category,
				"description": t.Description, "service": t.Service, "provides": t.Provides, "consumes": t.Consumes})
		}
		_, err = env.stdout.Write(doc)
		return err
	})
}

func (env cmdEnv) templateImport(ctx context.Context, args []string) error {
	fs, _ := env.flags("template import")
	replace := fs.Bool("replace", false, "replace an existing custom template of the same name")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"template import takes exactly one FILE (- for stdin)"}
	}
	doc, err := readTemplate(pos[0])
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		t, created, err := svc.ImportTemplate(ctx, doc, *replace)
		if err != nil {
			return err
		}
		verb := "Replaced"
		if created {
			verb = "Imported"
		}
		fmt.Fprintf(env.stderr, "%s custom template %s.\n", verb, t.Name)
		return nil
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

func (env cmdEnv) templateClone(ctx context.Context, args []string) error {
	_, pos, err := env.positional("template clone", args, 2, "NAME NEW")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		t, err := svc.CloneTemplate(ctx, pos[0], pos[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "Cloned %s as custom template %s.\n", pos[0], t.Name)
		return nil
	})
}

func (env cmdEnv) templateDelete(ctx context.Context, args []string) error {
	_, pos, err := env.positional("template delete", args, 1, "exactly one NAME")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		if err := svc.DeleteTemplate(ctx, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "Deleted template %s.\n", pos[0])
		return nil
	})
}
