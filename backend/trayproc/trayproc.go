// Package trayproc is the tray as its own process, `devarch tray`: another client of the
// shared store (like any CLI command: a lease on the embedded server, whose lifetime and
// linger rules apply), with the tray item as its whole UI. One tray per data home
// (windowlock.AcquireTray): a second one ends at once with Elsewhere. The desktop window starts it as
// a child where the tray cannot live in the window's process (macOS and Windows, where the
// tray's event loop needs the main thread that Wails owns; Linux with DEVARCH_TRAY_PROCESS=1,
// which is how the design is tested); it can also run alone (a login item).
//
// Its entries do what the in-process tray's do, through the same functions (ListStacks and
// Operate: the engine's operations, under the stack's lock, recorded as `tray`). The menu
// follows the engine's status events (engine.WatchStatus), never polls. "Open DevArch" and
// "Quit DevArch" reach the window over its data home's window socket (windowlock): Open
// raises it, at a stack's page for a stack's Open, or launches the app when no window runs;
// Quit quits the window too.
//
// Started by the window (Attached), it reads its standard input, a pipe from the window,
// until end of file: the kernel closes that pipe however the window ends (Quit, close,
// SIGTERM, a crash, SIGKILL), so the tray never outlives it, on every platform. On Linux the
// window also gives it the parent-death signal (runtime.StartTied).
package trayproc

import (
	"context"
	"errors"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/traymenu"
)

// Exit statuses of an attached tray that the window acts on.
const (
	// ExitQuitApp: the tray's Quit could not reach the window over its socket (Windows has
	// none); the window quits when its tray exits with it.
	ExitQuitApp = 3
	// ExitTrayElsewhere: another process already shows this data home's tray (a `devarch
	// tray` started alone, say at login); the window counts that one as its tray.
	ExitTrayElsewhere = 4
)

// Outcome is how a run of the tray ended.
type Outcome int

const (
	// Quit: the tray was quit (its menu, a signal, the window ending).
	Quit Outcome = iota
	// QuitApp: quit from its menu, and the window must quit too but could not be told.
	QuitApp
	// Elsewhere: another process shows this data home's tray; this one never started.
	Elsewhere
)

// ErrStarting is what the tray shows while its database is not open yet.
var ErrStarting = errors.New("DevArch is starting")

// ListStacks lists the stacks with their live state, as the tray's menu needs them. svc nil
// means the backend is not ready yet.
func ListStacks(ctx context.Context, svc *engine.Service) ([]traymenu.Stack, error) {
	if svc == nil {
		return nil, ErrStarting
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

// Operate runs start or stop (engine.OpStart, OpStop) on a whole stack for a tray: the
// engine's operation under the stack's lock, like the CLI's, recorded with who = "tray".
func Operate(ctx context.Context, svc *engine.Service, stack, op string) error {
	if svc == nil {
		return ErrStarting
	}
	_, err := svc.Operate(ctx, stack, op, engine.OpOptions{}, "tray", nil)
	return err
}
