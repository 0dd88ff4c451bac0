package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

// RenameInstance renames an instance of a stack. It holds the stack's lock, like apply, and
// refuses while a container of the instance exists (in any state), or one of the new name:
// containers are named after their instance (devarch-{stack}-{instance}), and renaming under
// a live container would leave it running unmanaged. Take the stack down first; the next
// apply creates the container under the new name. Named volumes are keyed by the volume's
// own name, not the instance's, so the data stays. Explicit wires follow (they reference the
// instance, not its name), and so do the other instances' own depends_on entries naming it:
// their key is renamed, conditions kept, in the rename's transaction (store.RenameInstance),
// since a depends_on naming an instance that no longer exists fails every plan. The next
// plan shows each such dependent's change as "depends_on changed: OLD -> NEW". Free-form
// values in other instances that name it (DB_HOST=db) are the user's and are not rewritten.
// Renaming to the same name changes nothing. The rename is recorded in the stack's history.
func (s *Service) RenameInstance(ctx context.Context, stack, name, newName, who string) error {
	st, err := s.Store.GetStack(ctx, stack)
	if err != nil {
		return err
	}
	if !hasInstance(st, name) {
		return instanceMissing(stack, name)
	}
	if newName == name {
		return nil
	}
	if err := model.ValidateInstanceName(stack, newName); err != nil {
		return err
	}
	if hasInstance(st, newName) {
		return &model.Error{Kind: model.KindConflict, Field: "name",
			Summary: fmt.Sprintf("stack %q already has an instance named %q", stack, newName),
			Detail:  "Instance names are unique within a stack. Choose another name."}
	}
	lock, err := s.lockStack(ctx, stack, store.OpRename, who, nil)
	if err != nil {
		return err
	}
	finishCtx := context.WithoutCancel(ctx)
	fail := func(err error) error {
		_ = lock.Finish(finishCtx, store.Outcome{Status: store.RunFailed, Stderr: recordText(err)})
		return err
	}
	cs, err := s.stackContainers(ctx, stack)
	if err != nil {
		return fail(model.Wrap(model.KindEngineUnavailable, err, "cannot tell whether the instance has a container", model.AsError(err).Summary+". Start the container engine and try again."))
	}
	var blocking []string
	for _, c := range cs {
		in := c.Labels[model.LabelInstance]
		if in == name || in == newName || c.Name == model.ContainerName(stack, name) || c.Name == model.ContainerName(stack, newName) {
			blocking = append(blocking, c.Name)
		}
	}
	if len(blocking) > 0 {
		return fail(&model.Error{Kind: model.KindConflict, Field: "instance",
			Summary: fmt.Sprintf("%s/%s has a container (%s)", stack, name, strings.Join(blocking, ", ")),
			Detail: fmt.Sprintf("Containers are named after their instance. Take the stack down first (devarch down %s; volumes keep your data), rename, then apply: devarch apply %s",
				stack, stack)})
	}
	if err := s.Store.RenameInstance(ctx, stack, name, newName); err != nil {
		return fail(err)
	}
	return lock.Finish(finishCtx, store.Outcome{Status: store.RunSucceeded,
		Results: []ActionResult{{Action: "rename " + name + " to " + newName, Instance: newName, Status: ResultDone}}})
}

// SetInstanceTemplate switches an instance to another template, keeping its overrides (the
// delta stays a delta: the new template's values show through wherever the instance did not
// override). The overrides must fit the new template: the switch runs every check an
// instance write runs (checkInstance: resolve's rules, compose's checks of the service) and
// reports every problem at once, as one error naming the fields to unset, and nothing is
// stored. The container is not touched; the next plan replaces it. Switching to the
// template the instance already uses changes nothing (Changed is false) and keeps the
// revision; so does a switch refused because the overrides changed meanwhile (stale).
func (s *Service) SetInstanceTemplate(ctx context.Context, stack, name, template string) (InstanceView, error) {
	cur, _, _, err := s.loadInstance(ctx, stack, name)
	if err != nil {
		return InstanceView{}, err
	}
	t, err := s.Store.GetTemplate(ctx, template)
	if err != nil {
		return InstanceView{}, err
	}
	next := cur
	next.Template = template
	if cur.Template != template {
		if problems := serviceProblems(t, next); len(problems) > 0 {
			return InstanceView{}, fitError(stack, name, template, problems)
		}
	}
	changed, err := s.Store.SetInstanceTemplate(ctx, stack, name, template, cur.Overrides)
	if err != nil {
		return InstanceView{}, err
	}
	_, rev, err := s.Store.StackRevision(ctx, stack)
	if err != nil {
		return InstanceView{}, err
	}
	return instanceView(t, next, rev, changed)
}

// fitError is one error standing for every problem of a template switch, with the fields
// whose overrides to unset to make it fit.
func fitError(stack, name, template string, problems []*model.Error) error {
	slices.SortStableFunc(problems, func(a, b *model.Error) int { return strings.Compare(a.Field, b.Field) })
	var unset []string
	seen := map[string]bool{}
	for _, p := range problems {
		f, _, _ := strings.Cut(p.Field, "[") // ports[1]: the list is unset whole
		if f != "" && !seen[f] {
			seen[f] = true
			unset = append(unset, "--unset "+f)
		}
	}
	how := "Change those overrides first"
	if len(unset) > 0 {
		how += fmt.Sprintf(" (devarch instance set %s %s %s goes back to the template's values)", stack, name, strings.Join(unset, " "))
	}
	e := model.JoinProblems(fmt.Sprintf("the overrides of %s/%s do not fit template %s", stack, name, template), problems)
	if len(e.Problems) == 0 {
		// One problem: say what it is about.
		one := *e
		one.Summary = fmt.Sprintf("the overrides of %s/%s do not fit template %s: %s", stack, name, template, e.Summary)
		e = &one
	}
	e.Detail = strings.TrimSpace(e.Detail + "\nNothing was changed. " + how + ", or choose another template.")
	return e
}

func hasInstance(st model.Stack, name string) bool {
	for _, in := range st.Instances {
		if in.Name == name {
			return true
		}
	}
	return false
}

func instanceMissing(stack, name string) error {
	return &model.Error{Kind: model.KindNotFound, Field: "instance",
		Summary: fmt.Sprintf("stack %q has no instance named %q", stack, name),
		Detail:  "List its instances with: devarch instance list " + stack}
}
