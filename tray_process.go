//go:build desktop

package main

import (
	"os"
	"time"

	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/trayproc"
)

// trayChild is the tray running as this window's child process (`devarch tray --attached`,
// backend/trayproc). While it runs it is the window's tray: closing the window hides it
// (when a tray host shows the item), and the tray's Open and Quit reach the window over its
// socket (windowlock).
//
// It never outlives the window: its stdin is a pipe whose write end only this process holds,
// so it reads end of file however the window ends (Quit, close, SIGTERM, SIGKILL, a crash);
// on Linux it also has the parent-death signal (runtime.StartTied). Stop ends it first
// thing at shutdown, before the database closes.
type trayChild struct {
	proc   *runtime.TiedChild
	exited chan struct{}
}

// trayChildGrace is how long Stop waits for the tray to close its database connection and
// exit before killing it.
const trayChildGrace = 10 * time.Second

// startTrayProcess starts `devarch tray --attached` (this binary). When it ends on its own
// (no session bus, a crash) the window has no tray any more: closing then quits. When it
// ends with trayproc.ExitQuitApp (its Quit could not reach the socket: Windows) the app
// quits; with trayproc.ExitTrayElsewhere another process's tray is the window's.
func (a *App) startTrayProcess() {
	exe, err := os.Executable()
	if err != nil {
		a.log.Warn("no tray process", "error", err.Error())
		return
	}
	proc, err := runtime.StartTiedChild(os.Stderr, exe, "tray", "--attached") // its lines go where the window's go
	if err != nil {
		a.log.Warn("no tray process", "error", err.Error())
		return
	}
	c := &trayChild{proc: proc, exited: make(chan struct{})}
	a.mu.Lock()
	a.tray = c
	a.mu.Unlock()
	a.log.Info("tray process started", "pid", proc.Pid())
	go func() {
		code, err := proc.Wait()
		close(c.exited)
		a.mu.Lock()
		if a.tray == c {
			a.tray = nil
		}
		a.mu.Unlock()
		switch {
		case err == nil:
			a.log.Info("tray process ended")
		case code == trayproc.ExitQuitApp:
			a.log.Info("tray process quit the app")
			a.quit()
		case code == trayproc.ExitTrayElsewhere:
			a.useTrayElsewhere()
		default:
			a.log.Warn("tray process ended", "error", err.Error())
		}
	}()
}

// trayElsewhere is a tray another process shows for this data home (a `devarch tray`
// started alone): it follows the engine itself and reaches the window over its socket, so
// it counts as the window's tray (closing hides the window) and the window has nothing to
// tell it or stop.
type trayElsewhere struct{}

func (trayElsewhere) Refresh() {}
func (trayElsewhere) Stop()    {}

// useTrayElsewhere makes the other process's tray this window's tray.
func (a *App) useTrayElsewhere() {
	a.mu.Lock()
	a.tray = trayElsewhere{}
	a.mu.Unlock()
	a.log.Info("a tray already runs for this data home in another process: it is the window's tray")
}

// Refresh does nothing: the tray process follows the engine's status events itself.
func (c *trayChild) Refresh() {}

// Stop ends the tray process (closing its stdin is its signal) and waits for it, killing it
// after trayChildGrace.
func (c *trayChild) Stop() {
	_ = c.proc.Stdin.Close()
	select {
	case <-c.exited:
	case <-time.After(trayChildGrace):
		_ = c.proc.Kill()
		<-c.exited
	}
}
