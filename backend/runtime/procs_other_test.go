//go:build !linux

package runtime_test

// haveProcfs says whether the tests can see processes; only Linux's /proc is read.
const haveProcfs = false

type procInfo struct {
	pid, ppid, pgid int
	state           string
	cmdline         string
}

func liveProcesses() []procInfo           { return nil }
func groupMembers(int) []int              { return nil }
func childProcesses(...string) []procInfo { return nil }
