// Package dbtest gives tests a real PostgreSQL: one embedded server per test process (the
// same code DevArch runs), and a fresh database per test, dropped when the test ends. In
// external mode (ExternalEnv) the fresh databases live on a separate server the harness
// starts instead, owned by an ordinary role (external.go).
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
//
// In external mode Main starts the separate server before the tests and stops and removes it
// after them; a server that cannot start fails the run (nothing is skipped).
func Main(m *testing.M) {
	database.KeeperEntry()
	if ExternalMode() {
		srv, err := startExternal(context.Background())
		if err != nil {
			fmt.Fprintf(os.Stderr, "dbtest: %s=1: starting the external PostgreSQL: %v\n", ExternalEnv, err)
			closeServer()
			os.Exit(1)
		}
		external = srv
	}
	code := m.Run()
	if external != nil {
		external.stop()
	}
	closeServer()
	os.Exit(code)
}

func closeServer() {
	mu.Lock()
	if server != nil {
		_ = server.Close(context.Background())
		_ = os.RemoveAll(home)
	}
	mu.Unlock()
}

// Server returns the process's shared embedded server, starting it on first use.
func Server(t testing.TB) *database.DB {
	t.Helper()
	db, err := startServer()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func startServer() (*database.DB, error) {
	mu.Lock()
	defer mu.Unlock()
	if server != nil {
		return server, nil
	}
	dir, err := os.MkdirTemp("", "devarch-dbtest-")
	if err != nil {
		return nil, err
	}
	_ = os.Chmod(dir, 0o755)
	db, err := database.Open(context.Background(), database.Options{Dirs: appdir.FromHome(dir), AppName: "devarch-dbtest"})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("starting the test PostgreSQL: %w", err)
	}
	server, home = db, dir
	return server, nil
}

// EmptyDatabase creates a new, empty database on the shared server and returns a pool and
// its config (TCP on 127.0.0.1, so it converts to a URL); both are gone when the test ends.
// In external mode the database is on the external server, owned by (and the config logs
// in as) the ordinary team role.
func EmptyDatabase(t testing.TB) (*pgxpool.Pool, *pgxpool.Config) {
	t.Helper()
	if external != nil {
		return externalDatabase(t)
	}
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

func externalDatabase(t testing.TB) (*pgxpool.Pool, *pgxpool.Config) {
	t.Helper()
	name, err := external.newDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { external.dropDatabase(name) })
	cfg, err := external.config(name)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool, cfg
}
