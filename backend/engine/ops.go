package engine

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/store"
)

// Quick operations on a whole stack (what the tray calls). They take the same lock as
// apply and are recorded in the stack's history.
const (
	OpStart = "start"
	OpStop  = "stop"
	OpDown  = "down"
)

// Operate runs start, stop or down on a stack under its lock. start needs the stack to have
// been applied (its containers exist); down removes containers and network but keeps
// named volumes (data).
func (s *Service) Operate(ctx context.Context, stack, op, who string, sink Sink) error {
	if sink == nil {
		sink = discard()
	}
	if op != OpStart && op != OpStop && op != OpDown {
		return model.Invalid("operation", fmt.Sprintf("unknown operation %q", op), "Use start, stop or down.")
	}
	rs, err := s.Resolve(ctx, stack)
	if err != nil {
		return err
	}
	eng, err := s.Engine(ctx)
	if err != nil {
		return err
	}
	lock, err := s.Store.LockStack(ctx, stack, op, who, nil)
	if err != nil {
		return err
	}
	finishCtx := context.WithoutCancel(ctx)
	var args []string
	switch op {
	case OpStart:
		args = []string{"start"}
	case OpStop:
		args = []string{"stop"}
	case OpDown:
		args = []string{"down", "--remove-orphans"}
	default:
		lock.Release(finishCtx)
		return model.Invalid("operation", "unknown operation "+op, "Use start, stop or down.")
	}
	base := []string{"-p", model.ProjectName(stack)}
	var doc []byte
	if op != OpDown {
		doc, err = compose.Generate(rs.Effective)
		if err != nil {
			_ = lock.Finish(finishCtx, "failed", nil, model.AsError(err).Detail, nil, "", nil, false)
			return err
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
			_ = lock.Finish(finishCtx, "failed", nil, model.AsError(err).Detail, nil, "", nil, false)
			return err
		}
	}
	w := progressWriter(stack, sink)
	_, runErr := eng.RunCompose(ctx, append(base, args...), env.runOptions(doc, w))
	w.Close()
	if runErr != nil {
		status := "failed"
		if ctx.Err() != nil {
			status = "canceled"
		}
		_ = lock.Finish(finishCtx, status, nil, model.AsError(runErr).Detail, nil, "", nil, false)
		return runErr
	}
	switch op {
	case OpStart:
		_ = lock.SetRunning(finishCtx, true)
	case OpStop:
		_ = lock.SetRunning(finishCtx, false)
	}
	// down forgets the applied state: the next plan creates everything again.
	return lock.Finish(finishCtx, "succeeded", []ActionResult{{Action: op + " " + stack, Status: "done"}}, "", nil, "", nil, op == OpDown)
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
		row := InstanceStatus{Instance: in.Name, Container: model.ContainerName(stack, in.Name), State: "not created"}
		if c, ok := byInstance[in.Name]; ok {
			row.State, row.Health, row.Image, row.Status = c.State, c.Health, c.Image, c.Status
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
// end.
func (s *Service) Logs(ctx context.Context, stack, instance string, follow bool, w io.Writer) error {
	if _, err := s.Store.GetStack(ctx, stack); err != nil {
		return err
	}
	if instance != "" {
		// Passed to compose as an argument: a valid name can never be read as a flag.
		if err := model.ValidateInstanceName(stack, instance); err != nil {
			return err
		}
	}
	eng, err := s.Engine(ctx)
	if err != nil {
		return err
	}
	args := []string{"-p", model.ProjectName(stack), "logs", "--no-color", "--timestamps"}
	if follow {
		args = append(args, "--follow")
	}
	if instance != "" {
		args = append(args, instance)
	}
	_, err = eng.RunCompose(ctx, args, runtime.RunOptions{Stdout: w, Stderr: w})
	if err != nil && ctx.Err() != nil && follow {
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
