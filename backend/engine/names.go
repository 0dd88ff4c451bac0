package engine

import (
	"context"
	"sort"
)

// Names for shell completion and "did you mean" hints: read from the store only, never
// from the container engine, so they answer in the time of one query.

// StackNames lists every stack's name, sorted.
func (s *Service) StackNames(ctx context.Context) ([]string, error) {
	list, err := s.Store.ListStacks(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list))
	for _, st := range list {
		out = append(out, st.Name)
	}
	return out, nil
}

// InstanceNames lists a stack's instance names, sorted.
func (s *Service) InstanceNames(ctx context.Context, stack string) ([]string, error) {
	st, err := s.Store.GetStack(ctx, stack)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(st.Instances))
	for _, in := range st.Instances {
		out = append(out, in.Name)
	}
	return out, nil
}

// TemplateNames lists every template's name (built-in and custom), sorted.
func (s *Service) TemplateNames(ctx context.Context) ([]string, error) {
	ts, err := s.Store.ListTemplates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.Name)
	}
	sort.Strings(out)
	return out, nil
}

// SecretNames lists the names of a stack's stored secrets, sorted (never their values).
func (s *Service) SecretNames(ctx context.Context, stack string) ([]string, error) {
	xs, err := s.Store.StackSecrets(ctx, stack)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, x.Name)
	}
	sort.Strings(out)
	return out, nil
}
