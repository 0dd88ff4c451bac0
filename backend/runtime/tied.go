package runtime

import (
	"os/exec"
	"syscall"
)

// StartTied starts cmd, a process of DevArch's own that must not outlive this one (the
// window's tray process), with what the kernel offers to end it with its parent: on Linux
// the parent-death signal (SIGKILL), forked from the spawner's thread so the signal means
// "this process is gone" and not "some thread ended" (see dieWithParent). Elsewhere it is
// cmd.Start, and the child has to notice on its own (the tray reads its stdin, a pipe from
// the parent, until end of file: the kernel closes it however the parent ends).
func StartTied(cmd *exec.Cmd) error {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	dieWithParent(cmd.SysProcAttr)
	return startProcess(cmd)
}
