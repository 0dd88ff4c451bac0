//go:build unix

package database

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/devarch/devarch/backend/model"
)

// maxSocketDirLen keeps "<dir>/.s.PGSQL.NNNNN" within the kernel's limit on socket paths
// (108 bytes on Linux, 104 on macOS).
const maxSocketDirLen = 100 - len("/.s.PGSQL.65535")

// makeSocketDir returns the server's private socket directory, made ready for the server
// account: postgres/socket under the data home, or, when that path is too long for a
// socket, a new directory with a random name under the temp directory. That one is created
// fresh at every start (os.MkdirTemp), so nobody can have planted it, and removed when the
// server stops; attachers find it in postmaster.pid.
func (a account) makeSocketDir(pgDir string) (string, error) {
	d := filepath.Join(pgDir, "socket")
	if len(d) < maxSocketDirLen {
		return d, a.makePrivateDir(d)
	}
	base := tempBase()
	if fi, err := os.Stat(base); a.drop && (err != nil || fi.Mode().Perm()&0o001 == 0) {
		base = "/tmp" // root's own $TMPDIR may be closed to the server account
	}
	d, err := os.MkdirTemp(base, socketPrefix())
	if err != nil {
		return "", model.Wrap(model.KindUnavailable, err, "cannot create the server's socket directory", err.Error())
	}
	if len(d) >= maxSocketDirLen {
		_ = os.Remove(d)
		return "", model.NewError(model.KindUnavailable, "no short path for the server's socket",
			fmt.Sprintf("The data home's path is too long for a unix socket, and so is the temp directory %s. Set TMPDIR to a short directory such as /tmp, or use a shorter DEVARCH_HOME.", base))
	}
	return d, a.makePrivateDir(d)
}

func socketPrefix() string { return fmt.Sprintf("devarch-%d-", os.Geteuid()) }

// tempBase is the temp directory for a socket directory: $TMPDIR when it is safe, else /tmp.
func tempBase() string {
	if base := os.TempDir(); safeParent(base) {
		return base
	}
	return "/tmp"
}

// safeParent reports whether dir is a directory owned by root or this user in which others
// cannot rename or remove entries (not writable by them, or sticky like /tmp).
func safeParent(dir string) bool {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 0 && int(st.Uid) != os.Geteuid() {
		return false
	}
	return fi.Mode().Perm()&0o022 == 0 || fi.Mode()&fs.ModeSticky != 0
}

// isTempSocketDir reports whether dir has the shape of a socket directory makeSocketDir put
// under a temp directory (any process's: $TMPDIR may differ between them).
func isTempSocketDir(dir string) bool {
	return filepath.IsAbs(dir) && filepath.Clean(dir) == dir &&
		strings.HasPrefix(filepath.Base(dir), socketPrefix()) && safeParent(filepath.Dir(dir))
}

// checkSocketDir verifies, before connecting to a running server, that its socket directory
// (from postmaster.pid) is one DevArch made: postgres/socket or a temp one of its own, a real
// directory (not a link) of the server account that no one else may enter.
func (a account) checkSocketDir(dir, pgDir string) error {
	if dir != filepath.Join(pgDir, "socket") && !isTempSocketDir(dir) {
		return unsafeDirError(dir, "it is not a socket directory DevArch made")
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, "the running server's socket directory is gone",
			fmt.Sprintf("%s: %v. Stop DevArch everywhere and start it again.", dir, err))
	}
	st := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || int(st.Uid) != a.uid || fi.Mode().Perm()&0o077 != 0 {
		return unsafeDirError(dir, fmt.Sprintf("it is not a private directory of uid %d (mode %v, owner %d)", a.uid, fi.Mode(), st.Uid))
	}
	return nil
}

// removeTempSocketDir removes a temp socket directory a server left behind (it was killed,
// or has just been stopped). Only a directory of DevArch's own shape and owner goes.
func (a account) removeTempSocketDir(dir string) {
	if dir == "" || !isTempSocketDir(dir) {
		return
	}
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() || int(fi.Sys().(*syscall.Stat_t).Uid) != a.uid {
		return
	}
	_ = os.RemoveAll(dir)
}

// stopServer shuts the server down the way pg_ctl stop -m fast does: SIGINT to the
// postmaster (after checking that the PID in postmaster.pid is our server), then wait until
// it has exited and removed its lock file. No binary is needed, so a process that attached
// can stop a server another one started.
func (db *DB) stopServer() error {
	dataDir := db.Info.DataDir
	defer db.acc.removeTempSocketDir(db.sockDir)
	pm, ok := readPostmasterPID(dataDir)
	if !ok || !postmasterAlive(pm.pid, dataDir) {
		return nil
	}
	return stopPostmaster(pm.pid, dataDir, syscall.SIGINT)
}

// stopPostmaster sends sig (SIGINT: fast shutdown; SIGQUIT: immediate) to the postmaster pid
// serving dataDir and waits until it has exited. A fast shutdown still running after 20 s
// (its checkpoint cannot finish) is made immediate.
func stopPostmaster(pid int, dataDir string, sig syscall.Signal) error {
	if !postmasterAlive(pid, dataDir) {
		return nil
	}
	if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return model.Wrap(model.KindUnavailable, err, "PostgreSQL did not stop cleanly", fmt.Sprintf("signalling pid %d: %v", pid, err))
	}
	start := time.Now()
	for time.Since(start) < 30*time.Second {
		// A fast shutdown ends with the postmaster removing its lock file and exiting; one
		// that died without removing it is recovered by the next start.
		if !postmasterAlive(pid, dataDir) {
			// An exiting process loses its memory (and so its command line, which
			// postmasterAlive reads) a moment before it is gone; a loaded machine can stretch
			// that moment. Wait for the exit itself: stopped means no server process left.
			if exiting(pid) {
				waitExit(pid, 5*time.Second)
			}
			return nil
		}
		if sig != syscall.SIGQUIT && time.Since(start) > 20*time.Second {
			sig = syscall.SIGQUIT
			_ = syscall.Kill(pid, sig)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return model.NewError(model.KindUnavailable, "PostgreSQL did not stop cleanly",
		fmt.Sprintf("The server (pid %d) was still shutting down after 30 s. See %s.", pid, filepath.Join(dataDir, "log")))
}

// waitExit waits until pid has exited (or timeout passes).
func waitExit(pid int, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
		if zombie(pid) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exiting reports whether pid is a process on its way out: it still exists but has no
// command line any more (its memory is released early in the exit), and is no zombie yet.
// A kernel thread that took over the pid reads the same; waitExit's bound covers that.
func exiting(pid int) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && len(cmdline) == 0 && !zombie(pid)
}

// zombie reports whether pid has exited and waits for its parent to reap it.
func zombie(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(data)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] == 'Z'
	}
	return false
}
