package cli

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// `devarch tray` parses its flag and hands over to the tray runner (the desktop build's),
// mapping the runner's outcome to the exit code the window acts on; a build without one says
// so and how to get one; arguments are usage errors.
func TestTrayCommand(t *testing.T) {
	saved := runTray
	defer func() { runTray = saved }()

	runTray = nil
	code, _, stderr := runArgs("tray")
	if code != ExitError || !strings.Contains(stderr, "this build of DevArch has no tray") || !strings.Contains(stderr, "make build") {
		t.Fatalf("no tray in this build: %d %q", code, stderr)
	}

	var got trayOptions
	runTray = func(_ context.Context, opts trayOptions, _ io.Writer) (int, error) {
		got = opts
		return 3, nil
	}
	if code, _, stderr := runArgs("tray", "--attached"); code != 3 || !got.attached {
		t.Fatalf("attached run: code %d, options %+v, %q", code, got, stderr)
	}
	if code, _, _ := runArgs("tray"); code != 3 || got.attached {
		t.Fatalf("a run alone: code %d, options %+v", code, got)
	}
	runTray = func(context.Context, trayOptions, io.Writer) (int, error) {
		return 0, errors.New("no D-Bus session bus")
	}
	if code, _, stderr := runArgs("tray"); code != ExitError || !strings.Contains(stderr, "the tray cannot run") || !strings.Contains(stderr, "no D-Bus session bus") {
		t.Fatalf("a failing tray: %d %q", code, stderr)
	}
	if code, _, stderr := runArgs("tray", "extra"); code != ExitUsage || !strings.Contains(stderr, "extra") {
		t.Fatalf("an argument: %d %q", code, stderr)
	}
}
