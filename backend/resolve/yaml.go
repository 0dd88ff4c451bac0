package resolve

import (
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/model"
)

// This file reads override values written as YAML: the whole delta (the editor's overrides
// view, ParseOverridesYAML) and the YAML values of `--set PATH=VALUE` (parseYAML). Both go
// through one converter, fromNode, which applies the YAML-level rules templates follow
// (package catalog): no aliases, merge keys or custom tags, mapping keys are unique scalar
// names, and numbers must survive storage as float64 exactly (integers up to 2^53, no .inf
// or .nan; a quoted number is text). Keyed-map values (environment, labels) keep their text
// as written, so `PORT: 3306` is "3306" and `V: 1.10` is "1.10", as in templates.

// ParseOverridesYAML reads an instance's whole override delta from YAML text and returns it
// validated and canonical (as NormalizeOverrides). An empty document (or null) is the empty
// delta. Errors are *model.Error values of KindInvalid: syntax errors on Field "overrides",
// with yaml.v3's line; everything else on the value's field path ("environment.X",
// "command[1]"), with the line and column in the detail.
func ParseOverridesYAML(text string) (model.Spec, error) {
	o, err := DecodeOverridesYAML(text)
	if err != nil {
		return nil, err
	}
	return NormalizeOverrides(o)
}

// DecodeOverridesYAML is ParseOverridesYAML without the validation of the delta's values:
// it applies the YAML rules (syntax, and the first break of the templates' YAML rules, with
// its line and column) and returns the delta as written, for a caller that checks it
// against its template (ResolveAll) and reports every problem at once. It is not canonical
// until NormalizeOverrides.
func DecodeOverridesYAML(text string) (model.Spec, error) {
	root, err := decodeOne(text)
	if errors.Is(err, io.EOF) {
		return model.Spec{}, nil
	}
	if err != nil {
		return nil, model.Invalid("overrides", "the overrides are not valid YAML",
			err.Error()+". Check the indentation (spaces, not tabs), closing quotes and brackets, and quote values that contain \": \" or \" #\".")
	}
	return DecodeOverridesNode(root)
}

// DecodeOverridesNode is DecodeOverridesYAML for a delta already decoded as a YAML node,
// such as one embedded in a larger document (a devarch.yml's instances.NAME.overrides):
// the same rules and errors, with Field the path within the delta and the line and column
// root's, so they point into the larger document. null is the empty delta. The caller
// bounds the document's size.
func DecodeOverridesNode(root *yaml.Node) (model.Spec, error) {
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return model.Spec{}, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, nodeInvalid(root, "overrides", "the overrides must be a mapping of fields",
			"Write one field per line, e.g. image: nginx:1.27 or environment: {APP_ENV: local}; {} for none.")
	}
	if err := checkKeys(root, ""); err != nil {
		return nil, err
	}
	o := make(model.Spec, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		name, n := root.Content[i].Value, root.Content[i+1]
		mode := plain
		if def, ok := model.LookupField(name); ok && def.Kind == model.FieldMap {
			mode = textMap
		}
		v, err := fromNode(n, name, mode)
		if err != nil {
			return nil, err
		}
		o[name] = v
	}
	return o, nil
}

// decodeOne parses raw as exactly one YAML document and returns its root node (io.EOF for
// an empty input). yaml.v3 stops reading after the first complete value on a line
// (`["8080:80"] x` would silently drop the x), so the rest of the input must be empty.
func decodeOne(raw string) (*yaml.Node, error) {
	dec := yaml.NewDecoder(strings.NewReader(raw))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	var rest yaml.Node
	switch err := dec.Decode(&rest); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, fmt.Errorf("unexpected text after the value (%w)", err)
	default:
		return nil, errors.New("more than one YAML document")
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		return doc.Content[0], nil
	}
	return &doc, nil
}

type yamlMode int

const (
	plain    yamlMode = iota // decode as YAML values
	textList                 // a sequence keeps each scalar item's text
	textMap                  // a mapping keeps each scalar value's text
)

// standardTags are the YAML core tags. Anything else (compose's !reset and !override, or
// application tags) has no meaning in overrides, as in templates.
var standardTags = map[string]bool{
	"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true,
	"!!timestamp": true, "!!binary": true, "!!seq": true, "!!map": true,
}

// fromNode converts a YAML node to a JSON-like value (string, bool, float64, nil, []any,
// map[string]any) at path. In textList mode the items of a sequence, and in textMap mode the
// values of a mapping, keep their text as written (null stays nil); deeper values, and
// nodes of another kind, convert as in plain mode.
func fromNode(n *yaml.Node, path string, mode yamlMode) (any, error) {
	if n.Kind == yaml.AliasNode {
		return nil, nodeInvalid(n, path, "YAML aliases are not supported", fmt.Sprintf("Write the value out instead of *%s.", n.Value))
	}
	if !standardTags[n.ShortTag()] {
		return nil, nodeInvalid(n, path, fmt.Sprintf("unsupported YAML tag %s", n.Tag), "Remove the tag: overrides hold plain YAML values.")
	}
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			var v any
			var err error
			if mode == textList {
				v, err = textOf(item, p)
			} else {
				v, err = fromNode(item, p, plain)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		if err := checkKeys(n, path); err != nil {
			return nil, err
		}
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, item := n.Content[i].Value, n.Content[i+1]
			p := child(path, k)
			var v any
			var err error
			if mode == textMap {
				v, err = textOf(item, p)
			} else {
				v, err = fromNode(item, p, plain)
			}
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case yaml.ScalarNode:
		return scalarValue(n, path)
	}
	return nil, nodeInvalid(n, path, "is not a YAML value", "Write a value, a list or a mapping.")
}

// textOf is a scalar's text as written (nil for null) for textList and textMap items;
// other nodes convert as plain values, for validation to judge.
func textOf(n *yaml.Node, path string) (any, error) {
	if n.Kind != yaml.ScalarNode || !standardTags[n.ShortTag()] {
		return fromNode(n, path, plain)
	}
	if n.ShortTag() == "!!null" {
		return nil, nil
	}
	return n.Value, nil
}

// integerLiteral is a YAML 1.2 decimal integer; yaml.v3 tags one that overflows int64 and
// uint64 as !!float, which would round it.
var integerLiteral = regexp.MustCompile(`^[-+]?[0-9][0-9_]*$`)

// scalarValue converts a scalar by its resolved tag. Timestamps and binary stay the text
// written: they are strings to compose.
func scalarValue(n *yaml.Node, path string) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, nodeInvalid(n, path, fmt.Sprintf("%q is not a boolean", n.Value), "Write true or false.")
		}
		return b, nil
	case "!!int":
		var i int64
		if err := n.Decode(&i); err != nil || i > maxExactInt || i < -maxExactInt {
			return nil, bigNumber(n, path)
		}
		return float64(i), nil
	case "!!float":
		if n.Style == 0 && integerLiteral.MatchString(n.Value) {
			return nil, bigNumber(n, path)
		}
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, nodeInvalid(n, path, fmt.Sprintf("%q is not a number", n.Value), "Write a number such as 1.5, or quote the value to keep it as text.")
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, nodeInvalid(n, path, fmt.Sprintf("the number %s is not finite", n.Value), nonFiniteFix)
		}
		return f, nil
	}
	return n.Value, nil
}

func bigNumber(n *yaml.Node, path string) error {
	return nodeInvalid(n, path, fmt.Sprintf("the integer %s is too large to store exactly", n.Value), bigIntFix)
}

// checkKeys applies the key rules to a mapping node: scalar, not a merge key, not empty, set
// once.
func checkKeys(n *yaml.Node, path string) error {
	where := path // the mapping's own path, for errors about a key that is no name
	if where == "" {
		where = "overrides"
	}
	seen := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		switch {
		case k.Kind == yaml.AliasNode:
			return nodeInvalid(k, where, "YAML aliases are not supported", fmt.Sprintf("Write the key out instead of *%s.", k.Value))
		case k.Kind != yaml.ScalarNode:
			return nodeInvalid(k, where, "has a key that is not a name", "Keys must be names, e.g. APP_ENV: local; a list or a mapping cannot be a key.")
		case k.ShortTag() == "!!merge":
			return nodeInvalid(k, where, "YAML merge keys (<<) are not supported", "Write the keys out; templates do not accept merge keys either.")
		case !standardTags[k.ShortTag()]:
			return nodeInvalid(k, where, fmt.Sprintf("unsupported YAML tag %s", k.Tag), "Remove the tag: keys are plain names.")
		case k.ShortTag() == "!!null" || k.Value == "":
			return nodeInvalid(k, where, "has an empty key", "Give the key a name, or remove the line.")
		}
		if first, dup := seen[k.Value]; dup {
			return nodeInvalid(k, child(path, k.Value), "is set twice", fmt.Sprintf("It is first set at line %d; give each key once.", first.Line))
		}
		seen[k.Value] = k
	}
	return nil
}

// nodeInvalid is an invalid-value error at path whose detail starts with the node's position.
func nodeInvalid(n *yaml.Node, path, summary, fix string) *model.Error {
	return model.Invalid(path, summary, fmt.Sprintf("line %d, column %d: %s", n.Line, n.Column, fix))
}

func child(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

const (
	bigIntFix    = "Numbers are stored as 64-bit floats, which hold integers exactly up to 2^53 (9007199254740992). Quote the value to keep it as text."
	nonFiniteFix = "Infinity and NaN cannot be stored or passed to compose. Write a finite number, or quote the value to keep it as text."
)

// maxExactInt is the largest integer a float64 (the canonical number form) holds exactly.
const maxExactInt = 1 << 53

// FormatOverridesYAML renders a delta for the editor's overrides view ("{}\n" when empty),
// such that ParseOverridesYAML reads it back as the same delta: keys in byte order (the
// same delta always renders the same), keyed-map numbers quoted as the text they are,
// multi-line text as a literal block (|) where yaml.v3 writes one faithfully and
// double-quoted otherwise (a leading line break, which yaml.v3's block writer drops, or a
// line separator other than \n), "<<" quoted (yaml.v3 writes it plain, which reads back as
// a merge key), and YAML 1.1's booleans (yes, off) quoted. o is expected to be canonical (as NormalizeOverrides returns it).
func FormatOverridesYAML(o model.Spec) (string, error) {
	if len(o) == 0 {
		return "{}\n", nil
	}
	n, err := OverridesNode(o)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// OverridesNode is FormatOverridesYAML's document as a YAML node (an empty mapping for the
// empty delta), for a writer that embeds a delta in a larger document; DecodeOverridesNode
// reads it back as o.
func OverridesNode(o model.Spec) (*yaml.Node, error) {
	return valueNode(map[string]any(o))
}

// yaml11Bools are YAML 1.1's booleans that YAML 1.2 (and so ParseOverridesYAML) reads as
// strings; yaml.Marshal quotes them too.
var yaml11Bools = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true, "off": true, "Off": true, "OFF": true,
}

// valueNode converts a canonical value (see the package doc) to a YAML node.
func valueNode(v any) (*yaml.Node, error) {
	switch x := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(x)}, nil
	case string:
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: x}
		switch {
		case strings.ContainsAny(x, "\r\u0085\u2028\u2029") || strings.HasPrefix(x, "\n"):
			n.Style = yaml.DoubleQuotedStyle
		case strings.HasPrefix(x, "\t") && strings.Contains(x, "\n"):
			// yaml.v3 writes this as a literal block whose first line starts with a tab, and
			// its own parser then refuses that block ("found a tab character where an
			// indentation space is expected"), so the editor could not read it back.
			n.Style = yaml.DoubleQuotedStyle
		case x == "<<", yaml11Bools[x]:
			n.Style = yaml.DoubleQuotedStyle // "yes" reads as a string here, but not to a reader's eye
		}
		return n, nil
	}
	if f, ok := asNumber(v); ok {
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("cannot write the non-finite number %v", f)
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Value: formatNumber(v)}, nil // a YAML number as written
	}
	if l, ok := asList(v); ok {
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, item := range l {
			c, err := valueNode(item)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	}
	if m, ok, _ := asObject(v); ok {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range keys {
			c, err := valueNode(m[k])
			if err != nil {
				return nil, err
			}
			kn, _ := valueNode(k)
			n.Content = append(n.Content, kn, c)
		}
		return n, nil
	}
	return nil, fmt.Errorf("cannot write a value of Go type %T", v)
}
