package database

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/model"
)

// Migration is one SQL file named NNNN_description.sql.
type Migration struct {
	Version  int
	Name     string
	SQL      string
	Checksum string
}

var migrationName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// LoadMigrations reads and orders the migrations in fsys. Versions must start at 1 and have
// no gaps, so "the newest version this binary knows" is simply the count.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if e.IsDir() || m == nil {
			continue
		}
		v, _ := strconv.Atoi(m[1])
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		out = append(out, Migration{Version: v, Name: m[2], SQL: string(body), Checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration versions must be 1..N without gaps; found %04d at position %d", m.Version, i+1)
		}
	}
	return out, nil
}

// rowQuerier is what schemaCurrent needs of a connection or a pool.
type rowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// schemaSummary is how schemaCurrent compares a database with the migrations a binary
// knows: every applied version with its checksum, in order.
const schemaSummary = `SELECT coalesce(string_agg(version || ':' || checksum, ',' ORDER BY version), '') FROM devarch_schema_migrations`

// summaryOf is the schemaSummary a database holding exactly ms returns.
func summaryOf(ms []Migration) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = strconv.Itoa(m.Version) + ":" + m.Checksum
	}
	return strings.Join(parts, ",")
}

// schemaCurrent reports whether the database holds exactly the migrations ms (each applied,
// none newer, every checksum equal), in one read that takes no lock and changes nothing. It
// is the everyday case of every start: Migrate's transaction (five round trips under a lock)
// is then not needed. Anything else (a fresh database, pending or newer migrations, a
// changed file, any error) says false, and Migrate applies or refuses with its reason.
func schemaCurrent(ctx context.Context, q rowQuerier, ms []Migration) bool {
	var got string
	if err := q.QueryRow(ctx, schemaSummary).Scan(&got); err != nil {
		return false
	}
	return got == summaryOf(ms)
}

// Migrate applies the pending migrations of fsys in order, in one transaction, under an
// advisory lock: two processes starting at once apply them once (the second waits, then
// finds nothing to do). It returns the versions it applied and the resulting schema
// version. A database whose schema is newer than fsys knows is refused before anything is
// written, so an older binary never damages data a newer one wrote.
func Migrate(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS) (applied []int, version int, err error) {
	ms, err := LoadMigrations(fsys)
	if err != nil {
		return nil, 0, model.Wrap(model.KindInternal, err, "the embedded migrations are broken", err.Error())
	}
	latest := len(ms)
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, $2)", lockClass, migrateObject); err != nil {
			return err
		}
		// Read before creating anything: a refusal must leave the database untouched.
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT to_regclass('devarch_schema_migrations') IS NOT NULL").Scan(&exists); err != nil {
			return err
		}
		done := map[int]string{}
		current := 0
		if exists {
			rows, err := tx.Query(ctx, "SELECT version, checksum FROM devarch_schema_migrations ORDER BY version")
			if err != nil {
				return err
			}
			for rows.Next() {
				var v int
				var sum string
				if err := rows.Scan(&v, &sum); err != nil {
					return err
				}
				done[v] = sum
				current = max(current, v)
			}
			if err := rows.Err(); err != nil {
				return err
			}
		}
		if current > latest {
			return model.NewError(model.KindUnavailable, "the database is newer than this DevArch",
				fmt.Sprintf("Its schema is at version %d but this build knows versions up to %d. Upgrade DevArch, or set DEVARCH_HOME to another directory to use this version. Nothing was changed.", current, latest))
		}
		for _, m := range ms {
			if sum, ok := done[m.Version]; ok {
				if sum != m.Checksum {
					return model.NewError(model.KindInternal, fmt.Sprintf("migration %04d_%s changed after it was applied", m.Version, m.Name),
						"A released migration must never be edited; add a new one instead. Nothing was changed.")
				}
			}
		}
		if !exists {
			if _, err := tx.Exec(ctx, `CREATE TABLE devarch_schema_migrations (
				version    integer PRIMARY KEY,
				name       text NOT NULL,
				checksum   text NOT NULL,
				applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
				return err
			}
		}
		for _, m := range ms {
			if _, ok := done[m.Version]; ok {
				continue
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return model.Wrap(model.KindInternal, err, fmt.Sprintf("migration %04d_%s failed", m.Version, m.Name), err.Error()+". Nothing was changed.")
			}
			if _, err := tx.Exec(ctx, "INSERT INTO devarch_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", m.Version, m.Name, m.Checksum); err != nil {
				return err
			}
			applied = append(applied, m.Version)
		}
		version = max(current, latest)
		return nil
	})
	if err != nil {
		var me *model.Error
		if errors.As(err, &me) {
			return nil, 0, err
		}
		return nil, 0, model.Wrap(model.KindUnavailable, err, "could not bring the database schema up to date", err.Error())
	}
	return applied, version, nil
}
