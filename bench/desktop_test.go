//go:build unix

package bench

// The desktop app at idle and at launch, next to an empty Wails v2 window (bench/testdata/
// emptywails: same size, tags and webview) in the same run, under Xvfb and a private D-Bus
// session:
//
//   - first paint: launch to the first screenshot of the screen that shows rendered content
//     (more than a handful of colours: text, not a flat background);
//   - idle memory: after 30 s idle, the PSS of every process of the app's session (the app,
//     WebKit's web and network processes, D-Bus) plus DevArch's PostgreSQL server, which
//     runs in its own session; DevArch with one stack in its database.
//
//	go test ./bench -run '^$' -bench Desktop -benchtime 1x -count 3
//
// Needs Xvfb, dbus-run-session and ImageMagick's import (scripts/install-deps.sh).

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/database/hosttest"
)

const idleFor = 30 * time.Second

func buildApp(b *testing.B, pkg, name string) string {
	b.Helper()
	out := filepath.Join(tempHome(b), name)
	wd, _ := os.Getwd()
	cmd := exec.Command("go", "build", "-tags", "desktop,production,webkit2_41", "-o", out, pkg)
	cmd.Dir = filepath.Dir(wd)
	if o, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, o)
	}
	return out
}

func xvfb(b *testing.B) string {
	b.Helper()
	r, w, _ := os.Pipe()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x900x24", "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		b.Fatalf("Xvfb: %v", err)
	}
	w.Close()
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		b.Fatalf("Xvfb display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// colours counts the distinct colours of a screenshot of display.
func colours(display string) int {
	c := exec.Command("sh", "-c", "import -window root png:- | convert png:- -format %k info:")
	c.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := c.Output()
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}

// procStat is a process's session and command name, from /proc/PID/stat.
func procStat(pid int) (session int, comm string, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, "", false
	}
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[end+2:])
	if len(f) < 4 || f[0] == "Z" {
		return 0, "", false
	}
	session, _ = strconv.Atoi(f[3])
	return session, s[strings.IndexByte(s, '(')+1 : end], true
}

// pssKB is a process's proportional set size.
func pssKB(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "Pss:") {
			f := strings.Fields(line)
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}

// sessionPSS sums the PSS of every process of session sid and of extra pids, by command.
func sessionPSS(sid int, extra []int) (totalKB int, byComm map[string]int) {
	byComm = map[string]int{}
	entries, _ := os.ReadDir("/proc")
	seen := map[int]bool{}
	add := func(pid int, comm string) {
		if seen[pid] {
			return
		}
		seen[pid] = true
		kb := pssKB(pid)
		totalKB += kb
		byComm[comm] += kb
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if s, comm, ok := procStat(pid); ok && s == sid {
			add(pid, comm)
		}
	}
	for _, pid := range extra {
		if _, comm, ok := procStat(pid); ok {
			add(pid, comm)
		}
	}
	return totalKB, byComm
}

// serverTree is the postmaster of home and its children (PostgreSQL's own processes).
func serverTree(home string) []int {
	roots := map[int]bool{}
	for _, p := range hosttest.ServerProcesses(home) {
		roots[p] = true
	}
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		ppid, _ := strconv.Atoi(f[1])
		if roots[pid] || roots[ppid] {
			out = append(out, pid)
		}
	}
	return out
}

type launchResult struct {
	firstPaint time.Duration
	pssKB      int
	byComm     map[string]int
}

// runWindow launches bin (with env) in a new D-Bus session, measures first paint and idle
// PSS, and ends it.
func runWindow(b *testing.B, bin, display, home string, env []string) launchResult {
	b.Helper()
	cmd := exec.Command("dbus-run-session", "--", bin)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
		if home != "" {
			for _, pid := range hosttest.ServerProcesses(home) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}()
	var r launchResult
	for {
		if n := colours(display); n > 12 {
			r.firstPaint = time.Since(start)
			break
		}
		if time.Since(start) > 60*time.Second {
			b.Fatalf("%s painted nothing within 60 s", bin)
		}
	}
	time.Sleep(idleFor)
	var extra []int
	if home != "" {
		extra = serverTree(home)
	}
	r.pssKB, r.byComm = sessionPSS(cmd.Process.Pid, extra)
	return r
}

func breakdown(m map[string]int) string {
	type kv struct {
		k string
		v int
	}
	var l []kv
	for k, v := range m {
		l = append(l, kv{k, v})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v })
	var parts []string
	for _, e := range l {
		if e.v >= 1024 {
			parts = append(parts, fmt.Sprintf("%s %d", e.k, e.v/1024))
		}
	}
	return strings.Join(parts, ", ")
}

func BenchmarkDesktop_IdleAndFirstPaint(b *testing.B) {
	for _, bin := range []string{"Xvfb", "dbus-run-session", "import", "convert"} {
		if _, err := exec.LookPath(bin); err != nil {
			b.Fatalf("%s is missing: run scripts/install-deps.sh", bin)
		}
	}
	devarch := buildApp(b, ".", "devarch-desktop")
	empty := buildApp(b, "./bench/testdata/emptywails", "emptywails")
	display := xvfb(b)
	for i := 0; i < b.N; i++ {
		tmp := tempHome(b)
		home := filepath.Join(tmp, "home")
		env := append(os.Environ(), "DISPLAY="+display, "HOME="+tmp, "XDG_CONFIG_HOME="+tmp+"/config",
			"XDG_CACHE_HOME="+tmp+"/cache", "XDG_DATA_HOME="+tmp+"/data", "XDG_RUNTIME_DIR="+tmp+"/run",
			"DEVARCH_HOME="+home, "DEVARCH_DB_LINGER=0", "WEBKIT_DISABLE_COMPOSITING_MODE=1", "LIBGL_ALWAYS_SOFTWARE=1")
		_ = os.MkdirAll(tmp+"/run", 0o700)
		for _, args := range [][]string{{"stack", "create", "idle1"}, {"instance", "add", "idle1", "web", "--template", "nginx"}} {
			c := exec.Command(devarch, args...)
			c.Env = env
			if out, err := c.CombinedOutput(); err != nil {
				b.Fatalf("devarch %v: %v\n%s", args, err, out)
			}
		}
		e := runWindow(b, empty, display, "", env)
		d := runWindow(b, devarch, display, home, env)
		b.Logf("empty Wails: first paint %d ms, idle PSS %d MB (%s)", e.firstPaint.Milliseconds(), e.pssKB/1024, breakdown(e.byComm))
		b.Logf("DevArch:     first paint %d ms, idle PSS %d MB (%s)", d.firstPaint.Milliseconds(), d.pssKB/1024, breakdown(d.byComm))
		b.Logf("ratios DevArch/empty: first paint %.2f, PSS %.2f", float64(d.firstPaint)/float64(e.firstPaint), float64(d.pssKB)/float64(e.pssKB))
		b.ReportMetric(float64(d.pssKB)/1024, "devarch-MB")
		b.ReportMetric(float64(e.pssKB)/1024, "empty-MB")
		b.ReportMetric(float64(d.firstPaint.Milliseconds()), "devarch-paint-ms")
		b.ReportMetric(float64(e.firstPaint.Milliseconds()), "empty-paint-ms")
	}
}
