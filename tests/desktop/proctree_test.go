//go:build unix

package desktop_test

import "testing"

// TestProcTree_ExitingProcessKeepsItsCommandLine: a sample taken while a process exits
// (its /proc cmdline already empty, not yet a zombie) must not erase what an earlier sample
// saw, or a check such as "the app ran one `docker events` child" misses a child that did run
// (CI, 2026-12-01: the child was recorded as "docker []").
func TestProcTree_ExitingProcessKeepsItsCommandLine(t *testing.T) {
	tr := &procTree{seen: map[string]proc{}}
	forked := proc{pid: 7, start: "100", comm: "devarch-desktop", cmdline: "/app/devarch-desktop "}
	running := proc{pid: 7, start: "100", comm: "docker", cmdline: "/usr/bin/docker events --format {{json .}} "}
	exiting := proc{pid: 7, start: "100", comm: "docker", cmdline: " "}
	for _, p := range []proc{forked, running, exiting} {
		tr.record(p)
	}
	if got := tr.matching(isEventsCLI); len(got) != 1 {
		t.Fatalf("after fork, exec and exit, the `docker events` child is recorded as %s; want its command line kept", summarize(tr.all()))
	}
	// A reused pid (another start time) is another process.
	tr.record(proc{pid: 7, start: "200", comm: "sh", cmdline: " "})
	if n := len(tr.all()); n != 2 {
		t.Fatalf("%d processes recorded; want 2 (same pid, different start)", n)
	}
	// A new command line (an exec) still replaces the old one.
	tr.record(proc{pid: 7, start: "200", comm: "docker", cmdline: "/usr/bin/docker version "})
	for _, p := range tr.all() {
		if p.start == "200" && p.comm != "docker" {
			t.Fatalf("exec not recorded: %+v", p)
		}
	}
}
