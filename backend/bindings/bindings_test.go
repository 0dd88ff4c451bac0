package bindings_test

import (
	"encoding/json"
	"strings"
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

// The stack page names the stack's network and the subnet it got from DevArch's pool at
// creation (issue 15: the subnet was in `stack show` only).
func TestStacksGet_NetworkAndSubnet(t *testing.T) {
	host := bindings.NewHost()
	stacks := bindings.NewStacks(host)
	t.Setenv("DEVARCH_NETWORK_POOL", "10.219.0.0/16")
	db := dbtest.Server(t)
	svc := engine.New(store.New(dbtest.MigratedDatabase(t)), runtime.Options{}, t.TempDir())
	host.SetReady(db, svc)
	if _, err := stacks.Create("bnet", ""); err != nil {
		t.Fatal(err)
	}
	d, err := stacks.Get("bnet")
	if err != nil {
		t.Fatal(err)
	}
	if d.Network != "devarch-bnet-net" || !strings.HasPrefix(d.Subnet, "10.219.") || !strings.HasSuffix(d.Subnet, "/26") {
		t.Fatalf("network %q, subnet %q: want devarch-bnet-net on a /26 of 10.219.0.0/16", d.Network, d.Subnet)
	}
}
