//go:build unix

package database

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/devarch/devarch/backend/model"
)

func currentAccount() (account, error) {
	if os.Geteuid() != 0 {
		return account{uid: os.Geteuid(), gid: os.Getegid()}, nil
	}
	u, err := user.Lookup(ServerAccount)
	if err != nil {
		if err := createAccount(); err != nil {
			return account{}, err
		}
		if u, err = user.Lookup(ServerAccount); err != nil {
			return account{}, rootError(fmt.Sprintf("the account %s was created but cannot be looked up: %v", ServerAccount, err))
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if uid == 0 {
		return account{}, rootError(fmt.Sprintf("the account %s has uid 0", ServerAccount))
	}
	return account{drop: true, uid: uid, gid: gid, name: ServerAccount}, nil
}

func createAccount() error {
	var attempts [][]string
	if p, err := exec.LookPath("useradd"); err == nil {
		attempts = append(attempts, []string{p, "--system", "--user-group", "--no-create-home",
			"--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
			"--comment", "DevArch embedded PostgreSQL", ServerAccount})
	}
	if p, err := exec.LookPath("adduser"); err == nil { // Alpine/BusyBox
		attempts = append(attempts, []string{p, "-S", "-D", "-H", "-s", "/sbin/nologin", ServerAccount})
	}
	if len(attempts) == 0 {
		return rootError("neither useradd nor adduser is available to create it")
	}
	var last string
	for _, argv := range attempts {
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err == nil {
			return nil
		}
		last = strings.TrimSpace(string(out))
		if last == "" {
			last = err.Error()
		}
	}
	return rootError("creating it failed: " + last)
}

func rootError(why string) error {
	return model.NewError(model.KindUnavailable,
		"cannot run the embedded PostgreSQL as root",
		fmt.Sprintf("PostgreSQL refuses to run as root, so DevArch runs it as the system account %q; %s. "+
			"Fix: create the account (useradd --system --user-group %s), run DevArch as a regular user, "+
			"or set DEVARCH_DATABASE_URL to an external PostgreSQL server.", ServerAccount, why, ServerAccount))
}

// ensureReachable checks that the server account can traverse every ancestor of dir. As root
// the default data home is under /root (mode 0700): DevArch grants the account traverse-only
// access there with a POSIX ACL (setfacl), never a wider chmod. Without setfacl it explains.
func (a account) ensureReachable(dir string) error {
	if !a.drop {
		return nil
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		mode := fi.Mode().Perm()
		ok := mode&0o001 != 0 ||
			(int(st.Uid) == a.uid && mode&0o100 != 0) ||
			(int(st.Gid) == a.gid && mode&0o010 != 0)
		if !ok && !a.canTraverse(p) {
			setfacl, lerr := exec.LookPath("setfacl")
			if lerr == nil {
				out, err := exec.Command(setfacl, "-m", "u:"+a.name+":x", p).CombinedOutput()
				if err == nil {
					continue
				}
				lerr = errors.New(strings.TrimSpace(string(out)))
			}
			return model.NewError(model.KindUnavailable,
				"the database directory is out of reach of the server account",
				fmt.Sprintf("DevArch runs as root, so PostgreSQL runs as %q, which cannot enter %s (%v). "+
					"Fix: grant traverse-only access (setfacl -m u:%s:x %s), or set DEVARCH_HOME to a directory it can reach such as /var/lib/devarch.",
					a.name, p, lerr, a.name, p))
		}
		if p == "/" || p == filepath.Dir(p) {
			return nil
		}
	}
}

// canTraverse reports whether an ACL already lets the account enter p, by asking the
// kernel on the account's behalf (a short-lived child with dropped privileges).
func (a account) canTraverse(p string) bool {
	cmd := exec.Command("/bin/sh", "-c", `cd "$1"`, "sh", p)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(a.uid), Gid: uint32(a.gid)}}
	return cmd.Run() == nil
}

// command prepares a PostgreSQL tool to run as the server account: in its own session
// (setsid), so a Ctrl+C in the terminal that ran a CLI command never reaches pg_ctl or the
// server it starts; as root, with the account's uid and gid and no supplementary groups
// (what setpriv --reuid --regid --clear-groups does); from /, which the account can always
// enter. No shell is involved: paths go to the tools as plain arguments.
func (a account) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if a.drop {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(a.uid), Gid: uint32(a.gid), Groups: []uint32{}}
	}
	return cmd
}

// lockFile takes an exclusive advisory lock on path, waiting until ctx's deadline. It
// serializes start, attach and stop of the shared server between DevArch processes.
type fileLock struct{ f *os.File }

func tryLockFile(path string) (*fileLock, bool, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
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
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	_ = l.f.Close()
	l.f = nil
}

// postmasterAlive reports whether pid names a live process that is a PostgreSQL server on
// dataDir (checked through /proc where it exists, so a reused PID is not mistaken for it).
// DevArch starts the server with "-D dataDir" as separate arguments; any argument equal to
// dataDir counts, so paths with spaces or quotes are matched exactly.
func postmasterAlive(pid int, dataDir string) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if _, err := os.Stat("/proc/self"); err != nil {
		return true // no /proc on this platform: trust kill(0)
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	return isPostmasterCmdline(string(cmdline), dataDir)
}

func isPostmasterCmdline(cmdline, dataDir string) bool {
	args := strings.Split(strings.TrimRight(cmdline, "\x00"), "\x00")
	if len(args) == 0 || !strings.Contains(filepath.Base(args[0]), "postgres") {
		return false
	}
	for _, a := range args[1:] {
		if a == dataDir {
			return true
		}
	}
	return false
}
