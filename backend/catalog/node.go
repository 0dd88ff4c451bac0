package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/model"
)

// This file holds the YAML-level rules shared by every part of a template: one document,
// valid syntax, no aliases or custom tags, unique keys. Template rules (which keys, which
// types) live in parse.go and service.go and can rely on these having been checked.

// document returns the root node of data's single YAML document. A syntax error is located
// (line and column); ctx stops the decoding and the search.
func document(ctx context.Context, data []byte) (*yaml.Node, error) {
	m := &meter{ctx: ctx, data: data}
	dec := yaml.NewDecoder(m)
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, model.Invalid("", "the template is empty",
				"Write a YAML mapping with at least name, category and service (see backend/catalog/FORMAT.md).")
		}
		return nil, syntaxError(ctx, data, m.read, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(ctx, data, m.read, err)
	default:
		return nil, invalid(&next, "", "the file holds more than one YAML document",
			"A file holds one template: remove the \"---\" and what follows, or put each template in its own file.")
	}
	if len(doc.Content) == 0 {
		return nil, model.Invalid("", "the template is empty",
			"Write a YAML mapping with at least name, category and service (see backend/catalog/FORMAT.md).")
	}
	return doc.Content[0], nil
}

var yamlLinePrefix = regexp.MustCompile(`^yaml: (line \d+: )?`)

// syntaxError turns yaml.v3's error for data, whose decoder had read read bytes when it
// failed, into an Invalid error with a line and column (locate.go), or ctx's error as a
// Canceled one.
func syntaxError(ctx context.Context, data []byte, read int, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return canceled(cerr)
	}
	msg := yamlLinePrefix.ReplaceAllString(err.Error(), "")
	const fix = "Check the indentation (spaces, not tabs), closing quotes and brackets, and quote values that contain \": \" or \" #\"."
	line, column, ok, lerr := locateSyntaxError(ctx, data, read)
	if lerr != nil {
		return canceled(lerr)
	}
	switch {
	case !ok:
		// The search found no position; keep what yaml said, line included.
		return model.Invalid("", "the YAML is not valid", strings.TrimPrefix(err.Error(), "yaml: ")+". "+fix)
	case column == 0:
		return model.Invalid("", "the YAML is not valid", fmt.Sprintf("line %d: %s. %s", line, msg, fix))
	}
	return model.Invalid("", "the YAML is not valid", fmt.Sprintf("line %d, column %d: %s. %s", line, column, msg, fix))
}

// canceled is the error for a parse that ctx stopped.
func canceled(err error) error {
	return model.Wrap(model.KindCanceled, err, "reading the template was canceled", "Nothing was saved; run it again to finish.")
}

// standardTags are the YAML core tags. Anything else (compose's !reset and !override, or
// application tags) has no meaning in a template.
var standardTags = map[string]bool{
	"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true,
	"!!timestamp": true, "!!binary": true, "!!seq": true, "!!map": true,
}

// screen checks the YAML-level rules below n: no aliases (they would also let a small file
// expand into a huge template), standard tags only, scalar and unique mapping keys, no
// merge keys. path is n's path in the template, for the error.
func screen(n *yaml.Node, path string) error {
	if n.Kind == yaml.AliasNode {
		return invalid(n, path, "YAML aliases are not supported",
			fmt.Sprintf("Write the value out instead of *%s.", n.Value))
	}
	if !standardTags[n.ShortTag()] {
		return invalid(n, path, fmt.Sprintf("unsupported YAML tag %s", n.Tag),
			"Remove the tag: templates hold plain YAML values.")
	}
	switch n.Kind {
	case yaml.MappingNode:
		seen := make(map[string]*yaml.Node, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch {
			case k.Kind == yaml.AliasNode:
				return invalid(k, path, "YAML aliases are not supported",
					fmt.Sprintf("Write the key out instead of *%s.", k.Value))
			case k.Kind != yaml.ScalarNode:
				return invalid(k, path, "a mapping key is not a plain name", "Write keys as plain names, e.g. image:.")
			case k.ShortTag() == "!!merge":
				return invalid(k, path, "YAML merge keys (<<) are not supported", "Write the keys out.")
			case k.ShortTag() == "!!null" || k.Value == "":
				return invalid(k, path, "a mapping key is empty", "Give the key a name, or remove the line.")
			}
			kp := child(path, k.Value)
			if first, dup := seen[k.Value]; dup {
				return invalid(k, kp, fmt.Sprintf("%q is set twice", k.Value),
					fmt.Sprintf("It is first set at line %d; keep one of them.", first.Line))
			}
			seen[k.Value] = k
			if err := screen(v, kp); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			if err := screen(item, index(path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// pair is one key: value entry of a mapping node.
type pair struct {
	key        string
	keyNode, v *yaml.Node
}

// pairs lists a mapping's entries in document order (screen has checked the keys).
func pairs(n *yaml.Node) []pair {
	out := make([]pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, pair{key: n.Content[i].Value, keyNode: n.Content[i], v: n.Content[i+1]})
	}
	return out
}

// fields reads a mapping whose keys form a fixed set (the template itself, a contract
// entry): it returns the value node of each key present, and rejects any other key.
// example is a short sample of the expected mapping, for the error when n is not one.
func fields(n *yaml.Node, path, example string, allowed ...string) (map[string]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, invalid(n, path, "expected a mapping, found "+describe(n), "Write it as "+example+".")
	}
	out := make(map[string]*yaml.Node, len(allowed))
	for _, p := range pairs(n) {
		known := false
		for _, a := range allowed {
			known = known || a == p.key
		}
		if !known {
			return nil, invalid(p.keyNode, child(path, p.key), fmt.Sprintf("unknown key %q", p.key),
				fmt.Sprintf("The keys here are %s; remove it or fix its spelling.", strings.Join(allowed, ", ")))
		}
		out[p.key] = p.v
	}
	return out, nil
}

// text returns a scalar's text where a string is expected. Numbers and booleans are refused
// with a hint to quote them, as resolve.ValidateOverrides refuses them in overrides: the same
// field follows the same rule wherever it is written, and a value like 1.10 or 22:22 is
// safest quoted. expect and fix complete the error: "expected <expect>, found ...", then
// what to write.
func text(n *yaml.Node, path, expect, fix string) (string, error) {
	return scalarText(n, path, expect, fix, false)
}

// mapText is text for the values of keyed maps (environment, labels, contract values),
// where numbers and booleans count as written (PORT: 3306 is "3306"): YAML users rarely
// quote them there, and compose accepts them the same way.
func mapText(n *yaml.Node, path, expect, fix string) (string, error) {
	return scalarText(n, path, expect, fix, true)
}

func scalarText(n *yaml.Node, path, expect, fix string, numbersAsText bool) (string, error) {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!null":
		case "!!int", "!!float", "!!bool":
			if numbersAsText {
				return n.Value, nil
			}
			return "", invalid(n, path, "expected "+expect+", found "+describe(n),
				fmt.Sprintf(`%s To keep it as text, quote it: "%s".`, fix, n.Value))
		default:
			return n.Value, nil
		}
	}
	return "", invalid(n, path, "expected "+expect+", found "+describe(n), fix)
}

// describe names what a node holds, for "expected X, found Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		switch n.ShortTag() {
		case "!!null":
			return "nothing (null)"
		case "!!bool":
			return "the boolean " + v
		case "!!int", "!!float":
			return "the number " + v
		}
		return "the string " + strconv.Quote(v)
	}
	return "an empty value"
}

// invalid builds the catalog's error: Field is the template path, Detail starts with the
// node's position and goes on with what to do.
func invalid(n *yaml.Node, path, summary, fix string) *model.Error {
	return model.Invalid(path, summary, fmt.Sprintf("line %d, column %d: %s", n.Line, n.Column, fix))
}

// child and index build template paths: service.environment.FOO, provides[0].contract.
func child(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
