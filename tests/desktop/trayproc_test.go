//go:build unix

package desktop_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/devarch/devarch/backend/database/hosttest"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// trayApp is one run of the window in tray-process mode (DEVARCH_TRAY_PROCESS=1: the tray is
// a `devarch tray --attached` child, as on macOS and Windows), leading its own session so
// that every process it starts is recorded (watchTree) while it lives.
type trayApp struct {
	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan struct{}
	tree   *procTree
	home   string
}

func startTrayApp(t *testing.T, bin string, env []string, home string) *trayApp {
	t.Helper()
	a := &trayApp{log: &lockedBuffer{}, exited: make(chan struct{}), home: home}
	a.cmd = exec.Command(bin)
	a.cmd.Env = append(env, "DEVARCH_TRAY_PROCESS=1")
	a.cmd.Stdout, a.cmd.Stderr = a.log, a.log
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	// The tray child writes to the same pipe: if it outlived the app, Wait would hang on it.
	a.cmd.WaitDelay = 5 * time.Second
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	reaped := make(chan struct{})
	a.tree = watchTree(a.cmd.Process.Pid, reaped)
	go func() { _ = a.cmd.Wait(); close(reaped); close(a.exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
		for _, p := range a.tree.alive() {
			_ = syscall.Kill(p.pid, syscall.SIGKILL)
		}
		<-a.exited
		for _, pid := range hosttest.ServerProcesses(home) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("app output:\n%s", a.log.String())
		}
	})
	return a
}

// trayChild waits for the app's tray item on the bus and returns its bus name and the pid
// of the process that owns it, which must be a `devarch tray --attached` child of the app
// (not the app itself: that would be the in-process tray).
func (a *trayApp) trayChild(t *testing.T, conn *dbus.Conn) (string, int) {
	t.Helper()
	var name string
	var pid int
	var last []string
	deadline := time.Now().Add(30 * time.Second)
	for {
		var names []string
		_ = conn.BusObject().Call("org.freedesktop.DBus.ListNames", 0).Store(&names)
		last = names
		for _, n := range names {
			rest, ok := strings.CutPrefix(n, "org.kde.StatusNotifierItem-")
			if !ok {
				continue
			}
			p, _ := strconv.Atoi(strings.SplitN(rest, "-", 2)[0])
			if p == a.cmd.Process.Pid {
				t.Fatalf("the app registered the tray itself (%s), not a tray process", n)
			}
			if pr, ok := readProc(p); ok && pr.ppid == a.cmd.Process.Pid && strings.Contains(pr.cmdline, " tray --attached ") {
				name, pid = n, p
			}
		}
		if name != "" {
			return name, pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("no tray item owned by a `devarch tray --attached` child of the app after 30 s; bus names: %q", last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitGone waits until the app has exited and, 10 s at most after that, none of the
// processes recorded from its session runs any more (keep: ones allowed to stay).
func (a *trayApp) waitGone(t *testing.T, keep func(proc) bool) {
	t.Helper()
	select {
	case <-a.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("the app did not exit within 30 s; still running: %s", summarize(a.tree.alive()))
	}
	<-a.tree.done
	deadline := time.Now().Add(10 * time.Second)
	for {
		var left []proc
		for _, p := range a.tree.alive() {
			if keep == nil || !keep(p) {
				left = append(left, p)
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the app ended, these of its processes still run: %s", summarize(left))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ownBus starts a private session bus and connects to it; with host, the test owns a
// stand-in StatusNotifierWatcher (a tray host) and a notification server on it.
func ownBus(t *testing.T, host bool) (string, *dbus.Conn, *notifications) {
	t.Helper()
	addr := sessionBus(t)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	notes := &notifications{}
	if !host {
		return addr, conn, notes
	}
	if err := conn.Export(notes, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	if err := conn.Export(watcher{}, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"org.freedesktop.Notifications", "org.kde.StatusNotifierWatcher"} {
		if r, err := conn.RequestName(name, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
			t.Fatalf("owning %s: %v %v", name, r, err)
		}
	}
	return addr, conn, notes
}

// TestDesktop_TrayProcessEndsWithTheApp: the tray process never outlives the window, on
// every way the window ends: closed with no tray host (closing quits), SIGTERM, SIGKILL
// (its stdin pipe closes; on Linux also the parent-death signal), and the tray run alone
// with its stdin closed (the path macOS relies on, where no parent-death signal exists). No
// container engine is needed: DOCKER_HOST points at nothing, and the menu still builds.
func TestDesktop_TrayProcessEndsWithTheApp(t *testing.T) {
	for _, bin := range []string{"Xvfb", "dbus-daemon", "xdotool"} {
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
		name string
		host bool
		how  exitHow
	}{
		{"window closed without a tray host", false, closeTheWindow},
		{"SIGTERM", true, sigterm},
		{"SIGKILL", true, sigkill},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, conn, _ := ownBus(t, tc.host)
			tmp := t.TempDir()
			_ = os.Chmod(tmp, 0o755)
			home := filepath.Join(tmp, "home")
			env := append(appEnv(display, tmp, home), "DBUS_SESSION_BUS_ADDRESS="+addr,
				"DOCKER_HOST=unix://"+filepath.Join(tmp, "no-engine.sock"))
			app := startTrayApp(t, bin, env, home)
			name, trayPID := app.trayChild(t, conn)
			tc2 := trayClient{conn: conn, name: name}
			tc2.waitEntry(t, "No stacks yet: create one in the window", 60*time.Second)
			waitFor(t, "the window", 30*time.Second, func() bool { return len(visibleWindows(display)) == 1 })
			waitFor(t, "the ready log line", 60*time.Second, func() bool { return strings.Contains(app.log.String(), "msg=ready") })

			switch tc.how {
			case closeTheWindow:
				wins := visibleWindows(display)
				var win uint32
				fmt.Sscan(wins[0], &win)
				if err := closeWindow(display, win); err != nil {
					t.Fatal(err)
				}
			case sigterm:
				_ = syscall.Kill(app.cmd.Process.Pid, syscall.SIGTERM)
			case sigkill:
				_ = syscall.Kill(app.cmd.Process.Pid, syscall.SIGKILL)
			}
			var keep func(proc) bool
			if tc.how == sigkill {
				// A killed app cannot stop its database server; the next start reuses it.
				servers := map[int]bool{}
				for _, pid := range hosttest.ServerProcesses(home) {
					servers[pid] = true
				}
				keep = func(p proc) bool {
					now, _ := readProc(p.pid)
					return servers[p.pid] || servers[now.ppid] && now.comm == "postgres"
				}
			}
			app.waitGone(t, keep)
			if _, ok := readProc(trayPID); ok {
				t.Fatalf("the tray process %d outlived the app", trayPID)
			}
			if tc.how != sigkill {
				if !strings.Contains(app.log.String(), "msg=stopped") || !strings.Contains(app.log.String(), `msg="tray stopped"`) {
					t.Fatalf("the app or its tray did not shut down cleanly")
				}
				if pids := hosttest.ServerProcesses(home); len(pids) > 0 {
					t.Fatalf("postgres left running: %v", pids)
				}
			}
		})
	}

	t.Run("tray alone, stdin closed", func(t *testing.T) {
		addr, conn, _ := ownBus(t, true)
		tmp := t.TempDir()
		home := filepath.Join(tmp, "home")
		env := append(appEnv(display, tmp, home), "DBUS_SESSION_BUS_ADDRESS="+addr,
			"DOCKER_HOST=unix://"+filepath.Join(tmp, "no-engine.sock"))
		log := &lockedBuffer{}
		cmd := exec.Command(bin, "tray", "--attached")
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = log, log
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		t.Cleanup(func() {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			for _, pid := range hosttest.ServerProcesses(home) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		})
		tc := trayClient{conn: conn, name: fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", cmd.Process.Pid)}
		waitFor(t, "the tray item on the bus", 30*time.Second, func() bool {
			var has bool
			_ = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, tc.name).Store(&has)
			return has
		})
		tc.waitEntry(t, "No stacks yet: create one in the window", 60*time.Second)
		if len(hosttest.ServerProcesses(home)) == 0 {
			t.Fatal("the tray is a client of the store, but no server runs for its data home")
		}
		stdin.Close()
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("the tray exited with %v:\n%s", err, log.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("the tray did not exit within 20 s of its stdin closing:\n%s", log.String())
		}
		// The last client out with no linger stops the server.
		waitFor(t, "the database server to stop", 10*time.Second, func() bool { return len(hosttest.ServerProcesses(home)) == 0 })
		if !strings.Contains(log.String(), "the window ended") {
			t.Fatalf("the tray did not say why it quit:\n%s", log.String())
		}
	})
}

// TestDesktop_TrayAlone: `devarch tray` started on its own (a login item) is the data
// home's one tray. Its "Open DevArch" launches the app when no window runs; that window
// finds the tray taken and counts the running one as its tray (one item on the bus, and
// closing the window hides it); the tray's "Quit DevArch" quits the window over its socket
// and then itself. No container engine is needed.
func TestDesktop_TrayAlone(t *testing.T) {
	for _, bin := range []string{"Xvfb", "dbus-daemon", "xdotool"} {
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
	// The launched window would show its tray in its own process (the Linux default) or
	// start a tray child (DEVARCH_TRAY_PROCESS=1): either way it must find the tray taken.
	for _, mode := range []string{"0", "1"} {
		t.Run("DEVARCH_TRAY_PROCESS="+mode, func(t *testing.T) { trayAlone(t, bin, display, mode) })
	}
}

func trayAlone(t *testing.T, bin, display, mode string) {
	addr, conn, _ := ownBus(t, true)
	tmp := t.TempDir()
	_ = os.Chmod(tmp, 0o755)
	home := filepath.Join(tmp, "home")
	env := append(appEnv(display, tmp, home), "DBUS_SESSION_BUS_ADDRESS="+addr,
		"DOCKER_HOST=unix://"+filepath.Join(tmp, "no-engine.sock"), "DEVARCH_TRAY_PROCESS="+mode)

	log := &lockedBuffer{}
	cmd := exec.Command(bin, "tray")
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var windowPID int
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if windowPID != 0 {
			_ = syscall.Kill(-windowPID, syscall.SIGKILL)
		}
		for _, pid := range hosttest.ServerProcesses(home) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	defer func() {
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(home, "logs", "devarch.log"))
			t.Logf("tray output:\n%s\nwindow log:\n%s", log.String(), b)
		}
	}()
	tc := trayClient{conn: conn, name: fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", cmd.Process.Pid)}
	waitFor(t, "the tray item on the bus", 30*time.Second, func() bool {
		var has bool
		_ = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, tc.name).Store(&has)
		return has
	})
	tc.waitEntry(t, "No stacks yet: create one in the window", 60*time.Second)

	// No window runs: Open DevArch launches one (this binary, no subcommand).
	open, _ := tc.layout(t).find("Open DevArch")
	tc.click(t, open)
	waitFor(t, "the launched window", 30*time.Second, func() bool { return len(visibleWindows(display)) == 1 })
	for pid, p := range readProcs() {
		if p.ppid == cmd.Process.Pid && strings.TrimSpace(p.cmdline) == bin {
			windowPID = pid
		}
	}
	if windowPID == 0 {
		t.Fatal("the window is not the tray's launch of the app")
	}
	windowLog := func() string { b, _ := os.ReadFile(filepath.Join(home, "logs", "devarch.log")); return string(b) }
	waitFor(t, "the window to find the running tray", 30*time.Second, func() bool {
		return strings.Contains(windowLog(), "a tray already runs for this data home in another process")
	})
	var names []string
	_ = conn.BusObject().Call("org.freedesktop.DBus.ListNames", 0).Store(&names)
	items := 0
	for _, n := range names {
		if strings.HasPrefix(n, "org.kde.StatusNotifierItem-") {
			items++
		}
	}
	if items != 1 {
		t.Fatalf("%d tray items on the bus, want the one: %q", items, names)
	}

	// The running tray is the window's tray: closing hides the window.
	var win uint32
	fmt.Sscan(visibleWindows(display)[0], &win)
	if err := closeWindow(display, win); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the window to hide", 10*time.Second, func() bool { return len(visibleWindows(display)) == 0 })
	if _, ok := readProc(windowPID); !ok {
		t.Fatal("closing the window quit the app although a tray runs")
	}

	// Quit in the tray quits the window too, then the tray.
	quit, _ := tc.layout(t).find("Quit DevArch")
	tc.click(t, quit)
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the tray exited with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the tray did not quit within 30 s")
	}
	waitFor(t, "the window to quit", 30*time.Second, func() bool { _, ok := readProc(windowPID); return !ok })
	if !strings.Contains(log.String(), "tray quit: the window was asked to quit") || !strings.Contains(windowLog(), "msg=stopped") {
		t.Fatal("the window was not quit through its socket")
	}
	waitFor(t, "the database server to stop", 10*time.Second, func() bool { return len(hosttest.ServerProcesses(home)) == 0 })
}

const trayProcTemplate = `name: t-h3ttray
category: runtime
description: idle busybox
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
`

// TestDesktop_TrayProcess is TestDesktop_Tray for the tray as its own process (the macOS and
// Windows design; Linux with DEVARCH_TRAY_PROCESS=1): the menu of the `devarch tray` child
// lists the stack with its live state, follows a `docker stop` made in a terminal, and its
// Start (a click over D-Bus, as a tray host sends it) starts the containers on the real
// engine; closing the window hides it (the child is the tray) and the child's "Open
// DevArch" shows it again over the window socket; its Quit ends the window and itself,
// leaving no process.
func TestDesktop_TrayProcess(t *testing.T) {
	for _, bin := range []string{"Xvfb", "dbus-daemon", "xdotool"} {
		require(t, bin, have(bin))
	}
	runtimetest.BusyboxImage(t)
	eng := runtimetest.RequireCompose(t)
	runtimetest.FreshProject(t, eng, "devarch-h3ttray")
	root := repoRoot(t)
	outDir := filepath.Join(root, "build", "test-output")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(outDir, "devarch-desktop")
	buildDesktop(t, root, bin)
	display := startXvfb(t)
	addr, conn, notes := ownBus(t, true)

	tmp := t.TempDir()
	_ = os.Chmod(tmp, 0o755)
	home := filepath.Join(tmp, "home")
	// A network range of this test's own: other suites create stack networks on the same
	// engine at the same time, and a subnet taken between plan and apply fails the apply.
	env := append(appEnv(display, tmp, home), "DBUS_SESSION_BUS_ADDRESS="+addr, "DEVARCH_NETWORK_POOL=10.231.8.0/22")
	tpl := filepath.Join(tmp, "t-h3ttray.yaml")
	if err := os.WriteFile(tpl, []byte(trayProcTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"template", "import", tpl},
		{"stack", "create", "h3ttray"},
		{"instance", "add", "h3ttray", "web", "--template", "t-h3ttray"},
		{"apply", "h3ttray", "--yes"},
	} {
		c := exec.Command(bin, args...)
		c.Env = env
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("devarch %v: %v\n%s", args, err, out)
		}
	}

	app := startTrayApp(t, bin, env, home)
	name, trayPID := app.trayChild(t, conn)
	tc := trayClient{conn: conn, name: name}
	waitFor(t, "the window", 30*time.Second, func() bool { return len(visibleWindows(display)) == 1 })

	entry := tc.waitEntry(t, "h3ttray — running", 60*time.Second)
	if got := entry.labels(); strings.Join(got, ",") != "Start,Stop,Open" {
		t.Fatalf("a stack's actions: %q", got)
	}
	menu := tc.layout(t)
	for _, want := range []string{"Open DevArch", "Stop all stacks", "Keep running when the window closes", "Quit DevArch"} {
		if _, ok := menu.find(want); !ok {
			t.Fatalf("the menu has no %q: %q", want, menu.labels())
		}
	}

	// A stop made outside DevArch shows in the tray process's menu (its own status events).
	if out, err := exec.Command("docker", "stop", "-t", "0", "devarch-h3ttray-web").CombinedOutput(); err != nil {
		t.Fatalf("docker stop: %v %s", err, out)
	}
	entry = tc.waitEntry(t, "h3ttray — stopped", 15*time.Second)

	// Start from the tray process: the engine's operation, on the real engine.
	start, _ := entry.find("Start")
	tc.click(t, start)
	waitFor(t, "the container to run again", 30*time.Second, func() bool {
		return containerState("devarch-h3ttray-web") == "running"
	})
	tc.waitEntry(t, "h3ttray — running", 15*time.Second)
	hist := exec.Command(bin, "history", "h3ttray")
	hist.Env = env
	out, err := hist.CombinedOutput()
	byTray := false
	for _, line := range strings.Split(string(out), "\n") {
		// ID OPERATION PLAN STATUS STARTED DURATION BY
		if f := strings.Fields(line); len(f) > 2 && f[1] == "start" && f[len(f)-1] == "tray" {
			byTray = true
		}
	}
	if err != nil || !byTray {
		t.Fatalf("the tray's start should be in the stack's history, started by the tray: %v\n%s", err, out)
	}

	// Closing the window hides it: the tray process is the tray. Its Open DevArch shows it.
	var win uint32
	fmt.Sscan(visibleWindows(display)[0], &win)
	if err := closeWindow(display, win); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the window to hide", 10*time.Second, func() bool { return len(visibleWindows(display)) == 0 })
	select {
	case <-app.exited:
		t.Fatal("closing the window with a tray process and a tray host quit the app")
	case <-time.After(500 * time.Millisecond):
	}
	waitFor(t, "the keeps-running notice", 5*time.Second, func() bool {
		return strings.Contains(notes.all(), "DevArch keeps running in the tray")
	})
	open, _ := tc.layout(t).find("Open DevArch")
	tc.click(t, open)
	waitFor(t, "the window to show again", 10*time.Second, func() bool { return len(visibleWindows(display)) == 1 })

	// A stack's Open shows the hidden window at the stack's page ("open STACK" on the socket).
	fmt.Sscan(visibleWindows(display)[0], &win)
	if err := closeWindow(display, win); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the window to hide again", 10*time.Second, func() bool { return len(visibleWindows(display)) == 0 })
	entry = tc.waitEntry(t, "h3ttray — running", 15*time.Second)
	openStack, _ := entry.find("Open")
	tc.click(t, openStack)
	waitFor(t, "the window at the stack's page", 10*time.Second, func() bool { return len(visibleWindows(display)) == 1 })
	if !strings.Contains(app.log.String(), `msg="window raised for a second launch" app=devarch stack=h3ttray`) {
		t.Fatal("the window was not asked for the stack's page")
	}

	// Quit in the tray process quits the window too, and nothing is left.
	quit, _ := tc.layout(t).find("Quit DevArch")
	tc.click(t, quit)
	app.waitGone(t, nil)
	if _, ok := readProc(trayPID); ok {
		t.Fatalf("the tray process %d outlived the app", trayPID)
	}
	for _, want := range []string{"tray quit: the window was asked to quit", "msg=stopped", `msg="tray stopped"`} {
		if !strings.Contains(app.log.String(), want) {
			t.Fatalf("the log has no %q", want)
		}
	}
	if pids := hosttest.ServerProcesses(home); len(pids) > 0 {
		t.Fatalf("postgres left running: %v", pids)
	}
	if containerState("devarch-h3ttray-web") != "running" {
		t.Fatal("quitting DevArch should leave the stack's containers as they are")
	}
}
