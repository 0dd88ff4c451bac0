//go:build linux

package runtime_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// haveProcfs says whether the tests can see processes (liveProcesses) on this system.
const haveProcfs = true

type procInfo struct {
	pid, ppid, pgid int
	state           string
	cmdline         string
}

// liveProcesses reads every live (not zombie) process from /proc.
func liveProcesses() []procInfo {
	var out []procInfo
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		s := string(b)
		end := strings.LastIndexByte(s, ')')
		if end < 0 {
			continue
		}
		var p procInfo
		fmt.Sscanf(s[:strings.IndexByte(s, ' ')], "%d", &p.pid)
		f := strings.Fields(s[end+1:])
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		p.state = f[0]
		fmt.Sscanf(f[1], "%d", &p.ppid)
		fmt.Sscanf(f[2], "%d", &p.pgid)
		cmd, _ := os.ReadFile(filepath.Join(filepath.Dir(path), "cmdline"))
		p.cmdline = strings.ReplaceAll(string(cmd), "\x00", " ")
		out = append(out, p)
	}
	return out
}

// groupMembers lists the live processes of process group pgid.
func groupMembers(pgid int) []int {
	var out []int
	for _, p := range liveProcesses() {
		if p.pgid == pgid {
			out = append(out, p.pid)
		}
	}
	return out
}

// childProcesses lists the live children of this test process whose command line holds
// every one of the given words.
func childProcesses(words ...string) []procInfo {
	var out []procInfo
	for _, p := range liveProcesses() {
		if p.ppid != os.Getpid() {
			continue
		}
		all := true
		for _, w := range words {
			all = all && strings.Contains(p.cmdline, w)
		}
		if all {
			out = append(out, p)
		}
	}
	return out
}
