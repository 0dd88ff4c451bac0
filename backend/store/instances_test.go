package store_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

func busyboxTemplate(name string, version int) model.Template {
	return model.Template{Name: name, Builtin: version > 0, Version: version, Category: "tools", Description: "test",
		Service:  model.Spec{"image": "devarch-test/busybox:1", "environment": map[string]any{"A": "1"}},
		Provides: []model.Provide{{Contract: "http", Values: map[string]string{"host": "${host}"}}}}
}

func revision(t *testing.T, pool *pgxpool.Pool, stack string) int64 {
	t.Helper()
	var r int64
	if err := pool.QueryRow(t.Context(), `SELECT revision FROM stacks WHERE name = $1`, stack).Scan(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSyncBuiltins_AddUpdateNeverTouchCustom(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	custom := busyboxTemplate("mine", 0)
	custom.Description = "my own"
	if _, err := s.SaveCustomTemplate(ctx, custom, false); err != nil {
		t.Fatal(err)
	}
	res, err := s.SyncBuiltins(ctx, []model.Template{busyboxTemplate("web", 1), busyboxTemplate("mine", 1)}, "")
	if err != nil || len(res.Added) != 1 || len(res.Shadowed) != 1 {
		t.Fatalf("first sync: %+v %v", res, err)
	}
	if _, err := s.CreateStack(ctx, "shop", "", "", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.AddInstance(ctx, model.Instance{Stack: "shop", Name: "app", Template: "web"}); err != nil {
		t.Fatal(err)
	}
	before := revision(t, pool, "shop")
	res, err = s.SyncBuiltins(ctx, []model.Template{busyboxTemplate("web", 1)}, "")
	if err != nil || len(res.Added)+len(res.Updated) != 0 || revision(t, pool, "shop") != before {
		t.Fatalf("same version must be a no-op: %+v %v", res, err)
	}
	v2 := busyboxTemplate("web", 2)
	v2.Description = "newer"
	res, err = s.SyncBuiltins(ctx, []model.Template{v2}, "")
	if err != nil || len(res.Updated) != 1 {
		t.Fatalf("newer version must update: %+v %v", res, err)
	}
	if got, _ := s.GetTemplate(ctx, "web"); got.Description != "newer" || got.Version != 2 {
		t.Fatalf("stored after update: %+v", got)
	}
	if revision(t, pool, "shop") != before+1 {
		t.Fatal("a template update must bump the revision of stacks using it")
	}
	if got, _ := s.GetTemplate(ctx, "mine"); got.Description != "my own" || got.Builtin {
		t.Fatalf("custom template touched by sync: %+v", got)
	}
}

// A start skips parsing and syncing the built-ins when the store recorded this binary's
// fingerprint at its last sync; deleting a custom template (which may have kept a built-in
// of its name out) makes the next start sync in full.
func TestOpening_BuiltinsFingerprint(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	current := func(fp string) bool {
		t.Helper()
		_, ok, err := s.Opening(ctx, fp)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if current("fp1") {
		t.Fatal("a store never synced holds no built-ins")
	}
	if _, err := s.SaveCustomTemplate(ctx, busyboxTemplate("web", 0), false); err != nil {
		t.Fatal(err)
	}
	res, err := s.SyncBuiltins(ctx, []model.Template{busyboxTemplate("web", 1), busyboxTemplate("db", 1)}, "fp1")
	if err != nil || len(res.Shadowed) != 1 {
		t.Fatalf("sync: %+v %v", res, err)
	}
	if !current("fp1") || current("fp2") {
		t.Fatal("the synced fingerprint (and only it) is current")
	}
	if _, err := s.SyncBuiltins(ctx, []model.Template{busyboxTemplate("web", 1)}, ""); err != nil || !current("fp1") {
		t.Fatalf("a sync without a fingerprint records none: %v", err)
	}
	if err := s.DeleteTemplate(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	if current("fp1") {
		t.Fatal("after a custom template is deleted the next start must sync in full")
	}
	res, err = s.SyncBuiltins(ctx, []model.Template{busyboxTemplate("web", 1), busyboxTemplate("db", 1)}, "fp1")
	if err != nil || len(res.Added) != 1 || res.Added[0] != "web" || !current("fp1") {
		t.Fatalf("the full sync installs the built-in the custom one kept out: %+v %v", res, err)
	}
}

func TestTemplates_DeleteRefusedWhileUsed(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	_, _ = s.SyncBuiltins(ctx, []model.Template{busyboxTemplate("web", 1)}, "")
	if _, err := s.SaveCustomTemplate(ctx, busyboxTemplate("mine", 0), false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveCustomTemplate(ctx, busyboxTemplate("mine", 0), false); model.KindOf(err) != model.KindConflict {
		t.Fatalf("duplicate custom template: %v", err)
	}
	if _, err := s.SaveCustomTemplate(ctx, busyboxTemplate("web", 0), true); model.KindOf(err) != model.KindConflict || !strings.Contains(err.Error(), "built-in") {
		t.Fatalf("replacing a built-in must be refused: %v", err)
	}
	_, _ = s.CreateStack(ctx, "shop", "", "", "")
	_, _ = s.CreateStack(ctx, "blog", "", "", "")
	_ = s.AddInstance(ctx, model.Instance{Stack: "shop", Name: "app", Template: "mine"})
	_ = s.AddInstance(ctx, model.Instance{Stack: "blog", Name: "web", Template: "mine"})
	err := s.DeleteTemplate(ctx, "mine")
	if model.KindOf(err) != model.KindConflict || !strings.Contains(err.Error(), "blog/web, shop/app") {
		t.Fatalf("delete in use must name the users: %v", err)
	}
	if err := s.DeleteTemplate(ctx, "web"); model.KindOf(err) != model.KindConflict {
		t.Fatalf("deleting a built-in: %v", err)
	}
	_ = s.RemoveInstance(ctx, "shop", "app")
	_ = s.RemoveInstance(ctx, "blog", "web")
	if err := s.DeleteTemplate(ctx, "mine"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteTemplate(ctx, "mine"); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("deleting twice: %v", err)
	}
}

func TestInstances_RevisionsClashesAndNotFound(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	_, _ = s.SyncBuiltins(ctx, []model.Template{busyboxTemplate("web", 1)}, "")
	_, _ = s.CreateStack(ctx, "a-b", "", "", "")
	_, _ = s.CreateStack(ctx, "a", "", "", "")
	r0 := revision(t, pool, "a-b")
	if err := s.AddInstance(ctx, model.Instance{Stack: "a-b", Name: "c", Template: "web", Overrides: model.Spec{"image": "x:1"}}); err != nil {
		t.Fatal(err)
	}
	if revision(t, pool, "a-b") != r0+1 {
		t.Fatal("add must bump the revision")
	}
	err := s.AddInstance(ctx, model.Instance{Stack: "a", Name: "b-c", Template: "web"})
	if model.KindOf(err) != model.KindConflict || !strings.Contains(err.Error(), "devarch-a-b-c") ||
		!strings.Contains(err.Error(), `Stack "a-b" instance "c" already uses it`) {
		t.Fatalf("container clash must name both owners: %v", err)
	}
	if revision(t, pool, "a") != 1 {
		t.Fatal("a refused add must not bump the revision")
	}
	if err := s.AddInstance(ctx, model.Instance{Stack: "a-b", Name: "c", Template: "web"}); model.KindOf(err) != model.KindConflict {
		t.Fatalf("duplicate instance: %v", err)
	}
	if err := s.AddInstance(ctx, model.Instance{Stack: "a-b", Name: "d", Template: "nope"}); model.KindOf(err) != model.KindNotFound || !strings.Contains(err.Error(), `no template named "nope"`) {
		t.Fatalf("unknown template: %v", err)
	}
	if err := s.AddInstance(ctx, model.Instance{Stack: "zzz", Name: "d", Template: "web"}); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("unknown stack: %v", err)
	}
	if err := s.SetOverrides(ctx, "a-b", "c", model.Spec{"environment": map[string]any{"A": nil}}); err != nil {
		t.Fatal(err)
	}
	st, templates, err := s.LoadForResolve(ctx, "a-b")
	if err != nil || len(st.Instances) != 1 || len(templates) != 1 || st.Revision != r0+2 {
		t.Fatalf("load: %+v %v %v", st, templates, err)
	}
	if env := st.Instances[0].Overrides["environment"].(map[string]any); env["A"] != nil || len(env) != 1 {
		t.Fatalf("a nil override (delete) must survive the round trip: %+v", st.Instances[0].Overrides)
	}
	if err := s.SetOverrides(ctx, "a-b", "nope", model.Spec{}); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("unknown instance: %v", err)
	}

	// Rename: container names follow; a rename that would clash names both.
	_, _ = s.CreateStack(ctx, "x", "", "", "")
	_ = s.AddInstance(ctx, model.Instance{Stack: "x", Name: "b-c", Template: "web"})
	if err := s.RenameStack(ctx, "x", "a"); model.KindOf(err) != model.KindConflict {
		t.Fatalf("rename onto an existing stack: %v", err)
	}
	if err := s.RenameStack(ctx, "a-b", "q"); err != nil {
		t.Fatal(err)
	}
	var cn string
	_ = pool.QueryRow(ctx, `SELECT container_name FROM instances WHERE name = 'c'`).Scan(&cn)
	if cn != "devarch-q-c" {
		t.Fatalf("container name after rename: %s", cn)
	}
	_, _ = s.CreateStack(ctx, "y", "", "", "")
	_ = s.AddInstance(ctx, model.Instance{Stack: "y", Name: "c", Template: "web"})
	if err := s.RenameStack(ctx, "y", "q"); model.KindOf(err) != model.KindConflict {
		t.Fatalf("rename clash: %v", err)
	}
	if err := s.DeleteStack(ctx, "q"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetStack(ctx, "q"); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("deleted stack: %v", err)
	}
}
