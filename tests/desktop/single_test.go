//go:build unix

package desktop_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/database/hosttest"
)

// launched is one running desktop app in its own D-Bus session and process group.
type launched struct {
	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan struct{}
}

// launchApp starts the desktop binary for data home home under display, the way runApp
// does, and stops it (SIGTERM, then SIGKILL of its group) when the test ends.
func launchApp(t *testing.T, bin, display, tmp, home string) *launched {
	t.Helper()
	l := &launched{log: &lockedBuffer{}, exited: make(chan struct{})}
	l.cmd = exec.Command("dbus-run-session", "--", bin)
	l.cmd.Env = appEnv(display, tmp, home)
	l.cmd.Stdout, l.cmd.Stderr = l.log, l.log
	l.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = l.cmd.Wait(); close(l.exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-l.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-l.exited:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-l.cmd.Process.Pid, syscall.SIGKILL)
		}
		for _, pid := range hosttest.ServerProcesses(home) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	return l
}

// appEnv is the environment of an app run: a private home and XDG dirs under tmp.
func appEnv(display, tmp, home string) []string {
	_ = os.MkdirAll(tmp+"/run", 0o700)
	return append(os.Environ(),
		"DISPLAY="+display, "HOME="+tmp, "XDG_CONFIG_HOME="+tmp+"/config", "XDG_CACHE_HOME="+tmp+"/cache",
		"XDG_DATA_HOME="+tmp+"/data", "XDG_RUNTIME_DIR="+tmp+"/run", "DEVARCH_HOME="+home,
		"DEVARCH_DB_LINGER=0", "WEBKIT_DISABLE_COMPOSITING_MODE=1", "LIBGL_ALWAYS_SOFTWARE=1")
}

// visibleWindows returns the mapped X windows titled DevArch.
func visibleWindows(display string) []string {
	c := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^DevArch$")
	c.Env = append(os.Environ(), "DISPLAY="+display)
	out, _ := c.Output()
	return strings.Fields(string(out))
}

// TestDesktop_OneWindowPerDataHome: a second launch for the same data home exits 0 within
// 2 s and brings the first window back (the test hides it first: Xvfb runs no window
// manager, so "to the front" is observable as the window being mapped again); a CLI
// subcommand on that data home runs alongside the window; a launch for another data home
// opens its own window.
func TestDesktop_OneWindowPerDataHome(t *testing.T) {
	for _, bin := range []string{"Xvfb", "dbus-run-session", "xdotool"} {
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
	tmp := t.TempDir()
	_ = os.Chmod(tmp, 0o755)
	home := filepath.Join(tmp, "home-a")

	first := launchApp(t, bin, display, tmp, home)
	var win []string
	waitFor(t, "the first window", 30*time.Second, func() bool { win = visibleWindows(display); return len(win) == 1 })
	waitFor(t, "the first window's backend", 60*time.Second, func() bool { return strings.Contains(first.log.String(), "msg=ready") })

	hide := exec.Command("xdotool", "windowunmap", "--sync", win[0])
	hide.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := hide.CombinedOutput(); err != nil {
		t.Fatalf("hiding the window: %v %s", err, out)
	}
	if n := len(visibleWindows(display)); n != 0 {
		t.Fatalf("%d windows visible after hiding", n)
	}

	// Without the lock the second launch would open a second window and keep running:
	// it is killed after 10 s and the test fails.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	second := exec.CommandContext(ctx, bin)
	second.Env = appEnv(display, tmp, home)
	second.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	second.Cancel = func() error { return syscall.Kill(-second.Process.Pid, syscall.SIGKILL) }
	second.WaitDelay = 2 * time.Second
	var out lockedBuffer
	second.Stdout, second.Stderr = &out, &out
	start := time.Now()
	if err := second.Run(); err != nil {
		t.Fatalf("second launch: %v\n%s", err, out.String())
	}
	took := time.Since(start)
	t.Logf("second launch exited 0 after %s: %s", took.Round(time.Millisecond), strings.TrimSpace(out.String()))
	if took > 2*time.Second {
		t.Errorf("the second launch took %s (want <= 2 s)", took)
	}
	if !strings.Contains(out.String(), "already open for data home "+home) {
		t.Errorf("the second launch should say a window is open for the data home:\n%s", out.String())
	}
	waitFor(t, "the first window to be shown again", 5*time.Second, func() bool { return len(visibleWindows(display)) == 1 })
	if !strings.Contains(first.log.String(), "window raised for a second launch") {
		t.Errorf("the first app did not log the raise:\n%s", first.log.String())
	}
	select {
	case <-first.exited:
		t.Fatal("the first app exited")
	default:
	}

	cli := exec.Command(bin, "stack", "list")
	cli.Env = appEnv(display, tmp, home)
	if b, err := cli.CombinedOutput(); err != nil {
		t.Fatalf("a CLI subcommand next to the window: %v\n%s", err, b)
	}

	other := launchApp(t, bin, display, tmp, filepath.Join(tmp, "home-b"))
	waitFor(t, "a second window for another data home", 30*time.Second, func() bool { return len(visibleWindows(display)) == 2 })
	select {
	case <-other.exited:
		t.Fatalf("the app for another data home exited:\n%s", other.log.String())
	default:
	}
}
