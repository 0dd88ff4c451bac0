package engine_test

import (
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// boxTemplate idles; instances give it their own command.
const boxTemplate = `name: h2d-box
category: runtime
description: busybox that idles; instances set their command
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "exec sleep 3600"]
  init: true
  stop_grace_period: 1s
`

// boxStack is an engine with stack holding instances of h2d-box, each with the override
// YAML given (name -> YAML, "" for none).
func boxStack(t *testing.T, stack string, instances map[string]string) *engine.Service {
	t.Helper()
	svc, _, _ := newService(t)
	ctx := t.Context()
	if _, _, err := svc.ImportTemplate(ctx, []byte(boxTemplate), false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	for name := range instances {
		if _, err := svc.AddInstance(ctx, stack, name, "h2d-box", nil); err != nil {
			t.Fatal(err)
		}
	}
	// Overrides after every instance exists: a depends_on names another instance.
	for name, yaml := range instances {
		if yaml == "" {
			continue
		}
		if _, err := svc.SetOverridesYAML(ctx, stack, name, yaml); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return svc
}

func overrides(t *testing.T, svc *engine.Service, stack, name string) string {
	t.Helper()
	v, err := svc.Instance(t.Context(), stack, name)
	if err != nil {
		t.Fatal(err)
	}
	return engine.OverridesYAML(v.Instance.Overrides)
}

// Removing an instance that others wait for by their own depends_on is refused, naming
// each dependent and the exact command that drops the entry; the stack is unchanged. That
// command works, and then the removal does.
func TestRemoveInstance_RefusedWhileDependedOn(t *testing.T) {
	const stack = "h2drm"
	svc := boxStack(t, stack, map[string]string{
		"db":     "",
		"app":    "depends_on: {db: {condition: service_started}}\n",
		"worker": "depends_on: {db: {condition: service_started}}\n",
	})
	ctx := t.Context()
	_, before, _ := svc.Store.StackRevision(ctx, stack)
	err := svc.RemoveInstance(ctx, stack, "db")
	e := model.AsError(err)
	if model.KindOf(err) != model.KindConflict || !strings.Contains(e.Summary, "app, worker depend on it") {
		t.Fatalf("remove db: %v", err)
	}
	var fixes []string
	for _, line := range strings.Split(e.Detail, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "devarch instance set ") {
			fixes = append(fixes, strings.TrimSpace(line))
		}
	}
	if len(fixes) != 2 || fixes[0] != "devarch instance set h2drm app --unset depends_on.db" || fixes[1] != "devarch instance set h2drm worker --unset depends_on.db" {
		t.Fatalf("the fixes named: %q\n%s", fixes, e.Detail)
	}
	if _, after, _ := svc.Store.StackRevision(ctx, stack); after != before {
		t.Fatalf("a refused removal changed the stack (revision %d -> %d)", before, after)
	}
	// The command the error gives, as the CLI runs it (instance set --unset PATH).
	for _, dependent := range []string{"app", "worker"} {
		if _, err := svc.UpdateInstance(ctx, stack, dependent, nil, []string{"depends_on.db"}); err != nil {
			t.Fatalf("unset depends_on.db of %s: %v", dependent, err)
		}
		if got := overrides(t, svc, stack, dependent); strings.Contains(got, "db") {
			t.Fatalf("%s still names db: %s", dependent, got)
		}
	}
	if err := svc.RemoveInstance(ctx, stack, "db"); err != nil {
		t.Fatalf("remove once nothing depends on it: %v", err)
	}
	rs, err := svc.Resolve(ctx, stack)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compose.Generate(rs.Effective); err != nil {
		t.Fatalf("the stack without db does not generate: %v", err)
	}
}

// A rename carries the other instances' depends_on entries to the new name (conditions
// kept), so the stack still generates; with app running and db's container gone, the plan
// replaces app for that change alone and says so; the apply then succeeds.
func TestRenameInstance_RewritesDependsOn_RealEngine(t *testing.T) {
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	const stack = "h2drename"
	svc := boxStack(t, stack, map[string]string{
		"db":  "",
		"app": "depends_on: {db: {condition: service_started, restart: true}}\n",
	})
	runtimetest.FreshProject(t, eng, model.ProjectName(stack))
	ctx := t.Context()
	applyNow(t, svc, stack)
	if _, err := eng.Run(ctx, []string{"rm", "-f", model.ContainerName(stack, "db")}, runtime.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.RenameInstance(ctx, stack, "db", "pg", "test"); err != nil {
		t.Fatal(err)
	}
	if got, want := overrides(t, svc, stack, "app"), "depends_on:\n  pg:\n    condition: service_started\n    restart: true\n"; got != want {
		t.Fatalf("app's overrides after the rename:\n%s\nwant\n%s", got, want)
	}
	p := planStack(t, svc, stack)
	text := p.Plan.String()
	if !strings.Contains(text, "replace app") || !strings.Contains(text, "cause: depends_on changed: db -> pg") || !strings.Contains(text, "create pg") {
		t.Fatalf("plan after the rename:\n%s", text)
	}
	if _, err := svc.Apply(ctx, p.ID, "test", nil); err != nil {
		t.Fatalf("apply after the rename: %v", err)
	}
	if after := planStack(t, svc, stack); !after.Plan.Empty() {
		t.Fatalf("not converged:\n%s", after.Plan.String())
	}
}
