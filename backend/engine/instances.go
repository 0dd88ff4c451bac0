package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/resolve"
)

// InstanceView is an instance with its effective configuration.
type InstanceView struct {
	Instance  model.Instance
	Revision  int64
	Effective model.EffectiveService
}

// AddInstance places a template in a stack. sets are "PATH=VALUE" overrides applied on top
// (CLI --set). Everything is validated before anything is written.
func (s *Service) AddInstance(ctx context.Context, stack, name, template string, sets []string) (InstanceView, error) {
	if err := model.ValidateInstanceName(stack, name); err != nil {
		return InstanceView{}, err
	}
	t, err := s.Store.GetTemplate(ctx, template)
	if err != nil {
		return InstanceView{}, err
	}
	overrides := model.Spec{}
	for _, kv := range sets {
		if overrides, err = applySet(t.Service, overrides, kv); err != nil {
			return InstanceView{}, err
		}
	}
	inst := model.Instance{Stack: stack, Name: name, Template: template, Overrides: overrides}
	if _, err := resolve.Resolve(t, inst); err != nil {
		return InstanceView{}, err
	}
	if err := s.Store.AddInstance(ctx, inst); err != nil {
		return InstanceView{}, err
	}
	return s.Instance(ctx, stack, name)
}

// applySet applies one "PATH=VALUE" to overrides. A key of an object the instance does
// not override yet (healthcheck.retries) starts from the template's object.
func applySet(template, o model.Spec, kv string) (model.Spec, error) {
	path, value, ok := strings.Cut(kv, "=")
	if !ok || path == "" {
		return nil, model.Invalid("set", fmt.Sprintf("%q is not PATH=VALUE", kv),
			"Write the field path, an equals sign and the value, e.g. image=nginx:1.27, environment.APP_ENV=local or ports=[\"8080:80\"].")
	}
	return resolve.SetPathFrom(template, o, path, value)
}

// Instance returns one instance with its effective configuration.
func (s *Service) Instance(ctx context.Context, stack, name string) (InstanceView, error) {
	rs, err := s.Resolve(ctx, stack)
	if err != nil {
		return InstanceView{}, err
	}
	for i, inst := range rs.Stack.Instances {
		if inst.Name == name {
			return InstanceView{Instance: inst, Revision: rs.Stack.Revision, Effective: rs.Effective.Services[i]}, nil
		}
	}
	return InstanceView{}, &model.Error{Kind: model.KindNotFound, Field: "instance",
		Summary: fmt.Sprintf("stack %q has no instance named %q", stack, name),
		Detail:  "See its instances with: devarch stack show " + stack}
}

// UpdateInstance applies "PATH=VALUE" sets and PATH unsets to an instance's overrides, as
// one write: all are validated first, and nothing is stored if any is wrong.
func (s *Service) UpdateInstance(ctx context.Context, stack, name string, sets, unsets []string) (InstanceView, error) {
	cur, err := s.Instance(ctx, stack, name)
	if err != nil {
		return InstanceView{}, err
	}
	t, err := s.Store.GetTemplate(ctx, cur.Instance.Template)
	if err != nil {
		return InstanceView{}, err
	}
	o := cur.Instance.Overrides
	for _, kv := range sets {
		if o, err = applySet(t.Service, o, kv); err != nil {
			return InstanceView{}, err
		}
	}
	for _, p := range unsets {
		if o, err = resolve.UnsetPath(o, p); err != nil {
			return InstanceView{}, err
		}
	}
	return s.replaceOverrides(ctx, cur, o)
}

// SetOverridesYAML replaces an instance's whole override delta from YAML (the editor's
// override view). Syntax errors report line and column; field errors their path.
func (s *Service) SetOverridesYAML(ctx context.Context, stack, name, text string) (InstanceView, error) {
	cur, err := s.Instance(ctx, stack, name)
	if err != nil {
		return InstanceView{}, err
	}
	norm, err := resolve.ParseOverridesYAML(text)
	if err != nil {
		return InstanceView{}, err
	}
	return s.replaceOverrides(ctx, cur, norm)
}

func (s *Service) replaceOverrides(ctx context.Context, cur InstanceView, o model.Spec) (InstanceView, error) {
	if err := resolve.ValidateOverrides(o); err != nil {
		return InstanceView{}, err
	}
	t, err := s.Store.GetTemplate(ctx, cur.Instance.Template)
	if err != nil {
		return InstanceView{}, err
	}
	next := cur.Instance
	next.Overrides = o
	if _, err := resolve.Resolve(t, next); err != nil {
		return InstanceView{}, err
	}
	if err := s.Store.SetOverrides(ctx, next.Stack, next.Name, o); err != nil {
		return InstanceView{}, err
	}
	return s.Instance(ctx, next.Stack, next.Name)
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

// RemoveInstance deletes an instance.
func (s *Service) RemoveInstance(ctx context.Context, stack, name string) error {
	return s.Store.RemoveInstance(ctx, stack, name)
}
