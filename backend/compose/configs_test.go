package compose_test

import (
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
)

// A config file is keyed by an absolute, clean container path and holds text; anything else
// is refused naming the key and what to write.
func TestConfigs_BadInput(t *testing.T) {
	for _, c := range []struct {
		configs map[string]any
		field   string
		want    string
	}{
		{map[string]any{"etc/app.conf": "x"}, "configs.etc/app.conf", "not an absolute file path"},
		{map[string]any{"/etc/../app.conf": "x"}, "configs./etc/../app.conf", "not an absolute file path"},
		{map[string]any{"/etc/app/": "x"}, "configs./etc/app/", "not an absolute file path"},
		{map[string]any{"/": "x"}, "configs./", "not an absolute file path"},
		{map[string]any{"/etc/app.conf": []any{"x"}}, "configs./etc/app.conf", "must be the file's content as a string"},
	} {
		es := model.EffectiveService{Instance: "app", Spec: model.Spec{"image": "busybox:1", "configs": c.configs}}
		problems := compose.CheckService(es)
		if len(problems) != 1 || problems[0].Field != c.field || !strings.Contains(problems[0].Summary, c.want) {
			t.Errorf("%v: problems %+v, want one on %s containing %q", c.configs, problems, c.field, c.want)
		}
	}
}

// Rendering: ${env.NAME} from the service's environment (empty when absent), $ literal,
// a distinct config per path, and the same bytes for the same input.
func TestConfigs_Rendered(t *testing.T) {
	st := model.EffectiveStack{Name: "s", Services: []model.EffectiveService{{Instance: "web", Spec: model.Spec{
		"image":       "busybox:1",
		"environment": map[string]any{"UP": "php"},
		"configs":     map[string]any{"/a/b.conf": "pass ${env.UP}:${env.MISSING}; $uri", "/a_b.conf": "x"},
	}}}}
	y, err := compose.Generate(st)
	if err != nil {
		t.Fatal(err)
	}
	out := string(y)
	for _, want := range []string{`content: pass php:; $$uri`, "target: /a/b.conf", "target: /a_b.conf"} {
		if !strings.Contains(out, want) {
			t.Errorf("compose lacks %q:\n%s", want, out)
		}
	}
	if compose.ConfigName("web", "/a/b.conf") == compose.ConfigName("web", "/a_b.conf") {
		t.Error("two paths share a config name")
	}
}
