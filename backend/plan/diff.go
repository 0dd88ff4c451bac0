package plan

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// Placeholders a Change shows instead of a value.
const (
	// Sensitive replaces any value that references a secret, on both sides.
	Sensitive = "(sensitive)"
	// None stands for an absent value (field or key not set).
	None = "(none)"
)

// Change is one changed field of a replaced container: Old and New are rendered values
// (compact JSON, Sensitive or None), never raw data.
type Change struct {
	Path string `json:"path"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// Field is one field of a created container's configuration: Value is rendered like a
// Change's (compact JSON or Sensitive), never raw secret data.
type Field struct {
	Path  string `json:"path"`
	Value string `json:"value"`
}

// createdFields are the fields a create shows: what runs, where it listens, how it starts.
var createdFields = []string{"image", "ports", "command"}

// createConfig is a create's Config: the createdFields the spec sets, in that order.
func createConfig(spec model.Spec, hidden sensitivity) []Field {
	var out []Field
	for _, path := range createdFields {
		v, ok := spec[path]
		if !ok || v == nil {
			continue
		}
		f := Field{Path: path, Value: canonical(v)}
		if hidden.hides(path) {
			f.Value = Sensitive
		}
		out = append(out, f)
	}
	return out
}

// sensitivity answers whether a path's values must be hidden. A path is hidden when it, a
// field containing it, or a key inside it references a secret on either side, so neither a
// whole-map line nor a per-key line can show a reference.
type sensitivity map[string]bool

func (s sensitivity) hides(path string) bool {
	if s[path] {
		return true
	}
	if field, _, ok := strings.Cut(path, "."); ok && s[field] {
		return true
	}
	for p := range s {
		if strings.HasPrefix(p, path+".") {
			return true
		}
	}
	return false
}

// fieldChanges lists the differences between two effective specs, sorted by path. Keyed
// maps (environment, labels) are compared per key ("environment.APP_ENV"), because a user
// changes one variable, not the map; every other field is compared whole, because its
// override replaces it whole (DOMAIN.md, Overrides). Values are compared by their canonical
// JSON, so 5 and 5.0, or a spec read back from the database and one built in Go, are equal.
// nil values count as absent, as they do in the config hash.
func fieldChanges(old, new model.Spec, hidden sensitivity) []Change {
	var out []Change
	names := map[string]bool{}
	for k := range old {
		names[k] = true
	}
	for k := range new {
		names[k] = true
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		ov, nv := old[name], new[name]
		om, oMap := keyedMap(name, ov)
		nm, nMap := keyedMap(name, nv)
		if oMap && nMap {
			keyed := mapChanges(name, om, nm, hidden)
			if len(keyed) > 0 || (ov == nil) == (nv == nil) {
				out = append(out, keyed...)
				continue
			}
			// Only presence differs (absent vs {}): no key shows it, so show the field.
		}
		if c, ok := valueChange(name, ov, nv, hidden); ok {
			out = append(out, c)
		}
	}
	return out
}

func mapChanges(field string, old, new map[string]any, hidden sensitivity) []Change {
	var out []Change
	keys := map[string]bool{}
	for k := range old {
		keys[k] = true
	}
	for k := range new {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if c, ok := valueChange(field+"."+k, old[k], new[k], hidden); ok {
			out = append(out, c)
		}
	}
	return out
}

// valueChange compares two values at path and renders them when they differ.
func valueChange(path string, old, new any, hidden sensitivity) (Change, bool) {
	o, n := canonical(old), canonical(new)
	if o == n {
		return Change{}, false
	}
	c := Change{Path: path, Old: None, New: None}
	if old != nil {
		c.Old = o
	}
	if new != nil {
		c.New = n
	}
	if hidden.hides(path) {
		// Absent stays "(none)": it reveals nothing, and shows the value was added or removed.
		if old != nil {
			c.Old = Sensitive
		}
		if new != nil {
			c.New = Sensitive
		}
	}
	return c, true
}

// keyedMap returns v as a map when name is a keyed-map field (model.FieldMap) and v is a
// mapping or absent (an absent map has no keys). Anything else is compared whole.
func keyedMap(name string, v any) (map[string]any, bool) {
	def, ok := model.LookupField(name)
	if !ok || def.Kind != model.FieldMap {
		return nil, false
	}
	switch m := v.(type) {
	case nil:
		return map[string]any{}, true
	case map[string]any:
		return m, true
	case model.Spec:
		return m, true
	case map[string]string:
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[k] = x
		}
		return out, true
	}
	return nil, false
}

// canonical renders a value as compact JSON with sorted keys and no HTML escaping: strings
// quoted (so "" differs visibly from absent), lists and objects inline. Specs hold only
// JSON-like values; anything JSON cannot encode renders as a placeholder rather than failing
// the plan.
func canonical(v any) string {
	if v == nil {
		return ""
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "(unprintable value)"
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
