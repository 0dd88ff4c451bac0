//go:build linux

package runtime

import (
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/testenv"
)

// TestStartProcess_SurvivesTheStartingThread guards against golang/go#27505: Linux sends the
// parent-death signal when the *thread* that forked the child exits, not the process. A
// goroutine that locks its thread and ends without unlocking makes Go terminate that thread;
// if the fork had run there, the child would be killed although DevArch lives on. Here the
// starting goroutine does exactly that, and the child must survive its thread.
func TestStartProcess_SurvivesTheStartingThread(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		testenv.Missing(t, "sleep", "coreutils")
	}
	type started struct {
		cmd *exec.Cmd
		tid int
		err error
	}
	var s started
	for attempt := 0; ; attempt++ {
		ch := make(chan started, 1)
		go func() {
			goruntime.LockOSThread() // never unlocked: Go ends this thread with the goroutine
			cmd := exec.Command(sleep, "60")
			ownProcessGroup(cmd)
			err := startProcess(cmd)
			ch <- started{cmd, syscall.Gettid(), err}
		}()
		s = <-ch
		if s.err != nil {
			t.Fatal(s.err)
		}
		if s.tid != os.Getpid() {
			break
		}
		// The main thread is never ended (Go parks it instead), so it proves nothing; Go
		// parks it for good, so the next goroutine runs elsewhere.
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		_ = s.cmd.Wait()
		if attempt == 3 {
			t.Fatal("the goroutine kept running on the main thread")
		}
	}
	if s.cmd.SysProcAttr.Pdeathsig != syscall.SIGKILL {
		t.Fatalf("Pdeathsig = %v, want SIGKILL", s.cmd.SysProcAttr.Pdeathsig)
	}
	pid := s.cmd.Process.Pid
	exited := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(exited) }()
	t.Cleanup(func() { _ = syscall.Kill(-pid, syscall.SIGKILL); <-exited })

	task := filepath.Join("/proc/self/task", strconv.Itoa(s.tid))
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(task); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("thread %d did not end after its locked goroutine returned", s.tid)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The signal, had it been sent, is delivered at once; a short grace catches a slow reaper.
	select {
	case <-exited:
		t.Fatalf("the child was killed when the thread %d that started it ended", s.tid)
	case <-time.After(300 * time.Millisecond):
	}
	if st := procState(pid); st == "" || st == "Z" {
		t.Fatalf("child %d state %q, want alive", pid, st)
	}
}

// procState is the state letter of pid from /proc, "" when there is no such process.
func procState(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// BenchmarkStartProcess compares starting a process on the spawner's thread with starting it
// on the calling goroutine's thread (what exec.Cmd.Start alone does): the price of the thread
// hand-off that makes the parent-death signal mean "DevArch died".
func BenchmarkStartProcess(b *testing.B) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		testenv.Missing(b, "true", "coreutils")
	}
	for _, bc := range []struct {
		name  string
		start func(*exec.Cmd) error
	}{{"spawner-thread", startProcess}, {"caller-thread", (*exec.Cmd).Start}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(truePath)
				ownProcessGroup(cmd)
				if err := bc.start(cmd); err != nil {
					b.Fatal(err)
				}
				_ = cmd.Wait()
			}
		})
	}
}
