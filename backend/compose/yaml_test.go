package compose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/model"
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

// referenceYAML is the tree encoded by yaml.v3's own encoder: what marshalYAML must write.
func referenceYAML(t testing.TB, v any) string {
	t.Helper()
	root, err := encodeNode(reflect.ValueOf(v))
	if err != nil {
		t.Fatalf("encodeNode: %v", err)
	}
	var buf bytes.Buffer
	if err := encodeYAML(&buf, root); err != nil {
		t.Fatalf("encodeYAML: %v", err)
	}
	return buf.String()
}

// checkSameAsYAMLv3 checks that marshalYAML writes exactly what yaml.v3 writes for v.
func checkSameAsYAMLv3(t testing.TB, v any) string {
	t.Helper()
	var buf bytes.Buffer
	if err := marshalYAML(&buf, v); err != nil {
		t.Fatalf("marshalYAML: %v", err)
	}
	if want := referenceYAML(t, v); buf.String() != want {
		t.Fatalf("marshalYAML differs from yaml.v3's encoding:\n--- got\n%s\n--- yaml.v3\n%s", buf.String(), want)
	}
	return buf.String()
}

// marshalYAML lays out the block structure itself; it must write exactly what yaml.v3 writes
// for the same tree, for every shape: nested and empty collections, keys written as
// "? key" (longer than 128 bytes, or holding a line break), and every nasty string.
func TestMarshalYAML_SameAsYAMLv3(t *testing.T) {
	long := strings.Repeat("k", 129)
	nested := Map[any]{
		"scalars":    Map[any]{"s": "x", "n": nil, "b": false, "i": int64(3), "f": 0.25, "e": ""},
		"empty":      Map[any]{"m": Map[any]{}, "l": []any{}, "argv": Argv{}},
		"lists":      []any{"a", []any{"b", []any{"c"}, []any{}}, Map[any]{"k": "v", "l": []any{"x"}}, Map[any]{}, nil},
		"long keys":  Map[any]{long: "v", long + "2": Map[any]{"a": "b"}, long + "3": []any{"x", Map[any]{"c": "d"}}, long + "4": []any{}, strings.Repeat("é", 64): "128 bytes", strings.Repeat("é", 65): "130 bytes"},
		"break keys": Map[any]{"a\nb": "x", "c\u2028d": Map[any]{"e": []any{"f"}}, "\n": ""},
	}
	checkSameAsYAMLv3(t, nested)
	for _, s := range nastyStrings {
		if utf8.ValidString(s) {
			checkSameAsYAMLv3(t, Map[any]{"v": s, s: []any{s, Map[any]{s: s}}})
		}
	}
	for i := 0; i < 3; i++ {
		st := model.EffectiveStack{Name: "shop"}
		for j := 0; j < 20; j++ {
			st.Services = append(st.Services, model.EffectiveService{Instance: fmt.Sprintf("svc%d", j), Template: "t", Spec: model.Spec{
				"image": "mysql:8.4", "command": []any{"sh", "-c", "echo $HOME", nastyStrings[(i*20+j)%len(nastyStrings)]},
				"environment": map[string]any{"A": "1", "B": nastyStrings[(i*20+j+1)%len(nastyStrings)]}, "ports": []any{fmt.Sprintf("%d:80", 20000+j)},
				"healthcheck": map[string]any{"test": []any{"CMD-SHELL", "true"}, "retries": float64(3)},
				"deploy":      map[string]any{"resources": map[string]any{"limits": map[string]any{"cpus": "0.5"}}, "labels": []any{}},
			}})
		}
		p, err := NewProject(st)
		if err != nil {
			continue // a refused nasty string
		}
		checkSameAsYAMLv3(t, p)
	}
}

// FuzzMarshalYAMLLayout: for any JSON-like value (nested objects and arrays, any keys and
// strings), marshalYAML writes exactly what yaml.v3 writes, and yaml.v3 reads it back as the
// same value.
func FuzzMarshalYAMLLayout(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `{"a":"b"}`, `{"a":[]}`, `{"a":{}}`, `[[["x"]],[],{}]`, `{"a":[{"b":[1,2.5,true,null]},{"c":{}}]}`,
		`{"` + strings.Repeat("k", 200) + `":{"x":["y"]}}`, `{"a\nb":{"c\u2028":[[]]},"\n":""}`, `{"yes":"no","0x1F":"~","<<":"*x"}`,
		`{"":" lead","trail ":"a: b","#":" #"}`, `["\nleading","trailing\n","tab\tx","\u0085","\u007f","\ufffe","é🚀"]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var v any
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return
		}
		doc := checkSameAsYAMLv3(t, Map[any]{"v": v})
		var back map[string]any
		if err := yaml.Unmarshal([]byte(doc), &back); err != nil {
			t.Fatalf("yaml.v3 cannot read its own encoding: %v\n%s", err, doc)
		}
		if !sameJSON(back["v"], v) {
			t.Fatalf("reads back as %#v, want %#v\n%s", back["v"], v, doc)
		}
	})
}

// sameJSON compares a value read back by yaml.v3 (ints, map[string]any) with the JSON value
// it came from (float64).
func sameJSON(got, want any) bool {
	switch w := want.(type) {
	case float64:
		switch g := got.(type) {
		case int:
			return float64(g) == w
		case float64:
			return g == w
		case uint64:
			return float64(g) == w
		}
		return false
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !sameJSON(g[i], w[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, x := range w {
			if !sameJSON(g[k], x) {
				return false
			}
		}
		return true
	}
	return got == want
}
