//go:build unix

package cli_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

func inspect(t *testing.T, container, format string) string {
	t.Helper()
	out, err := exec.Command("docker", "inspect", "-f", format, container).Output()
	if err != nil {
		t.Fatalf("docker inspect %s: %v", container, err)
	}
	return strings.TrimSpace(string(out))
}

func startedAt(t *testing.T, container string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, inspect(t, container, "{{.State.StartedAt}}"))
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// End to end on Docker: an app consuming a mysql-like and a redis-like contract from local
// busybox test templates is wired automatically; its container has the providers' host and
// port, reaches them by name over the stack network, and started only once the database
// was healthy. A second provider keeps the applied wire (a warning); a new consumer is
// ambiguous and apply is refused; wire set resolves it.
func TestWires_EndToEnd(t *testing.T) {
	a := newApplyEnv(t)
	env := a.env
	importWireTemplates(t, env)
	a.stack("wr3", "db:w-db", "cache:w-cache", "app:w-app")

	r := mustRun(t, env, "devarch", "apply", "wr3", "--yes")
	if !strings.Contains(r.stderr, "Apply complete: 4 added") {
		t.Fatalf("apply: %s", r.stderr)
	}
	app := "devarch-wr3-app"
	vars := inspect(t, app, `{{range .Config.Env}}{{println .}}{{end}}`)
	for _, want := range []string{"DB_HOST=db", "DB_PORT=3306", "DB_PASSWORD=s3cret", "KV_HOST=cache", "KV_PORT=6379"} {
		if !strings.Contains(vars, want+"\n") {
			t.Errorf("app environment lacks %s:\n%s", want, vars)
		}
	}
	for host, body := range map[string]string{"$DB_HOST:$DB_PORT": "db", "$KV_HOST:$KV_PORT": "kv"} {
		out, err := exec.Command("docker", "exec", app, "sh", "-c", "wget -q -O - http://"+host+"/").CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != body {
			t.Errorf("app cannot reach %s by name: %v %q", host, err, out)
		}
	}
	// db turns healthy 3 s after it starts; the app waited for that (service_healthy), the
	// cache only for its start (service_started).
	if d := startedAt(t, app).Sub(startedAt(t, "devarch-wr3-db")); d < 2500*time.Millisecond {
		t.Errorf("app started %v after db: it did not wait for db to be healthy", d)
	}
	if h := inspect(t, "devarch-wr3-db", "{{.State.Health.Status}}"); h != "healthy" {
		t.Errorf("db is %s", h)
	}
	appID := inspect(t, app, "{{.Id}}")

	// A second provider: the applied wire stays, with a warning; app is not touched.
	mustRun(t, env, "devarch", "instance", "add", "wr3", "db2", "--template", "w-db")
	out, code := a.plan("wr3")
	if code != 2 || !strings.Contains(out, "db2 also provides mydb; app stays wired to db") || strings.Contains(out, "app (devarch-wr3-app)") {
		t.Fatalf("plan with a second provider (exit %d):\n%s", code, out)
	}
	mustRun(t, env, "devarch", "apply", "wr3", "--yes")
	if id := inspect(t, app, "{{.Id}}"); id != appID {
		t.Errorf("app was replaced although its wire is pinned")
	}
	if l := wireList(t, env, "wr3"); l.Wires[1] != (jWire{"app", "mydb", "db", "pinned"}) {
		t.Fatalf("wires after a second provider: %+v", l.Wires)
	}

	// A new consumer of the same contract is ambiguous: the plan names both, apply refuses.
	mustRun(t, env, "devarch", "instance", "add", "wr3", "app2", "--template", "w-app")
	r = run(t, env, "devarch", "apply", "wr3", "--yes")
	if r.code != 1 || !strings.Contains(r.stdout+r.stderr, "wiring: mydb is ambiguous: choose db or db2") || !strings.Contains(r.stdout+r.stderr, "on instance app2, field consumes.mydb") {
		t.Fatalf("apply with an ambiguous need: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if s := containerState(t, "devarch-wr3-app2"); s != "missing" {
		t.Fatalf("refused apply created app2 (%s)", s)
	}

	// wire set resolves it.
	mustRun(t, env, "devarch", "wire", "set", "wr3", "app2", "mydb", "db2")
	mustRun(t, env, "devarch", "apply", "wr3", "--yes")
	if vars := inspect(t, "devarch-wr3-app2", `{{range .Config.Env}}{{println .}}{{end}}`); !strings.Contains(vars, "DB_HOST=db2\n") {
		t.Fatalf("app2 environment:\n%s", vars)
	}
	out2, err := exec.Command("docker", "exec", "devarch-wr3-app2", "sh", "-c", "wget -q -O - http://$DB_HOST:$DB_PORT/").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out2)) != "db" {
		t.Errorf("app2 cannot reach db2: %v %q", err, out2)
	}
}
