//go:build darwin && !cgo

package trayproc

import (
	"context"
	"errors"
	"io"
	"log/slog"
)

// Available reports whether this build can run the tray: a macOS build needs cgo (Cocoa).
const Available = false

// Options: see run.go.
type Options struct {
	Attached   bool
	Stdin      io.Reader
	Log        *slog.Logger
	Progress   io.Writer
	Executable string
}

// Run fails: this macOS build has no tray (built without cgo).
func Run(ctx context.Context, opts Options) (Outcome, error) {
	return Quit, errors.New("this build of DevArch has no tray: on macOS the tray needs a build with cgo (make build on a Mac)")
}
