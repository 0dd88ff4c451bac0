//go:build windows

package database

import (
	"context"
	"fmt"
	"os"
)

// The linger keeper (linger.go) is a detached re-execution of this binary that watches the
// server; on Windows there is no embedded server for it to watch yet.

// ensureKeeper does nothing: no embedded server runs on Windows.
func (db *DB) ensureKeeper() {}

// handToKeeper refuses, so Close stops the server at once instead of leaving it unwatched.
func (db *DB) handToKeeper(ctx context.Context) error {
	return embeddedUnsupported("the linger keeper")
}

// KeeperMain reports that the keeper does not run on Windows and fails.
func KeeperMain(args []string) int {
	fmt.Fprintln(os.Stderr, embeddedUnsupported("the linger keeper"))
	return 1
}
