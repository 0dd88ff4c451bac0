//go:build windows

package database

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/windows"

	"github.com/devarch/devarch/backend/model"
)

// On Windows DevArch does not run the embedded PostgreSQL server yet: what it takes on Linux
// and macOS (a private unix-socket directory whose owner and mode prove nobody else can
// have put a socket there, pg_ctl's /bin/sh quoting, stopping the server with a signal, a
// detached linger keeper) has no Windows implementation here. Every path that starts,
// attaches to, checks or stops the embedded server asks currentAccount first, so it is
// refused there, before anything is downloaded, unpacked or created, with an error that
// names the platform and the way out (DEVARCH_DATABASE_URL). An external server works as
// everywhere else. The file primitives (lock, atomic write, no-follow open, process
// liveness) are real Windows implementations, ready for the server when it comes.

// embeddedUnsupported is the error for the embedded server on Windows.
func embeddedUnsupported(what string) error {
	return model.NewError(model.KindUnavailable, what+" is not supported on Windows yet",
		"DevArch runs its embedded PostgreSQL server on Linux and macOS only. On Windows, set DEVARCH_DATABASE_URL "+
			"to a PostgreSQL server you run (postgres://USER:PASSWORD@HOST:PORT/DATABASE), for example one started "+
			"with docker run -d -p 127.0.0.1:5432:5432 -e POSTGRES_PASSWORD=... postgres:17.")
}

// currentAccount refuses: see the comment at the top of this file. There is no root and no
// server account on Windows (the server would run as the current user, never dropped to
// another account), so the account it would return is the current user's.
func currentAccount() (account, error) {
	return account{uid: -1, gid: -1}, embeddedUnsupported("the embedded PostgreSQL server")
}

// rootError is what startError reports when the server output says it refused to run as
// root; PostgreSQL on Windows refuses administrator rights instead.
func rootError(why string) error {
	return model.NewError(model.KindUnavailable, "cannot run the embedded PostgreSQL with administrator rights",
		why+". Run DevArch as a regular user, or set DEVARCH_DATABASE_URL to an external PostgreSQL server.")
}

// ensureReachable has nothing to do: the server never runs as another account on Windows.
func (a account) ensureReachable(dir string) error { return nil }

// command prepares a PostgreSQL tool in its own process group (CREATE_NEW_PROCESS_GROUP, the
// Windows counterpart of setsid: a Ctrl+C in the console that ran a CLI command does not
// reach it), from the system drive's root so the server never holds the caller's working
// directory. No shell is involved.
func (a account) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = filepath.VolumeName(os.TempDir()) + `\`
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
	return cmd
}

// fileLock is an exclusive lock on a file (LockFileEx over the first byte), held until
// release or until the process exits. It serializes start, attach and stop of the shared
// server between DevArch processes.
type fileLock struct{ f *os.File }

func tryLockFile(path string) (*fileLock, bool, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false, err
	}
	ol := new(windows.Overlapped)
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if err != nil {
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return &fileLock{f: f}, true, nil
}

func (l *fileLock) release() {
	if l == nil || l.f == nil {
		return
	}
	_ = windows.UnlockFileEx(windows.Handle(l.f.Fd()), 0, 1, 0, new(windows.Overlapped))
	_ = l.f.Close()
	l.f = nil
}

// postmasterAlive reports whether pid names a running process whose executable is a
// PostgreSQL server (postgres.exe). Windows offers no supported way to read another
// process's arguments, so unlike on Linux the data directory is not checked: a reused PID
// is told apart only when it is not a postgres process. A process this user may not query
// is not DevArch's server, which would run as this user.
func postmasterAlive(pid int, dataDir string) bool {
	if pid <= 0 || int64(pid) > int64(^uint32(0)) {
		return false
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION|windows.SYNCHRONIZE, false, uint32(pid))
	if err != nil {
		return false
	}
	defer windows.CloseHandle(h)
	if ev, err := windows.WaitForSingleObject(h, 0); err != nil || ev != uint32(windows.WAIT_TIMEOUT) {
		return false // exited (signalled) or not waitable
	}
	buf := make([]uint16, windows.MAX_LONG_PATH)
	n := uint32(len(buf))
	if err := windows.QueryFullProcessImageName(h, 0, &buf[0], &n); err != nil {
		return false
	}
	exe := strings.ToLower(filepath.Base(windows.UTF16ToString(buf[:n])))
	return strings.Contains(exe, "postgres")
}

// waitExit waits until pid has exited (or timeout passes).
func waitExit(pid int, timeout time.Duration) {
	if pid <= 0 || int64(pid) > int64(^uint32(0)) {
		return
	}
	h, err := windows.OpenProcess(windows.SYNCHRONIZE, false, uint32(pid))
	if err != nil {
		return // gone, or not ours to wait for
	}
	defer windows.CloseHandle(h)
	_, _ = windows.WaitForSingleObject(h, uint32(timeout/time.Millisecond))
}
