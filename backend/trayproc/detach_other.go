//go:build !unix

package trayproc

import "os/exec"

// detach: a Windows process started without a console of ours is on its own already.
func detach(cmd *exec.Cmd) {}
