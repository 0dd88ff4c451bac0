package resolve

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

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
	n := copySpec(o)
	if err := setIn(t, haveTemplate, n, path, raw); err != nil {
		return nil, err
	}
	return finish(n)
}

// setIn sets PATH to raw in n (a copy the caller owns) as SetPath and SetPathFrom describe,
// without validating the rest of the delta. On error n is unchanged.
func setIn(t model.Spec, haveTemplate bool, n model.Spec, path, raw string) error {
	def, key, hasKey, err := parsePath(path)
	if err != nil {
		return err
	}
	var value any
	if hasKey {
		value, err = parseKeyValue(def, key, path, raw)
	} else {
		value, err = parseFieldValue(def, path, raw)
	}
	if err != nil {
		return err
	}

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
				return model.Invalid(path, fmt.Sprintf("%s is removed by this instance's overrides", name),
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
				return notAnObject(def, path, cur)
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
				return model.Invalid(path, fmt.Sprintf("%s is not overridden yet", name),
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
				return notAnObject(def, path, cur)
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
	return nil
}

// UnsetPath returns a copy of the override delta o without PATH, for
// `devarch instance set ... --unset PATH` when the template is not at hand (UnsetPathFrom
// is the command's rule): FIELD drops the field's override (back to the template's value);
// FIELD.KEY drops one key of a keyed map override (the map override goes away when it
// becomes empty, which merges the same) or of an object override (an object left empty
// stays {}: an empty object still replaces the template's; unset the field to go back to
// it). Unsetting what is not overridden does nothing; a key of an object the overrides
// remove (healthcheck: null) is an error, since there is no key to reset. Fields and object
// keys this version does not know are accepted when o holds them, so stale data can be
// cleaned up. o is not modified; the result is validated and canonical, as with SetPath.
func UnsetPath(o model.Spec, path string) (model.Spec, error) {
	n := copySpec(o)
	if err := unsetIn(nil, false, n, path); err != nil {
		return nil, err
	}
	return finish(n)
}

// UnsetPathFrom is UnsetPath for a delta over the template spec t, and the rule of
// `--unset`: every unset goes back to the template's value of what it names.
//   - FIELD: the field's override is dropped; the field is the template's again.
//   - MAP.KEY (environment, labels): the key's override is dropped, so the key has the
//     template's value again, or none. When the overrides remove the whole map (null), the
//     template's KEY comes back and its other keys stay removed.
//   - OBJECT.KEY (healthcheck.interval): the object's override keeps its other keys and
//     gets the template's value of KEY, or loses KEY when the template's object has none.
//     When the override then equals the template's object (or is empty and the template
//     has no such object) it is dropped, and the field is the template's again.
//
// Unsetting what is not overridden does nothing; a key of an object the overrides remove
// (healthcheck: null) is an error naming the fix (--unset the field). t is not modified.
func UnsetPathFrom(t model.Spec, o model.Spec, path string) (model.Spec, error) {
	n := copySpec(o)
	if err := unsetIn(t, true, n, path); err != nil {
		return nil, err
	}
	return finish(n)
}

// unsetIn unsets PATH in n (a copy the caller owns) as UnsetPath (haveTemplate false) or
// UnsetPathFrom describe, without validating the rest of the delta. On error n is unchanged.
func unsetIn(t model.Spec, haveTemplate bool, n model.Spec, path string) error {
	name, key, hasKey := strings.Cut(path, ".")
	if _, known := model.LookupField(name); !known && !hasKey && name != "" {
		if _, present := n[name]; present {
			delete(n, name)
			return nil
		}
	}
	if def, known := model.LookupField(name); known && hasKey && def.Kind == model.FieldObject && def.Sub != nil && key != "" {
		if _, allowed := def.Sub[key]; !allowed {
			if obj, ok, _ := asObject(n[name]); ok {
				if _, present := obj[key]; present {
					delete(obj, key)
					return nil
				}
			}
		}
	}

	def, key, hasKey, err := parsePath(path)
	if err != nil {
		return err
	}
	name = def.Name
	if !hasKey {
		delete(n, name)
		return nil
	}
	cur, present := n[name]
	if !present {
		return nil // not overridden: already the template's
	}
	tv, inTemplate := t[name]
	tobj, _, _ := asObject(normalizeField(def, tv))
	if def.Kind == model.FieldMap {
		if cur == nil {
			// The whole map is removed: bring the template's KEY back, keep the others removed.
			if _, has := tobj[key]; !haveTemplate || !has {
				return nil
			}
			m := make(map[string]any, len(tobj))
			for k := range tobj {
				if k != key {
					m[k] = nil
				}
			}
			n[name] = m
		} else if obj, ok, _ := asObject(cur); ok {
			delete(obj, key)
			n[name] = obj
		} else {
			return nil // not a map: validation reports it
		}
		if m, _, _ := asObject(n[name]); len(m) == 0 {
			delete(n, name) // an empty map override merges nothing
		}
		return nil
	}
	// object
	if cur == nil {
		return model.Invalid(path, fmt.Sprintf("%s is removed by this instance's overrides", name),
			fmt.Sprintf("The overrides set %s to null, so it has no %s to reset. --unset %s brings the template's back; to change one key, set it (%s=VALUE).", name, key, name, path))
	}
	obj, ok, badKey := asObject(cur)
	if !ok || badKey != "" {
		return nil // not an object: validation reports it
	}
	obj = normalize(obj).(map[string]any)
	if x, has := tobj[key]; haveTemplate && has {
		obj[key] = normalize(x)
	} else {
		delete(obj, key)
	}
	n[name] = obj
	if haveTemplate && ((inTemplate && reflect.DeepEqual(obj, normalize(tv))) || (!inTemplate && len(obj) == 0)) {
		delete(n, name)
	}
	return nil
}

// Edit is one `devarch instance set` (or `instance add --set`) on the delta o of an
// instance of template spec t: every "PATH=VALUE" of sets, in order, as SetPathFrom, then
// every PATH of unsets as UnsetPathFrom (--unset goes back to the template's value).
//
// A set and an unset of the same path, or of a field and a key of it (ports=[...] with
// --unset ports, healthcheck.interval=1s with --unset healthcheck), in one command are
// refused as a whole with err, naming both: which one should win is not for DevArch to
// guess, and silently applying one loses the other.
//
// Otherwise every edit is tried; one that cannot be made (not PATH=VALUE, an unknown field
// or key, a value that is not valid YAML) is left out and reported in problems, so that the
// caller can still check the rest and report every problem of the command at once. The
// result is not validated as a whole (ResolveAll does that, with the template) and not
// canonical (NormalizeOverrides). o and t are not modified.
func Edit(t, o model.Spec, sets, unsets []string) (edited model.Spec, problems []*model.Error, err error) {
	if err := editConflicts(sets, unsets); err != nil {
		return nil, nil, err
	}
	n := copySpec(o)
	for _, kv := range sets {
		path, raw, ok := strings.Cut(kv, "=")
		if !ok || path == "" {
			problems = append(problems, model.Invalid("set", fmt.Sprintf("%s is not PATH=VALUE", quoteShort(kv)),
				`Write the field path, an equals sign and the value, e.g. image=nginx:1.27, environment.APP_ENV=local or ports=["8080:80"].`))
			continue
		}
		if err := setIn(t, true, n, path, raw); err != nil {
			problems = append(problems, model.AsError(err))
		}
	}
	for _, path := range unsets {
		if err := unsetIn(t, true, n, path); err != nil {
			problems = append(problems, model.AsError(err))
		}
	}
	return n, problems, nil
}

// editConflicts refuses a set and an unset of one path, or of a field and a key of it, in
// one command (see Edit), listing every such pair.
func editConflicts(sets, unsets []string) error {
	var conflicts []*model.Error
	for _, kv := range sets {
		path, _, ok := strings.Cut(kv, "=")
		if !ok || path == "" {
			continue // reported by Edit
		}
		sf, sk, sHasKey := strings.Cut(path, ".")
		for _, u := range unsets {
			uf, uk, uHasKey := strings.Cut(u, ".")
			if sf != uf || (sHasKey && uHasKey && sk != uk) {
				continue
			}
			conflicts = append(conflicts, model.Invalid(path, fmt.Sprintf("%s and --unset %s in one command", showArg(kv), showArg(u)),
				"Setting and unsetting the same path (or a field and one of its keys) in one command leaves unclear which should win, so nothing was changed. "+
					"Drop one of them, or run them as two commands in the order you mean."))
		}
	}
	if len(conflicts) == 0 {
		return nil
	}
	return model.JoinProblems("set and unset of the same path", conflicts)
}

// showArg is a command-line argument as a message shows it: as typed when it is short,
// printable text, else quoted (control characters escaped) and shortened.
func showArg(s string) string {
	if len(s) > 60 || !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return badRune(r) || r == '\t' || r == '\n' }) {
		return quoteShort(s)
	}
	return s
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
