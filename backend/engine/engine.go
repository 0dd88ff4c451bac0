// Package engine holds DevArch's use cases, once, for both faces: the CLI and the desktop
// bindings only parse input and format what these return. Stacks, instances and templates
// (writes checked as plan checks them, every problem at once), secrets and master keys, plan
// and apply (the executor runs the plan's steps in the plan's order, execute.go), operations
// (start, stop, down), logs and history. It combines the store, the container runtime and the
// pure core; it owns no SQL and runs no commands itself.
package engine

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/store"
)

// Service is the entry point for use cases. It is safe for concurrent use.
type Service struct {
	Store     *store.Store
	engOpts   runtime.Options
	stacksDir string

	mu           sync.Mutex
	engines      map[string]*engineSlot // by docker context, "" the default engine
	keyStore     secrets.Keys
	installation string
	shared       bool // the database is external, maybe shared (SetSharedStore)

	hooks hooks
}

// hooks let the engine's own tests stop a use case at a chosen point, to make a race
// deterministic or to simulate a failure a real part produces only by bad luck (a COMMIT
// that succeeded but reported an error). All nil in production.
type hooks struct {
	// beforePutSecret runs after SetSecret read the current key, before it stores the value.
	beforePutSecret func()
	// rotated sees what the rotation transaction returned and may replace it.
	rotated func(error) error
}

// New returns a Service over st that detects the container engine with engOpts on first
// need and keeps generated files under stacksDir (one directory per stack).
//
// It makes itself st's source of stack subnets (see subnetSource).
func New(st *store.Store, engOpts runtime.Options, stacksDir string) *Service {
	s := &Service{Store: st, engOpts: engOpts, stacksDir: stacksDir, engines: map[string]*engineSlot{}}
	st.SetSubnetSource(s.subnetSource)
	return s
}

// Start is the one start-up of the use cases, for the CLI and the window alike: the service
// over the opened database's store, with the start-up housekeeping done (SyncCatalog: crashed
// runs marked interrupted, the built-in templates installed). stacksDir is where stacks'
// files live.
func Start(ctx context.Context, st *store.Store, stacksDir string) (*Service, store.SyncResult, error) {
	svc := New(st, runtime.Options{}, stacksDir)
	res, err := svc.SyncCatalog(ctx)
	if err != nil {
		return nil, res, err
	}
	return svc, res, nil
}

// Engine returns the default container engine (the one the docker CLI uses without a
// context, or podman), detecting it on first use and again after a failure (the user may
// start the daemon while DevArch runs). A stack's own engine is EngineFor's.
func (s *Service) Engine(ctx context.Context) (*runtime.Engine, error) {
	return s.engineOn(ctx, "")
}

// Probe checks the default engine afresh (for health displays) and refreshes the cached one.
func (s *Service) Probe(ctx context.Context) runtime.Report {
	return s.ProbeOn(ctx, "")
}

// ProbeOn checks the engine of a docker context ("" the default) afresh and refreshes the
// cached one.
func (s *Service) ProbeOn(ctx context.Context, dockerContext string) runtime.Report {
	opts := s.engOpts
	opts.Context = dockerContext
	eng, rep := runtime.Probe(ctx, opts)
	slot := s.slot(dockerContext)
	slot.mu.Lock()
	if err := rep.Err(); err == nil {
		slot.eng, slot.err = eng, nil
	} else {
		slot.eng, slot.err, slot.failedAt = nil, err, time.Now()
	}
	slot.mu.Unlock()
	return rep
}

// Stack status values, as lists show them.
const (
	StatusStopped   = "stopped"
	StatusRunning   = "running"
	StatusPartial   = "partial"
	StatusDegraded  = "degraded" // a container crash-loops (restarting) or died
	StatusUnhealthy = "unhealthy"
	StatusUnknown   = "unknown"
)

// StackView is a stack with its live status.
type StackView struct {
	model.StackSummary
	Status string
	// Containers counts the stack's containers (of any state), so a face can tell a stack
	// never applied (none) from a stopped one.
	Containers int
}

// StackList is the stacks list. EngineErr is set when live status could not be read: the
// stacks are still listed, with status "unknown".
type StackList struct {
	Stacks    []StackView
	EngineErr error
}

// ListStacks returns every stack with its live status, read from each engine in use in one
// call for all its stacks (the engines concurrently: a remote one answers slower). A stack on
// an engine that cannot be reached is StatusUnknown; EngineErr is the first such failure.
func (s *Service) ListStacks(ctx context.Context) (StackList, error) {
	stacks, err := s.Store.ListStacks(ctx)
	if err != nil {
		return StackList{}, err
	}
	var engines []string
	for _, st := range stacks {
		if !slices.Contains(engines, st.RunsOn) {
			engines = append(engines, st.RunsOn)
		}
	}
	slices.Sort(engines)
	type listing struct {
		byStack map[string][]runtime.Container
		err     error
	}
	results := make([]listing, len(engines))
	var wg sync.WaitGroup
	for i, name := range engines {
		wg.Go(func() {
			r := listing{byStack: map[string][]runtime.Container{}}
			ctx := ctx
			if name != "" {
				// Another engine (maybe remote, maybe gone) answers within remoteListLimit
				// or its stacks show as unknown: the list must not wait for a dead host.
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, remoteListLimit)
				defer cancel()
			}
			eng, err := s.engineOn(ctx, name)
			if err == nil {
				var cs []runtime.Container
				cs, err = eng.ListContainers(ctx, []string{model.LabelStack})
				for _, c := range cs {
					r.byStack[c.Labels[model.LabelStack]] = append(r.byStack[c.Labels[model.LabelStack]], c)
				}
			}
			r.err = err
			results[i] = r
		})
	}
	wg.Wait()
	var warn error
	for _, r := range results {
		if r.err != nil && warn == nil {
			warn = r.err
		}
	}
	out := make([]StackView, len(stacks))
	for i, st := range stacks {
		r := results[slices.Index(engines, st.RunsOn)]
		status := StackStatus(r.byStack[st.Name])
		if r.err != nil {
			status = StatusUnknown
		}
		out[i] = StackView{StackSummary: st, Status: status, Containers: len(r.byStack[st.Name])}
	}
	return StackList{Stacks: out, EngineErr: warn}, nil
}

// remoteListLimit bounds how long ListStacks waits for an engine other than the default.
const remoteListLimit = 5 * time.Second

// StackStatus summarizes a stack's containers: degraded when one crash-loops (restarting) or
// died, or a one-shot job (model.LabelJob) exited with an error; unhealthy when a running one
// fails its healthcheck; running when all run, partial when some do, stopped when none runs.
// A job that exited with code 0 finished its work: it counts neither as running nor as
// stopped, so a stack whose services run and whose migration finished is running.
func StackStatus(cs []runtime.Container) string {
	running, unhealthy, crashing, finished := 0, 0, 0, 0
	for _, c := range cs {
		switch {
		case JobCompleted(c):
			finished++
			continue
		case IsJob(c) && c.State == "exited":
			crashing++
			continue
		}
		switch c.State {
		case "running":
			running++
			if c.Health == "unhealthy" {
				unhealthy++
			}
		case "restarting", "dead":
			crashing++
		}
	}
	switch {
	case crashing > 0:
		return StatusDegraded
	case unhealthy > 0:
		return StatusUnhealthy
	case running == 0:
		return StatusStopped
	case running == len(cs)-finished:
		return StatusRunning
	default:
		return StatusPartial
	}
}

// IsJob tells a one-shot instance's container (model.LabelJob): its exit with code 0 is the
// end of its work, not a stop.
func IsJob(c runtime.Container) bool { return c.Labels[model.LabelJob] == "true" }

// JobCompleted tells a one-shot instance's container that ran to completion (exited 0).
func JobCompleted(c runtime.Container) bool {
	return IsJob(c) && c.State == "exited" && c.ExitCode == 0
}
