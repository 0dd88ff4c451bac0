package catalog

import (
	"bytes"
	"fmt"
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
	doc := &yaml.Node{Kind: yaml.MappingNode}
	put := func(key string, v *yaml.Node) {
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	}
	var err error
	node := func(v any) *yaml.Node {
		n := &yaml.Node{}
		if err == nil {
			err = n.Encode(v)
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
		put("provides", node(t.Provides))
	}
	if len(t.Consumes) > 0 {
		put("consumes", node(t.Consumes))
	}
	if len(t.Generate) > 0 {
		put("generate", node(t.Generate))
	}
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
