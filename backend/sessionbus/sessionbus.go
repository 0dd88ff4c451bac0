// Package sessionbus is what DevArch asks of the desktop session's D-Bus: whether a tray
// host (StatusNotifierWatcher) runs, and desktop notifications. It holds no state; the
// shared session connection is godbus's.
package sessionbus

import (
	"context"
	"time"

	"github.com/godbus/dbus/v5"
)

// callTimeout bounds each call: closing the window asks HostPresent, and a bus that does
// not answer must not leave the window open (a call without a deadline waits forever).
const callTimeout = 2 * time.Second

// Notify shows a desktop notification (org.freedesktop.Notifications on the session bus).
// It fails when no notification server runs; callers log that and go on.
func Notify(summary, body string) error {
	conn, err := dbus.SessionBus()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	obj := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
	call := obj.CallWithContext(ctx, "org.freedesktop.Notifications.Notify", 0,
		"DevArch", uint32(0), "", summary, body, []string{}, map[string]dbus.Variant{}, int32(-1))
	return call.Err
}

// Available reports whether a session bus answers (a tray item can be registered).
func Available() bool {
	_, err := dbus.SessionBus()
	return err == nil
}

// HostPresent reports whether a tray host (a StatusNotifierWatcher) runs in this session, so
// a tray item is shown: closing the window hides it only then. A bus that does not answer
// within callTimeout counts as no host (the window then quits rather than hangs).
func HostPresent() bool {
	conn, err := dbus.SessionBus()
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	var has bool
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has); err != nil {
		return false
	}
	return has
}
