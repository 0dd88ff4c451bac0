package resolve

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/model"
)

// SetPath returns a copy of the override delta o with PATH set to the value written in raw,
// for `devarch instance set STACK NAME PATH=VALUE`. o is not modified.
//
// PATH is FIELD or FIELD.KEY; only keyed maps (environment.APP_ENV) and objects
// (healthcheck.retries) take a key, which runs to the end of the path (labels.com.example.team
// is key "com.example.team" of labels).
//
// How raw is read, from the value's expected type (the command line is text, so the rules
// avoid quoting wherever the type makes the meaning clear):
//   - the exact text `null` is nil everywhere: it removes a field (image=null), deletes a map
//     key (environment.DEBUG=null), or removes a key from an object override
//     (healthcheck.retries=null);
//   - strings (string scalars, map values, string keys of objects) are the raw text itself:
//     image=nginx:1.27, environment.PORT=3306. Text wrapped in double or single quotes is
//     unquoted as YAML, which is the escape for a literal null: environment.X='null'
//     (and for text that really starts and ends with quotes: wrap it again);
//   - everything else is parsed as YAML (JSON is YAML): lists ports=["8080:80"] or
//     command=[php, artisan, serve], maps environment={A: x}, objects, booleans, integers.
//     Items of string lists and values of maps keep their text as typed (command=[sleep, 10]
//     gives "10"; environment={MODE: 0755} gives "0755"). An empty raw is an error here:
//     write [] or {} for empty, null to remove.
//
// An object override replaces the template's whole object, so setting one key of an object
// that is not overridden yet would silently drop the template's other keys: SetPath refuses
// that (use SetPathFrom, which starts from the template's object). Likewise for a key of a
// keyed map whose override is nil (the whole map removed).
//
// The result is validated (same errors as ValidateOverrides, for the whole delta) and
// returned in canonical form (see NormalizeOverrides).
func SetPath(o model.Spec, path, raw string) (model.Spec, error) {
	return setPath(nil, false, o, path, raw)
}

// SetPathFrom is SetPath for a delta over the template spec t (the template's Service). When
// PATH is a key of an object the delta does not override yet, the override starts as a copy
// of the template's object (or {} if the template has none), so that
// healthcheck.retries=5 changes only retries. When PATH is a key of a keyed map the delta
// removes (nil), the override becomes one deletion per template key plus the new key, which
// keeps the template's keys removed. t is not modified.
func SetPathFrom(t model.Spec, o model.Spec, path, raw string) (model.Spec, error) {
	return setPath(t, true, o, path, raw)
}

func setPath(t model.Spec, haveTemplate bool, o model.Spec, path, raw string) (model.Spec, error) {
	def, key, hasKey, err := parsePath(path)
	if err != nil {
		return nil, err
	}
	var value any
	if hasKey {
		value, err = parseKeyValue(def, key, path, raw)
	} else {
		value, err = parseFieldValue(def, path, raw)
	}
	if err != nil {
		return nil, err
	}

	n := copySpec(o)
	name := def.Name
	switch {
	case !hasKey:
		n[name] = value
	case def.Kind == model.FieldMap:
		cur, present := n[name]
		var m map[string]any
		switch {
		case !present:
			m = map[string]any{}
		case cur == nil:
			if !haveTemplate {
				return nil, model.Invalid(path, fmt.Sprintf("%s is removed by this instance's overrides", name),
					fmt.Sprintf("The overrides set %s to null, which drops the template's whole map. Unset that first (--unset %s), then set keys.", name, name))
			}
			m = map[string]any{}
			if tm, ok, _ := asObject(t[name]); ok {
				for k := range tm {
					m[k] = nil
				}
			}
		default:
			obj, ok, _ := asObject(cur)
			if !ok {
				return nil, notAnObject(def, path, cur)
			}
			m = obj // n is a deep copy: mutating it is safe
		}
		m[key] = value
		n[name] = m
	default: // object
		cur, present := n[name]
		var m map[string]any
		switch {
		case value == nil && (!present || cur == nil):
			// removing a key from an object that is not overridden (or removed): nothing to do
		case !present:
			if !haveTemplate {
				return nil, model.Invalid(path, fmt.Sprintf("%s is not overridden yet", name),
					fmt.Sprintf("An object override replaces the template's whole %s, so setting one key would drop the others. Set the whole object, e.g. %s=%s.", name, name, example(def)))
			}
			m = map[string]any{}
			if tm, ok, _ := asObject(normalize(t[name])); ok {
				m = tm
			}
		case cur == nil:
			m = map[string]any{}
		default:
			obj, ok, _ := asObject(cur)
			if !ok {
				return nil, notAnObject(def, path, cur)
			}
			m = obj
		}
		if m != nil {
			if value == nil {
				delete(m, key)
			} else {
				m[key] = value
			}
			n[name] = m
		}
	}
	return finish(n)
}

// UnsetPath returns a copy of the override delta o without PATH, for
// `devarch instance set ... --unset PATH`: FIELD drops the field's override (back to the
// template's value); FIELD.KEY drops one key of a keyed map override (the map override goes
// away when it becomes empty, which merges the same) or of an object override (an object
// left empty stays {}: an empty object still replaces the template's; unset the field to go
// back to it). Unsetting what is not overridden does nothing. Fields and object keys this
// version does not know are accepted when o holds them, so stale data can be cleaned up.
// o is not modified; the result is validated and canonical, as with SetPath.
func UnsetPath(o model.Spec, path string) (model.Spec, error) {
	n := copySpec(o)
	name, key, hasKey := strings.Cut(path, ".")
	if _, known := model.LookupField(name); !known && !hasKey && name != "" {
		if _, present := o[name]; present {
			delete(n, name)
			return finish(n)
		}
	}
	if def, known := model.LookupField(name); known && hasKey && def.Kind == model.FieldObject && def.Sub != nil && key != "" {
		if _, allowed := def.Sub[key]; !allowed {
			if obj, ok, _ := asObject(n[name]); ok {
				if _, present := obj[key]; present {
					delete(obj, key)
					return finish(n)
				}
			}
		}
	}

	def, key, hasKey, err := parsePath(path)
	if err != nil {
		return nil, err
	}
	if !hasKey {
		delete(n, def.Name)
		return finish(n)
	}
	if obj, ok, _ := asObject(n[def.Name]); ok {
		delete(obj, key)
		if def.Kind == model.FieldMap && len(obj) == 0 {
			delete(n, def.Name)
		}
	}
	return finish(n)
}

// notAnObject reports that the current override of a map or object field (cur) is not an
// object, so PATH's key cannot be set in it. Validation gives the precise message; should it
// ever accept cur (it rejects every non-object today), a generic one is returned rather
// than indexing an empty list.
func notAnObject(def model.FieldDef, path string, cur any) error {
	if errs := validateSpec(model.Spec{def.Name: cur}, false); len(errs) > 0 {
		return errs[0]
	}
	return model.Invalid(path, fmt.Sprintf("the override of %s is %s, which has no keys", def.Name, describe(cur)),
		fmt.Sprintf("Set the whole field first, e.g. %s=%s.", def.Name, example(def)))
}

// finish validates an edited delta and returns its canonical form.
func finish(n model.Spec) (model.Spec, error) {
	if errs := validateSpec(n, false); len(errs) > 0 {
		return nil, errs[0]
	}
	return normalizeSpec(n), nil
}

// copySpec deep-copies a delta without judging it (invalid values are kept, for validation
// to report), so edits never reach the caller's maps.
func copySpec(o model.Spec) model.Spec {
	n := make(model.Spec, len(o))
	for k, v := range o {
		n[k] = normalize(v)
	}
	return n
}

// parsePath splits PATH into its field and, for keyed maps and objects, its key.
func parsePath(path string) (def model.FieldDef, key string, hasKey bool, err error) {
	if path == "" {
		return def, "", false, model.Invalid("", "missing path",
			"Name a field (image=nginx:1.27) or a key of a map or object field (environment.APP_ENV=local, healthcheck.retries=5).")
	}
	name, key, hasKey := strings.Cut(path, ".")
	def, ok := model.LookupField(name)
	if !ok {
		return def, "", false, unknownField(name)
	}
	if !hasKey {
		return def, "", false, nil
	}
	switch def.Kind {
	case model.FieldMap, model.FieldObject:
	default:
		return def, "", false, model.Invalid(path, fmt.Sprintf("%s is a %s field and has no keys", name, def.Kind),
			fmt.Sprintf("Only map fields (%s) and object fields (%s) take .KEY; set the whole value with %s=%s.",
				strings.Join(fieldsOfKind(model.FieldMap), ", "), strings.Join(fieldsOfKind(model.FieldObject), ", "), name, example(def)))
	}
	if key == "" {
		return def, "", false, model.Invalid(path, "missing key after the dot",
			fmt.Sprintf("Name the key, e.g. %s.KEY=VALUE, or set the whole field with %s=%s.", name, name, example(def)))
	}
	if def.Kind == model.FieldObject && def.Sub != nil {
		if _, ok := def.Sub[key]; !ok {
			return def, "", false, unknownKey(def, key)
		}
	}
	return def, key, true, nil
}

func fieldsOfKind(kind model.FieldKind) []string {
	var out []string
	for _, f := range model.ServiceFields {
		if f.Kind == kind {
			out = append(out, f.Name)
		}
	}
	sort.Strings(out)
	return out
}

// parseFieldValue reads raw as the value of a whole field.
func parseFieldValue(def model.FieldDef, path, raw string) (any, error) {
	if raw == "null" {
		return nil, nil
	}
	switch def.Kind {
	case model.FieldScalar:
		return parseTyped(example(def), path, def.Type, raw)
	case model.FieldArgv, model.FieldList:
		if def.Type == model.TypeString {
			return parseYAML(example(def), path, raw, textList)
		}
		return parseYAML(example(def), path, raw, plain)
	case model.FieldMap:
		return parseYAML(example(def), path, raw, textMap)
	default:
		return parseYAML(example(def), path, raw, plain)
	}
}

// parseKeyValue reads raw as the value of one key of a keyed map or an object.
func parseKeyValue(def model.FieldDef, key, path, raw string) (any, error) {
	if raw == "null" {
		return nil, nil
	}
	if def.Kind == model.FieldMap {
		return literal(raw), nil
	}
	typ := model.TypeAny
	if def.Sub != nil {
		typ = def.Sub[key]
	}
	ex := "VALUE"
	switch typ {
	case model.TypeInt:
		ex = "3"
	case model.TypeBool:
		ex = "true"
	}
	return parseTyped(ex, path, typ, raw)
}

// parseTyped reads a single value of type typ: strings literally, anything else as YAML.
// ex is an example value for messages.
func parseTyped(ex, path string, typ model.ValueType, raw string) (any, error) {
	if typ == model.TypeString {
		return literal(raw), nil
	}
	return parseYAML(ex, path, raw, plain)
}

// literal is raw as a string, unquoting it as YAML when it is one complete single- or
// double-quoted YAML scalar ("null", 'null', "tab\there"); anything else is taken as typed.
func literal(raw string) string {
	if len(raw) < 2 || (raw[0] != '"' && raw[0] != '\'') {
		return raw
	}
	node, err := decodeOne(raw)
	if err != nil || node.Kind != yaml.ScalarNode || node.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
		return raw
	}
	return node.Value
}

// parseYAML parses raw as one YAML value; ex is an example value for messages. Syntax
// errors are returned as invalid-field errors whose detail carries the parser's message (it
// names the line and what it expected).
func parseYAML(ex, path, raw string, mode yamlMode) (any, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, model.Invalid(path, "has no value",
			fmt.Sprintf("Give a value after '=', e.g. %s=%s; write %s=null to remove it.", path, ex, path))
	}
	node, err := decodeOne(raw)
	if errors.Is(err, io.EOF) {
		return nil, model.Invalid(path, "has no value",
			fmt.Sprintf("Give a value after '=', e.g. %s=%s; write %s=null to remove it.", path, ex, path))
	}
	if err != nil {
		return nil, &model.Error{Kind: model.KindInvalid, Field: path, Summary: "is not valid YAML",
			Detail: fmt.Sprintf("%s. Write the value as YAML or JSON, e.g. %s=%s (quote items that contain special characters).", err.Error(), path, ex),
			Err:    err}
	}
	switch {
	case mode == textList && node.Kind == yaml.SequenceNode:
		return fromNode(node, path, textList)
	case mode == textMap && node.Kind == yaml.MappingNode:
		return fromNode(node, path, textMap)
	}
	return fromNode(node, path, plain)
}
