//go:build !darwin || cgo

// Package tray is DevArch's system tray item (StatusNotifierItem over D-Bus on Linux, through
// fyne.io/systray): one entry per stack with its live state and Start / Stop, "Open DevArch",
// "Stop all stacks", the close-to-tray preference, and "Quit". What the menu lists is decided
// by traymenu (pure); this package only renders it and turns clicks into the Actions the
// desktop gives it (the engine's operations, under the same stack locks as the CLI).
//
// The menu is rebuilt on demand (Refresh: the desktop calls it for every engine status event
// and after each operation), never by polling; bursts of refreshes are coalesced. Failed
// operations are reported as desktop notifications (sessionbus.Notify).
//
// Two ways to run it. Start runs the item inside the desktop window's process, beside Wails'
// GTK loop (Linux: systray is pure D-Bus there and needs no loop of its own). Run runs it as
// the whole UI of its own process (`devarch tray`, backend/trayproc), with systray's own
// event loop on the process's main thread: macOS (Cocoa) and Windows (a Win32 message loop)
// need that thread, which Wails owns in the window's process.
//
// fyne.io/systray needs cgo on macOS, which a cross-build (make test-cross, go vet with
// GOOS=darwin) lacks: there the package is empty.
package tray

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/systray"

	"github.com/devarch/devarch/backend/sessionbus"
	"github.com/devarch/devarch/backend/traymenu"
)

//go:embed icon.png
var icon []byte

// Actions are what the tray's entries do. Every function may be called from any goroutine.
type Actions struct {
	// Stacks lists the stacks with their live state; an error (e.g. the database is still
	// starting) is shown as a disabled line.
	Stacks func(ctx context.Context) ([]traymenu.Stack, error)
	// Start and Stop run the engine operation on a whole stack.
	Start, Stop func(ctx context.Context, stack string) error
	// Open shows the window, at the stack's page when stack is not empty.
	Open func(stack string)
	// CloseToTray reads and sets the preference "closing the window keeps DevArch running".
	CloseToTray    func() bool
	SetCloseToTray func(bool)
	// Quit ends the app (window, tray, everything it started).
	Quit func()
}

// Tray is the running tray item.
type Tray struct {
	log     *slog.Logger
	actions Actions
	end     func()

	refresh chan struct{}
	stop    chan struct{}
	done    chan struct{}

	stopOnce sync.Once
	endOnce  sync.Once

	mu       sync.Mutex
	last     *traymenu.Menu
	lastErr  string
	cancelGC context.CancelFunc // ends the click listeners of the current menu
}

// ErrStartedBefore: fyne.io/systray keeps one tray per process, and its D-Bus connection
// is closed for good when that tray stops.
var ErrStartedBefore = errors.New("the tray was already started once in this process")

var started atomic.Bool

// Start registers the tray item on the session bus and builds its menu, beside an event loop
// the caller runs (the window's). It fails with ErrNoSessionBus when there is no bus
// (systray would panic on shutdown otherwise). The item is registered whether or not a tray
// host shows it now: one may appear later. It can be called once per process
// (ErrStartedBefore).
func Start(actions Actions, log *slog.Logger) (*Tray, error) {
	if !started.CompareAndSwap(false, true) {
		return nil, ErrStartedBefore
	}
	if err := checkHost(); err != nil {
		return nil, err
	}
	t := newTray(actions, log)
	ready := make(chan struct{})
	start, end := systray.RunWithExternalLoop(func() {
		setIcon()
		close(ready)
	}, nil)
	t.end = end
	start()
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		return nil, errors.New("the tray item did not register within 5 s")
	}
	go t.loop()
	t.Refresh()
	return t, nil
}

// Run registers the tray item and runs systray's own event loop on the calling goroutine
// until ctx is done, then removes the item and returns. It is for a process whose only UI
// is the tray (`devarch tray`): call it from the main goroutine, which fyne.io/systray locks
// to the main thread in its init. ready, when not nil, is called with the running tray once
// its menu is being built (from another goroutine). Once per process, like Start.
func Run(ctx context.Context, actions Actions, log *slog.Logger, ready func(*Tray)) error {
	if !started.CompareAndSwap(false, true) {
		return ErrStartedBefore
	}
	if err := checkHost(); err != nil {
		return err
	}
	t := newTray(actions, log)
	t.end = systray.Quit
	go func() {
		<-ctx.Done()
		systray.Quit()
	}()
	systray.Run(func() {
		setIcon()
		go t.loop()
		t.Refresh()
		if ready != nil {
			ready(t)
		}
	}, t.stopLoop) // onExit runs in the event loop, before the item goes away
	t.stopLoop()
	return nil
}

func newTray(actions Actions, log *slog.Logger) *Tray {
	return &Tray{log: log, actions: actions, refresh: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

func setIcon() {
	systray.SetIcon(icon)
	systray.SetTitle("DevArch")
	systray.SetTooltip("DevArch: your local stacks")
}

// Refresh asks for the menu to be rebuilt from the current stacks (coalesced: many calls in
// a burst cost one rebuild).
func (t *Tray) Refresh() {
	select {
	case t.refresh <- struct{}{}:
	default:
	}
}

// Stop removes the tray item and ends its goroutines (for a tray from Run: ends Run).
func (t *Tray) Stop() {
	t.stopLoop()
	t.endOnce.Do(t.end)
}

// stopLoop ends the menu goroutine and waits for it, once.
func (t *Tray) stopLoop() {
	t.stopOnce.Do(func() {
		close(t.stop)
		<-t.done
	})
}

// coalesce is how long a refresh waits for more: engine events come in bursts (a stack of
// ten containers starting is dozens of events).
const coalesce = 150 * time.Millisecond

func (t *Tray) loop() {
	defer close(t.done)
	defer func() {
		t.mu.Lock()
		if t.cancelGC != nil {
			t.cancelGC()
		}
		t.mu.Unlock()
	}()
	for {
		select {
		case <-t.stop:
			return
		case <-t.refresh:
		}
		select {
		case <-t.stop:
			return
		case <-time.After(coalesce):
		}
		select { // a refresh that arrived meanwhile is covered by this rebuild
		case <-t.refresh:
		default:
		}
		t.rebuild()
	}
}

// rebuild renders the menu when it changed since the last one.
func (t *Tray) rebuild() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stacks, err := t.actions.Stacks(ctx)
	m := traymenu.Build(stacks, traymenu.DefaultCap)
	errText := ""
	if err != nil {
		errText = err.Error()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last != nil && equalMenus(*t.last, m) && t.lastErr == errText {
		return
	}
	t.last, t.lastErr = &m, errText
	if t.cancelGC != nil {
		t.cancelGC()
	}
	gen, cancelGen := context.WithCancel(context.Background())
	t.cancelGC = cancelGen
	systray.ResetMenu()
	systray.SetTooltip(tooltip(m))

	on := func(item *systray.MenuItem, fn func()) {
		go func() {
			for {
				select {
				case <-gen.Done():
					return
				case <-item.ClickedCh:
					go fn()
				}
			}
		}()
	}
	on(systray.AddMenuItem("Open DevArch", "Show the DevArch window"), func() { t.actions.Open("") })
	systray.AddSeparator()
	if err != nil {
		item := systray.AddMenuItem("Stacks unavailable: "+firstLine(errText), errText)
		item.Disable()
	} else if len(m.Entries) == 0 {
		item := systray.AddMenuItem("No stacks yet: create one in the window", "")
		item.Disable()
	}
	for _, e := range m.Entries {
		stack := e.Stack
		parent := systray.AddMenuItem(e.Label, "")
		if e.NeedsApply {
			on(parent.AddSubMenuItem("Open to apply", "Plan and apply it in the window"), func() { t.actions.Open(stack) })
			continue
		}
		start := parent.AddSubMenuItem("Start", "Start "+stack+"'s containers")
		stop := parent.AddSubMenuItem("Stop", "Stop "+stack+"'s containers")
		if !e.CanStart {
			start.Disable()
		}
		if !e.CanStop {
			stop.Disable()
		}
		on(start, func() { t.operate("start", stack, t.actions.Start) })
		on(stop, func() { t.operate("stop", stack, t.actions.Stop) })
		on(parent.AddSubMenuItem("Open", "Open "+stack+" in the window"), func() { t.actions.Open(stack) })
	}
	if m.More > 0 {
		on(systray.AddMenuItem(m.MoreLabel(), "All stacks are in the window"), func() { t.actions.Open("") })
	}
	systray.AddSeparator()
	stopAll := systray.AddMenuItem("Stop all stacks", "Stop every running stack")
	if !m.AnyRunning {
		stopAll.Disable()
	}
	on(stopAll, t.stopAll)
	keep := systray.AddMenuItemCheckbox("Keep running when the window closes", "Closing the window leaves DevArch in the tray", t.actions.CloseToTray())
	on(keep, func() {
		t.actions.SetCloseToTray(!t.actions.CloseToTray())
		t.forceRebuild()
	})
	on(systray.AddMenuItem("Quit DevArch", "Close the window and the tray"), t.actions.Quit)
}

// forceRebuild rebuilds even when the stacks did not change (a preference did).
func (t *Tray) forceRebuild() {
	t.mu.Lock()
	t.last = nil
	t.mu.Unlock()
	t.Refresh()
}

// operate runs a stack operation from a click; a failure becomes a desktop notification.
func (t *Tray) operate(op, stack string, fn func(context.Context, string) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	t.log.Info("tray operation", "op", op, "stack", stack)
	if err := fn(ctx, stack); err != nil {
		t.log.Error("tray operation failed", "op", op, "stack", stack, "error", err.Error())
		if nerr := sessionbus.Notify(fmt.Sprintf("DevArch could not %s %s", op, stack), err.Error()); nerr != nil {
			t.log.Warn("no desktop notification", "error", nerr.Error())
		}
	}
	t.Refresh()
}

// stopAll stops every running stack, one after the other; failures are notified together.
func (t *Tray) stopAll() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	stacks, err := t.actions.Stacks(ctx)
	if err != nil {
		_ = sessionbus.Notify("DevArch could not stop all stacks", err.Error())
		return
	}
	var failed []string
	for _, st := range stacks {
		switch st.State {
		case traymenu.Running, traymenu.Partial, traymenu.Degraded, traymenu.Unhealthy:
			if err := t.actions.Stop(ctx, st.Name); err != nil {
				failed = append(failed, st.Name+": "+firstLine(err.Error()))
			}
		}
	}
	if len(failed) > 0 {
		body := ""
		for _, f := range failed {
			body += f + "\n"
		}
		_ = sessionbus.Notify(fmt.Sprintf("DevArch could not stop %d stack(s)", len(failed)), body)
	}
	t.Refresh()
}

func tooltip(m traymenu.Menu) string {
	running := 0
	for _, e := range m.Entries {
		if e.CanStop {
			running++
		}
	}
	if running == 0 {
		return "DevArch: no stack running"
	}
	return fmt.Sprintf("DevArch: %d stack(s) running", running)
}

func equalMenus(a, b traymenu.Menu) bool {
	if a.More != b.More || a.AnyRunning != b.AnyRunning || len(a.Entries) != len(b.Entries) {
		return false
	}
	for i := range a.Entries {
		if a.Entries[i] != b.Entries[i] {
			return false
		}
	}
	return true
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
