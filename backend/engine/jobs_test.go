package engine_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// progressLog collects an apply's progress lines, per instance.
type progressLog struct {
	mu    sync.Mutex
	lines map[string][]string
}

func (l *progressLog) Progress(p engine.Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lines == nil {
		l.lines = map[string][]string{}
	}
	l.lines[p.Instance] = append(l.lines[p.Instance], strings.TrimSpace(p.Status+" "+p.Message))
}

func (l *progressLog) of(inst string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines[inst]...)
}

// A migration job (restart "no") that writes to its named volume and to a folder of the
// project root, and exits 0; an app that waits for its completion and exits 7 unless the
// job's file is in that folder (named volumes belong to one instance, so the folder is what
// they share): the apply runs the job to completion, then starts the app; progress says the
// job Completed; the volume holds what the job wrote; the stack is running, not degraded,
// with the job completed; the next plan leaves the job alone.
func TestApply_OneShotJob_RealEngine(t *testing.T) {
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	const stack = "h2djob"
	svc := boxStack(t, stack, map[string]string{
		"migrate": "command: [sh, -c, \"sleep 2; echo v1 > /data/schema; cp /data/schema /shared/schema; echo migrated\"]\n" +
			"restart: \"no\"\nvolumes: [\"jobdata:/data\", \"./shared:/shared\"]\n",
		"app": "command: [sh, -c, \"test -f /shared/schema || { echo no schema; exit 7; }; exec sleep 3600\"]\n" +
			"volumes: [\"./shared:/shared:ro\"]\ndepends_on: {migrate: {condition: service_completed_successfully}}\n",
	})
	runtimetest.FreshProject(t, eng, model.ProjectName(stack))
	ctx := t.Context()
	p := planStack(t, svc, stack)
	var log progressLog
	out, err := svc.Apply(ctx, p.ID, "test", &log)
	if err != nil {
		t.Fatalf("apply: %v\nmigrate: %q\napp: %q", err, log.of("migrate"), log.of("app"))
	}
	for _, r := range out.Results {
		if r.Status != engine.ResultDone {
			t.Errorf("result %+v", r)
		}
	}
	migrate := log.of("migrate")
	if len(migrate) == 0 || migrate[len(migrate)-1] != engine.ProgressCompleted+" exited with code 0" {
		t.Errorf("migrate's progress must end Completed: %q", migrate)
	}
	for _, l := range migrate {
		if strings.HasPrefix(l, engine.ProgressFailed) || strings.HasPrefix(l, "Healthy") || strings.HasPrefix(l, engine.ProgressRunning) {
			t.Errorf("migrate's progress says %q", l)
		}
	}
	// app started after the job finished: it runs (it exits 7 without the job's file), and
	// its start time is after the job's end.
	states, err := eng.InspectContainers(ctx, []string{model.ContainerName(stack, "migrate"), model.ContainerName(stack, "app")})
	if err != nil || len(states) != 2 {
		t.Fatalf("inspect: %v %+v", err, states)
	}
	byName := map[string]runtime.ContainerState{}
	for _, st := range states {
		byName[st.Name] = st
	}
	job, app := byName[model.ContainerName(stack, "migrate")], byName[model.ContainerName(stack, "app")]
	if job.Status != "exited" || job.ExitCode != 0 || app.Status != "running" {
		t.Fatalf("migrate %s (%d), app %s", job.Status, job.ExitCode, app.Status)
	}
	if !app.StartedAt.After(job.FinishedAt) {
		t.Errorf("app started at %v, before the job finished at %v", app.StartedAt, job.FinishedAt)
	}
	// What the job wrote is in its named volume.
	vol, err := eng.Run(ctx, []string{"inspect", "-f", `{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}}{{end}}{{end}}`, job.Name}, runtime.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimSpace(string(vol.Stdout))
	if name == "" {
		t.Fatal("migrate has no named volume")
	}
	got, err := eng.Run(ctx, []string{"run", "--rm", "-v", name + ":/data:ro", runtimetest.BusyboxImage(t), "cat", "/data/schema"}, runtime.RunOptions{})
	if err != nil || strings.TrimSpace(string(got.Stdout)) != "v1" {
		t.Errorf("volume %s holds %q (%v), want v1", name, got.Stdout, err)
	}
	t.Cleanup(func() { // the container first: a volume in use cannot go
		_, _ = eng.Run(context.Background(), []string{"rm", "-f", job.Name}, runtime.RunOptions{})
		_, _ = eng.Run(context.Background(), []string{"volume", "rm", "-f", name}, runtime.RunOptions{})
	})
	d, err := svc.Stack(ctx, stack)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != engine.StatusRunning || d.InstanceState("migrate").State != engine.StateCompleted {
		t.Errorf("stack %s, migrate %s: want running, completed", d.Status, d.InstanceState("migrate").State)
	}
	rows, err := svc.Status(ctx, stack)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Instance == "migrate" && r.State != engine.StateCompleted {
			t.Errorf("status row %+v", r)
		}
	}
	if again := planStack(t, svc, stack); !again.Plan.Empty() {
		t.Fatalf("the finished job is planned again:\n%s", again.Plan.String())
	}
}

// A job that exits with an error fails the apply with its exit code and last log line; the
// app waiting for it is not started; the stack is degraded; the next plan runs the job again.
func TestApply_OneShotJobFails_RealEngine(t *testing.T) {
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	const stack = "h2djobfail"
	svc := boxStack(t, stack, map[string]string{
		"migrate": "command: [sh, -c, \"echo applying 0002; echo 'relation users already exists' >&2; exit 3\"]\nrestart: \"no\"\n",
		"app":     "depends_on: {migrate: {condition: service_completed_successfully}}\n",
	})
	runtimetest.FreshProject(t, eng, model.ProjectName(stack))
	ctx := t.Context()
	p := planStack(t, svc, stack)
	var log progressLog
	out, err := svc.Apply(ctx, p.ID, "test", &log)
	if err == nil {
		t.Fatal("apply with a failing job succeeded")
	}
	if got := model.AsError(err).Summary; got != "migrate exited with code 3: relation users already exists" {
		t.Errorf("summary %q", got)
	}
	for _, r := range out.Results {
		switch {
		case r.Instance == "migrate" && (r.Status != engine.ResultFailed || !strings.Contains(r.Error, "exited with code 3")):
			t.Errorf("migrate's result %+v", r)
		case r.Instance == "app" && r.Status != engine.ResultSkipped:
			t.Errorf("app's result %+v", r)
		}
	}
	if cs, _ := eng.ListContainers(ctx, []string{"com.docker.compose.project=" + model.ProjectName(stack), model.LabelInstance + "=app"}); len(cs) != 0 {
		t.Errorf("app was created although its job failed: %+v", cs)
	}
	d, err := svc.Stack(ctx, stack)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != engine.StatusDegraded {
		t.Errorf("stack status %s, want degraded", d.Status)
	}
	again := planStack(t, svc, stack).Plan.String()
	if !strings.Contains(again, "migrate") || !strings.Contains(again, "create app") {
		t.Errorf("the next plan must run the job again and create app:\n%s", again)
	}
}

// StackStatus: a job that finished (exit 0) counts neither as stopped nor as crashed; one
// that failed makes the stack degraded; a plain service that exited is still stopped.
func TestStackStatus_Jobs(t *testing.T) {
	c := func(state string, code int, job bool) runtime.Container {
		l := map[string]string{}
		if job {
			l[model.LabelJob] = "true"
		}
		return runtime.Container{State: state, ExitCode: code, Labels: l}
	}
	for _, tc := range []struct {
		cs   []runtime.Container
		want string
	}{
		{[]runtime.Container{c("running", 0, false), c("exited", 0, true)}, engine.StatusRunning},
		{[]runtime.Container{c("running", 0, false), c("exited", 2, true)}, engine.StatusDegraded},
		{[]runtime.Container{c("running", 0, false), c("exited", 0, false)}, engine.StatusPartial},
		{[]runtime.Container{c("exited", 0, false), c("exited", 0, true)}, engine.StatusStopped},
		{[]runtime.Container{c("running", 0, true)}, engine.StatusRunning},
	} {
		if got := engine.StackStatus(tc.cs); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.cs, got, tc.want)
		}
	}
}
