package bindings_test

import (
	"encoding/json"
	"testing"

	"github.com/devarch/devarch/backend/bindings"
	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func problemOf(t *testing.T, err error) bindings.Problem {
	t.Helper()
	var p bindings.Problem
	if err == nil || json.Unmarshal([]byte(err.Error()), &p) != nil {
		t.Fatalf("want a JSON problem, got %v", err)
	}
	return p
}

func TestHost_StartingFailedReady(t *testing.T) {
	host := bindings.NewHost()
	sys, stacks := bindings.NewSystem(host), bindings.NewStacks(host)

	// Starting: calls answer at once with a clear "unavailable" problem.
	_, err := stacks.List()
	if p := problemOf(t, err); p.Kind != "unavailable" || p.Summary != "DevArch is still starting" {
		t.Fatalf("starting: %+v", p)
	}
	if h := sys.Health(); h.Ready || h.Database.Status != "warning" {
		t.Fatalf("starting health: %+v", h)
	}

	// Failed: the start error reaches both the calls and the status bar, with its fix.
	host.SetFailed(model.NewError(model.KindUnavailable, "cannot run the embedded PostgreSQL as root", "Fix: create the account."))
	_, err = stacks.List()
	if p := problemOf(t, err); p.Summary != "cannot run the embedded PostgreSQL as root" || p.Detail != "Fix: create the account." {
		t.Fatalf("failed: %+v", p)
	}
	if h := sys.Health(); h.Ready || h.Database.Status != "error" || h.Database.Fix != "Fix: create the account." {
		t.Fatalf("failed health: %+v", h)
	}

	// Ready: real database, real engine probe.
	db := dbtest.Server(t)
	svc := engine.New(store.New(dbtest.MigratedDatabase(t)), runtime.Options{}, t.TempDir())
	host.SetReady(db, svc)
	list, err := stacks.List()
	if err != nil || len(list) != 0 {
		t.Fatalf("ready list: %v %v", list, err)
	}
	h := sys.Health()
	if !h.Ready || h.Database.Status != "ok" {
		t.Fatalf("ready health: %+v", h)
	}
	if h.Engine.Name != "engine" || h.Engine.Summary == "" {
		t.Fatalf("engine check missing: %+v", h.Engine)
	}
	if v := sys.Version(); v.GoVersion == "" || v.Platform == "" {
		t.Fatalf("version: %+v", v)
	}
}
