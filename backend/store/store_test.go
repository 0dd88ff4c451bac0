package store_test

import (
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestListStacks_EmptyThenCounts(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	got, err := s.ListStacks(ctx)
	if err != nil || len(got) != 0 {
		t.Fatalf("empty database: %v %v", got, err)
	}
	mustExec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(`INSERT INTO templates (name, spec) VALUES ('busybox', '{"image":"devarch-test/busybox:1"}')`)
	mustExec(`INSERT INTO stacks (name, description) VALUES ('shop', 'Laravel'), ('blog', '')`)
	mustExec(`INSERT INTO instances (stack_id, name, template_name) SELECT id, 'db', 'busybox' FROM stacks WHERE name = 'shop'`)
	mustExec(`INSERT INTO instances (stack_id, name, template_name) SELECT id, 'app', 'busybox' FROM stacks WHERE name = 'shop'`)
	got, err = s.ListStacks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "blog" || got[0].Instances != 0 || got[1].Name != "shop" || got[1].Instances != 2 || got[1].Description != "Laravel" {
		t.Fatalf("unexpected stacks: %+v", got)
	}
}

// The schema itself enforces the naming rules, so no writer can bypass them.
func TestSchema_ContainerNamesUniqueAcrossStacks(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	ctx := t.Context()
	for _, sql := range []string{
		`INSERT INTO templates (name, spec) VALUES ('busybox', '{}')`,
		`INSERT INTO stacks (name) VALUES ('a-b'), ('a')`,
		`INSERT INTO instances (stack_id, name, template_name) SELECT id, 'c', 'busybox' FROM stacks WHERE name = 'a-b'`,
	} {
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	_, err := pool.Exec(ctx, `INSERT INTO instances (stack_id, name, template_name) SELECT id, 'b-c', 'busybox' FROM stacks WHERE name = 'a'`)
	if err == nil {
		t.Fatal("devarch-a-b-c twice must be refused by the database")
	}
	if _, err := pool.Exec(ctx, `INSERT INTO stacks (name) VALUES ('Bad_Name')`); err == nil {
		t.Fatal("invalid stack name must be refused by the database")
	}
}

func TestCreateStack_AndNameClash(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	st, err := s.CreateStack(ctx, "shop", "Laravel + MySQL", "", "")
	if err != nil || st.Revision != 1 || st.Name != "shop" {
		t.Fatalf("create: %+v %v", st, err)
	}
	_, err = s.CreateStack(ctx, "shop", "again", "", "")
	if model.KindOf(err) != model.KindConflict || !strings.Contains(err.Error(), `a stack named "shop" already exists`) {
		t.Fatalf("clash: %v", err)
	}
	list, _ := s.ListStacks(ctx)
	if len(list) != 1 || list[0].Description != "Laravel + MySQL" {
		t.Fatalf("the clash must change nothing: %+v", list)
	}
}
