package store_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

// Explicit wires: set (replace, same again keeps the revision), list, unset, loaded with
// the stack, and deleted with their instances by the foreign keys.
func TestWires(t *testing.T) {
	s, pool := opsStack(t) // app -> db for mysql already
	ctx := t.Context()
	if err := s.AddInstance(ctx, model.Instance{Stack: "shop", Name: "db2", Template: "web"}); err != nil {
		t.Fatal(err)
	}
	r0 := stackRevision(t, pool)

	rev, changed, err := s.SetWire(ctx, "shop", model.Wire{Consumer: "app", Contract: "mysql", Provider: "db"})
	if err != nil || changed || rev != r0 {
		t.Fatalf("same wire again: rev %d (was %d), changed %v, %v", rev, r0, changed, err)
	}
	rev, changed, err = s.SetWire(ctx, "shop", model.Wire{Consumer: "app", Contract: "mysql", Provider: "db2"})
	if err != nil || !changed || rev != r0+1 {
		t.Fatalf("replace: rev %d, changed %v, %v", rev, changed, err)
	}
	if _, _, err := s.SetWire(ctx, "shop", model.Wire{Consumer: "db", Contract: "cache", Provider: "db2"}); err != nil {
		t.Fatal(err)
	}
	want := []model.Wire{{Consumer: "app", Contract: "mysql", Provider: "db2"}, {Consumer: "db", Contract: "cache", Provider: "db2"}}
	if got, err := s.Wires(ctx, "shop"); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Wires = %v, %v", got, err)
	}
	st, _, err := s.LoadForResolve(ctx, "shop")
	if err != nil || !reflect.DeepEqual(st.Wires, want) {
		t.Fatalf("LoadForResolve wires = %v, %v", st.Wires, err)
	}

	// Bad input: named in the error, nothing changed.
	r1 := stackRevision(t, pool)
	for _, c := range []struct {
		stack string
		w     model.Wire
		kind  model.Kind
		names string
	}{
		{"nope", model.Wire{Consumer: "app", Contract: "mysql", Provider: "db"}, model.KindNotFound, `"nope"`},
		{"shop", model.Wire{Consumer: "ghost", Contract: "mysql", Provider: "db"}, model.KindNotFound, `"ghost"`},
		{"shop", model.Wire{Consumer: "app", Contract: "mysql", Provider: "ghost"}, model.KindNotFound, `"ghost"`},
		{"shop", model.Wire{Consumer: "app", Contract: "mysql", Provider: "app"}, model.KindInvalid, "app"},
		{"shop", model.Wire{Consumer: "app", Contract: "Bad Contract", Provider: "db"}, model.KindInvalid, ""},
	} {
		_, _, err := s.SetWire(ctx, c.stack, c.w)
		if model.KindOf(err) != c.kind || !strings.Contains(err.Error(), c.names) {
			t.Errorf("SetWire(%s, %v) = %v (%v), want %v naming %s", c.stack, c.w, err, model.KindOf(err), c.kind, c.names)
		}
	}
	if _, err := s.UnsetWire(ctx, "shop", "app", "redis"); model.KindOf(err) != model.KindNotFound || !strings.Contains(err.Error(), "redis") {
		t.Errorf("unset of no wire: %v", err)
	}
	if _, err := s.UnsetWire(ctx, "shop", "ghost", "mysql"); model.KindOf(err) != model.KindNotFound {
		t.Errorf("unset from a missing consumer: %v", err)
	}
	if r := stackRevision(t, pool); r != r1 {
		t.Errorf("refused writes bumped the revision %d -> %d", r1, r)
	}

	if rev, err := s.UnsetWire(ctx, "shop", "db", "cache"); err != nil || rev != r1+1 {
		t.Fatalf("unset: %d, %v", rev, err)
	}
	// Removing the provider removes its wires.
	if err := s.RemoveInstance(ctx, "shop", "db2"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Wires(ctx, "shop"); err != nil || len(got) != 0 {
		t.Fatalf("wires after removing the provider: %v, %v", got, err)
	}
	if _, err := s.Wires(ctx, "nope"); model.KindOf(err) != model.KindNotFound {
		t.Errorf("Wires of a missing stack: %v", err)
	}
}
