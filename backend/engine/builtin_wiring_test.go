package engine_test

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/engine"
)

// Realistic stacks of built-in templates wire themselves: every need finds its provider
// and the engine reports no wiring problem at all (not even a warning), through the same
// Resolve that plan and apply use, on a real database.
func TestBuiltins_RealisticStacksWireThemselves(t *testing.T) {
	svc, _, _ := newService(t)
	ctx := t.Context()
	if _, err := svc.SyncCatalog(ctx); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		stack     string
		instances [][2]string // name, template
		wires     []string    // "consumer contract provider"
	}{
		{"laravel", [][2]string{{"web", "nginx"}, {"php", "php-fpm"}, {"db", "mysql"}, {"cache", "redis"}, {"mail", "mailpit"}, {"adminer", "adminer"}},
			[]string{"adminer sql db", "php mysql db", "php redis cache", "php smtp mail", "web fastcgi php"}},
		{"laravel-maria", [][2]string{{"web", "nginx"}, {"php", "php-fpm"}, {"db", "mariadb"}, {"cache", "redis"}, {"mail", "mailpit"}, {"adminer", "adminer"}},
			[]string{"adminer sql db", "php mysql db", "php redis cache", "php smtp mail", "web fastcgi php"}},
		{"django", [][2]string{{"app", "python"}, {"db", "postgres"}, {"cache", "redis"}, {"adminer", "adminer"}},
			[]string{"adminer sql db", "app postgres db", "app redis cache"}},
		{"express", [][2]string{{"app", "node"}, {"db", "postgres"}, {"cache", "redis"}, {"adminer", "adminer"}},
			[]string{"adminer sql db", "app postgres db", "app redis cache"}},
	}
	for _, c := range cases {
		t.Run(c.stack, func(t *testing.T) {
			if _, err := svc.CreateStack(ctx, c.stack, engine.StackOptions{}); err != nil {
				t.Fatal(err)
			}
			for _, in := range c.instances {
				if _, err := svc.AddInstance(ctx, c.stack, in[0], in[1], nil); err != nil {
					t.Fatal(err)
				}
			}
			rs, err := svc.Resolve(ctx, c.stack)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs.Wiring.Problems) != 0 {
				t.Errorf("wiring problems: %+v", rs.Wiring.Problems)
			}
			var got []string
			for _, w := range rs.Wiring.Wires {
				got = append(got, fmt.Sprintf("%s %s %s", w.Consumer, w.Contract, w.Provider))
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, c.wires) {
				t.Errorf("wires = %q, want %q", got, c.wires)
			}
		})
	}

	// The wired values land where the images read them.
	rs, err := svc.Resolve(ctx, "laravel")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]map[string]any{}
	for _, s := range rs.Effective.Services {
		env[s.Instance], _ = s.Spec["environment"].(map[string]any)
	}
	for inst, want := range map[string]map[string]string{
		"web":     {"FASTCGI_HOST": "php", "FASTCGI_PORT": "9000"},
		"php":     {"DB_HOST": "db", "DB_PASSWORD": "${secret:db_password}", "REDIS_HOST": "cache", "MAIL_HOST": "mail", "MAIL_PORT": "1025"},
		"adminer": {"ADMINER_DEFAULT_SERVER": "db", "ADMINER_DEFAULT_DRIVER": "server", "ADMINER_DEFAULT_DB": "app"},
	} {
		for k, v := range want {
			if env[inst][k] != v {
				t.Errorf("%s: %s = %v, want %q", inst, k, env[inst][k], v)
			}
		}
	}
	rs, err = svc.Resolve(ctx, "django")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rs.Effective.Services {
		e, _ := s.Spec["environment"].(map[string]any)
		if s.Instance == "adminer" && (e["ADMINER_DEFAULT_DRIVER"] != "pgsql" || e["ADMINER_DEFAULT_SERVER"] != "db") {
			t.Errorf("adminer on postgres: %v", e)
		}
		if s.Instance == "app" && (e["REDIS_URL"] != "redis://cache:6379" || e["DATABASE_URL"] != "postgres://app:${secret:db_password}@db:5432/app") {
			t.Errorf("python: %v", e)
		}
	}

	// nginx's site passes PHP to the wired php-fpm; the compose file carries it inline.
	cr, err := svc.Compose(ctx, "laravel", false)
	if err != nil {
		t.Fatal(err)
	}
	if y := string(cr.YAML); !strings.Contains(y, `set $$fastcgi \"php:9000\";`) || !strings.Contains(y, "target: /etc/nginx/conf.d/default.conf") {
		t.Errorf("nginx site in compose:\n%s", y)
	}

	// nginx alone still serves static files: its fastcgi need is optional, a warning only.
	if _, err := svc.CreateStack(ctx, "static", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, "static", "web", "nginx", nil); err != nil {
		t.Fatal(err)
	}
	rs, err = svc.Resolve(ctx, "static")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Wiring.Problems) != 1 || rs.Wiring.Problems[0].Severity != "warning" || rs.Wiring.Problems[0].Field != "consumes.fastcgi" {
		t.Errorf("nginx alone: %+v", rs.Wiring.Problems)
	}
	if cr, err = svc.Compose(ctx, "static", false); err != nil {
		t.Fatal(err)
	}
	if y := string(cr.YAML); !strings.Contains(y, `set $$fastcgi \":\";`) {
		t.Errorf("nginx alone: the site should have no fastcgi upstream:\n%s", y)
	}
}
