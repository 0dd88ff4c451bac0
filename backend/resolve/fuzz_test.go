package resolve

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/model"
)

// requireInvalid checks a refusal: a KindInvalid *model.Error with a summary and a detail
// (what to do). Paths may be empty only for a missing path.
func requireInvalid(t *testing.T, what string, err error) {
	t.Helper()
	var e *model.Error
	if !errors.As(err, &e) || e.Kind != model.KindInvalid || e.Summary == "" || e.Detail == "" {
		t.Fatalf("%s: not an invalid-input error with a summary and a detail: %#v", what, err)
	}
}

// fuzzBases are the deltas FuzzSetPath edits: none, one overriding each kind of field, one
// removing fields, and one holding a stale field this version does not know.
func fuzzBases() []model.Spec {
	return []model.Spec{
		nil,
		{"image": "nginx:1.27", "environment": map[string]any{"A": "1"}, "healthcheck": map[string]any{"test": []any{"CMD", "true"}, "retries": 3.0},
			"command": []any{"a"}, "deploy": map[string]any{"resources": map[string]any{}}},
		{"environment": nil, "healthcheck": nil, "labels": map[string]any{"gone": nil}},
	}
}

var fuzzTemplate = model.Template{Name: "t", Service: model.Spec{
	"image": "mysql:8.4", "environment": map[string]any{"T": "t", "U": "u"}, "labels": map[string]any{"l": "v"},
	"healthcheck": map[string]any{"test": []any{"CMD", "true"}, "interval": "5s"}, "logging": map[string]any{"driver": "json-file"},
}}

// checkEdited checks a delta SetPath, SetPathFrom or UnsetPath returned: valid, canonical,
// and accepted by Resolve with the template.
func checkEdited(t *testing.T, what string, got model.Spec) {
	t.Helper()
	if err := ValidateOverrides(got); err != nil {
		t.Fatalf("%s returned a delta that does not validate: %v\n%#v", what, err, got)
	}
	if norm := normalizeSpec(got); !reflect.DeepEqual(norm, got) {
		t.Fatalf("%s returned a delta that is not canonical:\n got  %#v\n norm %#v", what, got, norm)
	}
	if _, err := Resolve(fuzzTemplate, model.Instance{Name: "i", Template: "t", Overrides: got}); err != nil {
		t.Fatalf("%s returned a delta Resolve refuses: %v", what, err)
	}
}

// FuzzSetPath: `--set PATH=VALUE` and `--unset PATH` on any path and value either refuse
// with an invalid-input error or return a valid, canonical delta, without touching their
// input; setting the same thing twice changes nothing the second time.
func FuzzSetPath(f *testing.F) {
	for _, seed := range [][2]string{
		{"image", "nginx:1.27"}, {"image", "null"}, {"image", `"null"`}, {"image", `'it''s'`}, {"image", `"a\tb"`}, {"image", ""},
		{"init", "true"}, {"init", "yes"}, {"init", ""},
		{"ports", `["8080:80"]`}, {"ports", "8080"}, {"ports", "[8080, 443]"}, {"command", "[sleep, 10, true, 0755]"}, {"command", "- a\n- b"},
		{"command", `[a, b]]`}, {"command", "[a]\n---\n[b]"}, {"command", "# c"}, {"command", "[a, *x]"},
		{"environment", "{A: 1, MODE: 0755, B: null, C: 'null'}"}, {"environment", "{A: 1, A: 2}"}, {"environment", "[1, 2]"},
		{"environment", "{<<: {A: 1}}"}, {"environment", "{BIG: 99999999999999999999}"},
		{"environment.APP_ENV", "local"}, {"environment.X", "null"}, {"environment.X", "a\x7fb"}, {"environment.x-a", "1"}, {"environment.A B", "1"},
		{"labels.com.example.team", "web"}, {"labels.", "x"}, {"environment.", "1"},
		{"healthcheck", "{test: [CMD, \"true\"], retries: 3}"}, {"healthcheck.retries", "5"}, {"healthcheck.retries", "null"}, {"healthcheck.retries", "x"},
		{"healthcheck.retries", "99999999999999999999"}, {"healthcheck.interval", ""}, {"healthcheck.bogus", "1"}, {"healthcheck.test", "[CMD-SHELL, 'pg_isready']"},
		{"deploy", "{resources: {limits: {memory: 512m}}}"}, {"deploy", "{a: .inf}"}, {"deploy", "{a: &x 1, b: *x}"}, {"deploy", "!reset {}"},
		{"deploy.resources", "{limits: {cpus: 0.5}}"}, {"ulimits", "{nofile: 9007199254740993}"}, {"logging.options", "{max-size: 10m}"},
		{"image.x", "1"}, {"ports.0", "1"}, {"nope", "1"}, {"envirnment.A", "1"}, {"", "1"}, {"container_name", "x"}, {"depends_on", "[db]"},
	} {
		f.Add(seed[0], seed[1], uint8(0))
		f.Add(seed[0], seed[1], uint8(1))
		f.Add(seed[0], seed[1], uint8(5))
	}
	f.Fuzz(func(t *testing.T, path, raw string, which uint8) {
		bases := fuzzBases()
		base := bases[int(which)%len(bases)]
		before := fmt.Sprintf("%#v", base)
		var got model.Spec
		var err error
		what := fmt.Sprintf("SetPath(%q, %q)", path, raw)
		if which&4 != 0 {
			what = "SetPathFrom" + what[len("SetPath"):]
			got, err = SetPathFrom(fuzzTemplate.Service, base, path, raw)
		} else {
			got, err = SetPath(base, path, raw)
		}
		if after := fmt.Sprintf("%#v", base); after != before {
			t.Fatalf("%s changed its input:\n before %s\n after  %s", what, before, after)
		}
		if err != nil {
			requireInvalid(t, what, err)
		} else {
			checkEdited(t, what, got)
			again, err := SetPath(got, path, raw)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("%s twice: %v\n once  %#v\n twice %#v", what, err, got, again)
			}
			base = got
		}
		unset, err := UnsetPath(base, path)
		if err != nil {
			requireInvalid(t, fmt.Sprintf("UnsetPath(%q)", path), err)
			return
		}
		checkEdited(t, fmt.Sprintf("UnsetPath(%q)", path), unset)
	})
}

// FuzzLiteral: a value the CLI user quotes (double quotes with YAML escapes, or single
// quotes) reads back as exactly the text quoted; anything else is taken as typed.
func FuzzLiteral(f *testing.F) {
	for _, s := range []string{"", "null", "it's", "a\tb", "multi\nline", "\nleading", " x ", `"q"`, `\`, "é🚀", "\u2028", "${HOME}", "#x", "a: b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := literal(s); got != s && !(len(s) >= 2 && (s[0] == '"' || s[0] == '\'')) {
			t.Fatalf("literal(%q) = %q: only quoted text is unquoted", s, got)
		}
		if !utf8.ValidString(s) {
			return
		}
		for _, style := range []yaml.Style{yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle} {
			if style == yaml.SingleQuotedStyle && strings.ContainsAny(s, "\n\r\u0085\u2028\u2029") {
				continue // single quotes fold line breaks
			}
			out, err := yaml.Marshal(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: style, Value: s})
			if err != nil {
				t.Fatal(err)
			}
			quoted := strings.TrimSuffix(string(out), "\n")
			if got := literal(quoted); got != s {
				t.Fatalf("literal(%s) = %q, want %q", quoted, got, s)
			}
		}
	})
}

// FuzzParseOverridesYAML: any text given as the overrides document either is refused with
// an invalid-input error naming where, or gives a valid, canonical delta; and the delta
// rendered for the editor (FormatOverridesYAML) reads back the same.
func FuzzParseOverridesYAML(f *testing.F) {
	for _, s := range []string{
		"", "{}", "~", "- x", "image: [", "image: a\n---\nimage: b\n",
		"image: nginx:1.27\ninit: true\ncommand: [php, artisan]\nenvironment:\n  APP_ENV: local\nports: ['8080:80']\nuser: null\n",
		"environment: {PORT: 3306, V: 1.10, BIG: 99999999999999999999, INF: .inf, TS: 2001-1-1 1:00:00, GONE: null}\n",
		"deploy: {a: 9007199254740993}\n", "deploy: {a: .inf}\n", "deploy:\n  <<: {resources: {}}\n", "image: &i nginx\nhostname: *i\n",
		"image: !reset nginx\n", "image: a\nimage: b\n", "environment: {'': x}\n", "deploy: {[a]: x}\n",
		"environment: {X: \"a\\x7fb\"}\n", "labels: {x-team: web}\n", "healthcheck: {test: [CMD-SHELL, \"pg_isready\\n\"], retries: 3}\n",
		"environment:\n  PEM: |\n    -----BEGIN-----\n    abc\n", "environment: {A: \"\\nleading\", B: \"trailing \\n\", C: \" \"}\n",
		"ulimits: {nofile: {soft: 1024, hard: 2048}}\nlogging: {driver: json-file, options: {max-size: 10m}}\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, err := ParseOverridesYAML(text)
		if err != nil {
			requireInvalid(t, "ParseOverridesYAML", err)
			var e *model.Error
			if errors.As(err, &e) && e.Field == "" {
				t.Fatalf("error names no field: %v", err)
			}
			return
		}
		if err := ValidateOverrides(got); err != nil {
			t.Fatalf("accepted a delta that does not validate: %v", err)
		}
		if norm := normalizeSpec(got); !reflect.DeepEqual(norm, got) {
			t.Fatalf("not canonical:\n got  %#v\n norm %#v", got, norm)
		}
		rendered, err := FormatOverridesYAML(got)
		if err != nil {
			t.Fatalf("rendering for the editor: %v", err)
		}
		back, err := ParseOverridesYAML(rendered)
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Fatalf("the editor's rendering does not read back (%v):\n got  %#v\n back %#v\n--- rendered\n%s", err, got, back, rendered)
		}
	})
}
