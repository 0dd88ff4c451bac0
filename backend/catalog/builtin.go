package catalog

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/devarch/devarch/backend/model"
)

// builtinFiles are the built-in templates, one per file, each named after its template
// (postgres.yaml holds name: postgres) so a template is easy to find.
//
//go:embed builtin/*.yaml
var builtinFiles embed.FS

// loadBuiltinsOnce parses the embedded files once: they cannot change while the binary runs.
var loadBuiltinsOnce = sync.OnceValues(loadBuiltins)

// BuiltinsFingerprint names this binary's built-in templates by their files' contents (a
// SHA-256 over each file's name and bytes), without parsing them: a store that recorded it at
// its last sync holds these built-ins already, so a start can skip parsing and syncing.
func BuiltinsFingerprint() string { return fingerprintOnce() }

var fingerprintOnce = sync.OnceValue(func() string {
	h := sha256.New()
	files, _ := fs.Glob(builtinFiles, "builtin/*.yaml") // sorted; the pattern is valid
	for _, file := range files {
		data, _ := builtinFiles.ReadFile(file) // embedded: cannot fail
		fmt.Fprintf(h, "%s\x00%d\x00", file, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
})

// Builtins returns the built-in templates, parsed and validated, sorted by name. Each call
// returns its own copy, so callers may modify the result. An error means a built-in file is
// broken: a bug in this binary, reported as KindInternal.
func Builtins() ([]model.Template, error) {
	ts, err := loadBuiltinsOnce()
	if err != nil {
		return nil, err
	}
	out := make([]model.Template, len(ts))
	for i, t := range ts {
		out[i] = cloneTemplate(t)
	}
	return out, nil
}

func loadBuiltins() ([]model.Template, error) {
	files, err := fs.Glob(builtinFiles, "builtin/*.yaml")
	if err != nil {
		return nil, model.Wrap(model.KindInternal, err, "cannot list the built-in templates", err.Error())
	}
	broken := func(file string, err error) error {
		return model.Wrap(model.KindInternal, err, "built-in template "+file+" is broken", err.Error())
	}
	out := make([]model.Template, 0, len(files))
	for _, file := range files {
		data, err := builtinFiles.ReadFile(file)
		if err != nil {
			return nil, broken(file, err)
		}
		t, err := Parse(data, true)
		if err != nil {
			return nil, broken(file, err)
		}
		if want := strings.TrimSuffix(path.Base(file), ".yaml"); t.Name != want {
			return nil, broken(file, fmt.Errorf("the file holds template %q; name it %s.yaml", t.Name, t.Name))
		}
		out = append(out, t)
	}
	// File names are template names and unique, so names are unique too.
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// cloneTemplate deep-copies t, so no caller can change another's (or the cache's) maps.
func cloneTemplate(t model.Template) model.Template {
	t.Service, _ = cloneValue(map[string]any(t.Service)).(map[string]any)
	t.Provides = slices.Clone(t.Provides)
	for i := range t.Provides {
		t.Provides[i].Values = maps.Clone(t.Provides[i].Values)
	}
	t.Consumes = slices.Clone(t.Consumes)
	for i := range t.Consumes {
		t.Consumes[i].Env = maps.Clone(t.Consumes[i].Env)
	}
	t.Generate = maps.Clone(t.Generate)
	return t
}

// cloneValue deep-copies a canonical JSON-like value.
func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = cloneValue(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = cloneValue(x)
		}
		return out
	}
	return v
}
