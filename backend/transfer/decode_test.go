package transfer_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/transfer"
)

const head = "apiVersion: devarch/v1\nkind: Stack\nname: shop\n"

// armorLine is a minimal armored blob as a double-quoted scalar (the shape Decode checks).
const armorLine = `"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"`

// BadCases are documents Decode must refuse, with the field path and the position its
// error names. The engine's tests import them too, to check that nothing is written.
var badCases = []struct {
	name, doc string
	field     string // the error's Field
	pos       string // a prefix of its Detail ("line 4, column 3")
	summary   string // a substring of its Summary
}{
	{"unknown top-level key", head + "instancez: {}\n", "instancez", "line 4, column 1", `unknown key "instancez"`},
	{"unknown instance key", head + "instances:\n  app:\n    template: node\n    version: 2\n    overides: {}\n", "instances.app.overides", "line 8, column 5", "unknown key"},
	{"unknown override field", head + "instances:\n  app:\n    template: node\n    version: 2\n    overrides:\n      portz: [\"80\"]\n", "instances.app.overrides.portz", "line 9, column 14", "unknown"},
	{"wrong type in overrides", head + "instances:\n  app:\n    template: node\n    version: 2\n    overrides:\n      ports: [8080]\n", "instances.app.overrides.ports[0]", "line 9, column 15", "string"},
	{"wrong type version", head + "instances:\n  app:\n    template: node\n    version: two\n", "instances.app.version", "line 7, column 14", "version number"},
	{"wrong type name", "apiVersion: devarch/v1\nkind: Stack\nname: [a]\n", "name", "line 3, column 7", "expected a string"},
	{"unknown apiVersion", "apiVersion: devarch/v9\nkind: Stack\nname: shop\n", "apiVersion", "line 1, column 13", `unknown apiVersion "devarch/v9"`},
	{"unknown kind", "apiVersion: devarch/v1\nkind: Template\nname: shop\n", "kind", "line 2, column 7", `unknown kind`},
	{"missing apiVersion", "kind: Stack\nname: shop\n", "apiVersion", "line 1, column 1", "required"},
	{"duplicate instance", head + "instances:\n  app:\n    template: node\n    version: 2\n  app:\n    template: node\n    version: 2\n", "instances.app", "line 8, column 3", "set twice"},
	{"unembedded custom template", head + "instances:\n  app:\n    template: my-api\n", "instances.app.template", "line 6, column 15", "neither embedded nor a built-in"},
	{"wire to a missing instance", head + "instances:\n  app:\n    template: node\n    version: 2\nwires:\n  - {consumer: app, contract: postgres, provider: db}\n", "wires[0].provider", "line 9, column 51", `no instance named "db"`},
	{"bad instance name", head + "instances:\n  App:\n    template: node\n    version: 2\n", "instances.App", "line 5, column 3", "not a valid name"},
	{"secret value instead of name", head + "secrets:\n  - {api_key: hunter2}\n", "secrets[0]", "line 5, column 5", "expected a string"},
	{"plain secret value", head + "secrets: [api_key]\nsecretValues:\n  key: " + armorLine + "\n  values:\n    api_key: hunter2\n", "secretValues.values.api_key", "line 8, column 14", "not an encrypted value"},
	{"secret value not listed", head + "secrets: [api_key]\nsecretValues:\n  key: " + armorLine + "\n  values:\n    other: " + armorLine + "\n", "secretValues.values.other", "line 8, column 5", "not listed under secrets"},
	{"secret values without key", head + "secrets: [api_key]\nsecretValues:\n  values:\n    api_key: " + armorLine + "\n", "secretValues.key", "line 6, column 3", "key is required"},
	{"secret values empty", head + "secrets: [api_key]\nsecretValues:\n  key: " + armorLine + "\n  values: {}\n", "secretValues.values", "line 7, column 11", "empty"},
	{"secret value wrong type", head + "secrets: [api_key]\nsecretValues:\n  key: " + armorLine + "\n  values:\n    api_key: 42\n", "secretValues.values.api_key", "line 8, column 14", "found a number"},
	{"unknown secretValues key", head + "secretValues:\n  key: " + armorLine + "\n  passphrase: x\n", "secretValues.passphrase", "line 6, column 3", "unknown key"},
	{"bad embedded template", head + "templates:\n  - name: my-api\n    category: runtime\n    service: {imag: x}\n", "templates[0].service.imag", "line 7, column 15", "unknown"},
	{"alias", head + "x-a: &a [1]\nx-b: *a\n", "x-b", "line 5, column 6", "aliases"},
	{"merge key", head + "instances:\n  app:\n    <<: {template: node}\n", "instances.app", "line 6, column 5", "merge keys"},
	{"custom tag", head + "description: !env FOO\n", "description", "line 4, column 14", "tag"},
	{"two documents", head + "---\n" + head, "", "line 4, column 1", "more than one"},
	{"not a mapping", "- a\n", "", "line 1, column 1", "must be a mapping"},
}

func TestDecode_BadInput(t *testing.T) {
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := transfer.Decode([]byte(c.doc))
			var e *model.Error
			if !errors.As(err, &e) {
				t.Fatalf("want a *model.Error, got %v", err)
			}
			if e.Kind != model.KindInvalid || e.Field != c.field || !strings.HasPrefix(e.Detail, c.pos) || !strings.Contains(e.Summary, c.summary) {
				t.Errorf("got %v %q %q %q\nwant field %q, detail starting %q, summary with %q", e.Kind, e.Field, e.Summary, e.Detail, c.field, c.pos, c.summary)
			}
		})
	}
}

func TestDecode_InvalidUTF8(t *testing.T) {
	doc := head + "description: caf\xe9\n"
	_, err := transfer.Decode([]byte(doc))
	var e *model.Error
	if !errors.As(err, &e) || e.Kind != model.KindInvalid || !strings.Contains(e.Summary, "UTF-8") ||
		!strings.HasPrefix(e.Detail, "line 4, column 17: byte 0xe9") {
		t.Fatalf("got %#v", err)
	}
}

// A 5 MiB file is refused by its size, before any parsing (so quickly, whatever it holds).
func TestDecode_TooLarge(t *testing.T) {
	doc := []byte(head + "description: " + strings.Repeat("a", 5<<20) + "\n")
	start := time.Now()
	_, err := transfer.Decode(doc)
	var e *model.Error
	if !errors.As(err, &e) || e.Kind != model.KindInvalid || !strings.Contains(e.Summary, "5.0 MiB; the limit is 1 MiB") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("refusing took %v", d)
	}
	// Just under the limit is read (and refused for its description, not its size).
	doc = []byte(head + "description: " + strings.Repeat("a", transfer.MaxSize-len(head)-20) + "\n")
	if _, err := transfer.Decode(doc); err == nil || strings.Contains(err.Error(), "limit is 1 MiB") {
		t.Errorf("a file under the limit: %v", err)
	}
}

// The billion laughs: nine levels of aliases, each ten times the one below. Expanded it
// would be 10^9 items; Decode refuses the first alias without expanding anything.
func TestDecode_AliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString(head)
	b.WriteString("x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, l := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString("x-" + l + ": &" + l + " [")
		for i := range 10 {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = l
	}
	// Also inside an instance's overrides and as a whole section.
	b.WriteString("instances:\n  app:\n    template: node\n    version: 2\n    overrides: {command: *i}\n")
	start := time.Now()
	_, err := transfer.Decode([]byte(b.String()))
	if d := time.Since(start); d > time.Second {
		t.Errorf("refusing the alias bomb took %v", d)
	}
	var e *model.Error
	if !errors.As(err, &e) || e.Kind != model.KindInvalid || !strings.Contains(e.Summary, "aliases") {
		t.Fatalf("got %v", err)
	}
	for _, doc := range []string{
		head + "instances: &x {}\nwires: *x\n",
		head + "secrets: &s [a]\nx-s: *s\n",
		head + "instances:\n  app: &a {template: node, version: 2}\n  b: *a\n",
	} {
		if _, err := transfer.Decode([]byte(doc)); err == nil || !strings.Contains(err.Error(), "aliases") {
			t.Errorf("%q: got %v", doc, err)
		}
	}
}

// Several problems in one instance's overrides are reported together, each with its path
// in the file and its line.
func TestDecode_OverrideProblemsLocated(t *testing.T) {
	doc := head + "instances:\n  app:\n    template: node\n    version: 2\n    overrides:\n      restart: sometimes\n      ports: [\"99999:80\"]\n"
	_, err := transfer.Decode([]byte(doc))
	var e *model.Error
	if !errors.As(err, &e) || e.Kind != model.KindInvalid {
		t.Fatalf("got %v", err)
	}
	all := append([]*model.Error{e}, e.Problems...)
	found := false
	for _, p := range all {
		if p.Field == "instances.app.overrides.restart" && strings.HasPrefix(p.Detail, "line 9, column 16") {
			found = true
		}
	}
	if !found {
		t.Errorf("no located problem for restart in %#v", err)
	}
}

func TestDecode_ExtensionsKept(t *testing.T) {
	doc := head + "x-b: {z: 1, a: [true, null, \"2\", 1.5]}\nx-a: hello\n"
	d, err := transfer.Decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"x-a": "hello", "x-b": map[string]any{"z": float64(1), "a": []any{true, nil, "2", 1.5}}}
	if !reflect.DeepEqual(d.Extensions, want) {
		t.Fatalf("extensions %#v", d.Extensions)
	}
	out, err := transfer.Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	if want := head + "x-a: hello\nx-b:\n  a:\n    - true\n    - null\n    - \"2\"\n    - 1.5\n  z: 1\n"; string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// seedInputs are the fuzz seeds: the goldens and every bad case.
func seedInputs(t testing.TB) [][]byte {
	var out [][]byte
	files, _ := filepath.Glob(filepath.Join("testdata", "*.devarch.yml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	for _, c := range badCases {
		out = append(out, []byte(c.doc))
	}
	return append(out,
		[]byte(head+"description: caf\xe9\n"),
		[]byte(head+"x-a: &a [1, 2]\nx-b: &b [*a, *a]\nx-c: [*b, *b]\n"),
		[]byte(head+"x-n: [0x1F, 1e400, -.inf, 9007199254740993, 2001-01-01, !!binary aGk=]\n"),
	)
}

// FuzzDecode: Decode never panics; every error is KindInvalid (a path or position
// included); what it accepts encodes, decodes to the same value, and encodes to the same
// bytes again.
func FuzzDecode(f *testing.F) {
	for _, s := range seedInputs(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := transfer.Decode(data)
		if err != nil {
			var e *model.Error
			if !errors.As(err, &e) || e.Kind != model.KindInvalid {
				t.Fatalf("error is not KindInvalid: %#v", err)
			}
			if e.Field == "" && !strings.HasPrefix(e.Detail, "line ") && len(e.Problems) == 0 &&
				!strings.Contains(e.Summary, "empty") && !strings.Contains(e.Summary, "limit") && !strings.Contains(e.Summary, "YAML") {
				t.Fatalf("error names neither a field nor a position: %v", err)
			}
			return
		}
		out, err := transfer.Encode(d)
		if err != nil {
			t.Fatalf("Encode of a decoded document: %v", err)
		}
		back, err := transfer.Decode(out)
		if err != nil {
			t.Fatalf("Decode(Encode(d)): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back, d) {
			t.Fatalf("Decode(Encode(d)) != d:\n%#v\n%#v\n%s", back, d, out)
		}
		again, err := transfer.Encode(back)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Encode is not stable (%v):\n%s\n---\n%s", err, out, again)
		}
	})
}

// The example of docs/devarch-yml.md decodes, and the schema accepts it.
func TestDocExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "devarch-yml.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no yaml block in docs/devarch-yml.md")
	}
	d, err := transfer.Decode([]byte(example))
	if err != nil {
		t.Fatalf("the documented example: %v", err)
	}
	if len(d.Instances) != 2 || len(d.Templates) != 1 || len(d.Wires) != 1 || d.Extensions["x-team"] == nil {
		t.Errorf("decoded %+v", d)
	}
	if err := compileSchema(t).Validate(asJSON(t, []byte(example))); err != nil {
		t.Errorf("the schema refuses the documented example: %v", err)
	}
}
