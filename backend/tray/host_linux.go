package tray

import (
	"errors"
	"fmt"

	"github.com/godbus/dbus/v5"
)

// ErrNoSessionBus means there is no D-Bus session bus: no tray can exist in this session.
var ErrNoSessionBus = errors.New("no D-Bus session bus")

// checkHost: on Linux the item lives on the session bus, so there must be one.
func checkHost() error {
	conn, err := dbus.SessionBus()
	if err != nil || conn == nil {
		return fmt.Errorf("%w: %v", ErrNoSessionBus, err)
	}
	return nil
}
