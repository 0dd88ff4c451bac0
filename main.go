// Command devarch is DevArch: with no arguments it opens the desktop window; with a
// subcommand (`devarch stack list`) it runs the same backend headless.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
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
		// First signal cancels the command (which then stops what it started, the embedded
		// database included); a second one kills the process the default way.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Main(ctx, args, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(runDesktop())
}
