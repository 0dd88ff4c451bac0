package runtime

import (
	"errors"
	"io"
	"os"
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

// TiedChild is one of DevArch's own programs started as a child that must not outlive this
// process (StartTiedChild): the caller holds its stdin, whose end of file is the child's
// signal to end, on every system and however this process ends.
type TiedChild struct {
	cmd *exec.Cmd
	// Stdin is the write end of the child's stdin; closing it asks the child to end.
	Stdin io.WriteCloser
}

// StartTiedChild starts exe with args as a tied child (StartTied) whose stdout and stderr
// are out, and returns it with its stdin open.
func StartTiedChild(out *os.File, exe string, args ...string) (*TiedChild, error) {
	cmd := exec.Command(exe, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = out, out // the descriptor itself: no copying goroutine
	if err := StartTied(cmd); err != nil {
		_ = stdin.Close()
		return nil, err
	}
	return &TiedChild{cmd: cmd, Stdin: stdin}, nil
}

// Pid is the child's process id.
func (c *TiedChild) Pid() int { return c.cmd.Process.Pid }

// Wait waits for the child to end and returns its exit code (-1 when it did not exit on its
// own: a signal) and the error Wait gave (nil for exit code 0).
func (c *TiedChild) Wait() (int, error) {
	err := c.cmd.Wait()
	code := 0
	if err != nil {
		code = -1
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		}
	}
	return code, err
}

// Kill kills the child.
func (c *TiedChild) Kill() error { return c.cmd.Process.Kill() }

// LaunchDetached starts exe with args as a program of its own, not a child that ends with
// this one (the tray launching the window): in a session of its own where the system has
// them (a Ctrl+C in the tray's terminal does not reach it), with no descriptor of ours. A
// goroutine reaps it when it ends. It returns its process id.
func LaunchDetached(exe string, args ...string) (int, error) {
	cmd := exec.Command(exe, args...)
	detachSession(cmd)
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	go func() { _ = cmd.Wait() }()
	return cmd.Process.Pid, nil
}
