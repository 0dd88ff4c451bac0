package composeimport

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/resolve"
)

// FuzzConvert: any compose file either is refused with an invalid *model.Error, or gives
// a stack whose templates validate, survive their template document unchanged, and hold
// no moved secret's value in plaintext.
func FuzzConvert(f *testing.F) {
	for _, c := range corpus {
		for _, file := range c.files {
			if b, err := os.ReadFile(filepath.Join("testdata", c.name, file)); err == nil && !strings.Contains(string(b), "include:") {
				f.Add(string(b))
			}
		}
	}
	for _, s := range []string{
		"", "services: {}", "services:\n  a: {build: .}\n", "services:\n  a: {image: x, ports: ['1-3:4-6/udp']}\n",
		"services:\n  a: {image: x, environment: {API_TOKEN: abcdefgh, URL: 'http://u:abcdefgh@h'}}\n",
		"services:\n  A.b_C: {image: x, restart: always, volumes: ['/abs:/x', 'v:/y:ro', '/anon']}\n",
		"services:\n  a: {image: '${IMG:?need an image}'}\n", "services:\n  a: {image: x, command: 'sh -c \"echo $$A\"'}\n",
		"x-common: &c {image: x}\nservices:\n  a: *c\n  b: {<<: *c, init: true}\n",
		// depends_on shapes, a renamed service, compose secrets.
		"services:\n  a: {image: x, depends_on: [My_B]}\n  My_B: {image: x}\n",
		"services:\n  a: {image: x, depends_on: {b: {condition: service_healthy, restart: true}, c: {condition: service_completed_successfully, required: false}}}\n  b: {image: x}\n  c: {image: x}\n",
		"services:\n  a:\n    image: x\n    secrets: [s, {source: t, target: rel, uid: '1', gid: '2', mode: 0400}]\nsecrets:\n  s: {environment: S}\n  t: {file: ./t.txt}\n",
		"services:\n  a: {image: x, secrets: [e]}\nsecrets:\n  e: {external: true}\n  9-Odd.Name: {environment: X}\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		dir := t.TempDir()
		file := filepath.Join(dir, "compose.yaml")
		if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := Load(context.Background(), LoadOptions{Files: []string{file}})
		if err != nil {
			requireKind(t, err)
			return
		}
		res, err := Convert(p, "shop")
		if err != nil {
			requireKind(t, err)
			return
		}
		if len(res.Instances) != len(res.Templates) || len(res.Instances) == 0 {
			t.Fatalf("%d instances for %d templates", len(res.Instances), len(res.Templates))
		}
		instances := map[string]bool{}
		for _, in := range res.Instances {
			instances[in.Name] = true
		}
		for _, in := range res.Instances {
			if err := resolve.ValidateOverrides(in.Overrides); err != nil {
				t.Fatalf("instance %s's overrides do not validate: %v", in.Name, err)
			}
			deps, _ := in.Overrides["depends_on"].(map[string]any)
			for d := range deps {
				if !instances[d] || d == in.Name {
					t.Fatalf("instance %s depends on %q, which is not another instance", in.Name, d)
				}
			}
			files, _ := in.Overrides["secrets"].(map[string]any)
			for target, f := range files {
				src := f.(map[string]any)["source"].(string)
				name := strings.TrimSuffix(strings.TrimPrefix(src, "${secret:"), "}")
				if _, ok := res.Secrets[name]; !ok && !slices.Contains(res.MissingSecrets, name) {
					t.Fatalf("instance %s mounts %s from secret %s, which the import neither sets nor lists as missing", in.Name, target, name)
				}
			}
		}
		for i, tpl := range res.Templates {
			if err := model.ValidateInstanceName("shop", res.Instances[i].Name); err != nil {
				t.Fatalf("instance name: %v", err)
			}
			if err := resolve.ValidateTemplateSpec(tpl.Service); err != nil {
				t.Fatalf("template %s does not validate: %v", tpl.Name, err)
			}
			out, err := catalog.Marshal(tpl)
			if err != nil {
				t.Fatalf("template %s cannot be written: %v", tpl.Name, err)
			}
			back, err := catalog.Parse(out, false)
			if err != nil {
				t.Fatalf("template %s does not read back: %v\n%s", tpl.Name, err, out)
			}
			if !reflect.DeepEqual(back, tpl) {
				t.Fatalf("template %s changes through its document:\n got %#v\nwant %#v", tpl.Name, back, tpl)
			}
			for name, v := range res.Secrets {
				if len(v) >= minEmbedded && strings.Contains(string(out), v) {
					t.Fatalf("template %s holds secret %s in plaintext", tpl.Name, name)
				}
			}
		}
	})
}

func requireKind(t *testing.T, err error) {
	t.Helper()
	var e *model.Error
	if !errors.As(err, &e) || e.Kind != model.KindInvalid || e.Summary == "" {
		t.Fatalf("error %T %v, want an invalid *model.Error with a summary", err, err)
	}
}
