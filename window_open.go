//go:build desktop || dev || bindings

package main

// handOverToDesktop: this build runs the window and the tray itself (a desktop, dev or
// bindings build), so nothing is handed over.
func handOverToDesktop([]string) (code int, handed bool) { return 0, false }
