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
// Wails has its own SingleInstanceLock, but on Linux it needs a D-Bus session bus (without
// one every launch opens a window) and it exits the second process with status 1.
package windowlock

import (
	"errors"
	"fmt"
	"time"
)

// raiseRequest and raiseReply are the whole protocol: one line each way.
const (
	raiseRequest = "raise\n"
	raiseReply   = "raised\n"
)

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
