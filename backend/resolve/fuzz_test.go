package resolve

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/compose/composetest"
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

// fullyChecked are the fields whose every value a write accepts (ResolveAll, then
// compose.CheckService, as the engine runs them) is one compose-go loads: types, value
// rules and compose's own checks leave nothing for compose to refuse. The others (deploy,
// ulimits, logging options, build args, volumes, expose, extra_hosts, shm_size, ...) pass
// structure DevArch does not model to compose, which judges it at apply.
var fullyChecked = map[string]bool{
	"image": true, "command": true, "entrypoint": true, "environment": true, "labels": true, "ports": true,
	"restart": true, "pull_policy": true, "healthcheck": true, "stop_grace_period": true, "user": true,
	"hostname": true, "working_dir": true, "stop_signal": true, "init": true, "privileged": true,
	"read_only": true, "tty": true, "stdin_open": true, "logging": true, "build": true,
}

// judgedValues are the fields whose values the value rules judge: holding a secret
// reference, their value is only known at apply (rules.go), so compose-go, given any value
// for the secret, may refuse it.
var judgedValues = map[string]bool{"restart": true, "pull_policy": true, "stop_grace_period": true, "healthcheck": true, "ports": true}

func holdsSecretRef(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, secretRef)
	case []any:
		for _, item := range x {
			if holdsSecretRef(item) {
				return true
			}
		}
	case map[string]any:
		for _, item := range x {
			if holdsSecretRef(item) {
				return true
			}
		}
	}
	return false
}

// checkWrite runs on a delta every check a write of it runs (resolve.ResolveAll and
// compose.CheckService, as engine.checkInstance does). When they pass: resolution and
// generation cannot fail, and when the effective service holds only fullyChecked fields,
// compose-go loads the generated file (schema, interpolation, consistency), with every
// secret the file references given a value. It reports whether compose-go loaded the file.
func checkWrite(t *testing.T, what string, tmpl model.Template, o model.Spec) (loaded bool) {
	t.Helper()
	es, problems := ResolveAll(tmpl, model.Instance{Name: "app", Template: tmpl.Name, Overrides: o})
	if problems != nil {
		for _, p := range problems {
			requireInvalid(t, what+": ResolveAll", p)
		}
		return false
	}
	if problems := compose.CheckService(es); problems != nil {
		for _, p := range problems {
			requireInvalid(t, what+": CheckService", p)
		}
		return false
	}
	st := model.EffectiveStack{Name: "fz", Services: []model.EffectiveService{es}}
	doc, err := compose.Generate(st)
	if err != nil {
		t.Fatalf("%s: every write check passed, but Generate refuses: %v", what, err)
	}
	for f, v := range es.Spec {
		if !fullyChecked[f] || (judgedValues[f] && holdsSecretRef(v)) {
			return false
		}
	}
	env := map[string]string{}
	for _, name := range compose.SecretRefs(st) {
		env[compose.SecretEnvVar(name)] = "s"
	}
	if _, err := composetest.LoadComposeGo(doc, env); err != nil {
		t.Fatalf("%s: every write check passed, but %v\n--- delta %#v\n--- file\n%s", what, err, o, doc)
	}
	return true
}

// TestResolve_CheckWrite keeps checkWrite honest: deltas the checks accept reach compose-go
// (so the fuzz targets' property is not vacuous), and the values of review finding 7 are
// refused before they get there.
func TestResolve_CheckWrite(t *testing.T) {
	for _, o := range []model.Spec{
		{},
		{"restart": "on-failure:3", "pull_policy": "every_12h", "ports": []any{"[::1]:8080:80/udp", "9000-9001:80-81", "80"}},
		{"healthcheck": map[string]any{"test": "exit 0", "interval": "1ms", "retries": 0.0}, "stop_grace_period": "90s"},
		{"logging": map[string]any{"driver": "local", "options": map[string]any{"max-size": "10m", "max-file": 3.0}}},
		{"environment": map[string]any{"DB": "${secret:db}"}, "labels": map[string]any{"team": "$x"}, "image": "nginx"},
		{"build": map[string]any{"context": ".", "args": map[string]any{"V": "1"}}, "image": nil, "pull_policy": "build"},
	} {
		if !checkWrite(t, fmt.Sprintf("%v", o), fuzzTemplate, o) {
			t.Errorf("%v did not reach compose-go", o)
		}
	}
	for _, o := range []model.Spec{
		{"image": ""}, {"ports": []any{"abc"}}, {"ports": []any{"99999:80"}}, {"labels": map[string]any{"dev.devarch.x": "1"}},
		{"restart": "sometimes"}, {"healthcheck": map[string]any{"retries": 5.0}}, {"logging": map[string]any{"options": 0.0}},
		{"build": map[string]any{"args": map[string]any{"A": 1.0}}},
	} {
		if checkWrite(t, fmt.Sprintf("%v", o), fuzzTemplate, o) {
			t.Errorf("%v reached compose-go", o)
		}
	}
}

// FuzzSetPath: `--set PATH=VALUE` and `--unset PATH` on any path and value either refuse
// with an invalid-input error or return a valid, canonical delta, without touching their
// input; setting the same thing twice changes nothing the second time. With the template
// (SetPathFrom, UnsetPathFrom, Edit): unsetting what was just set on a delta that did not
// override its field gives that delta back (--unset goes back to the template's value),
// Edit agrees with SetPathFrom, a set and an unset of the same path in one command are
// refused, and a delta every write check accepts generates a file compose-go loads
// (checkWrite).
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
		// value rules and compose's checks
		{"image", " "}, {"ports", `["abc"]`}, {"ports", `["99999:80"]`}, {"ports", `["0:80", "8080:80/udp", "[::1]:80:80", "8000-8001:80-81"]`},
		{"ports", `["1.2.3.4:80:80", "80-", "80:80/icmp"]`}, {"labels.dev.devarch.x", "1"}, {"labels.com.docker.compose.project", "p"},
		{"restart", "sometimes"}, {"restart", "on-failure:3"}, {"restart", "on-failure:-1"}, {"restart", "always:3"}, {"restart", "no"},
		{"pull_policy", "every_12h"}, {"pull_policy", "every_"}, {"pull_policy", "refresh"}, {"pull_policy", "if_not_present"},
		{"stop_grace_period", "1m30s"}, {"stop_grace_period", "1d"}, {"stop_grace_period", "-1s"},
		{"healthcheck", "{interval: 5s}"}, {"healthcheck", "{disable: true}"}, {"healthcheck", "{test: [curl, x]}"}, {"healthcheck", "{test: []}"},
		{"healthcheck", "{test: [CMD]}"}, {"healthcheck", "{test: '  '}"}, {"healthcheck", "{test: [NONE]}"}, {"healthcheck", "{test: [CMD, 1]}"},
		{"healthcheck.interval", "5 seconds"}, {"healthcheck.interval", "1ns"}, {"healthcheck.interval", "0"}, {"healthcheck.retries", "-1"},
		{"healthcheck.test", "exit 0"}, {"healthcheck.start_interval", "1ms"}, {"environment.S", "${secret:db}"}, {"command", "[${secret:a b}]"},
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
			checkWrite(t, what, fuzzTemplate, got)
			again, err := SetPath(got, path, raw)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("%s twice: %v\n once  %#v\n twice %#v", what, err, got, again)
			}
			if which&4 != 0 {
				checkUnsetRestores(t, what, bases[int(which)%len(bases)], got, path)
			}
			base = got
		}
		if which&4 != 0 && !strings.Contains(path, "=") { // Edit reads PATH up to the first '='
			checkEdit(t, bases[int(which)%len(bases)], path, raw, got, err)
		}
		unset, err := UnsetPath(base, path)
		if err != nil {
			requireInvalid(t, fmt.Sprintf("UnsetPath(%q)", path), err)
		} else {
			checkEdited(t, fmt.Sprintf("UnsetPath(%q)", path), unset)
		}
		unset, err = UnsetPathFrom(fuzzTemplate.Service, base, path)
		if err != nil {
			requireInvalid(t, fmt.Sprintf("UnsetPathFrom(%q)", path), err)
			return
		}
		checkEdited(t, fmt.Sprintf("UnsetPathFrom(%q)", path), unset)
		checkWrite(t, fmt.Sprintf("UnsetPathFrom(%q)", path), fuzzTemplate, unset)
	})
}

// checkUnsetRestores: when base did not override PATH's field, unsetting PATH right after
// setting it (SetPathFrom gave set) gives base back: --unset goes back to the template.
func checkUnsetRestores(t *testing.T, what string, base, set model.Spec, path string) {
	t.Helper()
	name, _, _ := strings.Cut(path, ".")
	if _, overridden := base[name]; overridden {
		return
	}
	back, err := UnsetPathFrom(fuzzTemplate.Service, set, path)
	if err != nil {
		t.Fatalf("%s, then UnsetPathFrom(%q): %v", what, path, err)
	}
	want := normalizeSpec(base)
	if want == nil {
		want = model.Spec{}
	}
	if !reflect.DeepEqual(back, want) {
		t.Fatalf("%s, then UnsetPathFrom(%q) does not go back:\n base %#v\n set  %#v\n back %#v", what, path, base, set, back)
	}
}

// checkEdit: Edit of one set agrees with SetPathFrom (got, err); with an unset of the same
// path too it is refused as a whole.
func checkEdit(t *testing.T, base model.Spec, path, raw string, got model.Spec, err error) {
	t.Helper()
	kv := path + "=" + raw
	edited, problems, cerr := Edit(fuzzTemplate.Service, base, []string{kv}, nil)
	if cerr != nil {
		t.Fatalf("Edit(%q) reports a conflict: %v", kv, cerr)
	}
	if problems == nil {
		if verr := ValidateOverrides(edited); verr != nil {
			problems = []*model.Error{model.AsError(verr)}
		}
	}
	switch {
	case (err == nil) != (problems == nil):
		t.Fatalf("Edit(%q) and SetPathFrom disagree: %v / %v", kv, problems, err)
	case err == nil && !reflect.DeepEqual(normalizeSpec(edited), got):
		t.Fatalf("Edit(%q) = %#v, SetPathFrom = %#v", kv, edited, got)
	}
	for _, p := range problems {
		requireInvalid(t, fmt.Sprintf("Edit(%q)", kv), p)
	}
	if path != "" {
		edited, problems, cerr = Edit(fuzzTemplate.Service, base, []string{kv}, []string{path})
		if cerr == nil || edited != nil || problems != nil {
			t.Fatalf("Edit(%q, --unset %q) was not refused as a conflict: %v", kv, path, cerr)
		}
		requireInvalid(t, "Edit conflict", cerr)
	}
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
		"image: ''\nports: [abc, '99999:80']\nlabels: {dev.devarch.x: 1}\nrestart: sometimes\n",
		"restart: on-failure:2\npull_policy: every_1w2d\nstop_grace_period: 90s\nports: ['[::1]:8080:80/udp', '9000-9001:80-81']\n",
		"healthcheck: {interval: 5s, retries: -1}\n", "healthcheck: {test: [CMD-SHELL, 'exit 0'], timeout: 10us}\n", "healthcheck: null\n",
		"environment: {DB: '${secret:db}', X: '${secret:a b}'}\ncommand: [sh, -c, 'echo $$HOME']\n",
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
		checkWrite(t, "ParseOverridesYAML", fuzzTemplate, got)
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
