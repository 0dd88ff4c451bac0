package catalog

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/model"
)

// maxExactInt is the largest integer a float64 (the canonical number form) holds exactly.
const maxExactInt = 1 << 53

// ownedFields are compose fields DevArch generates itself; a template setting them would
// break naming or wiring, so the error says what to do instead.
var ownedFields = map[string]string{
	"container_name": "DevArch names containers devarch-{stack}-{instance}; remove it.",
	"networks":       "Each stack has its own network, which every instance joins; remove it.",
}

// listExamples show the shape of common list fields in "expected a list" errors.
var listExamples = map[string]string{
	"command":     "[npm, run, dev]",
	"entrypoint":  "[docker-entrypoint.sh]",
	"ports":       `["8080:80"]`,
	"expose":      `["9000"]`,
	"volumes":     `["data:/var/lib/data", "./app:/app"]`,
	"extra_hosts": `["host.docker.internal:host-gateway"]`,
}

// parseService reads the service definition: fields from model.ServiceFields only, each
// in the shape its kind requires, with values in canonical form (package comment). A
// template is complete, so it must say where its image comes from.
func parseService(n *yaml.Node) (model.Spec, error) {
	if n.Kind != yaml.MappingNode {
		return nil, invalid(n, "service", "expected a mapping of service fields, found "+describe(n),
			"Write the fields under service:, e.g. image: postgres:16.")
	}
	spec := model.Spec{}
	for _, p := range pairs(n) {
		path := child("service", p.key)
		def, ok := model.LookupField(p.key)
		if why, instanceOnly := model.InstanceOnlyFields[p.key]; instanceOnly {
			return nil, invalid(p.keyNode, path, fmt.Sprintf("service field %q is set on instances, not templates", p.key), why)
		}
		if !ok {
			fix, owned := ownedFields[p.key]
			if !owned {
				fix = "Service fields are " + strings.Join(model.FieldNames(), ", ") + "; remove it or fix its spelling."
			}
			return nil, invalid(p.keyNode, path, fmt.Sprintf("unknown service field %q", p.key), fix)
		}
		v, err := parseField(def, p.v, path)
		if err != nil {
			return nil, err
		}
		spec[p.key] = v
	}
	if spec["image"] == nil && spec["build"] == nil {
		return nil, invalid(n, "service.image", "the service has neither image nor build",
			"Add image: (e.g. image: postgres:16), or build: {context: ./app} to build it from a directory.")
	}
	return spec, nil
}

// parseField reads one service field according to its definition.
func parseField(def model.FieldDef, n *yaml.Node, path string) (any, error) {
	switch def.Kind {
	case model.FieldScalar:
		return parseValue(def.Type, n, path, def.Doc, false)
	case model.FieldArgv, model.FieldList:
		if n.Kind != yaml.SequenceNode {
			example, ok := listExamples[def.Name]
			if !ok {
				example = `["a", "b"]`
			}
			return nil, invalid(n, path, "expected a list, found "+describe(n),
				fmt.Sprintf("%s: %s. Write a YAML list, e.g. %s: %s, or [] for none.", def.Name, def.Doc, def.Name, example))
		}
		out := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			v, err := parseValue(def.Type, item, index(path, i), def.Doc, false)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case model.FieldMap:
		if n.Kind != yaml.MappingNode {
			return nil, invalid(n, path, "expected a mapping, found "+describe(n),
				fmt.Sprintf("%s: %s. Write NAME: value pairs, e.g. %s: {APP_ENV: local}.", def.Name, def.Doc, def.Name))
		}
		out := make(map[string]any, len(n.Content)/2)
		for _, p := range pairs(n) {
			kp := child(path, p.key)
			if strings.ContainsAny(p.key, "= \t\n") {
				return nil, invalid(p.keyNode, kp, fmt.Sprintf("%q is not a valid key", p.key),
					"Keys cannot contain '=' or spaces; write NAME: value.")
			}
			v, err := parseValue(def.Type, p.v, kp, def.Doc, true)
			if err != nil {
				return nil, err
			}
			out[p.key] = v
		}
		return out, nil
	case model.FieldObject:
		if n.Kind != yaml.MappingNode {
			return nil, invalid(n, path, "expected a mapping, found "+describe(n),
				fmt.Sprintf("%s: %s. Write its settings as key: value lines under %s:.", def.Name, def.Doc, def.Name))
		}
		out := make(map[string]any, len(n.Content)/2)
		for _, p := range pairs(n) {
			kp := child(path, p.key)
			t := model.TypeAny
			if def.Sub != nil {
				st, ok := def.Sub[p.key]
				if !ok {
					return nil, invalid(p.keyNode, kp, fmt.Sprintf("unknown %s setting %q", def.Name, p.key),
						fmt.Sprintf("%s takes %s; remove it or fix its spelling.", def.Name, strings.Join(subKeys(def), ", ")))
				}
				t = st
			}
			v, err := parseValue(t, p.v, kp, "", false)
			if err != nil {
				return nil, err
			}
			out[p.key] = v
		}
		return out, nil
	}
	return nil, model.NewError(model.KindInternal, "unknown field kind",
		fmt.Sprintf("model field %s has kind %s, which the catalog does not read", def.Name, def.Kind))
}

// parseValue reads a scalar field, a list item or a map value of type t. doc describes the
// field, for the error; mapValue selects mapText's rule for strings (see text).
func parseValue(t model.ValueType, n *yaml.Node, path, doc string, mapValue bool) (any, error) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil, missingValue(n, path)
	}
	hint := ""
	if doc != "" {
		hint = doc + ". "
	}
	switch t {
	case model.TypeString:
		const fix = `Write a single value; quote it if it contains ": " or starts with a special character.`
		if mapValue {
			return mapText(n, path, "a string", hint+fix)
		}
		return text(n, path, "a string", hint+fix)
	case model.TypeBool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			return nil, invalid(n, path, "expected true or false, found "+describe(n), hint+"Write true or false, unquoted.")
		}
		var b bool
		_ = n.Decode(&b) // a !!bool scalar always decodes
		return b, nil
	case model.TypeInt:
		i, ok := exactInt(n)
		if !ok {
			return nil, invalid(n, path, "expected a whole number, found "+describe(n), hint+"Write a whole number, unquoted, e.g. 5.")
		}
		return i, nil
	case model.TypeAny:
		return parseAny(n, path)
	}
	return nil, model.NewError(model.KindInternal, "unknown value type",
		fmt.Sprintf("%s has value type %s, which the catalog does not read", path, t))
}

// parseAny reads a free-form value (healthcheck.test, deploy, build.args) into canonical
// JSON-like form: numbers become float64, so the value compares equal after a JSONB round
// trip; null is refused (missingValue).
func parseAny(n *yaml.Node, path string) (any, error) {
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			v, err := parseAny(item, index(path, i))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for _, p := range pairs(n) {
			v, err := parseAny(p.v, child(path, p.key))
			if err != nil {
				return nil, err
			}
			out[p.key] = v
		}
		return out, nil
	}
	switch n.ShortTag() {
	case "!!null":
		return nil, missingValue(n, path)
	case "!!bool":
		var b bool
		_ = n.Decode(&b)
		return b, nil
	case "!!int", "!!float":
		f, ok := exactInt(n)
		if !ok && n.ShortTag() == "!!float" {
			ok = n.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
		}
		if !ok {
			return nil, invalid(n, path, "the number "+n.Value+" cannot be stored",
				"Numbers must be finite, and integers at most 2^53; quote it to keep it as text.")
		}
		return f, nil
	}
	return n.Value, nil
}

// exactInt reads a whole number (3, or 3.0 as resolve accepts too) as the float64 it is
// stored as, refusing integers a float64 cannot hold exactly (they would change on the way
// through).
func exactInt(n *yaml.Node) (float64, bool) {
	if n.Kind != yaml.ScalarNode {
		return 0, false
	}
	var f float64
	switch n.ShortTag() {
	case "!!int":
		var i int64
		if n.Decode(&i) != nil || i > maxExactInt || i < -maxExactInt {
			return 0, false
		}
		f = float64(i)
	case "!!float":
		if n.Decode(&f) != nil || f != math.Trunc(f) || math.Abs(f) > maxExactInt {
			return 0, false
		}
	default:
		return 0, false
	}
	return f, true
}

// missingValue is the error for a null: in a template every value must say something, and
// null only means "remove" in an instance's overrides.
func missingValue(n *yaml.Node, path string) *model.Error {
	return invalid(n, path, "a value is missing (null)",
		`Write a value ("" for an empty string), or remove the key: null only means "remove" in an instance's overrides.`)
}

func subKeys(def model.FieldDef) []string {
	keys := make([]string, 0, len(def.Sub))
	for k := range def.Sub {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
