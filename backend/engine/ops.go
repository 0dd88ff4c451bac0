package engine

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/store"
)

// Quick operations on a whole stack (what the tray calls). They take the same lock as
// apply and are recorded in the stack's history.
// Their values are the store's Operation values (the faces pass them as text).
const (
	OpStart = string(store.OpStart)
	OpStop  = string(store.OpStop)
	OpDown  = string(store.OpDown)
)

// OpResult is what a quick operation did, in words ("done", "nothing to take down").
type OpResult struct {
	Summary string
	// RemovedVolumes are the named volumes down --volumes removed.
	RemovedVolumes []string
}

// OpOptions tune a quick operation.
type OpOptions struct {
	// Volumes: down also removes the stack's named volumes (its data).
	Volumes bool
}

// Operate runs start, stop or down on a stack under its lock, and records what the user
// means the stack to be: stop marks it stopped (the next plan leaves its stopped containers
// alone and creates new ones without starting them), start and down mark it running again.
// start needs the stack's containers to exist (apply makes them); down removes containers
// and network but keeps named volumes (data), and is a no-op on a stack with neither.
func (s *Service) Operate(ctx context.Context, stack, op string, opts OpOptions, who string, sink Sink) (OpResult, error) {
	if sink == nil {
		sink = discard()
	}
	if op != OpStart && op != OpStop && op != OpDown {
		return OpResult{}, model.Invalid("operation", fmt.Sprintf("unknown operation %q", op), "Use start, stop or down.")
	}
	if opts.Volumes && op != OpDown {
		return OpResult{}, model.Invalid("volumes", "only down removes volumes", "Use: devarch down "+stack+" --volumes")
	}
	rs, err := s.Resolve(ctx, stack)
	if err != nil {
		return OpResult{}, err
	}
	// The operations act on what exists: on the engine the stack was placed on.
	eng, err := s.engineOn(ctx, runsOn(rs.Stack))
	if err != nil {
		return OpResult{}, err
	}
	lock, err := s.lockStack(ctx, stack, store.Operation(op), who, nil)
	if err != nil {
		return OpResult{}, err
	}
	finishCtx := context.WithoutCancel(ctx)
	failed := failedOp(ctx, lock)
	cs, err := eng.ListContainers(ctx, []string{model.LabelStack + "=" + stack})
	if err != nil {
		return failed(err)
	}
	have := map[string]bool{}
	for _, c := range cs {
		have[c.Labels[model.LabelInstance]] = true
	}

	var args []string
	switch op {
	case OpStart:
		var missing []string
		for _, es := range rs.Effective.Services {
			if !have[es.Instance] {
				missing = append(missing, es.Instance)
			}
		}
		switch {
		case len(rs.Effective.Services) == 0:
			return failed(model.NewError(model.KindInvalid, fmt.Sprintf("stack %s has no instances to start", stack),
				"Add one: devarch instance add "+stack+" NAME --template TEMPLATE"))
		case len(missing) == len(rs.Effective.Services):
			return failed(&model.Error{Kind: model.KindConflict, Field: "stack", Summary: fmt.Sprintf("stack %s is down: it has no containers to start", stack),
				Detail: "Create and start them with: devarch apply " + stack})
		case len(missing) > 0:
			return failed(&model.Error{Kind: model.KindConflict, Field: "stack",
				Summary: fmt.Sprintf("%s of stack %s %s no container yet", strings.Join(missing, ", "), stack, map[bool]string{true: "has", false: "have"}[len(missing) == 1]),
				Detail:  "Apply the stack to create them and start everything: devarch apply " + stack})
		}
		args = []string{"start"}
	case OpStop:
		args = []string{"stop"}
	case OpDown:
		if len(cs) == 0 {
			nets, err := eng.ListNetworks(ctx, []string{model.LabelStack + "=" + stack})
			if err != nil {
				return failed(err)
			}
			if len(nets) == 0 {
				// Nothing exists: forget any applied record, the stopped mark and where the
				// stack was placed all the same.
				if err := lock.SetStopped(finishCtx, false); err != nil {
					return failed(err)
				}
				if err := s.Store.SetPlacement(finishCtx, stack, nil); err != nil {
					return failed(err)
				}
				res := OpResult{Summary: "nothing to take down"}
				if opts.Volumes {
					if res.RemovedVolumes, err = s.removeStackVolumes(ctx, eng, rs.Stack); err != nil {
						return failed(err)
					}
					if len(res.RemovedVolumes) > 0 {
						res.Summary = "removed its volumes"
					}
				}
				return res, lock.Finish(finishCtx, store.Outcome{Status: store.RunSucceeded,
					Results: []ActionResult{{Action: "down " + stack, Status: ResultDone}}, ReplaceApplied: true})
			}
		}
		args = []string{"down", "--remove-orphans"}
	}
	base := []string{"-p", model.ProjectName(stack)}
	var doc []byte
	if op != OpDown {
		if doc, err = compose.Generate(rs.Effective); err != nil {
			return failed(err)
		}
		base = s.composeArgs(stack)
	}
	var env secretEnv
	if op == OpStart {
		// compose interpolates the whole document on start: it needs the values.
		_, _, used, err := s.secretsForStack(ctx, rs)
		if err == nil {
			env, err = s.secretEnv(ctx, used)
		}
		if err != nil {
			return failed(err)
		}
	}
	w := progressWriter(stack, sink, healthchecked(rs))
	_, runErr := eng.RunCompose(ctx, append(base, args...), env.runOptions(doc, w))
	w.Close()
	if runErr != nil {
		return failed(composeFailure(stack, runErr))
	}
	if err := lock.SetStopped(finishCtx, op == OpStop); err != nil {
		return failed(err)
	}
	if op == OpDown {
		if err := s.Store.SetPlacement(finishCtx, stack, nil); err != nil {
			return failed(err)
		}
	}
	res := OpResult{Summary: "done"}
	if opts.Volumes {
		if res.RemovedVolumes, err = s.removeStackVolumes(ctx, eng, rs.Stack); err != nil {
			return failed(err)
		}
	}
	// down forgets the applied state: the next plan creates everything again.
	return res, lock.Finish(finishCtx, store.Outcome{Status: store.RunSucceeded,
		Results: []ActionResult{{Action: op + " " + stack, Status: ResultDone}}, ReplaceApplied: op == OpDown})
}

// failedOp returns how an operation under lock ends when it stops half-way: its run is
// recorded as failed (canceled when ctx ended, with the error's text), the lock released,
// and the error returned.
func failedOp(ctx context.Context, lock *store.StackLock) func(error) (OpResult, error) {
	finishCtx := context.WithoutCancel(ctx)
	return func(err error) (OpResult, error) {
		o := store.Outcome{Status: store.RunFailed, Stderr: recordText(err)}
		if ctx.Err() != nil {
			o.Status = store.RunCanceled
		}
		_ = lock.Finish(finishCtx, o)
		return OpResult{}, err
	}
}

// removeStackVolumes removes a stack's named volumes and returns their names.
func (s *Service) removeStackVolumes(ctx context.Context, eng *runtime.Engine, st model.Stack) ([]string, error) {
	vols, err := s.stackVolumes(ctx, eng, st)
	if err != nil {
		return nil, err
	}
	return vols, eng.RemoveVolumes(ctx, vols)
}

// InstanceStatus is one instance's live state.
type InstanceStatus struct {
	Instance  string `json:"instance"`
	Container string `json:"container"`
	State     string `json:"state"` // running, exited, created, paused, not created, ...
	Health    string `json:"health,omitempty"`
	Image     string `json:"image,omitempty"`
	Status    string `json:"status,omitempty"` // the engine's text
}

// Status lists each instance of a stack with its container's state (one engine call).
func (s *Service) Status(ctx context.Context, stack string) ([]InstanceStatus, error) {
	st, err := s.Store.GetStack(ctx, stack)
	if err != nil {
		return nil, err
	}
	cs, err := s.stackContainers(ctx, stack)
	if err != nil {
		return nil, err
	}
	byInstance := map[string]runtime.Container{}
	for _, c := range cs {
		byInstance[c.Labels[model.LabelInstance]] = c
	}
	var out []InstanceStatus
	for _, in := range st.Instances {
		row := InstanceStatus{Instance: in.Name, Container: model.ContainerName(stack, in.Name), State: StateNotCreated}
		if c, ok := byInstance[in.Name]; ok {
			row.State, row.Health, row.Image, row.Status = c.State, c.Health, c.Image, c.Status
			if JobCompleted(c) {
				row.State = StateCompleted
			}
			delete(byInstance, in.Name)
		}
		out = append(out, row)
	}
	for name, c := range byInstance { // containers of removed instances
		out = append(out, InstanceStatus{Instance: name, Container: c.Name, State: c.State, Health: c.Health, Image: c.Image, Status: c.Status + " (not in the stack)"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Instance < out[j].Instance })
	return out, nil
}

// Logs streams a stack's (or one instance's) logs to w until ctx ends (follow) or the logs
// end. An instance must be one of the stack's, or have a container left from one removed
// since (it runs until the next apply): naming anything else is an error, not an empty
// stream. opts are validated (ParseLogSince; a tail above MaxLogTail is refused) before
// compose runs.
func (s *Service) Logs(ctx context.Context, stack, instance string, opts LogOptions, w io.Writer) error {
	st, err := s.Store.GetStack(ctx, stack)
	if err != nil {
		return err
	}
	since, err := ParseLogSince(opts.Since)
	if err != nil {
		return err
	}
	if t := opts.Tail; t != nil && (*t < 0 || *t > MaxLogTail) {
		return model.Invalid("tail", fmt.Sprintf("--tail %d is not a number of lines from 0 to %d", *t, MaxLogTail), "Give a number in that range, or all.")
	}
	if instance != "" {
		// Passed to compose as an argument: a valid name can never be read as a flag.
		if err := model.ValidateInstanceName(stack, instance); err != nil {
			return err
		}
	}
	eng, err := s.engineOn(ctx, runsOn(st))
	if err != nil {
		return err
	}
	if instance != "" && !hasInstance(st, instance) {
		cs, err := eng.ListContainers(ctx, []string{model.LabelStack + "=" + stack, model.LabelInstance + "=" + instance})
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return instanceMissing(stack, instance)
		}
	}
	args := []string{"-p", model.ProjectName(stack), "logs", "--no-color", "--timestamps"}
	if opts.Follow {
		args = append(args, "--follow")
	}
	if opts.NoPrefix {
		args = append(args, "--no-log-prefix")
	}
	if opts.Tail != nil {
		args = append(args, "--tail", fmt.Sprint(*opts.Tail))
	}
	if since != "" {
		args = append(args, "--since", since)
	}
	if instance != "" {
		args = append(args, instance)
	}
	if opts.Follow {
		d := newDedupWriter(w)
		defer d.Flush()
		w = d
	}
	_, err = eng.RunCompose(ctx, args, runtime.RunOptions{Stdout: w, Stderr: w})
	if err != nil && ctx.Err() != nil && opts.Follow {
		return nil // the user stopped following
	}
	return err
}

// History lists a stack's recorded runs, newest first.
func (s *Service) History(ctx context.Context, stack string) ([]store.Run, error) {
	if _, err := s.Store.GetStack(ctx, stack); err != nil {
		return nil, err
	}
	return s.Store.History(ctx, stack, 50)
}
