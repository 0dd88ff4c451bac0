package store_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

// opsStack makes stack "shop" with instances app and db (template "web") and a wire from
// app to db, and records app and a removed instance "old" as applied.
func opsStack(t *testing.T) (*store.Store, *pgxpool.Pool) {
	t.Helper()
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	tpl := model.Template{Name: "web", Category: "tools", Service: model.Spec{"image": "devarch-test/busybox:1"}}
	other := model.Template{Name: "other", Category: "tools", Service: model.Spec{"image": "devarch-test/busybox:2"}}
	for _, x := range []model.Template{tpl, other} {
		if _, err := s.SaveCustomTemplate(ctx, x, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateStack(ctx, "shop", "", "", ""); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"app", "db"} {
		if err := s.AddInstance(ctx, model.Instance{Stack: "shop", Name: n, Template: "web", Overrides: model.Spec{"environment": map[string]any{"X": "1"}}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, sql := range []string{
		`INSERT INTO wires (stack_id, consumer_id, contract, provider_id)
		 SELECT s.id, c.id, 'mysql', p.id FROM stacks s JOIN instances c ON c.stack_id = s.id AND c.name = 'app' JOIN instances p ON p.stack_id = s.id AND p.name = 'db'`,
		`INSERT INTO applied_instances (stack_id, instance_name, container_name, config_hash, config)
		 SELECT id, n, 'devarch-shop-' || n, 'h', '{}' FROM stacks, unnest(ARRAY['app', 'old', 'db']) n`,
	} {
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	return s, pool
}

func stackRevision(t *testing.T, pool *pgxpool.Pool) int64 {
	t.Helper()
	var r int64
	if err := pool.QueryRow(t.Context(), `SELECT revision FROM stacks WHERE name = 'shop'`).Scan(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

// A rename moves the row (container name, wires) in one write and forgets the applied
// record of both names, so the next plan creates the renamed instance as new.
func TestRenameInstance(t *testing.T) {
	s, pool := opsStack(t)
	ctx := t.Context()
	before := stackRevision(t, pool)
	if err := s.RenameInstance(ctx, "shop", "app", "old"); err != nil {
		t.Fatal(err)
	}
	if got := stackRevision(t, pool); got != before+1 {
		t.Fatalf("revision %d -> %d, want one bump", before, got)
	}
	var container string
	var wired int
	if err := pool.QueryRow(ctx, `SELECT container_name, (SELECT count(*) FROM wires w WHERE w.consumer_id = i.id)
		FROM instances i WHERE name = 'old'`).Scan(&container, &wired); err != nil {
		t.Fatal(err)
	}
	if container != "devarch-shop-old" || wired != 1 {
		t.Fatalf("container name %q and wires %d must follow the rename", container, wired)
	}
	rows, err := pool.Query(ctx, `SELECT instance_name FROM applied_instances ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var applied []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		applied = append(applied, n)
	}
	if len(applied) != 1 || applied[0] != "db" {
		t.Fatalf("applied records left: %v, want only db's", applied)
	}

	// Refusals change nothing.
	rev := stackRevision(t, pool)
	for _, c := range []struct {
		from, to string
		kind     model.Kind
	}{
		{"old", "db", model.KindConflict},
		{"nope", "x", model.KindNotFound},
	} {
		if err := s.RenameInstance(ctx, "shop", c.from, c.to); model.KindOf(err) != c.kind {
			t.Errorf("rename %s -> %s: %v, want %v", c.from, c.to, err, c.kind)
		}
	}
	if err := s.RenameInstance(ctx, "nope", "a", "b"); model.KindOf(err) != model.KindNotFound {
		t.Errorf("unknown stack: %v", err)
	}
	if got := stackRevision(t, pool); got != rev {
		t.Fatalf("a refused rename bumped the revision %d -> %d", rev, got)
	}
}

// The container name must stay unique across stacks: a rename that would take another
// stack's container name is a conflict naming the owner.
func TestRenameInstance_ContainerNameClash(t *testing.T) {
	s, _ := opsStack(t)
	ctx := t.Context()
	if _, err := s.CreateStack(ctx, "shop-x", "", "", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.AddInstance(ctx, model.Instance{Stack: "shop-x", Name: "y", Template: "web"}); err != nil {
		t.Fatal(err)
	}
	err := s.RenameInstance(ctx, "shop", "app", "x-y")
	if e := model.AsError(err); e.Kind != model.KindConflict || e.Detail == "" {
		t.Fatalf("clash: %#v", e)
	}
}

// Switching the template keeps the overrides, bumps the revision once, is a no-op for the
// same template, and is refused as stale when the overrides changed since they were checked.
func TestSetInstanceTemplate(t *testing.T) {
	s, pool := opsStack(t)
	ctx := t.Context()
	o := model.Spec{"environment": map[string]any{"X": "1"}}
	before := stackRevision(t, pool)
	changed, err := s.SetInstanceTemplate(ctx, "shop", "app", "other", o)
	if err != nil || !changed || stackRevision(t, pool) != before+1 {
		t.Fatalf("switch: %v %v", changed, err)
	}
	st, _ := s.GetStack(ctx, "shop")
	if st.Instances[0].Name != "app" || st.Instances[0].Template != "other" || st.Instances[0].Overrides["environment"] == nil {
		t.Fatalf("after the switch: %+v", st.Instances[0])
	}
	rev := stackRevision(t, pool)
	if changed, err := s.SetInstanceTemplate(ctx, "shop", "app", "other", o); err != nil || changed {
		t.Fatalf("same template: %v %v", changed, err)
	}
	if _, err := s.SetInstanceTemplate(ctx, "shop", "app", "web", model.Spec{}); model.KindOf(err) != model.KindStale {
		t.Fatalf("overrides changed meanwhile: %v", err)
	}
	if _, err := s.SetInstanceTemplate(ctx, "shop", "app", "nope", o); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("unknown template: %v", err)
	}
	if _, err := s.SetInstanceTemplate(ctx, "shop", "ghost", "web", o); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("unknown instance: %v", err)
	}
	if got := stackRevision(t, pool); got != rev {
		t.Fatalf("no-ops and refusals bumped the revision %d -> %d", rev, got)
	}
}

func TestGetRun(t *testing.T) {
	s, pool := opsStack(t)
	ctx := t.Context()
	var id int64
	if err := pool.QueryRow(ctx, `INSERT INTO applies (stack_id, operation, status, results, stderr_excerpt)
		SELECT id, 'down', 'failed', '[{"action":"down shop","status":"failed","error":"boom"}]', 'boom' FROM stacks RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	r, err := s.GetRun(ctx, "shop", id)
	if err != nil || r.ID != id || r.Operation != "down" || r.Status != "failed" || r.StderrExcerpt != "boom" || r.PlanID != nil {
		t.Fatalf("run: %+v %v", r, err)
	}
	if _, err := s.CreateStack(ctx, "blog", "", "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetRun(ctx, "blog", id); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("another stack's run: %v", err)
	}
}

// dependsStack is opsStack plus instances web (depends_on db healthy, and cache) and worker
// (depends_on db, and a list-typed field that merely contains "db").
func dependsStack(t *testing.T) (*store.Store, *pgxpool.Pool) {
	t.Helper()
	s, pool := opsStack(t)
	for _, in := range []model.Instance{
		{Stack: "shop", Name: "web", Template: "web", Overrides: model.Spec{"depends_on": map[string]any{
			"db": map[string]any{"condition": "service_healthy", "restart": true}, "cache": map[string]any{"condition": "service_started"}}}},
		{Stack: "shop", Name: "worker", Template: "web", Overrides: model.Spec{"depends_on": map[string]any{
			"db": map[string]any{"condition": "service_completed_successfully"}}, "network_aliases": []any{"db"}}},
	} {
		if err := s.AddInstance(t.Context(), in); err != nil {
			t.Fatal(err)
		}
	}
	return s, pool
}

func overridesOf(t *testing.T, s *store.Store, name string) string {
	t.Helper()
	st, err := s.GetStack(t.Context(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range st.Instances {
		if in.Name == name {
			return fmt.Sprint(in.Overrides)
		}
	}
	t.Fatalf("no instance %s", name)
	return ""
}

// A rename rewrites the other instances' own depends_on entries naming the old name, in
// the same write, keeping each entry's conditions; nothing else in them changes.
func TestRenameInstance_RewritesDependsOn(t *testing.T) {
	s, pool := dependsStack(t)
	before := stackRevision(t, pool)
	if err := s.RenameInstance(t.Context(), "shop", "db", "pg"); err != nil {
		t.Fatal(err)
	}
	if got := stackRevision(t, pool); got != before+1 {
		t.Fatalf("revision %d -> %d, want one bump", before, got)
	}
	for name, want := range map[string]string{
		"web":    "map[depends_on:map[cache:map[condition:service_started] pg:map[condition:service_healthy restart:true]]]",
		"worker": "map[depends_on:map[pg:map[condition:service_completed_successfully]] network_aliases:[db]]",
		"app":    "map[environment:map[X:1]]",
	} {
		if got := overridesOf(t, s, name); got != want {
			t.Errorf("%s overrides after rename:\n got %s\nwant %s", name, got, want)
		}
	}
}

// Removing an instance another depends on by its own depends_on is refused, naming each
// dependent and the command that drops the entry, and changes nothing. Once the entries
// are gone (or the dependent itself is), the removal goes through.
func TestRemoveInstance_RefusedWhileDependedOn(t *testing.T) {
	s, pool := dependsStack(t)
	ctx := t.Context()
	before := stackRevision(t, pool)
	err := s.RemoveInstance(ctx, "shop", "db")
	e := model.AsError(err)
	if model.KindOf(err) != model.KindConflict ||
		e.Summary != "cannot remove shop/db: web, worker depend on it (depends_on)" ||
		!strings.Contains(e.Detail, "Nothing was changed") ||
		!strings.Contains(e.Detail, "devarch instance set shop web --unset depends_on.db\n") ||
		!strings.Contains(e.Detail, "devarch instance set shop worker --unset depends_on.db\n") {
		t.Fatalf("remove of a depended-on instance: %v\n%s", err, e.Detail)
	}
	if got := stackRevision(t, pool); got != before {
		t.Fatalf("a refused removal bumped the revision %d -> %d", before, got)
	}
	if got := overridesOf(t, s, "db"); got == "" {
		t.Fatal("db is gone")
	}
	// The dependent itself may go; then only worker is named.
	if err := s.RemoveInstance(ctx, "shop", "web"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveInstance(ctx, "shop", "db"); err == nil || model.AsError(err).Summary != "cannot remove shop/db: worker depends on it (depends_on)" {
		t.Fatalf("with one dependent left: %v", err)
	}
	if _, _, err := s.ReplaceOverrides(ctx, "shop", "worker", model.Spec{"network_aliases": []any{"db"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveInstance(ctx, "shop", "db"); err != nil {
		t.Fatalf("no dependent left (a list naming db is no depends_on): %v", err)
	}
}
