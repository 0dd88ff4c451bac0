package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/bindings"
	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/deskprefs"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/store"
	"github.com/devarch/devarch/backend/windowlock"
)

// App is the desktop application's lifecycle: it opens the window at once, starts the
// database behind it, and on quit (window closed, SIGTERM, Ctrl+C) closes the database,
// which stops the embedded server when no other DevArch process uses it.
type App struct {
	log  *slog.Logger
	host *bindings.Host

	mu        sync.Mutex
	ctx       context.Context
	db        *database.DB
	opened    chan struct{}      // closed when the database attempt finished (ready or failed)
	stopWatch context.CancelFunc // ends the status watcher; nil until it runs
	watchDone chan struct{}      // closed when the status watcher has returned
	svc       *engine.Service    // set when the backend is ready
	tray      trayItem           // nil without a tray (no session bus, not a desktop build, the tray process ended)
	prefs     *deskprefs.Prefs
	home      string               // the data home ("" when it cannot be resolved)
	trayLock  *windowlock.TrayLock // the in-process tray's lock (one tray per data home)
	quitting  atomic.Bool          // an explicit quit (tray, signal): closing must not hide the window
	// closeAllowed is set by the first close that goes through: Wails runs gtk_main_quit
	// for every Quit that OnBeforeClose does not prevent, from a goroutine, and a second
	// one (SIGTERM reaches both Wails' handler and ours) crashes GTK during teardown.
	closeAllowed atomic.Bool
}

// trayItem is the running tray as the lifecycle uses it: the in-process tray.Tray (Linux), or
// the tray process the window started (trayChild: macOS, Windows, Linux with
// DEVARCH_TRAY_PROCESS=1). Either way it is "the tray" for close-to-tray.
type trayItem interface {
	Refresh()
	Stop()
}

func newApp(log *slog.Logger, home string) *App {
	return &App{log: log, host: bindings.NewHost(), opened: make(chan struct{}), prefs: deskprefs.Load(home), home: home}
}

// service is the engine once the backend is ready, else nil.
func (a *App) service() *engine.Service {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.svc
}

// refreshTray asks the tray (if any) to rebuild its menu.
func (a *App) refreshTray() {
	a.mu.Lock()
	t := a.tray
	a.mu.Unlock()
	if t != nil {
		t.Refresh()
	}
}

// quit ends the app for good (the tray's Quit): closing does not hide the window then.
func (a *App) quit() {
	a.quitting.Store(true)
	a.mu.Lock()
	ctx := a.ctx
	a.mu.Unlock()
	if ctx != nil {
		wailsruntime.Quit(ctx)
	}
}

// beforeClose decides what closing the window means: with a tray host showing the item and
// the preference on, the window hides and DevArch keeps running in the tray (the first time,
// a notification says so); otherwise, and for an explicit Quit, the app quits.
func (a *App) beforeClose(ctx context.Context) (prevent bool) {
	allow := func() bool { return !a.closeAllowed.CompareAndSwap(false, true) }
	if a.quitting.Load() {
		return allow()
	}
	a.mu.Lock()
	hasTray := a.tray != nil
	a.mu.Unlock()
	// Why it quits (the window closed, or a signal reached Wails' own handler).
	reason := ""
	switch {
	case !hasTray:
		reason = "no tray item"
	case !a.prefs.CloseToTray():
		reason = "keep running in the tray is off"
	case !trayHostPresent():
		reason = "no tray host answers"
	}
	if reason != "" {
		a.log.Info("quitting", "reason", reason)
		return allow()
	}
	wailsruntime.WindowHide(ctx)
	a.log.Info("window hidden to the tray")
	if a.prefs.NoticeOnce() {
		a.notify("DevArch keeps running in the tray", "Your stacks stay as they are. Open or quit DevArch from its tray menu; untick \"Keep running when the window closes\" there to quit on close.")
	}
	return true
}

func (a *App) startup(ctx context.Context) {
	a.mu.Lock()
	a.ctx = ctx
	a.mu.Unlock()
	a.host.SetContext(ctx)
	a.host.SetEmitter(func(name string, data any) { wailsruntime.EventsEmit(ctx, name, data) })
	a.host.SetDialogs(wailsDialogs{ctx})
	go a.openBackend(ctx)
}

func (a *App) openBackend(ctx context.Context) {
	defer close(a.opened)
	start := time.Now()
	dirs, err := appdir.Resolve()
	if err != nil {
		a.fail(err)
		return
	}
	opts := database.OptionsFromEnv(dirs, "devarch-desktop")
	opts.Progress = logWriter{a.log}
	db, err := database.Open(ctx, opts)
	if err != nil {
		a.fail(err)
		return
	}
	a.mu.Lock()
	a.db = db
	a.mu.Unlock()
	svc, res, err := engine.Start(ctx, store.New(db.Pool), dirs.Stacks)
	if err != nil {
		a.fail(err)
		return
	} else if len(res.Added)+len(res.Updated) > 0 {
		a.log.Info("templates synced", "added", len(res.Added), "updated", len(res.Updated))
	}
	svc.SetSharedStore(db.Info.External)
	a.host.SetReady(db, svc)
	a.mu.Lock()
	a.svc = svc
	a.mu.Unlock()
	a.refreshTray()
	// Live status without polling: one engine event stream for every DevArch container,
	// reconnecting when the engine restarts. Wails never cancels ctx, so shutdown stops the
	// watcher itself: on the CLI path its `docker events` process must not outlive the app
	// where no parent-death signal exists (macOS).
	watchCtx, stopWatch := context.WithCancel(ctx)
	watchDone := make(chan struct{})
	a.mu.Lock()
	a.stopWatch, a.watchDone = stopWatch, watchDone
	a.mu.Unlock()
	go func() {
		defer close(watchDone)
		svc.WatchStatus(watchCtx, func(c engine.StatusChange) {
			wailsruntime.EventsEmit(ctx, "status:changed", c)
			a.refreshTray()
		}, func(online bool) {
			a.refreshTray()
			wailsruntime.EventsEmit(ctx, "engine:online", online)
		})
	}()
	a.log.Info("ready", "schema", db.Info.SchemaVersion, "started_server", db.Info.Started, "elapsed", time.Since(start).Round(time.Millisecond).String())
}

func (a *App) fail(err error) {
	a.log.Error("backend unavailable", "error", err.Error())
	a.host.SetFailed(err)
}

func (a *App) shutdown(context.Context) {
	a.log.Info("shutting down")
	// Wait briefly for a start in progress, so its server is not left running.
	select {
	case <-a.opened:
	case <-time.After(90 * time.Second):
	}
	a.mu.Lock()
	db := a.db
	a.db = nil
	stopWatch, watchDone := a.stopWatch, a.watchDone
	t := a.tray
	a.tray = nil
	a.mu.Unlock()
	if t != nil {
		t.Stop()
	}
	// Log viewers still open: their compose processes end before the app does.
	a.host.EndStreams(5 * time.Second)
	if stopWatch != nil {
		stopWatch()
		select {
		case <-watchDone:
		case <-time.After(5 * time.Second):
			a.log.Error("the status watcher did not stop within 5s")
		}
	}
	if db != nil {
		if err := db.Close(context.Background()); err != nil {
			a.log.Error("closing the database", "error", err.Error())
		}
	}
	a.log.Info("stopped")
}

// quitOnSignal turns SIGTERM/SIGINT into a normal quit, so shutdown runs and the embedded
// server stops; GTK would otherwise die on the signal with the server still up.
func (a *App) quitOnSignal() {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-ch
		a.log.Info("signal received, quitting")
		a.quitting.Store(true)
		a.mu.Lock()
		ctx := a.ctx
		a.mu.Unlock()
		if ctx != nil {
			wailsruntime.Quit(ctx)
			return
		}
		a.shutdown(context.Background())
		os.Exit(0)
	}()
}

// takeWindowLock takes the data home's window lock (windowlock). When another window
// holds it, it asks that window to come to the front and reports held (the launch then
// exits 0), or an error saying what to do when the window does not answer. A data home
// that cannot be resolved takes no lock: the window opens and shows that error.
func takeWindowLock() (lock *windowlock.Lock, held bool, err error) {
	dirs, err := appdir.Resolve()
	if err != nil {
		return nil, false, nil
	}
	lock, err = windowlock.Acquire(dirs.Home)
	switch {
	case windowlock.IsHeld(err):
		if rerr := windowlock.Raise(dirs.Home, windowlock.RaiseTimeout); rerr != nil {
			return nil, true, fmt.Errorf("%v, but %v.\n  If it is still starting, try again in a moment; if it hangs, end its process (it holds %s)",
				err, rerr, filepath.Join(dirs.Home, "window.lock"))
		}
		fmt.Fprintf(os.Stderr, "devarch: %v: its window was brought to the front.\n", err)
		return nil, true, nil
	case err != nil:
		// Not fatal: the window opens without the one-window guarantee.
		fmt.Fprintf(os.Stderr, "devarch: warning: %v\n", err)
		return nil, false, nil
	}
	return lock, false, nil
}

// windowsSingleInstance is Wails' single-instance lock on Windows (keyed by the data home,
// so each DEVARCH_HOME has its own window), nil elsewhere: windowlock does that job there.
//
// The first window comes to the front when another launch (a double-click, or the tray
// process's "Open DevArch": Windows has no window socket) finds it.
func windowsSingleInstance(raise func(string)) *options.SingleInstanceLock {
	if goruntime.GOOS != "windows" {
		return nil
	}
	id := "devarch"
	if dirs, err := appdir.Resolve(); err == nil {
		sum := sha256.Sum256([]byte(dirs.Home))
		id += "-" + hex.EncodeToString(sum[:8])
	}
	return &options.SingleInstanceLock{UniqueId: id, OnSecondInstanceLaunch: func(options.SecondInstanceData) { raise("") }}
}

// raise brings the window to the front, at stack's page when stack is set: for a second
// launch ("raise") or a tray in its own process ("open STACK"). windowlock calls it from its
// own goroutine, possibly before the window exists.
func (a *App) raise(stack string) {
	a.mu.Lock()
	ctx := a.ctx
	a.mu.Unlock()
	if ctx == nil {
		a.log.Info("a second launch asked for the window while it is still opening")
		return
	}
	a.openAt(stack)
	a.log.Info("window raised for a second launch", "stack", stack)
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

// wailsDialogs are the native GTK (Cocoa, Win32) file dialogs of the Wails runtime.
type wailsDialogs struct{ ctx context.Context }

func (d wailsDialogs) SaveFile(title, defaultName string) (string, error) {
	return wailsruntime.SaveFileDialog(d.ctx, wailsruntime.SaveDialogOptions{
		Title: title, DefaultFilename: defaultName, CanCreateDirectories: true,
		Filters: []wailsruntime.FileFilter{{DisplayName: "YAML (*.yml, *.yaml)", Pattern: "*.yml;*.yaml"}},
	})
}

func (d wailsDialogs) OpenFile(title, filterName, filter string) (string, error) {
	return wailsruntime.OpenFileDialog(d.ctx, wailsruntime.OpenDialogOptions{
		Title: title, Filters: []wailsruntime.FileFilter{{DisplayName: filterName, Pattern: filter}},
	})
}

func (d wailsDialogs) OpenDirectory(title string) (string, error) {
	return wailsruntime.OpenDirectoryDialog(d.ctx, wailsruntime.OpenDialogOptions{Title: title, CanCreateDirectories: true})
}

type logWriter struct{ log *slog.Logger }

func (w logWriter) Write(b []byte) (int, error) {
	w.log.Info(string(trimNewline(b)))
	return len(b), nil
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// newLogger logs to stderr and to the data home's logs/devarch.log.
func newLogger() (*slog.Logger, func()) {
	var w io.Writer = os.Stderr
	closeFn := func() {}
	if dirs, err := appdir.Resolve(); err == nil {
		if err := os.MkdirAll(dirs.Logs, 0o700); err == nil {
			if f, err := os.OpenFile(filepath.Join(dirs.Logs, "devarch.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
				w = io.MultiWriter(os.Stderr, f)
				closeFn = func() { f.Close() }
			}
		}
	}
	return slog.New(slog.NewTextHandler(w, nil)).With("app", "devarch"), closeFn
}

// contentSecurityPolicy is the webview's policy, sent as a header on every asset. The
// built index.html carries the same policy in a <meta> (frontend/vite.config.ts), which
// cannot hold frame-ancestors. No inline or remote script, no eval, no plugins, no <base>,
// no form posts, and connections only to the app's own origin (in a dev build's browser
// that includes its /wails/ipc WebSocket). Inline styles stay allowed: CodeMirror (through
// style-mod) and Wails' dev overlay insert <style> elements, and a static page cannot give
// them a per-load nonce.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; " +
	"frame-ancestors 'none'"

// withSecurityHeaders is the AssetServer middleware: the Content-Security-Policy header on
// every response Wails serves from the frontend (production window and dev builds alike,
// except a dev build that proxies Vite's dev server under `wails dev`).
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
		next.ServeHTTP(w, r)
	})
}

func runDesktop() int {
	// One window per data home: a second launch raises the first and exits 0.
	lock, held, err := takeWindowLock()
	if held || err != nil {
		if err != nil {
			fmt.Fprintf(os.Stderr, "devarch: %v\n", err)
			return 1
		}
		return 0
	}
	if lock != nil {
		defer lock.Close()
	}
	log, closeLog := newLogger()
	defer closeLog()
	// A dev build listens on its browser dev server address now, behind the token gate
	// (dev_build.go); other builds do nothing here.
	dev, err := startDevServer()
	if err != nil {
		fmt.Fprintf(os.Stderr, "devarch: %v\n", err)
		return 1
	}
	defer dev.close()
	home := ""
	if dirs, err := appdir.Resolve(); err == nil {
		home = dirs.Home
	}
	app := newApp(log, home)
	app.quitOnSignal()
	if lock != nil {
		// A second launch raises the window; a tray in its own process also opens it at a
		// stack and quits it (windowlock's protocol).
		lock.Serve(windowlock.Handlers{Raise: app.raise, Quit: app.quit})
	}
	app.startTray()

	var assetFS fs.FS
	if sub, err := fs.Sub(assets, "frontend/dist"); err == nil {
		assetFS = sub
	}
	assetOptions := &assetserver.Options{Assets: assetFS, Middleware: withSecurityHeaders}
	if dev.proxiesFrontendDevServer() {
		assetOptions.Middleware = nil // Vite's page needs its inline React Refresh script
	}
	err = wails.Run(&options.App{
		Title:            "DevArch",
		Width:            1240,
		Height:           800,
		MinWidth:         900,
		MinHeight:        560,
		BackgroundColour: &options.RGBA{R: 248, G: 249, B: 251, A: 255},
		AssetServer:      assetOptions,
		OnStartup: func(ctx context.Context) {
			dev.attach(ctx)
			app.startup(ctx)
		},
		OnShutdown:    app.shutdown,
		OnBeforeClose: app.beforeClose,
		Bind: []interface{}{
			bindings.NewSystem(app.host),
			bindings.NewStacks(app.host),
			bindings.NewTemplates(app.host),
			bindings.NewInstances(app.host),
			bindings.NewPlans(app.host),
			bindings.NewSecrets(app.host),
			bindings.NewWires(app.host),
			bindings.NewLogs(app.host),
			bindings.NewTransfer(app.host),
		},
		// A file dropped on the window reaches the frontend with its absolute path
		// (runtime OnFileDrop), which starts the matching import; the webview itself does
		// not navigate to it.
		DragAndDrop: &options.DragAndDrop{EnableFileDrop: true, DisableWebViewDrop: true},
		Linux:       &linux.Options{ProgramName: "devarch"},
		// Windows has no windowlock (no flock): Wails' named-mutex lock, keyed by the home.
		SingleInstanceLock: windowsSingleInstance(app.raise),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "devarch: the desktop window cannot open: %v\n"+
			"  This binary may have been built without the desktop build tags (make build builds it with them).\n"+
			"  The command line works in any build: devarch --help\n", err)
		return 1
	}
	return 0
}
