//go:build !linux && (!darwin || cgo)

package tray

import "errors"

// ErrNoSessionBus is Linux's (no D-Bus session bus); elsewhere the tray needs none.
var ErrNoSessionBus = errors.New("no D-Bus session bus")

// checkHost: macOS has its menu bar and Windows its notification area in every session.
func checkHost() error { return nil }
