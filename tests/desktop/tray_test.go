//go:build unix

package desktop_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/devarch/devarch/backend/database/hosttest"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// sessionBus starts a private D-Bus session daemon and returns its address.
func sessionBus(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("dbus-daemon: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon did not print its address: %v", err)
	}
	return strings.TrimSpace(line)
}

// notifications is a desktop notification server on the test's bus: it records every
// Notify call (summary and body).
type notifications struct {
	mu   sync.Mutex
	seen []string
}

func (n *notifications) Notify(app string, replaces uint32, icon, summary, body string, actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.seen = append(n.seen, summary+" | "+body)
	return uint32(len(n.seen)), nil
}

func (n *notifications) all() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return strings.Join(n.seen, "\n")
}

// watcher stands in for a tray host (a StatusNotifierWatcher): it accepts registrations.
type watcher struct{}

func (watcher) RegisterStatusNotifierItem(service string) *dbus.Error { return nil }

// menuNode is one entry of the tray's com.canonical.dbusmenu layout.
type menuNode struct {
	id       int32
	label    string
	enabled  bool
	children []menuNode
}

func toNode(v []any) menuNode {
	n := menuNode{enabled: true}
	n.id, _ = v[0].(int32)
	if props, ok := v[1].(map[string]dbus.Variant); ok {
		if l, ok := props["label"]; ok {
			n.label, _ = l.Value().(string)
		}
		if e, ok := props["enabled"]; ok {
			n.enabled, _ = e.Value().(bool)
		}
	}
	if kids, ok := v[2].([]dbus.Variant); ok {
		for _, k := range kids {
			if s, ok := k.Value().([]any); ok {
				n.children = append(n.children, toNode(s))
			}
		}
	}
	return n
}

// find returns the entry labelled label, at any depth.
func (n menuNode) find(label string) (menuNode, bool) {
	if n.label == label {
		return n, true
	}
	for _, c := range n.children {
		if f, ok := c.find(label); ok {
			return f, true
		}
	}
	return menuNode{}, false
}

func (n menuNode) labels() []string {
	var out []string
	for _, c := range n.children {
		out = append(out, c.label)
	}
	return out
}

type trayClient struct {
	conn *dbus.Conn
	name string
}

func (c trayClient) layout(t *testing.T) menuNode {
	t.Helper()
	var rev uint32
	var root []any
	call := c.conn.Object(c.name, "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{})
	if call.Err != nil {
		t.Fatalf("GetLayout: %v", call.Err)
	}
	if len(call.Body) != 2 {
		t.Fatalf("GetLayout answer: %v", call.Body)
	}
	rev, _ = call.Body[0].(uint32)
	root, _ = call.Body[1].([]any)
	_ = rev
	return toNode(root)
}

func (c trayClient) click(t *testing.T, n menuNode) {
	t.Helper()
	if !n.enabled {
		t.Fatalf("%q is disabled", n.label)
	}
	call := c.conn.Object(c.name, "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.Event", 0, n.id, "clicked", dbus.MakeVariant(int32(0)), uint32(0))
	if call.Err != nil {
		t.Fatalf("clicking %q: %v", n.label, call.Err)
	}
}

// waitEntry waits until the menu has an entry labelled label and returns it.
func (c trayClient) waitEntry(t *testing.T, label string, timeout time.Duration) menuNode {
	t.Helper()
	var n menuNode
	var last menuNode
	deadline := time.Now().Add(timeout)
	for {
		last = c.layout(t)
		var ok bool
		// An entry is complete with its sub-entries: the menu is built one entry at a time.
		if n, ok = last.find(label); ok && (len(n.children) > 0 || !strings.Contains(label, " — ")) {
			return n
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for tray entry %q; the menu: %q", timeout, label, last.labels())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

const trayTemplate = `name: t-tray
category: runtime
description: idle busybox with a published port
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
  ports: ["%d:80"]
`

// TestDesktop_Tray drives the tray the way a tray host does, over D-Bus (a private session
// bus, with a stand-in StatusNotifierWatcher and notification server owned by the test):
// the menu lists the stack with its live state; `docker stop` in a terminal changes it
// (status events, no polling); Start starts the containers on the real engine; a Start that
// the engine refuses (its port taken) becomes a desktop notification; closing the window
// hides it to the tray (with a one-time notice) and "Open DevArch" shows it again; Quit
// ends the app with nothing left behind.
func TestDesktop_Tray(t *testing.T) {
	for _, bin := range []string{"Xvfb", "dbus-daemon", "xdotool"} {
		require(t, bin, have(bin))
	}
	runtimetest.BusyboxImage(t)
	eng := runtimetest.RequireCompose(t)
	runtimetest.FreshProject(t, eng, "devarch-traya")
	root := repoRoot(t)
	outDir := filepath.Join(root, "build", "test-output")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(outDir, "devarch-desktop")
	buildDesktop(t, root, bin)
	display := startXvfb(t)
	addr := sessionBus(t)

	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	notes := &notifications{}
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

	tmp := t.TempDir()
	_ = os.Chmod(tmp, 0o755)
	home := filepath.Join(tmp, "home")
	env := append(appEnv(display, tmp, home), "DBUS_SESSION_BUS_ADDRESS="+addr)

	// A stack applied from the CLI before the window opens.
	port := freePort(t)
	tpl := filepath.Join(tmp, "t-tray.yaml")
	if err := os.WriteFile(tpl, []byte(fmt.Sprintf(trayTemplate, port)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"template", "import", tpl},
		{"stack", "create", "traya"},
		{"instance", "add", "traya", "web", "--template", "t-tray"},
		{"apply", "traya", "--yes"},
	} {
		c := exec.Command(bin, args...)
		c.Env = env
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("devarch %v: %v\n%s", args, err, out)
		}
	}

	log := &lockedBuffer{}
	app := exec.Command(bin)
	app.Env = env
	app.Stdout, app.Stderr = log, log
	app.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = app.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-app.Process.Pid, syscall.SIGKILL)
		<-exited
		for _, pid := range hosttest.ServerProcesses(home) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	defer func() {
		if t.Failed() {
			t.Logf("app output:\n%s", log.String())
		}
	}()
	tc := trayClient{conn: conn, name: fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", app.Process.Pid)}
	waitFor(t, "the tray item on the bus", 30*time.Second, func() bool {
		var has bool
		_ = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, tc.name).Store(&has)
		return has
	})
	waitFor(t, "the window", 30*time.Second, func() bool { return len(visibleWindows(display)) == 1 })

	entry := tc.waitEntry(t, "traya — running", 60*time.Second)
	if got := entry.labels(); strings.Join(got, ",") != "Start,Stop,Open" {
		t.Fatalf("a stack's actions: %q", got)
	}
	menu := tc.layout(t)
	for _, want := range []string{"Open DevArch", "Stop all stacks", "Keep running when the window closes", "Quit DevArch"} {
		if _, ok := menu.find(want); !ok {
			t.Fatalf("the menu has no %q: %q", want, menu.labels())
		}
	}

	// A stop made outside DevArch shows in the menu.
	if out, err := exec.Command("docker", "stop", "-t", "0", "devarch-traya-web").CombinedOutput(); err != nil {
		t.Fatalf("docker stop: %v %s", err, out)
	}
	entry = tc.waitEntry(t, "traya — stopped", 15*time.Second)

	// Start from the tray.
	start, _ := entry.find("Start")
	tc.click(t, start)
	waitFor(t, "the container to run again", 30*time.Second, func() bool {
		return containerState("devarch-traya-web") == "running"
	})
	entry = tc.waitEntry(t, "traya — running", 15*time.Second)

	// A start the engine refuses becomes a notification: the stack's host port is taken.
	stop, _ := entry.find("Stop")
	tc.click(t, stop)
	entry = tc.waitEntry(t, "traya — stopped", 30*time.Second)
	ln, err := net.Listen("tcp", fmt.Sprintf("0.0.0.0:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	start, _ = entry.find("Start")
	tc.click(t, start)
	waitFor(t, "a notification of the failed start", 60*time.Second, func() bool {
		return strings.Contains(notes.all(), "DevArch could not start traya")
	})
	ln.Close()
	t.Logf("notifications: %s", notes.all())

	// Closing the window hides it into the tray, once with a notice; Open DevArch shows it.
	wins := visibleWindows(display)
	if len(wins) != 1 {
		t.Fatalf("%d windows", len(wins))
	}
	var win uint32
	fmt.Sscan(wins[0], &win)
	if err := closeWindow(display, win); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the window to hide", 10*time.Second, func() bool { return len(visibleWindows(display)) == 0 })
	select {
	case <-exited:
		t.Fatal("closing the window with a tray host quit the app")
	case <-time.After(500 * time.Millisecond):
	}
	waitFor(t, "the keeps-running notice", 5*time.Second, func() bool {
		return strings.Contains(notes.all(), "DevArch keeps running in the tray")
	})
	open, _ := tc.layout(t).find("Open DevArch")
	tc.click(t, open)
	waitFor(t, "the window to show again", 10*time.Second, func() bool { return len(visibleWindows(display)) == 1 })

	// Quit ends everything.
	quit, _ := tc.layout(t).find("Quit DevArch")
	tc.click(t, quit)
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("Quit did not end the app within 30 s")
	}
	if !strings.Contains(log.String(), "msg=stopped") {
		t.Fatal("the app did not shut down cleanly")
	}
	waitFor(t, "no process of the app left", 10*time.Second, func() bool { return len(procsInGroup(app.Process.Pid)) == 0 })
	if pids := hosttest.ServerProcesses(home); len(pids) > 0 {
		t.Fatalf("postgres left running: %v", pids)
	}
	if n := strings.Count(notes.all(), "keeps running in the tray"); n != 1 {
		t.Fatalf("the close-to-tray notice was shown %d times", n)
	}
}

// containerState is the engine's state of a container, or "missing".
func containerState(name string) string {
	out, err := exec.Command("docker", "inspect", "-f", "{{.State.Status}}", name).Output()
	if err != nil {
		return "missing"
	}
	return strings.TrimSpace(string(out))
}

// freePort is a TCP port free on the host now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
