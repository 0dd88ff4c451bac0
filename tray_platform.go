//go:build desktop && (darwin || windows)

package main

// startTray: on macOS and Windows the tray is its own process, `devarch tray` (trayChild):
// its event loop needs the main thread, which Wails owns here (docs/ui.md, "The tray").
func (a *App) startTray() { a.startTrayProcess() }

// trayHostPresent: the macOS menu bar and the Windows notification area are always there.
func trayHostPresent() bool { return true }

// notify logs the notice: desktop notifications are D-Bus's on Linux, not built elsewhere yet.
func (a *App) notify(summary, body string) {
	a.log.Info("notice", "summary", summary, "body", body)
}
