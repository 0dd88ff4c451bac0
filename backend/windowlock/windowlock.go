// Package windowlock keeps one desktop window per data home. The first window takes an
// exclusive lock on a file in the data home and listens on a Unix socket next to it; a
// second launch for the same data home finds the lock held, asks the first window over the
// socket to come to the front, and exits. Two data homes (DEVARCH_HOME) have two locks, so
// each can have its own window; CLI subcommands never take the lock and run alongside.
//
// The lock is the file lock, not the socket: the kernel releases it when the process ends,
// however it ends, so a crashed window never blocks the next launch. The socket only
// carries the "raise" request; a stale socket file left by a killed window is replaced by
// the next holder of the lock.
//
// The socket also lets a tray that runs as its own process (`devarch tray`: macOS, Windows,
// and Linux with DEVARCH_TRAY_PROCESS=1) act on the window: show it at a stack's page, or
// quit it (the tray's "Quit DevArch" quits the window too).
//
// Wails has its own SingleInstanceLock, but on Linux it needs a D-Bus session bus (without
// one every launch opens a window) and it exits the second process with status 1.
package windowlock

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// The protocol is one line each way. Requests: "raise" (show the window), "open NAME" (show
// it at stack NAME's page), "quit" (quit the app). Replies: "raised" to raise and open,
// "quitting" to quit, "unsupported" when the window has no handler for the request.
const (
	raiseRequest  = "raise\n"
	raiseReply    = "raised\n"
	quitRequest   = "quit\n"
	quitReply     = "quitting\n"
	openPrefix    = "open "
	unsupported   = "unsupported\n"
	maxRequestLen = 512
)

// Handlers are what the window does for each request; nil means the request is answered
// "unsupported". Each is called from its own goroutine and must be safe at any time, even
// before the window exists.
type Handlers struct {
	// Raise shows the window, at stack's page when stack is not empty.
	Raise func(stack string)
	// Quit quits the app for good (not just hiding the window).
	Quit func()
}

// request is one parsed request line.
type request struct {
	kind  string // "raise", "open" or "quit"
	stack string // for open
}

// parseRequest reads one request line (with its newline). A stack name is one token of
// printable ASCII without spaces (stack names are narrower still, model.ValidateName; the
// window looks the page up and shows "not found" for a name that does not exist).
func parseRequest(line string) (request, error) {
	if len(line) > maxRequestLen {
		return request{}, fmt.Errorf("request longer than %d bytes", maxRequestLen)
	}
	switch line {
	case raiseRequest:
		return request{kind: "raise"}, nil
	case quitRequest:
		return request{kind: "quit"}, nil
	}
	rest, ok := strings.CutPrefix(line, openPrefix)
	if !ok {
		return request{}, fmt.Errorf("unknown request %q", strings.TrimSpace(line))
	}
	name, ok := strings.CutSuffix(rest, "\n")
	if !ok || name == "" {
		return request{}, errors.New("open needs a stack name on the same line")
	}
	for _, r := range name {
		if r <= ' ' || r > '~' {
			return request{}, fmt.Errorf("open: stack name %q has a character that is not printable ASCII", name)
		}
	}
	return request{kind: "open", stack: name}, nil
}

// HeldError is Acquire's answer when another process has the data home's window open.
type HeldError struct{ Home string }

func (e *HeldError) Error() string {
	return fmt.Sprintf("DevArch is already open for data home %s", e.Home)
}

// IsHeld reports whether err says another window holds the lock.
func IsHeld(err error) bool {
	var h *HeldError
	return errors.As(err, &h)
}

// RaiseTimeout bounds how long a second launch waits for the first window to answer: the
// first may be between taking the lock and listening, or busy starting.
const RaiseTimeout = 2 * time.Second

// TrayHeldError is AcquireTray's answer when another process shows this data home's tray.
type TrayHeldError struct{ Home string }

func (e *TrayHeldError) Error() string {
	return fmt.Sprintf("a DevArch tray already runs for data home %s", e.Home)
}

// IsTrayHeld reports whether err says another process holds the tray lock.
func IsTrayHeld(err error) bool {
	var h *TrayHeldError
	return errors.As(err, &h)
}

// ErrNoWindow means no window runs for the data home (nothing listens on its socket).
var ErrNoWindow = errors.New("no DevArch window runs for this data home")
