package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

// OperateInstances runs start or stop on some instances of a stack (devarch start|stop
// STACK INSTANCE...; the graph's node menu), under the stack's lock and recorded in its
// history like Operate, and records what the user means them to be: a stopped instance
// stays stopped through later plans and applies (the plan lists it as stopped on purpose)
// until it or its stack is started. With no instance named it is Operate on the whole stack.
//
// Every name must be an instance of the stack (an unknown one is refused with the nearest
// name) and have a container (apply makes them): nothing runs otherwise. compose starts an
// instance's dependencies with it (`compose start` has no --no-deps), so starting one also
// starts, and marks running, the instances it depends on, and the result says so; stop
// stops only the named ones.
func (s *Service) OperateInstances(ctx context.Context, stack, op string, instances []string, who string, sink Sink) (OpResult, error) {
	if len(instances) == 0 {
		return s.Operate(ctx, stack, op, OpOptions{}, who, sink)
	}
	if sink == nil {
		sink = discard()
	}
	if op != OpStart && op != OpStop {
		return OpResult{}, model.Invalid("operation", fmt.Sprintf("%s takes a whole stack, not instances", op),
			"Start or stop single instances; take the stack down with: devarch down "+stack)
	}
	rs, err := s.Resolve(ctx, stack)
	if err != nil {
		return OpResult{}, err
	}
	var names []string
	for _, in := range rs.Stack.Instances {
		names = append(names, in.Name)
	}
	var picked []string
	for _, name := range instances {
		if slices.Contains(picked, name) {
			continue
		}
		if !hasInstance(rs.Stack, name) {
			return OpResult{}, &model.Error{Kind: model.KindNotFound, Field: "instance",
				Summary: fmt.Sprintf("stack %s has no instance named %q", stack, name),
				Detail:  nearest(name, names) + "Its instances: " + listOrNone(names) + "."}
		}
		picked = append(picked, name)
	}
	// Starting an instance starts what it depends on (compose's rule): those are named too.
	targets := picked
	if op == OpStart {
		targets = withDependencies(rs.Effective, picked)
	}
	eng, err := s.engineOn(ctx, runsOn(rs.Stack))
	if err != nil {
		return OpResult{}, err
	}
	cs, err := eng.ListContainers(ctx, []string{model.LabelStack + "=" + stack})
	if err != nil {
		return OpResult{}, err
	}
	have := map[string]bool{}
	for _, c := range cs {
		have[c.Labels[model.LabelInstance]] = true
	}
	var missing []string
	for _, name := range targets {
		if !have[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return OpResult{}, &model.Error{Kind: model.KindConflict, Field: "instance",
			Summary: fmt.Sprintf("%s of stack %s %s no container yet", strings.Join(missing, ", "), stack, map[bool]string{true: "has", false: "have"}[len(missing) == 1]),
			Detail:  "Apply the stack first to create it: devarch apply " + stack}
	}

	lock, err := s.lockStack(ctx, stack, store.Operation(op), who, nil)
	if err != nil {
		return OpResult{}, err
	}
	finishCtx := context.WithoutCancel(ctx)
	failed := failedOp(ctx, lock)
	doc, err := compose.Generate(rs.Effective)
	if err != nil {
		return failed(err)
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
	// The names are instance names the stack holds (validated when added): never flags.
	args := append(append(s.composeArgs(stack), op), picked...)
	w := progressWriter(stack, sink, healthchecked(rs))
	_, runErr := eng.RunCompose(ctx, args, env.runOptions(doc, w))
	w.Close()
	if runErr != nil {
		return failed(composeFailure(stack, runErr))
	}
	if err := lock.SetInstancesStopped(finishCtx, targets, op == OpStop); err != nil {
		return failed(err)
	}
	res := OpResult{Summary: "done"}
	if extra := targets[len(picked):]; len(extra) > 0 {
		res.Summary = "done; also started " + strings.Join(extra, ", ") + " (depended on)"
	}
	var results []ActionResult
	for _, name := range targets {
		results = append(results, ActionResult{Action: op + " " + name, Instance: name, Container: model.ContainerName(stack, name), Status: ResultDone})
	}
	return res, lock.Finish(finishCtx, store.Outcome{Status: store.RunSucceeded, Results: results})
}

// withDependencies returns names followed by every instance they depend on, directly or
// not, that is not named (in a stable order: breadth first, names sorted at each step).
func withDependencies(st model.EffectiveStack, names []string) []string {
	deps := map[string][]string{}
	for _, es := range st.Services {
		for d := range es.DependsOn {
			deps[es.Instance] = append(deps[es.Instance], d)
		}
		slices.Sort(deps[es.Instance])
	}
	out := slices.Clone(names)
	for i := 0; i < len(out); i++ {
		for _, d := range deps[out[i]] {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}
