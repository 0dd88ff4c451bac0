package resolve

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/spelling"
)

// ValidateOverrides checks an instance's override delta against model.ServiceFields and the
// value rules (rules.go) and returns the first problem in path order (nil if there is none), as a *model.Error of
// KindInvalid whose Field is the path ("ports", "environment.APP_ENV", "healthcheck.retries",
// "command[1]"). Malformed overrides must be rejected before anything is stored (DOMAIN.md),
// and one deterministic message keeps CLI output and tests stable.
//
// Rules per kind of field (model.FieldKind):
//   - any top-level field may be nil: "remove this field from the effective config";
//   - scalar: a value of the field's exact type. Strings are not converted from numbers
//     (`image: 5` is an error); integers accept integral numbers (3 or 3.0);
//   - argv and list: a list whose items have the field's type;
//   - keyed map: an object whose values are strings, numbers or booleans (numbers and
//     booleans become strings: `DB_PORT: 3306` is common YAML), or nil to delete the key;
//   - object: an object; with a Sub table its keys must be known and typed. Nil is not
//     allowed inside objects or lists: they replace the template's value as a whole.
func ValidateOverrides(o model.Spec) error {
	if errs := ValidateOverridesAll(o); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// ValidateOverridesAll returns every problem ValidateOverrides would report, sorted by path,
// for UIs that show a message at each field. The result is empty (nil) for a valid delta.
func ValidateOverridesAll(o model.Spec) []*model.Error {
	return validateSpec(o, false)
}

// ValidateTemplateSpec checks a template's service definition with the same rules as
// ValidateOverrides, except that nil is not allowed anywhere: a template is a complete
// definition and has nothing to remove. Returns the first problem in path order.
func ValidateTemplateSpec(s model.Spec) error {
	if errs := ValidateTemplateSpecAll(s); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// ValidateTemplateSpecAll returns every problem ValidateTemplateSpec would report, sorted by
// path.
func ValidateTemplateSpecAll(s model.Spec) []*model.Error {
	return validateSpec(s, true)
}

// validateSpec runs every rule over s and returns the problems sorted by path.
func validateSpec(s model.Spec, template bool) []*model.Error {
	v := &validator{template: template}
	for name, val := range s {
		def, ok := model.LookupField(name)
		if !ok {
			v.errs = append(v.errs, unknownField(name))
			continue
		}
		if why, instanceOnly := model.InstanceOnlyFields[name]; instanceOnly && template {
			v.add(name, "is set on instances, not templates", why)
			continue
		}
		v.field(def, val)
	}
	sortErrors(v.errs)
	return v.errs
}

func sortErrors(errs []*model.Error) {
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Field != errs[j].Field {
			return errs[i].Field < errs[j].Field
		}
		return errs[i].Summary < errs[j].Summary
	})
}

type validator struct {
	template bool // nil is not allowed anywhere
	errs     []*model.Error
}

func (v *validator) add(path, summary, detail string) {
	v.errs = append(v.errs, model.Invalid(path, summary, detail))
}

func (v *validator) field(def model.FieldDef, val any) {
	if val == nil {
		if v.template {
			v.add(def.Name, "must not be null in a template",
				"A template is a complete definition and has nothing to remove: omit the field or give it a value.")
		}
		return
	}
	switch def.Kind {
	case model.FieldScalar:
		v.scalar(def.Name, def.Type, val, def.Doc)
	case model.FieldArgv, model.FieldList:
		v.list(def, val)
	case model.FieldMap:
		v.keyedMap(def, val)
	case model.FieldObject:
		v.object(def, val)
	default:
		v.add(def.Name, "has no merge rule", fmt.Sprintf("Field kind %s is not known to this version of DevArch.", def.Kind))
	}
	v.fieldRules(def, val)
}

// scalar checks one value of type typ at path; doc describes what is expected, for the
// message.
func (v *validator) scalar(path string, typ model.ValueType, val any, doc string) {
	switch typ {
	case model.TypeAny:
		v.anyValue(path, val)
	case model.TypeString:
		if str, ok := val.(string); ok {
			v.text(path, "", str)
			return
		}
		detail := fmt.Sprintf("Got %s", describe(val))
		if doc != "" {
			detail += "; expected " + doc
		}
		detail += "."
		if _, isNum := asNumber(val); isNum || isBool(val) {
			text, _ := scalarText(val)
			detail += fmt.Sprintf(" In YAML, quote values that look like numbers or booleans: %q.", text)
		}
		v.add(path, "must be a string", detail)
	case model.TypeBool:
		if isBool(val) {
			return
		}
		v.add(path, "must be a boolean", fmt.Sprintf("Got %s; write true or false, without quotes.", describe(val)))
	case model.TypeInt:
		if f, ok := asNumber(val); ok && f == math.Trunc(f) && !math.IsInf(f, 0) {
			if math.Abs(f) > maxExactInt {
				v.add(path, fmt.Sprintf("the integer %s is too large to store exactly", formatNumber(val)), bigIntFix)
				return
			}
			v.number(path, val) // Go integers beyond 2^53 are rounded by asNumber
			return
		}
		v.add(path, "must be an integer", fmt.Sprintf("Got %s; write a whole number without quotes, e.g. 3.", describe(val)))
	default:
		v.add(path, "has an unknown type", fmt.Sprintf("Value type %d is not known to this version of DevArch.", int(typ)))
	}
}

func isBool(v any) bool {
	_, ok := v.(bool)
	return ok
}

// anyValue accepts any JSON-like value without nil (a nil deep inside an object or list
// means nothing: the whole value replaces the template's).
func (v *validator) anyValue(path string, val any) {
	if val == nil {
		v.add(path, "must not be null",
			"null only removes a whole field (healthcheck: null) or deletes a map key (environment.KEY: null); inside a value, omit the key instead.")
		return
	}
	if s, ok := val.(string); ok {
		v.text(path, "", s)
		return
	}
	if _, ok := asNumber(val); ok {
		v.number(path, val)
		return
	}
	if _, ok := scalarText(val); ok {
		return
	}
	if l, ok := asList(val); ok {
		for i, x := range l {
			v.anyValue(fmt.Sprintf("%s[%d]", path, i), x)
		}
		return
	}
	if m, ok, badKey := asObject(val); ok {
		if badKey != "" {
			v.add(path, "has a key that is not a name", fmt.Sprintf("Key %s is a list or an object; keys must be names.", badKey))
			return
		}
		for k, x := range m {
			if !v.text(path, k, k) {
				continue
			}
			v.anyValue(path+"."+k, x)
		}
		return
	}
	v.add(path, "has an unsupported value", fmt.Sprintf("Got %s; values must be strings, numbers, booleans, lists or objects.", describe(val)))
}

func (v *validator) list(def model.FieldDef, val any) {
	items, ok := asList(val)
	if !ok {
		ex := example(def)
		detail := fmt.Sprintf("Got %s; expected %s.", describe(val), def.Doc)
		if s, isStr := val.(string); isStr && strings.TrimSpace(s) != "" {
			if def.Kind == model.FieldArgv {
				detail += " Split the command line into its arguments: " + quoteList(strings.Fields(s)) + "."
			} else {
				detail += " Write even a single value as a list: " + quoteList([]string{s}) + "."
			}
		} else {
			detail += " Write even a single value as a list, e.g. " + ex + "."
		}
		v.add(def.Name, fmt.Sprintf("must be a list of %s, e.g. %s", plural(def.Type), ex), detail)
		return
	}
	for i, item := range items {
		path := fmt.Sprintf("%s[%d]", def.Name, i)
		if item == nil {
			v.add(path, "must not be null", fmt.Sprintf("A list item must be a %s; remove the item instead.", def.Type))
			continue
		}
		v.scalar(path, def.Type, item, "a "+def.Type.String()+" item, e.g. "+example(def))
	}
}

func plural(t model.ValueType) string {
	switch t {
	case model.TypeString:
		return "strings"
	case model.TypeBool:
		return "booleans"
	case model.TypeInt:
		return "integers"
	}
	return "values"
}

func (v *validator) keyedMap(def model.FieldDef, val any) {
	m, ok, badKey := asObject(val)
	if !ok {
		detail := fmt.Sprintf("Got %s; write NAME: value pairs, e.g. %s: %s.", describe(val), def.Name, example(def))
		if _, isList := asList(val); isList {
			detail += ` The list form ["NAME=value"] is not accepted, so that overrides can merge by name.`
		}
		v.add(def.Name, fmt.Sprintf("must be a map of names to values, e.g. %s", example(def)), detail)
		return
	}
	if badKey != "" {
		v.add(def.Name, "has a key that is not a name", fmt.Sprintf("Key %s is a list or an object; keys must be names, e.g. %s.", badKey, example(def)))
		return
	}
	for k, x := range m {
		path := def.Name + "." + k
		if k == "" {
			v.add(def.Name, "has an empty key", fmt.Sprintf("Every entry needs a name, e.g. %s.", example(def)))
			continue
		}
		if !v.text(def.Name, k, k) {
			continue
		}
		if strings.ContainsAny(k, "= \t\n") {
			v.add(def.Name, fmt.Sprintf("key %s is not a valid name", quoteShort(k)),
				fmt.Sprintf("Keys cannot contain '=', spaces, tabs or line breaks (compose reads NAME=value and would split it; templates refuse them too). Write NAME: value, e.g. %s.", example(def)))
			continue
		}
		if strings.HasPrefix(k, "x-") {
			v.add(def.Name, fmt.Sprintf("key %s starts with x-", quoteShort(k)),
				"Compose reads keys starting with x- as extension fields and drops them, so the container would never get this one. Rename it (X- in capitals, or no prefix).")
			continue
		}
		if x == nil {
			if v.template {
				v.add(path, "must not be null in a template", "A template has nothing to delete: remove the key, or give it a value.")
			}
			continue
		}
		switch str, isStr := x.(string); {
		case isStr:
			v.text(path, "", str)
		case isNonFinite(x):
			v.add(path, "is not a finite number", fmt.Sprintf("Got %s. %s", describe(x), nonFiniteFix))
		default:
			if _, ok := scalarText(x); !ok {
				v.add(path, "must be a string, number or boolean",
					fmt.Sprintf(`Got %s; a map value is a single value: write it as one string, e.g. %s: "a,b" (null deletes the key).`, describe(x), k))
			}
		}
	}
}

func (v *validator) object(def model.FieldDef, val any) {
	m, ok, badKey := asObject(val)
	if !ok {
		detail := fmt.Sprintf("Got %s; expected %s.", describe(val), def.Doc)
		if def.Sub != nil {
			detail += " Keys: " + strings.Join(subKeys(def), ", ") + "."
		}
		v.add(def.Name, fmt.Sprintf("must be an object (key: value pairs), e.g. %s", example(def)), detail)
		return
	}
	if badKey != "" {
		v.add(def.Name, "has a key that is not a name", fmt.Sprintf("Key %s is a list or an object; keys must be names.", badKey))
		return
	}
	for k, x := range m {
		path := def.Name + "." + k
		if def.Sub == nil {
			if v.text(def.Name, k, k) {
				v.anyValue(path, x)
			}
			continue
		}
		typ, known := def.Sub[k]
		if !known {
			v.errs = append(v.errs, unknownKey(def, k))
			continue
		}
		if x == nil {
			v.anyValue(path, x) // reports "must not be null"
			continue
		}
		v.scalar(path, typ, x, subDoc(k, typ))
	}
}

// subDoc describes a typed key of an object for messages.
func subDoc(key string, typ model.ValueType) string {
	if typ == model.TypeString && durationKeys[key] {
		return "a duration with a unit, e.g. 10s"
	}
	return "a " + typ.String()
}

// durationKeys are the object keys holding durations (model.TypeDuration is an alias of
// TypeString, so the Sub table cannot say so itself).
var durationKeys = map[string]bool{"interval": true, "timeout": true, "start_period": true, "start_interval": true}

func subKeys(def model.FieldDef) []string {
	keys := make([]string, 0, len(def.Sub))
	for k := range def.Sub {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// examples are short, valid values shown in messages; fields without one get a generic
// example for their kind.
var examples = map[string]string{
	"image":       "mysql:8.4",
	"command":     `["php", "artisan", "serve"]`,
	"entrypoint":  `["docker-entrypoint.sh"]`,
	"environment": "{APP_ENV: local}",
	"labels":      "{team: web}",
	"ports":       `["8080:80"]`,
	"expose":      `["3306"]`,
	"volumes":     `["data:/var/lib/mysql"]`,
	"extra_hosts": `["host.docker.internal:host-gateway"]`,
	"dns":         `["1.1.1.1"]`,
	"cap_add":     `["NET_ADMIN"]`,
	"cap_drop":    `["ALL"]`,
	"tmpfs":       `["/tmp"]`,
	"build":       "{context: ., dockerfile: Dockerfile}",
	"healthcheck": `{test: ["CMD", "true"], interval: 10s, retries: 3}`,
	"deploy":      "{resources: {limits: {memory: 512m}}}",
	"logging":     "{driver: json-file}",
	"ulimits":     "{nofile: 65536}",
	"configs":     `{/etc/app.ini: "debug = 1"}`,
	"depends_on":  `{db: {condition: service_healthy}}`,
	"secrets":     `{/run/secrets/api_key: {source: "${secret:api_key}"}}`,
	"restart":     "unless-stopped",
	"init":        "true",
}

func example(def model.FieldDef) string {
	if ex, ok := examples[def.Name]; ok {
		return ex
	}
	switch def.Kind {
	case model.FieldArgv, model.FieldList:
		return `["a", "b"]`
	case model.FieldMap:
		return "{NAME: value}"
	case model.FieldObject:
		return "{key: value}"
	case model.FieldScalar:
		if def.Type == model.TypeBool {
			return "true"
		}
	}
	return "value"
}

// ownedFields are compose fields DevArch generates itself; setting them is an error that
// says what to do instead.
var ownedFields = map[string]string{
	"container_name": "DevArch names every container devarch-{stack}-{instance}; rename the instance instead.",
	"networks":       "DevArch attaches every service to its stack's own network; services of a stack reach each other by instance name.",
	"network_mode":   "DevArch attaches every service to its stack's own network; services of a stack reach each other by instance name.",
}

// aliases map common misspellings that are too far from the real name for edit distance.
var aliases = map[string]string{
	"cmd":      "command",
	"env":      "environment",
	"workdir":  "working_dir",
	"work_dir": "working_dir",
}

// unknownField reports a field that is not in model.ServiceFields, suggesting the closest
// name and listing the valid ones.
func unknownField(name string) *model.Error {
	if why, ok := ownedFields[name]; ok {
		return model.Invalid(name, "is set by DevArch", why+" Remove this field.")
	}
	names := model.FieldNames()
	detail := ""
	if s := suggest(name, names); s != "" {
		detail = fmt.Sprintf("Did you mean %q? ", s)
	}
	detail += "Valid fields: " + strings.Join(names, ", ") + "."
	return model.Invalid(name, "unknown field", detail)
}

// unknownKey reports a key an object field's Sub table does not allow.
func unknownKey(def model.FieldDef, key string) *model.Error {
	keys := subKeys(def)
	detail := ""
	if s := suggest(key, keys); s != "" {
		detail = fmt.Sprintf("Did you mean %q? ", s)
	}
	detail += fmt.Sprintf("Valid keys of %s: %s.", def.Name, strings.Join(keys, ", "))
	return model.Invalid(def.Name+"."+key, "unknown key", detail)
}

// suggest returns the candidate closest to name: an alias, a candidate within edit distance
// 2 (case-insensitive), one that name is a prefix of, or one sharing all but name's last
// character. Ties go to the first candidate in
// order, so messages are deterministic for sorted candidates. "" when nothing is close.
func suggest(name string, candidates []string) string {
	lower := strings.ToLower(name)
	if a, ok := aliases[lower]; ok && contains(candidates, a) {
		return a
	}
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := spelling.Distance(lower, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" {
		return best
	}
	if len(lower) >= 3 {
		for _, c := range candidates {
			if strings.HasPrefix(c, lower) {
				return c
			}
		}
	}
	// A long shared start: retry -> retries, environ -> environment.
	if len(lower) >= 5 {
		for _, c := range candidates {
			if p := commonPrefix(lower, c); p >= 4 && p >= len(lower)-1 {
				return c
			}
		}
	}
	return ""
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
