package resolve

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

func TestResolve_SetPath(t *testing.T) {
	hcOverride := func() model.Spec {
		return model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "true"}, "retries": 3.0}}
	}
	tests := []struct {
		name      string
		o         model.Spec
		path, raw string
		want      model.Spec
		wantField string // "" = success
		wantIn    []string
	}{
		// scalars
		{name: "string scalar is the raw text", o: nil, path: "image", raw: "nginx:1.27",
			want: model.Spec{"image": "nginx:1.27"}},
		{name: "string scalar replaces an existing override", o: model.Spec{"image": "a", "user": "b"}, path: "image", raw: "c",
			want: model.Spec{"image": "c", "user": "b"}},
		{name: "string scalar that looks like a number stays text", o: nil, path: "user", raw: "1000",
			want: model.Spec{"user": "1000"}},
		{name: "string scalar with spaces and colons", o: nil, path: "working_dir", raw: "/srv/my app: x",
			want: model.Spec{"working_dir": "/srv/my app: x"}},
		{name: "empty raw overrides to empty string", o: nil, path: "image", raw: "",
			want: model.Spec{"image": ""}},
		{name: "null removes the field", o: nil, path: "user", raw: "null",
			want: model.Spec{"user": nil}},
		{name: "quoted null is the string", o: nil, path: "user", raw: `"null"`,
			want: model.Spec{"user": "null"}},
		{name: "single-quoted text is unquoted", o: nil, path: "hostname", raw: `'it''s'`,
			want: model.Spec{"hostname": "it's"}},
		{name: "double-quoted text takes YAML escapes", o: nil, path: "hostname", raw: `"a\tb"`,
			want: model.Spec{"hostname": "a\tb"}},
		{name: "text with unbalanced inner quotes stays literal", o: nil, path: "hostname", raw: `"a" b "c"`,
			want: model.Spec{"hostname": `"a" b "c"`}},
		{name: "restart no stays a string", o: nil, path: "restart", raw: "no",
			want: model.Spec{"restart": "no"}},
		{name: "boolean scalar is parsed", o: nil, path: "init", raw: "true",
			want: model.Spec{"init": true}},
		{name: "boolean scalar rejects yes", o: nil, path: "init", raw: "yes",
			wantField: "init", wantIn: []string{"init: must be a boolean"}},
		{name: "boolean scalar needs a value", o: nil, path: "init", raw: "",
			wantField: "init", wantIn: []string{"has no value", "init=true", "init=null"}},

		// argv and lists
		{name: "list from JSON", o: nil, path: "ports", raw: `["8080:80"]`,
			want: model.Spec{"ports": []any{"8080:80"}}},
		{name: "list from YAML flow", o: nil, path: "command", raw: "[php, artisan, serve]",
			want: model.Spec{"command": []any{"php", "artisan", "serve"}}},
		{name: "list from YAML block", o: nil, path: "volumes", raw: "- data:/var/lib/mysql\n- ./conf:/etc/mysql/conf.d",
			want: model.Spec{"volumes": []any{"data:/var/lib/mysql", "./conf:/etc/mysql/conf.d"}}},
		{name: "list items keep their text", o: nil, path: "command", raw: "[sleep, 10, true, 0755]",
			want: model.Spec{"command": []any{"sleep", "10", "true", "0755"}}},
		{name: "list of numbers keeps their text", o: nil, path: "ports", raw: "[8080, 443]",
			want: model.Spec{"ports": []any{"8080", "443"}}},
		{name: "empty list", o: model.Spec{"ports": []any{"1:1"}}, path: "ports", raw: "[]",
			want: model.Spec{"ports": []any{}}},
		{name: "list null removes", o: nil, path: "ports", raw: "null",
			want: model.Spec{"ports": nil}},
		{name: "ports=8080 is not a list", o: nil, path: "ports", raw: "8080",
			wantField: "ports", wantIn: []string{`ports: must be a list of strings, e.g. ["8080:80"]`}},
		{name: "ports=8080:80 suggests the list", o: nil, path: "ports", raw: "8080:80",
			wantField: "ports", wantIn: []string{`Write even a single value as a list: ["8080:80"]`}},
		{name: "command as a line suggests its arguments", o: nil, path: "command", raw: "php artisan serve",
			wantField: "command", wantIn: []string{`["php", "artisan", "serve"]`}},
		{name: "list YAML syntax error carries the parser's message", o: nil, path: "ports", raw: `["8080:80"`,
			wantField: "ports", wantIn: []string{"ports: is not valid YAML", "yaml: line 1: did not find expected ',' or ']'"}},
		{name: "text after a list is an error, not dropped", o: nil, path: "ports", raw: `["8080:80"] x`,
			wantField: "ports", wantIn: []string{"is not valid YAML", "unexpected text after the value"}},
		{name: "extra closing bracket is an error", o: nil, path: "command", raw: `[a, b]]`,
			wantField: "command", wantIn: []string{"unexpected text after the value"}},
		{name: "two YAML documents are an error", o: nil, path: "ports", raw: "[a]\n---\n[b]",
			wantField: "ports", wantIn: []string{"more than one YAML document"}},
		{name: "trailing comment is fine", o: nil, path: "ports", raw: `["80:80"] # web`,
			want: model.Spec{"ports": []any{"80:80"}}},
		{name: "list with a null item", o: nil, path: "ports", raw: `["80:80", null]`,
			wantField: "ports[1]", wantIn: []string{"must not be null"}},
		{name: "list with a nested list item", o: nil, path: "ports", raw: `[[1]]`,
			wantField: "ports[0]", wantIn: []string{"must be a string", "Got a list"}},
		{name: "list needs a value", o: nil, path: "ports", raw: " ",
			wantField: "ports", wantIn: []string{"has no value", `ports=["8080:80"]`}},

		// keyed maps
		{name: "map key set", o: model.Spec{"environment": map[string]any{"A": "1"}}, path: "environment.APP_ENV", raw: "local",
			want: model.Spec{"environment": map[string]any{"A": "1", "APP_ENV": "local"}}},
		{name: "map key value is text", o: nil, path: "environment.PORT", raw: "3306",
			want: model.Spec{"environment": map[string]any{"PORT": "3306"}}},
		{name: "map key value may hold = and spaces", o: nil, path: "environment.OPTS", raw: "-Xmx=1g -Dx=y",
			want: model.Spec{"environment": map[string]any{"OPTS": "-Xmx=1g -Dx=y"}}},
		{name: "map key empty value", o: nil, path: "environment.EMPTY", raw: "",
			want: model.Spec{"environment": map[string]any{"EMPTY": ""}}},
		{name: "map key null deletes the key", o: nil, path: "environment.DEBUG", raw: "null",
			want: model.Spec{"environment": map[string]any{"DEBUG": nil}}},
		{name: "map key quoted null is the string", o: nil, path: "environment.REDIS_PASSWORD", raw: "'null'",
			want: model.Spec{"environment": map[string]any{"REDIS_PASSWORD": "null"}}},
		{name: "map key with dots", o: nil, path: "labels.com.example.team", raw: "web",
			want: model.Spec{"labels": map[string]any{"com.example.team": "web"}}},
		{name: "whole map from YAML keeps value text", o: nil, path: "environment", raw: "{A: 1, MODE: 0755, B: null, C: 'null'}",
			want: model.Spec{"environment": map[string]any{"A": "1", "MODE": "0755", "B": nil, "C": "null"}}},
		{name: "whole map replaces the map override", o: model.Spec{"environment": map[string]any{"OLD": "x"}}, path: "environment", raw: "{NEW: y}",
			want: model.Spec{"environment": map[string]any{"NEW": "y"}}},
		{name: "whole map null removes the field", o: nil, path: "environment", raw: "null",
			want: model.Spec{"environment": nil}},
		{name: "whole map given as a list", o: nil, path: "environment", raw: "[1, 2]",
			wantField: "environment", wantIn: []string{"must be a map of names to values"}},
		{name: "whole map with a list value", o: nil, path: "environment", raw: "{A: [1]}",
			wantField: "environment.A", wantIn: []string{"must be a string, number or boolean"}},
		{name: "whole map with a duplicate key", o: nil, path: "environment", raw: "{A: 1, A: 2}",
			wantField: "environment.A", wantIn: []string{"set twice"}},
		{name: "key of a removed map needs the template", o: model.Spec{"environment": nil}, path: "environment.A", raw: "1",
			wantField: "environment.A", wantIn: []string{"removed by this instance's overrides", "--unset environment"}},

		// objects
		{name: "object key set on an existing override", o: hcOverride(), path: "healthcheck.retries", raw: "5",
			want: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "true"}, "retries": 5.0}}},
		{name: "object duration key is text", o: hcOverride(), path: "healthcheck.interval", raw: "10s",
			want: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "true"}, "retries": 3.0, "interval": "10s"}}},
		{name: "object any key is YAML", o: hcOverride(), path: "healthcheck.test", raw: "[CMD-SHELL, 'pg_isready -U app']",
			want: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD-SHELL", "pg_isready -U app"}, "retries": 3.0}}},
		{name: "object key null removes the key", o: hcOverride(), path: "healthcheck.retries", raw: "null",
			want: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "true"}}}},
		{name: "object key null when not overridden is a no-op", o: model.Spec{"image": "x"}, path: "healthcheck.retries", raw: "null",
			want: model.Spec{"image": "x"}},
		{name: "object key null when removed stays removed", o: model.Spec{"healthcheck": nil}, path: "healthcheck.retries", raw: "null",
			want: model.Spec{"healthcheck": nil}},
		{name: "object key on a removed object starts empty", o: model.Spec{"healthcheck": nil}, path: "healthcheck.test", raw: "[CMD, x]",
			want: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "x"}}}},
		{name: "object key on a removed object starts empty: no test", o: model.Spec{"healthcheck": nil}, path: "healthcheck.retries", raw: "2",
			wantField: "healthcheck.test", wantIn: []string{"is missing", "disable: true"}},
		{name: "object key needs a value", o: hcOverride(), path: "healthcheck.retries", raw: "",
			wantField: "healthcheck.retries", wantIn: []string{"has no value", "healthcheck.retries=3", "healthcheck.retries=null"}},
		{name: "object string key empty is an empty string", o: model.Spec{"logging": map[string]any{"driver": "local"}}, path: "logging.driver", raw: "",
			want: model.Spec{"logging": map[string]any{"driver": ""}}},
		{name: "object duration key empty is not a duration", o: hcOverride(), path: "healthcheck.interval", raw: "",
			wantField: "healthcheck.interval", wantIn: []string{`"" is not a duration`}},
		{name: "object key of a wrong type", o: hcOverride(), path: "healthcheck.retries", raw: "x",
			wantField: "healthcheck.retries", wantIn: []string{"must be an integer"}},
		{name: "object key not overridden yet needs the whole object", o: nil, path: "healthcheck.retries", raw: "5",
			wantField: "healthcheck.retries", wantIn: []string{"healthcheck is not overridden yet", "healthcheck={test:"}},
		{name: "object unknown key", o: hcOverride(), path: "healthcheck.bogus", raw: "1",
			wantField: "healthcheck.bogus", wantIn: []string{"unknown key", "Valid keys of healthcheck"}},
		{name: "object key without a Sub table is YAML", o: model.Spec{"deploy": map[string]any{}}, path: "deploy.resources", raw: "{limits: {memory: 512m}}",
			want: model.Spec{"deploy": map[string]any{"resources": map[string]any{"limits": map[string]any{"memory": "512m"}}}}},
		{name: "whole object", o: nil, path: "healthcheck", raw: `{test: [CMD, "true"], retries: 3}`,
			want: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "true"}, "retries": 3.0}}},
		{name: "whole object empty", o: nil, path: "logging", raw: "{}",
			want: model.Spec{"logging": map[string]any{}}},
		{name: "whole healthcheck empty has no test", o: nil, path: "healthcheck", raw: "{}",
			wantField: "healthcheck.test", wantIn: []string{"is missing"}},
		{name: "whole object null", o: hcOverride(), path: "healthcheck", raw: "null",
			want: model.Spec{"healthcheck": nil}},
		{name: "whole object with a bad key", o: nil, path: "healthcheck", raw: "{retries: x}",
			wantField: "healthcheck.retries", wantIn: []string{"must be an integer"}},
		{name: "whole object YAML error", o: nil, path: "healthcheck", raw: "{test: [CMD",
			wantField: "healthcheck", wantIn: []string{"is not valid YAML", "yaml:"}},

		// bad paths
		{name: "image.x: scalars have no keys", o: nil, path: "image.x", raw: "1",
			wantField: "image.x", wantIn: []string{"image is a scalar field and has no keys", "environment, labels", "image=mysql:8.4"}},
		{name: "ports.x: lists have no keys", o: nil, path: "ports.0", raw: "1",
			wantField: "ports.0", wantIn: []string{"ports is a list field and has no keys", `ports=["8080:80"]`}},
		{name: "nope=1: unknown field", o: nil, path: "nope", raw: "1",
			wantField: "nope", wantIn: []string{"unknown field", "Valid fields:"}},
		{name: "unknown field with a key", o: nil, path: "envirnment.A", raw: "1",
			wantField: "envirnment", wantIn: []string{`Did you mean "environment"?`}},
		{name: "missing key after the dot", o: nil, path: "environment.", raw: "1",
			wantField: "environment.", wantIn: []string{"missing key"}},
		{name: "empty path", o: nil, path: "", raw: "1",
			wantField: "", wantIn: []string{"missing path"}},
		{name: "field DevArch owns", o: nil, path: "container_name", raw: "x",
			wantField: "container_name", wantIn: []string{"is set by DevArch"}},

		// the whole delta is validated
		{name: "an invalid existing field is reported", o: model.Spec{"image": 5}, path: "user", raw: "root",
			wantField: "image", wantIn: []string{"must be a string"}},
		{name: "the rest of the delta is normalized", o: model.Spec{"environment": map[string]any{"PORT": 3306}, "ports": []string{"1:1"}}, path: "user", raw: "root",
			want: model.Spec{"environment": map[string]any{"PORT": "3306"}, "ports": []any{"1:1"}, "user": "root"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := fmt.Sprintf("%#v", tc.o)
			got, err := SetPath(tc.o, tc.path, tc.raw)
			if after := fmt.Sprintf("%#v", tc.o); after != before {
				t.Errorf("input changed:\nbefore %s\nafter  %s", before, after)
			}
			if tc.wantField != "" || len(tc.wantIn) > 0 {
				checkInvalid(t, err, tc.wantField, tc.wantIn...)
				return
			}
			if err != nil {
				t.Fatalf("SetPath(%q, %q): %v", tc.path, tc.raw, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestResolve_SetPathResultIsACopy(t *testing.T) {
	env := map[string]any{"A": "1"}
	o := model.Spec{"environment": env}
	got, err := SetPath(o, "environment.B", "2")
	if err != nil {
		t.Fatal(err)
	}
	got["environment"].(map[string]any)["C"] = "3"
	if !reflect.DeepEqual(env, map[string]any{"A": "1"}) {
		t.Errorf("input map changed: %v", env)
	}
}

func TestResolve_SetPathFrom(t *testing.T) {
	template := model.Spec{
		"image":       "postgres:16",
		"environment": map[string]any{"POSTGRES_DB": "app", "POSTGRES_USER": "app"},
		"healthcheck": map[string]any{"test": []any{"CMD", "pg_isready"}, "interval": "5s", "retries": 3},
	}
	tests := []struct {
		name      string
		o         model.Spec
		path, raw string
		want      model.Spec
		wantField string
	}{
		{name: "object key starts from the template's object", o: nil, path: "healthcheck.retries", raw: "10",
			want: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "pg_isready"}, "interval": "5s", "retries": 10.0}}},
		{name: "object key of an object the template lacks starts empty", o: nil, path: "logging.driver", raw: "local",
			want: model.Spec{"logging": map[string]any{"driver": "local"}}},
		{name: "object key on an existing override ignores the template", o: model.Spec{"healthcheck": map[string]any{"test": "true", "retries": 1}}, path: "healthcheck.interval", raw: "1s",
			want: model.Spec{"healthcheck": map[string]any{"test": "true", "retries": 1.0, "interval": "1s"}}},
		{name: "key of a removed map keeps the template's keys deleted", o: model.Spec{"environment": nil}, path: "environment.TZ", raw: "UTC",
			want: model.Spec{"environment": map[string]any{"POSTGRES_DB": nil, "POSTGRES_USER": nil, "TZ": "UTC"}}},
		{name: "errors are the same as SetPath's", o: nil, path: "healthcheck.retries", raw: "many",
			wantField: "healthcheck.retries"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			templateBefore := fmt.Sprintf("%#v", template)
			got, err := SetPathFrom(template, tc.o, tc.path, tc.raw)
			if tc.wantField != "" {
				checkInvalid(t, err, tc.wantField)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
			// The seeded object is a copy: changing the result leaves the template alone.
			for _, v := range got {
				if m, ok := v.(map[string]any); ok {
					m["mutated"] = true
				}
			}
			if after := fmt.Sprintf("%#v", template); after != templateBefore {
				t.Errorf("template changed:\nbefore %s\nafter  %s", templateBefore, after)
			}
		})
	}
}

func TestResolve_SetPathFromThenResolve(t *testing.T) {
	tmpl := model.Template{Name: "postgres", Service: model.Spec{
		"image":       "postgres:16",
		"environment": map[string]any{"POSTGRES_DB": "app", "POSTGRES_USER": "app"},
		"healthcheck": map[string]any{"test": []any{"CMD", "pg_isready"}, "retries": 3},
	}}
	o := model.Spec{}
	for _, set := range [][2]string{
		{"healthcheck.retries", "10"},
		{"environment", "null"},
		{"environment.TZ", "UTC"},
		{"ports", `["15432:5432"]`},
	} {
		var err error
		if o, err = SetPathFrom(tmpl.Service, o, set[0], set[1]); err != nil {
			t.Fatalf("%s=%s: %v", set[0], set[1], err)
		}
	}
	got, err := Resolve(tmpl, model.Instance{Name: "db", Template: "postgres", Overrides: o})
	if err != nil {
		t.Fatal(err)
	}
	want := model.Spec{
		"image":       "postgres:16",
		"environment": map[string]any{"TZ": "UTC"},
		"healthcheck": map[string]any{"test": []any{"CMD", "pg_isready"}, "retries": 10.0},
		"ports":       []any{"15432:5432"},
		"restart":     "unless-stopped",
	}
	if !reflect.DeepEqual(got.Spec, want) {
		t.Errorf("got  %#v\nwant %#v", got.Spec, want)
	}
	wantOrigins := origins{"image": tpl, "environment": ovr, "environment.TZ": ovr, "healthcheck": ovr, "ports": ovr, "restart": dft}
	if !reflect.DeepEqual(got.Origins, wantOrigins) {
		t.Errorf("origins %v, want %v", got.Origins, wantOrigins)
	}
}

func TestResolve_UnsetPath(t *testing.T) {
	tests := []struct {
		name      string
		o         model.Spec
		path      string
		want      model.Spec
		wantField string
		wantIn    []string
	}{
		{name: "field override removed", o: model.Spec{"image": "x", "user": "y"}, path: "image",
			want: model.Spec{"user": "y"}},
		{name: "field removal (nil) removed", o: model.Spec{"healthcheck": nil}, path: "healthcheck",
			want: model.Spec{}},
		{name: "field not overridden is a no-op", o: model.Spec{"user": "y"}, path: "image",
			want: model.Spec{"user": "y"}},
		{name: "nil delta", o: nil, path: "image",
			want: model.Spec{}},
		{name: "map key removed", o: model.Spec{"environment": map[string]any{"A": "1", "B": nil}}, path: "environment.B",
			want: model.Spec{"environment": map[string]any{"A": "1"}}},
		{name: "last map key removes the map", o: model.Spec{"environment": map[string]any{"A": "1"}, "user": "y"}, path: "environment.A",
			want: model.Spec{"user": "y"}},
		{name: "missing map key is a no-op", o: model.Spec{"environment": map[string]any{"A": "1"}}, path: "environment.Z",
			want: model.Spec{"environment": map[string]any{"A": "1"}}},
		{name: "map key of a removed map is a no-op", o: model.Spec{"environment": nil}, path: "environment.A",
			want: model.Spec{"environment": nil}},
		{name: "map key with dots", o: model.Spec{"labels": map[string]any{"com.example.team": "web", "x": "y"}}, path: "labels.com.example.team",
			want: model.Spec{"labels": map[string]any{"x": "y"}}},
		{name: "object key removed", o: model.Spec{"healthcheck": map[string]any{"test": "true", "retries": 3, "interval": "1s"}}, path: "healthcheck.retries",
			want: model.Spec{"healthcheck": map[string]any{"test": "true", "interval": "1s"}}},
		{name: "last object key leaves an empty object", o: model.Spec{"logging": map[string]any{"driver": "local"}}, path: "logging.driver",
			want: model.Spec{"logging": map[string]any{}}},
		{name: "object key of a removed object", o: model.Spec{"healthcheck": nil}, path: "healthcheck.retries",
			wantField: "healthcheck.retries", wantIn: []string{"healthcheck is removed by this instance's overrides", "--unset healthcheck"}},
		{name: "object key not overridden is a no-op", o: model.Spec{}, path: "healthcheck.retries",
			want: model.Spec{}},
		{name: "stale unknown field present is removed", o: model.Spec{"bogus": 1, "image": "x"}, path: "bogus",
			want: model.Spec{"image": "x"}},
		{name: "stale unknown object key present is removed", o: model.Spec{"healthcheck": map[string]any{"bogus": 1, "test": "true"}}, path: "healthcheck.bogus",
			want: model.Spec{"healthcheck": map[string]any{"test": "true"}}},
		{name: "unknown field absent", o: nil, path: "nope",
			wantField: "nope", wantIn: []string{"unknown field"}},
		{name: "unknown object key absent", o: nil, path: "healthcheck.nope",
			wantField: "healthcheck.nope", wantIn: []string{"unknown key"}},
		{name: "scalar with a key", o: nil, path: "image.x",
			wantField: "image.x", wantIn: []string{"has no keys"}},
		{name: "empty path", o: nil, path: "",
			wantField: "", wantIn: []string{"missing path"}},
		{name: "the rest of the delta is validated", o: model.Spec{"image": 5, "user": "x"}, path: "user",
			wantField: "image", wantIn: []string{"must be a string"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := fmt.Sprintf("%#v", tc.o)
			got, err := UnsetPath(tc.o, tc.path)
			if after := fmt.Sprintf("%#v", tc.o); after != before {
				t.Errorf("input changed:\nbefore %s\nafter  %s", before, after)
			}
			if tc.wantField != "" || len(tc.wantIn) > 0 {
				checkInvalid(t, err, tc.wantField, tc.wantIn...)
				return
			}
			if err != nil {
				t.Fatalf("UnsetPath(%q): %v", tc.path, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}
