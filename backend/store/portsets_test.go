package store_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/compose"
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
		sets, _, err := s.PortSets(ctx, "mine", nil)
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
		sets, fp, err := s.PortSets(ctx, "mine", nil)
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

// Asked for the stacks near some host ports, PortSets returns those whose current bindings
// overlap one of the ranges (the JSON of compose.Binding, as the engine writes it) and every
// stack without a current row (its ports are unknown until resolved), and nothing else.
func TestPortSets_NearFiltersInTheDatabase(t *testing.T) {
	s := store.New(dbtest.MigratedDatabase(t))
	ctx := t.Context()
	for _, st := range []string{"single", "ranged", "none", "stale", "mine"} {
		if _, err := s.CreateStack(ctx, st, "", "", ""); err != nil {
			t.Fatal(err)
		}
	}
	bindings := map[string]string{
		"single": "8080:80",
		"ranged": "127.0.0.1:9000-9010:9000-9010",
	}
	sets, fp, err := s.PortSets(ctx, "mine", nil)
	if err != nil {
		t.Fatal(err)
	}
	var put []store.PortSet
	for _, p := range sets {
		if p.Stack == "stale" {
			continue
		}
		var b []compose.Binding
		if entry, ok := bindings[p.Stack]; ok {
			pub, err := compose.ParsePort(entry)
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, compose.Binding{Instance: "web", Pub: pub})
		}
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			raw = []byte(`[]`)
		}
		p.Bindings = raw
		put = append(put, p)
	}
	if err := s.PutPortSets(ctx, fp, put); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		near []store.PortRange
		want string
	}{
		{[]store.PortRange{{8080, 8080}}, "single stale"},
		{[]store.PortRange{{9010, 9020}}, "ranged stale"},
		{[]store.PortRange{{8999, 8999}, {8081, 8085}}, "stale"},
		{[]store.PortRange{{1, 65535}}, "ranged single stale"},
		{[]store.PortRange{}, "stale"},
		{nil, "none ranged single stale"},
	} {
		sets, _, err := s.PortSets(ctx, "mine", c.near)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range sets {
			got = append(got, p.Stack)
			if (p.Bindings == nil) != (p.Stack == "stale") {
				t.Errorf("near %v: %s has bindings %s", c.near, p.Stack, p.Bindings)
			}
		}
		slices.Sort(got)
		want := strings.Fields(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("near %v: got %v, want %v", c.near, got, want)
		}
	}
}
