package engine_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

const ndTemplate = `name: e-nd
category: runtime
description: prints a line, then idles
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "echo nd-hello; exec sleep 3600"]
  init: true
  stop_grace_period: 1s
`

// ndStack is a real engine with stack (instances web and worker) applied.
func ndStack(t *testing.T, stack string) (*engine.Service, *runtime.Engine) {
	t.Helper()
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	svc, _, _ := newService(t)
	ctx := t.Context()
	if _, _, err := svc.ImportTemplate(ctx, []byte(ndTemplate), false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"web", "worker"} {
		if _, err := svc.AddInstance(ctx, stack, n, "e-nd", nil); err != nil {
			t.Fatal(err)
		}
	}
	runtimetest.FreshProject(t, eng, model.ProjectName(stack))
	return svc, eng
}

func states(t *testing.T, svc *engine.Service, stack string) map[string]string {
	t.Helper()
	rows, err := svc.Status(t.Context(), stack)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r.Instance] = r.State
	}
	return out
}

func applyNow(t *testing.T, svc *engine.Service, stack string) {
	t.Helper()
	p := planStack(t, svc, stack)
	if _, err := svc.Apply(t.Context(), p.ID, "test", nil); err != nil {
		t.Fatal(err)
	}
}

// OperateInstances on the real engine: refusals change nothing and say what to do; stop
// stops one instance, is recorded in the history and remembered by the plan (stopped on
// purpose, no action); an apply leaves it stopped; stack stop then start of one instance
// leaves the other stopped on purpose; down clears every mark.
func TestOperateInstances_RealEngine(t *testing.T) {
	const stack = "ndeng1"
	svc, _ := ndStack(t, stack)
	ctx := t.Context()

	_, err := svc.OperateInstances(ctx, stack, engine.OpStop, []string{"worker"}, "test", nil)
	if e := model.AsError(err); e.Kind != model.KindConflict || !strings.Contains(e.Summary, "worker of stack ndeng1 has no container yet") || !strings.Contains(e.Detail, "devarch apply ndeng1") {
		t.Fatalf("before apply: %#v", e)
	}
	applyNow(t, svc, stack)
	_, err = svc.OperateInstances(ctx, stack, engine.OpStop, []string{"wroker"}, "test", nil)
	if e := model.AsError(err); e.Kind != model.KindNotFound || e.Field != "instance" || !strings.Contains(e.Detail, "Did you mean worker?") {
		t.Fatalf("typo: %#v", e)
	}
	if _, err := svc.OperateInstances(ctx, stack, engine.OpDown, []string{"worker"}, "test", nil); model.KindOf(err) != model.KindInvalid {
		t.Fatalf("down of an instance: %v", err)
	}
	if runs, _ := svc.History(ctx, stack); len(runs) != 1 {
		t.Fatalf("refusals must not be recorded as runs: %d runs", len(runs))
	}

	res, err := svc.OperateInstances(ctx, stack, engine.OpStop, []string{"worker", "worker"}, "test", nil)
	if err != nil || res.Summary != "done" {
		t.Fatalf("stop worker: %+v %v", res, err)
	}
	if s := states(t, svc, stack); s["worker"] != "exited" || s["web"] != "running" {
		t.Fatalf("after stop worker: %v", s)
	}
	run, results := lastRun(t, svc, stack)
	if run.Operation != "stop" || run.Status != "succeeded" || len(results) != 1 || results[0].Action != "stop worker" {
		t.Fatalf("history: %+v %+v", run, results)
	}
	p := planStack(t, svc, stack)
	if !p.Plan.Empty() || !slices.Equal(p.Plan.StoppedInstances, []string{"worker"}) {
		t.Fatalf("plan: %s", p.Plan)
	}
	// The plan made before the start is stale after it.
	if _, err := svc.OperateInstances(ctx, stack, engine.OpStart, []string{"worker"}, "test", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Apply(ctx, p.ID, "test", nil); model.KindOf(err) != model.KindStale {
		t.Fatalf("a plan made while worker was stopped applied after its start: %v", err)
	}
	if s := states(t, svc, stack); s["worker"] != "running" {
		t.Fatalf("after start worker: %v", s)
	}

	// A stopped stack, then one instance started: the other stays stopped on purpose.
	if _, err := svc.Operate(ctx, stack, engine.OpStop, engine.OpOptions{}, "test", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.OperateInstances(ctx, stack, engine.OpStart, []string{"web"}, "test", nil); err != nil {
		t.Fatal(err)
	}
	p = planStack(t, svc, stack)
	if !p.Plan.Empty() || p.Plan.Stopped || !slices.Equal(p.Plan.StoppedInstances, []string{"worker"}) {
		t.Fatalf("after stack stop and start web: %s (stopped %v)", p.Plan, p.Plan.Stopped)
	}
	applyNow(t, svc, stack)
	if s := states(t, svc, stack); s["worker"] != "exited" || s["web"] != "running" {
		t.Fatalf("apply started the stopped instance: %v", s)
	}

	// down forgets every mark: the next apply runs everything.
	if _, err := svc.Operate(ctx, stack, engine.OpDown, engine.OpOptions{}, "test", nil); err != nil {
		t.Fatal(err)
	}
	applyNow(t, svc, stack)
	if s := states(t, svc, stack); s["worker"] != "running" || s["web"] != "running" {
		t.Fatalf("after down and apply: %v", s)
	}
}

const ndProvider = `name: e-ndkv
category: cache
description: provides ndkv
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
provides:
  - contract: ndkv
    values: {host: "${host}"}
`

const ndConsumer = `name: e-ndapp
category: runtime
description: needs ndkv
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
consumes:
  - contract: ndkv
    required: true
    env: {KV_HOST: host}
`

// compose starts an instance's dependencies with it: starting the consumer starts its
// stopped provider too, which is then no longer stopped on purpose, and the result says so.
func TestOperateInstances_StartStartsDependencies(t *testing.T) {
	const stack = "ndeng2"
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	svc, _, _ := newService(t)
	ctx := t.Context()
	for _, doc := range []string{ndProvider, ndConsumer} {
		if _, _, err := svc.ImportTemplate(ctx, []byte(doc), false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	runtimetest.FreshProject(t, eng, model.ProjectName(stack))
	for n, tpl := range map[string]string{"kv": "e-ndkv", "app": "e-ndapp"} {
		if _, err := svc.AddInstance(ctx, stack, n, tpl, nil); err != nil {
			t.Fatal(err)
		}
	}
	applyNow(t, svc, stack)
	if _, err := svc.OperateInstances(ctx, stack, engine.OpStop, []string{"app", "kv"}, "test", nil); err != nil {
		t.Fatal(err)
	}
	if p := planStack(t, svc, stack); !slices.Equal(p.Plan.StoppedInstances, []string{"app", "kv"}) {
		t.Fatalf("both stopped on purpose: %v", p.Plan.StoppedInstances)
	}
	res, err := svc.OperateInstances(ctx, stack, engine.OpStart, []string{"app"}, "test", nil)
	if err != nil || res.Summary != "done; also started kv (depended on)" {
		t.Fatalf("start app: %+v %v", res, err)
	}
	if s := states(t, svc, stack); s["app"] != "running" || s["kv"] != "running" {
		t.Fatalf("after start app: %v", s)
	}
	if p := planStack(t, svc, stack); !p.Plan.Empty() || len(p.Plan.StoppedInstances) != 0 {
		t.Fatalf("nothing is stopped any more: %s", p.Plan)
	}
}
