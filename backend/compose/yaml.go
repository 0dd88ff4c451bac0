package compose

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// The compose file's scalars are written by yaml.v3: every string's style, quoting and
// escaping is the library's. This file turns the typed Project into a yaml.Node tree, for
// two reasons yaml.Marshal of the structs cannot cover:
//
//   - Determinism. yaml.v3 sorts map keys with a "natural" comparison (digit runs compared
//     as numbers) that is not a total order once keys hold non-ASCII digits: marshalling
//     the same map[string]string with keys over {"a", "0", "٣"} gives different orders from
//     run to run. Here every mapping is in byte order of its keys, and struct fields in
//     declaration order.
//   - Multi-line strings. yaml.v3 writes a string holding "\n" as a literal block (|), and
//     its literal writer drops a leading line break ("\nx" reads back as "x", "\n" as "").
//     Every string holding a line break is double-quoted here instead, with the break
//     escaped ("a\nb"), which reads back exactly.
//
// Encoding the tree with yaml.v3 (encodeYAML) costs about 0.1 ms per service: its emitter
// copies a ~280-byte event per node into a queue it never trims (50 services: ~6 ms and
// 4 MB, against ~2 ms here, in the same run). marshalYAML therefore has yaml.v3
// render each distinct string once, in one small document, and lays out the block
// structure itself, exactly as yaml.v3 does (TestMarshalYAML_SameAsYAMLv3 and the fuzz
// tests compare the two byte for byte). Node.Encode is never used: it marshals and
// re-parses every value, which once made generation 30x slower.

// marshalYAML writes v (a Project, or any value of the shapes it holds) as one YAML document
// with two-space indentation: the bytes encodeYAML writes, faster.
func marshalYAML(buf *bytes.Buffer, v any) error {
	root, err := encodeNode(reflect.ValueOf(v))
	if err != nil {
		return err
	}
	text, ok, err := renderStrings(root)
	if err != nil {
		return err
	}
	if !ok {
		return encodeYAML(buf, root)
	}
	w := blockWriter{buf: buf, text: text}
	w.node(root, 0, false)
	return nil
}

// encodeYAML writes the tree with yaml.v3's encoder (two-space indentation).
func encodeYAML(buf *bytes.Buffer, root *yaml.Node) error {
	enc := yaml.NewEncoder(buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("compose: encoding YAML: %w", err)
	}
	return enc.Close()
}

// renderStrings has yaml.v3 write every distinct string scalar of the tree, as the items of
// one block sequence, and returns each one's text. yaml.v3 picks a scalar's style from its
// value alone (a sequence item, a mapping value and a key get the same), and each item is
// one line: strings with line breaks are double-quoted with the breaks escaped, and the
// encoder never folds long lines. ok is false if the output is not one "- " line per item
// (then the caller encodes the whole tree with yaml.v3).
func renderStrings(root *yaml.Node) (text map[string]string, ok bool, err error) {
	index := map[string]int{}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	var collect func(n *yaml.Node)
	collect = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			if _, seen := index[n.Value]; !seen && n.Tag == "!!str" {
				index[n.Value] = len(seq.Content)
				seq.Content = append(seq.Content, n)
			}
			return
		}
		for _, c := range n.Content {
			collect(c)
		}
	}
	collect(root)
	var buf bytes.Buffer
	if len(seq.Content) > 0 {
		if err := encodeYAML(&buf, seq); err != nil {
			return nil, false, err
		}
	}
	lines := strings.SplitAfter(buf.String(), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) != len(seq.Content) {
		return nil, false, nil
	}
	text = make(map[string]string, len(index))
	for s, i := range index {
		line, found := strings.CutPrefix(lines[i], "- ")
		if !found || !strings.HasSuffix(line, "\n") {
			return nil, false, nil
		}
		text[s] = strings.TrimSuffix(line, "\n")
	}
	return text, true, nil
}

// blockWriter lays out a node tree in yaml.v3's block style with two-space indentation;
// string scalars come from text (renderStrings), other scalars are their plain value.
type blockWriter struct {
	buf  *bytes.Buffer
	text map[string]string
}

func (w blockWriter) scalar(n *yaml.Node) string {
	if n.Tag == "!!str" {
		return w.text[n.Value]
	}
	return n.Value
}

func (w blockWriter) indent(n int) {
	for i := 0; i < n; i++ {
		w.buf.WriteByte(' ')
	}
}

// nonEmptyCollection is a node written on the lines below its key.
func nonEmptyCollection(n *yaml.Node) bool {
	return (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && len(n.Content) > 0
}

// simpleKey is yaml.v3's rule for writing a key as "key:" rather than "? key": a single
// line of at most 128 bytes.
func simpleKey(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && len(n.Value) <= 128 && !hasLineBreak(n.Value)
}

// node writes n at the given indentation. inline means the line is already started (after
// "- " or "? "/": "), so the first entry or item needs no indentation.
func (w blockWriter) node(n *yaml.Node, level int, inline bool) {
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			w.buf.WriteString("{}\n")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if !(i == 0 && inline) {
				w.indent(level)
			}
			if !simpleKey(k) {
				w.buf.WriteString("? ")
				w.buf.WriteString(w.scalar(k))
				w.buf.WriteByte('\n')
				w.indent(level)
				w.buf.WriteString(": ")
				w.node(v, level+2, true)
				continue
			}
			w.buf.WriteString(w.scalar(k))
			w.buf.WriteByte(':')
			if nonEmptyCollection(v) {
				w.buf.WriteByte('\n')
				w.node(v, level+2, false)
				continue
			}
			w.buf.WriteByte(' ')
			w.node(v, level+2, true)
		}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			w.buf.WriteString("[]\n")
			return
		}
		for i, item := range n.Content {
			if !(i == 0 && inline) {
				w.indent(level)
			}
			w.buf.WriteString("- ")
			w.node(item, level+2, true)
		}
	default:
		w.buf.WriteString(w.scalar(n))
		w.buf.WriteByte('\n')
	}
}

// fieldInfo is one struct field with a yaml tag.
type fieldInfo struct {
	index     int
	name      string
	omitEmpty bool
}

// structFields caches each struct type's yaml tags (reading tags per value is the costly
// part of walking a struct).
var structFields sync.Map // reflect.Type -> []fieldInfo

func fieldsOf(t reflect.Type) []fieldInfo {
	if cached, ok := structFields.Load(t); ok {
		return cached.([]fieldInfo)
	}
	var out []fieldInfo
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("yaml")
		if tag == "-" || !sf.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		out = append(out, fieldInfo{index: i, name: name, omitEmpty: slices.Contains(strings.Split(opts, ","), "omitempty")})
	}
	structFields.Store(t, out)
	return out
}

// isEmpty reports whether a value is omitted under omitempty, as yaml.v3 decides it: a type
// with IsZero() (Argv) says so itself; otherwise nil, zero-length or the zero value.
func isEmpty(v reflect.Value) bool {
	if !v.IsValid() {
		return true
	}
	if (v.Kind() == reflect.Ptr || v.Kind() == reflect.Interface) && v.IsNil() {
		return true
	}
	if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
		return z.IsZero()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.String:
		return v.Len() == 0
	}
	return v.IsZero()
}

// encodeNode converts v to a node: structs and string-keyed maps to mappings, slices to
// sequences, strings, bools and numbers to scalars, nil to null.
func encodeNode(v reflect.Value) (*yaml.Node, error) {
	for v.IsValid() && (v.Kind() == reflect.Ptr || v.Kind() == reflect.Interface) {
		if v.IsNil() {
			return scalar("!!null", "null"), nil
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return scalar("!!null", "null"), nil
	}
	switch v.Kind() {
	case reflect.Struct:
		fields := fieldsOf(v.Type())
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: make([]*yaml.Node, 0, 2*len(fields))}
		for _, fi := range fields {
			f := v.Field(fi.index)
			if fi.omitEmpty && isEmpty(f) {
				continue
			}
			child, err := encodeNode(f)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", fi.name, err)
			}
			n.Content = append(n.Content, stringNode(fi.name), child)
		}
		return n, nil
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("compose: map keys must be strings, got %s", v.Type().Key())
		}
		keys := make([]string, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			keys = append(keys, it.Key().String())
		}
		slices.Sort(keys)
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: make([]*yaml.Node, 0, 2*len(keys))}
		keyType := v.Type().Key()
		for _, k := range keys {
			child, err := encodeNode(v.MapIndex(reflect.ValueOf(k).Convert(keyType)))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			n.Content = append(n.Content, stringNode(k), child)
		}
		return n, nil
	case reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: make([]*yaml.Node, 0, v.Len())}
		for i := 0; i < v.Len(); i++ {
			child, err := encodeNode(v.Index(i))
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			n.Content = append(n.Content, child)
		}
		return n, nil
	case reflect.String:
		return stringNode(v.String()), nil
	case reflect.Bool:
		return scalar("!!bool", strconv.FormatBool(v.Bool())), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalar("!!int", strconv.FormatInt(v.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return scalar("!!int", strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.Float32, reflect.Float64:
		return floatNode(v.Float())
	}
	return nil, fmt.Errorf("compose: cannot encode %s as YAML", v.Type())
}

// floatNode writes integral values as integers (2.0 as 2, 1e6 as 1000000: a JSON-decoded
// spec holds every number as float64) and others in Go's shortest exact form. Non-finite
// numbers have no meaning in a compose file; the builder refuses them earlier.
func floatNode(f float64) (*yaml.Node, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("compose: cannot encode the non-finite number %v", f)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return scalar("!!int", strconv.FormatInt(int64(f), 10)), nil
	}
	return scalar("!!float", strconv.FormatFloat(f, 'g', -1, 64)), nil
}

func scalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// stringNode is a string scalar. yaml.v3 picks its style: plain when the text reads back as
// this same string, else quoted (it quotes whatever would resolve to another type: "true",
// "8080", "0x1F", "~", "2001-1-1 1:00:00"), and escapes what YAML cannot hold raw
// "\x7F", "\u0085", "\uFFFE"). Some cases are forced to double quotes: text with a line
// break (see the file comment); "<<", which yaml.v3 writes plain although it then reads
// as a merge key (found by FuzzGenerateRoundTrip); and YAML 1.1's booleans (yes, off) and
// base-60 numbers (1:20), which yaml.v3 itself quotes when marshalling Go strings, so that
// YAML 1.1 readers too see strings.
func stringNode(s string) *yaml.Node {
	n := scalar("!!str", s)
	if hasLineBreak(s) || isYAML11Bool(s) || isBase60(s) || s == "<<" {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// hasLineBreak reports whether s holds a character YAML parsers (yaml.v3 follows YAML 1.1
// here) treat as a line break: LF, CR, NEL, LS or PS.
func hasLineBreak(s string) bool {
	return strings.ContainsAny(s, "\n\r\u0085\u2028\u2029")
}

// isYAML11Bool is yaml.v3's list of YAML 1.1 booleans that YAML 1.2 reads as strings.
func isYAML11Bool(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
		"n", "N", "no", "No", "NO", "off", "Off", "OFF":
		return true
	}
	return false
}

// base60 is YAML 1.1's sexagesimal number (190:20:30), as yaml.v3 matches it.
var base60 = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)

func isBase60(s string) bool {
	return s != "" && strings.IndexByte(s, ':') > 0 && strings.ContainsRune("+-0123456789", rune(s[0])) && base60.MatchString(s)
}
