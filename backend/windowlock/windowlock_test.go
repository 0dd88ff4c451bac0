//go:build unix

package windowlock

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// One lock per data home: a second Acquire is refused as held, Raise reaches the holder's
// raise function, Close frees the home for the next window; another home is independent.
func TestAcquire_OnePerHome(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	l, err := Acquire(home)
	if err != nil {
		t.Fatal(err)
	}
	var raised atomic.Int32
	l.Serve(Handlers{Raise: func(string) { raised.Add(1) }})

	if _, err := Acquire(home); !IsHeld(err) || !strings.Contains(err.Error(), home) {
		t.Fatalf("second Acquire: %v", err)
	}
	other, err := Acquire(filepath.Join(t.TempDir(), "other"))
	if err != nil {
		t.Fatalf("another data home: %v", err)
	}
	other.Close()

	start := time.Now()
	if err := Raise(home, RaiseTimeout); err != nil {
		t.Fatal(err)
	}
	if raised.Load() != 1 || time.Since(start) > time.Second {
		t.Fatalf("raised %d times in %s", raised.Load(), time.Since(start))
	}
	if fi, err := os.Stat(filepath.Join(home, "window.sock")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket: %v %v", fi, err)
	}

	l.Close()
	if _, err := os.Stat(filepath.Join(home, "window.sock")); !os.IsNotExist(err) {
		t.Fatalf("socket left after Close: %v", err)
	}
	if err := Raise(home, 200*time.Millisecond); err == nil {
		t.Fatal("Raise with no window succeeded")
	}
	l2, err := Acquire(home)
	if err != nil {
		t.Fatalf("Acquire after Close: %v", err)
	}
	l2.Close()
}

// A holder that does not answer (hung, or not listening yet) makes Raise fail after its
// timeout, not hang.
func TestRaise_TimesOut(t *testing.T) {
	home := t.TempDir()
	l, err := Acquire(home)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// No Serve: connections are accepted by the kernel's backlog but never answered.
	start := time.Now()
	err = Raise(home, 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("Raise: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Raise took %s", d)
	}
}

// A data home whose socket path would not fit a socket address uses one in the temporary
// directory, derived from the home.
func TestAcquire_LongHome(t *testing.T) {
	home := filepath.Join(t.TempDir(), strings.Repeat("h", 60), strings.Repeat("o", 60))
	if p := socketPath(home); strings.HasPrefix(p, home) || len(p) > maxSocketPath {
		t.Fatalf("socket path %s", p)
	}
	l, err := Acquire(home)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var raised atomic.Int32
	l.Serve(Handlers{Raise: func(string) { raised.Add(1) }})
	if err := Raise(home, RaiseTimeout); err != nil || raised.Load() != 1 {
		t.Fatalf("raise: %v (%d)", err, raised.Load())
	}
}

// A window killed with SIGKILL leaves its socket file; the kernel released its lock, so the
// next launch takes the lock and replaces the stale socket.
func TestAcquire_AfterKilledHolder(t *testing.T) {
	if os.Getenv("WINDOWLOCK_HOLD") != "" {
		l, err := Acquire(os.Getenv("WINDOWLOCK_HOLD"))
		if err != nil {
			os.Exit(3)
		}
		l.Serve(Handlers{Raise: func(string) {}})
		os.Stdout.WriteString("held\n")
		time.Sleep(time.Minute)
		return
	}
	home := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestAcquire_AfterKilledHolder$")
	cmd.Env = append(os.Environ(), "WINDOWLOCK_HOLD="+home)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := out.Read(buf); err != nil || string(buf) != "held\n" {
		t.Fatalf("holder: %q %v", buf, err)
	}
	if _, err := Acquire(home); !IsHeld(err) {
		t.Fatalf("while another process holds it: %v", err)
	}
	if err := Raise(home, RaiseTimeout); err != nil {
		t.Fatalf("raise across processes: %v", err)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	if _, err := os.Stat(filepath.Join(home, "window.sock")); err != nil {
		t.Fatalf("the killed holder's socket should still exist: %v", err)
	}
	l, err := Acquire(home)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	defer l.Close()
	l.Serve(Handlers{Raise: func(string) {}})
	if err := Raise(home, RaiseTimeout); err != nil {
		t.Fatalf("raise to the new holder: %v", err)
	}
}

// The tray process's requests: "open NAME" reaches Raise with the stack, "quit" reaches Quit
// (after the reply is sent); a window without a Quit handler answers "unsupported"; with no
// window at all, Open and Quit fail at once with ErrNoWindow instead of waiting.
func TestServe_OpenAndQuit(t *testing.T) {
	home := t.TempDir()
	start := time.Now()
	if err := Quit(home, RaiseTimeout); err != ErrNoWindow {
		t.Fatalf("Quit with no window: %v", err)
	}
	if err := Open(home, "shop", RaiseTimeout); err != ErrNoWindow {
		t.Fatalf("Open with no window: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("no window took %s to tell", d)
	}

	l, err := Acquire(home)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	opened := make(chan string, 4)
	quit := make(chan struct{}, 1)
	l.Serve(Handlers{Raise: func(stack string) { opened <- stack }, Quit: func() { quit <- struct{}{} }})
	if err := Open(home, "shop", RaiseTimeout); err != nil {
		t.Fatal(err)
	}
	if err := Open(home, "", RaiseTimeout); err != nil {
		t.Fatal(err)
	}
	if a, b := <-opened, <-opened; a != "shop" || b != "" {
		t.Fatalf("opened %q then %q", a, b)
	}
	if err := Open(home, "two words", RaiseTimeout); err == nil || !strings.Contains(err.Error(), "printable") {
		t.Fatalf("a stack name with a space: %v", err)
	}
	if err := Quit(home, RaiseTimeout); err != nil {
		t.Fatal(err)
	}
	select {
	case <-quit:
	case <-time.After(2 * time.Second):
		t.Fatal("Quit did not reach the handler")
	}
	l.Close()

	// A window that only raises (no quit handler) says so instead of pretending.
	l2, err := Acquire(home)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	l2.Serve(Handlers{Raise: func(string) {}})
	if err := Quit(home, RaiseTimeout); err == nil || !strings.Contains(err.Error(), "does not support") {
		t.Fatalf("Quit to a window without a quit handler: %v", err)
	}
}

// A socket left by a killed window (nobody listens) is no window: Open and Quit say so at
// once rather than waiting for their timeout.
func TestOpen_StaleSocket(t *testing.T) {
	home := t.TempDir()
	l, err := Acquire(home)
	if err != nil {
		t.Fatal(err)
	}
	l.ln.(*net.UnixListener).SetUnlinkOnClose(false)
	_ = l.ln.Close() // the socket file stays, nothing listens: what a SIGKILL leaves
	if _, err := os.Stat(socketPath(home)); err != nil {
		t.Fatalf("socket file: %v", err)
	}
	start := time.Now()
	if err := Quit(home, RaiseTimeout); err != ErrNoWindow {
		t.Fatalf("Quit on a stale socket: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("took %s", d)
	}
	l.Close()
}

// One tray per data home: a second AcquireTray is refused as held until the first closes;
// another data home and the window lock are independent of it.
func TestAcquireTray_OnePerHome(t *testing.T) {
	home := t.TempDir()
	l, err := AcquireTray(home)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AcquireTray(home); !IsTrayHeld(err) || !strings.Contains(err.Error(), home) {
		t.Fatalf("second AcquireTray: %v", err)
	}
	w, err := Acquire(home)
	if err != nil {
		t.Fatalf("the window lock next to the tray lock: %v", err)
	}
	w.Close()
	other, err := AcquireTray(t.TempDir())
	if err != nil {
		t.Fatalf("another data home: %v", err)
	}
	other.Close()
	l.Close()
	l2, err := AcquireTray(home)
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	l2.Close()
}
