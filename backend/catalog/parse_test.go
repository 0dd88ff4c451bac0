package catalog

import (
	"bytes"
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/model"
)

const minimal = "name: app\ncategory: runtime\nservice:\n  image: busybox:1\n"

func TestParse_Minimal(t *testing.T) {
	got, err := Parse([]byte(minimal), false)
	if err != nil {
		t.Fatal(err)
	}
	want := model.Template{Name: "app", Category: "runtime", Service: model.Spec{"image": "busybox:1"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

// Values take the canonical form: strings where strings are expected (in keyed maps, numbers
// and booleans as written), float64 for numbers, never nil; empty contract lists and value
// maps are nil.
func TestParse_Normalizes(t *testing.T) {
	src := `name: app
category: runtime
description: "42"
service:
  image: busybox:1
  command: [sleep, "10"]
  environment: {PORT: 3000, DEBUG: true, RATIO: 1.50, EMPTY: "", HEX: 0x1F}
  labels: {}
  ports: ["8080"]
  init: true
  healthcheck: {test: [CMD, "true"], interval: 5s, retries: 3.0}
  deploy: {resources: {limits: {cpus: "0.5", memory: 512m}}, replicas: 1}
  ulimits: {nofile: {soft: 1024, hard: 2048}}
  build: {context: ./app, args: {VERSION: 2}}
provides:
  - contract: http
    values: {}
consumes: []
`
	got, err := Parse([]byte(src), false)
	if err != nil {
		t.Fatal(err)
	}
	want := model.Template{
		Name: "app", Category: "runtime", Description: "42",
		Service: model.Spec{
			"image":       "busybox:1",
			"command":     []any{"sleep", "10"},
			"environment": map[string]any{"PORT": "3000", "DEBUG": "true", "RATIO": "1.50", "EMPTY": "", "HEX": "0x1F"},
			"labels":      map[string]any{},
			"ports":       []any{"8080"},
			"init":        true,
			"healthcheck": map[string]any{"test": []any{"CMD", "true"}, "interval": "5s", "retries": 3.0},
			"deploy":      map[string]any{"resources": map[string]any{"limits": map[string]any{"cpus": "0.5", "memory": "512m"}}, "replicas": 1.0},
			"ulimits":     map[string]any{"nofile": map[string]any{"soft": 1024.0, "hard": 2048.0}},
			"build":       map[string]any{"context": "./app", "args": map[string]any{"VERSION": 2.0}},
		},
		Provides: []model.Provide{{Contract: "http"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestParse_BuiltinVersion(t *testing.T) {
	if _, err := Parse([]byte("version: 3\n"+minimal), true); err != nil {
		t.Fatal(err)
	}
	tpl, err := Parse([]byte("version: 0\n"+minimal), false)
	if err != nil || tpl.Version != 0 || tpl.Builtin {
		t.Fatalf("custom with version 0: %+v, %v", tpl, err)
	}
}

// Each case: the document, builtin, the error's Field, and fragments its message must hold
// (the position "line L, column C" among them wherever the YAML has one).
func TestParse_Errors(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		builtin bool
		field   string
		want    []string
	}{
		{"syntax: mapping value in a plain scalar", "name: app: x\ncategory: runtime\n", false, "",
			[]string{"not valid", "line 1, column 10", "mapping values are not allowed"}},
		{"syntax: unclosed flow list", minimal + "  ports: [\"80:80\"\n  volumes: []\n", false, "",
			[]string{"line 5, column 10", "did not find expected ','"}},
		{"syntax: tab indentation", "name: app\nservice:\n\timage: x\n", false, "",
			[]string{"line 3, column 1", "cannot start any token"}},
		{"syntax: unclosed quote", "name: \"app\ncategory: runtime\n", false, "",
			[]string{"line 1, column 7"}},
		{"empty document", "# nothing\n", false, "", []string{"empty"}},
		{"two documents", minimal + "---\nname: other\n", false, "", []string{"line 5, column 1", "more than one YAML document"}},
		{"not a mapping", "- a\n- b\n", false, "", []string{"line 1, column 1", "must be a mapping"}},
		{"unknown top-level key", minimal + "colour: blue\n", false, "colour",
			[]string{`unknown key "colour"`, "line 5, column 1", "name, version, category"}},
		{"generate is a list", minimal + "  environment: {PW: x}\ngenerate: [PW]\n", false, "generate",
			[]string{"expected a mapping of VARIABLE: secret suffix", "line 6, column 11"}},
		{"generate of an unset variable", minimal + "  environment: {PW: x}\ngenerate: {OTHER: password}\n", false, "generate.OTHER",
			[]string{"OTHER is not set to a plain value in service.environment", "line 6, column 12"}},
		{"generate of a bad suffix", minimal + "  environment: {PW: x}\ngenerate: {PW: Pass-word}\n", false, "generate.PW",
			[]string{`"Pass-word" is not a valid secret suffix`, "db_password"}},
		{"generate of a shared suffix", minimal + "  environment: {PW: x, PW2: y}\ngenerate: {PW: password, PW2: password}\n", false, "generate.PW2",
			[]string{`suffix "password" is already used by PW`}},
		{"generate of a bad variable name", minimal + "  environment: {PW: x}\ngenerate: {1PW: password}\n", false, "generate.1PW",
			[]string{"not a valid environment variable name"}},
		{"service field at top level", minimal + "ports: [\"80:80\"]\n", false, "ports",
			[]string{"line 5, column 1", "under service:"}},
		{"duplicate key", minimal + "name: again\n", false, "name",
			[]string{"set twice", "line 5, column 1", "first set at line 1"}},
		{"unknown service field", minimal + "  bogus: 1\n", false, "service.bogus",
			[]string{`unknown service field "bogus"`, "line 5, column 3", "environment"}},
		{"DevArch-owned service field", minimal + "  depends_on: [db]\n", false, "service.depends_on",
			[]string{"line 5, column 3", "consumes", "set on instances, not templates"}},
		{"instance-only service field", minimal + "  secrets: {/run/secrets/k: {source: '${secret:k}'}}\n", false, "service.secrets",
			[]string{"line 5, column 3", "set on instances, not templates"}},
		{"ports is a number", minimal + "  ports: 8080\n", false, "service.ports",
			[]string{"expected a list, found the number 8080", "line 5, column 10", `ports: ["8080:80"]`}},
		{"environment is a list", minimal + "  environment: [1, 2]\n", false, "service.environment",
			[]string{"expected a mapping, found a list", "line 5, column 16", "NAME: value"}},
		{"image is a number", minimal + "  platform: 5\n", false, "service.platform",
			[]string{"expected a string, found the number 5", "line 5, column 13", `quote it: "5"`}},
		{"list item is a number", minimal + "  ports: [8080]\n", false, "service.ports[0]",
			[]string{"expected a string, found the number 8080", "line 5, column 11", `quote it: "8080"`}},
		{"argv item is a number", minimal + "  command: [sleep, 10]\n", false, "service.command[1]",
			[]string{"found the number 10", "line 5, column 20"}},
		{"name is a number", "name: 123\ncategory: runtime\nservice: {image: x}\n", false, "name",
			[]string{"found the number 123", `quote it: "123"`}},
		{"retries is fractional", minimal + "  healthcheck: {retries: 2.5}\n", false, "service.healthcheck.retries",
			[]string{"expected a whole number", "line 5, column 26"}},
		{"environment value is null", minimal + "  environment:\n    DEBUG:\n", false, "service.environment.DEBUG",
			[]string{"missing (null)", "line 6, column 11"}},
		{"environment value is a list", minimal + "  environment: {A: [1]}\n", false, "service.environment.A",
			[]string{"expected a string, found a list", "line 5, column 20"}},
		{"command is a string", minimal + "  command: npm run dev\n", false, "service.command",
			[]string{"expected a list", "line 5, column 12", "[npm, run, dev]"}},
		{"bool field given a string", minimal + "  init: \"yes\"\n", false, "service.init",
			[]string{"expected true or false", "line 5, column 9"}},
		{"healthcheck unknown key", minimal + "  healthcheck: {test: [CMD, x], every: 5s}\n", false, "service.healthcheck.every",
			[]string{`unknown healthcheck setting "every"`, "line 5, column 33", "interval"}},
		{"healthcheck retries is text", minimal + "  healthcheck: {retries: many}\n", false, "service.healthcheck.retries",
			[]string{"expected a whole number", "line 5, column 26"}},
		{"infinite number", minimal + "  deploy: {replicas: .inf}\n", false, "service.deploy.replicas",
			[]string{"cannot be stored", "line 5, column 22"}},
		{"integer beyond float64 precision", minimal + "  ulimits: {nofile: 9007199254740993}\n", false, "service.ulimits.nofile",
			[]string{"cannot be stored", "line 5, column 21"}},
		{"alias", "name: &n app\ncategory: runtime\ndescription: *n\nservice: {image: x}\n", false, "description",
			[]string{"aliases are not supported", "line 3, column 14"}},
		{"custom tag", minimal + "  ports: !reset []\n", false, "service.ports",
			[]string{"unsupported YAML tag !reset", "line 5, column 10"}},
		{"bad name", "name: My_App\ncategory: runtime\nservice: {image: x}\n", false, "name",
			[]string{`"My_App" is not a valid name`, "line 1, column 7", "DNS label"}},
		{"name too long", "name: " + strings.Repeat("a", 64) + "\ncategory: runtime\nservice: {image: x}\n", false, "name",
			[]string{"too long", "limit is 63"}},
		{"missing name", "category: runtime\nservice: {image: x}\n", false, "name",
			[]string{"name is required", "line 1, column 1"}},
		{"missing service", "name: app\ncategory: runtime\n", false, "service", []string{"service is required"}},
		{"missing image", "name: app\ncategory: runtime\nservice:\n  command: [x]\n", false, "service.image",
			[]string{"neither image nor build", "line 4, column 3"}},
		{"unknown category", "name: app\ncategory: games\nservice: {image: x}\n", false, "category",
			[]string{`unknown category "games"`, "line 2, column 11", "database, cache"}},
		{"description too long", "description: " + strings.Repeat("x", 501) + "\n" + minimal, false, "description",
			[]string{"too long", "line 1, column 14", "limit is 500"}},
		{"version on a custom template", "version: 2\n" + minimal, false, "version",
			[]string{"only built-in templates", "line 1, column 10"}},
		{"built-in without version", minimal, true, "version", []string{"required for a built-in"}},
		{"built-in version zero", "version: 0\n" + minimal, true, "version", []string{"below 1", "line 1, column 10"}},
		{"provides is a mapping", minimal + "provides: {contract: x}\n", false, "provides",
			[]string{"expected a list of contracts", "line 5, column 11"}},
		{"bad contract name", minimal + "provides:\n  - contract: My SQL\n", false, "provides[0].contract",
			[]string{`"My SQL" is not a valid contract name`, "line 6, column 15"}},
		{"missing contract", minimal + "provides:\n  - values: {host: x}\n", false, "provides[0].contract",
			[]string{"contract is required", "line 6, column 5"}},
		{"unknown key in provides", minimal + "provides:\n  - contract: x\n    value: {}\n", false, "provides[0].value",
			[]string{`unknown key "value"`, "line 7, column 5", "contract, values"}},
		{"contract provided twice", minimal + "provides:\n  - contract: x\n  - contract: x\n", false, "provides[1].contract",
			[]string{"provided twice", "line 7, column 15"}},
		{"provided value is a list", minimal + "provides:\n  - contract: x\n    values: {host: [a]}\n", false, "provides[0].values.host",
			[]string{"expected a string", "line 7, column 20"}},
		{"unknown reference", minimal + "provides:\n  - contract: x\n    values: {host: \"${hostname}\"}\n", false, "provides[0].values.host",
			[]string{"unknown reference ${hostname}", "line 7, column 20", "${env.NAME}"}},
		{"reference to an unset variable", minimal + "provides:\n  - contract: x\n    values: {user: \"${env.USER}\"}\n", false, "provides[0].values.user",
			[]string{"does not set", "Add USER under service.environment"}},
		{"unclosed reference", minimal + "provides:\n  - contract: x\n    values: {host: \"${host\"}\n", false, "provides[0].values.host",
			[]string{"not closed"}},
		{"consumes env key invalid", minimal + "consumes:\n  - contract: x\n    env: {DB-HOST: host}\n", false, "consumes[0].env.DB-HOST",
			[]string{"not a valid environment variable name", "line 7, column 11"}},
		{"consumes env value invalid", minimal + "consumes:\n  - contract: x\n    env: {DB_HOST: \"${host}\"}\n", false, "consumes[0].env.DB_HOST",
			[]string{"not a value name", "line 7, column 20"}},
		{"consumes required not a bool", minimal + "consumes:\n  - contract: x\n    required: yes\n", false, "consumes[0].required",
			[]string{"expected true or false", "line 7, column 15"}},
		{"variable fed by two contracts", minimal + "consumes:\n  - contract: mysql\n    env: {DB_HOST: host}\n  - contract: postgres\n    env: {DB_HOST: host}\n", false, "consumes[1].env.DB_HOST",
			[]string{`already set from contract "mysql"`, "line 9, column 11"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.src), c.builtin)
			if err == nil {
				t.Fatal("Parse accepted it")
			}
			var e *model.Error
			if !errors.As(err, &e) || e.Kind != model.KindInvalid {
				t.Fatalf("error %T %v is not an invalid *model.Error", err, err)
			}
			if e.Field != c.field {
				t.Errorf("Field = %q, want %q (%v)", e.Field, c.field, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// generate: maps variables of service.environment to secret suffixes; it survives Marshal.
func TestParse_Generate(t *testing.T) {
	src := minimal + "  environment: {PW: app, ROOT_PW: root}\ngenerate: {PW: password, ROOT_PW: root_password}\n"
	got, err := Parse([]byte(src), false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"PW": "password", "ROOT_PW": "root_password"}
	if !reflect.DeepEqual(got.Generate, want) {
		t.Fatalf("Generate = %v, want %v", got.Generate, want)
	}
	out, err := Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(out, false)
	if err != nil || !reflect.DeepEqual(again, got) {
		t.Fatalf("round trip: %v\n%s", err, out)
	}
}

// FORMAT.md's first example must stay a valid template.
func TestParse_FormatExample(t *testing.T) {
	doc, err := os.ReadFile("FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```yaml\n")
	example, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatal("FORMAT.md has no ```yaml example")
	}
	if _, err := Parse([]byte(example), true); err != nil {
		t.Errorf("FORMAT.md example: %v", err)
	}
}

// One limit for every path: a document over MaxSize is refused for its size before it is
// decoded, with its size and the limit; one of exactly MaxSize is read.
func TestParse_SizeLimit(t *testing.T) {
	padded := func(size int) []byte {
		data := []byte(minimal + "#")
		return append(data, bytes.Repeat([]byte("x"), size-len(data))...)
	}
	if _, err := Parse(padded(MaxSize), false); err != nil {
		t.Fatalf("a template of exactly MaxSize: %v", err)
	}
	for _, c := range []struct {
		data []byte
		want string
	}{
		{padded(MaxSize + 1), "the template is larger than the limit of 256 KiB"},
		{padded(300 << 10), "the template is 300 KiB; the limit is 256 KiB"},
		{padded(300<<10 + 1), "the template is 301 KiB; the limit is 256 KiB"},
		{[]byte("name: [" + strings.Repeat("x", 3<<20)), "the template is 3.0 MiB; the limit is 256 KiB"},
	} {
		_, err := Parse(c.data, false)
		var e *model.Error
		if !errors.As(err, &e) || e.Kind != model.KindInvalid || e.Summary != c.want {
			t.Errorf("%d bytes: got %v, want %q", len(c.data), err, c.want)
			continue
		}
		if !strings.Contains(e.Detail, "keep large content") {
			t.Errorf("the error says nothing about what to do: %v", err)
		}
	}
	if CheckSize(MaxSize) != nil || CheckSize(MaxSize+1) == nil {
		t.Error("CheckSize does not draw the line at MaxSize")
	}
}

// A context that has ended stops ParseContext, before decoding and during it, with a
// Canceled error, valid input or not.
func TestParseContext_Canceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, data := range [][]byte{[]byte(minimal), malformed[0].build(4 << 10)} {
		if _, err := ParseContext(ctx, data, false); model.KindOf(err) != model.KindCanceled || !errors.Is(err, context.Canceled) {
			t.Errorf("canceled context: got %v", err)
		}
	}

	// A deadline that passes while a large malformed template is decoded or its error
	// located: the parse stops with the deadline's error, well before it would finish.
	data := malformed[0].build(MaxSize - 64)
	ctx, cancel = context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := ParseContext(ctx, data, false)
	if model.KindOf(err) != model.KindCanceled || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: got %v after %v", err, time.Since(start))
	}
}

// countdown is a context whose Err turns to Canceled after n calls: a real context
// cannot be made to end at a chosen point of a computation, and this one lets the test
// end it at every point where the syntax-error search looks.
type countdown struct {
	context.Context
	n, calls int
}

func (c *countdown) Err() error {
	c.calls++
	if c.calls > c.n {
		return context.Canceled
	}
	return nil
}

// The syntax-error search looks at its context between questions and while yaml.v3 reads:
// ended at any of those points, it stops with the context's error, never with a wrong
// position.
func TestLocate_StopsWhenCanceled(t *testing.T) {
	for _, c := range malformed {
		data := c.build(64 << 10)
		read := readOf(data)
		wl, wc, ok, err := locateSyntaxError(context.Background(), data, read)
		if !ok || err != nil {
			t.Fatalf("%s: not located: %v", c.name, err)
		}
		full := &countdown{Context: context.Background(), n: 1 << 30}
		locateSyntaxError(full, data, read)
		if full.calls < 2 {
			t.Fatalf("%s: the search looked at its context %d times", c.name, full.calls)
		}
		for n := 0; n < full.calls; n++ {
			gl, gc, ok, err := locateSyntaxError(&countdown{Context: context.Background(), n: n}, data, read)
			if !errors.Is(err, context.Canceled) && !(ok && gl == wl && gc == wc) {
				t.Fatalf("%s: canceled at look %d of %d: %d:%d %v %v", c.name, n, full.calls, gl, gc, ok, err)
			}
		}
		if _, _, _, err := locateSyntaxError(&countdown{Context: context.Background()}, data, read); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: canceled before it starts: %v", c.name, err)
		}
	}
}
