//go:build unix

// Package cli_test runs the real devarch binary (a plain build: the command line works
// without the desktop tags) against a real PostgreSQL, the real Docker engine and a real
// Secret Service, and checks what a terminal user sees.
package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// waitFor waits until cond holds, checking it every 50ms, and fails the test naming what it
// waited for when timeout passes first. Tests wait for conditions, never for time.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond) // the poll interval
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// devarch returns the path of a devarch binary built from this tree once per test run.
func devarch(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "devarch-cli-bin-")
		if err != nil {
			buildErr = err
			return
		}
		_ = os.Chmod(dir, 0o755)
		binPath = filepath.Join(dir, "devarch")
		wd, _ := os.Getwd()
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Dir = filepath.Dir(filepath.Dir(wd))
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs argv (argv[0] may be "devarch") with env replacing/adding variables.
func run(t *testing.T, env map[string]string, argv ...string) result {
	t.Helper()
	return runWithin(t, context.Background(), env, argv...)
}

// runWithin is run, killing the command when ctx ends (the caller then tells why).
func runWithin(t *testing.T, ctx context.Context, env map[string]string, argv ...string) result {
	t.Helper()
	if argv[0] == "devarch" {
		argv[0] = devarch(t)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = environ(env)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		return result{out.String(), errb.String(), -1}
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

// environ is the test process's environment with env's entries replacing or adding
// variables; the value "<unset>" removes one. The embedded database does not linger
// (DEVARCH_DB_LINGER=0) unless env sets it: tests check that nothing outlives a command,
// and the linger tests opt in.
func environ(env map[string]string) []string {
	if _, set := env["DEVARCH_DB_LINGER"]; !set {
		env = maps.Clone(env)
		if env == nil {
			env = map[string]string{}
		}
		env["DEVARCH_DB_LINGER"] = "0"
	}
	base := []string{}
	for _, kv := range os.Environ() {
		k := kv[:strings.IndexByte(kv, '=')]
		if _, overridden := env[k]; !overridden {
			base = append(base, kv)
		}
	}
	for k, v := range env {
		if v != "<unset>" {
			base = append(base, k+"="+v)
		}
	}
	return base
}

// databaseURL is a fresh, empty database of the test's own on the shared test server, as
// DEVARCH_DATABASE_URL (the first command migrates it). With DEVARCH_TEST_EXTERNAL_PG=1 the
// server is the separate PostgreSQL the harness started (dbtest.ExternalEnv), and the URL
// logs in as an ordinary role that only owns its database.
func databaseURL(t *testing.T) string {
	t.Helper()
	_, cfg := dbtest.EmptyDatabase(t)
	c := cfg.ConnConfig
	return fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=disable", c.User, c.Password, c.Host, c.Port, c.Database)
}

// storeURL is the DEVARCH_DATABASE_URL of a test whose subject is not where the store
// lives: "<unset>" (the embedded server of the test's data home) normally, and a database
// of its own on the external server in external mode, so the whole suite runs against it.
// Tests about the embedded server itself (linger, db status/stop, data-home checks) set
// "<unset>" directly and keep the embedded server in both modes.
func storeURL(t *testing.T) string {
	t.Helper()
	if dbtest.ExternalMode() {
		return databaseURL(t)
	}
	return "<unset>"
}

func tempHome(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "devarch-cli-home-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func TestVersion(t *testing.T) {
	r := run(t, nil, "devarch", "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "devarch ") {
		t.Fatalf("version: %+v", r)
	}
	r = run(t, nil, "devarch", "version", "--json")
	var v map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v["goVersion"] == "" || v["platform"] == "" {
		t.Fatalf("version --json: %q %v", r.stdout, err)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, argv := range [][]string{{"devarch", "bogus"}, {"devarch", "stack"}, {"devarch", "stack", "frobnicate"}, {"devarch", "version", "--nope"}, {"devarch", "stack", "list", "extra"}} {
		r := run(t, nil, argv...)
		if r.code != 2 || !strings.Contains(r.stderr, "Usage:") && !strings.Contains(r.stderr, "flag provided but not defined") {
			t.Errorf("%v: want exit 2 with usage, got %d %q", argv[1:], r.code, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%v: usage errors must not print on stdout: %q", argv[1:], r.stdout)
		}
	}
	if r := run(t, nil, "devarch", "--help"); r.code != 0 || !strings.Contains(r.stdout, "devarch doctor") {
		t.Fatalf("--help: %+v", r)
	}
}

func TestStackList_EmbeddedDatabase(t *testing.T) {
	home := tempHome(t)
	env := map[string]string{"DEVARCH_HOME": home, "DEVARCH_DATABASE_URL": "<unset>"}
	r := run(t, env, "devarch", "stack", "list")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "No stacks yet") {
		t.Fatalf("empty list: %+v", r)
	}
	r = run(t, env, "devarch", "stack", "list", "--json")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("empty --json list must be []: %+v", r)
	}
}

// Live status comes from the real engine, by label, in one call.
func TestStackList_LiveStatus(t *testing.T) {
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.BusyboxImage(t)
	url := databaseURL(t)
	env := map[string]string{"DEVARCH_DATABASE_URL": url, "DEVARCH_HOME": tempHome(t)}
	// Migrate, then add two stacks straight in SQL (stack create arrives with the stacks
	// issue); only "shop" has a running container.
	if r := run(t, env, "devarch", "stack", "list"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	pool := dbtest.Connect(t, url)
	for _, sql := range []string{
		`INSERT INTO templates (name, spec) VALUES ('busybox', '{}')`,
		`INSERT INTO stacks (name, description) VALUES ('shop', 'Laravel + MySQL'), ('blog', '')`,
		`INSERT INTO instances (stack_id, name, template_name) SELECT id, 'app', 'busybox' FROM stacks`,
	} {
		if _, err := pool.Exec(t.Context(), sql); err != nil {
			t.Fatal(err)
		}
	}
	name := fmt.Sprintf("devarch-clitest-%d", os.Getpid())
	ctx := context.Background()
	if _, err := eng.Run(ctx, []string{"run", "-d", "--name", name, "--label", runtimetest.TestLabel,
		"--label", "dev.devarch.stack=shop", "--label", "dev.devarch.instance=app", image, "sleep", "300"}, runtime.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = eng.Run(context.Background(), []string{"rm", "-f", name}, runtime.RunOptions{}) })

	r := run(t, env, "devarch", "stack", "list", "--json")
	var got []struct {
		Name      string `json:"name"`
		Status    string `json:"status"`
		Instances int    `json:"instanceCount"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("stack list --json: %v %+v", err, r)
	}
	want := map[string]string{"blog": "stopped", "shop": "running"}
	if len(got) != 2 {
		t.Fatalf("want 2 stacks, got %+v", got)
	}
	for _, s := range got {
		if s.Status != want[s.Name] || s.Instances != 1 {
			t.Errorf("stack %s: status %q instances %d, want %q 1", s.Name, s.Status, s.Instances, want[s.Name])
		}
	}
	r = run(t, env, "devarch", "stack", "list")
	if !strings.Contains(r.stdout, "shop") || !strings.Contains(r.stdout, "running") || !strings.Contains(r.stdout, "NAME") {
		t.Fatalf("table output: %q", r.stdout)
	}

	// With the engine unreachable the stacks still list, marked unknown, with a warning.
	env["DOCKER_HOST"] = "unix:///nonexistent/docker.sock"
	r = run(t, env, "devarch", "stack", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "unknown") || !strings.Contains(r.stderr, "live status unavailable") {
		t.Fatalf("engine down: %+v", r)
	}

	// Deleting needs the engine to tell whether containers exist: refused, naming --force;
	// --force deletes the definition and says the engine was not asked.
	if r = run(t, env, "devarch", "stack", "create", "gone"); r.code != 0 {
		t.Fatalf("stack create gone: %+v", r)
	}
	r = run(t, env, "devarch", "stack", "delete", "gone")
	if r.code == 0 || !strings.Contains(r.stderr, "cannot tell whether the stack has containers") || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("delete with the engine down: %+v", r)
	}
	r = run(t, env, "devarch", "stack", "delete", "gone", "--force")
	if r.code != 0 || !strings.Contains(r.stderr, "The container engine was not asked") || !strings.Contains(r.stderr, "docker ps -a --filter label=dev.devarch.stack=gone") {
		t.Fatalf("delete --force with the engine down: %+v", r)
	}
	if r = run(t, env, "devarch", "stack", "show", "gone"); r.code == 0 {
		t.Fatalf("gone is still there: %+v", r)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestStackCreate_AndBadInput(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t)}
	r := run(t, env, "devarch", "stack", "create", "shop", "--description", "Laravel + MySQL")
	if r.code != 0 || !strings.Contains(r.stderr, "Created stack shop") {
		t.Fatalf("create: %+v", r)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"shop"}, 1, `a stack named "shop" already exists`},
		{[]string{"Shop"}, 1, "name: stack name \"Shop\" is not a valid name"},
		{[]string{strings.Repeat("x", 54)}, 1, "the limit is 53"},
		{[]string{"ok", "--description", strings.Repeat("d", 501)}, 1, "description: description is too long"},
		{[]string{}, 2, "exactly one NAME"},
		{[]string{"a", "b"}, 2, "exactly one NAME"},
	} {
		r := run(t, env, append([]string{"devarch", "stack", "create"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("create %v: want exit %d with %q, got %d %q", c.args, c.code, c.want, r.code, r.stderr)
		}
	}
	r = run(t, env, "devarch", "stack", "list", "--json")
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 || got[0]["description"] != "Laravel + MySQL" {
		t.Fatalf("bad input must change nothing: %s %v", r.stdout, err)
	}
}

// freshProject clears what an earlier, killed run left of a compose project, now and when
// the test ends (runtimetest.FreshProject).
func freshProject(t *testing.T, project string) {
	t.Helper()
	runtimetest.FreshProject(t, runtimetest.RequireCompose(t), project)
}
