package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

func counts(t *testing.T, pool *pgxpool.Pool) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"stacks", "instances", "templates", "wires", "secrets"} {
		var n int
		if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// ImportStack writes everything or nothing: a template, a stack, 50 instances, wires and
// x- keys; a failure on the 50th instance (a container name another stack holds, found
// only by the database) or on a template that differs leaves every table as it was.
func TestImportStack_AllOrNothing(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	tpl := model.Template{Name: "tx-web", Category: "tools", Service: model.Spec{"image": "devarch-test/busybox:1"},
		Provides: []model.Provide{{Contract: "http"}}, Consumes: []model.Consume{{Contract: "http"}}}
	if _, err := s.CreateStack(ctx, "tx-a", "", "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveCustomTemplate(ctx, model.Template{Name: "base", Category: "tools", Service: model.Spec{"image": "x"}}, false); err != nil {
		t.Fatal(err)
	}
	if err := s.AddInstance(ctx, model.Instance{Stack: "tx-a", Name: "b-i49", Template: "base"}); err != nil {
		t.Fatal(err)
	}
	in := store.StackImport{Name: "tx-a-b", Templates: []model.Template{tpl}, Extensions: map[string]any{"x-team": "ops"}}
	for i := range 50 {
		in.Instances = append(in.Instances, model.Instance{Name: fmt.Sprintf("i%02d", i), Template: "tx-web", Overrides: model.Spec{"environment": map[string]any{"N": fmt.Sprint(i)}}})
	}
	in.Wires = []model.Wire{{Consumer: "i01", Contract: "http", Provider: "i00"}}

	// devarch-tx-a-b-i49 is stack tx-a's instance b-i49.
	before := counts(t, pool)
	_, err := s.ImportStack(ctx, in)
	var e *model.Error
	if !errors.As(err, &e) || e.Kind != model.KindConflict || !strings.Contains(e.Summary, "devarch-tx-a-b-i49") || !strings.Contains(e.Detail, `Stack "tx-a" instance "b-i49"`) {
		t.Fatalf("got %v", err)
	}
	if after := counts(t, pool); !reflect.DeepEqual(before, after) {
		t.Fatalf("a failed import left rows: %v -> %v", before, after)
	}

	// A template of that name with another definition: a conflict, nothing written.
	other := tpl
	other.Service = model.Spec{"image": "devarch-test/busybox:2"}
	if _, err := s.SaveCustomTemplate(ctx, other, false); err != nil {
		t.Fatal(err)
	}
	in.Name = "tx-c"
	before = counts(t, pool)
	if _, err := s.ImportStack(ctx, in); model.KindOf(err) != model.KindConflict || !strings.Contains(err.Error(), "another definition") {
		t.Fatalf("got %v", err)
	}
	if after := counts(t, pool); !reflect.DeepEqual(before, after) {
		t.Fatalf("a failed import left rows: %v -> %v", before, after)
	}

	// The same definition: reused, and the whole stack is written.
	if _, err := s.SaveCustomTemplate(ctx, tpl, true); err != nil {
		t.Fatal(err)
	}
	done, err := s.ImportStack(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if done.Stack.Name != "tx-c" || len(done.TemplatesCreated) != 0 {
		t.Errorf("imported %+v", done)
	}
	st, _, err := s.LoadForResolve(ctx, "tx-c")
	if err != nil || len(st.Instances) != 50 || !reflect.DeepEqual(st.Wires, in.Wires) {
		t.Fatalf("loaded %d instances, wires %v, %v", len(st.Instances), st.Wires, err)
	}
	if ext, err := s.StackExtensions(ctx, "tx-c"); err != nil || !reflect.DeepEqual(ext, map[string]any{"x-team": "ops"}) {
		t.Errorf("extensions %v, %v", ext, err)
	}
	// The name is now taken: the conflict names the fix.
	if _, err := s.ImportStack(ctx, in); model.KindOf(err) != model.KindConflict || !strings.Contains(err.Error(), "--name NEW") {
		t.Errorf("name taken: %v", err)
	}
}
