//go:build unix

package database_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/database/hosttest"
	"github.com/devarch/devarch/backend/model"
)

func TestParseLinger(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"": database.DefaultLinger, "  ": database.DefaultLinger, "0": 0, "0s": 0, "30s": 30 * time.Second,
		"10m": 10 * time.Minute, "1h30m": 90 * time.Minute, "600": 10 * time.Minute, " 45 ": 45 * time.Second,
		"1.5s": 1500 * time.Millisecond, "250ms": 250 * time.Millisecond,
	} {
		got, err := database.ParseLinger(in)
		if err != nil || got != want {
			t.Errorf("ParseLinger(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"abc", "-1", "-5s", "1.5", "10 minutes", "10x", "99999999999999999999", "9223372037", "3000000h", "s"} {
		_, err := database.ParseLinger(in)
		if err == nil {
			t.Errorf("ParseLinger(%q) accepted", in)
			continue
		}
		e := model.AsError(err)
		if e.Kind != model.KindInvalid || e.Field != database.LingerEnv || !strings.Contains(e.Detail, "30s") || !strings.Contains(e.Summary, in) {
			t.Errorf("ParseLinger(%q): the error must name %s, the value and an example: %+v", in, database.LingerEnv, e)
		}
	}
}

func FuzzParseLinger(f *testing.F) {
	for _, s := range []string{"", "0", "30s", "10m", "600", "-1", "1.5", "abc", "1h2m3s4ms", "9223372036", "+5s", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := database.ParseLinger(s)
		if err != nil {
			if e := model.AsError(err); e.Field != database.LingerEnv || e.Detail == "" {
				t.Fatalf("error without field or fix: %+v", e)
			}
			return
		}
		if d < 0 {
			t.Fatalf("ParseLinger(%q) = %v: negative", s, d)
		}
	})
}

// lingerHome is a data home whose servers and keepers are stopped when the test ends.
func lingerHome(t *testing.T) string {
	home := newHome(t)
	t.Cleanup(func() { _, _ = database.Stop(context.Background(), database.Options{Dirs: appdir.FromHome(home)}) })
	return home
}

func status(t *testing.T, home string) database.ServerStatus {
	t.Helper()
	st, err := database.Status(context.Background(), database.Options{Dirs: appdir.FromHome(home)})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func alive(pid int) bool {
	if pid <= 0 || syscall.Kill(pid, 0) != nil {
		return false
	}
	data, err := os.ReadFile("/proc/" + itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

func waitGone(t *testing.T, what string, pid int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("%s (pid %d) still runs after %s", what, pid, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLinger_ServerOutlivesLastProcess: with a linger the server stays after the last
// process; the next one attaches to it (does not start one), db status names it and its
// keeper, and Stop ends both, leaving no process.
func TestLinger_ServerOutlivesLastProcess(t *testing.T) {
	home := lingerHome(t)
	first := runHelper(t, home, "write", "DEVARCH_TEST_STACK=kept", "DEVARCH_TEST_LINGER=1m")
	if !first.Info.Started {
		t.Fatalf("the first process starts the server: %+v", first.Info)
	}
	st := status(t, home)
	if !st.Running || st.Keeper == nil || len(st.Clients) != 0 {
		t.Fatalf("after the last process the server lingers with a keeper and no client: %+v", st)
	}
	if st.Keeper.Linger != time.Minute || st.Keeper.StopsAt().Before(time.Now().Add(40*time.Second)) {
		t.Fatalf("keeper linger/stop time: %+v stops at %v", st.Keeper, st.Keeper.StopsAt())
	}
	second := runHelper(t, home, "read", "DEVARCH_TEST_LINGER=1m")
	if second.Info.Started || second.Value != "kept" {
		t.Fatalf("the second process must attach to the lingering server: %+v", second)
	}
	if st2 := status(t, home); st2.PID != st.PID || st2.Keeper == nil || st2.Keeper.PID != st.Keeper.PID {
		t.Fatalf("same server, same keeper expected: %+v then %+v", st, st2)
	}
	res, err := database.Stop(context.Background(), database.Options{Dirs: appdir.FromHome(home)})
	if err != nil || !res.WasRunning || res.PID != st.PID {
		t.Fatalf("Stop: %+v %v", res, err)
	}
	if alive(st.Keeper.PID) {
		t.Fatalf("Stop returned while the keeper (pid %d) still runs", st.Keeper.PID)
	}
	hosttest.WaitNoServer(t, home)
	if st := status(t, home); st.Running {
		t.Fatalf("status after stop: %+v", st)
	}
	if res, err := database.Stop(context.Background(), database.Options{Dirs: appdir.FromHome(home)}); err != nil || res.WasRunning {
		t.Fatalf("Stop of a stopped server is not an error and says so: %+v %v", res, err)
	}
}

func TestLinger_ExpiresAndStops(t *testing.T) {
	home := lingerHome(t)
	runHelper(t, home, "read", "DEVARCH_TEST_LINGER=2s")
	st := status(t, home)
	if !st.Running || st.Keeper == nil {
		t.Fatalf("lingering server expected: %+v", st)
	}
	left := time.Until(st.Keeper.StopsAt())
	if left <= 0 || left > 2*time.Second {
		t.Fatalf("time left %v, want within the 2s linger", left)
	}
	waitGone(t, "the server after its 2s linger", st.PID, 10*time.Second)
	waitGone(t, "the keeper after stopping the server", st.Keeper.PID, 5*time.Second)
	hosttest.WaitNoServer(t, home)
	log, _ := os.ReadFile(filepath.Join(home, "postgres", "linger.log"))
	if !strings.Contains(string(log), "idle for 2s: stopping server") {
		t.Fatalf("the keeper's log says why it stopped the server:\n%s", log)
	}
}

// A process using the server holds the linger off: the keeper stops the server only once
// it has been idle for the whole linger.
func TestLinger_ClientHoldsItOff(t *testing.T) {
	home := lingerHome(t)
	// The holder starts the server, and a keeper with it: even a holder that is killed (no
	// Close, so no hand-over) leaves a server that stops after the linger.
	holder := startHolder(t, home, "DEVARCH_TEST_LINGER=1s")
	st := status(t, home)
	if !st.Running || st.Keeper == nil {
		t.Fatalf("a lingering process starts the keeper with the server: %+v", st)
	}
	pid := st.PID
	time.Sleep(2500 * time.Millisecond) // more than the linger, with a client: must stay
	st = status(t, home)
	if !st.Running || st.PID != pid || len(st.Clients) != 1 || st.Clients[0].App != "devarch-test" {
		t.Fatalf("the server must stay while a process uses it: %+v", st)
	}
	if _, err := database.Stop(context.Background(), database.Options{Dirs: appdir.FromHome(home)}); err == nil ||
		model.AsError(err).Kind != model.KindConflict || !strings.Contains(err.Error(), "devarch-test") {
		t.Fatalf("Stop while a process uses the server must refuse and name it: %v", err)
	}
	if st := status(t, home); !st.Running || st.PID != pid {
		t.Fatalf("a refused stop changes nothing: %+v", st)
	}
	_ = holder.Process.Kill()
	_ = holder.Wait()
	waitGone(t, "the server once idle for its linger after its last process was killed", pid, 10*time.Second)
	waitGone(t, "the keeper", st.Keeper.PID, 5*time.Second)
	hosttest.WaitNoServer(t, home)
}

// A client that is killed (no Close, no NOTIFY) is noticed by the keeper when its backend
// process ends, not by a timer: with a 10-minute linger the keeper used to look every 30 s
// while a client held a lease (and that was its only wakeup at idle); now the idle clock
// starts within moments of the kill.
func TestLinger_KilledClientNoticedWithoutATimer(t *testing.T) {
	home := lingerHome(t)
	holder := startHolder(t, home, "DEVARCH_TEST_LINGER=10m")
	st := status(t, home)
	if !st.Running || st.Keeper == nil || !st.Keeper.IdleSince.IsZero() {
		t.Fatalf("a keeper watching a server in use expected: %+v", st)
	}
	time.Sleep(500 * time.Millisecond) // the keeper is waiting by now
	_ = holder.Process.Kill()
	_ = holder.Wait()
	killed := time.Now()
	deadline := killed.Add(5 * time.Second)
	for {
		st = status(t, home)
		if st.Keeper != nil && !st.Keeper.IdleSince.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("5 s after its only client was killed the keeper has not noticed: %+v", st.Keeper)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("noticed %v after the kill", time.Since(killed).Round(time.Millisecond))
	if left := time.Until(st.Keeper.StopsAt()); left < 9*time.Minute {
		t.Fatalf("the 10m linger runs from the kill: %v left", left)
	}
}

// startHolder runs a helper that opens the database and holds it until killed.
func startHolder(t *testing.T, home string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := helperCmd(home, "hold", env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	buf := make([]byte, 4096)
	n, _ := stdout.Read(buf)
	if !strings.Contains(string(buf[:n]), `"pid"`) {
		t.Fatalf("holder did not get ready: %q", buf[:n])
	}
	return cmd
}

// A linger never keeps a server whose data home was deleted.
func TestLinger_DeletedHomeStopsServer(t *testing.T) {
	home := lingerHome(t)
	runHelper(t, home, "read", "DEVARCH_TEST_LINGER=10m")
	st := status(t, home)
	if !st.Running || st.Keeper == nil {
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
	waitGone(t, "the server of a deleted data home", st.PID, 10*time.Second)
	waitGone(t, "the keeper of a deleted data home", st.Keeper.PID, 5*time.Second)
	hosttest.WaitNoServer(t, home)
}

// DEVARCH_DB_LINGER=0 is today's behaviour even when a keeper runs: the last process to
// leave stops the server, and the keeper exits with it.
func TestLinger_ZeroStopsAtOnce(t *testing.T) {
	home := lingerHome(t)
	runHelper(t, home, "read", "DEVARCH_TEST_LINGER=10m")
	st := status(t, home)
	if st.Keeper == nil {
		t.Fatalf("keeper expected: %+v", st)
	}
	runHelper(t, home, "read", "DEVARCH_TEST_LINGER=0")
	if alive(st.PID) {
		// Tell "not stopped" from "still exiting" (and what the keeper did) in the report.
		time.Sleep(2 * time.Second)
		log, _ := os.ReadFile(filepath.Join(home, "postgres", "linger.log"))
		t.Fatalf("with linger 0 the last process stops the server (pid %d); alive 2 s later: %v; keeper's log:\n%s", st.PID, alive(st.PID), log)
	}
	waitGone(t, "the keeper once its server stopped", st.Keeper.PID, 5*time.Second)
	hosttest.WaitNoServer(t, home)
}

// The last process to leave sets the linger that applies: a running keeper takes it on.
func TestLinger_LastProcessSetsTheLinger(t *testing.T) {
	home := lingerHome(t)
	runHelper(t, home, "read", "DEVARCH_TEST_LINGER=10m")
	keeper := status(t, home).Keeper
	runHelper(t, home, "read", "DEVARCH_TEST_LINGER=3s")
	st := status(t, home)
	if st.Keeper == nil || st.Keeper.PID != keeper.PID || st.Keeper.Linger != 3*time.Second {
		t.Fatalf("the running keeper must take the 3s linger of the last process: %+v", st.Keeper)
	}
	waitGone(t, "the server after the new 3s linger", st.PID, 10*time.Second)
	hosttest.WaitNoServer(t, home)
}

// Two processes starting at once on a fresh home, both lingering: one server, one keeper.
func TestLinger_TwoFirstProcessesOneServer(t *testing.T) {
	home := lingerHome(t)
	var wg sync.WaitGroup
	results := make([]helperResult, 2)
	errs := make([]error, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := helperCmd(home, "startwait", "DEVARCH_TEST_LINGER=1m").Output()
			errs[i] = err
			if err == nil {
				results[i] = lastResult(t, out)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("process %d: %v %s", i, err, stderrOf(err))
		}
	}
	if results[0].Info.Started == results[1].Info.Started {
		t.Fatalf("exactly one process must start the server: %+v", results)
	}
	st := status(t, home)
	if !st.Running || st.Keeper == nil {
		t.Fatalf("lingering server expected: %+v", st)
	}
	var postmasters, keepers int
	for _, pid := range hosttest.ServerProcesses(home) {
		cmdline, _ := os.ReadFile("/proc/" + itoa(pid) + "/cmdline")
		args := strings.Split(string(cmdline), "\x00")
		switch {
		case len(args) > 1 && args[1] == database.KeeperArg:
			keepers++
		case len(args) > 1 && filepath.Base(args[0]) == "postgres" && args[1] == "-D":
			postmasters++
		}
	}
	if postmasters != 1 || keepers != 1 {
		t.Fatalf("one postmaster and one keeper expected, got %d and %d", postmasters, keepers)
	}
}

// A program that cannot be re-executed as the keeper (no KeeperEntry in its main) gets no
// linger: its server stops when it leaves, as with 0.
func TestLinger_ProgramWithoutKeeperStopsAtOnce(t *testing.T) {
	home := lingerHome(t)
	runHelper(t, home, "read", "DEVARCH_TEST_LINGER=1m", "DEVARCH_TEST_NO_KEEPER=1")
	hosttest.WaitNoServer(t, home)
}

func TestStatus_External(t *testing.T) {
	st, err := database.Status(context.Background(), database.Options{DatabaseURL: "postgres://x@127.0.0.1:1/x"})
	if err != nil || !st.External || st.Running {
		t.Fatalf("external: %+v %v", st, err)
	}
	_, err = database.Stop(context.Background(), database.Options{DatabaseURL: "postgres://x@127.0.0.1:1/x"})
	if err == nil || !strings.Contains(err.Error(), "external") {
		t.Fatalf("Stop of an external server must refuse: %v", err)
	}
}

func TestOpen_BadLingerChangesNothing(t *testing.T) {
	home := newHome(t)
	t.Setenv(database.LingerEnv, "ten minutes")
	opts := database.OptionsFromEnv(appdir.FromHome(home), "devarch-test")
	_, err := database.Open(context.Background(), opts)
	var e *model.Error
	if !errors.As(err, &e) || e.Field != database.LingerEnv || !strings.Contains(e.Detail, "10m") {
		t.Fatalf("a bad %s must be refused naming it: %v", database.LingerEnv, err)
	}
	if _, err := os.Stat(filepath.Join(home, "postgres")); !os.IsNotExist(err) {
		t.Fatalf("a refused start creates nothing: %v", err)
	}
}
