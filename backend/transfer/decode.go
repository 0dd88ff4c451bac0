package transfer

import (
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/resolve"
)

// topKeys are a document's keys besides x- extensions, in the order Encode writes them.
var topKeys = []string{"apiVersion", "kind", "name", "description", "instances", "wires", "secrets", "secretValues", "templates"}

// secretValuesKeys are the keys under secretValues.
var secretValuesKeys = []string{"key", "values"}

// instanceKeys are the keys of one entry under instances.
var instanceKeys = []string{"template", "version", "overrides"}

// wireKeys are the keys of one entry under wires.
var wireKeys = []string{"consumer", "contract", "provider"}

// Decode reads a devarch.yml document and checks everything that can be checked without
// the store: the format (keys, types, apiVersion and kind), names (stack, instances,
// templates, contracts, secrets), each instance's overrides (resolve's rules), each
// embedded template (the catalog's rules), that a custom template an instance uses is
// embedded, that a built-in reference carries a version, and that wires name instances of
// the document. What needs the store (a built-in exists in this version, overrides fit
// their template, wires match contracts, names are free) is the importer's to check. The
// result is canonical (see Document). Errors: see the package comment.
func Decode(data []byte) (Document, error) {
	if err := CheckSize(int64(len(data))); err != nil {
		return Document{}, err
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		line := 1 + strings.Count(string(data[:off]), "\n")
		col := 1 + utf8.RuneCountInString(string(data[strings.LastIndexByte(string(data[:off]), '\n')+1:off]))
		return Document{}, model.Invalid("", "the file is not valid UTF-8",
			fmt.Sprintf("line %d, column %d: byte 0x%02x is not valid UTF-8. Save the file as UTF-8.", line, col, data[off]))
	}
	root, err := document(data)
	if err != nil {
		return Document{}, err
	}
	if root.Kind != yaml.MappingNode {
		return Document{}, bad(root, "", "a devarch.yml must be a mapping, found "+describe(root),
			"Start the file with apiVersion: "+APIVersion+" and kind: "+Kind+" (see docs/devarch-yml.md).")
	}
	top, ext, err := fields(root, "", true, topKeys...)
	if err != nil {
		return Document{}, err
	}
	// apiVersion and kind first: a file of another version is reported as such, not as
	// its first unknown key.
	for _, k := range []string{"apiVersion", "kind"} {
		if top[k] == nil {
			return Document{}, bad(root, k, k+" is required", "Start the file with apiVersion: "+APIVersion+" and kind: "+Kind+".")
		}
	}
	if v, err := text(top["apiVersion"], "apiVersion"); err != nil {
		return Document{}, err
	} else if v != APIVersion {
		return Document{}, bad(top["apiVersion"], "apiVersion", fmt.Sprintf("unknown apiVersion %q", v),
			fmt.Sprintf("This DevArch reads apiVersion %s. A file written by a newer DevArch needs that version; otherwise fix the value.", APIVersion))
	}
	if v, err := text(top["kind"], "kind"); err != nil {
		return Document{}, err
	} else if v != Kind {
		return Document{}, bad(top["kind"], "kind", fmt.Sprintf("unknown kind %q", v), "A devarch.yml holds one stack: kind: "+Kind+".")
	}
	var d Document
	if top["name"] == nil {
		return Document{}, bad(root, "name", "name is required", "Add name: with the stack's name, e.g. name: shop.")
	}
	if d.Name, err = text(top["name"], "name"); err != nil {
		return Document{}, err
	}
	if err := model.ValidateStackName(d.Name); err != nil {
		return Document{}, located(err, top["name"], "name")
	}
	if n := top["description"]; n != nil {
		if d.Description, err = text(n, "description"); err != nil {
			return Document{}, err
		}
		if err := model.ValidateDescription(d.Description); err != nil {
			return Document{}, located(err, n, "description")
		}
	}
	if n := top["templates"]; n != nil {
		if d.Templates, err = decodeTemplates(n); err != nil {
			return Document{}, err
		}
	}
	embedded := map[string]bool{}
	for _, t := range d.Templates {
		embedded[t.Name] = true
	}
	if n := top["instances"]; n != nil {
		if d.Instances, err = decodeInstances(n, embedded); err != nil {
			return Document{}, err
		}
	}
	if n := top["wires"]; n != nil {
		if d.Wires, err = decodeWires(n, d.Instances); err != nil {
			return Document{}, err
		}
	}
	if n := top["secrets"]; n != nil {
		if d.Secrets, err = decodeSecrets(n); err != nil {
			return Document{}, err
		}
	}
	if n := top["secretValues"]; n != nil {
		if d.SecretValues, err = decodeSecretValues(n, d.Secrets); err != nil {
			return Document{}, err
		}
	}
	for _, p := range ext {
		if d.Extensions == nil {
			d.Extensions = map[string]any{}
		}
		if d.Extensions[p.key], err = extValue(p.v, p.key); err != nil {
			return Document{}, err
		}
	}
	return Canonical(d), nil
}

// CheckSize refuses a document of size bytes larger than MaxSize. Decode calls it first; a
// caller reading a file checks the size it knows (a file's) before reading, or reads at
// most MaxSize+1 bytes of a stream and lets Decode refuse those.
func CheckSize(size int64) error {
	if size <= MaxSize {
		return nil
	}
	const fix = "A devarch.yml holds a stack's definition (instances, overrides, wires, custom templates); large content such as scripts or data belongs in the project, mounted or built into an image."
	if size == MaxSize+1 {
		return model.Invalid("", "the file is larger than the limit of 1 MiB", fix)
	}
	return model.Invalid("", fmt.Sprintf("the file is %s; the limit is 1 MiB", sizeText(size)), fix)
}

// document parses data as exactly one YAML document and returns its root node.
func document(data []byte) (*yaml.Node, error) {
	const fix = "Check the indentation (spaces, not tabs), closing quotes and brackets, and quote values that contain \": \" or \" #\"."
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, model.Invalid("", "the file is empty", "A devarch.yml starts with apiVersion: "+APIVersion+" and kind: "+Kind+" (see docs/devarch-yml.md).")
		}
		return nil, model.Invalid("", "the file is not valid YAML", strings.TrimPrefix(err.Error(), "yaml: ")+". "+fix)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, model.Invalid("", "the file is not valid YAML", strings.TrimPrefix(err.Error(), "yaml: ")+". "+fix)
	default:
		return nil, bad(&next, "", "the file holds more than one YAML document", "A devarch.yml holds one stack: remove the \"---\" and what follows.")
	}
	if len(doc.Content) == 0 {
		return nil, model.Invalid("", "the file is empty", "A devarch.yml starts with apiVersion: "+APIVersion+" and kind: "+Kind+".")
	}
	return doc.Content[0], nil
}

type pair struct {
	key        string
	keyNode, v *yaml.Node
}

// fields reads a mapping with a fixed set of keys: the value node of each key present.
// With extensions, x- keys are returned in ext (document order) instead of being refused.
// Every key must be a plain, unique, non-alias scalar.
func fields(n *yaml.Node, path string, extensions bool, allowed ...string) (map[string]*yaml.Node, []pair, error) {
	ps, err := pairs(n, path)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[string]*yaml.Node, len(allowed))
	var ext []pair
	for _, p := range ps {
		switch {
		case contains(allowed, p.key):
			out[p.key] = p.v
		case extensions && strings.HasPrefix(p.key, "x-"):
			ext = append(ext, p)
		default:
			hint := ""
			if extensions {
				hint = " Keys of your own start with x- (x-team: ...)."
			}
			return nil, nil, bad(p.keyNode, at(path, p.key), fmt.Sprintf("unknown key %q", p.key),
				fmt.Sprintf("The keys here are %s; remove it or fix its spelling.%s", strings.Join(allowed, ", "), hint))
		}
	}
	return out, ext, nil
}

// pairs lists a mapping's entries after checking its keys (see fields).
func pairs(n *yaml.Node, path string) ([]pair, error) {
	if err := plainNode(n, path); err != nil {
		return nil, err
	}
	if n.Kind != yaml.MappingNode {
		return nil, bad(n, path, "expected a mapping, found "+describe(n), "Write it as key: value lines, indented under "+lastKey(path)+":.")
	}
	out := make([]pair, 0, len(n.Content)/2)
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind == yaml.AliasNode:
			return nil, bad(k, path, "YAML aliases are not supported", "Write the key out instead of *"+k.Value+".")
		case k.Kind != yaml.ScalarNode:
			return nil, bad(k, path, "a mapping key is not a plain name", "Write keys as plain names.")
		case k.ShortTag() == "!!merge":
			return nil, bad(k, path, "YAML merge keys (<<) are not supported", "Write the keys out.")
		case k.ShortTag() == "!!null" || k.Value == "":
			return nil, bad(k, path, "a mapping key is empty", "Give the key a name, or remove the line.")
		case !standardTags[k.ShortTag()]:
			return nil, bad(k, path, "unsupported YAML tag "+k.Tag, "Remove the tag.")
		}
		if first, dup := seen[k.Value]; dup {
			return nil, bad(k, at(path, k.Value), fmt.Sprintf("%q is set twice", k.Value),
				fmt.Sprintf("It is first set at line %d; keep one of them.", first.Line))
		}
		seen[k.Value] = k
		out = append(out, pair{key: k.Value, keyNode: k, v: v})
	}
	return out, nil
}

var standardTags = map[string]bool{
	"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true,
	"!!timestamp": true, "!!binary": true, "!!seq": true, "!!map": true,
}

// plainNode refuses an alias or a custom tag at n.
func plainNode(n *yaml.Node, path string) error {
	if n.Kind == yaml.AliasNode {
		return bad(n, path, "YAML aliases are not supported", "Write the value out instead of *"+n.Value+".")
	}
	if !standardTags[n.ShortTag()] {
		return bad(n, path, "unsupported YAML tag "+n.Tag, "Remove the tag: a devarch.yml holds plain YAML values.")
	}
	return nil
}

// text is a string scalar's value; numbers and booleans are refused (quote them).
func text(n *yaml.Node, path string) (string, error) {
	if err := plainNode(n, path); err != nil {
		return "", err
	}
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!null":
		case "!!int", "!!float", "!!bool":
			return "", bad(n, path, "expected a string, found "+describe(n), fmt.Sprintf("To keep it as text, quote it: %q.", n.Value))
		default:
			return n.Value, nil
		}
	}
	return "", bad(n, path, "expected a string, found "+describe(n), "Write a single value on the line, e.g. "+lastKey(path)+": value.")
}

func decodeTemplates(n *yaml.Node) ([]model.Template, error) {
	if err := plainNode(n, "templates"); err != nil {
		return nil, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, bad(n, "templates", "expected a list, found "+describe(n), "Write each custom template as an item: - name: my-api (see backend/catalog/FORMAT.md).")
	}
	var out []model.Template
	first := map[string]int{}
	for i, tn := range n.Content {
		path := at("templates", "["+strconv.Itoa(i)+"]")
		t, err := catalog.ParseNode(tn, false)
		if err != nil {
			return nil, prefixed(err, path, tn)
		}
		if j, dup := first[t.Name]; dup {
			return nil, bad(tn, at(path, "name"), fmt.Sprintf("template %q is embedded twice", t.Name),
				fmt.Sprintf("templates[%d] has the same name; keep one of them.", j))
		}
		first[t.Name] = i
		out = append(out, t)
	}
	return out, nil
}

func decodeInstances(n *yaml.Node, embedded map[string]bool) ([]Instance, error) {
	ps, err := pairs(n, "instances")
	if err != nil {
		return nil, err
	}
	out := make([]Instance, 0, len(ps))
	for _, p := range ps {
		path := at("instances", p.key)
		// The combined length rule needs the importing stack's name; the importer checks it.
		if err := model.ValidateInstanceName("", p.key); err != nil {
			return nil, located(err, p.keyNode, path)
		}
		f, _, err := fields(p.v, path, false, instanceKeys...)
		if err != nil {
			return nil, err
		}
		inst := Instance{Name: p.key, Overrides: model.Spec{}}
		if f["template"] == nil {
			return nil, bad(p.v, at(path, "template"), "template is required", "Add template: with the template's name, e.g. template: mysql.")
		}
		if inst.Template, err = text(f["template"], at(path, "template")); err != nil {
			return nil, err
		}
		if len(inst.Template) > 63 || !dnsLabel.MatchString(inst.Template) {
			return nil, bad(f["template"], at(path, "template"), fmt.Sprintf("%q is not a template name", inst.Template),
				"Template names are lowercase DNS labels, e.g. mysql or my-api.")
		}
		if vn := f["version"]; vn != nil {
			if inst.Version, err = version(vn, at(path, "version")); err != nil {
				return nil, err
			}
			if embedded[inst.Template] {
				return nil, bad(vn, at(path, "version"), fmt.Sprintf("template %q is embedded, so it is a custom template and has no version", inst.Template),
					"Remove version: (built-in templates are referenced by name and version; custom ones are embedded under templates:).")
			}
		} else if !embedded[inst.Template] {
			return nil, bad(f["template"], at(path, "template"), fmt.Sprintf("template %q is neither embedded nor a built-in reference", inst.Template),
				"For a built-in template add its version (version: 1); for a custom one embed it under templates: (devarch export does both).")
		}
		if on := f["overrides"]; on != nil {
			if inst.Overrides, err = overrides(on, at(path, "overrides")); err != nil {
				return nil, err
			}
		}
		out = append(out, inst)
	}
	return out, nil
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// version reads a built-in template's version: a whole number from 1.
func version(n *yaml.Node, path string) (int, error) {
	if err := plainNode(n, path); err != nil {
		return 0, err
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		if v, err := strconv.Atoi(n.Value); err == nil && v >= 1 && v <= 1<<30 {
			return v, nil
		}
	}
	return 0, bad(n, path, "expected a version number (1 or higher), found "+describe(n), "Built-in templates are referenced by name and version, e.g. version: 1.")
}

// overrides decodes and validates an instance's delta at path.
func overrides(n *yaml.Node, path string) (model.Spec, error) {
	o, err := resolve.DecodeOverridesNode(n)
	if err != nil {
		return nil, prefixed(err, path, n)
	}
	o, err = resolve.NormalizeOverrides(o)
	if err != nil {
		return nil, prefixed(err, path, n)
	}
	return o, nil
}

func decodeWires(n *yaml.Node, insts []Instance) ([]model.Wire, error) {
	if err := plainNode(n, "wires"); err != nil {
		return nil, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, bad(n, "wires", "expected a list, found "+describe(n), "Write each wire as an item: - {consumer: app, contract: mysql, provider: db}.")
	}
	names := map[string]bool{}
	for _, inst := range insts {
		names[inst.Name] = true
	}
	seen := map[[2]string]int{}
	var out []model.Wire
	for i, wn := range n.Content {
		path := "wires[" + strconv.Itoa(i) + "]"
		f, _, err := fields(wn, path, false, wireKeys...)
		if err != nil {
			return nil, err
		}
		var w model.Wire
		for _, k := range wireKeys {
			if f[k] == nil {
				return nil, bad(wn, at(path, k), k+" is required", "A wire names its consumer, contract and provider: {consumer: app, contract: mysql, provider: db}.")
			}
		}
		vals := map[string]*string{"consumer": &w.Consumer, "contract": &w.Contract, "provider": &w.Provider}
		for _, k := range wireKeys {
			if *vals[k], err = text(f[k], at(path, k)); err != nil {
				return nil, err
			}
		}
		for _, k := range []string{"consumer", "provider"} {
			if !names[*vals[k]] {
				return nil, bad(f[k], at(path, k), fmt.Sprintf("no instance named %q", *vals[k]),
					fmt.Sprintf("A wire connects two instances of the file; its instances: %s.", instanceList(insts)))
			}
		}
		if !contractName.MatchString(w.Contract) {
			return nil, bad(f["contract"], at(path, "contract"), fmt.Sprintf("%q is not a contract name", w.Contract),
				"Contract names use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, e.g. mysql.")
		}
		if w.Consumer == w.Provider {
			return nil, bad(f["provider"], at(path, "provider"), fmt.Sprintf("%s cannot be wired to itself", w.Consumer), "Choose another instance as the provider.")
		}
		k := [2]string{w.Consumer, w.Contract}
		if j, dup := seen[k]; dup {
			return nil, bad(wn, path, fmt.Sprintf("%s's %s is wired twice", w.Consumer, w.Contract), fmt.Sprintf("wires[%d] wires it too; keep one.", j))
		}
		seen[k] = i
		out = append(out, w)
	}
	return out, nil
}

func instanceList(insts []Instance) string {
	if len(insts) == 0 {
		return "none"
	}
	names := make([]string, len(insts))
	for i, inst := range insts {
		names[i] = inst.Name
	}
	return strings.Join(names, ", ")
}

func decodeSecrets(n *yaml.Node) ([]string, error) {
	if err := plainNode(n, "secrets"); err != nil {
		return nil, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, bad(n, "secrets", "expected a list of secret names, found "+describe(n), "Write secrets: [api_key, smtp_password] (names only, never values).")
	}
	seen := map[string]bool{}
	var out []string
	for i, sn := range n.Content {
		path := "secrets[" + strconv.Itoa(i) + "]"
		name, err := text(sn, path)
		if err != nil {
			return nil, err
		}
		if !model.ValidSecretName(name) {
			return nil, bad(sn, path, fmt.Sprintf("%q is not a valid secret name", shorten(name)),
				model.SecretNameHelp+" The file lists names only, never values.")
		}
		if seen[name] {
			return nil, bad(sn, path, fmt.Sprintf("secret %q is listed twice", name), "Keep one of them.")
		}
		seen[name] = true
		out = append(out, name)
	}
	return out, nil
}

// decodeSecretValues reads secretValues: the key blob and one blob per secret listed in
// secrets. Blobs are checked for their shape only (an armored age file of bounded size):
// decrypting them needs the passphrase, which is the importer's business.
func decodeSecretValues(n *yaml.Node, names []string) (*SecretValues, error) {
	const path = "secretValues"
	const made = "secretValues is written by devarch export --with-secrets; remove the whole section to import names only."
	f, _, err := fields(n, path, false, secretValuesKeys...)
	if err != nil {
		return nil, err
	}
	for _, k := range secretValuesKeys {
		if f[k] == nil {
			return nil, bad(n, at(path, k), k+" is required", made)
		}
	}
	out := &SecretValues{Values: map[string]string{}}
	if out.Key, err = armored(f["key"], at(path, "key")); err != nil {
		return nil, err
	}
	ps, err := pairs(f["values"], at(path, "values"))
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, bad(f["values"], at(path, "values"), "secretValues.values is empty", made)
	}
	for _, p := range ps {
		vp := at(path, "values."+p.key)
		if !model.ValidSecretName(p.key) {
			return nil, bad(p.keyNode, vp, fmt.Sprintf("%q is not a valid secret name", shorten(p.key)), model.SecretNameHelp)
		}
		if !contains(names, p.key) {
			return nil, bad(p.keyNode, vp, fmt.Sprintf("secret %q has a value but is not listed under secrets", p.key),
				"Add it to secrets:, or remove its value.")
		}
		if out.Values[p.key], err = armored(p.v, vp); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// armored reads an encrypted blob: a string that is one ASCII-armored age file, at most
// MaxBlobSize bytes. The error never shows the blob.
func armored(n *yaml.Node, path string) (string, error) {
	if err := plainNode(n, path); err != nil {
		return "", err
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return "", bad(n, path, "expected an encrypted value (an armored age file), found "+describeKind(n),
			"Write it as a block: "+lastKey(path)+": |, then the lines from "+ArmorHeader+" to "+ArmorFooter+" indented below.")
	}
	if len(n.Value) > MaxBlobSize {
		return "", bad(n, path, fmt.Sprintf("the encrypted value is %s; the limit is %s", sizeText(int64(len(n.Value))), sizeText(MaxBlobSize)),
			"A secret value is at most 64 KiB, which encrypts to well under the limit.")
	}
	v := n.Value
	if !strings.HasSuffix(v, "\n") {
		v += "\n" // a block written with |- reads without it; the canonical form has it
	}
	if !armorShape.MatchString(v) {
		return "", bad(n, path, "not an encrypted value (an armored age file)",
			"It is the line "+ArmorHeader+", lines of base64, and the line "+ArmorFooter+", as devarch export --with-secrets writes it. Never put a plain value here.")
	}
	return v, nil
}

// armorShape is an armored age file as filippo.io/age/armor writes it: the header line,
// base64 lines of at most 64 characters, the footer line.
var armorShape = regexp.MustCompile(`^` + regexp.QuoteMeta(ArmorHeader) + `\n([A-Za-z0-9+/=]{1,64}\n)*` + regexp.QuoteMeta(ArmorFooter) + `\n$`)

// describeKind names what a node holds without showing a string's content (a plain value
// where an encrypted one belongs may be a secret).
func describeKind(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return describe(n)
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing (null)"
	case "!!bool":
		return "a boolean"
	case "!!int", "!!float":
		return "a number"
	}
	return "a string"
}

// extValue converts an x- value to a JSON-like value, with the YAML rules of the rest of
// the file (no aliases, merge keys or custom tags; finite numbers that a float64 holds).
func extValue(n *yaml.Node, path string) (any, error) {
	if err := plainNode(n, path); err != nil {
		return nil, err
	}
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := extValue(c, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		ps, err := pairs(n, path)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(ps))
		for _, p := range ps {
			if out[p.key], err = extValue(p.v, at(path, p.key)); err != nil {
				return nil, err
			}
		}
		return out, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return nil, bad(n, path, "not a boolean: "+describe(n), "Write true or false.")
			}
			return b, nil
		case "!!int", "!!float":
			var v any
			if err := n.Decode(&v); err != nil {
				return nil, bad(n, path, "not a number: "+describe(n), "Quote the value to keep it as text.")
			}
			var f float64
			switch x := v.(type) {
			case int:
				f = float64(x)
			case int64:
				f = float64(x)
			case uint64:
				f = float64(x)
			case float64:
				f = x
			default:
				return nil, bad(n, path, "not a number: "+describe(n), "Quote the value to keep it as text.")
			}
			if math.IsInf(f, 0) || math.IsNaN(f) || (n.ShortTag() == "!!int" && math.Abs(f) > maxExactInt) {
				return nil, bad(n, path, "the number "+shorten(n.Value)+" cannot be kept exactly",
					"Values are kept as 64-bit floats: finite, and integers up to 2^53. Quote the value to keep it as text.")
			}
			return f, nil
		}
		return n.Value, nil
	}
	return nil, bad(n, path, "unexpected "+describe(n), "Write a plain YAML value.")
}

// describe names what a node holds, for "expected X, found Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing (null)"
		case "!!bool":
			return "the boolean " + shorten(n.Value)
		case "!!int", "!!float":
			return "the number " + shorten(n.Value)
		}
		return "the string " + strconv.Quote(shorten(n.Value))
	}
	return "an empty value"
}

func shorten(s string) string {
	if len(s) > 40 {
		r := []rune(s)
		if len(r) > 37 {
			return string(r[:37]) + "..."
		}
	}
	return s
}

func lastKey(path string) string {
	if i := strings.LastIndexAny(path, ".]"); i >= 0 && i+1 < len(path) {
		return path[i+1:]
	}
	if path == "" {
		return "the parent key"
	}
	return path
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// bad is Decode's error: Field is the path in the file, Detail starts with n's position.
func bad(n *yaml.Node, path, summary, fix string) *model.Error {
	return model.Invalid(path, summary, fmt.Sprintf("line %d, column %d: %s", n.Line, n.Column, fix))
}

// hasPosition matches a detail that already starts with a position.
var hasPosition = regexp.MustCompile(`^line \d+(, column \d+)?: `)

// located gives a model error about the value at n (name rules and the like, which know no
// position) the path and n's position.
func located(err error, n *yaml.Node, path string) error {
	var me *model.Error
	if !errors.As(err, &me) {
		return bad(n, path, err.Error(), "")
	}
	out := *me
	out.Field = path
	if !hasPosition.MatchString(out.Detail) {
		out.Detail = fmt.Sprintf("line %d, column %d: %s", n.Line, n.Column, out.Detail)
	}
	out.Kind = model.KindInvalid
	return &out
}

// prefixed puts the errors of a sub-document (a template, a delta) decoded from node n at
// path in the file: each Field becomes path + its own path, and a problem without a
// position gets the one of the node its path names (or n's).
func prefixed(err error, path string, n *yaml.Node) error {
	var me *model.Error
	if !errors.As(err, &me) {
		return bad(n, path, err.Error(), "")
	}
	one := func(p *model.Error) *model.Error {
		out := *p
		sub := p.Field
		if sub == "overrides" { // resolve's name for the delta as a whole
			sub = ""
		}
		out.Field = at(path, sub)
		out.Kind = model.KindInvalid
		if !hasPosition.MatchString(out.Detail) {
			pn := find(n, sub)
			out.Detail = fmt.Sprintf("line %d, column %d: %s", pn.Line, pn.Column, out.Detail)
		}
		out.Problems = nil
		return &out
	}
	if len(me.Problems) == 0 {
		return one(me)
	}
	ps := make([]*model.Error, len(me.Problems))
	for i, p := range me.Problems {
		ps[i] = one(p)
	}
	summary := me.Summary
	if i := strings.LastIndex(summary, ": "); i >= 0 {
		summary = summary[:i]
	}
	return model.JoinProblems(summary+" at "+path, ps)
}

// indexPart is a leading "[i]" of a path.
var indexPart = regexp.MustCompile(`^\[(\d+)\]`)

// find returns the node at path below n (keys joined by ".", indexes as "[i]"), or the
// deepest node it reached: the best position for an error about that path. A mapping key
// holding dots is matched whole when it is present.
func find(n *yaml.Node, path string) *yaml.Node {
	for path != "" && n != nil {
		if m := indexPart.FindStringSubmatch(path); m != nil {
			i, _ := strconv.Atoi(m[1])
			if n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				return n
			}
			n, path = n.Content[i], strings.TrimPrefix(path[len(m[0]):], ".")
			continue
		}
		if n.Kind != yaml.MappingNode {
			return n
		}
		var next *yaml.Node
		rest := ""
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if path == k {
				next, rest = n.Content[i+1], ""
				break
			}
			if strings.HasPrefix(path, k) && (path[len(k)] == '.' || path[len(k)] == '[') {
				next, rest = n.Content[i+1], strings.TrimPrefix(path[len(k):], ".")
			}
		}
		if next == nil {
			return n
		}
		n, path = next, rest
	}
	return n
}
