//go:build !linux

package runtime

import "os/exec"

// startProcess starts cmd. Only Linux has a parent-death signal (and the thread caveat that
// comes with it), so elsewhere this is cmd.Start.
func startProcess(cmd *exec.Cmd) error { return cmd.Start() }
