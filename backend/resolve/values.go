package resolve

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// This file reads the loosely typed values of a model.Spec. Specs come from JSON (float64,
// []any, map[string]any), from YAML (int, map[string]any, map[any]any when a key is not a
// string) and from Go literals ([]string, map[string]string): every reader accepts all of
// them, and the normalizers turn them into one canonical form so that equal configurations
// compare (and hash) equal whatever they were decoded from.

// asNumber reports v as a float64 if it is any Go number.
func asNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return 0, false
}

// formatNumber writes a number the way a user would type it: 3306, not 3306.000000 or
// 3.306e+03. Integers keep their exact digits (an int64 beyond 2^53 is not rounded).
func formatNumber(v any) string {
	switch n := v.(type) {
	case int:
		return strconv.FormatInt(int64(n), 10)
	case int8:
		return strconv.FormatInt(int64(n), 10)
	case int16:
		return strconv.FormatInt(int64(n), 10)
	case int32:
		return strconv.FormatInt(int64(n), 10)
	case int64:
		return strconv.FormatInt(n, 10)
	case uint:
		return strconv.FormatUint(uint64(n), 10)
	case uint8:
		return strconv.FormatUint(uint64(n), 10)
	case uint16:
		return strconv.FormatUint(uint64(n), 10)
	case uint32:
		return strconv.FormatUint(uint64(n), 10)
	case uint64:
		return strconv.FormatUint(n, 10)
	}
	f, _ := asNumber(v)
	if math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// asList reports v as a list if it is one.
func asList(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// asObject reports v as an object if it is one. Keys that are not strings (YAML allows
// `8080: x`) are converted when they are numbers or booleans; badKey names the first key
// that cannot be (a list or an object used as a key). The result is a fresh map only for
// the converted kinds: callers must not mutate it.
func asObject(v any) (obj map[string]any, ok bool, badKey string) {
	switch m := v.(type) {
	case map[string]any:
		return m, true, ""
	case model.Spec:
		return m, true, ""
	case map[string]string:
		out := make(map[string]any, len(m))
		for k, s := range m {
			out[k] = s
		}
		return out, true, ""
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, x := range m {
			ks, ok := scalarText(k)
			if !ok {
				return nil, true, fmt.Sprint(k)
			}
			out[ks] = x
		}
		return out, true, ""
	}
	return nil, false, ""
}

// scalarText is the text of a string, number or boolean; ok is false for anything else.
func scalarText(v any) (string, bool) {
	switch s := v.(type) {
	case string:
		return s, true
	case bool:
		return strconv.FormatBool(s), true
	}
	if _, ok := asNumber(v); ok {
		return formatNumber(v), true
	}
	return "", false
}

// describe names a value's type for messages, with the value itself when it is short.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("a string (%s)", shorten(strconv.Quote(x)))
	case bool:
		return fmt.Sprintf("a boolean (%t)", x)
	}
	if _, ok := asNumber(v); ok {
		return fmt.Sprintf("a number (%s)", formatNumber(v))
	}
	if _, ok := asList(v); ok {
		return "a list"
	}
	if _, ok, _ := asObject(v); ok {
		return "an object"
	}
	return fmt.Sprintf("a value of Go type %T", v)
}

func shorten(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max-3] + "..."
}

// normalize returns a canonical deep copy of a value that validation accepted: numbers
// become float64, lists []any, objects map[string]any. Nothing in the result aliases v, so
// later changes to v (or to the result) do not leak across.
func normalize(v any) any {
	if n, ok := asNumber(v); ok {
		return n
	}
	if l, ok := asList(v); ok {
		out := make([]any, len(l))
		for i, x := range l {
			out[i] = normalize(x)
		}
		return out
	}
	if m, ok, _ := asObject(v); ok {
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[k] = normalize(x)
		}
		return out
	}
	return v // string, bool, nil: immutable
}

// normalizeMapField returns a copy of a keyed map (environment, labels) with every value as
// a string; nil values (deletions, in overrides) stay nil.
func normalizeMapField(v any) map[string]any {
	m, _, _ := asObject(v)
	out := make(map[string]any, len(m))
	for k, x := range m {
		if x == nil {
			out[k] = nil
			continue
		}
		s, _ := scalarText(x)
		out[k] = s
	}
	return out
}

// normalizeField returns the canonical copy of a top-level field's value.
func normalizeField(def model.FieldDef, v any) any {
	if v == nil {
		return nil
	}
	if def.Kind == model.FieldMap {
		return normalizeMapField(v)
	}
	return normalize(v)
}

// normalizeSpec returns the canonical deep copy of a spec that validation accepted. Fields
// unknown to model.ServiceFields (never present after validation) are copied generically.
func normalizeSpec(s model.Spec) model.Spec {
	if s == nil {
		return nil
	}
	out := make(model.Spec, len(s))
	for name, v := range s {
		if def, ok := model.LookupField(name); ok {
			out[name] = normalizeField(def, v)
		} else {
			out[name] = normalize(v)
		}
	}
	return out
}

// quoteList renders words as a JSON/YAML flow list: ["php", "artisan", "serve"].
func quoteList(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = strconv.Quote(w)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
