package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/resolve"
)

// InstanceView is an instance with its effective configuration.
type InstanceView struct {
	Instance  model.Instance
	Revision  int64
	Effective model.EffectiveService
	// Changed reports, for a write, whether it changed the stored overrides. A write that
	// leaves them as they were (unsetting what is not set, setting a value it already has,
	// the same YAML again) stores nothing and keeps the stack's revision, so saved plans stay
	// applicable; the caller can say "nothing changed". Always false for a read.
	Changed bool
}

// AddInstance places a template in a stack. sets are "PATH=VALUE" overrides applied on top
// (CLI --set). Everything is checked before anything is written, as UpdateInstance does:
// every problem is reported at once and nothing is stored when there is one. Variables the
// template generates get a secret each when a key store exists (generate.go).
func (s *Service) AddInstance(ctx context.Context, stack, name, template string, sets []string) (InstanceView, error) {
	if err := model.ValidateInstanceName(stack, name); err != nil {
		return InstanceView{}, err
	}
	t, err := s.Store.GetTemplate(ctx, template)
	if err != nil {
		return InstanceView{}, err
	}
	o, problems, err := resolve.Edit(t.Service, model.Spec{}, sets, nil)
	if err != nil {
		return InstanceView{}, err
	}
	var gen []generatedSecret
	if len(problems) == 0 && len(t.Generate) > 0 && s.keyStoreAvailable(ctx) {
		gen = generatedSecrets(t, name, o)
		if o, err = withGenerated(t, o, gen); err != nil {
			return InstanceView{}, err
		}
	}
	inst := model.Instance{Stack: stack, Name: name, Template: template, Overrides: o}
	if inst.Overrides, err = checkInstance(t, inst, problems); err != nil {
		return InstanceView{}, err
	}
	// The secrets before the instance: an instance referencing a secret that is not there
	// yet would fail every plan, while a secret left by an add that failed afterwards is
	// reused by the next add of that name.
	if err := s.storeGenerated(ctx, stack, gen); err != nil {
		return InstanceView{}, err
	}
	rev, err := s.Store.AddInstanceRevision(ctx, inst)
	if err != nil {
		return InstanceView{}, err
	}
	return instanceView(t, inst, rev, true)
}

// checkInstance runs, for one instance about to be stored, every check that plan would run
// on it (resolve's validation and value rules, then compose's checks of the effective
// service: ports, reserved labels, image or build, volumes, secret references), and
// reports every problem at once together with the problems of the edits that produced
// it: one error whose summary counts them (model.JoinProblems), sorted by field path. On
// success it returns the overrides in canonical form, ready to store.
//
// Checks that need the whole stack (two instances publishing one host port: a warning, not
// an error; two secret names reaching compose as one variable) stay with plan, so that one
// instance can always be written, and fixed, on its own.
func checkInstance(t model.Template, inst model.Instance, problems []*model.Error) (model.Spec, error) {
	problems = append(problems, serviceProblems(t, inst)...)
	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b *model.Error) int { return strings.Compare(a.Field, b.Field) })
		err := model.JoinProblems(fmt.Sprintf("instance %q of stack %q", inst.Name, inst.Stack), problems)
		if len(err.Problems) > 0 {
			err.Detail += "\nNothing was changed."
		}
		return nil, err
	}
	return resolve.NormalizeOverrides(inst.Overrides)
}

// serviceProblems are resolve's problems of inst over t (ResolveAll) and compose's of the
// effective service made of the fields without one (compose.CheckService). A field resolve
// refused is left out of the effective service, so compose could report its absence too
// (image: 5 in a template, then "neither an image nor a build"): compose's problems about a
// field resolve already reported are dropped, the image-or-build one when either field was.
func serviceProblems(t model.Template, inst model.Instance) []*model.Error {
	es, problems := resolve.ResolveAll(t, inst)
	if es.Spec == nil {
		return problems
	}
	refused := map[string]bool{}
	for _, p := range problems {
		refused[topField(p.Field)] = true
	}
	for _, p := range compose.CheckService(es) {
		f := topField(p.Field)
		if refused[f] || (f == "image" && refused["build"]) {
			continue
		}
		problems = append(problems, p)
	}
	return problems
}

// topField is the top-level field of a path: "healthcheck" for "healthcheck.retries",
// "ports" for "ports[1]".
func topField(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

// instanceView is the view of inst (overrides valid) at revision.
func instanceView(t model.Template, inst model.Instance, revision int64, changed bool) (InstanceView, error) {
	es, err := resolve.Resolve(t, inst)
	if err != nil {
		return InstanceView{}, err
	}
	return InstanceView{Instance: inst, Revision: revision, Effective: es, Changed: changed}, nil
}

// loadInstance reads one instance and its template from one snapshot of the stack. Unlike
// Resolve it does not resolve the other instances, so that one whose stored overrides
// became invalid (under rules added later) does not stop this one from being shown or
// written, or itself from being fixed.
func (s *Service) loadInstance(ctx context.Context, stack, name string) (model.Instance, model.Template, int64, error) {
	st, templates, err := s.Store.LoadForResolve(ctx, stack)
	if err != nil {
		return model.Instance{}, model.Template{}, 0, err
	}
	for _, inst := range st.Instances {
		if inst.Name == name {
			t, ok := templates[inst.Template]
			if !ok {
				return model.Instance{}, model.Template{}, 0, model.NewError(model.KindInternal, "template missing for "+inst.Name, inst.Template)
			}
			return inst, t, st.Revision, nil
		}
	}
	return model.Instance{}, model.Template{}, 0, &model.Error{Kind: model.KindNotFound, Field: "instance",
		Summary: fmt.Sprintf("stack %q has no instance named %q", stack, name),
		Detail:  "See its instances with: devarch stack show " + stack}
}

// Instance returns one instance with its effective configuration.
func (s *Service) Instance(ctx context.Context, stack, name string) (InstanceView, error) {
	inst, t, rev, err := s.loadInstance(ctx, stack, name)
	if err != nil {
		return InstanceView{}, err
	}
	es, err := resolve.Resolve(t, inst)
	if err != nil {
		return InstanceView{}, err
	}
	// With the stack's wiring when the stack resolves (wired variables, origin wiring);
	// another instance's problem must not hide this one's config.
	if rs, err := s.Resolve(ctx, stack); err == nil {
		for _, w := range rs.Effective.Services {
			if w.Instance == name {
				es = w
			}
		}
	}
	return InstanceView{Instance: inst, Revision: rev, Effective: es}, nil
}

// UpdateInstance applies "PATH=VALUE" sets and PATH unsets (each back to the template's
// value, resolve.UnsetPathFrom) to an instance's overrides, as one write: all are checked
// first, every problem is reported at once, and nothing is stored if there is one. A set
// and an unset of the same path in one call are refused, naming both. A write that leaves
// the overrides as they were stores nothing and keeps the revision (InstanceView.Changed).
func (s *Service) UpdateInstance(ctx context.Context, stack, name string, sets, unsets []string) (InstanceView, error) {
	cur, t, _, err := s.loadInstance(ctx, stack, name)
	if err != nil {
		return InstanceView{}, err
	}
	o, problems, err := resolve.Edit(t.Service, cur.Overrides, sets, unsets)
	if err != nil {
		return InstanceView{}, err
	}
	return s.replaceOverrides(ctx, cur, t, o, problems)
}

// SetOverridesYAML replaces an instance's whole override delta from YAML (the editor's
// override view). Syntax errors report line and column (the first one: after it nothing
// can be read reliably); every other problem is reported at once, as UpdateInstance does.
// The same delta again changes nothing (InstanceView.Changed).
func (s *Service) SetOverridesYAML(ctx context.Context, stack, name, text string) (InstanceView, error) {
	cur, t, _, err := s.loadInstance(ctx, stack, name)
	if err != nil {
		return InstanceView{}, err
	}
	o, err := resolve.DecodeOverridesYAML(text)
	if err != nil {
		return InstanceView{}, err
	}
	return s.replaceOverrides(ctx, cur, t, o, nil)
}

// replaceOverrides checks the new delta o of cur (with problems found while making it)
// and stores it unless it equals the stored one.
func (s *Service) replaceOverrides(ctx context.Context, cur model.Instance, t model.Template, o model.Spec, problems []*model.Error) (InstanceView, error) {
	next := cur
	next.Overrides = o
	norm, err := checkInstance(t, next, problems)
	if err != nil {
		return InstanceView{}, err
	}
	next.Overrides = norm
	rev, changed, err := s.Store.ReplaceOverrides(ctx, next.Stack, next.Name, norm)
	if err != nil {
		return InstanceView{}, err
	}
	return instanceView(t, next, rev, changed)
}

// OverridesYAML renders an override delta for the editor ("{}" when empty), in the form
// SetOverridesYAML reads back as the same delta (resolve.FormatOverridesYAML).
func OverridesYAML(o model.Spec) string {
	text, err := resolve.FormatOverridesYAML(o)
	if err != nil {
		return "{}\n"
	}
	return text
}

// RemoveInstance deletes an instance. Its explicit wires go with it. While another
// instance's own depends_on override names it, the removal is refused and changes nothing
// (store.RemoveInstance): the error names each dependent and the command that drops the
// entry (devarch instance set STACK DEPENDENT --unset depends_on.NAME).
func (s *Service) RemoveInstance(ctx context.Context, stack, name string) error {
	return s.Store.RemoveInstance(ctx, stack, name)
}
