package engine

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/store"
)

// StackDetail is a stack with its resolved instances and their live state.
type StackDetail struct {
	Resolved ResolvedStack
	Status   string
	// Containers maps instance name to its container's state ("running", "exited", ...);
	// absent when it has none.
	Containers map[string]runtime.Container
	EngineErr  error
	Clashes    []error
}

// Stack returns a stack page's data: resolution, live state (one engine call) and port
// clashes.
func (s *Service) Stack(ctx context.Context, name string) (StackDetail, error) {
	rs, err := s.Resolve(ctx, name)
	if err != nil {
		return StackDetail{}, err
	}
	d := StackDetail{Resolved: rs, Containers: map[string]runtime.Container{}}
	cs, err := s.stackContainers(ctx, name)
	d.EngineErr = err
	for _, c := range cs {
		d.Containers[c.Labels[model.LabelInstance]] = c
	}
	d.Status = StackStatus(cs)
	if err != nil {
		d.Status = StatusUnknown
	}
	d.Clashes, err = s.PortClashes(ctx, name)
	return d, err
}

func (s *Service) stackContainers(ctx context.Context, name string) ([]runtime.Container, error) {
	eng, err := s.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return eng.ListContainers(ctx, []string{model.LabelStack + "=" + name})
}

// RenameStack renames a stack. Its containers are not touched here: the next plan shows
// them replaced under the new names. It holds the stack's lock, like apply: renaming the
// directory an apply's compose is using would orphan containers.
func (s *Service) RenameStack(ctx context.Context, name, newName, who string) error {
	if err := model.ValidateStackName(newName); err != nil {
		return err
	}
	st, err := s.Store.GetStack(ctx, name)
	if err != nil {
		return err
	}
	for _, inst := range st.Instances {
		if err := model.ValidateInstanceName(newName, inst.Name); err != nil {
			return model.Invalid("name", fmt.Sprintf("stack name %q is too long for instance %q", newName, inst.Name), model.AsError(err).Detail)
		}
	}
	lock, err := s.lockStack(ctx, name, "rename", who, nil)
	if err != nil {
		return err
	}
	finishCtx := context.WithoutCancel(ctx)
	if err := s.Store.RenameStack(ctx, name, newName); err != nil {
		_ = lock.Finish(finishCtx, store.Outcome{Status: store.RunFailed, Stderr: model.AsError(err).Summary})
		return err
	}
	if old := s.StackDir(name); dirExists(old) {
		_ = os.Rename(old, s.StackDir(newName))
	}
	return lock.Finish(finishCtx, store.Outcome{Status: store.RunSucceeded, Results: []ActionResult{{Action: "rename " + name + " to " + newName, Status: ResultDone}}})
}

// DeleteStack deletes a stack. A stack with running containers is refused unless force,
// which first takes its containers and network down. It holds the stack's lock throughout,
// like apply: deleting the rows and directory of a stack an apply is running would orphan
// its containers.
func (s *Service) DeleteStack(ctx context.Context, name string, force bool, who string) error {
	if _, err := s.Store.GetStack(ctx, name); err != nil {
		return err
	}
	lock, err := s.lockStack(ctx, name, "delete", who, nil)
	if err != nil {
		return err
	}
	if err := s.deleteLocked(ctx, name, force); err != nil {
		_ = lock.Finish(context.WithoutCancel(ctx), store.Outcome{Status: store.RunFailed, Stderr: model.AsError(err).Summary})
		return err
	}
	// The run record went with the stack: releasing the lock is all that is left.
	lock.Release(ctx)
	return nil
}

func (s *Service) deleteLocked(ctx context.Context, name string, force bool) error {
	cs, err := s.stackContainers(ctx, name)
	if err != nil && !force {
		return model.Wrap(model.KindEngineUnavailable, err, "cannot tell whether the stack is running",
			model.AsError(err).Summary+". Start the container engine, or delete with --force to delete the definition anyway.")
	}
	var running []string
	for _, c := range cs {
		if c.State == "running" {
			running = append(running, c.Name)
		}
	}
	if len(running) > 0 && !force {
		return &model.Error{Kind: model.KindConflict, Field: "stack",
			Summary: fmt.Sprintf("stack %q is running (%s)", name, strings.Join(running, ", ")),
			Detail:  "Stop it first (devarch down " + name + "), or delete with --force, which takes it down."}
	}
	if force && len(cs) > 0 {
		eng, err := s.Engine(ctx)
		if err != nil {
			return err
		}
		if _, err := eng.RunCompose(ctx, []string{"-p", model.ProjectName(name), "down", "--remove-orphans"}, runtime.RunOptions{}); err != nil {
			return err
		}
	}
	if err := s.Store.DeleteStack(ctx, name); err != nil {
		return err
	}
	_ = os.RemoveAll(s.StackDir(name))
	return nil
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// lockStack takes a stack's lock for an operation. Holding it proves no live DevArch works on
// the stack, so a compose process a crashed one left behind is stopped first: it could
// otherwise still be changing the containers this operation is about to change.
func (s *Service) lockStack(ctx context.Context, stack, op, who string, planID *int64) (*store.StackLock, error) {
	lock, err := s.Store.LockStack(ctx, stack, op, who, planID)
	if err != nil {
		return nil, err
	}
	runtime.StopStrayCompose(model.ProjectName(stack), s.StackDir(stack))
	return lock, nil
}
