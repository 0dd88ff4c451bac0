//go:build linux

package runtime_test

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	devruntime "github.com/devarch/devarch/backend/runtime"
)

const tiedHelperEnv = "DEVARCH_RUNTIME_TIED_HELPER"

// TestTiedHelperProcess is not a test of its own: TestStartTied_ChildDiesWithItsParent runs
// the test binary with tiedHelperEnv set, and this function starts a child that never ends
// on its own through StartTied, from a goroutine locked to a thread that then ends (what
// Wails' or any library's locked goroutines may do), and waits to be killed.
func TestTiedHelperProcess(t *testing.T) {
	marker := os.Getenv(tiedHelperEnv)
	if marker == "" {
		return
	}
	type result struct {
		cmd *exec.Cmd
		tid int
		err error
	}
	for attempt := 0; ; attempt++ {
		started := make(chan result)
		go func() {
			runtime.LockOSThread()               // never unlocked: the thread ends with this goroutine
			cmd := exec.Command("sleep", marker) // marker is a duration: 600.<random digits> s
			err := devruntime.StartTied(cmd)
			started <- result{cmd, syscall.Gettid(), err}
		}()
		r := <-started
		if r.err != nil {
			fmt.Fprintln(os.Stderr, "helper:", r.err)
			os.Exit(2)
		}
		if r.tid != os.Getpid() {
			// Wait until the thread is gone, so the parent's check means something.
			for {
				if _, err := os.Stat(fmt.Sprintf("/proc/self/task/%d", r.tid)); os.IsNotExist(err) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			break
		}
		// The main thread is never ended (Go parks it): that proves nothing, try again.
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		if attempt == 3 {
			fmt.Fprintln(os.Stderr, "helper: the goroutine kept running on the main thread")
			os.Exit(2)
		}
	}
	fmt.Println("started")
	time.Sleep(10 * time.Minute)
	os.Exit(3)
}

// TestStartTied_ChildDiesWithItsParent: a process of DevArch's own started with StartTied
// (the window's tray process) ends when DevArch is killed with SIGKILL, even though the
// goroutine that asked for it ran on a thread that ended long before.
func TestStartTied_ChildDiesWithItsParent(t *testing.T) {
	var b [6]byte
	_, _ = rand.Read(b[:])
	marker := fmt.Sprintf("600.%d", binary.BigEndian.Uint32(b[:4])+1_000_000_000)
	helper := exec.Command(os.Args[0], "-test.run=^TestTiedHelperProcess$", "-test.count=1")
	helper.Env = append(os.Environ(), tiedHelperEnv+"="+marker)
	out, _ := helper.StdoutPipe()
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = helper.Process.Kill(); _ = helper.Wait() }()
	buf := make([]byte, 8)
	if n, err := out.Read(buf); err != nil || !strings.HasPrefix(string(buf[:n]), "started") {
		t.Fatalf("helper: %q %v", buf[:n], err)
	}
	child := 0
	waitFor(t, 10*time.Second, "the tied child (gone already: did it die with the thread that started it?)", func() bool {
		for _, p := range liveProcesses() {
			if p.ppid == helper.Process.Pid && strings.Contains(p.cmdline, marker) {
				child = p.pid
				return true
			}
		}
		return false
	})
	// The thread that started it is gone by now (the helper waited for it); the child must
	// still run.
	time.Sleep(100 * time.Millisecond)
	if err := syscall.Kill(child, 0); err != nil {
		t.Fatalf("the child died with the thread that started it: %v", err)
	}
	if err := helper.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = helper.Wait()
	waitFor(t, 5*time.Second, "the tied child to die with its parent", func() bool {
		for _, p := range liveProcesses() {
			if strings.Contains(p.cmdline, marker) {
				return false
			}
		}
		return true
	})
}
