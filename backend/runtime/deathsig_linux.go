package runtime

import (
	"os/exec"
	goruntime "runtime"
	"sync"
	"syscall"
)

// dieWithParent asks the kernel to SIGKILL the command when its parent dies, so that an
// engine command (compose in the middle of an apply, a `docker events` stream) never outlives
// a DevArch that was killed or crashed. The command's own children are not covered by the
// signal: the docker CLI's compose plugin ends when the CLI goes away because it holds a
// connection to a socket of the CLI (TestRun_ChildDiesWithItsParent checks it). A plugin
// that has not connected yet (the first milliseconds after it starts) misses the CLI's death
// and runs on until it finishes or its next write to DevArch's closed pipes fails; only an
// endless command (logs -f, events) started at that very moment would linger.
//
// Linux sends this signal when the *thread* that forked the child ends, not the process
// (prctl(2), golang/go#27505). Go ends a thread whenever a goroutine that locked it exits
// without unlocking, which any library may do. Hence startProcess forks every command on
// one thread that is locked for the life of the process and never runs anything else.
func dieWithParent(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}

// spawner is the goroutine that owns the forking thread.
var spawner struct {
	once sync.Once
	reqs chan spawnRequest
}

type spawnRequest struct {
	cmd  *exec.Cmd
	done chan<- error
}

// startProcess starts cmd on the spawner's thread and returns cmd.Start's error. Starts are
// serialised; each takes well under a millisecond (Go forks with vfork semantics).
func startProcess(cmd *exec.Cmd) error {
	spawner.once.Do(func() {
		spawner.reqs = make(chan spawnRequest)
		go spawnLoop(spawner.reqs)
	})
	done := make(chan error, 1)
	spawner.reqs <- spawnRequest{cmd, done}
	return <-done
}

// spawnLoop locks its goroutine to the current thread and never returns nor unlocks, so the
// thread lives exactly as long as the process: the parent-death signal then means "DevArch
// is gone", nothing else. (Go never ends a thread whose goroutine is still locked to it.)
func spawnLoop(reqs <-chan spawnRequest) {
	goruntime.LockOSThread()
	for r := range reqs {
		r.done <- r.cmd.Start()
	}
}
