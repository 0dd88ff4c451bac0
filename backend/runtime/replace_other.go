//go:build !unix

package runtime

import (
	"errors"
	"os"
	"os/exec"
)

// ReplaceWith runs the program exe in place of this one where the system cannot replace a
// process (no execve): as a child with this process's standard streams, and this process
// exits with its exit code when it ends. It returns only when exe could not be started.
func ReplaceWith(exe string, argv []string) error {
	cmd := exec.Command(exe, argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		return err
	}
	os.Exit(0)
	return nil
}
