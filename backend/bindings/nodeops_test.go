package bindings_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/bindings"
	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/store"
)

const helloTemplate = `name: b-hello
category: runtime
description: prints a line, then idles
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "echo nd-hello from the test image; exec sleep 3600"]
  init: true
  stop_grace_period: 1s
`

// logProcesses lists the running processes (from the process table) whose command line
// runs compose logs on project: what a log stream starts.
func logProcesses(t *testing.T, project string) []string {
	t.Helper()
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var out []string
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil {
			continue
		}
		cmd := strings.ReplaceAll(strings.TrimRight(string(b), "\x00"), "\x00", " ")
		if strings.Contains(cmd, project) && strings.Contains(cmd, " logs ") {
			if st, err := os.ReadFile(filepath.Join(d, "stat")); err == nil && strings.Contains(string(st), ") Z ") {
				continue // a zombie has ended
			}
			out = append(out, filepath.Base(d)+": "+cmd)
		}
	}
	return out
}

// nodeOpsHost is a host over a real engine with stack ndb1 (instances web and worker of a
// template that prints a line) applied.
func nodeOpsHost(t *testing.T) (*bindings.Host, *recorder) {
	t.Helper()
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	ctx := t.Context()
	svc := engine.New(store.New(dbtest.MigratedDatabase(t)), runtime.Options{}, t.TempDir())
	if _, _, err := svc.ImportTemplate(ctx, []byte(helloTemplate), false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStack(ctx, "ndb1", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"web", "worker"} {
		if _, err := svc.AddInstance(ctx, "ndb1", n, "b-hello", nil); err != nil {
			t.Fatal(err)
		}
	}
	runtimetest.FreshProject(t, eng, "devarch-ndb1")
	rec := &recorder{events: map[string][]any{}}
	host := bindings.NewHost()
	host.SetContext(ctx)
	host.SetEmitter(rec.emit)
	host.SetReady(dbtest.Server(t), svc)
	plans := bindings.NewPlans(host)
	pv, err := plans.Plan("ndb1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plans.Apply(pv.ID); err != nil {
		t.Fatal(err)
	}
	return host, rec
}

// logLines are the lines the stream's events carried, and whether it said it was done.
func logLines(rec *recorder, id string) (lines []string, done bool, prob *bindings.Problem) {
	tagged, done, prob := taggedLogLines(rec, id)
	for _, l := range tagged {
		lines = append(lines, l.Text)
	}
	return lines, done, prob
}

// taggedLogLines is logLines with each line's instance.
func taggedLogLines(rec *recorder, id string) (lines []bindings.LogLine, done bool, prob *bindings.Problem) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, e := range rec.events["logs:"+id] {
		ev := e.(bindings.LogEvent)
		lines = append(lines, ev.Lines...)
		if ev.Done {
			done, prob = true, ev.Problem
		}
	}
	return lines, done, prob
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30s for %s", what)
		}
		time.Sleep(20 * time.Millisecond) // a poll interval
	}
}

// A log stream shows the tail, without compose's name prefix, and follows; Close ends its
// compose process (checked in the process table) and sends Done without a problem; a bad
// instance is refused before anything runs. Stop and start of one instance from the window.
func TestLogs_FollowAndCloseLeavesNoProcess(t *testing.T) {
	host, rec := nodeOpsHost(t)
	logs := bindings.NewLogs(host)
	plans := bindings.NewPlans(host)

	if err := logs.Follow("ndb1", "wbe", 100, "s1"); err == nil || !strings.Contains(err.Error(), "wbe") {
		t.Fatalf("unknown instance: %v", err)
	}
	if err := logs.Follow("ndb1", "web", -1, "s1"); err == nil || !strings.Contains(err.Error(), `"field":"tail"`) {
		t.Fatalf("negative tail: %v", err)
	}
	if err := logs.Follow("ndb1", "web", 1, "a:b"); err == nil || !strings.Contains(err.Error(), `"field":"id"`) {
		t.Fatalf("bad id: %v", err)
	}
	if n := host.LiveStreams(); n != 0 {
		t.Fatalf("refused streams are running: %d", n)
	}

	id := "s1"
	if err := logs.Follow("ndb1", "web", 100, id); err != nil {
		t.Fatal(err)
	}
	if err := logs.Follow("ndb1", "web", 100, id); err == nil || !strings.Contains(err.Error(), "already open") {
		t.Fatalf("an id in use: %v", err)
	}
	waitUntil(t, "the line the image prints", func() bool {
		lines, _, _ := logLines(rec, id)
		for _, l := range lines {
			if strings.Contains(l, "nd-hello from the test image") {
				if strings.Contains(l, "devarch-ndb1-web") || strings.Contains(l, "|") {
					t.Fatalf("the line keeps compose's prefix: %q", l)
				}
				return true
			}
		}
		return false
	})
	if p := logProcesses(t, "devarch-ndb1"); len(p) == 0 {
		t.Fatal("a following stream must have its compose logs process running (the check below would prove nothing)")
	}
	if !logs.Close(id) {
		t.Fatal("Close of a live stream reported it was not running")
	}
	if p := logProcesses(t, "devarch-ndb1"); len(p) != 0 {
		t.Fatalf("compose logs outlived Close: %v", p)
	}
	if _, done, prob := logLines(rec, id); !done || prob != nil {
		t.Fatalf("a closed stream ends with done and no problem: done=%v %+v", done, prob)
	}
	if logs.Close(id) {
		t.Fatal("a second Close found the stream still running")
	}

	// The whole stack in one stream: each instance's line, tagged with it, without the
	// prefix; an unknown stack is refused; Close ends the one compose process.
	if err := logs.Follow("nostack", "", 10, "s2"); err == nil || !strings.Contains(err.Error(), "nostack") {
		t.Fatalf("unknown stack: %v", err)
	}
	if err := logs.Follow("ndb1", "", 10, "s2"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the line of each instance, tagged", func() bool {
		lines, _, _ := taggedLogLines(rec, "s2")
		seen := map[string]bool{}
		for _, l := range lines {
			if strings.Contains(l.Text, "|") || strings.Contains(l.Text, "devarch-ndb1") {
				t.Fatalf("the line keeps compose's prefix: %+v", l)
			}
			if strings.Contains(l.Text, "nd-hello from the test image") {
				seen[l.Instance] = true
			}
		}
		return seen["web"] && seen["worker"] && len(seen) == 2
	})
	// One compose logs (the docker CLI and its compose plugin), for the whole project.
	procs := logProcesses(t, "devarch-ndb1")
	if len(procs) == 0 {
		t.Fatal("no compose logs process for the stack stream")
	}
	for _, p := range procs {
		if !strings.HasSuffix(p, "--tail 10") {
			t.Fatalf("a stack stream follows the whole project, not one instance: %v", procs)
		}
	}
	if !logs.Close("s2") {
		t.Fatal("Close of the stack stream reported it was not running")
	}
	if p := logProcesses(t, "devarch-ndb1"); len(p) != 0 {
		t.Fatalf("compose logs outlived Close of the stack stream: %v", p)
	}

	// Stop one instance from the window: it stops, the other runs; start brings it back.
	if err := plans.OperateInstance("ndb1", "worker", engine.OpStop); err != nil {
		t.Fatal(err)
	}
	st, err := plans.Status("ndb1")
	if err != nil || len(st) != 2 || st[0].Instance != "web" || st[0].State != "running" || st[1].State != "exited" {
		t.Fatalf("after stop worker: %+v %v", st, err)
	}
	pv, err := plans.Plan("ndb1")
	if err != nil || !pv.Empty || !strings.Contains(pv.Text, "Stopped on purpose: worker") || len(pv.StoppedInstances) != 1 || pv.StoppedInstances[0] != "worker" {
		t.Fatalf("plan of the stopped instance: %+v %v", pv, err)
	}
	if err := plans.OperateInstance("ndb1", "worker", engine.OpStart); err != nil {
		t.Fatal(err)
	}
	if st, _ := plans.Status("ndb1"); st[1].State != "running" {
		t.Fatalf("after start worker: %+v", st)
	}
	if err := plans.OperateInstance("ndb1", "nope", engine.OpStop); err == nil || !strings.Contains(err.Error(), "no instance named") {
		t.Fatalf("unknown instance: %v", err)
	}
}

// Quitting the app (EndStreams) ends every open stream's process, and each sends Done.
func TestLogs_EndStreamsOnQuit(t *testing.T) {
	host, rec := nodeOpsHost(t)
	logs := bindings.NewLogs(host)
	a, b := "quit-a", "quit-b"
	if err := logs.Follow("ndb1", "web", 10, a); err != nil {
		t.Fatal(err)
	}
	if err := logs.Follow("ndb1", "worker", 0, b); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "both compose logs processes", func() bool { return len(logProcesses(t, "devarch-ndb1")) >= 2 })
	host.EndStreams(5 * time.Second)
	if p := logProcesses(t, "devarch-ndb1"); len(p) != 0 {
		t.Fatalf("compose logs outlived the app's quit: %v", p)
	}
	if n := host.LiveStreams(); n != 0 {
		t.Fatalf("%d streams still registered", n)
	}
	for _, id := range []string{a, b} {
		if _, done, _ := logLines(rec, id); !done {
			t.Fatalf("stream %s did not send done", id)
		}
	}
}
