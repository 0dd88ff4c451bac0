package store_test

import (
	"encoding/json"
	"testing"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

// A cached port set is current only for the stack revision and templates it was computed
// from: a stack edit, a template edit or a write for an old revision make it missing again;
// a deleted stack takes its row along.
func TestPortSets_CurrentOnlyForTheirRevisionAndTemplates(t *testing.T) {
	s := store.New(dbtest.MigratedDatabase(t))
	ctx := t.Context()
	if _, err := s.SaveCustomTemplate(ctx, busyboxTemplate("web", 0), false); err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{"a", "b", "mine"} {
		if _, err := s.CreateStack(ctx, st, "", "", ""); err != nil {
			t.Fatal(err)
		}
		if err := s.AddInstance(ctx, model.Instance{Stack: st, Name: "web", Template: "web"}); err != nil {
			t.Fatal(err)
		}
	}
	current := func() map[string]bool {
		t.Helper()
		sets, _, err := s.PortSets(ctx, "mine")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, p := range sets {
			out[p.Stack] = p.Bindings != nil
		}
		return out
	}
	put := func() {
		t.Helper()
		sets, fp, err := s.PortSets(ctx, "mine")
		if err != nil {
			t.Fatal(err)
		}
		for i := range sets {
			sets[i].Bindings = json.RawMessage(`[{"instance":"web"}]`)
		}
		if err := s.PutPortSets(ctx, fp, sets); err != nil {
			t.Fatal(err)
		}
	}
	if c := current(); len(c) != 2 || c["a"] || c["b"] {
		t.Fatalf("nothing cached yet: %v", c)
	}
	put()
	if c := current(); !c["a"] || !c["b"] {
		t.Fatalf("after the write: %v", c)
	}
	if err := s.SetOverrides(ctx, "a", "web", model.Spec{"ports": []any{"8080:80"}}); err != nil {
		t.Fatal(err)
	}
	if c := current(); c["a"] || !c["b"] {
		t.Fatalf("a changed: %v", c)
	}
	put()
	changed := busyboxTemplate("web", 0)
	changed.Service["environment"] = map[string]any{"A": "2"}
	if _, err := s.SaveCustomTemplate(ctx, changed, true); err != nil {
		t.Fatal(err)
	}
	if c := current(); c["a"] || c["b"] {
		t.Fatalf("the template changed: %v", c)
	}
	put()
	if err := s.DeleteStack(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if c := current(); len(c) != 1 || !c["a"] {
		t.Fatalf("b deleted: %v", c)
	}
}
