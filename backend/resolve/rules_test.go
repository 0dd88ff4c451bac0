package resolve

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

// TestResolve_ValueRules: one case per value rule (rules.go), accepted and refused, for
// overrides and templates alike.
func TestResolve_ValueRules(t *testing.T) {
	hc := func(kv ...any) model.Spec {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return model.Spec{"healthcheck": m}
	}
	tests := []struct {
		name      string
		spec      model.Spec
		wantField string // "" = valid
		wantIn    []string
	}{
		// restart
		{name: "restart no", spec: model.Spec{"restart": "no"}},
		{name: "restart always", spec: model.Spec{"restart": "always"}},
		{name: "restart unless-stopped", spec: model.Spec{"restart": "unless-stopped"}},
		{name: "restart on-failure", spec: model.Spec{"restart": "on-failure"}},
		{name: "restart on-failure:5", spec: model.Spec{"restart": "on-failure:5"}},
		{name: "restart on-failure:0", spec: model.Spec{"restart": "on-failure:0"}},
		{name: "restart unknown word", spec: model.Spec{"restart": "sometimes"},
			wantField: "restart", wantIn: []string{`"sometimes" is not a restart policy`, "no, always, on-failure, on-failure:N", "unless-stopped"}},
		{name: "restart misspelled", spec: model.Spec{"restart": "unless_stopped"},
			wantField: "restart", wantIn: []string{`Did you mean "unless-stopped"?`}},
		{name: "restart swarm word", spec: model.Spec{"restart": "none"},
			wantField: "restart", wantIn: []string{`Did you mean "no"?`}},
		{name: "restart empty", spec: model.Spec{"restart": ""},
			wantField: "restart", wantIn: []string{`"" is not a restart policy`}},
		{name: "restart count on another policy", spec: model.Spec{"restart": "always:3"},
			wantField: "restart", wantIn: []string{"Only on-failure takes a count"}},
		{name: "restart count not a number", spec: model.Spec{"restart": "on-failure:x"},
			wantField: "restart", wantIn: []string{"does not give a number of restarts", "on-failure:5"}},
		{name: "restart count negative", spec: model.Spec{"restart": "on-failure:-1"},
			wantField: "restart", wantIn: []string{"does not give a number of restarts"}},
		{name: "restart count signed", spec: model.Spec{"restart": "on-failure:+1"},
			wantField: "restart", wantIn: []string{"does not give a number of restarts"}},
		{name: "restart count huge", spec: model.Spec{"restart": "on-failure:99999999999"},
			wantField: "restart", wantIn: []string{"does not give a number of restarts"}},
		{name: "restart of the wrong type is a type error only", spec: model.Spec{"restart": true},
			wantField: "restart", wantIn: []string{"must be a string"}},

		// pull_policy
		{name: "pull always", spec: model.Spec{"pull_policy": "always"}},
		{name: "pull never", spec: model.Spec{"pull_policy": "never"}},
		{name: "pull missing", spec: model.Spec{"pull_policy": "missing"}},
		{name: "pull build", spec: model.Spec{"pull_policy": "build", "build": map[string]any{"context": "."}}},
		{name: "pull if_not_present", spec: model.Spec{"pull_policy": "if_not_present"}},
		{name: "pull daily", spec: model.Spec{"pull_policy": "daily"}},
		{name: "pull weekly", spec: model.Spec{"pull_policy": "weekly"}},
		{name: "pull every 12h", spec: model.Spec{"pull_policy": "every_12h"}},
		{name: "pull every 1w2d", spec: model.Spec{"pull_policy": "every_1w2d"}},
		{name: "pull unknown", spec: model.Spec{"pull_policy": "sometimes"},
			wantField: "pull_policy", wantIn: []string{`"sometimes" is not a pull policy`, "every_<duration>"}},
		{name: "pull misspelled", spec: model.Spec{"pull_policy": "allways"},
			wantField: "pull_policy", wantIn: []string{`Did you mean "always"?`}},
		{name: "pull refresh is not promised", spec: model.Spec{"pull_policy": "refresh"},
			wantField: "pull_policy"},
		{name: "pull every bad unit", spec: model.Spec{"pull_policy": "every_12y"},
			wantField: "pull_policy", wantIn: []string{"a unit w, d, h, m or s"}},
		{name: "pull unanchored match", spec: model.Spec{"pull_policy": "not always"},
			wantField: "pull_policy"},

		// durations
		{name: "stop_grace_period", spec: model.Spec{"stop_grace_period": "1m30s"}},
		{name: "stop_grace_period zero", spec: model.Spec{"stop_grace_period": "0"}},
		{name: "stop_grace_period words", spec: model.Spec{"stop_grace_period": "ten seconds"},
			wantField: "stop_grace_period", wantIn: []string{`"ten seconds" is not a duration`, "10s, 1m30s or 500ms"}},
		{name: "stop_grace_period days", spec: model.Spec{"stop_grace_period": "1d"},
			wantField: "stop_grace_period", wantIn: []string{"days and weeks are written in hours (24h, 168h)"}},
		{name: "stop_grace_period negative", spec: model.Spec{"stop_grace_period": "-5s"},
			wantField: "stop_grace_period", wantIn: []string{"is negative"}},
		{name: "healthcheck durations", spec: hc("test", "true", "interval", "5s", "timeout", "500ms", "start_period", "0s", "start_interval", "1ms")},
		{name: "healthcheck interval without unit", spec: hc("test", "true", "interval", "5"),
			wantField: "healthcheck.interval", wantIn: []string{`"5" is not a duration`}},
		{name: "healthcheck timeout under 1ms", spec: hc("test", "true", "timeout", "10us"),
			wantField: "healthcheck.timeout", wantIn: []string{"shorter than 1ms", "0s for the engine's default"}},
		{name: "healthcheck start_period negative", spec: hc("test", "true", "start_period", "-1s"),
			wantField: "healthcheck.start_period", wantIn: []string{"is negative"}},

		// healthcheck
		{name: "healthcheck CMD", spec: hc("test", []any{"CMD", "curl", "-f", "http://localhost/"})},
		{name: "healthcheck CMD-SHELL", spec: hc("test", []any{"CMD-SHELL", "pg_isready"})},
		{name: "healthcheck NONE", spec: hc("test", []any{"NONE"})},
		{name: "healthcheck string", spec: hc("test", "curl -f localhost")},
		{name: "healthcheck disabled without test", spec: hc("disable", true)},
		{name: "healthcheck without test", spec: hc("interval", "5s", "retries", 3),
			wantField: "healthcheck.test", wantIn: []string{"is missing", "image's own check", "disable: true", "remove the healthcheck"}},
		{name: "healthcheck empty", spec: hc(),
			wantField: "healthcheck.test", wantIn: []string{"is missing"}},
		{name: "healthcheck disable false without test", spec: hc("disable", false),
			wantField: "healthcheck.test", wantIn: []string{"is missing"}},
		{name: "healthcheck blank string", spec: hc("test", "  "),
			wantField: "healthcheck.test", wantIn: []string{"is empty", "always succeeds"}},
		{name: "healthcheck empty list", spec: hc("test", []any{}),
			wantField: "healthcheck.test", wantIn: []string{"is empty"}},
		{name: "healthcheck list without CMD", spec: hc("test", []any{"curl", "-f", "localhost"}),
			wantField: "healthcheck.test", wantIn: []string{"must start with CMD, CMD-SHELL or NONE", `It starts with "curl"`}},
		{name: "healthcheck CMD alone", spec: hc("test", []any{"CMD"}),
			wantField: "healthcheck.test", wantIn: []string{"CMD names no command"}},
		{name: "healthcheck test item not text", spec: hc("test", []any{"CMD", "sleep", 1}),
			wantField: "healthcheck.test[2]", wantIn: []string{"must be a string", "quote it"}},
		{name: "healthcheck test an object", spec: hc("test", map[string]any{"cmd": "x"}),
			wantField: "healthcheck.test", wantIn: []string{"must be a string or a list of strings"}},
		{name: "healthcheck negative retries", spec: hc("test", "true", "retries", -1),
			wantField: "healthcheck.retries", wantIn: []string{"-1 is negative"}},
		{name: "healthcheck zero retries", spec: hc("test", "true", "retries", 0)},
		{name: "secret references are judged at apply", spec: model.Spec{"restart": "${secret:r}", "pull_policy": "x${secret:p}",
			"stop_grace_period": "${secret:g}", "healthcheck": map[string]any{"test": []any{"${secret:t}", "x"}, "interval": "${secret:i}"}}},
		{name: "healthcheck start_interval alone", spec: hc("test", "true", "start_interval", "1s"),
			wantField: "healthcheck.start_interval", wantIn: []string{"needs start_period", "start_period: 30s"}},

		// build.args, logging.options
		{name: "build args map", spec: model.Spec{"build": map[string]any{"context": ".", "args": map[string]any{"V": "1"}}}},
		{name: "build args list", spec: model.Spec{"build": map[string]any{"context": ".", "args": []any{"V=1"}}}},
		{name: "build args number value", spec: model.Spec{"build": map[string]any{"args": map[string]any{"V": 1}}},
			wantField: "build.args.V", wantIn: []string{"must be a string", "quote it"}},
		{name: "build args list item", spec: model.Spec{"build": map[string]any{"args": []any{"A=1", true}}},
			wantField: "build.args[1]", wantIn: []string{"must be a string"}},
		{name: "build args scalar", spec: model.Spec{"build": map[string]any{"args": "V=1"}},
			wantField: "build.args", wantIn: []string{"must be a map of names to text, or a list of strings"}},
		{name: "build args empty key", spec: model.Spec{"build": map[string]any{"args": map[string]any{"": "1"}}},
			wantField: "build.args", wantIn: []string{"has an empty key"}},
		{name: "build args x- key", spec: model.Spec{"build": map[string]any{"args": map[string]any{"x-v": "1"}}},
			wantField: "build.args", wantIn: []string{"starts with x-"}},
		{name: "logging options", spec: model.Spec{"logging": map[string]any{"driver": "local", "options": map[string]any{"max-size": "10m", "max-file": 3}}}},
		{name: "logging options not a map", spec: model.Spec{"logging": map[string]any{"options": 0}},
			wantField: "logging.options", wantIn: []string{"must be a map of option names to values", "max-size: 10m"}},
		{name: "logging option nested", spec: model.Spec{"logging": map[string]any{"options": map[string]any{"a": []any{"x"}}}},
			wantField: "logging.options.a", wantIn: []string{"must be text or a number"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, template := range []bool{false, true} {
				errs := validateSpec(tc.spec, template)
				if tc.wantField == "" {
					if len(errs) > 0 {
						t.Fatalf("template=%v: want valid, got %v", template, errs)
					}
					continue
				}
				if len(errs) != 1 {
					t.Fatalf("template=%v: want one problem, got %v", template, errs)
				}
				checkInvalid(t, errs[0], tc.wantField, tc.wantIn...)
			}
		})
	}
}

// TestResolve_ResolveAll: every problem of a template and of overrides at once, and the
// valid part still resolved.
func TestResolve_ResolveAll(t *testing.T) {
	tmpl := model.Template{Name: "web", Service: model.Spec{
		"image": "nginx:1.27", "ports": []any{"8080:80"}, "restart": "always",
		"healthcheck": map[string]any{"test": []any{"CMD", "true"}, "interval": "5s"},
	}}
	inst := model.Instance{Name: "w", Template: "web", Overrides: model.Spec{
		"image":       "nginx:1.28",
		"restart":     "sometimes",
		"healthcheck": map[string]any{"retries": 5},
		"user":        5,
	}}
	es, problems := ResolveAll(tmpl, inst)
	var fields []string
	for _, p := range problems {
		fields = append(fields, p.Field)
		if strings.Contains(p.Summary, `instance "w"`) {
			t.Errorf("override problems do not name the instance: %v", p)
		}
	}
	if want := []string{"healthcheck.test", "restart", "user"}; !reflect.DeepEqual(fields, want) {
		t.Fatalf("fields %v, want %v (%v)", fields, want, problems)
	}
	// Fields with a problem keep the template's value; the others are resolved.
	if es.Spec["image"] != "nginx:1.28" || es.Spec["restart"] != "always" || es.Origins["restart"] != model.OriginTemplate ||
		!reflect.DeepEqual(es.Spec["healthcheck"], map[string]any{"test": []any{"CMD", "true"}, "interval": "5s"}) {
		t.Errorf("valid part: %#v", es.Spec)
	}

	// Resolve: one error listing all three, naming the instance.
	_, err := Resolve(tmpl, inst)
	e := model.AsError(err)
	if e.Summary != `instance "w": 3 problems` || len(e.Problems) != 3 || !strings.Contains(e.Detail, "- restart: \"sometimes\" is not a restart policy") {
		t.Errorf("Resolve: %v", err)
	}
	// One problem reads as before: the instance in the summary, the path in Field.
	one := inst
	one.Overrides = model.Spec{"restart": "sometimes"}
	_, err = Resolve(tmpl, one)
	checkInvalid(t, err, "restart", `instance "w": "sometimes" is not a restart policy`)

	// A template's problems name the template; its fields with a problem are left out.
	bad := model.Template{Name: "bad", Service: model.Spec{"image": "x", "restart": "sometimes", "pull_policy": "often"}}
	es, problems = ResolveAll(bad, model.Instance{Name: "w", Template: "bad", Overrides: model.Spec{"user": 5}})
	if len(problems) != 3 || !reflect.DeepEqual(es.Spec, model.Spec{"image": "x", "restart": DefaultRestart}) ||
		!strings.HasPrefix(problems[0].Summary, `template "bad": `) || problems[2].Field != "user" {
		t.Errorf("template problems: %v, %v", es, problems)
	}
	if _, problems := ResolveAll(tmpl, model.Instance{Name: "w", Template: "web"}); problems != nil {
		t.Errorf("valid: %v", problems)
	}
}

// TestResolve_UnsetPathFrom: every unset goes back to the template's value of what it
// names (docs/stacks.md, Overrides).
func TestResolve_UnsetPathFrom(t *testing.T) {
	template := model.Spec{
		"image":       "postgres:16",
		"environment": map[string]any{"POSTGRES_DB": "app", "POSTGRES_USER": "app"},
		"healthcheck": map[string]any{"test": []any{"CMD", "pg_isready"}, "interval": "5s", "retries": 3},
	}
	tests := []struct {
		name      string
		o         model.Spec
		path      string
		want      model.Spec
		wantField string
		wantIn    []string
	}{
		{name: "object key goes back to the template's value", o: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "pg_isready"}, "interval": "1s", "retries": 9}},
			path: "healthcheck.interval", want: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "pg_isready"}, "interval": "5s", "retries": 9.0}}},
		{name: "object key the template lacks is removed", o: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "pg_isready"}, "interval": "5s", "retries": 9, "timeout": "1s"}},
			path: "healthcheck.timeout", want: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "pg_isready"}, "interval": "5s", "retries": 9.0}}},
		{name: "override equal to the template's object is dropped", o: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "pg_isready"}, "interval": "1s", "retries": 3}, "user": "x"},
			path: "healthcheck.interval", want: model.Spec{"user": "x"}},
		{name: "override left empty without a template object is dropped", o: model.Spec{"logging": map[string]any{"driver": "local"}},
			path: "logging.driver", want: model.Spec{}},
		{name: "object key not overridden is a no-op", o: model.Spec{"user": "x"},
			path: "healthcheck.interval", want: model.Spec{"user": "x"}},
		{name: "object key of a removed object is an error", o: model.Spec{"healthcheck": nil},
			path: "healthcheck.interval", wantField: "healthcheck.interval", wantIn: []string{"removed by this instance's overrides", "--unset healthcheck"}},
		{name: "map key override dropped", o: model.Spec{"environment": map[string]any{"POSTGRES_DB": "shop", "TZ": "UTC"}},
			path: "environment.POSTGRES_DB", want: model.Spec{"environment": map[string]any{"TZ": "UTC"}}},
		{name: "map key of a removed map comes back alone", o: model.Spec{"environment": nil},
			path: "environment.POSTGRES_DB", want: model.Spec{"environment": map[string]any{"POSTGRES_USER": nil}}},
		{name: "map key the template lacks, map removed: no-op", o: model.Spec{"environment": nil},
			path: "environment.NOPE", want: model.Spec{"environment": nil}},
		{name: "map key never set is a no-op", o: model.Spec{"environment": map[string]any{"TZ": "UTC"}},
			path: "environment.NOPE", want: model.Spec{"environment": map[string]any{"TZ": "UTC"}}},
		{name: "field", o: model.Spec{"image": "x", "healthcheck": nil},
			path: "healthcheck", want: model.Spec{"image": "x"}},
		{name: "the result is validated", o: model.Spec{"healthcheck": map[string]any{"interval": "1s", "retries": 9}},
			path: "healthcheck.retries", wantField: "healthcheck.test", wantIn: []string{"is missing"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := fmt.Sprintf("%#v %#v", template, tc.o)
			got, err := UnsetPathFrom(template, tc.o, tc.path)
			if after := fmt.Sprintf("%#v %#v", template, tc.o); after != before {
				t.Errorf("inputs changed:\n%s\n%s", before, after)
			}
			if tc.wantField != "" {
				checkInvalid(t, err, tc.wantField, tc.wantIn...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// TestResolve_Edit: one command's sets and unsets, every bad edit reported, conflicts
// refused as a whole.
func TestResolve_Edit(t *testing.T) {
	template := model.Spec{"image": "nginx:1.27", "ports": []any{"8080:80"}, "environment": map[string]any{"A": "1"},
		"healthcheck": map[string]any{"test": []any{"CMD", "true"}, "interval": "5s"}}
	o := model.Spec{"user": "www", "healthcheck": map[string]any{"test": []any{"CMD", "true"}, "interval": "1s", "retries": 2}}

	got, problems, err := Edit(template, o, []string{"image=nginx:1.28", "environment.B=2", "healthcheck.retries=4"}, []string{"user", "healthcheck.interval"})
	if err != nil || problems != nil {
		t.Fatal(err, problems)
	}
	want := model.Spec{"image": "nginx:1.28", "environment": map[string]any{"B": "2"},
		"healthcheck": map[string]any{"test": []any{"CMD", "true"}, "interval": "5s", "retries": 4.0}}
	if !reflect.DeepEqual(normalizeSpec(got), want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}

	// Bad edits are left out and reported; good ones still apply.
	got, problems, err = Edit(template, o, []string{"ports=[unclosed", "nope=1", "image", "=x", "image=a", "image.x=1"}, []string{"bogus.key", "user"})
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, p := range problems {
		fields = append(fields, p.Field)
	}
	if want := []string{"ports", "nope", "set", "set", "image.x", "bogus"}; !reflect.DeepEqual(fields, want) {
		t.Errorf("problem fields %v, want %v (%v)", fields, want, problems)
	}
	if got["image"] != "a" || got["user"] != nil {
		t.Errorf("good edits: %#v", got)
	}

	// A set and an unset of one path, or of a field and its key: refused, naming both.
	for _, c := range []struct {
		sets, unsets []string
		field        string
		wantIn       []string
	}{
		{[]string{`ports=["8082:80"]`}, []string{"ports"}, "ports", []string{`ports=["8082:80"] and --unset ports in one command`, "nothing was changed"}},
		{[]string{"healthcheck.interval=1s"}, []string{"healthcheck"}, "healthcheck.interval", []string{"--unset healthcheck"}},
		{[]string{"environment={A: 2}"}, []string{"environment.A"}, "environment", []string{"--unset environment.A"}},
		{[]string{"environment.A=2"}, []string{"environment.A"}, "environment.A", nil},
		{[]string{"labels.com.example=1"}, []string{"labels.com.example"}, "labels.com.example", nil},
	} {
		got, problems, err := Edit(template, o, c.sets, c.unsets)
		if got != nil || problems != nil {
			t.Errorf("%v %v: edited anyway", c.sets, c.unsets)
		}
		checkInvalid(t, err, c.field, c.wantIn...)
	}
	// Different keys of one map do not conflict, nor do keys that share a prefix.
	for _, c := range [][2]string{{"environment.A=2", "environment.B"}, {"labels.com.example.team=1", "labels.com.example"}, {"image=x", "user"}} {
		if _, _, err := Edit(template, o, []string{c[0]}, []string{c[1]}); err != nil {
			t.Errorf("%s with --unset %s: %v", c[0], c[1], err)
		}
	}
	// Several conflicts are listed together.
	_, _, err = Edit(template, o, []string{"ports=[]", "image=x"}, []string{"ports", "image"})
	if e := model.AsError(err); len(e.Problems) != 2 || !strings.Contains(e.Summary, "2 problems") {
		t.Errorf("two conflicts: %v", err)
	}
	if fmt.Sprintf("%#v", o) != fmt.Sprintf("%#v", model.Spec{"user": "www", "healthcheck": map[string]any{"test": []any{"CMD", "true"}, "interval": "1s", "retries": 2}}) {
		t.Errorf("Edit changed its input: %#v", o)
	}
}
