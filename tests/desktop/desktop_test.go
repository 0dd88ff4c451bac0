// Package desktop_test starts the real desktop binary (built with the desktop tags) under
// Xvfb and a private D-Bus session, and checks what a user would: the window appears, the
// database becomes ready, and SIGTERM ends everything it started.
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

	"github.com/devarch/devarch/backend/database/dbtest"
)

// require fails in CI (where every part must be installed) and skips elsewhere, naming
// what is missing either way.
func require(t *testing.T, what string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required in CI and missing", what)
	}
	t.Skipf("%s is missing; run scripts/install-deps.sh", what)
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

// startXvfb starts a private X server and returns its DISPLAY.
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, _ := os.Pipe()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x900x24", "-nolisten", "tcp")
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

func TestDesktop_WindowReadyAndCleanSIGTERM(t *testing.T) {
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
		"WEBKIT_DISABLE_COMPOSITING_MODE=1", "LIBGL_ALWAYS_SOFTWARE=1")
	_ = os.MkdirAll(tmp+"/run", 0o700)
	cmd.Stdout, cmd.Stderr = &logBuf, &logBuf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		for _, pid := range dbtest.ServerProcesses(home) {
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
	waitFor(t, "the DevArch window", 30*time.Second, func() bool {
		c := exec.Command("xdotool", "search", "--name", "^DevArch$")
		c.Env = append(os.Environ(), "DISPLAY="+display)
		out, err := c.Output()
		return err == nil && len(bytes.TrimSpace(out)) > 0
	})
	t.Logf("window visible after %s", time.Since(started).Round(time.Millisecond))

	// The backend reaches its ready state: database started and migrated.
	waitFor(t, "the ready log line", 60*time.Second, func() bool {
		return strings.Contains(logBuf.String(), "msg=ready")
	})
	if !strings.Contains(logBuf.String(), "schema=") {
		t.Fatalf("ready line should report the schema version:\n%s", logBuf.String())
	}
	if len(dbtest.ServerProcesses(home)) == 0 {
		t.Fatal("ready, but no postgres process serves the data home")
	}

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

	// SIGTERM to the app itself: it quits, stops postgres, and the session ends with it.
	var appPID int
	for pid, name := range procsInGroup(pgid) {
		if strings.HasPrefix(name, "devarch") {
			appPID = pid
		}
	}
	if appPID == 0 {
		t.Fatalf("app process not found in group %d: %v", pgid, procsInGroup(pgid))
	}
	if err := syscall.Kill(appPID, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("the app did not exit within 30 s of SIGTERM; still running: %v", procsInGroup(pgid))
	}
	if !strings.Contains(logBuf.String(), "msg=stopped") {
		t.Fatalf("the app did not shut down cleanly:\n%s", logBuf.String())
	}
	waitFor(t, "no process left in the app's session", 10*time.Second, func() bool {
		return len(procsInGroup(pgid)) == 0
	})
	if pids := dbtest.ServerProcesses(home); len(pids) > 0 {
		t.Fatalf("postgres left running after SIGTERM: %v", pids)
	}
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
