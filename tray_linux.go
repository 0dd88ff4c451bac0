//go:build desktop && linux

package main

import (
	"context"
	"os"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/sessionbus"
	"github.com/devarch/devarch/backend/tray"
	"github.com/devarch/devarch/backend/traymenu"
	"github.com/devarch/devarch/backend/trayproc"
	"github.com/devarch/devarch/backend/windowlock"
)

// startTray registers the tray item (Linux: StatusNotifierItem on the session bus), in this
// process, or as a `devarch tray` child with DEVARCH_TRAY_PROCESS=1 (the macOS and Windows
// design, run here so it is tested). Without a session bus there is no tray: closing the
// window then quits.
func (a *App) startTray() {
	if os.Getenv("DEVARCH_TRAY_PROCESS") == "1" {
		a.startTrayProcess()
		return
	}
	// One tray per data home, like the tray process: a `devarch tray` started alone shows
	// it already. The lock is held until this process ends (kept in a.trayLock: a lock
	// file nothing references would be closed, and released, by the garbage collector).
	lock, err := windowlock.AcquireTray(a.home)
	if windowlock.IsTrayHeld(err) {
		a.useTrayElsewhere()
		return
	} else if err != nil {
		a.log.Warn("no tray lock: a second tray item may show", "error", err.Error())
	}
	t, err := tray.Start(tray.Actions{
		Stacks: func(ctx context.Context) ([]traymenu.Stack, error) {
			return trayproc.ListStacks(ctx, a.service())
		},
		Start: func(ctx context.Context, stack string) error {
			return trayproc.Operate(ctx, a.service(), stack, engine.OpStart)
		},
		Stop: func(ctx context.Context, stack string) error {
			return trayproc.Operate(ctx, a.service(), stack, engine.OpStop)
		},
		Open:           a.openAt,
		CloseToTray:    a.prefs.CloseToTray,
		SetCloseToTray: a.prefs.SetCloseToTray,
		Quit:           a.quit,
	}, a.log)
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		a.log.Warn("no tray item", "error", err.Error())
		return
	}
	a.mu.Lock()
	a.tray, a.trayLock = t, lock
	a.mu.Unlock()
	a.log.Info("tray item registered", "host", sessionbus.HostPresent())
}

// trayHostPresent reports whether closing the window can hide it into a visible tray.
func trayHostPresent() bool { return sessionbus.HostPresent() }

// notify shows a desktop notification; failures are logged.
func (a *App) notify(summary, body string) {
	if err := sessionbus.Notify(summary, body); err != nil {
		a.log.Warn("no desktop notification", "error", err.Error())
	}
}
