//go:build !desktop || !(linux || darwin || windows)

package main

// Builds without the desktop tag (and desktop builds on other systems) have no tray:
// closing the window quits.
func (a *App) startTray()                  {}
func trayHostPresent() bool                { return false }
func (a *App) notify(summary, body string) {}
