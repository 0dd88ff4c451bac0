//go:build linux

package trayproc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/devarch/devarch/backend/testenv"
	"github.com/devarch/devarch/backend/windowlock"
)

// TestMain runs the tray when the test binary is re-executed as a tray process: systray
// keeps one tray per process, so each run below is a process of its own.
func TestMain(m *testing.M) {
	if os.Getenv("TRAYPROC_CHILD") == "1" {
		log := slog.New(slog.NewTextHandler(os.Stderr, nil))
		out, err := Run(context.Background(), Options{Attached: true, Stdin: os.Stdin, Log: log, Progress: io.Discard})
		fmt.Printf("outcome=%d err=%v\n", out, err)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// trayRun is one tray process on a private bus and data home.
type trayRun struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
	conn  *dbus.Conn
	item  string
	home  string
	errs  *lockedBuffer
}

// lockedBuffer is the tray's stderr, written by exec's copying goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startTray(t *testing.T, home string) *trayRun {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		testenv.Missing(t, "dbus-daemon", "run scripts/install-deps.sh")
	}
	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	busOut, _ := bus.StdoutPipe()
	if err := bus.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bus.Process.Kill(); _ = bus.Wait() })
	addr, err := bufio.NewReader(busOut).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	addr = strings.TrimSpace(addr)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })

	r := &trayRun{conn: conn, home: home, errs: &lockedBuffer{}}
	r.cmd = exec.Command(os.Args[0], "-test.run", "^$")
	r.cmd.Env = append(os.Environ(), "TRAYPROC_CHILD=1", "DBUS_SESSION_BUS_ADDRESS="+addr,
		"DEVARCH_HOME="+home, "DEVARCH_DB_LINGER=0", "DOCKER_HOST=unix://"+filepath.Join(home, "no-engine.sock"))
	r.cmd.Stderr = r.errs
	r.stdin, _ = r.cmd.StdinPipe()
	stdout, _ := r.cmd.StdoutPipe()
	r.out = bufio.NewReader(stdout)
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		_ = r.cmd.Wait()
		// Under -race the tray process is instrumented too: a race in it fails the test,
		// except fyne.io/systray v1.12.2's own on its menu version (systray_menu_unix.go,
		// between a host's GetLayout and its delayed refresh; see backend/tray's test).
		for _, race := range strings.Split(r.errs.String(), "WARNING: DATA RACE")[1:] {
			if !strings.Contains(race, "fyne.io/systray@v1.12.2/systray_menu_unix.go") {
				t.Errorf("the tray process raced:\n%s", race)
			}
		}
	})
	r.item = fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", r.cmd.Process.Pid)
	return r
}

// outcome waits for the tray process's last line.
func (r *trayRun) outcome(t *testing.T) string {
	t.Helper()
	line := make(chan string, 1)
	go func() { l, _ := r.out.ReadString('\n'); line <- strings.TrimSpace(l) }()
	select {
	case l := <-line:
		return l
	case <-time.After(30 * time.Second):
		t.Fatalf("the tray did not end within 30 s:\n%s", r.errs.String())
		return ""
	}
}

// menu waits until the menu has an entry labelled want and returns the ids by label.
func (r *trayRun) menu(t *testing.T, want string) map[string]int32 {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ids := map[string]int32{}
		call := r.conn.Object(r.item, "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{})
		if call.Err == nil && len(call.Body) == 2 {
			root, _ := call.Body[1].([]any)
			kids, _ := root[2].([]dbus.Variant)
			for _, k := range kids {
				s, _ := k.Value().([]any)
				id, _ := s[0].(int32)
				props, _ := s[1].(map[string]dbus.Variant)
				if l, ok := props["label"]; ok {
					ids[l.Value().(string)] = id
				}
			}
			if _, ok := ids[want]; ok {
				return ids
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the tray menu %v (%v):\n%s", want, ids, call.Err, r.errs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The tray process on its own (real embedded PostgreSQL, a private session bus, no engine):
// its menu comes up from the store; Quit with no window to reach, attached, ends it with
// QuitApp (the window's cue to quit); the server it started stops (no linger).
func TestRun_QuitWithoutWindow(t *testing.T) {
	home := t.TempDir()
	r := startTray(t, home)
	ids := r.menu(t, "No stacks yet: create one in the window")
	call := r.conn.Object(r.item, "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.Event", 0, ids["Quit DevArch"], "clicked", dbus.MakeVariant(int32(0)), uint32(0))
	if call.Err != nil {
		t.Fatal(call.Err)
	}
	if got := r.outcome(t); got != fmt.Sprintf("outcome=%d err=<nil>", QuitApp) {
		t.Fatalf("outcome: %q\n%s", got, r.errs.String())
	}
	if strings.Contains(r.errs.String(), "the window was asked to quit") {
		t.Fatal("there was no window to ask")
	}
}

// Attached, the tray ends when its stdin closes (the window ended), with Quit.
func TestRun_EndsWhenStdinCloses(t *testing.T) {
	r := startTray(t, t.TempDir())
	r.menu(t, "Quit DevArch")
	r.stdin.Close()
	if got := r.outcome(t); got != fmt.Sprintf("outcome=%d err=<nil>", Quit) {
		t.Fatalf("outcome: %q\n%s", got, r.errs.String())
	}
	if !strings.Contains(r.errs.String(), "the window ended") {
		t.Fatalf("the tray did not say why it ended:\n%s", r.errs.String())
	}
}

// With the data home's tray lock held elsewhere, the tray ends at once with Elsewhere and
// registers nothing.
func TestRun_OneTrayPerHome(t *testing.T) {
	home := t.TempDir()
	lock, err := windowlock.AcquireTray(home)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	r := startTray(t, home)
	got := r.outcome(t)
	if !strings.HasPrefix(got, fmt.Sprintf("outcome=%d err=a DevArch tray already runs for data home %s", Elsewhere, home)) {
		t.Fatalf("outcome: %q", got)
	}
	var has bool
	_ = r.conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, r.item).Store(&has)
	if has {
		t.Fatal("a second tray registered an item")
	}
}
