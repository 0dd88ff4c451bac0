package wiring

import (
	"reflect"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

func TestFromStackAndApplyTo(t *testing.T) {
	templates := map[string]model.Template{
		"mysql": {Name: "mysql", Provides: []model.Provide{{Contract: "mysql", Values: map[string]string{"host": "${host}", "user": "${env.MYSQL_USER}"}}}},
		"php":   {Name: "php", Consumes: []model.Consume{{Contract: "mysql", Required: true, Env: map[string]string{"DB_HOST": "host", "DB_USER": "user"}}}},
	}
	services := []model.EffectiveService{
		{Instance: "app", Template: "php", Spec: model.Spec{"image": "php", "environment": map[string]any{"DB_USER": "mine", "X": "1"}},
			Origins: map[string]model.Origin{"image": model.OriginTemplate, "environment": model.OriginOverride, "environment.DB_USER": model.OriginOverride, "environment.X": model.OriginTemplate}},
		{Instance: "db", Template: "mysql", Spec: model.Spec{"image": "mysql", "environment": map[string]any{"MYSQL_USER": "app"},
			"healthcheck": map[string]any{"test": []any{"CMD", "true"}}}},
		{Instance: "lone", Template: "php", Spec: model.Spec{"image": "php"}},
	}
	instances := []model.Instance{{Name: "app", Overrides: model.Spec{"environment": map[string]any{"DB_USER": "mine", "GONE": nil}}}}
	in := FromStack(services, templates, instances)
	if !in[1].Healthcheck || in[0].Healthcheck || !reflect.DeepEqual(in[0].UserEnv, map[string]bool{"DB_USER": true}) {
		t.Fatalf("FromStack = %+v", in)
	}
	// lone wants mysql too and has no hand-set variables: it gets a wire of its own.
	r := Resolve(Input{Stack: "s", Instances: in})
	out := r.ApplyTo(services)
	app := out[0]
	if want := map[string]any{"DB_USER": "mine", "X": "1", "DB_HOST": "db"}; !reflect.DeepEqual(app.Spec["environment"], want) {
		t.Errorf("app environment = %v, want %v", app.Spec["environment"], want)
	}
	if app.Origins["environment.DB_HOST"] != model.OriginWiring || app.Origins["environment.DB_USER"] != model.OriginOverride {
		t.Errorf("origins = %v", app.Origins)
	}
	if !reflect.DeepEqual(app.DependsOn, map[string]bool{"db": true}) {
		t.Errorf("depends_on = %v", app.DependsOn)
	}
	lone := out[2]
	if lone.Origins["environment"] != model.OriginWiring || lone.Spec["environment"].(map[string]any)["DB_USER"] != "app" {
		t.Errorf("lone = %+v", lone)
	}
	if _, touched := services[0].Spec["environment"].(map[string]any)["DB_HOST"]; touched || services[2].Spec["environment"] != nil {
		t.Error("ApplyTo changed its input")
	}
	want := []Problem{{SeverityWarning, "app: DB_USER set by hand shadows the wire to db (mysql.user)",
		"Your value is used. To take the wired one, remove yours: devarch instance set s app --unset environment.DB_USER", "app", "environment.DB_USER"}}
	if !reflect.DeepEqual(r.Problems, want) {
		t.Errorf("problems = %q", r.Problems)
	}
}

func TestIsCycle(t *testing.T) {
	if !(Problem{SeverityError, CyclePrefix + "a -> b -> a", "fix", "a", "depends_on"}).IsCycle() {
		t.Error("a cycle")
	}
	if (Problem{SeverityError, "x", "", "x", "consumes.y"}).IsCycle() || (Problem{SeverityError, CyclePrefix + "a", "", "a", "consumes.y"}).IsCycle() {
		t.Error("not a cycle")
	}
}

func TestHasHealthcheck(t *testing.T) {
	for _, tc := range []struct {
		spec model.Spec
		want bool
	}{
		{model.Spec{}, false},
		{model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "true"}}}, true},
		{model.Spec{"healthcheck": map[string]any{"test": []any{"NONE"}}}, false},
		{model.Spec{"healthcheck": map[string]any{"disable": true}}, false},
	} {
		if got := HasHealthcheck(tc.spec); got != tc.want {
			t.Errorf("HasHealthcheck(%v) = %v", tc.spec, got)
		}
	}
}
