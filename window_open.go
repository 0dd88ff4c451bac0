//go:build desktop || dev || bindings

package main

import "os"

// handOverToDesktop: this build runs the window and the tray itself (a desktop, dev or
// bindings build), so nothing is handed over. The command-line build's hand-over marker is
// dropped here, so the processes this one starts (its tray, the linger keeper) do not carry
// it.
func handOverToDesktop([]string) (code int, handed bool) {
	_ = os.Unsetenv(handedOverEnv)
	return 0, false
}
