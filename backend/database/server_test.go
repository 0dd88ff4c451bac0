//go:build unix

package database_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/database/hosttest"
)

// The test binary doubles as a DevArch-like helper process so tests can run real separate
// processes against one data home: DEVARCH_TEST_HELPER selects what it does.
func TestMain(m *testing.M) {
	database.KeeperEntry()
	if mode := os.Getenv("DEVARCH_TEST_HELPER"); mode != "" {
		os.Exit(helperMain(mode))
	}
	dbtest.Main(m)
}

type helperResult struct {
	Info  database.Info `json:"info"`
	Value string        `json:"value"`
	Error string        `json:"error,omitempty"`
	PID   int           `json:"pid"`
}

func helperMain(mode string) int {
	ctx := context.Background()
	home := os.Getenv("DEVARCH_HOME")
	opts := database.Options{Dirs: appdir.FromHome(home), AppName: "devarch-test"}
	if v := os.Getenv("DEVARCH_TEST_LINGER"); v != "" {
		opts.Linger, _ = time.ParseDuration(v)
	}
	if os.Getenv("DEVARCH_TEST_NO_KEEPER") != "" {
		database.SetKeeperCapable(false)
	}
	db, err := database.Open(ctx, opts)
	res := helperResult{PID: os.Getpid()}
	if err != nil {
		res.Error = err.Error()
		json.NewEncoder(os.Stdout).Encode(res)
		return 1
	}
	res.Info = db.Info
	switch mode {
	case "write":
		_, err = db.Pool.Exec(ctx, "INSERT INTO stacks (name, description) VALUES ($1, 'from helper')", os.Getenv("DEVARCH_TEST_STACK"))
	case "read":
		err = db.Pool.QueryRow(ctx, "SELECT coalesce(string_agg(name, ',' ORDER BY name), '') FROM stacks").Scan(&res.Value)
	case "hold":
		// Report readiness, then wait to be killed (kill -9 tests) or told to stop.
		json.NewEncoder(os.Stdout).Encode(res)
		time.Sleep(10 * time.Minute)
	case "startwait":
		// Start at a given instant to collide with a sibling, then query and hold briefly
		// so both are connected at once.
		var n int
		err = db.Pool.QueryRow(ctx, "SELECT count(*) FROM devarch_schema_migrations").Scan(&n)
		res.Value = strconv.Itoa(n)
		time.Sleep(500 * time.Millisecond)
	}
	if err != nil {
		res.Error = err.Error()
	}
	_ = db.Close(ctx)
	json.NewEncoder(os.Stdout).Encode(res)
	if err != nil {
		return 1
	}
	return 0
}

// runHelper runs the test binary in helper mode and decodes its last JSON line.
func runHelper(t *testing.T, home, mode string, extraEnv ...string) helperResult {
	t.Helper()
	cmd := helperCmd(home, mode, extraEnv...)
	out, err := cmd.Output()
	res := lastResult(t, out)
	if err != nil {
		t.Fatalf("helper %s: %v: %s (stderr: %s)", mode, err, res.Error, stderrOf(err))
	}
	return res
}

func helperCmd(home, mode string, extraEnv ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DEVARCH_TEST_HELPER="+mode, "DEVARCH_HOME="+home)
	cmd.Env = append(cmd.Env, extraEnv...)
	return cmd
}

func lastResult(t *testing.T, out []byte) helperResult {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var res helperResult
	if len(lines) == 0 || json.Unmarshal([]byte(lines[len(lines)-1]), &res) != nil {
		t.Fatalf("helper printed no result: %q", out)
	}
	return res
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

func newHome(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "devarch-db-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// A failed test may leave a server running: stop it before removing its data.
		for _, pid := range hosttest.ServerProcesses(dir) {
			_ = syscall.Kill(pid, syscall.SIGQUIT)
		}
		_ = os.RemoveAll(dir)
	})
	return dir
}

func TestOpen_FirstStartRestartDataIntact(t *testing.T) {
	home := newHome(t)
	first := runHelper(t, home, "write", "DEVARCH_TEST_STACK=shop")
	if !first.Info.Started || !first.Info.Initialized {
		t.Fatalf("first start should initialize and start the server: %+v", first.Info)
	}
	if len(first.Info.Migrated) == 0 || first.Info.SchemaVersion != len(first.Info.Migrated) {
		t.Fatalf("first start should apply every migration: %+v", first.Info)
	}
	hosttest.WaitNoServer(t, home)

	second := runHelper(t, home, "read")
	if second.Info.Initialized || len(second.Info.Migrated) != 0 {
		t.Fatalf("restart must reuse the cluster and apply nothing: %+v", second.Info)
	}
	if second.Value != "shop" {
		t.Fatalf("data after restart = %q, want shop", second.Value)
	}
	hosttest.WaitNoServer(t, home)
}

func TestOpen_RecoversAfterKill9(t *testing.T) {
	home := newHome(t)
	runHelper(t, home, "write", "DEVARCH_TEST_STACK=before-crash")

	for _, killServer := range []bool{false, true} {
		cmd := helperCmd(home, "hold")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4096)
		n, _ := stdout.Read(buf) // the helper prints once it is connected
		if !strings.Contains(string(buf[:n]), `"pid"`) {
			t.Fatalf("helper did not get ready: %q", buf[:n])
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if killServer {
			for _, pid := range hosttest.ServerProcesses(home) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		t.Logf("killServer=%v: reading after the crash", killServer)
		res := runHelper(t, home, "read")
		if res.Value != "before-crash" {
			t.Fatalf("killServer=%v: data after kill -9 = %q", killServer, res.Value)
		}
		if killServer && !res.Info.Started {
			t.Fatalf("after the server was killed, the next start must start a new one: %+v", res.Info)
		}
		if !killServer && res.Info.Started {
			t.Fatalf("with the orphaned server still up, the next start must reuse it: %+v", res.Info)
		}
		hosttest.WaitNoServer(t, home)
	}
}

func TestOpen_TwoProcessesAtOnce(t *testing.T) {
	home := newHome(t)
	var wg sync.WaitGroup
	results := make([]helperResult, 2)
	errs := make([]error, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := helperCmd(home, "startwait").Output()
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
	started := 0
	migrated := 0
	for _, r := range results {
		if r.Info.Started {
			started++
		}
		migrated += len(r.Info.Migrated)
		if r.Value == "" || r.Value == "0" {
			t.Fatalf("process could not query: %+v", r)
		}
	}
	if started != 1 {
		t.Fatalf("exactly one process must start the server, got %d: %+v", started, results)
	}
	if want := results[0].Info.SchemaVersion; migrated != want {
		t.Fatalf("migrations applied %d times in total, want once each (%d): %+v", migrated, want, results)
	}
	hosttest.WaitNoServer(t, home)
}

// TestOpen_AsRootAndRegularUser proves both ways DevArch is run: as root (the server runs as
// the devarch-db account) and as a regular user in the docker group.
func TestOpen_AsRootAndRegularUser(t *testing.T) {
	if os.Geteuid() != 0 {
		// Running as a regular user already: this test run is the regular-user case.
		home := newHome(t)
		runHelper(t, home, "write", "DEVARCH_TEST_STACK=regular")
		if res := runHelper(t, home, "read"); res.Value != "regular" {
			t.Fatalf("regular user restart: %q", res.Value)
		}
		return
	}
	t.Run("root", func(t *testing.T) {
		home := newHome(t)
		res := runHelper(t, home, "write", "DEVARCH_TEST_STACK=rooted")
		if res.Info.ServerAccount != database.ServerAccount {
			t.Fatalf("as root the server must run as %s: %+v", database.ServerAccount, res.Info)
		}
		owner := fileOwner(t, filepath.Join(home, "postgres", "data"))
		if u, _ := user.Lookup(database.ServerAccount); u == nil || u.Uid != owner {
			t.Fatalf("data directory owner uid %s is not %s", owner, database.ServerAccount)
		}
		hosttest.WaitNoServer(t, home)
		if res := runHelper(t, home, "read"); res.Value != "rooted" {
			t.Fatalf("root restart: %q", res.Value)
		}
		hosttest.WaitNoServer(t, home)
	})
	t.Run("regular-user", func(t *testing.T) {
		uid, gid := hosttest.RegularAccount(t)
		home := newHome(t)
		if err := os.Chown(home, uid, gid); err != nil {
			t.Fatal(err)
		}
		bin := copyTestBinary(t)
		run := func(mode string, env ...string) helperResult {
			cmd := exec.Command(bin, "-test.run=^$")
			cmd.Env = append(os.Environ(), "DEVARCH_TEST_HELPER="+mode, "DEVARCH_HOME="+home, "HOME="+home)
			cmd.Env = append(cmd.Env, env...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
			out, err := cmd.Output()
			res := lastResult(t, out)
			if err != nil {
				t.Fatalf("as uid %d: %v: %s %s", uid, err, res.Error, stderrOf(err))
			}
			return res
		}
		res := run("write", "DEVARCH_TEST_STACK=userland")
		if res.Info.ServerAccount != "" || !res.Info.Started {
			t.Fatalf("as a regular user the server runs as that user: %+v", res.Info)
		}
		if owner := fileOwner(t, filepath.Join(home, "postgres", "data")); owner != strconv.Itoa(uid) {
			t.Fatalf("data owned by %s, want %d", owner, uid)
		}
		hosttest.WaitNoServer(t, home)
		if res := run("read"); res.Value != "userland" {
			t.Fatalf("regular user restart: %q", res.Value)
		}
		hosttest.WaitNoServer(t, home)
	})
}

func copyTestBinary(t *testing.T) string {
	t.Helper()
	dir := newHome(t)
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "devarch-db.test")
	if err := os.WriteFile(p, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func fileOwner(t *testing.T, p string) string {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(int(fi.Sys().(*syscall.Stat_t).Uid))
}
