//go:build unix

package runtime

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// ownProcessGroup makes the command the leader of a new process group, so that cancelling it
// can reach every process it started (compose plugins, credential helpers, shells) and not
// only the first one. The group is also out of the terminal's foreground group: a Ctrl-C
// reaches DevArch, which cancels the context, rather than the child directly. Where the
// system has one (Linux), the command also gets a parent-death signal (see dieWithParent),
// so it ends with DevArch even when DevArch had no chance to cancel it (kill -9, a crash).
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	dieWithParent(cmd.SysProcAttr)
}

// terminateGroup stops the process group led by p: SIGKILL at once when grace is zero, else
// SIGTERM now and SIGKILL after grace unless the command has been reaped (exited closed).
// It returns os.ErrProcessDone when no process of the group is left, as exec.Cmd.Cancel
// expects.
func terminateGroup(p *os.Process, grace time.Duration, exited <-chan struct{}) error {
	pgid := p.Pid
	if grace <= 0 {
		return signalGroup(pgid, syscall.SIGKILL)
	}
	if err := signalGroup(pgid, syscall.SIGTERM); err != nil {
		return err
	}
	go func() {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-t.C:
			_ = signalGroup(pgid, syscall.SIGKILL)
		case <-exited:
		}
	}()
	return nil
}

// killGroup kills whatever is left of a process group after its leader was reaped.
func killGroup(pgid int) {
	if pgid > 0 {
		_ = signalGroup(pgid, syscall.SIGKILL)
	}
}

func signalGroup(pgid int, sig syscall.Signal) error {
	err := syscall.Kill(-pgid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}
