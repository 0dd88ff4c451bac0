package compose

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

func marshalString(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	if err := marshalYAML(&buf, v); err != nil {
		t.Fatalf("marshalYAML(%#v): %v", v, err)
	}
	return buf.String()
}

// Every string, as a key and as a value, reads back as the same string, whatever style
// yaml.v3 chose; strings with a line break are double-quoted (never a block scalar).
func TestMarshalYAML_StringsReadBackExactly(t *testing.T) {
	for _, s := range nastyStrings {
		if !utf8.ValidString(s) {
			continue // refused before it gets here
		}
		doc := marshalString(t, Map[string]{"v": s, s + "k": "key"})
		var got map[string]string
		if err := yaml.Unmarshal([]byte(doc), &got); err != nil {
			t.Errorf("%q: the output does not parse: %v\n%s", s, err, doc)
			continue
		}
		if got["v"] != s || got[s+"k"] != "key" || len(got) != 2 {
			t.Errorf("%q reads back as %#v\n%s", s, got, doc)
		}
		if hasLineBreak(s) && strings.ContainsAny(doc, "|>") && !strings.ContainsAny(s, "|>") {
			t.Errorf("%q was written as a block scalar:\n%s", s, doc)
		}
	}
}

// Keys are written in byte order, the same every time. yaml.Marshal's own order is not
// stable for these keys: its comparison reads U+0663 (ARABIC-INDIC DIGIT THREE) as a digit
// and is not transitive, so the order depends on map iteration.
func TestMarshalYAML_KeysInByteOrder(t *testing.T) {
	m := Map[int]{}
	for _, a := range []string{"a", "0", "٣"} {
		for _, b := range []string{"", "a", "0", "٣"} {
			for _, c := range []string{"", "a", "0", "٣"} {
				m[a+b+c] = 1
			}
		}
	}
	first := marshalString(t, m)
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(first), "\n") {
		k, _, _ := strings.Cut(line, ": ")
		keys = append(keys, strings.Trim(k, `"`))
	}
	if !slices.IsSorted(keys) || len(keys) != len(m) {
		t.Fatalf("keys are not in byte order:\n%s", first)
	}
	for i := 0; i < 50; i++ {
		if got := marshalString(t, m); got != first {
			t.Fatalf("run %d differs:\n%s\n--- first\n%s", i, got, first)
		}
	}
}

// Numbers: integral floats as integers (JSON-decoded specs hold float64), others in Go's
// shortest form; non-finite numbers are an error, never a string.
func TestMarshalYAML_Numbers(t *testing.T) {
	got := marshalString(t, Map[any]{"a": 2.0, "b": 0.5, "c": 1e21, "d": int64(-5), "e": uint8(7), "f": true, "g": nil, "h": []any{}, "i": Map[any]{}})
	want := "a: 2\nb: 0.5\nc: 1e+21\nd: -5\ne: 7\nf: true\ng: null\nh: []\ni: {}\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, f := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		var buf bytes.Buffer
		if err := marshalYAML(&buf, Map[any]{"x": f}); err == nil {
			t.Errorf("%v was written: %s", f, buf.String())
		}
	}
}
