// Package sessionbus is what DevArch asks of the desktop session's D-Bus: whether a tray
// host (StatusNotifierWatcher) runs, and desktop notifications. It holds no state; the
// shared session connection is godbus's.
package sessionbus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/godbus/dbus/v5"
)

// callTimeout bounds each question: closing the window asks HostPresent, and a bus that
// does not answer must not leave the window open. godbus waits without a deadline both in
// a call and in connecting (its shared connection's Auth and Hello, under a global lock),
// so the whole question runs under one deadline.
const callTimeout = 2 * time.Second

// errNoAnswer: the session bus did not answer within callTimeout.
var errNoAnswer = fmt.Errorf("the session bus did not answer within %s", callTimeout)

// ask runs fn (connect, then call with ctx) and waits at most callTimeout for it. When the
// bus never answers the connect, fn's goroutine stays blocked in godbus; the caller goes on.
func ask(fn func(ctx context.Context, conn *dbus.Conn) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		conn, err := dbus.SessionBus()
		if err != nil {
			done <- err
			return
		}
		done <- fn(ctx, conn)
	}()
	select {
	case err := <-done:
		if errors.Is(err, context.DeadlineExceeded) {
			return errNoAnswer
		}
		return err
	case <-ctx.Done():
		return errNoAnswer
	}
}

// Notify shows a desktop notification (org.freedesktop.Notifications on the session bus).
// It fails when no notification server runs or the bus does not answer; callers log that
// and go on.
func Notify(summary, body string) error {
	return ask(func(ctx context.Context, conn *dbus.Conn) error {
		obj := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
		return obj.CallWithContext(ctx, "org.freedesktop.Notifications.Notify", 0,
			"DevArch", uint32(0), "", summary, body, []string{}, map[string]dbus.Variant{}, int32(-1)).Err
	})
}

// Available reports whether a session bus answers (a tray item can be registered).
func Available() bool {
	return ask(func(context.Context, *dbus.Conn) error { return nil }) == nil
}

// HostPresent reports whether a tray host (a StatusNotifierWatcher) runs in this session, so
// a tray item is shown: closing the window hides it only then. A bus that does not answer
// within callTimeout counts as no host (the window then quits rather than hangs).
func HostPresent() bool {
	var has bool
	err := ask(func(ctx context.Context, conn *dbus.Conn) error {
		return conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	})
	return err == nil && has
}
