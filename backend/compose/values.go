package compose

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/devarch/devarch/backend/model"
)

// Conversions from model.Spec's JSON-like values (string, bool, float64, []any,
// map[string]any, nil) to typed compose values. Each checks the type, names the field path
// on failure and escapes every string (see builder.escape). Go-typed containers ([]string,
// map[string]string) and integer types are accepted too, so that specs built in Go code need
// not mimic JSON decoding.

func (b *builder) text(path string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", b.invalid(path, "must be a string, not "+typeName(v), "")
	}
	if err := b.utf8(path, s); err != nil {
		return "", err
	}
	return b.escape(path, s)
}

// utf8 refuses text that is not UTF-8: YAML holds only text, and yaml.v3 would write such a
// string as !!binary, which compose reads as something else. (Override and template
// validation refuse it earlier, with control characters; everything else YAML escapes.)
func (b *builder) utf8(path, s string) error {
	if utf8.ValidString(s) {
		return nil
	}
	return b.invalid(path, "is not UTF-8 text", "Values and keys must be UTF-8 text; remove the other bytes.")
}

// textList returns a non-nil slice even for an empty list: for command and entrypoint an
// empty list differs from an absent one.
func (b *builder) textList(path string, v any) ([]string, error) {
	items, ok := asList(v)
	if !ok {
		return nil, b.invalid(path, "must be a list of strings, not "+typeName(v), "")
	}
	out := make([]string, len(items))
	for i, item := range items {
		var err error
		if out[i], err = b.text(fmt.Sprintf("%s[%d]", path, i), item); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// textMap rejects nil values: compose would read a null environment value from the host
// environment, leaking the user's own variables into the container.
func (b *builder) textMap(path string, v any) (Map[string], error) {
	m, ok := asMap(v)
	if !ok {
		return nil, b.invalid(path, "must be a mapping of strings, not "+typeName(v), "")
	}
	out := make(Map[string], len(m))
	for _, k := range sortedKeys(m) {
		if k == "" {
			return nil, b.invalid(path, "has an empty key", "")
		}
		if err := b.utf8(path, k); err != nil {
			return nil, err
		}
		if strings.HasPrefix(k, "x-") {
			return nil, b.invalid(path, fmt.Sprintf("key %q starts with x-", k),
				"Compose reads keys starting with x- as extension fields and drops them, so the container would never get this one. Rename it (X- in capitals, or no prefix).")
		}
		var err error
		if out[k], err = b.text(path+"."+k, m[k]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (b *builder) boolean(path string, v any) (*bool, error) {
	x, ok := v.(bool)
	if !ok {
		return nil, b.invalid(path, "must be true or false, not "+typeName(v), "")
	}
	return &x, nil
}

func (b *builder) integer(path string, v any) (*int, error) {
	n, ok := toInt(v)
	if !ok {
		return nil, b.invalid(path, "must be an integer, not "+typeName(v), "")
	}
	i := int(n)
	return &i, nil
}

func (b *builder) object(path string, v any) (map[string]any, error) {
	m, ok := asMap(v)
	if !ok {
		return nil, b.invalid(path, "must be a mapping, not "+typeName(v), "")
	}
	return m, nil
}

// plainObject passes an object through whose structure DevArch does not model (deploy,
// ulimits, logging options); the compose schema validates it.
func (b *builder) plainObject(path string, v any) (Map[any], error) {
	out, err := b.plain(path, v)
	if err != nil {
		return nil, err
	}
	m, ok := out.(Map[any])
	if !ok {
		return nil, b.invalid(path, "must be a mapping, not "+typeName(v), "")
	}
	return m, nil
}

// plain converts any JSON-like value: objects to Map (sorted keys), strings escaped, integral
// numbers to int64 (so 2.0 is written 2, and 1e6 as 1000000 rather than 1e+06).
func (b *builder) plain(path string, v any) (any, error) {
	switch x := v.(type) {
	case nil, bool:
		return x, nil
	case string:
		return b.text(path, x)
	}
	if n, ok := toInt(v); ok {
		return n, nil
	}
	if f, ok := v.(float64); ok {
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, b.invalid(path, fmt.Sprintf("is not a finite number (%v)", f), "Infinity and NaN have no meaning in a compose file; write a finite number.")
		}
		return f, nil
	}
	if m, ok := asMap(v); ok {
		out := make(Map[any], len(m))
		for k, x := range m {
			if err := b.utf8(path, k); err != nil {
				return nil, err
			}
			var err error
			if out[k], err = b.plain(path+"."+k, x); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if l, ok := asList(v); ok {
		out := make([]any, len(l))
		for i, x := range l {
			var err error
			if out[i], err = b.plain(fmt.Sprintf("%s[%d]", path, i), x); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, b.invalid(path, "has a value of unsupported type "+typeName(v), "")
}

func asList(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

func asMap(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case model.Spec:
		return x, true
	case map[string]string:
		out := make(map[string]any, len(x))
		for k, s := range x {
			out[k] = s
		}
		return out, true
	}
	return nil, false
}

// toInt accepts integer types and integral float64 values (JSON numbers).
func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	}
	return 0, false
}

// typeName names a value's type in user terms.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, int32, int64, float64:
		return "a number"
	}
	if _, ok := asList(v); ok {
		return "a list"
	}
	if _, ok := asMap(v); ok {
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
