//go:build unix

package runtime

import (
	"os/exec"
	"syscall"
)

// detachSession puts cmd in a session of its own: no signal to this process's group reaches it.
func detachSession(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
