package database

import (
	"context"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
)

// SetKeeperCapable lets a test act as a program that cannot be re-executed as the keeper.
func SetKeeperCapable(ok bool) { keeperCapable.Store(ok) }

// SchemaCurrent is the start's fast check of the schema against the migrations in fsys.
func SchemaCurrent(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS) bool {
	ms, err := LoadMigrations(fsys)
	return err == nil && schemaCurrent(ctx, pool, ms)
}
