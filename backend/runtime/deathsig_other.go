//go:build !linux

package runtime

import (
	"os/exec"
	"syscall"
)

// dieWithParent does nothing where the kernel has no parent-death signal (macOS, the BSDs,
// Windows): there DevArch ends its children itself when it exits normally (context
// cancellation and terminateGroup), and a killed DevArch can leave a child running.
func dieWithParent(*syscall.SysProcAttr) {}

// startProcess is cmd.Start: without a parent-death signal no start needs a dedicated thread.
func startProcess(cmd *exec.Cmd) error { return cmd.Start() }
