//go:build unix

package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// Test templates on the local busybox image (no registry).
const httpTemplate = `name: t-http
category: database
description: busybox HTTP server
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"]
  healthcheck:
    test: [CMD, wget, -q, -O, /dev/null, "http://127.0.0.1:8080/"]
    interval: 1s
    retries: 30
`

const idleTemplate = `name: t-idle
category: runtime
description: idle busybox
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
`

// neverHealthy keeps compose waiting (apply uses up --wait) until canceled.
const neverHealthyTemplate = `name: t-sick
category: runtime
description: never passes its healthcheck
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  healthcheck:
    test: [CMD, "false"]
    interval: 1s
    retries: 10000
`

type applyEnv struct {
	env map[string]string
	t   *testing.T
}

func newApplyEnv(t *testing.T) applyEnv {
	t.Helper()
	runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	a := applyEnv{env: map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t)}, t: t}
	dir := tempHome(t)
	for name, doc := range map[string]string{"http": httpTemplate, "idle": idleTemplate, "sick": neverHealthyTemplate} {
		p := filepath.Join(dir, name+".yaml")
		_ = os.WriteFile(p, []byte(doc), 0o644)
		mustRun(t, a.env, "devarch", "template", "import", p)
	}
	return a
}

func (a applyEnv) stack(name string, instances ...string) {
	a.t.Helper()
	mustRun(a.t, a.env, "devarch", "stack", "create", name)
	freshProject(a.t, "devarch-"+name)
	for _, in := range instances {
		n, tpl, _ := strings.Cut(in, ":")
		mustRun(a.t, a.env, "devarch", "instance", "add", name, n, "--template", tpl)
	}
}

func (a applyEnv) plan(stack string) (string, int) {
	a.t.Helper()
	r := run(a.t, a.env, "devarch", "plan", stack, "--detailed-exitcode")
	if r.code == 1 {
		a.t.Fatalf("plan %s: %s", stack, r.stderr)
	}
	return r.stdout, r.code
}

func containerState(t *testing.T, name string) string {
	out, err := exec.Command("docker", "inspect", "-f", "{{.State.Status}}", name).Output()
	if err != nil {
		return "missing"
	}
	return strings.TrimSpace(string(out))
}

func TestApply_FreshNoopReplaceRemove(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("ap1", "db:t-http", "app:t-idle")
	out, code := a.plan("ap1")
	if code != 2 || !strings.Contains(out, "+ create network devarch-ap1-net") || !strings.Contains(out, "Plan: 3 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("fresh plan (exit %d):\n%s", code, out)
	}
	r := mustRun(t, a.env, "devarch", "apply", "ap1", "--yes")
	if !strings.Contains(r.stderr, "Apply complete: 3 added") {
		t.Fatalf("apply: %s", r.stderr)
	}
	for _, c := range []string{"devarch-ap1-db", "devarch-ap1-app"} {
		if s := containerState(t, c); s != "running" {
			t.Fatalf("%s is %s after apply", c, s)
		}
	}
	if out, code := a.plan("ap1"); code != 0 || !strings.Contains(out, "No changes. Stack ap1 is up to date.") {
		t.Fatalf("no-op plan (exit %d):\n%s", code, out)
	}
	mustRun(t, a.env, "devarch", "instance", "set", "ap1", "app", "environment.APP_ENV=local")
	out, _ = a.plan("ap1")
	if strings.Count(out, "-/+ replace") != 1 || !strings.Contains(out, "-/+ replace app") ||
		!strings.Contains(out, `~ environment.APP_ENV: (none) -> "local"`) || strings.Contains(out, "+ create") {
		t.Fatalf("override change must yield exactly one replace with the field diff:\n%s", out)
	}
	mustRun(t, a.env, "devarch", "apply", "ap1", "--yes")
	mustRun(t, a.env, "devarch", "instance", "remove", "ap1", "app")
	out, _ = a.plan("ap1")
	if !strings.Contains(out, "- remove app (devarch-ap1-app)") || !strings.Contains(out, "instance removed") {
		t.Fatalf("removal plan:\n%s", out)
	}
	mustRun(t, a.env, "devarch", "apply", "ap1", "--yes")
	if s := containerState(t, "devarch-ap1-app"); s != "missing" {
		t.Fatalf("removed instance's container is %s", s)
	}
	r = mustRun(t, a.env, "devarch", "history", "ap1", "--json")
	var runs []map[string]any
	_ = json.Unmarshal([]byte(r.stdout), &runs)
	if len(runs) != 3 || runs[0]["status"] != "succeeded" {
		t.Fatalf("history: %s", r.stdout)
	}
}

func TestApply_StalePlanRejected(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("ap2", "app:t-idle")
	planFile := filepath.Join(tempHome(t), "plan.json")
	mustRun(t, a.env, "devarch", "plan", "ap2", "--out", planFile)
	// Another process edits the stack between plan and apply.
	mustRun(t, a.env, "devarch", "instance", "set", "ap2", "app", "environment.X=1")
	r := run(t, a.env, "devarch", "apply", "ap2", "--plan", planFile)
	if r.code != 1 || !strings.Contains(r.stderr, "the plan is stale") || !strings.Contains(r.stderr, "devarch plan ap2") {
		t.Fatalf("stale plan must be rejected with a re-plan action: %+v", r)
	}
	if s := containerState(t, "devarch-ap2-app"); s != "missing" {
		t.Fatal("a rejected plan must change nothing")
	}
	// A fresh plan applies; applying it twice is refused.
	mustRun(t, a.env, "devarch", "plan", "ap2", "--out", planFile)
	mustRun(t, a.env, "devarch", "apply", "ap2", "--plan", planFile)
	if r := run(t, a.env, "devarch", "apply", "ap2", "--plan", planFile); r.code != 1 || !strings.Contains(r.stderr, "already applied") {
		t.Fatalf("second apply of one plan: %+v", r)
	}
}

func TestApply_LockOneProceedsOtherStacksConcurrent(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("ap3", "sick:t-sick", "app:t-idle")
	a.stack("ap4", "db:t-http")
	// The first apply holds ap3's lock while compose waits for the sick container.
	first, out := startApply(t, a, "ap3")
	defer func() { _ = first.Process.Kill(); _ = first.Wait() }()

	second := run(t, a.env, "devarch", "apply", "ap3", "--yes")
	if second.code != 1 || !strings.Contains(second.stderr, `stack "ap3" is locked: apply of plan`) ||
		!strings.Contains(second.stderr, "(cli, pid") || !strings.Contains(second.stderr, " since ") {
		t.Fatalf("the second apply must fail at once naming the holder: %+v", second)
	}
	for _, op := range []string{"stop", "down"} {
		if r := run(t, a.env, "devarch", op, "ap3"); r.code != 1 || !strings.Contains(r.stderr, "is locked") {
			t.Fatalf("%s during an apply must be refused: %+v", op, r)
		}
	}
	// Another stack applies while ap3 is locked.
	if r := run(t, a.env, "devarch", "apply", "ap4", "--yes"); r.code != 0 {
		t.Fatalf("another stack applies concurrently: %+v", r)
	}
	if !strings.Contains(out.String(), "Applying plan") {
		t.Fatalf("the first apply runs: %s", out.String())
	}
}

func TestApply_DriftRepaired(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("ap5", "db:t-http", "app:t-idle")
	mustRun(t, a.env, "devarch", "apply", "ap5", "--yes")
	exec.Command("docker", "stop", "-t", "0", "devarch-ap5-db").Run()
	exec.Command("docker", "rm", "-f", "devarch-ap5-app").Run()
	out, _ := a.plan("ap5")
	if !strings.Contains(out, "~ update in place db") || !strings.Contains(out, "stopped outside DevArch") ||
		!strings.Contains(out, "+ create app") || !strings.Contains(out, "removed outside DevArch") {
		t.Fatalf("drift plan:\n%s", out)
	}
	mustRun(t, a.env, "devarch", "apply", "ap5", "--yes")
	for _, c := range []string{"devarch-ap5-db", "devarch-ap5-app"} {
		if s := containerState(t, c); s != "running" {
			t.Fatalf("%s is %s after repair", c, s)
		}
	}
	if out, code := a.plan("ap5"); code != 0 {
		t.Fatalf("after repair the stack is up to date:\n%s", out)
	}
}

// startApply runs `devarch apply --yes` in the background and returns once compose is
// waiting for the never-healthy container.
func startApply(t *testing.T, a applyEnv, stack string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd, out := startApplyUntil(t, a.env, stack, func(line string) bool {
		return strings.Contains(line, "sick") && (strings.Contains(line, "Started") || strings.Contains(line, "Waiting"))
	})
	waitFor(t, 30*time.Second, "the stack's compose process", func() bool { return len(composeProcs("devarch-"+stack)) > 0 })
	return cmd, out
}

func TestApply_CancelStopsComposeAndReleasesLock(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("ap6", "sick:t-sick")
	cmd, out := startApply(t, a, "ap6")
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("apply did not stop within 20 s of Ctrl+C:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "apply canceled") {
		t.Fatalf("cancel must be reported:\n%s", out.String())
	}
	if procs := composeProcs("devarch-ap6"); len(procs) > 0 {
		t.Fatalf("compose still running after cancel: %v", procs)
	}
	r := mustRun(t, a.env, "devarch", "history", "ap6", "--json")
	if !strings.Contains(r.stdout, `"status": "canceled"`) {
		t.Fatalf("the run must be recorded as canceled: %s", r.stdout)
	}
	// The lock is free: another operation proceeds at once.
	mustRun(t, a.env, "devarch", "down", "ap6")
}

func TestApply_Kill9ThenPlanAndApplyAgain(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("ap7", "sick:t-sick", "app:t-idle")
	cmd, _ := startApply(t, a, "ap7")
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	for _, p := range composeProcs("devarch-ap7") {
		_ = syscall.Kill(p, syscall.SIGKILL) // kill -9 leaves the child; a crash would too
	}
	// The next start (any command) marks the killed run interrupted, once the server has
	// noticed the killed process's connection is gone (a few milliseconds; under load more).
	waitFor(t, 20*time.Second, "the killed run to be marked interrupted at the next start", func() bool {
		return strings.Contains(mustRun(t, a.env, "devarch", "history", "ap7", "--json").stdout, `"status": "interrupted"`)
	})
	// The sick instance goes: then plan and apply work again, the lock being free.
	mustRun(t, a.env, "devarch", "instance", "remove", "ap7", "sick")
	out, _ := a.plan("ap7")
	if !strings.Contains(out, "sick") {
		t.Fatalf("the plan shows the truth (the half-applied sick container goes):\n%s", out)
	}
	mustRun(t, a.env, "devarch", "apply", "ap7", "--yes")
	r := mustRun(t, a.env, "devarch", "history", "ap7", "--json")
	if !strings.Contains(r.stdout, `"status": "interrupted"`) || !strings.Contains(r.stdout, `"status": "succeeded"`) {
		t.Fatalf("the killed run is marked interrupted, the next one succeeded: %s", r.stdout)
	}
}

// composeProcs lists docker compose processes whose command line names project.
func composeProcs(project string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		s := strings.ReplaceAll(string(b), "\x00", " ")
		if strings.Contains(s, "compose") && strings.Contains(s, project+" ") {
			pids = append(pids, pid)
		}
	}
	return pids
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A refused or failed run is recorded with its status and stderr, not left "running".
func TestApply_FailedRunsRecorded(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("ap8", "app:t-idle")
	r := run(t, a.env, "devarch", "start", "ap8") // never applied: no container to start
	if r.code != 1 || !strings.Contains(r.stderr, "stack ap8 is down: it has no containers to start") || !strings.Contains(r.stderr, "devarch apply ap8") {
		t.Fatalf("start of a never-applied stack must fail saying what to do: %+v", r)
	}
	r = mustRun(t, a.env, "devarch", "history", "ap8", "--json")
	if !strings.Contains(r.stdout, `"status": "failed"`) || !strings.Contains(r.stdout, "has no containers to start") {
		t.Fatalf("the failed start must be recorded with its stderr: %s", r.stdout)
	}
}

func TestLogsAndStatus(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("ap9", "web:t-http", "app:t-idle")
	mustRun(t, a.env, "devarch", "apply", "ap9", "--yes")
	// httpd logs nothing by default; generate a line through the engine.
	exec.Command("docker", "exec", "devarch-ap9-app", "sh", "-c", "echo hello-from-app > /proc/1/fd/1").Run()
	r := mustRun(t, a.env, "devarch", "logs", "ap9", "app")
	if !strings.Contains(r.stdout, "hello-from-app") {
		t.Fatalf("logs of one instance: %q", r.stdout)
	}
	// --follow streams until interrupted.
	cmd := exec.Command(devarch(t), "logs", "ap9", "--follow")
	cmd.Env = os.Environ()
	for k, v := range a.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() }) // when a wait below fails
	// The stream is attached once it has delivered the earlier line: new ones follow it.
	waitFor(t, 30*time.Second, "logs --follow to print the earlier line", func() bool { return strings.Contains(out.String(), "hello-from-app") })
	exec.Command("docker", "exec", "devarch-ap9-app", "sh", "-c", "echo followed-line > /proc/1/fd/1").Run()
	waitFor(t, 10*time.Second, "logs --follow to stream the new line", func() bool { return strings.Contains(out.String(), "followed-line") })
	_ = cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("logs --follow must end cleanly on Ctrl+C: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "followed-line") {
		t.Fatalf("--follow did not stream the new line:\n%s", out.String())
	}
	r = mustRun(t, a.env, "devarch", "status", "ap9", "--json")
	if !strings.Contains(r.stdout, `"instance": "web"`) || !strings.Contains(r.stdout, `"health": "healthy"`) {
		t.Fatalf("status: %s", r.stdout)
	}
}
