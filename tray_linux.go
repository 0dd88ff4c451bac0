//go:build desktop && linux

package main

import (
	"context"
	"encoding/json"
	"errors"

	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/sessionbus"
	"github.com/devarch/devarch/backend/tray"
	"github.com/devarch/devarch/backend/traymenu"
)

// startTray registers the tray item (Linux: StatusNotifierItem on the session bus). Without
// a session bus there is no tray: closing the window then quits.
func (a *App) startTray() {
	t, err := tray.Start(tray.Actions{
		Stacks: a.trayStacks,
		Start: func(ctx context.Context, stack string) error {
			return a.operate(ctx, stack, engine.OpStart)
		},
		Stop: func(ctx context.Context, stack string) error {
			return a.operate(ctx, stack, engine.OpStop)
		},
		Open:           a.openAt,
		CloseToTray:    a.prefs.closeToTray,
		SetCloseToTray: a.prefs.setCloseToTray,
		Quit:           a.quit,
	}, a.log)
	if err != nil {
		a.log.Warn("no tray item", "error", err.Error())
		return
	}
	a.mu.Lock()
	a.tray = t
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

func (a *App) trayStacks(ctx context.Context) ([]traymenu.Stack, error) {
	svc := a.service()
	if svc == nil {
		return nil, errors.New("DevArch is starting")
	}
	list, err := svc.ListStacks(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]traymenu.Stack, len(list.Stacks))
	for i, st := range list.Stacks {
		out[i] = traymenu.Stack{Name: st.Name, State: st.Status, Containers: st.Containers}
	}
	return out, nil
}

// openAt shows the window, at the stack's page when stack is set.
func (a *App) openAt(stack string) {
	a.mu.Lock()
	ctx := a.ctx
	a.mu.Unlock()
	if ctx == nil {
		return
	}
	wailsruntime.WindowShow(ctx)
	wailsruntime.WindowUnminimise(ctx)
	if stack != "" {
		hash, _ := json.Marshal("#/stacks/" + stack)
		wailsruntime.WindowExecJS(ctx, "window.location.hash = "+string(hash)+";")
	}
}
