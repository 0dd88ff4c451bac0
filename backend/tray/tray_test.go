//go:build !darwin || cgo

package tray

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/devarch/devarch/backend/testenv"
	"github.com/devarch/devarch/backend/traymenu"
)

// layoutLabels reads the tray's menu labels (top level) over D-Bus, as a tray host does.
func layoutLabels(t *testing.T, conn *dbus.Conn) []string {
	t.Helper()
	call := conn.Object(fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", os.Getpid()), "/StatusNotifierItem/menu").
		Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{})
	if call.Err != nil {
		t.Fatal(call.Err)
	}
	root, _ := call.Body[1].([]any)
	var out []string
	kids, _ := root[2].([]dbus.Variant)
	for _, k := range kids {
		s, _ := k.Value().([]any)
		props, _ := s[1].(map[string]dbus.Variant)
		if l, ok := props["label"]; ok {
			out = append(out, l.Value().(string))
		}
	}
	return out
}

// The tray against a real session bus: many concurrent refreshes
// (engine event bursts) while the stacks change cost few rebuilds and end on the current
// state; a failing Stacks shows as a disabled line; Stop ends every goroutine. (Not in the
// race-detector run: fyne.io/systray v1.12.2 itself races on its menu version between a
// host's first GetLayout and its delayed refresh, systray_menu_unix.go:87/91 vs :423.)
func TestTray_RefreshBurstsAndStop(t *testing.T) {
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		testenv.Missing(t, "dbus-daemon", "run scripts/install-deps.sh")
	}
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", strings.TrimSpace(addr))
	conn, err := dbus.Connect(strings.TrimSpace(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	var mu sync.Mutex
	state := traymenu.Stopped
	fail := false
	var calls atomic.Int32
	tr, err := Start(Actions{
		Stacks: func(context.Context) ([]traymenu.Stack, error) {
			calls.Add(1)
			mu.Lock()
			defer mu.Unlock()
			if fail {
				return nil, errors.New("DevArch is starting")
			}
			return []traymenu.Stack{{Name: "shop", State: state, Containers: 2}}, nil
		},
		Start:          func(context.Context, string) error { return nil },
		Stop:           func(context.Context, string) error { return nil },
		Open:           func(string) {},
		CloseToTray:    func() bool { return true },
		SetCloseToTray: func(bool) {},
		Quit:           func() {},
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if errors.Is(err, ErrStartedBefore) {
		// systray keeps one tray per process: only a second run in one test binary
		// (-count=2) gets here, never CI's -count=1.
		testenv.Missing(t, "a fresh test process (one tray per process: run with -count=1)", "")
	}
	if err != nil {
		t.Fatal(err)
	}
	wait := func(want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			labels := layoutLabels(t, conn)
			if strings.Contains(strings.Join(labels, "|"), want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("menu %q has no %q", labels, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	wait("shop — stopped")

	before := calls.Load()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if i == 0 {
					mu.Lock()
					state = traymenu.Running
					mu.Unlock()
				}
				tr.Refresh()
			}
		}()
	}
	wg.Wait()
	wait("shop — running")
	if n := calls.Load() - before; n > 5 {
		t.Errorf("400 refreshes in a burst cost %d rebuilds", n)
	}

	mu.Lock()
	fail = true
	mu.Unlock()
	tr.Refresh()
	wait("Stacks unavailable: DevArch is starting")

	done := make(chan struct{})
	go func() { tr.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not return")
	}
	tr.Stop() // twice is fine
}
