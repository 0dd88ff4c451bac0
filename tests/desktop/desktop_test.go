//go:build unix

// Package desktop_test starts the real desktop binary (built with the desktop tags) under
// Xvfb and a private D-Bus session, and checks what a user would: the window appears, the
// database becomes ready, and closing the window, SIGTERM or even SIGKILL leaves none of the
// processes it started behind.
package desktop_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/database/hosttest"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/testenv"
)

// require is testenv.Require with this suite's install hint.
func require(t *testing.T, what string, ok bool) {
	t.Helper()
	testenv.Require(t, what, "run scripts/install-deps.sh", ok)
}

func have(bin string) bool { _, err := exec.LookPath(bin); return err == nil }

func repoRoot(t *testing.T) string {
	t.Helper()
	wd, _ := os.Getwd()
	return filepath.Dir(filepath.Dir(wd))
}

// buildDesktop builds the production desktop binary the way `make build` does.
func buildDesktop(t *testing.T, root, out string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(root, "frontend", "dist", "index.html")); err != nil {
		require(t, "a built frontend (frontend/dist; make frontend)", false)
	}
	cmd := exec.Command("go", "build", "-tags", "desktop,production,webkit2_41", "-o", out, ".")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the desktop binary: %v\n%s", err, b)
	}
}

// startXvfb starts a private X server and returns its DISPLAY. -noreset keeps it from
// resetting whenever its last client disconnects: the runs share it, and an app starting
// during a reset fails to open the display.
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, _ := os.Pipe()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x900x24", "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb did not report its display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// procsInGroup lists live processes in process group pgid, with their command names.
func procsInGroup(pgid int) map[int]string {
	out := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...
		s := string(stat)
		end := strings.LastIndexByte(s, ')')
		if end < 0 {
			continue
		}
		fields := strings.Fields(s[end+2:])
		if len(fields) < 3 || fields[0] == "Z" {
			continue
		}
		if g, _ := strconv.Atoi(fields[2]); g == pgid {
			out[pid] = s[strings.IndexByte(s, '(')+1 : end]
		}
	}
	return out
}

func waitFor(t *testing.T, what string, timeout time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// exitHow is how a run of the app ends.
type exitHow int

const (
	closeTheWindow exitHow = iota // the user closes the window (WM_DELETE_WINDOW)
	sigterm                       // the session or a supervisor stops the app
	sigkill                       // the app is killed without a chance to clean up
)

// TestDesktop_NothingOutlivesTheApp starts the real desktop binary three times and ends it
// three ways: the window closed by the user, SIGTERM, and SIGKILL. While the app runs, every
// process descending from its session (dbus, the app, WebKit's helpers, postgres, docker
// CLIs) is recorded from /proc; after the app is gone, none of them may remain (after
// SIGKILL, only the database server, which is built to be found and reused by the next
// start). The first run reads engine events over the Engine API socket (DevArch's default
// for the local daemon: no child process); the others force the docker CLI fallback with a
// docker context, so a `docker events` child exists and must die with the app, even when
// the app is killed (the parent-death signal).
func TestDesktop_NothingOutlivesTheApp(t *testing.T) {
	for _, bin := range []string{"Xvfb", "dbus-run-session", "xdotool", "import", "convert"} {
		require(t, bin, have(bin))
	}
	root := repoRoot(t)
	outDir := filepath.Join(root, "build", "test-output")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(outDir, "devarch-desktop")
	buildDesktop(t, root, bin)
	display := startXvfb(t)

	for _, tc := range []struct {
		name       string
		how        exitHow
		cli        bool // force the docker CLI for events
		screenshot bool
	}{
		{"close window, events via engine API", closeTheWindow, false, true},
		{"SIGTERM, events via docker CLI", sigterm, true, false},
		{"SIGKILL, events via docker CLI", sigkill, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var env []string
			if tc.cli {
				env = runtimetest.CLIEnv(t)
			}
			runApp(t, bin, display, outDir, env, tc.how, tc.cli, tc.screenshot)
		})
	}
}

// runApp runs one life of the app: start, wait until ready (and, with cliEvents, until its
// `docker events` child runs), end it the given way, and check what is left.
func runApp(t *testing.T, bin, display, outDir string, extraEnv []string, how exitHow, cliEvents, screenshot bool) {
	tmp, err := os.MkdirTemp("", "devarch-desktop-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(tmp, 0o755)
	defer os.RemoveAll(tmp)
	home := filepath.Join(tmp, "devarch-home")

	var logBuf lockedBuffer
	cmd := exec.Command("dbus-run-session", "--", bin)
	cmd.Env = append(os.Environ(),
		"DISPLAY="+display, "HOME="+tmp, "XDG_CONFIG_HOME="+tmp+"/config", "XDG_CACHE_HOME="+tmp+"/cache",
		"XDG_DATA_HOME="+tmp+"/data", "XDG_RUNTIME_DIR="+tmp+"/run", "DEVARCH_HOME="+home,
		// Nothing may outlive the app: no linger for its database (docs/database.md).
		"DEVARCH_DB_LINGER=0",
		"WEBKIT_DISABLE_COMPOSITING_MODE=1", "LIBGL_ALWAYS_SOFTWARE=1")
	cmd.Env = append(cmd.Env, extraEnv...)
	_ = os.MkdirAll(tmp+"/run", 0o700)
	cmd.Stdout, cmd.Stderr = &logBuf, &logBuf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	exited := make(chan error, 1)
	reaped := make(chan struct{})
	go func() { err := cmd.Wait(); close(reaped); exited <- err }()
	// Everything that descends from the session, recorded until the session leader is reaped
	// (so its pid cannot be reused meanwhile).
	tree := watchTree(cmd.Process.Pid, reaped)
	t.Cleanup(func() {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		for _, p := range tree.alive() {
			_ = syscall.Kill(p.pid, syscall.SIGKILL)
		}
		for _, pid := range hosttest.ServerProcesses(home) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	defer func() {
		if t.Failed() {
			t.Logf("app output:\n%s", logBuf.String())
		}
	}()

	// The window appears.
	started := time.Now()
	var windows []uint32
	waitFor(t, "the DevArch window", 30*time.Second, func() bool {
		windows = findWindows(display)
		return len(windows) > 0
	})
	t.Logf("window visible after %s", time.Since(started).Round(time.Millisecond))

	// The backend reaches its ready state: database started and migrated.
	waitFor(t, "the ready log line", 60*time.Second, func() bool {
		return strings.Contains(logBuf.String(), "msg=ready")
	})
	if !strings.Contains(logBuf.String(), "schema=") {
		t.Fatalf("ready line should report the schema version:\n%s", logBuf.String())
	}
	if len(hosttest.ServerProcesses(home)) == 0 {
		t.Fatal("ready, but no postgres process serves the data home")
	}
	if cliEvents {
		// The status watcher starts right after ready; its stream is a docker CLI child.
		waitFor(t, "the app's `docker events` child", 30*time.Second, func() bool {
			return len(tree.matching(isEventsCLI)) > 0
		})
	}

	if screenshot {
		// Screenshot once the frontend has rendered the status bar (it polls the backend).
		shot := filepath.Join(outDir, "desktop-window.png")
		time.Sleep(3 * time.Second)
		c := exec.Command("import", "-window", "root", shot)
		c.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("screenshot: %v %s", err, out)
		}
		colors, err := exec.Command("convert", shot, "-format", "%k", "info:").Output()
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := strconv.Atoi(strings.TrimSpace(string(colors))); n < 20 {
			t.Fatalf("the screenshot has %d colours: the window looks blank (%s)", n, shot)
		}
		t.Logf("screenshot: %s (%s colours)", shot, strings.TrimSpace(string(colors)))
	}

	var appPID int
	for pid, name := range procsInGroup(pgid) {
		if strings.HasPrefix(name, "devarch") {
			appPID = pid
		}
	}
	if appPID == 0 {
		t.Fatalf("app process not found in group %d: %v", pgid, procsInGroup(pgid))
	}
	switch how {
	case closeTheWindow:
		// The windows as they are now (the ids found first are from the window's first
		// seconds).
		if now := findWindows(display); len(now) > 0 {
			windows = now
		}
		for _, w := range windows {
			if err := closeWindow(display, w); err != nil {
				t.Fatalf("closing window %d: %v", w, err)
			}
		}
	case sigterm:
		if err := syscall.Kill(appPID, syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
	case sigkill:
		if err := syscall.Kill(appPID, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		running := procsInGroup(pgid)
		// SIGQUIT makes the Go runtime print every goroutine's stack to the app's output
		// (logged below): where it hangs, not only that it does.
		_ = syscall.Kill(appPID, syscall.SIGQUIT)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
		}
		t.Fatalf("the app did not exit within 30 s; still running: %v", running)
	}
	<-tree.done
	if how != sigkill && !strings.Contains(logBuf.String(), "msg=stopped") {
		t.Fatalf("the app did not shut down cleanly:\n%s", logBuf.String())
	}

	seen := tree.all()
	if n := len(tree.matching(isEventsCLI)); cliEvents && n == 0 || !cliEvents && n > 0 {
		t.Errorf("%d `docker events` processes seen; want %s", n, map[bool]string{true: "one (CLI fallback)", false: "none (engine API)"}[cliEvents])
	}
	t.Logf("%d processes descended from the app's session: %s", len(seen), summarize(seen))
	keep := func(p proc) bool { return false }
	if how == sigkill {
		// A killed app cannot stop its database server (postmaster and its workers); the next
		// start finds and reuses it.
		servers := map[int]bool{}
		for _, pid := range hosttest.ServerProcesses(home) {
			servers[pid] = true
		}
		if len(servers) == 0 {
			t.Error("no database server left after SIGKILL: the test cannot tell it from the rest")
		}
		keep = func(p proc) bool {
			now, _ := readProc(p.pid)
			return servers[p.pid] || servers[now.ppid] && now.comm == "postgres"
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var left []proc
		for _, p := range tree.alive() {
			if !keep(p) {
				left = append(left, p)
			}
		}
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the app ended, these of its processes still run: %s", summarize(left))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if how != sigkill {
		if pids := hosttest.ServerProcesses(home); len(pids) > 0 {
			t.Fatalf("postgres left running: %v", pids)
		}
	}
}

// findWindows returns the X windows titled DevArch.
func findWindows(display string) []uint32 {
	c := exec.Command("xdotool", "search", "--name", "^DevArch$")
	c.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := c.Output()
	if err != nil {
		return nil
	}
	var ids []uint32
	for _, f := range strings.Fields(string(out)) {
		if id, err := strconv.ParseUint(f, 10, 32); err == nil {
			ids = append(ids, uint32(id))
		}
	}
	return ids
}

func isEventsCLI(p proc) bool {
	return strings.HasPrefix(p.comm, "docker") && strings.Contains(p.cmdline, " events ")
}

// proc is one process as /proc showed it; pid and start together identify it (pids are
// reused).
type proc struct {
	pid, ppid int
	sid       int    // session id
	start     string // start time in clock ticks since boot (stat field 22)
	comm      string
	cmdline   string
}

// readProcs reads every process from /proc, zombies included.
func readProcs() map[int]proc {
	out := map[int]proc{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		p, ok := readProc(pid)
		if ok {
			out[pid] = p
		}
	}
	return out
}

// readProc reads one process; ok is false when it does not exist or is a zombie (dead,
// waiting to be reaped).
func readProc(pid int) (proc, bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return proc{}, false
	}
	s := string(stat)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return proc{}, false
	}
	// After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt
	// cmajflt utime stime cutime cstime priority nice threads itrealvalue starttime ...
	f := strings.Fields(s[end+1:])
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return proc{}, false
	}
	p := proc{pid: pid, start: f[19], comm: s[open+1 : end]}
	p.ppid, _ = strconv.Atoi(f[1])
	p.sid, _ = strconv.Atoi(f[4])
	cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	p.cmdline = strings.TrimSpace(strings.ReplaceAll(string(cmd), "\x00", " ")) + " "
	return p, true
}

// procTree accumulates every process that descends from a root while the root lives.
type procTree struct {
	mu   sync.Mutex
	seen map[string]proc // pid/start -> process
	done chan struct{}
}

// watchTree samples the descendants of root (a session leader) every 50 ms until stop is closed (the root was
// reaped: from then on its pid could be reused, and its orphans belong to init, which is why
// they have to be recorded while the root lives). done is closed after the last sample.
func watchTree(root int, stop <-chan struct{}) *procTree {
	tr := &procTree{seen: map[string]proc{}, done: make(chan struct{})}
	go func() {
		defer close(tr.done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			tr.sample(root)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return tr
}

func (tr *procTree) sample(root int) {
	procs := readProcs()
	children := map[int][]int{}
	for _, p := range procs {
		children[p.ppid] = append(children[p.ppid], p.pid)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	// The root leads its own session: a process that left the tree by double-forking (its
	// parent exited before a sample saw it) still carries the session id, unless it made a
	// session of its own (postgres does, but its pg_ctl parent waits for it).
	for _, p := range procs {
		if p.sid == root {
			tr.record(p)
		}
	}
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if p, ok := procs[pid]; ok {
			tr.record(p)
		}
		queue = append(queue, children[pid]...)
	}
}

// record stores one sample of a process (tr.mu held). A later sample replaces an earlier
// one (a forked child's exec changes its name and command line), except that an empty
// command line does not replace a known one: an exiting process loses its memory, and so
// its /proc cmdline, before it becomes a zombie, and a loaded machine stretches that moment
// (CI once recorded the app's `docker events` child as "docker []" and so missed it).
func (tr *procTree) record(p proc) {
	key := fmt.Sprintf("%d/%s", p.pid, p.start)
	tr.seen[key] = mergeSample(tr.seen[key], p)
}

// mergeSample returns what is known of a process after a new sample of it.
func mergeSample(known, now proc) proc {
	if strings.TrimSpace(now.cmdline) == "" && strings.TrimSpace(known.cmdline) != "" {
		now.cmdline = known.cmdline
	}
	return now
}

// all returns every process recorded.
func (tr *procTree) all() []proc {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	out := make([]proc, 0, len(tr.seen))
	for _, p := range tr.seen {
		out = append(out, p)
	}
	return out
}

// matching returns the recorded processes for which ok holds.
func (tr *procTree) matching(ok func(proc) bool) []proc {
	var out []proc
	for _, p := range tr.all() {
		if ok(p) {
			out = append(out, p)
		}
	}
	return out
}

// alive returns the recorded processes that still run (same pid and start time, not a
// zombie).
func (tr *procTree) alive() []proc {
	var out []proc
	for _, p := range tr.all() {
		if now, ok := readProc(p.pid); ok && now.start == p.start {
			out = append(out, p)
		}
	}
	return out
}

func summarize(ps []proc) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		cmd := p.cmdline
		if len(cmd) > 100 {
			cmd = cmd[:100] + "…"
		}
		parts = append(parts, fmt.Sprintf("%d %s [%s]", p.pid, p.comm, strings.TrimSpace(cmd)))
	}
	return strings.Join(parts, "; ")
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
