//go:build unix

package cli_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// siteTemplate serves /www, which instances bind-mount from their project root.
const siteTemplate = `name: t-site
category: runtime
description: busybox HTTP server of a mounted folder
service:
  image: devarch-test/busybox:1
  command: [httpd, -f, -p, "8080", -h, /www]
  healthcheck:
    test: [CMD, wget, -q, -O, /dev/null, "http://127.0.0.1:8080/"]
    interval: 1s
    retries: 30
`

// get returns the body served on 127.0.0.1:port, waiting up to 30 s for it.
func get(t *testing.T, port int) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET on port %d: %v", port, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A stack with a published port and a bind mount, cloned twice (same root, and --root on
// another folder): the three run side by side on their own ports, the --root clone
// serving the other folder's file.
func TestStackClone_SideBySide(t *testing.T) {
	runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	home := tempHome(t)
	env := map[string]string{"DEVARCH_HOME": home, "DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_MASTER_KEY_FILE": home + "/master.key"}
	tpl := filepath.Join(tempHome(t), "site.yaml")
	if err := os.WriteFile(tpl, []byte(siteTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, env, "devarch", "template", "import", tpl)
	roots := map[string]string{"main": tempHome(t), "worktree": tempHome(t)}
	for name, dir := range roots {
		if err := os.MkdirAll(filepath.Join(dir, "site"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "site", "index.html"), []byte("from "+name+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{"cl1", "cl2", "cl3"} {
		freshProject(t, "devarch-"+s)
	}
	port := freePort(t)
	mustRun(t, env, "devarch", "stack", "create", "cl1", "--root", roots["main"])
	mustRun(t, env, "devarch", "instance", "add", "cl1", "web", "--template", "t-site")
	mustRun(t, env, "devarch", "instance", "set", "cl1", "web", fmt.Sprintf(`ports=["%d:8080"]`, port), `volumes=["./site:/www:ro"]`)

	r := mustRun(t, env, "devarch", "stack", "clone", "cl1", "cl2", "--dry-run")
	if !strings.Contains(r.stdout, "Would clone stack cl1 as cl2") || !strings.Contains(r.stdout, fmt.Sprintf("web: %d -> ", port)) || !strings.Contains(r.stdout, "Nothing was written") {
		t.Fatalf("dry run:\n%s", r.stdout)
	}
	if r := mustRun(t, env, "devarch", "stack", "list", "--json"); strings.Contains(r.stdout, `"cl2"`) {
		t.Fatalf("the dry run created the stack:\n%s", r.stdout)
	}

	r = mustRun(t, env, "devarch", "stack", "clone", "cl1", "cl2", "--json")
	var got struct {
		Stack string `json:"stack"`
		Root  string `json:"root"`
		Ports []struct {
			Instance string `json:"instance"`
			OldPort  int    `json:"oldPort"`
			NewPort  int    `json:"newPort"`
		} `json:"ports"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	if got.Stack != "cl2" || got.Root != roots["main"] || len(got.Ports) != 1 || got.Ports[0].OldPort != port || got.Ports[0].NewPort <= port {
		t.Fatalf("clone result: %+v", got)
	}
	port2 := got.Ports[0].NewPort

	r = mustRun(t, env, "devarch", "stack", "clone", "cl1", "cl3", "--root", roots["worktree"])
	var port3 int
	if _, err := fmt.Sscanf(r.stdout[strings.Index(r.stdout, "web: "):], fmt.Sprintf("web: %d -> %%d", port), &port3); err != nil || port3 <= port || port3 == port2 {
		t.Fatalf("clone --root output (port %d, clone's %d):\n%s", port3, port2, r.stdout)
	}

	// The plan of a clone shows its new host port, in text (a create lists its image, ports
	// and command) and in --json (actions[].config, path "ports").
	if r := mustRun(t, env, "devarch", "plan", "cl2"); !strings.Contains(r.stdout, fmt.Sprintf("+ ports: [\"%d:8080\"]", port2)) {
		t.Errorf("plan cl2 does not show host port %d:\n%s", port2, r.stdout)
	}
	r = run(t, env, "devarch", "plan", "cl2", "--json")
	var pf struct {
		Plan struct {
			Actions []struct {
				Config []struct {
					Path  string          `json:"path"`
					Value json.RawMessage `json:"value"`
				} `json:"config"`
			} `json:"actions"`
		} `json:"plan"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &pf); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, r.stdout)
	}
	shown := false
	for _, a := range pf.Plan.Actions {
		for _, c := range a.Config {
			if c.Path == "ports" && strings.Contains(string(c.Value), fmt.Sprintf("\"%d:8080\"", port2)) {
				shown = true
			}
		}
	}
	if !shown {
		t.Errorf("plan cl2 --json does not show host port %d:\n%s", port2, r.stdout)
	}

	// Refusals: the name taken, the source misspelled.
	if r := run(t, env, "devarch", "stack", "clone", "cl1", "cl2"); r.code != 1 || !strings.Contains(r.stderr, `a stack named "cl2" already exists`) {
		t.Errorf("clone onto an existing stack: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, env, "devarch", "stack", "clone", "cl", "cl9"); r.code != 1 || !strings.Contains(r.stderr, "Did you mean cl1?") {
		t.Errorf("clone of a misspelled stack: exit %d\n%s", r.code, r.stderr)
	}

	for _, s := range []string{"cl1", "cl2", "cl3"} {
		mustRun(t, env, "devarch", "apply", s, "--yes")
	}
	for p, want := range map[int]string{port: "from main\n", port2: "from main\n", port3: "from worktree\n"} {
		if body := get(t, p); body != want {
			t.Errorf("port %d serves %q, want %q", p, body, want)
		}
	}
}
