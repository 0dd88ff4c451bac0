package resolve

import (
	"reflect"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

// TestResolve_ParseOverridesYAML: the editor's overrides document follows the templates'
// YAML rules, keeps keyed-map values as written, and stores numbers only when exact.
func TestResolve_ParseOverridesYAML(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		want      model.Spec
		wantField string
		wantIn    []string
	}{
		{name: "empty document", text: "", want: model.Spec{}},
		{name: "comment only", text: "# nothing\n", want: model.Spec{}},
		{name: "null document", text: "~\n", want: model.Spec{}},
		{name: "empty mapping", text: "{}\n", want: model.Spec{}},
		{name: "a field of each kind", text: "image: nginx:1.27\ninit: true\ncommand: [php, artisan]\nenvironment:\n  APP_ENV: local\nports: ['8080:80']\nhealthcheck: {retries: 3, test: [CMD, 'true']}\nuser: null\n",
			want: model.Spec{"image": "nginx:1.27", "init": true, "command": []any{"php", "artisan"}, "environment": map[string]any{"APP_ENV": "local"},
				"ports": []any{"8080:80"}, "healthcheck": map[string]any{"retries": 3.0, "test": []any{"CMD", "true"}}, "user": nil}},
		{name: "keyed-map values keep their text", text: "environment: {PORT: 3306, V: 1.10, HEX: 0x1F, ON: yes, T: true, BIG: 99999999999999999999, INF: .inf, TS: 2001-1-1 1:00:00, GONE: null, Q: 'null'}\n",
			want: model.Spec{"environment": map[string]any{"PORT": "3306", "V": "1.10", "HEX": "0x1F", "ON": "yes", "T": "true", "BIG": "99999999999999999999",
				"INF": ".inf", "TS": "2001-1-1 1:00:00", "GONE": nil, "Q": "null"}}},
		{name: "timestamps are strings", text: "image: 2001-01-01\nworking_dir: 2001-1-1T1:00:00Z\n", want: model.Spec{"image": "2001-01-01", "working_dir": "2001-1-1T1:00:00Z"}},
		{name: "integers up to 2^53", text: "deploy: {a: 9007199254740992, b: -9007199254740992, c: 0x10, d: 1_000, e: 2.5}\n",
			want: model.Spec{"deploy": map[string]any{"a": 9007199254740992.0, "b": -9007199254740992.0, "c": 16.0, "d": 1000.0, "e": 2.5}}},
		{name: "quoted big number is text", text: "deploy: {a: '99999999999999999999'}\n", want: model.Spec{"deploy": map[string]any{"a": "99999999999999999999"}}},

		{name: "integer beyond 2^53", text: "deploy: {a: 9007199254740993}\n",
			wantField: "deploy.a", wantIn: []string{"the integer 9007199254740993 is too large to store exactly", "line 1, column 13", "Quote the value"}},
		{name: "integer beyond uint64 is not rounded", text: "ulimits:\n  nofile: 99999999999999999999\n",
			wantField: "ulimits.nofile", wantIn: []string{"99999999999999999999 is too large", "line 2, column 11"}},
		{name: "integer retries beyond 2^53", text: "healthcheck: {retries: 18446744073709551615}\n",
			wantField: "healthcheck.retries", wantIn: []string{"too large"}},
		{name: ".inf", text: "deploy: {a: .inf}\n", wantField: "deploy.a", wantIn: []string{"the number .inf is not finite", "Infinity and NaN"}},
		{name: "-.Inf in a list", text: "healthcheck: {test: [CMD, -.Inf]}\n", wantField: "healthcheck.test[1]", wantIn: []string{"not finite"}},
		{name: ".nan", text: "ulimits: {nofile: .NaN}\n", wantField: "ulimits.nofile", wantIn: []string{"not finite"}},

		{name: "merge key in an object", text: "deploy:\n  <<: {resources: {}}\n", wantField: "deploy", wantIn: []string{"YAML merge keys (<<) are not supported", "line 2, column 3"}},
		{name: "merge key at the top", text: "<<: {image: x}\n", wantField: "overrides", wantIn: []string{"merge keys"}},
		{name: "merge key in a keyed map", text: "environment:\n  <<: {A: x}\n", wantField: "environment", wantIn: []string{"merge keys"}},
		{name: "quoted << is a key", text: "labels: {'<<': x}\n", want: model.Spec{"labels": map[string]any{"<<": "x"}}},
		{name: "alias", text: "image: &i nginx\nhostname: *i\n", wantField: "hostname", wantIn: []string{"YAML aliases are not supported", "*i"}},
		{name: "alias as a key", text: "image: &k a\nlabels: {*k : x}\n", wantField: "labels", wantIn: []string{"aliases"}},
		{name: "custom tag", text: "image: !reset nginx\n", wantField: "image", wantIn: []string{"unsupported YAML tag !reset"}},
		{name: "duplicate field", text: "image: a\nimage: b\n", wantField: "image", wantIn: []string{"is set twice", "first set at line 1"}},
		{name: "duplicate map key", text: "environment:\n  A: 1\n  A: 2\n", wantField: "environment.A", wantIn: []string{"is set twice"}},
		{name: "empty key", text: "environment: {'': x}\n", wantField: "environment", wantIn: []string{"has an empty key"}},
		{name: "null key", text: "deploy: {~: x}\n", wantField: "deploy", wantIn: []string{"has an empty key"}},
		{name: "list as a key", text: "deploy: {[a]: x}\n", wantField: "deploy", wantIn: []string{"key that is not a name"}},
		{name: "not a mapping", text: "- image\n", wantField: "overrides", wantIn: []string{"must be a mapping of fields", "line 1, column 1"}},
		{name: "syntax error", text: "image: [\n", wantField: "overrides", wantIn: []string{"not valid YAML", "yaml: line"}},
		{name: "two documents", text: "image: a\n---\nimage: b\n", wantField: "overrides", wantIn: []string{"more than one YAML document"}},

		{name: "validation: control character from an escape", text: "environment: {X: \"a\\x7fb\"}\n", wantField: "environment.X", wantIn: []string{"U+007F"}},
		{name: "validation: NEL escape", text: "command: [\"a\\Nb\"]\n", wantField: "command[0]", wantIn: []string{"U+0085"}},
		{name: "validation: type rules", text: "image: 5\n", wantField: "image", wantIn: []string{"must be a string", `"5"`}},
		{name: "validation: list items are not text", text: "command: [sleep, 10]\n", wantField: "command[1]", wantIn: []string{"must be a string"}},
		{name: "validation: unknown field", text: "imgae: x\n", wantField: "imgae", wantIn: []string{`Did you mean "image"?`}},
		{name: "validation: x- key", text: "labels: {x-team: web}\n", wantField: "labels", wantIn: []string{"starts with x-"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseOverridesYAML(tc.text)
			if tc.wantField != "" {
				checkInvalid(t, err, tc.wantField, tc.wantIn...)
				return
			}
			if err != nil {
				t.Fatalf("ParseOverridesYAML: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// TestResolve_SetPathYAMLRules: the YAML values of --set follow the same rules.
func TestResolve_SetPathYAMLRules(t *testing.T) {
	tests := []struct {
		path, raw string
		want      model.Spec
		wantField string
		wantIn    []string
	}{
		{path: "deploy", raw: "{a: 99999999999999999999}", wantField: "deploy.a", wantIn: []string{"too large"}},
		{path: "deploy", raw: "{a: .inf}", wantField: "deploy.a", wantIn: []string{"not finite"}},
		{path: "deploy", raw: "{<<: {a: 1}}", wantField: "deploy", wantIn: []string{"merge keys"}},
		{path: "deploy", raw: "{a: &x 1, b: *x}", wantField: "deploy.b", wantIn: []string{"aliases"}},
		{path: "deploy", raw: "!custom {a: 1}", wantField: "deploy", wantIn: []string{"unsupported YAML tag"}},
		{path: "command", raw: "[a, *x]", wantField: "command", wantIn: []string{"not valid YAML"}}, // an undefined alias is a syntax error
		{path: "environment", raw: "{BIG: 99999999999999999999, V: 1.10}", want: model.Spec{"environment": map[string]any{"BIG": "99999999999999999999", "V": "1.10"}}},
		{path: "environment.BIG", raw: "99999999999999999999", want: model.Spec{"environment": map[string]any{"BIG": "99999999999999999999"}}},
		{path: "environment.X", raw: "a\x7fb", wantField: "environment.X", wantIn: []string{"U+007F"}},
		{path: "environment.X", raw: `"a\u0085b"`, wantField: "environment.X", wantIn: []string{"U+0085"}},
		{path: "environment.X", raw: "tab\there", want: model.Spec{"environment": map[string]any{"X": "tab\there"}}},
		{path: "environment.A B", raw: "x", wantField: "environment", wantIn: []string{`key "A B" is not a valid name`}},
		{path: "labels.x-team", raw: "x", wantField: "labels", wantIn: []string{"starts with x-"}},
		{path: "command", raw: "# only a comment", wantField: "command", wantIn: []string{"has no value"}},
	}
	for _, tc := range tests {
		t.Run(tc.path+"="+tc.raw, func(t *testing.T) {
			got, err := SetPath(model.Spec{"deploy": map[string]any{}}, tc.path, tc.raw)
			if tc.wantField != "" {
				checkInvalid(t, err, tc.wantField, tc.wantIn...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			delete(got, "deploy")
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}
