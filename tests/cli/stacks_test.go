//go:build unix

package cli_test

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type instanceOut struct {
	Overrides map[string]any    `json:"overrides"`
	Effective map[string]any    `json:"effective"`
	Origins   map[string]string `json:"origins"`
	Revision  int64             `json:"revision"`
}

func showInstance(t *testing.T, env map[string]string, stack, name string) instanceOut {
	t.Helper()
	r := run(t, env, "devarch", "instance", "show", stack, name, "--json")
	var out instanceOut
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &out) != nil {
		t.Fatalf("instance show: %+v", r)
	}
	return out
}

func mustRun(t *testing.T, env map[string]string, argv ...string) result {
	t.Helper()
	r := run(t, env, argv...)
	if r.code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", argv[1:], r.code, r.stdout, r.stderr)
	}
	return r
}

func TestStacksInstancesTemplates_CLI(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t)}

	r := mustRun(t, env, "devarch", "template", "list", "--json")
	var templates []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &templates); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tpl := range templates {
		names[tpl["name"].(string)] = tpl["builtin"].(bool)
	}
	for _, want := range []string{"postgres", "mysql", "mariadb", "redis", "nginx", "php-fpm", "node", "python", "mailpit", "adminer", "minio"} {
		if !names[want] {
			t.Errorf("built-in template %s missing from %v", want, names)
		}
	}

	mustRun(t, env, "devarch", "stack", "create", "shop")
	mustRun(t, env, "devarch", "instance", "add", "shop", "web", "--template", "nginx")
	mustRun(t, env, "devarch", "instance", "add", "shop", "db", "--template", "mysql", "--set", "environment.MYSQL_DATABASE=shop")
	mustRun(t, env, "devarch", "instance", "set", "shop", "web", `ports=["8081:80"]`, "environment.APP_ENV=local")

	web := showInstance(t, env, "shop", "web")
	if web.Origins["ports"] != "override" || web.Origins["environment.APP_ENV"] != "override" || web.Origins["image"] != "template" {
		t.Fatalf("origins: %+v", web.Origins)
	}
	r = mustRun(t, env, "devarch", "instance", "show", "shop", "web", "--effective")
	for _, want := range []string{"environment.APP_ENV", "local", "override", "template"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--effective output lacks %q:\n%s", want, r.stdout)
		}
	}
	r = mustRun(t, env, "devarch", "compose", "shop")
	for _, want := range []string{"name: devarch-shop", "container_name: devarch-shop-web", "127.0.0.1:8081:80", "APP_ENV: local", "MYSQL_DATABASE: shop"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("compose output lacks %q:\n%s", want, r.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(env["DEVARCH_HOME"], "stacks", "shop", "compose.yaml")); err != nil {
		t.Errorf("compose file not written under the stack's directory: %v", err)
	}

	// Unset goes back to the template value.
	mustRun(t, env, "devarch", "instance", "set", "shop", "web", "--unset", "environment.APP_ENV")
	if web := showInstance(t, env, "shop", "web"); web.Effective["environment"] != nil {
		if env, ok := web.Effective["environment"].(map[string]any); ok && env["APP_ENV"] != nil {
			t.Fatalf("unset did not remove the override: %+v", web.Overrides)
		}
	}

	// Bad input: a clear error naming the field or rule, and nothing written.
	custom := filepath.Join(tempHome(t), "broken.yaml")
	_ = os.WriteFile(custom, []byte("name: broken\ncategory: tools\nservice:\n  image: [unclosed\n"), 0o644)
	mustRun(t, env, "devarch", "template", "clone", "nginx", "my-nginx")
	mustRun(t, env, "devarch", "instance", "add", "shop", "proxy", "--template", "my-nginx")
	before := showInstance(t, env, "shop", "web")
	for _, c := range []struct {
		argv []string
		want []string
	}{
		{[]string{"stack", "create", "Shop"}, []string{"name", "not a valid name"}},
		{[]string{"stack", "create", strings.Repeat("s", 60)}, []string{"limit is 53"}},
		{[]string{"stack", "create", "shop"}, []string{"already exists"}},
		{[]string{"instance", "add", "shop", "web", "--template", "nginx"}, []string{"already has an instance"}},
		{[]string{"instance", "add", "shop", "x", "--template", "nope"}, []string{`no template named "nope"`}},
		{[]string{"instance", "add", "shop", strings.Repeat("i", 51), "--template", "nginx"}, []string{"54"}},
		{[]string{"instance", "set", "shop", "web", "ports=8080"}, []string{"ports"}},
		{[]string{"instance", "set", "shop", "web", "environment=[1, 2]"}, []string{"environment"}},
		{[]string{"instance", "set", "shop", "web", "bogus=1"}, []string{"bogus"}},
		{[]string{"instance", "set", "shop", "web", "image.x=1"}, []string{"image"}},
		{[]string{"template", "import", custom}, []string{"line 4"}},
		{[]string{"template", "delete", "my-nginx"}, []string{"shop/proxy"}},
		{[]string{"template", "delete", "nginx"}, []string{"built-in"}},
	} {
		r := run(t, env, append([]string{"devarch"}, c.argv...)...)
		if r.code != 1 {
			t.Errorf("%v: exit %d, want 1 (%s)", c.argv, r.code, r.stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%v: error lacks %q:\n%s", c.argv, w, r.stderr)
			}
		}
		if !strings.HasPrefix(r.stderr, "error: ") {
			t.Errorf("%v: errors start with a one-line summary: %q", c.argv, r.stderr)
		}
	}
	after := showInstance(t, env, "shop", "web")
	b1, _ := json.Marshal(before)
	b2, _ := json.Marshal(after)
	if string(b1) != string(b2) {
		t.Fatalf("bad input changed the instance:\n%s\n%s", b1, b2)
	}
	r = mustRun(t, env, "devarch", "template", "list", "--json")
	if strings.Contains(r.stdout, `"broken"`) {
		t.Fatal("a broken template was stored")
	}
}

func TestCompose_PortClashesNameBothSides(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t)}
	port := freePort(t)
	for _, st := range []string{"shop", "blog"} {
		mustRun(t, env, "devarch", "stack", "create", st)
		mustRun(t, env, "devarch", "instance", "add", st, "web", "--template", "nginx", "--set", fmt.Sprintf(`ports=["%d:80"]`, port))
	}
	r := mustRun(t, env, "devarch", "compose", "shop")
	if !strings.Contains(r.stderr, fmt.Sprintf("host port %d/tcp is published twice", port)) ||
		!strings.Contains(r.stderr, "blog/web") || !strings.Contains(r.stderr, "shop/web") {
		t.Fatalf("clash across stacks must name both sides:\n%s", r.stderr)
	}

	// A port another process holds.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	held := l.Addr().(*net.TCPAddr).Port
	mustRun(t, env, "devarch", "instance", "set", "blog", "web", fmt.Sprintf(`ports=["%d:80"]`, held))
	r = mustRun(t, env, "devarch", "compose", "blog")
	if !strings.Contains(r.stderr, fmt.Sprintf("host address 127.0.0.1:%d/tcp is in use by a process outside DevArch", held)) || !strings.Contains(r.stderr, "blog/web") {
		t.Fatalf("a port held by another process must be reported:\n%s", r.stderr)
	}
	r = mustRun(t, env, "devarch", "stack", "show", "blog", "--json")
	if !strings.Contains(r.stdout, "in use by a process outside DevArch") {
		t.Fatalf("stack show lists the clash as a problem: %s", r.stdout)
	}
}
