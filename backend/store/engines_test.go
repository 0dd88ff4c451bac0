package store_test

import (
	"testing"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/store"
)

// A stack's engine is part of its definition (a change bumps the revision), where an apply
// placed it is remembered apart, and an engine's publish address reaches every stack on it.
func TestStackEngines(t *testing.T) {
	ctx := t.Context()
	st := store.New(dbtest.MigratedDatabase(t))
	if _, err := st.CreateStackOn(ctx, store.NewStack{Name: "far", Context: "build-box"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateStack(ctx, "near", "", "", ""); err != nil {
		t.Fatal(err)
	}
	far, err := st.GetStackRow(ctx, "far")
	if err != nil || far.Context != "build-box" || far.Placed || far.PublishAddress != "" {
		t.Fatalf("far = %+v, %v", far, err)
	}
	if _, err := st.CreateStackOn(ctx, store.NewStack{Name: "bad", Context: "default"}); err == nil {
		t.Fatal(`"default" names the default engine: it must never be stored as a context`)
	}

	// Placement: where an apply put it, nowhere after a down.
	on := "build-box"
	if err := st.SetPlacement(ctx, "far", &on); err != nil {
		t.Fatal(err)
	}
	home := ""
	changed, err := st.UpdateStack(ctx, "far", store.StackSettings{Context: &home})
	if err != nil || !changed {
		t.Fatalf("set context: %v %v", changed, err)
	}
	moved, _ := st.GetStackRow(ctx, "far")
	if moved.Context != "" || !moved.Placed || moved.PlacedOn != "build-box" || moved.Revision != far.Revision+1 {
		t.Fatalf("after the change of context: %+v (was revision %d)", moved, far.Revision)
	}
	if changed, err := st.UpdateStack(ctx, "far", store.StackSettings{Context: &home}); err != nil || changed {
		t.Fatalf("the same context again must change nothing: %v %v", changed, err)
	}
	used, err := st.EnginesInUse(ctx)
	if err != nil || len(used) != 2 || used[0] != "" || used[1] != "build-box" {
		t.Fatalf("engines in use while far moves = %q %v", used, err)
	}
	list, _ := st.ListStacks(ctx)
	for _, s := range list {
		if s.Name == "far" && (s.Context != "" || s.RunsOn != "build-box") {
			t.Fatalf("list: %+v", s)
		}
	}
	if err := st.SetPlacement(ctx, "far", nil); err != nil {
		t.Fatal(err)
	}
	if used, _ := st.EnginesInUse(ctx); len(used) != 1 || used[0] != "" {
		t.Fatalf("after the down, engines in use = %q", used)
	}

	// Publish address: bumps the revision of the stacks on that engine only.
	before, _ := st.GetStackRow(ctx, "near")
	if changed, err := st.SetEngineAddress(ctx, "default", "192.168.7.9"); err != nil || !changed {
		t.Fatalf("set address: %v %v", changed, err)
	}
	after, _ := st.GetStackRow(ctx, "near")
	if after.PublishAddress != "192.168.7.9" || after.Revision != before.Revision+1 {
		t.Fatalf("near after the address: %+v", after)
	}
	if changed, _ := st.SetEngineAddress(ctx, "default", "192.168.7.9"); changed {
		t.Fatal("the same address again must change nothing")
	}
	if _, err := st.SetEngineAddress(ctx, "default", "not-an-ip"); err == nil {
		t.Fatal("the database must refuse an address that is not one")
	}
	if addrs, _ := st.EngineAddresses(ctx); addrs["default"] != "192.168.7.9" || len(addrs) != 1 {
		t.Fatalf("addresses = %v", addrs)
	}
	if changed, err := st.SetEngineAddress(ctx, "default", ""); err != nil || !changed {
		t.Fatalf("unset: %v %v", changed, err)
	}
	if now, _ := st.GetStackRow(ctx, "near"); now.PublishAddress != "" {
		t.Fatalf("after unset: %+v", now)
	}
}
