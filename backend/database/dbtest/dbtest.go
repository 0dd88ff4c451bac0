// Package dbtest gives tests a real PostgreSQL: one embedded server per test process (the
// same code DevArch runs), and a fresh database per test, dropped when the test ends.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/migrations"
)

var (
	mu     sync.Mutex
	server *database.DB
	home   string
)

// Main runs the package's tests and stops the shared server afterwards. Use it from
// TestMain: func TestMain(m *testing.M) { dbtest.Main(m) }.
// A test binary started as the embedded database's linger keeper (a test that opens the
// database with a linger re-executes itself) runs as the keeper instead.
func Main(m *testing.M) {
	database.KeeperEntry()
	code := m.Run()
	mu.Lock()
	if server != nil {
		_ = server.Close(context.Background())
		_ = os.RemoveAll(home)
	}
	mu.Unlock()
	os.Exit(code)
}

// Server returns the process's shared embedded server, starting it on first use.
func Server(t testing.TB) *database.DB {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if server != nil {
		return server
	}
	dir, err := os.MkdirTemp("", "devarch-dbtest-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(dir, 0o755)
	db, err := database.Open(context.Background(), database.Options{Dirs: appdir.FromHome(dir), AppName: "devarch-dbtest"})
	if err != nil {
		_ = os.RemoveAll(dir)
		t.Fatalf("starting the test PostgreSQL: %v", err)
	}
	server, home = db, dir
	return server
}

// EmptyDatabase creates a new, empty database on the shared server and returns a pool and
// its config (TCP on 127.0.0.1, so it converts to a URL); both are gone when the test ends.
func EmptyDatabase(t testing.TB) (*pgxpool.Pool, *pgxpool.Config) {
	t.Helper()
	srv := Server(t)
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	name := "t_" + hex.EncodeToString(buf)
	ctx := context.Background()
	if _, err := srv.Pool.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s", name)); err != nil {
		t.Fatal(err)
	}
	cfg := srv.Pool.Config().Copy()
	cfg.ConnConfig.Database = name
	// DevArch itself talks to its server over the private unix socket; tests hand the
	// config on as URLs (DEVARCH_DATABASE_URL), so give them the server's TCP side: 127.0.0.1,
	// scram-sha-256, like any external server.
	cfg.ConnConfig.Host = "127.0.0.1"
	cfg.ConnConfig.Port = uint16(srv.Info.Port)
	cfg.ConnConfig.Fallbacks = nil
	cfg.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		_, _ = srv.Pool.Exec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return pool, cfg
}

// MigratedDatabase is EmptyDatabase with DevArch's schema applied.
func MigratedDatabase(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, _ := EmptyDatabase(t)
	if _, _, err := database.Migrate(context.Background(), pool, migrations.Files); err != nil {
		t.Fatal(err)
	}
	return pool
}

// Connect opens a pool on url for the length of the test.
func Connect(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}
