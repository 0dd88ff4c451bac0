//go:build !(desktop && linux)

package main

// Only the Linux desktop build has a tray today (macOS needs it in its own process, on the
// main thread Wails owns; see docs/ui.md). Closing the window quits elsewhere.
func (a *App) startTray()                  {}
func trayHostPresent() bool                { return false }
func (a *App) notify(summary, body string) {}
