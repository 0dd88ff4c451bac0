package store_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

// LoadAllForResolve reads every other stack with its instances (overrides included) and
// exactly the templates they use; the excluded stack and unused templates are left out.
func TestLoadAllForResolve(t *testing.T) {
	s := store.New(dbtest.MigratedDatabase(t))
	ctx := t.Context()
	for _, name := range []string{"web", "db", "unused", "own"} {
		if _, err := s.SaveCustomTemplate(ctx, busyboxTemplate(name, 0), false); err != nil {
			t.Fatal(err)
		}
	}
	add := func(stack, name, template string, overrides model.Spec) {
		t.Helper()
		if err := s.AddInstance(ctx, model.Instance{Stack: stack, Name: name, Template: template, Overrides: overrides}); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []string{"shop", "blog", "empty", "mine"} {
		if _, err := s.CreateStack(ctx, st, "", "", ""); err != nil {
			t.Fatal(err)
		}
	}
	add("shop", "web", "web", model.Spec{"ports": []any{"8080:80"}})
	add("shop", "db", "db", nil)
	add("blog", "site", "web", nil)
	add("mine", "app", "own", nil)

	stacks, templates, err := s.LoadAllForResolve(ctx, "mine")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, st := range stacks {
		names = append(names, st.Name)
	}
	if !slices.Equal(names, []string{"blog", "empty", "shop"}) {
		t.Fatalf("stacks %v", names)
	}
	shop := stacks[2]
	if len(shop.Instances) != 2 || shop.Instances[0].Name != "db" || shop.Instances[1].Name != "web" || shop.Instances[1].Stack != "shop" ||
		shop.Instances[1].Overrides["ports"] == nil || len(stacks[0].Instances) != 1 || len(stacks[1].Instances) != 0 {
		t.Fatalf("instances %+v", stacks)
	}
	if got := slices.Sorted(maps.Keys(templates)); !slices.Equal(got, []string{"db", "web"}) {
		t.Fatalf("templates %v", got)
	}
}
