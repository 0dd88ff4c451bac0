//go:build unix

package runtime

import (
	"os"
	"syscall"
)

// ReplaceWith turns this process into the program exe (execve): the same process id,
// descriptors, environment and terminal, so to the caller (a launcher, a shell) nothing
// changed but the program. argv[0] is passed as given. It returns only when the exec
// failed.
func ReplaceWith(exe string, argv []string) error { return syscall.Exec(exe, argv, os.Environ()) }
