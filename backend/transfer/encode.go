package transfer

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/resolve"
)

// Encode writes d as a devarch.yml document. The output is deterministic: keys in the
// order of the format (apiVersion, kind, name, description, instances, wires, secrets,
// secretValues, templates, then x- keys sorted), instances by name, overrides as
// resolve.FormatOverridesYAML writes them, templates as catalog.Marshal does. Empty
// sections are left out. d is put in canonical form first (Canonical); Encode does not
// validate it beyond what writing needs.
func Encode(d Document) ([]byte, error) {
	d = Canonical(d)
	root := &yaml.Node{Kind: yaml.MappingNode}
	put := func(m *yaml.Node, key string, v *yaml.Node) {
		m.Content = append(m.Content, str(key), v)
	}
	put(root, "apiVersion", str(APIVersion))
	put(root, "kind", str(Kind))
	put(root, "name", str(d.Name))
	if d.Description != "" {
		put(root, "description", str(d.Description))
	}
	if len(d.Instances) > 0 {
		insts := &yaml.Node{Kind: yaml.MappingNode}
		for _, inst := range d.Instances {
			n := &yaml.Node{Kind: yaml.MappingNode}
			put(n, "template", str(inst.Template))
			if inst.Version != 0 {
				put(n, "version", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(inst.Version)})
			}
			if len(inst.Overrides) > 0 {
				o, err := resolve.OverridesNode(inst.Overrides)
				if err != nil {
					return nil, encodeError(err, "instance "+inst.Name)
				}
				put(n, "overrides", o)
			}
			put(insts, inst.Name, n)
		}
		put(root, "instances", insts)
	}
	if len(d.Wires) > 0 {
		wires := &yaml.Node{Kind: yaml.SequenceNode}
		for _, w := range d.Wires {
			n := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
			put(n, "consumer", str(w.Consumer))
			put(n, "contract", str(w.Contract))
			put(n, "provider", str(w.Provider))
			wires.Content = append(wires.Content, n)
		}
		put(root, "wires", wires)
	}
	if len(d.Secrets) > 0 {
		s := &yaml.Node{Kind: yaml.SequenceNode}
		for _, name := range d.Secrets {
			s.Content = append(s.Content, str(name))
		}
		put(root, "secrets", s)
	}
	if sv := d.SecretValues; sv != nil {
		n := &yaml.Node{Kind: yaml.MappingNode}
		put(n, "key", blob(sv.Key))
		vals := &yaml.Node{Kind: yaml.MappingNode}
		for _, name := range slices.Sorted(maps.Keys(sv.Values)) {
			put(vals, name, blob(sv.Values[name]))
		}
		put(n, "values", vals)
		put(root, "secretValues", n)
	}
	if len(d.Templates) > 0 {
		ts := &yaml.Node{Kind: yaml.SequenceNode}
		for _, t := range d.Templates {
			t.Builtin, t.Version = false, 0
			n, err := catalog.MarshalNode(t)
			if err != nil {
				return nil, encodeError(err, "template "+t.Name)
			}
			ts.Content = append(ts.Content, n)
		}
		put(root, "templates", ts)
	}
	keys := make([]string, 0, len(d.Extensions))
	for k := range d.Extensions {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		n, err := extNode(d.Extensions[k])
		if err != nil {
			return nil, encodeError(err, k)
		}
		put(root, k, n)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, encodeError(err, "the document")
	}
	if err := enc.Close(); err != nil {
		return nil, encodeError(err, "the document")
	}
	return buf.Bytes(), nil
}

func encodeError(err error, what string) error {
	return model.Wrap(model.KindInternal, err, "cannot write "+what+" as devarch.yml", err.Error())
}

// str is a string scalar. yaml.v3 quotes it when its plain form would read as something
// else ("1", "true", "null").
func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	switch {
	case strings.ContainsAny(s, "\r\u0085\u2028\u2029") || strings.HasPrefix(s, "\n"),
		strings.HasPrefix(s, "\t") && strings.Contains(s, "\n"),
		s == "<<", yaml11Bools[s]:
		// The same cases resolve.FormatOverridesYAML double-quotes: yaml.v3's plain or
		// block forms of these do not read back as the same string.
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// blob is an armored age file as a literal block (one line of the file per line of armor):
// a changed value changes its own lines only.
func blob(s string) *yaml.Node {
	n := str(s)
	if strings.HasPrefix(s, ArmorHeader) && !strings.ContainsAny(s, "\r\u0085\u2028\u2029") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

var yaml11Bools = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true, "off": true, "Off": true, "OFF": true,
}

// extNode writes an x- value (JSON-like, as Decode returns it); map keys sorted.
func extNode(v any) (*yaml.Node, error) {
	switch x := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(x)}, nil
	case string:
		return str(x), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, fmt.Errorf("non-finite number %v", x)
		}
		if x == math.Trunc(x) && math.Abs(x) <= maxExactInt {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(int64(x), 10)}, nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(x, 'g', -1, 64)}, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, item := range x {
			c, err := extNode(item)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			c, err := extNode(x[k])
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, str(k), c)
		}
		return n, nil
	}
	return nil, fmt.Errorf("unsupported value of type %T", v)
}

// maxExactInt is the largest integer a float64 holds exactly.
const maxExactInt = 1 << 53
