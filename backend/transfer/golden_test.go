package transfer_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/transfer"
)

var update = flag.Bool("update", false, "rewrite testdata/*.devarch.yml from the documents built here")

// goldens are the round-trip documents: each is written by Encode from the Document built
// here, and must decode back to it and re-encode to the same bytes. The engine's tests
// import each and export it again (export -> import -> export).
func goldens(t testing.TB) map[string]transfer.Document {
	builtins, err := catalog.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	// Every built-in, one instance each named after it, with the references to generated
	// secrets that adding it gives, and the wires the ambiguous contracts need.
	all := transfer.Document{Name: "everything", Description: "one instance of every built-in template"}
	for _, b := range builtins {
		o := model.Spec{}
		if len(b.Generate) > 0 {
			env := map[string]any{}
			for v, suffix := range b.Generate {
				env[v] = "${secret:" + model.GeneratedSecretName(b.Name, suffix) + "}"
			}
			o["environment"] = env
		}
		all.Instances = append(all.Instances, transfer.Instance{Name: b.Name, Template: b.Name, Version: b.Version, Overrides: o})
	}
	all.Instances[0].Overrides["ports"] = []any{"127.0.0.1:8081:8080"}
	all.Wires = []model.Wire{
		{Consumer: "adminer", Contract: "sql", Provider: "postgres"},
		{Consumer: "php-fpm", Contract: "mysql", Provider: "mariadb"},
	}

	version := func(name string) int {
		for _, b := range builtins {
			if b.Name == name {
				return b.Version
			}
		}
		t.Fatalf("no built-in %s", name)
		return 0
	}
	api := model.Template{
		Name: "shop-api", Category: "runtime", Description: "the shop's API, built from ./api",
		Service: model.Spec{
			"build":       map[string]any{"context": "./api", "dockerfile": "Dockerfile"},
			"command":     []any{"./serve", "--port", "8080"},
			"environment": map[string]any{"APP_ENV": "local", "PORT": "8080"},
			"ports":       []any{"8080"},
			"healthcheck": map[string]any{"test": []any{"CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/health"}, "interval": "5s", "retries": float64(10)},
		},
		Provides: []model.Provide{{Contract: "http", Values: map[string]string{"url": "http://${host}:8080"}}},
		Consumes: []model.Consume{
			{Contract: "postgres", Required: true, Env: map[string]string{"DATABASE_URL": "url"}},
			{Contract: "redis", Env: map[string]string{"REDIS_URL": "url"}},
		},
	}
	custom := transfer.Document{
		Name: "shop",
		Instances: []transfer.Instance{
			{Name: "api", Template: "shop-api", Overrides: model.Spec{
				"environment": map[string]any{"APP_ENV": "dev", "PORT": nil},
				"volumes":     []any{"./api:/src", "cache:/var/cache"},
			}},
			{Name: "db", Template: "postgres", Version: version("postgres"), Overrides: model.Spec{
				"environment": map[string]any{"POSTGRES_PASSWORD": "${secret:db_password}"},
			}},
		},
		Templates: []model.Template{api},
	}
	wires := transfer.Document{
		Name: "wired", Description: "two databases, wires choose",
		Instances: []transfer.Instance{
			{Name: "app", Template: "php-fpm", Version: version("php-fpm")},
			{Name: "db-a", Template: "mysql", Version: version("mysql")},
			{Name: "db-b", Template: "mariadb", Version: version("mariadb")},
			{Name: "ui", Template: "adminer", Version: version("adminer")},
			{Name: "web", Template: "nginx", Version: version("nginx")},
		},
		Wires: []model.Wire{
			{Consumer: "app", Contract: "mysql", Provider: "db-b"},
			{Consumer: "ui", Contract: "sql", Provider: "db-a"},
		},
	}
	secrets := transfer.Document{
		Name: "mailer",
		Instances: []transfer.Instance{
			{Name: "app", Template: "node", Version: version("node"), Overrides: model.Spec{
				"environment": map[string]any{"SMTP_PASSWORD": "${secret:smtp_password}", "STRIPE_KEY": "${secret:stripe_key}"},
				"command":     []any{"node", "server.js"},
			}},
			{Name: "mail", Template: "mailpit", Version: version("mailpit")},
		},
		Secrets:    []string{"stripe_key", "smtp_password"},
		Extensions: map[string]any{"x-team": map[string]any{"owner": "payments", "reviewers": []any{"ana", "bo"}}, "x-ticket": float64(4211)},
	}
	// secrets with --with-secrets: stripe_key has a value (smtp_password has none here).
	values := secrets
	values.Name = "mailer-sealed"
	values.SecretValues = &transfer.SecretValues{Key: goldenKeyBlob, Values: map[string]string{"stripe_key": goldenStripeBlob}}
	return map[string]transfer.Document{
		"builtins": all, "custom-template": custom, "wires": wires, "secrets": secrets, "secret-values": values,
	}
}

func TestGoldens_RoundTrip(t *testing.T) {
	for name, d := range goldens(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name+".devarch.yml")
			got, err := transfer.Encode(d)
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("Encode differs from %s (go test -update rewrites it):\n%s", path, got)
			}
			back, err := transfer.Decode(want)
			if err != nil {
				t.Fatalf("Decode(%s): %v", path, err)
			}
			if !reflect.DeepEqual(back, transfer.Canonical(d)) {
				t.Errorf("Decode(Encode(d)) != d:\n got %#v\nwant %#v", back, transfer.Canonical(d))
			}
			again, err := transfer.Encode(back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, want) {
				t.Errorf("Encode(Decode(file)) differs from the file:\n%s", again)
			}
		})
	}
}

// The built-ins golden holds every built-in template, so a new built-in (or version) that
// the file does not cover fails here until the golden is updated.
func TestGoldens_EveryBuiltin(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "builtins.devarch.yml"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := transfer.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	builtins, err := catalog.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]int{}
	for _, inst := range d.Instances {
		have[inst.Template] = inst.Version
	}
	for _, bt := range builtins {
		if have[bt.Name] != bt.Version {
			t.Errorf("built-in %s version %d: the golden has version %d", bt.Name, bt.Version, have[bt.Name])
		}
	}
}
