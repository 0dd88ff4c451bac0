//go:build !darwin || cgo

package trayproc

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/deskprefs"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/store"
	"github.com/devarch/devarch/backend/tray"
	"github.com/devarch/devarch/backend/traymenu"
	"github.com/devarch/devarch/backend/windowlock"
)

// Available reports whether this build can run the tray (a macOS build needs cgo).
const Available = true

// Options configure one run of the tray process.
type Options struct {
	// Attached: started by the window. The tray ends when Stdin reaches end of file (the
	// window ended), and a Quit the window socket cannot carry ends it with ExitQuitApp.
	Attached bool
	Stdin    io.Reader
	// Log receives the tray's lines; Progress the database's start-up lines.
	Log      *slog.Logger
	Progress io.Writer
	// Executable is the binary "Open DevArch" launches when no window runs ("": this one).
	Executable string
}

// Run runs the tray until it is quit (its menu's Quit, ctx, or, attached, the window
// ending). Call it on the main goroutine (see tray.Run). The outcome QuitApp says the
// window must quit too and could not be told over its socket (attached only); Elsewhere
// that another process shows this data home's tray already.
func Run(ctx context.Context, opts Options) (Outcome, error) {
	dirs, err := appdir.Resolve()
	if err != nil {
		return Quit, err
	}
	lock, err := windowlock.AcquireTray(dirs.Home)
	if windowlock.IsTrayHeld(err) {
		return Elsewhere, err
	} else if err != nil {
		return Quit, err
	}
	defer lock.Close()
	log := opts.Log
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if opts.Attached {
		go func() {
			// Nothing is ever written: the read returns at end of file, when the window's
			// end of the pipe closes, however the window ended.
			_, _ = io.Copy(io.Discard, opts.Stdin)
			log.Info("the window ended: the tray quits")
			cancel()
		}()
	}

	var (
		svcPtr  atomic.Pointer[engine.Service]
		quit    atomic.Bool
		wg      sync.WaitGroup
		dbMu    sync.Mutex
		db      *database.DB
		trayPtr atomic.Pointer[tray.Tray]
	)
	refresh := func() {
		if t := trayPtr.Load(); t != nil {
			t.Refresh()
		}
	}
	prefs := deskprefs.Load(dirs.Home)
	actions := tray.Actions{
		Stacks: func(ctx context.Context) ([]traymenu.Stack, error) { return ListStacks(ctx, svcPtr.Load()) },
		Start: func(ctx context.Context, stack string) error {
			return Operate(ctx, svcPtr.Load(), stack, engine.OpStart)
		},
		Stop: func(ctx context.Context, stack string) error {
			return Operate(ctx, svcPtr.Load(), stack, engine.OpStop)
		},
		Open:           func(stack string) { open(log, dirs.Home, stack, opts.Executable) },
		CloseToTray:    prefs.CloseToTray,
		SetCloseToTray: prefs.SetCloseToTray,
		Quit: func() {
			switch err := windowlock.Quit(dirs.Home, windowlock.RaiseTimeout); {
			case err == nil:
				log.Info("tray quit: the window was asked to quit")
			case errors.Is(err, windowlock.ErrNoWindow) && opts.Attached:
				quit.Store(true)
			case !errors.Is(err, windowlock.ErrNoWindow):
				log.Warn("tray quit: the window did not take the request", "error", err.Error())
			}
			cancel()
		},
	}

	// The backend opens behind the menu ("DevArch is starting" until then), then the menu
	// follows the engine's status events.
	wg.Add(1)
	go func() {
		defer wg.Done()
		dbOpts := database.OptionsFromEnv(dirs, "devarch-tray")
		dbOpts.Progress = opts.Progress
		d, err := database.Open(ctx, dbOpts)
		if err != nil {
			if ctx.Err() == nil {
				log.Error("tray: backend unavailable", "error", err.Error())
			}
			return
		}
		dbMu.Lock()
		db = d
		dbMu.Unlock()
		svc, _, err := engine.Start(ctx, store.New(d.Pool), dirs.Stacks)
		if err != nil {
			if ctx.Err() == nil {
				log.Error("tray: backend unavailable", "error", err.Error())
			}
			return
		}
		svcPtr.Store(svc)
		refresh()
		log.Info("tray ready")
		svc.WatchStatus(ctx, func(engine.StatusChange) { refresh() }, func(bool) { refresh() })
	}()

	err = tray.Run(ctx, actions, log, func(t *tray.Tray) {
		trayPtr.Store(t)
		log.Info("tray item registered")
	})
	cancel()
	wg.Wait()
	dbMu.Lock()
	defer dbMu.Unlock()
	if db != nil {
		if cerr := db.Close(context.Background()); cerr != nil {
			log.Error("closing the database", "error", cerr.Error())
		}
	}
	log.Info("tray stopped")
	if quit.Load() {
		return QuitApp, err
	}
	return Quit, err
}

// open shows the window (at stack's page when stack is set) through its socket, or launches
// the app when no window runs for the data home.
func open(log *slog.Logger, home, stack, exe string) {
	err := windowlock.Open(home, stack, windowlock.RaiseTimeout)
	if err == nil {
		return
	}
	if !errors.Is(err, windowlock.ErrNoWindow) {
		log.Warn("the window did not come to the front", "error", err.Error())
		return
	}
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			log.Error("cannot launch DevArch", "error", err.Error())
			return
		}
	}
	// The window is the app, not a child of the tray: it outlives the tray (own session,
	// no descriptor of ours).
	pid, err := runtime.LaunchDetached(exe)
	if err != nil {
		log.Error("cannot launch DevArch", "error", err.Error())
		return
	}
	log.Info("no window ran: DevArch launched", "pid", pid)
}
