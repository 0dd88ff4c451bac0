package resolve

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

type origins = map[string]model.Origin

const (
	tpl = model.OriginTemplate
	ovr = model.OriginOverride
	dft = model.OriginDefault
)

// withDefaultRestart adds the default restart policy that every effective config gets when
// neither side sets restart, to keep the tables about the rule they test.
func withDefaultRestart(s model.Spec, o origins) (model.Spec, origins) {
	s["restart"] = DefaultRestart
	o["restart"] = dft
	return s, o
}

func TestResolve_MergeRules(t *testing.T) {
	hc := func() map[string]any {
		return map[string]any{"test": []any{"CMD", "mysqladmin", "ping"}, "interval": "10s", "retries": 3}
	}
	tests := []struct {
		name        string
		template    model.Spec
		overrides   model.Spec
		want        model.Spec
		wantOrigins origins
		noDefault   bool // the case is about restart itself
	}{
		// scalar
		{name: "scalar not overridden keeps the template value",
			template: model.Spec{"image": "mysql:8.4"}, overrides: nil,
			want: model.Spec{"image": "mysql:8.4"}, wantOrigins: origins{"image": tpl}},
		{name: "scalar override replaces",
			template: model.Spec{"image": "mysql:8.4"}, overrides: model.Spec{"image": "mysql:9.0"},
			want: model.Spec{"image": "mysql:9.0"}, wantOrigins: origins{"image": ovr}},
		{name: "scalar overridden to empty is kept as empty",
			template: model.Spec{"image": "mysql:8.4", "user": "mysql"}, overrides: model.Spec{"user": ""},
			want: model.Spec{"image": "mysql:8.4", "user": ""}, wantOrigins: origins{"image": tpl, "user": ovr}},
		{name: "scalar overridden to nil is removed",
			template: model.Spec{"image": "mysql:8.4", "user": "mysql"}, overrides: model.Spec{"user": nil},
			want: model.Spec{"image": "mysql:8.4"}, wantOrigins: origins{"image": tpl}},
		{name: "scalar nil over a field the template lacks is a no-op",
			template: model.Spec{"image": "mysql:8.4"}, overrides: model.Spec{"hostname": nil},
			want: model.Spec{"image": "mysql:8.4"}, wantOrigins: origins{"image": tpl}},
		{name: "scalar set only by the override",
			template: model.Spec{"image": "mysql:8.4"}, overrides: model.Spec{"hostname": "db.local"},
			want: model.Spec{"image": "mysql:8.4", "hostname": "db.local"}, wantOrigins: origins{"image": tpl, "hostname": ovr}},
		{name: "boolean scalar override replaces, false included",
			template: model.Spec{"init": true}, overrides: model.Spec{"init": false},
			want: model.Spec{"init": false}, wantOrigins: origins{"init": ovr}},

		// argv
		{name: "argv not overridden keeps the template list",
			template: model.Spec{"command": []any{"mysqld"}}, overrides: model.Spec{},
			want: model.Spec{"command": []any{"mysqld"}}, wantOrigins: origins{"command": tpl}},
		{name: "argv override replaces the whole list",
			template: model.Spec{"command": []any{"mysqld", "--a"}}, overrides: model.Spec{"command": []any{"mysqld", "--b", "--c"}},
			want: model.Spec{"command": []any{"mysqld", "--b", "--c"}}, wantOrigins: origins{"command": ovr}},
		{name: "argv overridden to empty list is an empty list",
			template: model.Spec{"entrypoint": []any{"docker-entrypoint.sh"}}, overrides: model.Spec{"entrypoint": []any{}},
			want: model.Spec{"entrypoint": []any{}}, wantOrigins: origins{"entrypoint": ovr}},
		{name: "argv overridden to nil is removed",
			template: model.Spec{"command": []any{"mysqld"}}, overrides: model.Spec{"command": nil},
			want: model.Spec{}, wantOrigins: origins{}},

		// keyed map
		{name: "map not overridden keeps template keys",
			template: model.Spec{"environment": map[string]any{"A": "1"}}, overrides: model.Spec{},
			want:        model.Spec{"environment": map[string]any{"A": "1"}},
			wantOrigins: origins{"environment": tpl, "environment.A": tpl}},
		{name: "map merges by key, override keys win",
			template:    model.Spec{"environment": map[string]any{"A": "1", "B": "2"}},
			overrides:   model.Spec{"environment": map[string]any{"B": "two", "C": "3"}},
			want:        model.Spec{"environment": map[string]any{"A": "1", "B": "two", "C": "3"}},
			wantOrigins: origins{"environment": ovr, "environment.A": tpl, "environment.B": ovr, "environment.C": ovr}},
		{name: "map nil deletes the key",
			template:    model.Spec{"environment": map[string]any{"A": "1", "B": "2"}},
			overrides:   model.Spec{"environment": map[string]any{"A": nil}},
			want:        model.Spec{"environment": map[string]any{"B": "2"}},
			wantOrigins: origins{"environment": ovr, "environment.B": tpl}},
		{name: "map delete of a missing key is a no-op",
			template:    model.Spec{"environment": map[string]any{"A": "1"}},
			overrides:   model.Spec{"environment": map[string]any{"Z": nil}},
			want:        model.Spec{"environment": map[string]any{"A": "1"}},
			wantOrigins: origins{"environment": tpl, "environment.A": tpl}},
		{name: "map empty override merges nothing",
			template:    model.Spec{"environment": map[string]any{"A": "1"}},
			overrides:   model.Spec{"environment": map[string]any{}},
			want:        model.Spec{"environment": map[string]any{"A": "1"}},
			wantOrigins: origins{"environment": tpl, "environment.A": tpl}},
		{name: "map deleting every key leaves an empty map",
			template:    model.Spec{"environment": map[string]any{"A": "1", "B": "2"}},
			overrides:   model.Spec{"environment": map[string]any{"A": nil, "B": nil}},
			want:        model.Spec{"environment": map[string]any{}},
			wantOrigins: origins{"environment": ovr}},
		{name: "map overridden to nil is removed with all its keys",
			template:  model.Spec{"environment": map[string]any{"A": "1"}},
			overrides: model.Spec{"environment": nil},
			want:      model.Spec{}, wantOrigins: origins{}},
		{name: "map set only by the override",
			template:    model.Spec{},
			overrides:   model.Spec{"labels": map[string]any{"team": "web"}},
			want:        model.Spec{"labels": map[string]any{"team": "web"}},
			wantOrigins: origins{"labels": ovr, "labels.team": ovr}},
		{name: "map deletions over a map the template lacks add nothing",
			template: model.Spec{}, overrides: model.Spec{"labels": map[string]any{"team": nil}},
			want: model.Spec{}, wantOrigins: origins{}},
		{name: "map empty override over a map the template lacks adds nothing",
			template: model.Spec{}, overrides: model.Spec{"labels": map[string]any{}},
			want: model.Spec{}, wantOrigins: origins{}},
		{name: "map override of a key to the same value is still the override's",
			template:    model.Spec{"environment": map[string]any{"A": "1"}},
			overrides:   model.Spec{"environment": map[string]any{"A": "1"}},
			want:        model.Spec{"environment": map[string]any{"A": "1"}},
			wantOrigins: origins{"environment": ovr, "environment.A": ovr}},
		{name: "map values that are numbers and booleans become strings",
			template:    model.Spec{"environment": map[string]any{"PORT": 3306, "RATIO": 0.5}},
			overrides:   model.Spec{"environment": map[string]any{"DEBUG": true, "BIG": int64(9007199254740993)}},
			want:        model.Spec{"environment": map[string]any{"PORT": "3306", "RATIO": "0.5", "DEBUG": "true", "BIG": "9007199254740993"}},
			wantOrigins: origins{"environment": ovr, "environment.PORT": tpl, "environment.RATIO": tpl, "environment.DEBUG": ovr, "environment.BIG": ovr}},
		{name: "map value overridden to empty string is kept",
			template:    model.Spec{"environment": map[string]any{"A": "1"}},
			overrides:   model.Spec{"environment": map[string]any{"A": ""}},
			want:        model.Spec{"environment": map[string]any{"A": ""}},
			wantOrigins: origins{"environment": ovr, "environment.A": ovr}},

		// list
		{name: "list not overridden keeps the template list",
			template: model.Spec{"ports": []any{"3306:3306"}}, overrides: model.Spec{},
			want: model.Spec{"ports": []any{"3306:3306"}}, wantOrigins: origins{"ports": tpl}},
		{name: "list override replaces the whole list",
			template: model.Spec{"ports": []any{"3306:3306", "33060:33060"}}, overrides: model.Spec{"ports": []any{"13306:3306"}},
			want: model.Spec{"ports": []any{"13306:3306"}}, wantOrigins: origins{"ports": ovr}},
		{name: "list overridden to empty is an empty list",
			template: model.Spec{"volumes": []any{"data:/var/lib/mysql"}}, overrides: model.Spec{"volumes": []any{}},
			want: model.Spec{"volumes": []any{}}, wantOrigins: origins{"volumes": ovr}},
		{name: "list overridden to nil is removed",
			template: model.Spec{"ports": []any{"3306:3306"}}, overrides: model.Spec{"ports": nil},
			want: model.Spec{}, wantOrigins: origins{}},
		{name: "list given as []string is copied as []any",
			template: model.Spec{"ports": []string{"80:80"}}, overrides: model.Spec{"dns": []string{"1.1.1.1"}},
			want: model.Spec{"ports": []any{"80:80"}, "dns": []any{"1.1.1.1"}}, wantOrigins: origins{"ports": tpl, "dns": ovr}},

		// object
		{name: "object not overridden keeps the template object",
			template: model.Spec{"healthcheck": hc()}, overrides: model.Spec{},
			want:        model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "mysqladmin", "ping"}, "interval": "10s", "retries": 3.0}},
			wantOrigins: origins{"healthcheck": tpl}},
		{name: "object override replaces the whole object, keys are not merged",
			template: model.Spec{"healthcheck": hc()}, overrides: model.Spec{"healthcheck": map[string]any{"test": "true", "retries": 5}},
			want: model.Spec{"healthcheck": map[string]any{"test": "true", "retries": 5.0}}, wantOrigins: origins{"healthcheck": ovr}},
		{name: "object overridden to empty is an empty object",
			template: model.Spec{"logging": map[string]any{"driver": "local"}}, overrides: model.Spec{"logging": map[string]any{}},
			want: model.Spec{"logging": map[string]any{}}, wantOrigins: origins{"logging": ovr}},
		{name: "object overridden to nil is removed",
			template: model.Spec{"healthcheck": hc()}, overrides: model.Spec{"healthcheck": nil},
			want: model.Spec{}, wantOrigins: origins{}},
		{name: "object nested keys are replaced as a whole",
			template:    model.Spec{"deploy": map[string]any{"resources": map[string]any{"limits": map[string]any{"memory": "512m", "cpus": "1"}}, "replicas": 1}},
			overrides:   model.Spec{"deploy": map[string]any{"resources": map[string]any{"limits": map[string]any{"memory": "1g"}}}},
			want:        model.Spec{"deploy": map[string]any{"resources": map[string]any{"limits": map[string]any{"memory": "1g"}}}},
			wantOrigins: origins{"deploy": ovr}},
		{name: "object set only by the override",
			template: model.Spec{}, overrides: model.Spec{"logging": map[string]any{"driver": "local"}},
			want: model.Spec{"logging": map[string]any{"driver": "local"}}, wantOrigins: origins{"logging": ovr}},

		// restart: DevArch's only default
		{name: "restart defaults when neither side sets it", noDefault: true,
			template: model.Spec{"image": "redis:7"}, overrides: nil,
			want: model.Spec{"image": "redis:7", "restart": "unless-stopped"}, wantOrigins: origins{"image": tpl, "restart": dft}},
		{name: "restart from the template", noDefault: true,
			template: model.Spec{"restart": "always"}, overrides: nil,
			want: model.Spec{"restart": "always"}, wantOrigins: origins{"restart": tpl}},
		{name: "restart from the override", noDefault: true,
			template: model.Spec{"restart": "always"}, overrides: model.Spec{"restart": "no"},
			want: model.Spec{"restart": "no"}, wantOrigins: origins{"restart": ovr}},
		{name: "restart overridden over the default", noDefault: true,
			template: model.Spec{}, overrides: model.Spec{"restart": "on-failure"},
			want: model.Spec{"restart": "on-failure"}, wantOrigins: origins{"restart": ovr}},
		{name: "restart overridden to nil is removed and not defaulted", noDefault: true,
			template: model.Spec{"restart": "always"}, overrides: model.Spec{"restart": nil},
			want: model.Spec{}, wantOrigins: origins{}},
		{name: "restart overridden is kept", noDefault: true,
			template: model.Spec{}, overrides: model.Spec{"restart": "no"},
			want: model.Spec{"restart": "no"}, wantOrigins: origins{"restart": ovr}},
		{name: "a scalar overridden to empty is kept",
			template: model.Spec{"user": "app"}, overrides: model.Spec{"user": ""},
			want: model.Spec{"user": ""}, wantOrigins: origins{"user": ovr}},

		// everything at once
		{name: "every kind in one service",
			template: model.Spec{
				"image": "mysql:8.4", "command": []any{"mysqld"}, "environment": map[string]any{"MYSQL_DATABASE": "app", "TZ": "UTC"},
				"ports": []any{"3306:3306"}, "healthcheck": hc(), "init": true,
			},
			overrides: model.Spec{
				"image": "mysql:9.0", "environment": map[string]any{"TZ": nil, "MYSQL_USER": "app"},
				"ports": []any{}, "healthcheck": nil, "working_dir": "/srv",
			},
			want: model.Spec{
				"image": "mysql:9.0", "command": []any{"mysqld"}, "environment": map[string]any{"MYSQL_DATABASE": "app", "MYSQL_USER": "app"},
				"ports": []any{}, "init": true, "working_dir": "/srv",
			},
			wantOrigins: origins{
				"image": ovr, "command": tpl, "environment": ovr, "environment.MYSQL_DATABASE": tpl, "environment.MYSQL_USER": ovr,
				"ports": ovr, "init": tpl, "working_dir": ovr,
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, wantOrigins := tc.want, tc.wantOrigins
			if !tc.noDefault {
				want, wantOrigins = withDefaultRestart(want, wantOrigins)
			}
			got, err := Resolve(model.Template{Name: "mysql", Service: tc.template}, model.Instance{Stack: "shop", Name: "db", Template: "mysql", Overrides: tc.overrides})
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if !reflect.DeepEqual(got.Spec, want) {
				t.Errorf("Spec\n got %#v\nwant %#v", got.Spec, want)
			}
			if !reflect.DeepEqual(got.Origins, wantOrigins) {
				t.Errorf("Origins\n got %v\nwant %v", got.Origins, wantOrigins)
			}
			if got.Instance != "db" || got.Template != "mysql" || got.DependsOn != nil {
				t.Errorf("identity: got Instance %q Template %q DependsOn %v", got.Instance, got.Template, got.DependsOn)
			}
			assertOriginsCoverSpec(t, got)
			assertNoNil(t, "", got.Spec)
		})
	}
}

// assertOriginsCoverSpec checks the invariant that every field (and every keyed-map key) of
// the result has an origin, and that nothing absent has one.
func assertOriginsCoverSpec(t *testing.T, e model.EffectiveService) {
	t.Helper()
	want := map[string]bool{}
	for name, v := range e.Spec {
		want[name] = true
		if def, _ := model.LookupField(name); def.Kind == model.FieldMap {
			for k := range v.(map[string]any) {
				want[name+"."+k] = true
			}
		}
	}
	for path := range e.Origins {
		if !want[path] {
			t.Errorf("origin for %q, which is not in the spec", path)
		}
		delete(want, path)
	}
	for path := range want {
		t.Errorf("no origin for %q", path)
	}
}

func assertNoNil(t *testing.T, path string, v any) {
	t.Helper()
	switch x := v.(type) {
	case nil:
		t.Errorf("nil value at %q", path)
	case model.Spec:
		for k, y := range x {
			assertNoNil(t, k, y)
		}
	case map[string]any:
		for k, y := range x {
			assertNoNil(t, path+"."+k, y)
		}
	case []any:
		for i, y := range x {
			assertNoNil(t, fmt.Sprintf("%s[%d]", path, i), y)
		}
	case string, bool, float64:
	default:
		t.Errorf("non-canonical %T at %q", v, path)
	}
}

func TestResolve_DeepCopy(t *testing.T) {
	env := map[string]any{"A": "1"}
	test := []any{"CMD", "true"}
	ports := []string{"80:80"}
	template := model.Template{Name: "web", Service: model.Spec{
		"image": "nginx:1.27", "environment": env, "ports": ports,
		"healthcheck": map[string]any{"test": test, "retries": 3},
	}}
	overEnv := map[string]any{"B": "2"}
	deploy := map[string]any{"resources": map[string]any{"limits": map[string]any{"memory": "1g"}}}
	command := []any{"nginx", "-g", "daemon off;"}
	inst := model.Instance{Name: "web", Template: "web", Overrides: model.Spec{
		"environment": overEnv, "deploy": deploy, "command": command,
	}}

	got, err := Resolve(template, inst)
	if err != nil {
		t.Fatal(err)
	}
	before := fmt.Sprintf("%#v", got)

	// Mutate every input in place.
	env["A"] = "changed"
	env["NEW"] = "x"
	test[1] = "false"
	ports[0] = "9999:80"
	template.Service["image"] = "other"
	overEnv["B"] = "changed"
	deploy["resources"].(map[string]any)["limits"].(map[string]any)["memory"] = "2g"
	command[0] = "sh"
	inst.Overrides["user"] = "root"

	if after := fmt.Sprintf("%#v", got); after != before {
		t.Fatalf("result changed when the inputs did:\nbefore %s\nafter  %s", before, after)
	}

	// And the other way: mutating the result must not reach the inputs.
	inputsBefore := fmt.Sprintf("%#v %#v", template, inst)
	got.Spec["environment"].(map[string]any)["A"] = "mutated"
	got.Spec["healthcheck"].(map[string]any)["test"].([]any)[0] = "NONE"
	got.Spec["command"].([]any)[0] = "mutated"
	got.Spec["deploy"].(map[string]any)["resources"] = nil
	if inputsAfter := fmt.Sprintf("%#v %#v", template, inst); inputsAfter != inputsBefore {
		t.Fatalf("inputs changed when the result did:\nbefore %s\nafter  %s", inputsBefore, inputsAfter)
	}
}

func TestResolve_Deterministic(t *testing.T) {
	template := model.Template{Name: "app", Service: model.Spec{
		"image":       "php:8.3",
		"environment": map[string]any{"A": "1", "B": "2", "C": "3", "D": "4", "E": "5", "F": "6"},
		"labels":      map[string]any{"x": "1", "y": "2"},
		"ports":       []any{"8000:8000", "9000:9000"},
		"deploy":      map[string]any{"a": 1, "b": map[string]any{"c": []any{1, 2}}},
	}}
	inst := model.Instance{Name: "app", Template: "app", Overrides: model.Spec{
		"environment": map[string]any{"B": nil, "G": "7", "H": 8},
		"labels":      map[string]any{"z": "3"},
		"user":        "1000",
	}}
	first, err := Resolve(template, inst)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%#v", first) // fmt prints maps sorted by key
	for i := 0; i < 50; i++ {
		got, err := Resolve(template, inst)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, first) || fmt.Sprintf("%#v", got) != want {
			t.Fatalf("run %d differs:\n got %#v\nwant %s", i, got, want)
		}
	}
}

func TestResolve_InvalidInputs(t *testing.T) {
	tests := []struct {
		name      string
		template  model.Template
		inst      model.Instance
		wantKind  model.Kind
		wantField string
		wantIn    []string
	}{
		{name: "invalid template names the template",
			template: model.Template{Name: "mysql", Service: model.Spec{"image": 5}},
			inst:     model.Instance{Name: "db", Template: "mysql"},
			wantKind: model.KindInvalid, wantField: "image", wantIn: []string{`image: template "mysql": must be a string`}},
		{name: "nil in a template is invalid",
			template: model.Template{Name: "mysql", Service: model.Spec{"user": nil}},
			inst:     model.Instance{Name: "db", Template: "mysql"},
			wantKind: model.KindInvalid, wantField: "user", wantIn: []string{"must not be null in a template"}},
		{name: "invalid overrides name the instance",
			template: model.Template{Name: "mysql", Service: model.Spec{"image": "mysql:8.4"}},
			inst:     model.Instance{Name: "db", Template: "mysql", Overrides: model.Spec{"ports": 3306}},
			wantKind: model.KindInvalid, wantField: "ports", wantIn: []string{`ports: instance "db": must be a list of strings`}},
		{name: "unknown override field",
			template: model.Template{Name: "mysql", Service: model.Spec{"image": "mysql:8.4"}},
			inst:     model.Instance{Name: "db", Template: "mysql", Overrides: model.Spec{"imagee": "x"}},
			wantKind: model.KindInvalid, wantField: "imagee", wantIn: []string{"unknown field", `"image"`}},
		{name: "instance of another template is a bug",
			template: model.Template{Name: "mysql", Service: model.Spec{}},
			inst:     model.Instance{Name: "db", Template: "postgres"},
			wantKind: model.KindInternal, wantIn: []string{`"postgres"`, `"mysql"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Resolve(tc.template, tc.inst)
			if err == nil {
				t.Fatal("Resolve: want an error, got none")
			}
			var e *model.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not a *model.Error: %v", err, err)
			}
			if e.Kind != tc.wantKind || e.Field != tc.wantField {
				t.Errorf("got kind %v field %q, want %v %q (%v)", e.Kind, e.Field, tc.wantKind, tc.wantField, err)
			}
			for _, s := range tc.wantIn {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

func TestResolve_NormalizeOverrides(t *testing.T) {
	in := model.Spec{
		"environment": map[any]any{"PORT": 3306, "DEBUG": false, "GONE": nil},
		"ports":       []string{"80:80"},
		"healthcheck": map[string]any{"test": "true", "retries": 3},
		"user":        nil,
	}
	got, err := NormalizeOverrides(in)
	if err != nil {
		t.Fatal(err)
	}
	want := model.Spec{
		"environment": map[string]any{"PORT": "3306", "DEBUG": "false", "GONE": nil},
		"ports":       []any{"80:80"},
		"healthcheck": map[string]any{"test": "true", "retries": 3.0},
		"user":        nil,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
	if empty, err := NormalizeOverrides(nil); err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("NormalizeOverrides(nil) = %#v, %v; want an empty, non-nil Spec", empty, err)
	}
	if _, err := NormalizeOverrides(model.Spec{"image": 5}); err == nil {
		t.Error("NormalizeOverrides accepted image: 5")
	}
}
