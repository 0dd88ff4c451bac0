package catalog

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

func builtins(t *testing.T) map[string]model.Template {
	t.Helper()
	ts, err := Builtins()
	if err != nil {
		t.Fatalf("Builtins: %v", err)
	}
	out := make(map[string]model.Template, len(ts))
	for _, tpl := range ts {
		out[tpl.Name] = tpl
	}
	return out
}

func TestBuiltins_ParseAndValidate(t *testing.T) {
	ts, err := Builtins()
	if err != nil {
		t.Fatalf("Builtins: %v", err)
	}
	want := []string{"adminer", "mailpit", "mariadb", "minio", "mysql", "nginx", "node", "php-fpm", "postgres", "python", "redis"}
	var names []string
	for _, tpl := range ts {
		names = append(names, tpl.Name)
	}
	if !slices.Equal(names, want) {
		t.Fatalf("names = %v, want %v (sorted, unique)", names, want)
	}
	for _, tpl := range ts {
		t.Run(tpl.Name, func(t *testing.T) {
			if !tpl.Builtin || tpl.Version < 1 {
				t.Errorf("Builtin = %v, Version = %d; want true, >= 1", tpl.Builtin, tpl.Version)
			}
			if img, _ := tpl.Service["image"].(string); img == "" || !strings.Contains(img, ":") {
				t.Errorf("image = %q, want a pinned reference (name:tag)", img)
			}
			if !slices.Contains(Categories(), tpl.Category) {
				t.Errorf("category = %q", tpl.Category)
			}
			if tpl.Description == "" {
				t.Error("description is empty")
			}
			if len(tpl.Provides)+len(tpl.Consumes) == 0 {
				t.Error("declares no contract")
			}
		})
	}
}

// Each built-in's contracts, as "provides | consumes" with "!" marking required.
func TestBuiltins_Contracts(t *testing.T) {
	want := map[string]string{
		"adminer":  " | sql",
		"mailpit":  "smtp | ",
		"mariadb":  "mariadb mysql sql | ",
		"minio":    "s3 | ",
		"mysql":    "mysql sql | ",
		"nginx":    "http | fastcgi",
		"node":     "http | postgres redis",
		"php-fpm":  "fastcgi | mysql! redis smtp",
		"postgres": "postgres sql | ",
		"python":   "http | postgres! redis",
		"redis":    "redis | ",
	}
	for name, tpl := range builtins(t) {
		var p, c []string
		for _, x := range tpl.Provides {
			p = append(p, x.Contract)
		}
		for _, x := range tpl.Consumes {
			s := x.Contract
			if x.Required {
				s += "!"
			}
			c = append(c, s)
		}
		if got := strings.Join(p, " ") + " | " + strings.Join(c, " "); got != want[name] {
			t.Errorf("%s: contracts = %q, want %q", name, got, want[name])
		}
	}
}

func TestBuiltins_PhpFpmMapsLaravelVariables(t *testing.T) {
	php := builtins(t)["php-fpm"]
	env := map[string]map[string]string{}
	for _, c := range php.Consumes {
		env[c.Contract] = c.Env
	}
	checks := map[string]map[string]string{
		"mysql": {"DB_HOST": "host", "DB_PORT": "port", "DB_DATABASE": "database", "DB_USERNAME": "user", "DB_PASSWORD": "password"},
		"redis": {"REDIS_HOST": "host", "REDIS_PORT": "port"},
		"smtp":  {"MAIL_HOST": "host", "MAIL_PORT": "port"},
	}
	for contract, vars := range checks {
		for k, v := range vars {
			if env[contract][k] != v {
				t.Errorf("consumes %s: %s <- %q, want %q", contract, k, env[contract][k], v)
			}
		}
	}
	if php.Service["working_dir"] != "/var/www/html" || php.Service["image"] != "php:8.3-fpm" {
		t.Errorf("image/working_dir = %v/%v", php.Service["image"], php.Service["working_dir"])
	}
}

func TestBuiltins_PostgresProvidesPostgres(t *testing.T) {
	pg := builtins(t)["postgres"]
	if len(pg.Provides) != 2 || pg.Provides[0].Contract != "postgres" || pg.Provides[1].Contract != "sql" || pg.Provides[1].Values["driver"] != "pgsql" {
		t.Fatalf("provides = %+v", pg.Provides)
	}
	v := pg.Provides[0].Values
	if v["host"] != "${host}" || v["port"] != "5432" || v["user"] != "${env.POSTGRES_USER}" {
		t.Errorf("values = %v", v)
	}
}

// Every value a built-in consumer maps must be exported by every built-in provider of that
// contract, and every required contract must have a built-in provider: otherwise wiring a
// stack made only of built-ins could fail.
func TestBuiltins_ConsumersFindTheirValues(t *testing.T) {
	all := builtins(t)
	providers := map[string][]model.Provide{}
	for _, tpl := range all {
		for _, p := range tpl.Provides {
			providers[p.Contract] = append(providers[p.Contract], p)
		}
	}
	for name, tpl := range all {
		for _, c := range tpl.Consumes {
			if len(providers[c.Contract]) == 0 {
				t.Errorf("%s consumes %s, which no built-in provides", name, c.Contract)
			}
			for _, p := range providers[c.Contract] {
				for env, value := range c.Env {
					if _, ok := p.Values[value]; !ok {
						t.Errorf("%s maps %s <- %s.%s, which a provider does not export", name, env, c.Contract, value)
					}
				}
			}
		}
	}
}

// Databases and caches publish no host port; the others publish distinct ones, so one stack
// made of built-ins never clashes with itself.
func TestBuiltins_HostPorts(t *testing.T) {
	owner := map[string]string{}
	for name, tpl := range builtins(t) {
		ports, _ := tpl.Service["ports"].([]any)
		if (tpl.Category == "database" || tpl.Category == "cache") && len(ports) > 0 {
			t.Errorf("%s (%s) publishes %v; backends publish no host port by default", name, tpl.Category, ports)
		}
		for _, p := range ports {
			host, _, _ := strings.Cut(p.(string), ":")
			if other, dup := owner[host]; dup {
				t.Errorf("host port %s is published by %s and %s", host, other, name)
			}
			owner[host] = name
		}
	}
	var got []string
	for port, name := range owner {
		got = append(got, name+"="+port)
	}
	sort.Strings(got)
	want := "adminer=8081 mailpit=8025 minio=9001 nginx=8080 node=3000 python=8000"
	if strings.Join(got, " ") != want {
		t.Errorf("published host ports = %v, want %s", got, want)
	}
}

func TestBuiltins_ReturnsCopies(t *testing.T) {
	first := builtins(t)["mysql"]
	first.Service["image"] = "changed"
	first.Service["environment"].(map[string]any)["MYSQL_USER"] = "changed"
	first.Provides[0].Values["port"] = "1"
	if again := builtins(t)["mysql"]; again.Service["image"] != "mysql:8.4" ||
		again.Service["environment"].(map[string]any)["MYSQL_USER"] != "app" ||
		again.Provides[0].Values["port"] != "3306" {
		t.Errorf("a caller's change leaked into the next call: %+v", again)
	}
}
