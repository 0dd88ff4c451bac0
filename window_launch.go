//go:build !desktop && !dev && !bindings

package main

import (
	"fmt"
	"os"

	"github.com/devarch/devarch/backend/runtime"
)

// handOverToDesktop, in the command-line build, hands the window (no arguments) and the
// tray (`devarch tray`) to the desktop build. The desktop build links GTK and WebKit (about
// 170 shared libraries, ~60 ms of loading before main), which every command would pay if
// `devarch` were the desktop binary: the package installs this build as /usr/bin/devarch and
// the desktop build as /usr/lib/devarch/devarch-desktop (docs/packaging.md). The desktop
// binary replaces this process (same pid, arguments and argv[0], from which the window's
// WM_CLASS comes), so a launcher's startup notification and window matching are unchanged.
// Other arguments are commands: handed is false.
func handOverToDesktop(args []string) (code int, handed bool) {
	if len(args) > 0 && args[0] != "tray" {
		return 0, false
	}
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	desktop, tried := findDesktopBinary(exe, os.Getenv(desktopBinaryEnv))
	if desktop == "" {
		fmt.Fprintf(os.Stderr, "devarch: this is the command-line build of DevArch; the window and the tray are a separate program, not found here (looked for %s).\n"+
			"Install the DevArch package for them, set %s to the desktop binary, or run 'devarch --help' for the commands.\n", tried, desktopBinaryEnv)
		return 2, true
	}
	err = runtime.ReplaceWith(desktop, os.Args)
	fmt.Fprintf(os.Stderr, "devarch: cannot start %s: %v\n", desktop, err)
	return 1, true
}
