//go:build unix

package cli_test

import (
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// chattyTemplate prints a numbered line every 100 ms.
const chattyTemplate = `name: t-chatty
category: runtime
description: prints numbered lines
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "i=0; while true; do i=$((i+1)); echo line-$i; sleep 0.1; done"]
  init: true
  stop_grace_period: 1s
`

// Renaming an instance is refused while its container exists, naming down; once the
// containers are gone it renames, keeps the overrides, and the next plan creates the
// container under the new name as a new instance. Applied records left behind by containers
// removed outside DevArch, under the old name or the new one (a removed instance's), do not
// make the plan call either instance "removed outside DevArch".
func TestInstance_Rename(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("ev1", "db:t-idle", "app:t-idle", "web:t-idle")
	mustRun(t, a.env, "devarch", "instance", "set", "ev1", "app", "--set", "environment.MODE=kept")
	mustRun(t, a.env, "devarch", "apply", "ev1", "--yes")

	r := run(t, a.env, "devarch", "instance", "rename", "ev1", "app", "www")
	if r.code != 1 || !strings.Contains(r.stderr, "devarch-ev1-app") || !strings.Contains(r.stderr, "devarch down ev1") {
		t.Fatalf("rename with a container must be refused naming down: %+v", r)
	}
	// web leaves the stack, its container stays: renaming app to web is refused too.
	mustRun(t, a.env, "devarch", "instance", "remove", "ev1", "web")
	if err := exec.Command("docker", "rm", "-f", "devarch-ev1-app").Run(); err != nil {
		t.Fatal(err)
	}
	if r := run(t, a.env, "devarch", "instance", "rename", "ev1", "app", "web"); r.code != 1 || !strings.Contains(r.stderr, "devarch-ev1-web") {
		t.Fatalf("a container of the new name blocks the rename: %+v", r)
	}
	// Both containers go outside DevArch: their applied records stay behind.
	if err := exec.Command("docker", "rm", "-f", "devarch-ev1-web").Run(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		argv []string
		want string
	}{
		{[]string{"ev1", "app", "db"}, `already has an instance named "db"`},
		{[]string{"ev1", "nope", "x"}, `has no instance named "nope"`},
		{[]string{"ev1", "app", "Web"}, "not a valid name"},
	} {
		if r := run(t, a.env, append([]string{"devarch", "instance", "rename"}, c.argv...)...); r.code != 1 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("rename %v: %+v", c.argv, r)
		}
	}
	if r := mustRun(t, a.env, "devarch", "instance", "rename", "ev1", "app", "app"); !strings.Contains(r.stderr, "nothing changed") {
		t.Fatalf("same name: %s", r.stderr)
	}
	r = mustRun(t, a.env, "devarch", "instance", "rename", "ev1", "app", "web")
	if !strings.Contains(r.stderr, "Renamed ev1/app to web") || !strings.Contains(r.stderr, "devarch apply ev1") {
		t.Fatalf("rename: %s", r.stderr)
	}
	// A new instance under the old name is new too.
	mustRun(t, a.env, "devarch", "instance", "add", "ev1", "app", "--template", "t-idle")
	out, code := a.plan("ev1")
	if code != 2 || !strings.Contains(out, "+ create web (devarch-ev1-web)") || !strings.Contains(out, "+ create app (devarch-ev1-app)") ||
		strings.Count(out, "new instance") != 2 || strings.Contains(out, "outside DevArch") || strings.Contains(out, "db") {
		t.Fatalf("after the rename the plan creates web and app as new, and nothing else:\n%s", out)
	}
	if web := showInstance(t, a.env, "ev1", "web"); web.Overrides["environment"] == nil {
		t.Fatalf("the overrides follow the rename: %+v", web)
	}
	mustRun(t, a.env, "devarch", "apply", "ev1", "--yes")
	if s := containerState(t, "devarch-ev1-web"); s != "running" {
		t.Fatalf("devarch-ev1-web is %s", s)
	}
	r = mustRun(t, a.env, "devarch", "instance", "list", "ev1")
	if !regexp.MustCompile(`(?m)^web\s+t-idle\s+devarch-test/busybox:1\s+running\s+1$`).MatchString(r.stdout) || !strings.Contains(r.stdout, "INSTANCE") {
		t.Fatalf("instance list:\n%s", r.stdout)
	}
	h := mustRun(t, a.env, "devarch", "history", "ev1")
	if !regexp.MustCompile(`rename\s+-\s+succeeded`).MatchString(h.stdout) ||
		!regexp.MustCompile(`rename\s+-\s+failed .*\n\s+why: ev1/app has a container`).MatchString(h.stdout) {
		t.Fatalf("history records the renames:\n%s", h.stdout)
	}
}

// Switching an instance's template keeps its overrides and replaces the container at the
// next apply; overrides that do not fit the new template are refused with every problem,
// and nothing changes.
func TestInstance_SetTemplate(t *testing.T) {
	a := newApplyEnv(t)
	importTemplate(t, a.env, strings.NewReplacer("t-idle", "t-idle-b", `"3600"`, `"7200"`).Replace(idleTemplate))
	importTemplate(t, a.env, `name: t-built
category: runtime
description: built from ./app
service:
  build:
    context: ./app
  command: [sleep, "3600"]
`)
	a.stack("ev2", "app:t-idle")
	mustRun(t, a.env, "devarch", "instance", "set", "ev2", "app", "environment.MODE=kept")
	mustRun(t, a.env, "devarch", "apply", "ev2", "--yes")

	r := mustRun(t, a.env, "devarch", "instance", "set-template", "ev2", "app", "t-idle-b")
	if !strings.Contains(r.stderr, "ev2/app now uses template t-idle-b") {
		t.Fatalf("set-template: %s", r.stderr)
	}
	app := showInstance(t, a.env, "ev2", "app")
	if app.Overrides["environment"] == nil || app.Origins["command"] != "template" {
		t.Fatalf("the overrides are kept, the new template's values show through: %+v", app)
	}
	out, _ := a.plan("ev2")
	if !strings.Contains(out, "-/+ replace app") || !strings.Contains(out, `~ command: ["sleep","3600"] -> ["sleep","7200"]`) {
		t.Fatalf("the next plan replaces the container:\n%s", out)
	}
	if r := mustRun(t, a.env, "devarch", "instance", "set-template", "ev2", "app", "t-idle-b"); !strings.Contains(r.stderr, "nothing changed") {
		t.Fatalf("same template: %s", r.stderr)
	}

	// image=null fits a template that builds, not one that only names an image.
	mustRun(t, a.env, "devarch", "instance", "add", "ev2", "b", "--template", "t-built", "--set", "image=null")
	before := showInstance(t, a.env, "ev2", "b")
	r = run(t, a.env, "devarch", "instance", "set-template", "ev2", "b", "t-idle")
	if r.code != 1 || !strings.Contains(r.stderr, "do not fit template t-idle") || !strings.Contains(r.stderr, "neither an image nor a build") ||
		!strings.Contains(r.stderr, "devarch instance set ev2 b --unset image") || !strings.Contains(r.stderr, "Nothing was changed") {
		t.Fatalf("a switch the overrides do not fit: %+v", r)
	}
	if after := showInstance(t, a.env, "ev2", "b"); after.Revision != before.Revision {
		t.Fatalf("a refused switch changed the stack: revision %d -> %d", before.Revision, after.Revision)
	}
	if r := run(t, a.env, "devarch", "instance", "set-template", "ev2", "b", "nope"); r.code != 1 || !strings.Contains(r.stderr, `no template named "nope"`) {
		t.Fatalf("unknown template: %+v", r)
	}
}

// logs takes --tail and --since, -f is --follow, and an instance the stack does not have is
// an error, not an empty stream.
func TestLogs_TailSinceAndUnknownInstance(t *testing.T) {
	a := newApplyEnv(t)
	importTemplate(t, a.env, chattyTemplate)
	a.stack("ev3", "talk:t-chatty")
	mustRun(t, a.env, "devarch", "apply", "ev3", "--yes")
	waitFor(t, 30*time.Second, "talk to print 5 lines", func() bool {
		return strings.Count(mustRun(t, a.env, "devarch", "logs", "ev3", "talk").stdout, "line-") >= 5
	})

	r := mustRun(t, a.env, "devarch", "logs", "ev3", "talk", "--tail", "2")
	if n := strings.Count(r.stdout, "line-"); n != 2 {
		t.Fatalf("--tail 2 printed %d lines:\n%s", n, r.stdout)
	}
	all := mustRun(t, a.env, "devarch", "logs", "ev3", "talk")
	if strings.Count(all.stdout, "line-") < 5 {
		t.Fatalf("without --tail, every line:\n%s", all.stdout)
	}
	if r := mustRun(t, a.env, "devarch", "logs", "ev3", "--since", "1h"); strings.Count(r.stdout, "line-") < 5 {
		t.Fatalf("--since 1h:\n%s", r.stdout)
	}
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	if r := mustRun(t, a.env, "devarch", "logs", "ev3", "--since", future); strings.Contains(r.stdout, "line-") {
		t.Fatalf("--since a future time prints nothing:\n%s", r.stdout)
	}
	r = run(t, a.env, "devarch", "logs", "ev3", "nope")
	if r.code != 1 || !strings.Contains(r.stderr, `stack "ev3" has no instance named "nope"`) || !strings.Contains(r.stderr, "devarch instance list ev3") {
		t.Fatalf("logs of an unknown instance: %+v", r)
	}
	for _, bad := range [][]string{{"--tail", "-3"}, {"--since", "yesterday"}, {"--tial", "3"}} {
		if r := run(t, a.env, append([]string{"devarch", "logs", "ev3"}, bad...)...); r.code != 2 || !strings.Contains(r.stderr, "devarch logs --help") {
			t.Errorf("logs %v: %+v", bad, r)
		}
	}

	// -f --tail 0 streams only new lines, until Ctrl+C.
	cmd := exec.Command(devarch(t), "logs", "ev3", "talk", "-f", "--tail", "0")
	cmd.Env = environ(a.env)
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for strings.Count(out.String(), "line-") < 3 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil || strings.Count(out.String(), "line-") < 3 || strings.Contains(out.String(), "line-1\n") {
		t.Fatalf("-f --tail 0: %v\n%s", err, out.String())
	}
}

// history says how long each run took and why one failed; history STACK RUN shows a run's
// results. Applying an already-applied plan file is refused without claiming to apply it.
func TestHistory_DurationWhyAndOneRun(t *testing.T) {
	a := newApplyEnv(t)
	importTemplate(t, a.env, crashTemplate)
	a.stack("ev4", "ok:t-idle")
	planPath := writeTemp(t, "")
	mustRun(t, a.env, "devarch", "plan", "ev4", "--out", planPath)
	mustRun(t, a.env, "devarch", "apply", "ev4", "--plan", planPath)
	r := run(t, a.env, "devarch", "apply", "ev4", "--plan", planPath)
	if r.code != 1 || !strings.Contains(r.stderr, "already applied") || strings.Contains(r.stderr, "Applying plan") {
		t.Fatalf("an applied plan is refused without 'Applying plan': %+v", r)
	}
	mustRun(t, a.env, "devarch", "instance", "add", "ev4", "bad", "--template", "t-crash")
	if r := run(t, a.env, "devarch", "apply", "ev4", "--yes"); r.code != 1 {
		t.Fatalf("the crash fails the apply: %+v", r)
	}
	h := mustRun(t, a.env, "devarch", "history", "ev4")
	lines := strings.Split(strings.TrimSpace(h.stdout), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], "DURATION") ||
		!regexp.MustCompile(`^\d+\s+apply\s+\d+\s+failed\s+\S+ \S+\s+\d[\d.]*(ms|s|m\d+s)\s+`).MatchString(lines[1]) ||
		!regexp.MustCompile(`^\s+why: \+ create bad: exited with code 3`).MatchString(lines[2]) ||
		!regexp.MustCompile(`succeeded\s+\S+ \S+\s+\d`).MatchString(lines[3]) {
		t.Fatalf("history:\n%s", h.stdout)
	}
	var runs []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, a.env, "devarch", "history", "ev4", "--json").stdout), &runs); err != nil || len(runs) != 2 {
		t.Fatalf("history --json: %v %v", runs, err)
	}
	one := mustRun(t, a.env, "devarch", "history", "ev4", jsonID(runs[0].ID))
	for _, want := range []string{"apply of plan", "failed", "Why      + create bad: exited with code 3", "Results:", "failed   + create bad: exited with code 3", "took "} {
		if !strings.Contains(one.stdout, want) {
			t.Errorf("history ev4 %d lacks %q:\n%s", runs[0].ID, want, one.stdout)
		}
	}
	if r := run(t, a.env, "devarch", "history", "ev4", "99999"); r.code != 1 || !strings.Contains(r.stderr, `stack "ev4" has no run 99999`) {
		t.Fatalf("unknown run: %+v", r)
	}
}
