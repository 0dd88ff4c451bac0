//go:build unix && (!darwin || cgo)

package trayproc

import (
	"os/exec"
	"syscall"
)

// detach puts the launched window in a session of its own: a signal to the tray's process
// group (Ctrl+C in the terminal that started `devarch tray`) does not reach it.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
