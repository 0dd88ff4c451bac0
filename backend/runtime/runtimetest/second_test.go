//go:build unix

package runtimetest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/runtime"
)

// secondTrace is what a test can observe of a running second engine from outside.
type secondTrace struct {
	dir, bridge string
	dockerd     int
}

func traceOf(t *testing.T, info SecondEngineInfo) secondTrace {
	t.Helper()
	tr := secondTrace{dir: filepath.Dir(info.Socket), bridge: info.Bridge}
	b, err := os.ReadFile(filepath.Join(tr.dir, "child.pid"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Sscanf(string(b), "%d", &tr.dockerd)
	if tr.dockerd == 0 || !alive(tr.dockerd) {
		t.Fatalf("dockerd (pid %d) does not run", tr.dockerd)
	}
	if _, err := net.InterfaceByName(tr.bridge); err != nil {
		t.Fatalf("bridge %s: %v", tr.bridge, err)
	}
	return tr
}

// left lists what of the engine still exists: dockerd, any process naming its directory
// (containerd, shims, containers' docker-proxy), the bridge, the directory, its FORWARD rules.
func (tr secondTrace) left() []string {
	var out []string
	if alive(tr.dockerd) {
		out = append(out, fmt.Sprintf("dockerd %d", tr.dockerd))
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), tr.dir) && !strings.Contains(string(b), "dv2e-supervisor") {
			out = append(out, "process "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	if _, err := net.InterfaceByName(tr.bridge); err == nil {
		out = append(out, "bridge "+tr.bridge)
	}
	if _, err := os.Stat(tr.dir); err == nil {
		out = append(out, "directory "+tr.dir)
	}
	if _, err := os.Stat(tr.dir + ".supervisor.log"); err == nil {
		out = append(out, "the supervisor's log "+tr.dir+".supervisor.log")
	}
	if out2, err := exec.Command("iptables", "-S", "FORWARD").Output(); err == nil && strings.Contains(string(out2), "dv2e-"+filepath.Base(tr.dir)) {
		out = append(out, "FORWARD rules of "+tr.dir)
	}
	return out
}

func waitGone(t *testing.T, tr secondTrace, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		left := tr.left()
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("left behind after %s: %s", limit, strings.Join(left, "; "))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// The engine is shared while tests hold it and torn down, synchronously, when the last one
// ends: a running container, dockerd, the bridge, the directory all gone.
func TestSecondEngine_Teardown(t *testing.T) {
	var tr secondTrace
	t.Run("hold", func(t *testing.T) {
		a := SecondEngine(t, false)
		b := SecondEngine(t, false)
		if a.Context != b.Context || a.Engine != b.Engine {
			t.Errorf("two holders got two engines: %s, %s", a.Context, b.Context)
		}
		tr = traceOf(t, a)
		if _, err := a.Engine.Run(t.Context(), []string{"run", "-d", "--label", TestLabel, Image, "sleep", "300"}, runtime.RunOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	if left := tr.left(); len(left) > 0 {
		t.Errorf("left behind after the last holder ended: %s", strings.Join(left, "; "))
	}
}

// childEnv marks the test process TestSecondEngine_ProcessDies starts.
const childEnv = "DEVARCH_SECOND_ENGINE_CHILD"

// A test process killed with SIGKILL leaves nothing behind: the supervisor sees its pipe
// close and tears the engine down, running container included.
func TestSecondEngine_ProcessDies(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		info := SecondEngine(t, true)
		if _, err := info.Engine.Run(t.Context(), []string{"run", "-d", "--label", TestLabel, "-p", "127.0.0.1::80", Image, "sleep", "300"}, runtime.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("SECOND %s %s\n", info.Socket, info.Bridge)
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	RequireEngine(t)
	if os.Geteuid() != 0 {
		missing(t, "root (a second dockerd needs it)")
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestSecondEngine_ProcessDies$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var info SecondEngineInfo
	var tr secondTrace
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "SECOND" {
			info.Socket, info.Bridge = f[1], f[2]
			tr = traceOf(t, info)
		}
	}
	err = cmd.Wait()
	if info.Socket == "" {
		t.Fatalf("the child did not start a second engine (%v)", err)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the child ended with %v, want SIGKILL", err)
	}
	start := time.Now()
	waitGone(t, tr, 90*time.Second)
	t.Logf("teardown after the test process died took %s", time.Since(start).Round(time.Millisecond))
}
