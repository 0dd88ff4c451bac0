package catalog

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/model"
)

// categories group templates in lists and pickers, in display order.
var categories = []string{"database", "cache", "web", "runtime", "mail", "storage", "tools"}

// Categories returns the known template categories, in display order.
func Categories() []string { return slices.Clone(categories) }

// topKeys are a template document's keys, in the order Marshal writes them.
var topKeys = []string{"name", "version", "category", "description", "service", "provides", "consumes", "generate"}

var (
	// templateName is a DNS label, like stack and instance names (the templates table's
	// dns_label domain enforces the same).
	templateName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	// contractName matches the wires table's check on contract names.
	contractName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	// valueName names a value a contract exports (host, port, url, access_key).
	valueName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// envName is a portable environment variable name (POSIX shells can expand it).
	envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// reference finds ${...} in a provided value; see checkReferences.
	reference = regexp.MustCompile(`\$\{([^}]*)\}`)
)

const maxTemplateName = 63

// MaxSize is the largest template document, in bytes, that Parse accepts. A template is
// one service definition: the built-ins are under 2 KiB, and 256 KiB leaves room for long
// commands and environments while bounding what a bad or hostile file can cost (memory,
// and the time to parse it and locate a syntax error, well under a second).
const MaxSize = 256 << 10

// CheckSize refuses a document of size bytes larger than MaxSize. Parse calls it first;
// a caller that reads a document from a file or stream calls it with the size it knows
// (a file's), or reads at most MaxSize+1 bytes and lets Parse refuse those: that count
// reads as "more than 256 KiB".
func CheckSize(size int64) error {
	if size <= MaxSize {
		return nil
	}
	const fix = "A template holds one service definition; keep large content (scripts, configuration files) out of it: build it into the image or mount it from a file."
	if size == MaxSize+1 {
		return model.Invalid("", "the template is larger than the limit of 256 KiB", fix)
	}
	return model.Invalid("", fmt.Sprintf("the template is %s; the limit is 256 KiB", sizeText(size)), fix)
}

// sizeText writes a byte count for people: KiB rounded up, MiB with one decimal from 1 MiB.
func sizeText(size int64) string {
	if size >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(size)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", (size+1023)/1024)
}

// Parse is ParseContext without a context to stop it: for documents at hand, like the
// built-in templates.
func Parse(data []byte, builtin bool) (model.Template, error) {
	return ParseContext(context.Background(), data, builtin)
}

// ParseContext decodes and validates one template document. builtin says whose rules
// apply: built-in templates carry a version >= 1 (the database sync replaces stored copies
// with a lower one); custom templates carry none. The result is in the canonical form
// described in the package comment, so Parse(Marshal(t)) equals t. Every error is a
// *model.Error of KindInvalid naming the offending path and, where it has one, its line
// and column; a document over MaxSize is refused before anything else. When ctx ends
// first the error is KindCanceled; the work, decoding and locating a syntax error
// included, takes time linear in the document's size.
func ParseContext(ctx context.Context, data []byte, builtin bool) (model.Template, error) {
	if err := CheckSize(int64(len(data))); err != nil {
		return model.Template{}, err
	}
	root, err := document(ctx, data)
	if err != nil {
		return model.Template{}, err
	}
	return ParseNode(root, builtin)
}

// ParseNode is ParseContext for a template already decoded as a YAML node, such as one
// embedded in a larger document (a devarch.yml's templates:). It applies the same rules
// (the YAML-level ones of screen included) and returns the same errors: Field is the path
// within the template, and the detail's line and column are root's, so they point into the
// larger document. The caller bounds the document's size.
func ParseNode(root *yaml.Node, builtin bool) (model.Template, error) {
	if err := screen(root, ""); err != nil {
		return model.Template{}, err
	}
	if root.Kind != yaml.MappingNode {
		return model.Template{}, invalid(root, "", "a template must be a mapping, found "+describe(root),
			"Start the file with name:, category: and service: (see backend/catalog/FORMAT.md).")
	}
	for _, p := range pairs(root) {
		if _, isField := model.LookupField(p.key); isField && !slices.Contains(topKeys, p.key) {
			return model.Template{}, invalid(p.keyNode, p.key, fmt.Sprintf("%s is a service field", p.key),
				fmt.Sprintf("Move %s: under service: (indented).", p.key))
		}
	}
	top, err := fields(root, "", "a mapping", topKeys...)
	if err != nil {
		return model.Template{}, err
	}
	for _, key := range []string{"name", "category", "service"} {
		if top[key] == nil {
			return model.Template{}, invalid(root, key, key+" is required", requiredFix[key])
		}
	}

	t := model.Template{Builtin: builtin}
	if t.Name, err = parseName(top["name"]); err != nil {
		return model.Template{}, err
	}
	if t.Version, err = parseVersion(top["version"], root, builtin); err != nil {
		return model.Template{}, err
	}
	if t.Category, err = parseCategory(top["category"]); err != nil {
		return model.Template{}, err
	}
	if n := top["description"]; n != nil {
		if t.Description, err = parseDescription(n); err != nil {
			return model.Template{}, err
		}
	}
	if t.Service, err = parseService(top["service"]); err != nil {
		return model.Template{}, err
	}
	env, _ := t.Service["environment"].(map[string]any)
	if n := top["provides"]; n != nil {
		if t.Provides, err = parseProvides(n, env); err != nil {
			return model.Template{}, err
		}
	}
	if n := top["consumes"]; n != nil {
		if t.Consumes, err = parseConsumes(n); err != nil {
			return model.Template{}, err
		}
	}
	if n := top["generate"]; n != nil {
		if t.Generate, err = parseGenerate(n, env); err != nil {
			return model.Template{}, err
		}
	}
	return t, nil
}

var requiredFix = map[string]string{
	"name":     "Add name: with a lowercase DNS label, e.g. name: my-api.",
	"category": "Add category: with one of " + strings.Join(categories, ", ") + ".",
	"service":  "Add service: with at least image: (e.g. image: postgres:16) or build:.",
}

func parseName(n *yaml.Node) (string, error) {
	const fix = "Use lowercase letters a-z, digits and hyphens, starting and ending with a letter or digit (a DNS label), e.g. my-api."
	name, err := text(n, "name", "a name", fix)
	if err != nil {
		return "", err
	}
	switch {
	case name == "":
		return "", invalid(n, "name", "name is empty", fix)
	case len(name) > maxTemplateName:
		return "", invalid(n, "name", fmt.Sprintf("name %q is too long", name),
			fmt.Sprintf("It has %d characters; the limit is %d (a DNS label).", len(name), maxTemplateName))
	case !templateName.MatchString(name):
		return "", invalid(n, "name", fmt.Sprintf("name %q is not a valid name", name), fix)
	}
	return name, nil
}

// parseVersion applies the version rule: built-ins must have one (>= 1), custom templates
// must not, since nothing syncs them. n is nil when the key is absent.
func parseVersion(n, root *yaml.Node, builtin bool) (int, error) {
	if n == nil {
		if builtin {
			return 0, invalid(root, "version", "version is required for a built-in template",
				"Add version: 1, and increase it whenever the definition changes so stored copies are updated.")
		}
		return 0, nil
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return 0, invalid(n, "version", "expected a whole number, found "+describe(n), "Write e.g. version: 1.")
	}
	var v int
	if err := n.Decode(&v); err != nil {
		return 0, invalid(n, "version", "version is out of range", "Write a small whole number, e.g. version: 1.")
	}
	switch {
	case builtin && v < 1:
		return 0, invalid(n, "version", fmt.Sprintf("version %d is below 1", v),
			"Built-in templates start at version: 1 and increase it whenever the definition changes.")
	case !builtin && v != 0:
		return 0, invalid(n, "version", "only built-in templates have a version",
			"Remove the version line: custom templates are not versioned (a copy of a built-in drops it).")
	}
	return v, nil
}

func parseCategory(n *yaml.Node) (string, error) {
	fix := "Use one of " + strings.Join(categories, ", ") + "."
	c, err := text(n, "category", "a category", fix)
	if err != nil {
		return "", err
	}
	if !slices.Contains(categories, c) {
		return "", invalid(n, "category", fmt.Sprintf("unknown category %q", c), fix)
	}
	return c, nil
}

func parseDescription(n *yaml.Node) (string, error) {
	d, err := text(n, "description", "a sentence", "Write one line, e.g. description: MySQL 8.4 relational database.")
	if err != nil {
		return "", err
	}
	if err := model.ValidateDescription(d); err != nil {
		e := model.AsError(err)
		return "", invalid(n, "description", e.Summary, e.Detail)
	}
	return d, nil
}

const provideExample = `{contract: mysql, values: {host: "${host}", port: "3306"}}`

// parseProvides reads the contracts a template offers. env is the service's environment,
// which ${env.NAME} references must name.
func parseProvides(n *yaml.Node, env map[string]any) ([]model.Provide, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, invalid(n, "provides", "expected a list of contracts, found "+describe(n),
			"Write a list, e.g. provides: ["+provideExample+"], or provides: [] for none.")
	}
	var out []model.Provide
	first := map[string]int{}
	for i, item := range n.Content {
		path := index("provides", i)
		f, err := fields(item, path, provideExample, "contract", "values")
		if err != nil {
			return nil, err
		}
		var p model.Provide
		if p.Contract, err = parseContract(f["contract"], item, path); err != nil {
			return nil, err
		}
		if j, dup := first[p.Contract]; dup {
			return nil, invalid(f["contract"], path+".contract", fmt.Sprintf("contract %q is provided twice", p.Contract),
				fmt.Sprintf("provides[%d] already offers it; merge the two entries.", j))
		}
		first[p.Contract] = i
		if v := f["values"]; v != nil {
			if p.Values, err = parseValues(v, path+".values", env); err != nil {
				return nil, err
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// parseValues reads a provided contract's exported values. An empty mapping reads as nil,
// the form Marshal omits, so both spellings give the same template.
func parseValues(n *yaml.Node, path string, env map[string]any) (map[string]string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, invalid(n, path, "expected a mapping of values, found "+describe(n),
			`Write NAME: value pairs, e.g. values: {host: "${host}", port: "5432"}.`)
	}
	var out map[string]string
	for _, p := range pairs(n) {
		vp := child(path, p.key)
		if !valueName.MatchString(p.key) {
			return nil, invalid(p.keyNode, vp, fmt.Sprintf("%q is not a valid value name", p.key),
				"Use lowercase letters, digits and underscores, starting with a letter, e.g. host, port, access_key.")
		}
		s, err := mapText(p.v, vp, "a string", `Write the value, e.g. "${host}" or "5432".`)
		if err != nil {
			return nil, err
		}
		if err := checkReferences(s, p.v, vp, env); err != nil {
			return nil, err
		}
		if out == nil {
			out = map[string]string{}
		}
		out[p.key] = s
	}
	return out, nil
}

// checkReferences accepts the two references a provided value may hold: ${host}, the
// provider's service name on the stack network, and ${env.NAME}, one of its environment
// variables, which the template itself must set (an image's built-in defaults are not
// visible to wiring). Any other ${...}, or an unclosed one, is an error: it would reach
// consumers verbatim.
func checkReferences(s string, n *yaml.Node, path string, env map[string]any) error {
	const fix = "A value may use ${host} (the provider's name on the stack network) and ${env.NAME} (one of its environment variables)."
	for _, m := range reference.FindAllStringSubmatch(s, -1) {
		ref := m[1]
		name, isEnv := strings.CutPrefix(ref, "env.")
		switch {
		case ref == "host":
		case isEnv && !envName.MatchString(name):
			return invalid(n, path, fmt.Sprintf("${%s} does not name an environment variable", ref), fix)
		case isEnv:
			if _, ok := env[name]; !ok {
				return invalid(n, path, fmt.Sprintf("${%s} names a variable the service does not set", ref),
					fmt.Sprintf("Add %s under service.environment, or write the value itself.", name))
			}
		default:
			return invalid(n, path, fmt.Sprintf("unknown reference ${%s}", ref), fix)
		}
	}
	if strings.Contains(reference.ReplaceAllString(s, ""), "${") {
		return invalid(n, path, `"${" is not closed`, fix)
	}
	return nil
}

const consumeExample = `{contract: mysql, required: true, env: {DB_HOST: host}}`

// parseConsumes reads the contracts a template needs. Each consumer variable comes from one
// contract only: if two wires could write the same variable, which one wins would depend on
// what else is in the stack.
func parseConsumes(n *yaml.Node) ([]model.Consume, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, invalid(n, "consumes", "expected a list of contracts, found "+describe(n),
			"Write a list, e.g. consumes: ["+consumeExample+"], or consumes: [] for none.")
	}
	var out []model.Consume
	firstContract := map[string]int{}
	firstEnv := map[string]int{}
	for i, item := range n.Content {
		path := index("consumes", i)
		f, err := fields(item, path, consumeExample, "contract", "required", "env")
		if err != nil {
			return nil, err
		}
		var c model.Consume
		if c.Contract, err = parseContract(f["contract"], item, path); err != nil {
			return nil, err
		}
		if j, dup := firstContract[c.Contract]; dup {
			return nil, invalid(f["contract"], path+".contract", fmt.Sprintf("contract %q is consumed twice", c.Contract),
				fmt.Sprintf("consumes[%d] already needs it; merge the two entries.", j))
		}
		firstContract[c.Contract] = i
		if r := f["required"]; r != nil {
			if r.Kind != yaml.ScalarNode || r.ShortTag() != "!!bool" {
				return nil, invalid(r, path+".required", "expected true or false, found "+describe(r),
					"Write required: true when the service cannot run without the contract.")
			}
			_ = r.Decode(&c.Required) // a !!bool scalar always decodes
		}
		if e := f["env"]; e != nil {
			if c.Env, err = parseEnvMapping(e, path+".env", out, firstEnv); err != nil {
				return nil, err
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// parseEnvMapping reads how a consumed contract's values land in the consumer's environment
// (DB_HOST: host). firstEnv remembers which earlier entry of prev set each variable.
func parseEnvMapping(n *yaml.Node, path string, prev []model.Consume, firstEnv map[string]int) (map[string]string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, invalid(n, path, "expected a mapping of VARIABLE: value, found "+describe(n),
			"Write e.g. env: {DB_HOST: host, DB_PORT: port}.")
	}
	var out map[string]string
	for _, p := range pairs(n) {
		vp := child(path, p.key)
		if !envName.MatchString(p.key) {
			return nil, invalid(p.keyNode, vp, fmt.Sprintf("%q is not a valid environment variable name", p.key),
				"Use letters, digits and underscores, not starting with a digit, e.g. DB_HOST.")
		}
		if j, dup := firstEnv[p.key]; dup {
			return nil, invalid(p.keyNode, vp, fmt.Sprintf("%s is already set from contract %q", p.key, prev[j].Contract),
				"Each variable can come from one contract only; map this one to another variable.")
		}
		v, err := text(p.v, vp, "the name of a provided value", "Write the value's name, e.g. DB_HOST: host.")
		if err != nil {
			return nil, err
		}
		if !valueName.MatchString(v) {
			return nil, invalid(p.v, vp, fmt.Sprintf("%q is not a value name", v),
				"Name one of the values the contract exports (host, port, user, password, url...): the mapping reads VARIABLE: value.")
		}
		firstEnv[p.key] = len(prev)
		if out == nil {
			out = map[string]string{}
		}
		out[p.key] = v
	}
	return out, nil
}

// parseContract reads an entry's contract name; entry is the enclosing mapping, for the
// position of a missing one.
func parseContract(n, entry *yaml.Node, path string) (string, error) {
	const fix = "Use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, e.g. mysql or http."
	if n == nil {
		return "", invalid(entry, path+".contract", "contract is required", "Name the contract, e.g. contract: mysql.")
	}
	c, err := text(n, path+".contract", "a contract name", fix)
	if err != nil {
		return "", err
	}
	if !contractName.MatchString(c) {
		return "", invalid(n, path+".contract", fmt.Sprintf("%q is not a valid contract name", c), fix)
	}
	return c, nil
}

// secretSuffix is the part of a generated secret's name after the instance's: a secret
// name fragment (lower-case letters, digits, underscores), short enough to leave room for
// the instance name.
var secretSuffix = regexp.MustCompile(`^[a-z][a-z0-9_]{0,23}$`)

// parseGenerate reads which environment variables get a generated secret per instance
// (MYSQL_PASSWORD: password). Each variable must be one the service sets to a plain value:
// that value is the default used when no key store exists, and a variable the template does
// not set would leave such an instance without one. Two variables may not share a suffix:
// they would share one secret.
func parseGenerate(n *yaml.Node, env map[string]any) (map[string]string, error) {
	const example = "generate: {MYSQL_PASSWORD: password}"
	if n.Kind != yaml.MappingNode {
		return nil, invalid(n, "generate", "expected a mapping of VARIABLE: secret suffix, found "+describe(n),
			"Write e.g. "+example+", or leave generate: out.")
	}
	out := map[string]string{}
	bySuffix := map[string]string{}
	for _, p := range pairs(n) {
		vp := child("generate", p.key)
		if !envName.MatchString(p.key) {
			return nil, invalid(p.keyNode, vp, fmt.Sprintf("%q is not a valid environment variable name", p.key),
				"Use letters, digits and underscores, not starting with a digit, e.g. MYSQL_PASSWORD.")
		}
		v, ok := env[p.key]
		if _, isText := v.(string); !ok || !isText {
			return nil, invalid(p.keyNode, vp, fmt.Sprintf("%s is not set to a plain value in service.environment", p.key),
				"Add it to service.environment with the default used when no key store exists, e.g. "+p.key+": app.")
		}
		suffix, err := text(p.v, vp, "a secret name suffix", "Write a suffix of lower-case letters, digits and underscores, e.g. password.")
		if err != nil {
			return nil, err
		}
		if !secretSuffix.MatchString(suffix) {
			return nil, invalid(p.v, vp, fmt.Sprintf("%q is not a valid secret suffix", suffix),
				"Use 1 to 24 lower-case letters, digits and underscores, starting with a letter, e.g. password: the secret of instance db is db_password.")
		}
		if other, dup := bySuffix[suffix]; dup {
			return nil, invalid(p.v, vp, fmt.Sprintf("suffix %q is already used by %s", suffix, other),
				"Give each variable its own suffix, e.g. password and root_password.")
		}
		bySuffix[suffix] = p.key
		out[p.key] = suffix
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}
