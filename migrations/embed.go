// Package migrations holds DevArch's database schema as plain SQL files, embedded in the
// binary and applied in order at start (see backend/database.Migrate).
//
// Files are named NNNN_description.sql, numbered 1..N without gaps. A file is never edited
// once released: a change is a new file.
package migrations

import "embed"

// Files are the migrations, read by backend/database.
//
//go:embed *.sql
var Files embed.FS
