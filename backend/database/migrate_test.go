package database_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/migrations"
)

func schemaSnapshot(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var s string
	err := pool.QueryRow(context.Background(), `
		SELECT coalesce(string_agg(table_name, ',' ORDER BY table_name), '') || '|' ||
		       coalesce((SELECT string_agg(version::text || ':' || checksum, ',' ORDER BY version) FROM devarch_schema_migrations), '')
		FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMigrate_FreshThenNoop(t *testing.T) {
	pool, _ := dbtest.EmptyDatabase(t)
	ctx := t.Context()
	all, err := database.LoadMigrations(migrations.Files)
	if err != nil {
		t.Fatal(err)
	}
	applied, version, err := database.Migrate(ctx, pool, migrations.Files)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(all) || version != len(all) {
		t.Fatalf("fresh database: applied %v version %d, want all %d", applied, version, len(all))
	}
	for _, table := range []string{"templates", "stacks", "instances", "wires", "secrets", "plans", "applies", "applied_instances"} {
		var ok bool
		if err := pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", table).Scan(&ok); err != nil || !ok {
			t.Fatalf("table %s missing after migration (%v)", table, err)
		}
	}
	before := schemaSnapshot(t, pool)
	applied, version, err = database.Migrate(ctx, pool, migrations.Files)
	if err != nil || len(applied) != 0 || version != len(all) {
		t.Fatalf("re-run must be a no-op: applied %v version %d err %v", applied, version, err)
	}
	if after := schemaSnapshot(t, pool); after != before {
		t.Fatalf("re-run changed the schema:\n%s\n%s", before, after)
	}
}

func TestMigrate_Concurrent(t *testing.T) {
	pool, _ := dbtest.EmptyDatabase(t)
	var wg sync.WaitGroup
	counts := make([]int, 4)
	errs := make([]error, 4)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied, _, err := database.Migrate(context.Background(), pool, migrations.Files)
			counts[i], errs[i] = len(applied), err
		}()
	}
	wg.Wait()
	total := 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("migrator %d: %v", i, err)
		}
		total += counts[i]
	}
	all, _ := database.LoadMigrations(migrations.Files)
	if total != len(all) {
		t.Fatalf("concurrent migrators applied %d migrations in total, want %d", total, len(all))
	}
}

func TestMigrate_NewerSchemaRefused(t *testing.T) {
	pool, _ := dbtest.EmptyDatabase(t)
	ctx := t.Context()
	// A newer binary applied a migration this one does not know.
	newer := fstest.MapFS{}
	all, _ := database.LoadMigrations(migrations.Files)
	for _, m := range all {
		newer[migrationFile(m)] = &fstest.MapFile{Data: []byte(m.SQL)}
	}
	next := len(all) + 1
	newer[padded(next)+"_from_the_future.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE from_the_future (id int)")}
	if _, _, err := database.Migrate(ctx, pool, newer); err != nil {
		t.Fatal(err)
	}
	before := schemaSnapshot(t, pool)

	_, _, err := database.Migrate(ctx, pool, migrations.Files)
	var me *model.Error
	if !errors.As(err, &me) || me.Kind != model.KindUnavailable {
		t.Fatalf("want a clear refusal, got %v", err)
	}
	if !strings.Contains(me.Error(), "newer than this DevArch") || !strings.Contains(me.Detail, "Upgrade DevArch") {
		t.Fatalf("refusal must say why and what to do: %q", me.Error())
	}
	if after := schemaSnapshot(t, pool); after != before {
		t.Fatalf("refusal changed the database:\n%s\n%s", before, after)
	}
}

func TestMigrate_EditedMigrationRefused(t *testing.T) {
	pool, _ := dbtest.EmptyDatabase(t)
	ctx := t.Context()
	fs1 := fstest.MapFS{"0001_one.sql": {Data: []byte("CREATE TABLE one (id int)")}}
	if _, _, err := database.Migrate(ctx, pool, fs1); err != nil {
		t.Fatal(err)
	}
	fs2 := fstest.MapFS{
		"0001_one.sql": {Data: []byte("CREATE TABLE one (id bigint)")},
		"0002_two.sql": {Data: []byte("CREATE TABLE two (id int)")},
	}
	_, _, err := database.Migrate(ctx, pool, fs2)
	if err == nil || !strings.Contains(err.Error(), "changed after it was applied") {
		t.Fatalf("edited migration must be refused, got %v", err)
	}
	var two bool
	_ = pool.QueryRow(ctx, "SELECT to_regclass('two') IS NOT NULL").Scan(&two)
	if two {
		t.Fatal("refusal must not apply later migrations")
	}
}

func TestMigrate_BrokenMigrationRollsBack(t *testing.T) {
	pool, _ := dbtest.EmptyDatabase(t)
	ctx := t.Context()
	fsys := fstest.MapFS{
		"0001_ok.sql":     {Data: []byte("CREATE TABLE ok (id int)")},
		"0002_broken.sql": {Data: []byte("CREATE TABLE broken (id nosuchtype)")},
	}
	_, _, err := database.Migrate(ctx, pool, fsys)
	if err == nil || !strings.Contains(err.Error(), "0002_broken") {
		t.Fatalf("want the failing migration named, got %v", err)
	}
	var ok bool
	_ = pool.QueryRow(ctx, "SELECT to_regclass('ok') IS NOT NULL OR to_regclass('devarch_schema_migrations') IS NOT NULL").Scan(&ok)
	if ok {
		t.Fatal("a failed migration run must leave nothing behind")
	}
}

func TestOpen_ExternalDatabaseURL(t *testing.T) {
	_, cfg := dbtest.EmptyDatabase(t)
	url := "postgres://" + cfg.ConnConfig.User + ":" + cfg.ConnConfig.Password + "@127.0.0.1:" +
		itoa(int(cfg.ConnConfig.Port)) + "/" + cfg.ConnConfig.Database + "?sslmode=disable"
	db, err := database.Open(t.Context(), database.Options{DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	if !db.Info.External || db.Info.SchemaVersion == 0 {
		t.Fatalf("external database should be migrated: %+v", db.Info)
	}

	bad := "postgres://devarch:wrong-password-123@127.0.0.1:" + itoa(int(cfg.ConnConfig.Port)) + "/nope?sslmode=disable&connect_timeout=3"
	_, err = database.Open(t.Context(), database.Options{DatabaseURL: bad})
	if err == nil || !strings.Contains(err.Error(), "DEVARCH_DATABASE_URL") {
		t.Fatalf("want a clear error naming DEVARCH_DATABASE_URL, got %v", err)
	}
	if strings.Contains(err.Error(), "wrong-password-123") {
		t.Fatalf("error leaks the password: %v", err)
	}
}

// Every start first asks, in one read, whether the schema is exactly the binary's
// migrations; only then does it skip Migrate. Anything else must say "not current", so that
// Migrate applies what is missing or refuses with its reason.
func TestSchemaCurrent(t *testing.T) {
	pool, _ := dbtest.EmptyDatabase(t)
	ctx := t.Context()
	if database.SchemaCurrent(ctx, pool, migrations.Files) {
		t.Fatal("an empty database (no migrations table) is not current")
	}
	fs1 := fstest.MapFS{"0001_one.sql": {Data: []byte("CREATE TABLE one (id int)")}}
	fs2 := fstest.MapFS{
		"0001_one.sql": {Data: []byte("CREATE TABLE one (id int)")},
		"0002_two.sql": {Data: []byte("CREATE TABLE two (id int)")},
	}
	if _, _, err := database.Migrate(ctx, pool, fs1); err != nil {
		t.Fatal(err)
	}
	if !database.SchemaCurrent(ctx, pool, fs1) {
		t.Fatal("the migrations just applied are current")
	}
	if database.SchemaCurrent(ctx, pool, fs2) {
		t.Fatal("a pending migration: not current")
	}
	if _, _, err := database.Migrate(ctx, pool, fs2); err != nil {
		t.Fatal(err)
	}
	if database.SchemaCurrent(ctx, pool, fs1) {
		t.Fatal("a database newer than the binary: not current (Migrate refuses it)")
	}
	edited := fstest.MapFS{
		"0001_one.sql": {Data: []byte("CREATE TABLE one (id bigint)")},
		"0002_two.sql": {Data: []byte("CREATE TABLE two (id int)")},
	}
	if database.SchemaCurrent(ctx, pool, edited) {
		t.Fatal("an edited migration: not current (Migrate refuses it)")
	}
	if !database.SchemaCurrent(ctx, pool, fs2) {
		t.Fatal("fs2 is current")
	}
}
