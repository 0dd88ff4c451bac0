package runtime

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// StopStrayCompose kills compose processes a crashed DevArch left running for a project:
// those whose command line names the project (-p PROJECT) and reads DevArch's document from
// stdin in projectDir (-f - --project-directory DIR), the way only DevArch runs compose. The
// caller holds the stack's lock, which proves no live DevArch runs them. A parent-death
// signal already ends most of them with their DevArch; this catches the rest (a compose
// plugin that had not yet connected to its CLI when DevArch died). It returns the pids it
// killed, after they are gone (or after a few seconds).
func StopStrayCompose(project, projectDir string) []int {
	want := [][]byte{[]byte("\x00-p\x00" + project + "\x00"), []byte("\x00-f\x00-\x00"), []byte("\x00--project-directory\x00" + projectDir + "\x00")}
	entries, _ := os.ReadDir("/proc")
	var killed []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !bytes.Contains(cmdline, []byte("compose")) {
			continue
		}
		line := append([]byte{0}, cmdline...)
		match := true
		for _, w := range want {
			if !bytes.Contains(line, w) {
				match = false
				break
			}
		}
		if match && syscall.Kill(pid, syscall.SIGKILL) == nil {
			killed = append(killed, pid)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range killed {
		for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
			if st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && bytes.Contains(st, []byte(") Z ")) {
				break // a zombie: dead, waiting for its parent to reap it
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return killed
}
