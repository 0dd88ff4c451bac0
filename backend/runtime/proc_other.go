//go:build !unix

package runtime

import (
	"os"
	"os/exec"
	"time"
)

// ownProcessGroup is a no-op where process groups do not exist; cancellation then kills the
// command's own process only.
func ownProcessGroup(cmd *exec.Cmd) {}

// terminateGroup kills the process at once: there is no portable SIGTERM here.
func terminateGroup(p *os.Process, _ time.Duration, _ <-chan struct{}) error {
	return p.Kill()
}

func killGroup(int) {}
