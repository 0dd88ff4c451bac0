package engine_test

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// recorder is the recording engine of the engine's tests, built on the runtime's one seam
// (runtime.Options.Wrap, which rewrites every argv just before it runs): the real docker
// and compose are detected and every read (version probes, ps, inspect) really runs, but
// each command that would change containers (rm, network rm, every compose subcommand but
// version) is recorded and replaced by `true`, or by what stand returns for it. No
// container is created or started unless a test lets a command through.
type recorder struct {
	mu   sync.Mutex
	cmds [][]string
	// stand, when set, picks the command that runs instead of a recorded one: nil means
	// `true` (success, no output); the argv given is the recorded one without its binary.
	stand func(args []string) []string
}

// changes tells whether argv would change containers or networks.
func changes(argv []string) bool {
	if len(argv) < 2 {
		return false
	}
	args := argv[1:]
	if filepath.Base(argv[0]) == "docker-compose" {
		args = append([]string{"compose"}, args...)
	}
	switch args[0] {
	case "rm", "create", "run", "start", "stop", "kill", "pause", "unpause":
		return true
	case "network":
		return len(args) > 1 && (args[1] == "rm" || args[1] == "create")
	case "compose":
		return !slices.Contains(args, "version")
	}
	return false
}

func (r *recorder) wrap(argv []string) []string {
	if !changes(argv) {
		return argv
	}
	args := argv[1:]
	if filepath.Base(argv[0]) == "docker-compose" {
		args = append([]string{"compose"}, args...)
	}
	r.mu.Lock()
	r.cmds = append(r.cmds, args)
	stand := r.stand
	r.mu.Unlock()
	if stand != nil {
		if run := stand(args); run != nil {
			return run
		}
	}
	return []string{"true"}
}

// commands are the recorded commands, one line each, with the compose project arguments
// of stack (-p … -f - --project-directory …) shown as "$P".
func (r *recorder) commands(svc *engine.Service, stack string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	project := "-p devarch-" + stack + " -f - --project-directory " + svc.StackDir(stack)
	out := make([]string, 0, len(r.cmds))
	for _, c := range r.cmds {
		out = append(out, strings.Replace(strings.Join(c, " "), project, "$P", 1))
	}
	return out
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.cmds = nil
	r.mu.Unlock()
}

// newRecorded is an engine on a fresh migrated database whose container engine is the real
// one seen through a recorder. It needs docker and compose (skipped locally without them,
// a failure in CI).
func newRecorded(t *testing.T) (*engine.Service, *recorder, *pgxpool.Pool) {
	t.Helper()
	runtimetest.RequireCompose(t)
	svc, pool, _ := newService(t)
	rec := &recorder{}
	return engine.New(svc.Store, runtime.Options{Wrap: rec.wrap}, t.TempDir()), rec, pool
}

// eventually waits until cond holds, checking every 20ms, and fails the test naming what it
// waited for when 30 seconds pass first.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30s for %s", what)
		}
		time.Sleep(20 * time.Millisecond) // a poll interval, not a wait for time to pass
	}
}
