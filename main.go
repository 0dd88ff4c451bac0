// Command devarch is DevArch: with no arguments it opens the desktop window; with a
// subcommand (`devarch stack list`) it runs the same backend headless.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/devarch/devarch/backend/cli"
	"github.com/devarch/devarch/backend/database"
)

func main() {
	// Started as the embedded database's linger keeper (this binary re-executed, detached, by
	// the last DevArch process to leave the database: backend/database/linger.go), it runs
	// the keeper and exits here.
	database.KeeperEntry()
	// A development build (-tags dev) refuses the user's own data home; others pass.
	if err := devBuildPreflight(); err != nil {
		fmt.Fprintf(os.Stderr, "devarch: %v\n", err)
		os.Exit(2)
	}
	args := os.Args[1:]
	// The command-line build (what the package installs as `devarch`) hands the window and
	// the tray to the desktop build; a desktop build runs them itself.
	if code, handed := handOverToDesktop(args); handed {
		os.Exit(code)
	}
	if cli.IsCommand(args) {
		commandGC()
		// First signal cancels the command (which then stops what it started, the embedded
		// database included); a second one kills the process the default way.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Main(ctx, args, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(runDesktop())
}

// commandGC sets the collector for a command, unless the user set GOGC or GOMEMLIMIT: a
// command lives tens of milliseconds with a live heap of a few MB, and the default target
// (collect when the heap doubles) ran two collections in each `devarch plan`, ~3-4 ms of CPU
// of ~30 (measured alternated with GOGC=400: plan 49.3 -> 46.9 ms wall, stack list 39.0 ->
// 38.0). A memory limit keeps a long-running command (logs -f, status --watch) from holding
// more than it needs when it does grow.
func commandGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}
}
