// Package hosttest holds test helpers about the host the embedded PostgreSQL server runs on:
// which server processes are alive, and the regular (non-root) account the root-mode tests
// run the server as. It imports nothing of DevArch, so that package database's own internal
// tests can use it as well as dbtest and the desktop tests.
package hosttest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ServerProcesses lists live postgres processes whose command line names dir (a data home
// or data directory), read from /proc. Tests use it to prove nothing was left running. The
// linger keeper of a data home counts too (its command line names DIR/postgres), so an
// empty list also means no keeper outlived its server.
func ServerProcesses(dir string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		s := strings.ReplaceAll(string(cmdline), "\x00", " ")
		if strings.Contains(s, "postgres") && strings.Contains(s, dir) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// WaitNoServer fails the test unless every postgres process naming dir has ended within
// 10 seconds (a server shuts down asynchronously after its last client).
func WaitNoServer(t testing.TB, dir string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if len(ServerProcesses(dir)) == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("postgres processes left running for %s: %v", dir, ServerProcesses(dir))
}

// RegularAccount returns the uid and gid of devarch-ci, a non-root account in the docker
// group, creating it when needed (so only root may call it): root-mode tests run the server,
// or the whole CLI, as a regular user with it.
func RegularAccount(t testing.TB) (int, int) {
	t.Helper()
	const name = "devarch-ci"
	u, err := user.Lookup(name)
	if err != nil {
		args := []string{"--create-home", "--shell", "/bin/sh", "--user-group", name}
		if _, gerr := user.LookupGroup("docker"); gerr == nil {
			args = append([]string{"--groups", "docker"}, args...)
		}
		if out, err := exec.Command("useradd", args...).CombinedOutput(); err != nil {
			t.Fatalf("useradd %s: %v %s", name, err, out)
		}
		if u, err = user.Lookup(name); err != nil {
			t.Fatal(err)
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return uid, gid
}
