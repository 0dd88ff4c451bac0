//go:build !desktop && !dev && !bindings

package main

import (
	"fmt"
	"os"

	"github.com/devarch/devarch/backend/cli"
	"github.com/devarch/devarch/backend/runtime"
)

// handOverToDesktop, in the command-line build, hands the window (no arguments, or only the
// window's own flags) and the tray (`devarch tray`) to the desktop build. The desktop build
// links GTK and WebKit (about 170 shared libraries, ~60 ms of loading before main), which
// every command would pay if `devarch` were the desktop binary: the package installs this
// build as /usr/bin/devarch and the desktop build as /usr/lib/devarch/devarch-desktop
// (docs/packaging.md). The desktop binary replaces this process (same pid, arguments and
// argv[0]), so a launcher's startup notification follows the window. Commands are not
// handed over: handed is false.
//
// It never hands over to itself: a desktop binary that is this same file, or one that hands
// over again (a command-line build installed under the desktop binary's name), is refused
// with a message instead of an endless exec loop (handedOverEnv marks the hand-over).
func handOverToDesktop(args []string) (code int, handed bool) {
	if cli.IsCommand(args) && args[0] != "tray" {
		return 0, false
	}
	if os.Getenv(handedOverEnv) != "" {
		fmt.Fprintf(os.Stderr, "devarch: %s is a command-line build of DevArch too, not the desktop build: reinstall the DevArch package, or point %s at the desktop binary (built with make build).\n",
			exeOrArg0(), desktopBinaryEnv)
		return 2, true
	}
	exe := exeOrArg0()
	desktop, tried := findDesktopBinary(exe, os.Getenv(desktopBinaryEnv))
	if desktop == "" {
		fmt.Fprintf(os.Stderr, "devarch: this is the command-line build of DevArch; the window and the tray are a separate program, not found here (looked for %s).\n"+
			"Install the DevArch package for them, set %s to the desktop binary, or run 'devarch --help' for the commands.\n", tried, desktopBinaryEnv)
		return 2, true
	}
	if sameFile(desktop, exe) {
		fmt.Fprintf(os.Stderr, "devarch: %s is this command-line build itself, not the desktop build: point %s at the desktop binary (built with make build), or reinstall the DevArch package.\n",
			desktop, desktopBinaryEnv)
		return 2, true
	}
	if err := os.Setenv(handedOverEnv, "1"); err != nil {
		fmt.Fprintf(os.Stderr, "devarch: %v\n", err)
		return 1, true
	}
	err := runtime.ReplaceWith(desktop, os.Args)
	fmt.Fprintf(os.Stderr, "devarch: cannot start %s: %v\n", desktop, err)
	return 1, true
}

func exeOrArg0() string {
	if exe, err := os.Executable(); err == nil {
		return exe
	}
	return os.Args[0]
}

func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}
