package compose_test

import (
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

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

// FuzzConfigContent: any config content either is refused naming the file, or reaches the
// compose file so that compose's interpolation ($$ -> $) gives back exactly the content
// with ${env.A} filled in ("1") and other ${env.X} emptied.
func FuzzConfigContent(f *testing.F) {
	for _, s := range []string{"", "plain\n", "${env.A}", "${env.B}x", "$uri $$ $", "${env.A", "${env.}", "a\r\nb", "\x00", "${secret:x}", "é\t${env.A}${env.A}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		st := model.EffectiveStack{Name: "s", Services: []model.EffectiveService{{Instance: "web", Spec: model.Spec{
			"image": "busybox:1", "environment": map[string]any{"A": "1"}, "configs": map[string]any{"/f": content},
		}}}}
		y, err := compose.Generate(st)
		if err != nil {
			if e := model.AsError(err); e.Field != "configs./f" && e.Field != "configs" {
				t.Fatalf("error %v names field %q", err, e.Field)
			}
			return
		}
		if strings.Contains(content, "${secret:") {
			return // interpolated from the environment at apply time
		}
		var doc struct {
			Configs map[string]struct {
				Content string `yaml:"content"`
			} `yaml:"configs"`
		}
		if err := yaml.Unmarshal(y, &doc); err != nil {
			t.Fatal(err)
		}
		got := strings.ReplaceAll(doc.Configs[compose.ConfigName("web", "/f")].Content, "$$", "$")
		want := regexp.MustCompile(`\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}`).ReplaceAllStringFunc(content, func(r string) string {
			if r == "${env.A}" {
				return "1"
			}
			return ""
		})
		if got != want {
			t.Fatalf("content %q reached compose as %q, want %q", content, got, want)
		}
	})
}
