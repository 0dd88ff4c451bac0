package engine_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/store"
	"github.com/devarch/devarch/migrations"
)

// queryCounter counts the statements a pool sends.
type queryCounter struct{ n atomic.Int64 }

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	return ctx
}
func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// countedService is an engine on a fresh database whose statements are counted. The engine
// has no container engine (the check below is about the database).
func countedService(t *testing.T) (*engine.Service, *queryCounter) {
	t.Helper()
	pool, cfg := dbtest.EmptyDatabase(t)
	if _, _, err := database.Migrate(t.Context(), pool, migrations.Files); err != nil {
		t.Fatal(err)
	}
	counter := &queryCounter{}
	c := cfg.Copy()
	c.ConnConfig.Tracer = counter
	traced, err := pgxpool.NewWithConfig(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(traced.Close)
	opts := runtime.Options{Engine: "docker", Env: []string{"PATH=/nonexistent"}}
	return engine.New(store.New(traced), opts, t.TempDir()), counter
}

const portTemplate = `name: t-port
category: runtime
description: publishes a port
service:
  image: busybox
  ports: ["%d:80"]
`

// A one-stack port check (what compose, plan and the stack page run) issues the same number
// of queries with 3 or 40 other stacks once each stack's ports are cached: the cost does
// not grow with the number of stacks. The cache follows changes: a stack edited, a template
// edited, a stack deleted.
func TestPortClashes_QueriesDoNotGrowWithStacks(t *testing.T) {
	ctx := t.Context()
	counts := map[int]int64{}
	for _, n := range []int{3, 40} {
		svc, counter := countedService(t)
		if _, _, err := svc.ImportTemplate(ctx, []byte(fmt.Sprintf(portTemplate, 18080)), false); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			name := fmt.Sprintf("s%d", i)
			if _, err := svc.CreateStack(ctx, name, engine.StackOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.AddInstance(ctx, name, "web", "t-port", []string{fmt.Sprintf(`ports=["%d:80"]`, 20000+i)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.PortClashes(ctx, "s0"); err != nil { // warms the cache
			t.Fatal(err)
		}
		before := counter.n.Load()
		clashes, err := svc.PortClashes(ctx, "s0")
		if err != nil || len(clashes) != 0 {
			t.Fatalf("%d stacks: %v %v", n, clashes, err)
		}
		counts[n] = counter.n.Load() - before

		// s1 now takes s0's port: seen at once (its revision moved).
		if _, err := svc.UpdateInstance(ctx, "s1", "web", []string{`ports=["20000:80"]`}, nil); err != nil {
			t.Fatal(err)
		}
		if clashes, _ := svc.PortClashes(ctx, "s0"); len(clashes) != 1 || !strings.Contains(clashes[0].Error(), "s1/web") {
			t.Fatalf("after s1 took 20000: %v", clashes)
		}
		if _, err := svc.DeleteStack(ctx, "s1", engine.DeleteOptions{Force: true}, "test"); err != nil {
			t.Fatal(err)
		}
		if clashes, _ := svc.PortClashes(ctx, "s0"); len(clashes) != 0 {
			t.Fatalf("after s1 was deleted: %v", clashes)
		}
	}
	t.Logf("queries of one PortClashes: %d with 3 stacks, %d with 40", counts[3], counts[40])
	if counts[40] != counts[3] {
		t.Fatalf("a one-stack port check issued %d queries with 40 stacks and %d with 3: it grows with the number of stacks", counts[40], counts[3])
	}
}

// A template's change reaches the cached ports of every stack using it (the templates'
// fingerprint is part of each row's key).
func TestPortClashes_TemplateChangeInvalidates(t *testing.T) {
	ctx := t.Context()
	svc, _ := countedService(t)
	if _, _, err := svc.ImportTemplate(ctx, []byte(fmt.Sprintf(portTemplate, 18081)), false); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b"} {
		if _, err := svc.CreateStack(ctx, name, engine.StackOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.AddInstance(ctx, "a", "web", "t-port", []string{`ports=["18090:80"]`}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, "b", "web", "t-port", nil); err != nil { // the template's 18081
		t.Fatal(err)
	}
	if clashes, _ := svc.PortClashes(ctx, "a"); len(clashes) != 0 {
		t.Fatalf("before: %v", clashes)
	}
	// The template now publishes a's port: b inherits it.
	if _, _, err := svc.ImportTemplate(ctx, []byte(fmt.Sprintf(portTemplate, 18090)), true); err != nil {
		t.Fatal(err)
	}
	if clashes, _ := svc.PortClashes(ctx, "a"); len(clashes) != 1 || !strings.Contains(clashes[0].Error(), "b/web") {
		t.Fatalf("after the template changed: %v", clashes)
	}
}
