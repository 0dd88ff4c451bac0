package bindings_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/bindings"
	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/store"
)

const crashTemplate = `name: b-crash
category: runtime
description: exits at once
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "echo boom; exit 3"]
  init: true
`

// A failed apply reaches the window with what it did (issue 11 item 3): the problem
// document carries the run and each action's result, and the history lists them too.
func TestPlans_FailedApplyCarriesResults(t *testing.T) {
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	ctx := t.Context()
	svc := engine.New(store.New(dbtest.MigratedDatabase(t)), runtime.Options{}, t.TempDir())
	if _, _, err := svc.ImportTemplate(ctx, []byte(crashTemplate), false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStack(ctx, "trbres", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, "trbres", "app", "b-crash", nil); err != nil {
		t.Fatal(err)
	}
	runtimetest.FreshProject(t, eng, "devarch-trbres")
	host := bindings.NewHost()
	host.SetContext(ctx)
	host.SetEmitter(func(string, any) {})
	host.SetReady(dbtest.Server(t), svc)
	plans := bindings.NewPlans(host)

	pv, err := plans.Plan("trbres")
	if err != nil {
		t.Fatal(err)
	}
	_, err = plans.Apply(pv.ID)
	if err == nil {
		t.Fatal("the crashing instance's apply succeeded")
	}
	var p bindings.Problem
	if json.Unmarshal([]byte(err.Error()), &p) != nil {
		t.Fatalf("not a problem document: %v", err)
	}
	if p.RunID == 0 || len(p.Results) != 2 {
		t.Fatalf("want the run and 2 results, got %+v", p)
	}
	byKind := map[string]bindings.ActionResult{}
	for _, r := range p.Results {
		byKind[r.Kind] = r
	}
	if r := byKind["create-network"]; r.Status != "done" || r.Network != "devarch-trbres-net" {
		t.Errorf("network: %+v", r)
	}
	if r := byKind["create"]; r.Status != "failed" || r.Instance != "app" || !strings.Contains(r.Error, "exited with code 3") {
		t.Errorf("app: %+v", r)
	}

	runs, err := plans.History("trbres")
	if err != nil || len(runs) != 1 || runs[0].ID != p.RunID || len(runs[0].Results) != 2 {
		t.Fatalf("history: %+v %v", runs, err)
	}
	for _, r := range runs[0].Results {
		if r.Kind == "create" && (r.Status != "failed" || !strings.Contains(r.Error, "exited with code 3")) {
			t.Errorf("history result: %+v", r)
		}
	}

	// A refusal (the plan is no longer applicable) carries no results.
	_, err = plans.Apply(pv.ID)
	var refusal bindings.Problem
	if err == nil || json.Unmarshal([]byte(err.Error()), &refusal) != nil || refusal.Kind != "stale" || refusal.RunID != 0 || len(refusal.Results) != 0 {
		t.Fatalf("refusal: %v", err)
	}
}
