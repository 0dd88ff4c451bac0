// Package composeimport turns an existing compose project into a DevArch stack: one
// instance per service, each from a custom template made from the service, and a fidelity
// report naming every field it changed or could not carry. Nothing is dropped silently.
//
// Loading uses compose-go, the loader `docker compose` itself uses, so a project reads here
// exactly as compose reads it: `.env` and env_file, interpolation, extends, include,
// profiles and the merge of several files. Loading reads files, so this package is outside
// the pure core; Convert itself does no I/O and is what the tests exercise most.
package composeimport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
)

// MaxFileSize bounds each compose file Load reads: real projects are a few KiB, and a
// bound keeps a wrong path (a log, an image) from costing memory and time.
const MaxFileSize = 1 << 20

// MaxValues bounds how many YAML values a file may expand to through aliases. compose-go
// expands aliases while loading, so a few lines of nested aliases ("billion laughs") would
// cost it minutes and gigabytes; a real project has a few hundred to a few thousand values.
const MaxValues = 20_000

// expandedSize counts the values of data's YAML documents with aliases expanded, without
// expanding them (each anchor's size is counted once), stopping early past MaxValues. A
// document yaml.v3 cannot read counts as 0: compose-go reports its syntax error.
func expandedSize(data []byte) int {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	total := 0
	sizes := map[*yaml.Node]int{}
	var size func(n *yaml.Node, depth int) int
	size = func(n *yaml.Node, depth int) int {
		if n == nil || depth > 10_000 {
			return 0
		}
		if s, ok := sizes[n]; ok {
			return s
		}
		s := 1
		if n.Kind == yaml.AliasNode {
			s = size(n.Alias, depth+1)
		}
		for _, c := range n.Content {
			if s += size(c, depth+1); s > MaxValues {
				break
			}
		}
		sizes[n] = s
		return s
	}
	for total <= MaxValues {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			break
		}
		total += size(&doc, 0)
	}
	return total
}

// LoadOptions say which project to load.
type LoadOptions struct {
	// Files are the compose files, merged in order (compose's -f); the first one's folder
	// is the project folder, where `.env` is read and relative paths start.
	Files []string
	// Profiles enable services that carry a profile (compose's --profile).
	Profiles []string
	// Env is the environment interpolation sees before `.env` (compose uses the shell's);
	// nil means none, so an import never depends on who runs it unless the caller says so.
	Env map[string]string
}

// Project is a loaded compose project and the variables its files use that nothing set
// (the shell, `.env`, LoadOptions.Env): compose reads each as an empty string, which is
// rarely what the author meant, so Convert reports them.
type Project struct {
	*types.Project
	Unset []string
	// SecretFiles are the contents of the file-based top-level secrets (secrets: {NAME:
	// {file: PATH}}), by secret name, read at load time so that Convert stays pure: the
	// import stores them as sealed stack secrets. A file that cannot be read, or is larger
	// than secrets.MaxValueSize, has its reason in SecretFileErrors instead.
	SecretFiles      map[string][]byte
	SecretFileErrors map[string]string
}

// readSecretFiles reads the file of every file-based secret, at most secrets.MaxValueSize
// bytes each (a larger one is not a value DevArch can seal and pass to compose).
func readSecretFiles(p *Project) {
	p.SecretFiles, p.SecretFileErrors = map[string][]byte{}, map[string]string{}
	for name, s := range p.Secrets {
		if s.File == "" || bool(s.External) {
			continue
		}
		// Only a regular file: a FIFO or a device (/dev/stdin) would block the import or
		// never end.
		if st, err := os.Stat(s.File); err != nil || !st.Mode().IsRegular() {
			if err == nil {
				err = fmt.Errorf("%s is not a regular file", s.File)
			}
			p.SecretFileErrors[name] = err.Error()
			continue
		}
		f, err := os.Open(s.File)
		if err != nil {
			p.SecretFileErrors[name] = err.Error()
			continue
		}
		data, err := io.ReadAll(io.LimitReader(f, secrets.MaxValueSize+1))
		_ = f.Close()
		switch {
		case err != nil:
			p.SecretFileErrors[name] = "cannot read " + s.File + ": " + err.Error()
		case len(data) > secrets.MaxValueSize:
			p.SecretFileErrors[name] = fmt.Sprintf("%s is larger than the %d bytes a secret may hold", s.File, secrets.MaxValueSize)
		default:
			p.SecretFiles[name] = data
		}
	}
}

// Load reads a compose project the way `docker compose config` does. Errors are
// *model.Error values: a missing or oversized file names the file; compose-go's own
// complaint (syntax, schema, an undefined service in depends_on) is passed on in the
// detail, since it already names the file and field.
func Load(ctx context.Context, opts LoadOptions) (*Project, error) {
	if len(opts.Files) == 0 {
		return nil, model.Invalid("file", "no compose file given", "Name the project's compose file, e.g. docker-compose.yml.")
	}
	files := make([]string, len(opts.Files))
	for i, f := range opts.Files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, model.Invalid("file", fmt.Sprintf("cannot resolve %s", f), err.Error())
		}
		st, err := os.Stat(abs)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, model.Invalid("file", fmt.Sprintf("%s does not exist", f), "Give the path of the project's compose file.")
		case err != nil:
			return nil, model.Invalid("file", fmt.Sprintf("cannot read %s", f), err.Error())
		case st.IsDir():
			return nil, model.Invalid("file", fmt.Sprintf("%s is a folder", f), "Give the compose file in it, e.g. "+filepath.Join(f, "compose.yaml")+".")
		case st.Size() > MaxFileSize:
			return nil, model.Invalid("file", fmt.Sprintf("%s is %d bytes, more than the %d a compose file may have", f, st.Size(), MaxFileSize),
				"Check that this is the project's compose file.")
		}
		data, err := os.ReadFile(abs)
		if err != nil {
			return nil, model.Invalid("file", fmt.Sprintf("cannot read %s", f), err.Error())
		}
		if n := expandedSize(data); n > MaxValues {
			return nil, model.Invalid("file", fmt.Sprintf("%s expands to more than %d values through YAML aliases", f, MaxValues),
				"Write the values out, or use fewer nested aliases (*name).")
		}
		files[i] = abs
	}
	env := make([]string, 0, len(opts.Env))
	for k, v := range opts.Env {
		env = append(env, k+"="+v)
	}
	unset := map[string]bool{}
	var mu sync.Mutex // compose-go may interpolate files concurrently
	replace := func(sub string, m template.Mapping, cfg *template.Config) (string, error) {
		v, applied, err := template.DefaultReplacementAppliedFunc(sub, m, cfg)
		if err == nil && !applied && !strings.HasPrefix(sub, "$$") {
			mu.Lock()
			unset[strings.Trim(sub, "${}")] = true
			mu.Unlock()
		}
		return v, err
	}
	po, err := cli.NewProjectOptions(files,
		cli.WithWorkingDirectory(filepath.Dir(files[0])),
		cli.WithEnv(env),
		cli.WithEnvFiles(),
		cli.WithDotEnv,
		cli.WithProfiles(opts.Profiles),
		cli.WithName("import"), // the project's name is DevArch's to choose
		cli.WithResolvedPaths(true),
		cli.WithLoadOptions(func(o *loader.Options) {
			// Unset variables are collected for the report, not logged to stderr. (These
			// options are also applied where nothing is interpolated: Interpolate is nil.)
			if o.Interpolate == nil {
				return
			}
			o.Interpolate.Substitute = func(value string, m template.Mapping) (string, error) {
				return template.SubstituteWithOptions(value, m, template.WithoutLogging, template.WithReplacementFunction(replace))
			}
		}),
	)
	if err != nil {
		return nil, model.Invalid("file", "cannot read the compose project", err.Error())
	}
	p, err := po.LoadProject(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, model.Wrap(model.KindCanceled, ctx.Err(), "import canceled", "")
		}
		return nil, model.Invalid("file", "compose cannot load the project", strings.TrimSpace(err.Error()))
	}
	out := &Project{Project: p, Unset: slices.Sorted(maps.Keys(unset))}
	readSecretFiles(out)
	return out, nil
}
