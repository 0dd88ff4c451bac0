package catalog

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/model"
)

// Marshal writes t as a template document: the form used to clone a built-in, to export a
// template and for the editor's YAML view. The output is deterministic (top-level keys in
// FORMAT.md order, service fields in model.ServiceFields order, every mapping's keys
// sorted, lists of plain values in flow style) and Parse(Marshal(t)) equals t for any t that Parse
// produced. Marshal does not validate t: the version is written when non-zero, the
// description and contract lists when non-empty.
func Marshal(t model.Template) ([]byte, error) {
	doc, err := MarshalNode(t)
	var buf bytes.Buffer
	if err == nil {
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err = enc.Encode(doc); err == nil {
			err = enc.Close()
		}
	}
	if err != nil {
		return nil, model.Wrap(model.KindInternal, err, fmt.Sprintf("cannot write template %q as YAML", t.Name), err.Error())
	}
	return buf.Bytes(), nil
}

// MarshalNode is Marshal's document as a YAML node, for a writer that embeds a template in
// a larger document (a devarch.yml's templates:); encoding it gives Marshal's bytes, and
// ParseNode reads it back as t.
func MarshalNode(t model.Template) (*yaml.Node, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	put := func(key string, v *yaml.Node) {
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	}
	var err error
	node := func(v any) *yaml.Node {
		n, e := valueNode(v)
		if err == nil {
			err = e
		}
		return n
	}

	put("name", node(t.Name))
	if t.Version != 0 {
		put("version", node(t.Version))
	}
	put("category", node(t.Category))
	if t.Description != "" {
		put("description", node(t.Description))
	}
	service := &yaml.Node{Kind: yaml.MappingNode}
	for _, key := range serviceOrder(t.Service) {
		v := node(t.Service[key])
		flowScalarLists(v)
		service.Content = append(service.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	}
	put("service", service)
	if len(t.Provides) > 0 {
		list := make([]any, len(t.Provides))
		for i, p := range t.Provides {
			m := fieldList{{"contract", p.Contract}}
			if len(p.Values) > 0 {
				m = append(m, fieldPair{"values", p.Values})
			}
			list[i] = m
		}
		put("provides", node(list))
	}
	if len(t.Consumes) > 0 {
		list := make([]any, len(t.Consumes))
		for i, c := range t.Consumes {
			m := fieldList{{"contract", c.Contract}}
			if c.Required {
				m = append(m, fieldPair{"required", true})
			}
			if len(c.Env) > 0 {
				m = append(m, fieldPair{"env", c.Env})
			}
			list[i] = m
		}
		put("consumes", node(list))
	}
	if len(t.Generate) > 0 {
		put("generate", node(t.Generate))
	}
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// fieldPair and fieldList write a mapping whose keys keep the order given (a struct's
// field order), where Go maps are written with sorted keys.
type fieldPair struct {
	key   string
	value any
}

type fieldList []fieldPair

// valueNode builds the node for a template value: canonical spec values (maps, lists,
// scalars), string maps and lists, and fieldLists. It builds maps, lists and strings
// itself because yaml.v3's own path (Node.Encode, or Marshal) writes a multi-line string
// whose first line starts with a tab as a literal block that its parser then refuses
// ("found a tab character where an indentation space is expected"; found by FuzzParse),
// so such a template could be neither cloned nor exported. Everything else, strings
// included, keeps yaml.v3's choice of style (it quotes "yes", "1:20", "0x1F").
func valueNode(v any) (*yaml.Node, error) {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, "\t") && strings.Contains(x, "\n") {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: x, Style: yaml.DoubleQuotedStyle}, nil
		}
	case map[string]any:
		return mappingNode(sortedPairs(x))
	case model.Spec:
		return mappingNode(sortedPairs(x))
	case map[string]string:
		return mappingNode(sortedPairs(x))
	case fieldList:
		return mappingNode(x)
	case []any:
		return sequenceNode(x)
	case []string:
		return sequenceNode(x)
	}
	n := &yaml.Node{}
	return n, n.Encode(v)
}

func sortedPairs[V any](m map[string]V) fieldList {
	out := make(fieldList, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, fieldPair{k, m[k]})
	}
	return out
}

func mappingNode(pairs fieldList) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, p := range pairs {
		k, err := valueNode(p.key)
		if err != nil {
			return nil, err
		}
		v, err := valueNode(p.value)
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, k, v)
	}
	return n, nil
}

func sequenceNode[V any](items []V) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, item := range items {
		c, err := valueNode(item)
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, c)
	}
	return n, nil
}

// serviceOrder lists spec's keys in model.ServiceFields order (image first reads best),
// then any unknown keys sorted, so that even an unvalidated spec marshals deterministically.
func serviceOrder(spec model.Spec) []string {
	keys := make([]string, 0, len(spec))
	for _, f := range model.ServiceFields {
		if _, ok := spec[f.Name]; ok {
			keys = append(keys, f.Name)
		}
	}
	var extra []string
	for k := range spec {
		if _, ok := model.LookupField(k); !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	return append(keys, extra...)
}

// flowWidth is the longest list (items' text plus separators) flowScalarLists puts on one line.
const flowWidth = 72

// flowScalarLists writes short lists of plain values on one line ([npm, run, dev]), the
// way people write commands, ports and volumes; long lists and lists holding mappings,
// lists or multi-line text stay in block style.
func flowScalarLists(n *yaml.Node) {
	if n.Kind == yaml.SequenceNode {
		flow, width := true, 0
		for _, item := range n.Content {
			flow = flow && item.Kind == yaml.ScalarNode && !strings.Contains(item.Value, "\n")
			width += len(item.Value) + 2
		}
		if flow && width <= flowWidth {
			n.Style = yaml.FlowStyle
			return
		}
	}
	for _, c := range n.Content {
		flowScalarLists(c)
	}
}
