//go:build unix

package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/database/dbtest"
)

// crashTemplate exits with code 3 at once; DevArch's default restart policy
// (unless-stopped) makes the engine restart it over and over.
const crashTemplate = `name: t-crash
category: runtime
description: crashes at start
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "echo boom from the app; exit 3"]
  init: true
`

// unhealthyTemplate runs but its healthcheck fails with the output a web app would give.
const unhealthyTemplate = `name: t-unhealthy
category: runtime
description: never healthy
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
  healthcheck:
    test: [CMD, sh, -c, "echo wget: server returned error: HTTP/1.1 404 Not Found; exit 1"]
    interval: 1s
    retries: 8
`

// A crash-looping container fails the apply quickly, naming the exit code and what the app
// printed; history says failed, the next plan is not "up to date", and the stack is called
// degraded. Before, apply reported it healthy (after up to minutes of silence).
func TestApply_CrashLoopFails(t *testing.T) {
	a := newApplyEnv(t)
	importTemplate(t, a.env, crashTemplate)
	a.stack("tt1", "app:t-crash")
	start := time.Now()
	r := run(t, a.env, "devarch", "apply", "tt1", "--yes")
	took := time.Since(start)
	if r.code != 1 || !strings.Contains(r.stderr, "error: app exited with code 3") || !strings.Contains(r.stderr, "boom from the app") {
		t.Fatalf("apply of a crash loop: %+v", r)
	}
	if took > 60*time.Second {
		t.Fatalf("the crash was noticed only after %s", took)
	}
	if !regexp.MustCompile(`failed\s+\+ create app: exited with code 3`).MatchString(r.stderr) {
		t.Fatalf("the results say what failed: %s", r.stderr)
	}
	h := mustRun(t, a.env, "devarch", "history", "tt1", "--json")
	if !strings.Contains(h.stdout, `"status": "failed"`) {
		t.Fatalf("history: %s", h.stdout)
	}
	out, code := a.plan("tt1")
	if code != 2 || !strings.Contains(out, "last apply failed: crashed: exited with code 3") {
		t.Fatalf("the next plan must finish the job, not say up to date:\n%s", out)
	}
	waitFor(t, 30*time.Second, "stack list to call the crash-looping stack degraded", func() bool {
		return strings.Contains(mustRun(t, a.env, "devarch", "stack", "list", "--json").stdout, `"status": "degraded"`)
	})
	t.Logf("crash noticed after %s", took.Round(100*time.Millisecond))
}

// A command without a healthcheck that fails a second after it started (a missing config, a
// refused connection) fails the apply too: compose's --wait returns the moment it runs, so
// such a container must stay up a few seconds before it counts as started. A sibling that
// keeps running passes.
func TestApply_LateCrashWithoutHealthcheckFails(t *testing.T) {
	a := newApplyEnv(t)
	importTemplate(t, a.env, `name: t-latecrash
category: runtime
description: fails a second after it starts
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "echo late boom; sleep 1; exit 4"]
  init: true
`)
	a.stack("tt7", "app:t-latecrash", "idle:t-idle")
	r := run(t, a.env, "devarch", "apply", "tt7", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "error: app exited with code 4") || !strings.Contains(r.stderr, "late boom") {
		t.Fatalf("apply of a container that fails after a second: %+v", r)
	}
	if !regexp.MustCompile(`done\s+\+ create idle`).MatchString(r.stderr) || !regexp.MustCompile(`failed\s+\+ create app: exited with code 4`).MatchString(r.stderr) {
		t.Fatalf("the results say which one failed: %s", r.stderr)
	}
}

// While a healthcheck fails, apply says so every few seconds with the probe's output, and
// the error names the last probe's output. The next plan replaces only the failed instance,
// with the reason; an edit of it then shows as a config change with its diff.
func TestApply_UnhealthyIsExplained(t *testing.T) {
	a := newApplyEnv(t)
	importTemplate(t, a.env, unhealthyTemplate)
	a.stack("tt2", "good:t-idle", "sick:t-unhealthy")
	r := run(t, a.env, "devarch", "apply", "tt2", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "error: sick unhealthy: wget: server returned error: HTTP/1.1 404 Not Found") {
		t.Fatalf("apply of an unhealthy instance: %+v", r)
	}
	if !regexp.MustCompile(`sick\s+Waiting\s+health starting, \d+/8 checks failed: wget: server returned error`).MatchString(r.stderr) {
		t.Fatalf("no progress line saying why sick is not ready:\n%s", r.stderr)
	}
	if !regexp.MustCompile(`done\s+\+ create good`).MatchString(r.stderr) || !regexp.MustCompile(`failed\s+\+ create sick`).MatchString(r.stderr) {
		t.Fatalf("the results say what was done: %s", r.stderr)
	}
	if strings.Count(r.stderr, "is unhealthy") > 1 {
		t.Fatalf("compose's output is printed twice:\n%s", r.stderr)
	}
	out, _ := a.plan("tt2")
	if !strings.Contains(out, "-/+ replace sick") || !strings.Contains(out, "last apply failed: unhealthy") || strings.Contains(out, "good") {
		t.Fatalf("after the failed apply, only sick is left to do:\n%s", out)
	}
	mustRun(t, a.env, "devarch", "instance", "set", "tt2", "sick", `healthcheck.test=["CMD","true"]`)
	out, _ = a.plan("tt2")
	if !strings.Contains(out, "cause: config changed") || !strings.Contains(out, "~ healthcheck") || strings.Contains(out, "outside DevArch") {
		t.Fatalf("the user's edit is a config change with its diff:\n%s", out)
	}
	mustRun(t, a.env, "devarch", "apply", "tt2", "--yes")
	if out, code := a.plan("tt2"); code != 0 {
		t.Fatalf("fixed and applied: up to date:\n%s", out)
	}
}

// stop records that the stack is meant to be stopped: its plan shows only configuration
// changes, applied without starting; start runs it again.
func TestStop_PlanOfAStoppedStack(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("tt3", "app:t-idle", "web:t-http")
	mustRun(t, a.env, "devarch", "apply", "tt3", "--yes")
	mustRun(t, a.env, "devarch", "stop", "tt3")
	if out, code := a.plan("tt3"); code != 0 {
		t.Fatalf("a stopped stack is up to date, not 'will start':\n%s", out)
	}
	mustRun(t, a.env, "devarch", "instance", "set", "tt3", "app", "environment.MODE=changed")
	out, _ := a.plan("tt3")
	if !strings.Contains(out, "-/+ replace app") || strings.Contains(out, "will start") || strings.Contains(out, "web") ||
		!strings.Contains(out, "Stack tt3 is stopped") {
		t.Fatalf("only the configuration change, applied without starting:\n%s", out)
	}
	mustRun(t, a.env, "devarch", "apply", "tt3", "--yes")
	if s := containerState(t, "devarch-tt3-app"); s != "created" {
		t.Fatalf("the replaced container of a stopped stack is %s, want created (not started)", s)
	}
	if got := containerEnv(t, "devarch-tt3-app", "MODE"); got != "changed" {
		t.Fatalf("the new configuration: MODE=%q", got)
	}
	mustRun(t, a.env, "devarch", "start", "tt3")
	for _, c := range []string{"devarch-tt3-app", "devarch-tt3-web"} {
		if s := containerState(t, c); s != "running" {
			t.Fatalf("%s is %s after start", c, s)
		}
	}
	if out, code := a.plan("tt3"); code != 0 {
		t.Fatalf("started: up to date:\n%s", out)
	}
}

// The verbs say what is true: down of a stack that has nothing is not an error, start of a
// stack that is down says to apply, and plan's hint names a command that applies exactly
// that plan.
func TestOperations_SayWhatIsTrue(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("tt4", "app:t-idle")
	r := mustRun(t, a.env, "devarch", "down", "tt4")
	if !strings.Contains(r.stderr, "down tt4: nothing to take down.") {
		t.Fatalf("down of a never-applied stack: %+v", r)
	}
	r = run(t, a.env, "devarch", "plan", "tt4")
	m := regexp.MustCompile(`Apply exactly this plan with: devarch apply tt4 --plan-id (\d+)`).FindStringSubmatch(r.stderr)
	if r.code != 0 || m == nil {
		t.Fatalf("plan hint: %+v", r)
	}
	// Another plan in between: --plan-id still applies the one named.
	run(t, a.env, "devarch", "plan", "tt4", "--json")
	r = mustRun(t, a.env, "devarch", "apply", "tt4", "--plan-id", m[1])
	if !strings.Contains(r.stderr, "Applying plan "+m[1]+" to tt4") {
		t.Fatalf("apply --plan-id: %s", r.stderr)
	}
	mustRun(t, a.env, "devarch", "down", "tt4")
	r = run(t, a.env, "devarch", "start", "tt4")
	if r.code != 1 || !strings.Contains(r.stderr, "stack tt4 is down") || !strings.Contains(r.stderr, "devarch apply tt4") {
		t.Fatalf("start after down: %+v", r)
	}
	r = mustRun(t, a.env, "devarch", "apply", "tt4", "--yes", "--json")
	if !strings.Contains(r.stdout, `"results": [`) || !strings.Contains(r.stdout, `"kind": "create"`) {
		t.Fatalf("apply --json: %s", r.stdout)
	}
	r = mustRun(t, a.env, "devarch", "apply", "tt4", "--yes", "--json")
	if !strings.Contains(r.stdout, `"summary": "nothing to do"`) {
		t.Fatalf("apply --json with nothing to do must still print a document: %q", r.stdout)
	}
}

// Plans made only to look do not pile up.
func TestPlans_DoNotPileUp(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t)}
	mustRun(t, env, "devarch", "stack", "create", "tt5")
	for i := 0; i < 30; i++ {
		run(t, env, "devarch", "plan", "tt5", "--detailed-exitcode")
	}
	pool := dbtest.Connect(t, env["DEVARCH_DATABASE_URL"])
	var n int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM plans`).Scan(&n); err != nil || n > 20 {
		t.Fatalf("%d plans kept after 30 looks (%v), want at most 20", n, err)
	}
}

// A compose process a crashed DevArch left running for a stack (its parent-death signal
// missed, as a compose plugin not yet connected to its CLI can) is stopped by the next
// operation that takes the stack's lock, before that operation changes anything.
func TestCrashRecovery_StopsStrayCompose(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("tt6", "app:t-idle")
	mustRun(t, a.env, "devarch", "apply", "tt6", "--yes")
	dir := filepath.Join(a.env["DEVARCH_HOME"], "stacks", "tt6")
	doc, err := os.ReadFile(filepath.Join(dir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// What DevArch runs, in a session of its own so nothing of the test's ends it.
	stray := exec.Command("docker", "compose", "-p", "devarch-tt6", "-f", "-", "--project-directory", dir, "events")
	stray.Stdin = strings.NewReader(string(doc))
	stray.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := stray.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- stray.Wait() }()
	defer func() { _ = stray.Process.Kill() }()
	// Wait until it runs (the docker CLI and its compose plugin); it never ends on its own.
	for deadline := time.Now().Add(20 * time.Second); len(composeProcs("devarch-tt6")) < 2; {
		select {
		case err := <-exited:
			t.Fatalf("the stray compose ended on its own: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the stray compose did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	mustRun(t, a.env, "devarch", "stop", "tt6")
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the stray compose still runs after the next operation took the stack's lock")
	}
}

// A local image rebuilt under the same tag is noticed by the plan; --replace replaces an
// instance whatever its state.
func TestPlan_ImageRebuiltAndReplace(t *testing.T) {
	a := newApplyEnv(t)
	tag := "devarch-test/rebuilt:" + strings.ToLower(strings.ReplaceAll(t.Name(), "_", "-"))
	mustRun(t, a.env, "docker", "tag", "devarch-test/busybox:1", tag)
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", "-f", tag).Run() })
	a.stack("tt7", "app:t-idle")
	mustRun(t, a.env, "devarch", "instance", "set", "tt7", "app", "image="+tag)
	mustRun(t, a.env, "devarch", "apply", "tt7", "--yes")
	if out, code := a.plan("tt7"); code != 0 {
		t.Fatalf("up to date after apply:\n%s", out)
	}
	// "Rebuild" the tag: a new image (a commit of a container) under the same name.
	cid := strings.TrimSpace(mustRun(t, a.env, "docker", "create", "devarch-test/busybox:1", "true").stdout)
	mustRun(t, a.env, "docker", "commit", "--change", "LABEL rebuilt=yes", cid, tag)
	_ = exec.Command("docker", "rm", cid).Run()
	out, code := a.plan("tt7")
	if code != 2 || !strings.Contains(out, "-/+ replace app") || !strings.Contains(out, "image rebuilt under the same tag") {
		t.Fatalf("a rebuilt tag must be noticed:\n%s", out)
	}
	mustRun(t, a.env, "devarch", "apply", "tt7", "--yes")
	if out, code := a.plan("tt7"); code != 0 {
		t.Fatalf("replaced: up to date:\n%s", out)
	}
	r := mustRun(t, a.env, "devarch", "plan", "tt7", "--replace", "app")
	if !strings.Contains(r.stdout, "cause: replace requested") {
		t.Fatalf("plan --replace:\n%s", r.stdout)
	}
	r = mustRun(t, a.env, "devarch", "apply", "tt7", "--yes", "--replace", "app")
	if !strings.Contains(r.stderr, "replace requested") || !strings.Contains(r.stderr, "Apply complete: 1 added, 0 changed, 1 destroyed.") {
		t.Fatalf("apply --replace: %s", r.stderr)
	}
	if r := run(t, a.env, "devarch", "plan", "tt7", "--replace", "ghost"); r.code != 1 || !strings.Contains(r.stdout, "Error: instance ghost cannot be replaced") {
		t.Fatalf("--replace of an unknown instance: %+v", r)
	}
}
