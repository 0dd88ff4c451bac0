//go:build unix

package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/database/hosttest"
)

// dbStatusDoc is `db status --json` as docs/cli-json.md documents it; decoding with unknown
// fields disallowed pins it.
type dbStatusDoc struct {
	External      bool    `json:"external"`
	Running       bool    `json:"running"`
	PID           int     `json:"pid"`
	Port          int     `json:"port"`
	DataDir       string  `json:"dataDir"`
	LingerSeconds float64 `json:"lingerSeconds"`
	Clients       []struct {
		Application string    `json:"application"`
		Since       time.Time `json:"since"`
	} `json:"clients"`
	Keeper *struct {
		PID           int     `json:"pid"`
		LingerSeconds float64 `json:"lingerSeconds"`
	} `json:"keeper"`
	StopsAt     *time.Time `json:"stopsAt"`
	SecondsLeft *float64   `json:"secondsLeft"`
}

func decodeDoc(t *testing.T, data string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decoding %q: %v", data, err)
	}
}

func dbStatus(t *testing.T, env map[string]string) dbStatusDoc {
	t.Helper()
	r := mustRun(t, env, "devarch", "db", "status", "--json")
	var st dbStatusDoc
	decodeDoc(t, r.stdout, &st)
	if st.Clients == nil {
		t.Fatalf("clients must always be a list: %s", r.stdout)
	}
	return st
}

// lingerEnv is an embedded-database environment on a fresh home with the given linger; the
// server is stopped when the test ends.
func lingerEnv(t *testing.T, linger string) (map[string]string, string) {
	t.Helper()
	home := tempHome(t)
	env := map[string]string{"DEVARCH_HOME": home, "DEVARCH_DATABASE_URL": "<unset>", "DEVARCH_DB_LINGER": linger}
	t.Cleanup(func() {
		_, _ = database.Stop(context.Background(), database.Options{Dirs: appdir.FromHome(home)})
	})
	return env, home
}

// TestDBLinger_ServerStaysBetweenCommands: the second command finds the first one's server
// (same pid, same keeper), and `db stop` ends both.
func TestDBLinger_ServerStaysBetweenCommands(t *testing.T) {
	env, home := lingerEnv(t, "1m")
	if st := dbStatus(t, env); st.Running || st.LingerSeconds != 60 || st.DataDir != filepath.Join(home, "postgres", "data") {
		t.Fatalf("before the first command: %+v", st)
	}
	mustRun(t, env, "devarch", "stack", "list")
	st := dbStatus(t, env)
	if !st.Running || st.PID == 0 || st.Port == 0 || st.Keeper == nil || len(st.Clients) != 0 || st.SecondsLeft == nil || *st.SecondsLeft > 60 || *st.SecondsLeft < 30 {
		t.Fatalf("after the command the server lingers, watched by a keeper: %+v", st)
	}
	r := mustRun(t, env, "devarch", "stack", "create", "linger-a")
	if strings.Contains(r.stderr, "creating the database") {
		t.Fatalf("second command started over: %s", r.stderr)
	}
	if st2 := dbStatus(t, env); st2.PID != st.PID || st2.Keeper == nil || st2.Keeper.PID != st.Keeper.PID {
		t.Fatalf("the second command must reuse the server and its keeper: %+v then %+v", st, st2)
	}
	text := mustRun(t, env, "devarch", "db", "status").stdout
	for _, want := range []string{fmt.Sprintf("pid %d", st.PID), "linger    1m0s", "clients   none", "stops     in "} {
		if !strings.Contains(text, want) {
			t.Fatalf("db status text lacks %q:\n%s", want, text)
		}
	}

	r = mustRun(t, env, "devarch", "db", "stop", "--json")
	var stop struct {
		Stopped bool `json:"stopped"`
		PID     int  `json:"pid"`
	}
	decodeDoc(t, r.stdout, &stop)
	if !stop.Stopped || stop.PID != st.PID {
		t.Fatalf("db stop --json: %s", r.stdout)
	}
	if left := hosttest.ServerProcesses(home); len(left) != 0 {
		t.Fatalf("db stop returned with processes left (server or keeper): %v", left)
	}
	if st := dbStatus(t, env); st.Running || st.Keeper != nil {
		t.Fatalf("after db stop: %+v", st)
	}
	if r := mustRun(t, env, "devarch", "db", "stop"); !strings.Contains(r.stderr, "not running") {
		t.Fatalf("db stop when stopped: %+v", r)
	}
}

// TestDBLinger_DetachedFromCaller: a command that leaves the server lingering closes its
// stdout and stderr when it exits (out=$(devarch stack list) returns at once), and neither
// the server nor the keeper has the caller's terminal or session.
func TestDBLinger_DetachedFromCaller(t *testing.T) {
	env, home := lingerEnv(t, "1m")
	for _, args := range [][]string{{"stack", "list"}, {"stack", "list"}} { // cold start, then attach
		cmd := exec.Command(devarch(t), args...)
		cmd.Env = environ(env)
		outR, outW, _ := os.Pipe()
		errR, errW, _ := os.Pipe()
		cmd.Stdout, cmd.Stderr = outW, errW
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		outW.Close()
		errW.Close()
		eof := make(chan time.Time, 2)
		for _, r := range []*os.File{outR, errR} {
			go func() { _, _ = io.Copy(io.Discard, r); eof <- time.Now() }()
		}
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
		exited := time.Now()
		for range 2 {
			select {
			case at := <-eof:
				if d := at.Sub(exited); d > time.Second {
					t.Fatalf("the pipe stayed open %v after the command exited", d)
				}
			case <-time.After(2 * time.Second):
				t.Fatalf("a pipe of the command is still held 2 s after it exited (by the server or its keeper): %v", hosttest.ServerProcesses(home))
			}
		}
		t.Logf("%v: %v until the output was complete", args, time.Since(start))
	}
	st := dbStatus(t, env)
	if !st.Running || st.Keeper == nil {
		t.Fatalf("the server keeps running: %+v", st)
	}
	mySession := session(t, os.Getpid())
	for _, pid := range []int{st.PID, st.Keeper.PID} {
		if s := session(t, pid); s == mySession {
			t.Fatalf("pid %d is in the caller's session", pid)
		}
		if tty := procStatField(t, pid, 7); tty != 0 {
			t.Fatalf("pid %d has a controlling terminal (%d)", pid, tty)
		}
	}
}

// session is a process's session id; procStatField reads field n (1-based) of /proc/PID/stat.
func session(t *testing.T, pid int) int { return procStatField(t, pid, 6) }

func procStatField(t *testing.T, pid, n int) int {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // fields from 3 on
	v, _ := strconv.Atoi(fields[n-3])
	return v
}

func TestDBLinger_ExpiresAndStops(t *testing.T) {
	env, home := lingerEnv(t, "2s")
	mustRun(t, env, "devarch", "stack", "list")
	st := dbStatus(t, env)
	if !st.Running || st.Keeper == nil || st.Keeper.LingerSeconds != 2 {
		t.Fatalf("lingering server expected: %+v", st)
	}
	waitFor(t, 10*time.Second, "the server and keeper to stop after a 2s linger", func() bool {
		return len(hosttest.ServerProcesses(home)) == 0
	})
}

// A linger never keeps a server whose data home was deleted.
func TestDBLinger_DeletedHomeStopsServer(t *testing.T) {
	env, home := lingerEnv(t, "10m")
	mustRun(t, env, "devarch", "stack", "list")
	if st := dbStatus(t, env); !st.Running || st.Keeper == nil {
		t.Fatalf("lingering server expected: %+v", st)
	}
	// The running server may write a file (WAL) while the tree is being removed
	// ("directory not empty", seen in CI): remove again until it is gone, as a user would.
	for attempt := 0; ; attempt++ {
		err := os.RemoveAll(home)
		if err == nil {
			break
		}
		if attempt == 50 {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitFor(t, 10*time.Second, "the server and keeper of a deleted data home to stop", func() bool {
		return len(hosttest.ServerProcesses(home)) == 0
	})
}

// Two first commands at once on a fresh home: one server, one keeper.
func TestDBLinger_TwoFirstCommandsStartOneServer(t *testing.T) {
	env, home := lingerEnv(t, "1m")
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i := range results {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = run(t, env, "devarch", "stack", "list") }()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Fatalf("command %d: %+v", i, r)
		}
	}
	var postmasters, keepers int
	for _, pid := range hosttest.ServerProcesses(home) {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		args := strings.Split(string(cmdline), "\x00")
		switch {
		case len(args) > 1 && args[1] == database.KeeperArg:
			keepers++
		case len(args) > 1 && filepath.Base(args[0]) == "postgres" && args[1] == "-D":
			postmasters++
		}
	}
	if postmasters != 1 || keepers != 1 {
		t.Fatalf("want one server and one keeper, got %d and %d", postmasters, keepers)
	}
}

// db stop refuses while a DevArch process (here one standing in for the window) uses the
// server, names it, and changes nothing.
func TestDBStop_RefusedWhileInUse(t *testing.T) {
	env, home := lingerEnv(t, "1m")
	db, err := database.Open(context.Background(), database.Options{Dirs: appdir.FromHome(home), AppName: "devarch-desktop"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	before := dbStatus(t, env)
	if len(before.Clients) != 1 || before.Clients[0].Application != "devarch-desktop" || before.StopsAt != nil {
		t.Fatalf("status while the window holds the server: %+v", before)
	}
	r := run(t, env, "devarch", "db", "stop")
	if r.code != 1 || !strings.Contains(r.stderr, "in use by 1 DevArch process") || !strings.Contains(r.stderr, "devarch-desktop") || !strings.Contains(r.stderr, "Nothing was stopped") {
		t.Fatalf("db stop while in use: %+v", r)
	}
	if st := dbStatus(t, env); !st.Running || st.PID != before.PID {
		t.Fatalf("a refused stop changes nothing: %+v", st)
	}
}

func TestDBLinger_BadValue(t *testing.T) {
	env, home := lingerEnv(t, "soon")
	for _, args := range [][]string{{"stack", "list"}, {"db", "status"}} {
		r := run(t, env, append([]string{"devarch"}, args...)...)
		if r.code != 1 || !strings.Contains(r.stderr, "DEVARCH_DB_LINGER") || !strings.Contains(r.stderr, `"soon"`) || !strings.Contains(r.stderr, "30s") {
			t.Fatalf("%v with a bad linger: %+v", args, r)
		}
	}
	if _, err := os.Stat(filepath.Join(home, "postgres")); !os.IsNotExist(err) {
		t.Fatalf("a refused command creates nothing: %v", err)
	}
}

// TestDBLinger_RegularUser runs the lingering server, db status and db stop as devarch-ci,
// a regular user in the docker group (as root this test run is root's case).
func TestDBLinger_RegularUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Log("running as a regular user: the other linger tests are this user's case")
		return
	}
	uid, gid := hosttest.RegularAccount(t)
	env, home := lingerEnv(t, "1m")
	if err := os.Chown(home, uid, gid); err != nil {
		t.Fatal(err)
	}
	env["HOME"] = home
	runAs := func(args ...string) result {
		cmd := exec.Command(devarch(t), args...)
		cmd.Env = environ(env)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if err != nil {
			t.Fatalf("%v as uid %d: %v\n%s%s", args, uid, err, out.String(), errb.String())
		}
		return result{out.String(), errb.String(), 0}
	}
	runAs("stack", "list")
	var st dbStatusDoc
	decodeDoc(t, runAs("db", "status", "--json").stdout, &st)
	if !st.Running || st.Keeper == nil {
		t.Fatalf("lingering server expected: %+v", st)
	}
	for _, pid := range []int{st.PID, st.Keeper.PID} {
		fi, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
		if err != nil || int(fi.Sys().(*syscall.Stat_t).Uid) != uid {
			t.Fatalf("pid %d must run as uid %d", pid, uid)
		}
	}
	runAs("stack", "list")
	var st2 dbStatusDoc
	decodeDoc(t, runAs("db", "status", "--json").stdout, &st2)
	if st2.PID != st.PID {
		t.Fatalf("second command started a new server: %d then %d", st.PID, st2.PID)
	}
	runAs("db", "stop")
	if left := hosttest.ServerProcesses(home); len(left) != 0 {
		t.Fatalf("processes left after db stop as uid %d: %v", uid, left)
	}
}
