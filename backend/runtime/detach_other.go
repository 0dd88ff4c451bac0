//go:build !unix

package runtime

import "os/exec"

// detachSession: a Windows process started without a console of ours is on its own already.
func detachSession(cmd *exec.Cmd) {}
