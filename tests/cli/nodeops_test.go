//go:build unix

package cli_test

import (
	"strings"
	"testing"
)

// ndTemplate prints a line the logs tests look for, and stops at once (init forwards the
// signal), so stop and start are quick.
const ndTemplate = `name: t-nd
category: runtime
description: prints a line, then idles
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "echo nd-hello from the test image; exec sleep 3600"]
  init: true
  stop_grace_period: 1s
`

// Per-instance start and stop (issue 12 item 5): refusals change nothing; a stopped
// instance stays stopped through plan and apply, its plan says so; a config change replaces
// it without starting it; stack-level start clears the marks; starting one instance of a
// stopped stack leaves the others stopped on purpose.
func TestStopStart_OneInstance(t *testing.T) {
	a := newApplyEnv(t)
	importTemplate(t, a.env, ndTemplate)
	a.stack("nd1", "web:t-nd", "worker:t-nd")

	r := run(t, a.env, "devarch", "stop", "nd1", "worker")
	if r.code != 1 || !strings.Contains(r.stderr, "worker of stack nd1 has no container yet") || !strings.Contains(r.stderr, "devarch apply nd1") {
		t.Fatalf("stop before apply must say to apply first: %+v", r)
	}
	mustRun(t, a.env, "devarch", "apply", "nd1", "--yes")
	r = run(t, a.env, "devarch", "stop", "nd1", "wokrer")
	if r.code != 1 || !strings.Contains(r.stderr, `no instance named "wokrer"`) || !strings.Contains(r.stderr, "Did you mean worker?") {
		t.Fatalf("unknown instance needs a suggestion: %+v", r)
	}
	r = run(t, a.env, "devarch", "down", "nd1", "worker")
	if r.code == 0 {
		t.Fatalf("down takes a whole stack: %+v", r)
	}
	if s := containerState(t, "devarch-nd1-worker"); s != "running" {
		t.Fatalf("a refused command changed worker: %s", s)
	}

	r = mustRun(t, a.env, "devarch", "stop", "nd1", "worker")
	if !strings.Contains(r.stderr, "stop nd1 worker: done.") {
		t.Fatalf("stop output: %s", r.stderr)
	}
	if w, s := containerState(t, "devarch-nd1-worker"), containerState(t, "devarch-nd1-web"); w != "exited" || s != "running" {
		t.Fatalf("after stop worker: worker %s, web %s", w, s)
	}
	out, code := a.plan("nd1")
	if code != 0 || !strings.Contains(out, "Stopped on purpose: worker is left stopped (devarch start nd1 worker starts it).") || strings.Contains(out, "will start") {
		t.Fatalf("the plan leaves worker stopped and says why (exit %d):\n%s", code, out)
	}
	mustRun(t, a.env, "devarch", "apply", "nd1", "--yes")
	if s := containerState(t, "devarch-nd1-worker"); s != "exited" {
		t.Fatalf("apply started the stopped instance: %s", s)
	}

	mustRun(t, a.env, "devarch", "instance", "set", "nd1", "worker", "environment.MODE=changed")
	out, _ = a.plan("nd1")
	if !strings.Contains(out, "-/+ replace worker") || !strings.Contains(out, "Stopped on purpose: worker") {
		t.Fatalf("a config change replaces it, still stopped on purpose:\n%s", out)
	}
	mustRun(t, a.env, "devarch", "apply", "nd1", "--yes")
	if s := containerState(t, "devarch-nd1-worker"); s != "created" {
		t.Fatalf("the replaced stopped instance is %s, want created (not started)", s)
	}
	if got := containerEnv(t, "devarch-nd1-worker", "MODE"); got != "changed" {
		t.Fatalf("the new configuration: MODE=%q", got)
	}
	if s := containerState(t, "devarch-nd1-web"); s != "running" {
		t.Fatalf("web is %s", s)
	}

	r = mustRun(t, a.env, "devarch", "start", "nd1", "worker", "--json")
	if !strings.Contains(r.stdout, `"instances": [`) || !strings.Contains(r.stdout, `"operation": "start"`) {
		t.Fatalf("start --json: %s", r.stdout)
	}
	if s := containerState(t, "devarch-nd1-worker"); s != "running" {
		t.Fatalf("after start worker: %s", s)
	}
	if out, code := a.plan("nd1"); code != 0 || strings.Contains(out, "Stopped on purpose") {
		t.Fatalf("started: up to date, nothing stopped (exit %d):\n%s", code, out)
	}

	// A stack-level start clears an instance's mark.
	mustRun(t, a.env, "devarch", "stop", "nd1", "worker")
	mustRun(t, a.env, "devarch", "start", "nd1")
	if out, code := a.plan("nd1"); code != 0 || strings.Contains(out, "Stopped on purpose") {
		t.Fatalf("stack start clears the marks (exit %d):\n%s", code, out)
	}

	// Starting one instance of a stopped stack: the others stay stopped on purpose.
	mustRun(t, a.env, "devarch", "stop", "nd1")
	mustRun(t, a.env, "devarch", "start", "nd1", "web")
	if w, s := containerState(t, "devarch-nd1-worker"), containerState(t, "devarch-nd1-web"); w != "exited" || s != "running" {
		t.Fatalf("start web of a stopped stack: worker %s, web %s", w, s)
	}
	out, code = a.plan("nd1")
	if code != 0 || !strings.Contains(out, "Stopped on purpose: worker") {
		t.Fatalf("worker stays stopped on purpose (exit %d):\n%s", code, out)
	}
	r = mustRun(t, a.env, "devarch", "history", "nd1")
	if !strings.Contains(r.stdout, "start") || !strings.Contains(r.stdout, "stop") {
		t.Fatalf("history records the instance operations:\n%s", r.stdout)
	}
}
