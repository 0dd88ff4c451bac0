package resolve

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

// checkInvalid asserts err is a *model.Error of KindInvalid at field whose message holds
// every string of wantIn.
func checkInvalid(t *testing.T, err error, field string, wantIn ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error at %q, got none", field)
	}
	var e *model.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not a *model.Error: %v", err, err)
	}
	if e.Kind != model.KindInvalid {
		t.Errorf("kind %v, want invalid (%v)", e.Kind, err)
	}
	if e.Field != field {
		t.Errorf("field %q, want %q (%v)", e.Field, field, err)
	}
	if e.Detail == "" {
		t.Errorf("no detail saying what to do (%v)", err)
	}
	for _, s := range wantIn {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
}

func TestResolve_ValidateOverrides(t *testing.T) {
	type weird struct{}
	tests := []struct {
		name      string
		spec      model.Spec
		wantField string // "" = valid
		wantIn    []string
	}{
		// valid
		{name: "nil delta", spec: nil},
		{name: "empty delta", spec: model.Spec{}},
		{name: "one of each kind", spec: model.Spec{
			"image": "mysql:8.4", "init": true, "command": []any{"mysqld"}, "environment": map[string]any{"A": "1"},
			"ports": []any{"3306:3306"}, "healthcheck": map[string]any{"test": []any{"CMD", "true"}, "interval": "10s", "retries": 3.0, "disable": false},
		}},
		{name: "nil removes a field of every kind", spec: model.Spec{
			"image": nil, "init": nil, "command": nil, "environment": nil, "ports": nil, "healthcheck": nil, "deploy": nil,
		}},
		{name: "empty values of every kind", spec: model.Spec{
			"image": "", "command": []any{}, "environment": map[string]any{}, "ports": []any{}, "logging": map[string]any{},
		}},
		{name: "map values may be numbers, booleans or nil", spec: model.Spec{
			"environment": map[string]any{"PORT": 3306, "RATIO": 0.5, "DEBUG": true, "GONE": nil},
		}},
		{name: "integers from JSON and YAML", spec: model.Spec{"healthcheck": map[string]any{"test": "true", "retries": 3}}},
		{name: "integral float is an integer", spec: model.Spec{"healthcheck": map[string]any{"test": "true", "retries": 3.0}}},
		{name: "healthcheck test as a string", spec: model.Spec{"healthcheck": map[string]any{"test": "curl -f localhost"}}},
		{name: "object without a Sub table takes any structure", spec: model.Spec{
			"deploy": map[string]any{"resources": map[string]any{"limits": map[string]any{"memory": "512m", "cpus": 1.5}}},
		}},
		{name: "Go literal types", spec: model.Spec{
			"ports": []string{"80:80"}, "labels": map[string]string{"team": "web"},
		}},
		{name: "YAML map with non-string keys", spec: model.Spec{
			"ulimits": map[any]any{"nofile": map[any]any{"soft": 1024, "hard": 2048}},
			"labels":  map[any]any{8080: "port", true: "yes"},
		}},

		// unknown fields
		{name: "unknown field suggests the closest", spec: model.Spec{"imgae": "x"},
			wantField: "imgae", wantIn: []string{"imgae: unknown field", `Did you mean "image"?`, "Valid fields: build, cap_add, cap_drop, command,"}},
		{name: "unknown field singular of a list", spec: model.Spec{"port": "x"},
			wantField: "port", wantIn: []string{`Did you mean "ports"?`}},
		{name: "unknown field alias", spec: model.Spec{"cmd": "x"},
			wantField: "cmd", wantIn: []string{`Did you mean "command"?`}},
		{name: "unknown field prefix", spec: model.Spec{"health": "x"},
			wantField: "health", wantIn: []string{`Did you mean "healthcheck"?`}},
		{name: "unknown field with nothing close lists the valid fields", spec: model.Spec{"zzzzzzzz": 1},
			wantField: "zzzzzzzz", wantIn: []string{"unknown field: Valid fields: build,", "working_dir."}},
		{name: "field DevArch owns", spec: model.Spec{"container_name": "x"},
			wantField: "container_name", wantIn: []string{"is set by DevArch", "devarch-{stack}-{instance}"}},
		{name: "depends_on is a mapping; wiring adds its own", spec: model.Spec{"depends_on": []any{"db"}},
			wantField: "depends_on", wantIn: []string{"must be an object", "wiring"}},

		// scalars
		{name: "image: 5", spec: model.Spec{"image": 5},
			wantField: "image", wantIn: []string{"image: must be a string", "Got a number (5)", "mysql:8.4", `"5"`}},
		{name: "image: true", spec: model.Spec{"image": true},
			wantField: "image", wantIn: []string{"must be a string", "a boolean (true)"}},
		{name: "image: a list", spec: model.Spec{"image": []any{"a"}},
			wantField: "image", wantIn: []string{"must be a string", "Got a list"}},
		{name: "init: \"yes\"", spec: model.Spec{"init": "yes"},
			wantField: "init", wantIn: []string{"init: must be a boolean", `a string ("yes")`, "true or false"}},
		{name: "unsupported Go value", spec: model.Spec{"user": weird{}},
			wantField: "user", wantIn: []string{"must be a string", "Go type"}},

		// argv and lists
		{name: "ports: 8080", spec: model.Spec{"ports": 8080},
			wantField: "ports", wantIn: []string{`ports: must be a list of strings, e.g. ["8080:80"]`, "Got a number (8080)"}},
		{name: "ports as a single string suggests the one-item list", spec: model.Spec{"ports": "8080:80"},
			wantField: "ports", wantIn: []string{`must be a list of strings`, `["8080:80"]`}},
		{name: "command as a string suggests its arguments", spec: model.Spec{"command": "php artisan serve"},
			wantField: "command", wantIn: []string{"command: must be a list of strings", `["php", "artisan", "serve"]`}},
		{name: "list item of the wrong type is reported at its index", spec: model.Spec{"ports": []any{"80:80", 8080}},
			wantField: "ports[1]", wantIn: []string{"ports[1]: must be a string", "Got a number (8080)"}},
		{name: "argv item of the wrong type", spec: model.Spec{"command": []any{"sleep", 10}},
			wantField: "command[1]", wantIn: []string{"must be a string", `"10"`}},
		{name: "nil list item", spec: model.Spec{"volumes": []any{nil}},
			wantField: "volumes[0]", wantIn: []string{"must not be null", "remove the item"}},

		// keyed maps
		{name: "environment: [1,2]", spec: model.Spec{"environment": []any{1, 2}},
			wantField: "environment", wantIn: []string{"environment: must be a map of names to values", "Got a list", `["NAME=value"]`}},
		{name: "environment as a string", spec: model.Spec{"environment": "A=1"},
			wantField: "environment", wantIn: []string{"must be a map"}},
		{name: "environment: {A: [1]}", spec: model.Spec{"environment": map[string]any{"A": []any{1}}},
			wantField: "environment.A", wantIn: []string{"environment.A: must be a string, number or boolean", "Got a list"}},
		{name: "environment value is an object", spec: model.Spec{"labels": map[string]any{"x": map[string]any{"y": "z"}}},
			wantField: "labels.x", wantIn: []string{"Got an object"}},
		{name: "environment with an empty key", spec: model.Spec{"environment": map[string]any{"": "x"}},
			wantField: "environment", wantIn: []string{"empty key"}},
		{name: "map keys that are numbers become names", spec: model.Spec{"labels": map[any]any{"ok": "1", 1.5: "3"}}},
		{name: "map key that is a boolean becomes a name", spec: model.Spec{"labels": map[any]any{true: "1"}}},

		// objects
		{name: "healthcheck: {retries: \"x\"}", spec: model.Spec{"healthcheck": map[string]any{"retries": "x"}},
			wantField: "healthcheck.retries", wantIn: []string{"healthcheck.retries: must be an integer", `a string ("x")`}},
		{name: "healthcheck retries not whole", spec: model.Spec{"healthcheck": map[string]any{"retries": 1.5}},
			wantField: "healthcheck.retries", wantIn: []string{"must be an integer", "a number (1.5)"}},
		{name: "healthcheck: {bogus: 1}", spec: model.Spec{"healthcheck": map[string]any{"bogus": 1}},
			wantField: "healthcheck.bogus", wantIn: []string{"healthcheck.bogus: unknown key", "Valid keys of healthcheck: disable, interval, retries, start_interval, start_period, test, timeout."}},
		{name: "healthcheck misspelled key", spec: model.Spec{"healthcheck": map[string]any{"retry": 1}},
			wantField: "healthcheck.retry", wantIn: []string{`Did you mean "retries"?`}},
		{name: "healthcheck interval as a number", spec: model.Spec{"healthcheck": map[string]any{"interval": 10}},
			wantField: "healthcheck.interval", wantIn: []string{"must be a string", "duration with a unit, e.g. 10s"}},
		{name: "healthcheck disable as a string", spec: model.Spec{"healthcheck": map[string]any{"disable": "true"}},
			wantField: "healthcheck.disable", wantIn: []string{"must be a boolean"}},
		{name: "nil inside an object", spec: model.Spec{"healthcheck": map[string]any{"interval": nil}},
			wantField: "healthcheck.interval", wantIn: []string{"must not be null", "omit the key"}},
		{name: "nil deep inside an any value", spec: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", nil}}},
			wantField: "healthcheck.test[1]", wantIn: []string{"must not be null"}},
		{name: "nil inside an object without a Sub table", spec: model.Spec{"deploy": map[string]any{"resources": map[string]any{"limits": nil}}},
			wantField: "deploy.resources.limits", wantIn: []string{"must not be null"}},
		{name: "healthcheck as a string", spec: model.Spec{"healthcheck": "curl localhost"},
			wantField: "healthcheck", wantIn: []string{"healthcheck: must be an object", "Keys: disable, interval"}},
		{name: "deploy as a list", spec: model.Spec{"deploy": []any{"x"}},
			wantField: "deploy", wantIn: []string{"must be an object", "Got a list"}},
		{name: "unsupported value inside an object", spec: model.Spec{"deploy": map[string]any{"x": weird{}}},
			wantField: "deploy.x", wantIn: []string{"unsupported value"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateOverrides(tc.spec)
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			checkInvalid(t, err, tc.wantField, tc.wantIn...)
		})
	}
}

func TestResolve_ValidateOverridesBadMapKeys(t *testing.T) {
	err := ValidateOverrides(model.Spec{"labels": map[any]any{"ok": "1", fmt.Sprint(1): "2"}})
	if err != nil {
		t.Fatalf("scalar keys are names: %v", err)
	}
	err = ValidateOverrides(model.Spec{"labels": map[any]any{[2]int{1, 2}: "x"}})
	checkInvalid(t, err, "labels", "key that is not a name")
}

func TestResolve_ValidateOverridesAll(t *testing.T) {
	spec := model.Spec{
		"ports":       8080,
		"image":       5,
		"environment": map[string]any{"B": []any{1}, "A": map[string]any{}},
		"healthcheck": map[string]any{"retries": "x", "bogus": 1, "interval": "10s"},
		"nope":        true,
		"init":        "yes",
	}
	wantFields := []string{"environment.A", "environment.B", "healthcheck.bogus", "healthcheck.retries", "healthcheck.test", "image", "init", "nope", "ports"}
	for i := 0; i < 20; i++ { // map iteration order must not leak into the result
		errs := ValidateOverridesAll(spec)
		var fields []string
		for _, e := range errs {
			if e.Kind != model.KindInvalid {
				t.Errorf("%v: kind %v", e, e.Kind)
			}
			fields = append(fields, e.Field)
		}
		if !reflect.DeepEqual(fields, wantFields) {
			t.Fatalf("fields %v, want %v", fields, wantFields)
		}
		first := ValidateOverrides(spec)
		if first == nil || first.Error() != errs[0].Error() {
			t.Fatalf("ValidateOverrides = %v, want the first of ValidateOverridesAll: %v", first, errs[0])
		}
	}
	if errs := ValidateOverridesAll(model.Spec{"image": "x"}); errs != nil {
		t.Errorf("valid delta: got %v, want nil", errs)
	}
}

func TestResolve_ValidateTemplateSpec(t *testing.T) {
	tests := []struct {
		name      string
		spec      model.Spec
		wantField string
		wantIn    []string
	}{
		{name: "complete template", spec: model.Spec{
			"image": "mysql:8.4", "environment": map[string]any{"MYSQL_DATABASE": "app", "PORT": 3306},
			"ports": []any{"3306:3306"}, "healthcheck": map[string]any{"test": []any{"CMD", "true"}, "retries": 3},
		}},
		{name: "nil field", spec: model.Spec{"image": "x", "user": nil},
			wantField: "user", wantIn: []string{"user: must not be null in a template", "omit the field"}},
		{name: "nil object", spec: model.Spec{"healthcheck": nil},
			wantField: "healthcheck", wantIn: []string{"must not be null in a template"}},
		{name: "nil map value", spec: model.Spec{"environment": map[string]any{"A": nil}},
			wantField: "environment.A", wantIn: []string{"must not be null in a template", "remove the key"}},
		{name: "nil inside an object", spec: model.Spec{"logging": map[string]any{"driver": nil}},
			wantField: "logging.driver", wantIn: []string{"must not be null"}},
		{name: "same type rules as overrides", spec: model.Spec{"image": 5},
			wantField: "image", wantIn: []string{"image: must be a string"}},
		{name: "same unknown-field rule as overrides", spec: model.Spec{"enviroment": map[string]any{}},
			wantField: "enviroment", wantIn: []string{`Did you mean "environment"?`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateTemplateSpec(tc.spec)
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			checkInvalid(t, err, tc.wantField, tc.wantIn...)
			if all := ValidateTemplateSpecAll(tc.spec); len(all) == 0 || all[0].Error() != err.Error() {
				t.Errorf("ValidateTemplateSpecAll = %v, want %v first", all, err)
			}
		})
	}
}

// TestInstanceOnlyFields: depends_on, network_aliases and secrets name a stack's instances
// and secrets, so an instance's overrides may set them and a template may not.
func TestInstanceOnlyFields(t *testing.T) {
	for name, v := range map[string]any{
		"depends_on":      map[string]any{"db": map[string]any{"condition": "service_healthy"}},
		"network_aliases": []any{"Old_Name"},
		"secrets":         map[string]any{"/run/secrets/k": map[string]any{"source": "${secret:k}"}},
	} {
		if err := ValidateOverrides(model.Spec{name: v}); err != nil {
			t.Errorf("overrides %s: %v", name, err)
		}
		err := ValidateTemplateSpec(model.Spec{"image": "x", name: v})
		var e *model.Error
		if !errors.As(err, &e) || e.Field != name || !strings.Contains(e.Summary, "is set on instances, not templates") || e.Detail == "" {
			t.Errorf("template with %s: %v", name, err)
		}
	}
}
