package bindings_test

import (
	"context"
	"testing"

	"github.com/devarch/devarch/backend/bindings"
	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/store"
)

const (
	gDB = `name: g-db
category: database
description: provides gdb
service: {image: devarch-test/busybox:1, command: [sleep, "3600"]}
provides:
  - contract: gdb
    values: {host: "${host}"}
`
	gApp = `name: g-app
category: runtime
description: needs gdb
service: {image: devarch-test/busybox:1, command: [sleep, "3600"]}
consumes:
  - contract: gdb
    required: true
    env: {DB_HOST: host}
`
)

// The graph binding formats the engine's wiring: nodes in start order with their needs and
// the candidates a need can choose from, the ambiguous problem drawn on its need, and Set
// and Unset are the engine's wire set/unset (an unknown provider is refused, naming it).
func TestWires_GraphSetUnset(t *testing.T) {
	ctx := context.Background()
	host := bindings.NewHost()
	svc := engine.New(store.New(dbtest.MigratedDatabase(t)), runtime.Options{}, t.TempDir())
	host.SetReady(dbtest.Server(t), svc)
	for _, doc := range []string{gDB, gApp} {
		if _, _, err := svc.ImportTemplate(ctx, []byte(doc), false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.CreateStack(ctx, "g1", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, x := range [][2]string{{"app", "g-app"}, {"db", "g-db"}, {"db2", "g-db"}} {
		if _, err := svc.AddInstance(ctx, "g1", x[0], x[1], nil); err != nil {
			t.Fatal(err)
		}
	}
	w := bindings.NewWires(host)
	g, err := w.Graph("g1")
	if err != nil {
		t.Fatal(err)
	}
	// No wires yet: the start order is by name.
	if len(g.Nodes) != 3 || g.Nodes[0].Name != "app" || len(g.Nodes[0].Needs) != 1 ||
		g.Nodes[0].Needs[0].Contract != "gdb" || !g.Nodes[0].Needs[0].Required ||
		len(g.Nodes[0].Needs[0].Candidates) != 2 || g.Nodes[1].Provides[0] != "gdb" || len(g.Wires) != 0 {
		t.Fatalf("graph: %+v", g)
	}
	if len(g.Problems) != 1 || g.Problems[0].Instance != "app" || g.Problems[0].Contract != "gdb" || g.Problems[0].Severity != "error" {
		t.Fatalf("problems: %+v", g.Problems)
	}

	if _, err := w.Set("g1", "app", "gdb", "nope"); problemOf(t, err).Field != "provider" {
		t.Fatalf("unknown provider: %v", err)
	}
	r, err := w.Set("g1", "app", "gdb", "db2")
	if err != nil || !r.Changed {
		t.Fatalf("set: %+v %v", r, err)
	}
	g, _ = w.Graph("g1")
	if len(g.Wires) != 1 || g.Nodes[2].Name != "app" || g.Wires[0] != (bindings.GraphWire{Consumer: "app", Contract: "gdb", Provider: "db2", Kind: "explicit"}) || len(g.Problems) != 0 {
		t.Fatalf("after set: %+v", g)
	}
	if _, err := w.Unset("g1", "app", "gdb"); err != nil {
		t.Fatal(err)
	}
	if g, _ = w.Graph("g1"); len(g.Wires) != 0 || len(g.Problems) != 1 {
		t.Fatalf("after unset: %+v", g)
	}
}
