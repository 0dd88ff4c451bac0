//go:build !unix

package windowlock

import "time"

// Lock is a no-op where file locks and Unix sockets are not used (Windows): there the
// desktop relies on Wails' SingleInstanceLock (a named mutex), keyed by the data home.
type Lock struct{}

// Acquire always succeeds here.
func Acquire(home string) (*Lock, error) { return &Lock{}, nil }

// Serve does nothing here.
func (l *Lock) Serve(h Handlers) {}

// Close does nothing here.
func (l *Lock) Close() {}

// Raise is never needed here: Acquire never reports a held lock.
func Raise(home string, timeout time.Duration) error { return nil }

// Open and Quit have no window to reach here (Windows has no window socket yet): the tray
// process then launches a window for Open, and Quit ends only the tray.
func Open(home, stack string, timeout time.Duration) error { return ErrNoWindow }

// Quit: see Open.
func Quit(home string, timeout time.Duration) error { return ErrNoWindow }

// TrayLock is a no-op here (no file locks are used on Windows): a `devarch tray` started
// alone next to the window's own tray process shows a second item.
type TrayLock struct{}

// AcquireTray always succeeds here.
func AcquireTray(home string) (*TrayLock, error) { return &TrayLock{}, nil }

// Close does nothing here.
func (l *TrayLock) Close() {}
