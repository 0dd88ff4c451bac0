package bindings

import (
	"context"
	"sort"
	"time"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
)

// call runs fn with the ready service and a bounded context, mapping errors to problems.
func call[T any](h *Host, timeout time.Duration, fn func(context.Context, *engine.Service) (T, error)) (T, error) {
	var zero T
	base, svc, err := h.service()
	if err != nil {
		return zero, problem(err)
	}
	ctx, cancel := context.WithTimeout(base, timeout)
	defer cancel()
	out, err := fn(ctx, svc)
	if err != nil {
		return zero, problem(err)
	}
	return out, nil
}

// Templates serves the template catalog page and the add-instance dialog.
type Templates struct{ host *Host }

// NewTemplates binds Templates to host.
func NewTemplates(host *Host) *Templates { return &Templates{host: host} }

func templateSummary(t model.Template, usedBy []string) TemplateSummary {
	s := TemplateSummary{Name: t.Name, Builtin: t.Builtin, Version: t.Version, Category: t.Category, Description: t.Description,
		Ports: []string{}, Provides: []string{}, Consumes: []ContractNeed{}, UsedBy: usedBy}
	if s.UsedBy == nil {
		s.UsedBy = []string{}
	}
	if img, ok := t.Service["image"].(string); ok {
		s.Image = img
	}
	if ps, ok := t.Service["ports"].([]any); ok {
		for _, p := range ps {
			if ps, ok := p.(string); ok {
				s.Ports = append(s.Ports, ps)
			}
		}
	}
	for _, p := range t.Provides {
		s.Provides = append(s.Provides, p.Contract)
	}
	sort.Strings(s.Provides)
	for _, c := range t.Consumes {
		s.Consumes = append(s.Consumes, ContractNeed{Contract: c.Contract, Required: c.Required})
	}
	return s
}

// List returns every template with its users.
func (t *Templates) List() ([]TemplateSummary, error) {
	return call(t.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) ([]TemplateSummary, error) {
		ts, err := svc.Templates(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]TemplateSummary, 0, len(ts))
		for _, e := range ts {
			out = append(out, templateSummary(e.Template, e.UsedBy))
		}
		return out, nil
	})
}

func (t *Templates) detail(ctx context.Context, svc *engine.Service, name string) (TemplateDetail, error) {
	tpl, doc, err := svc.Template(ctx, name)
	if err != nil {
		return TemplateDetail{}, err
	}
	var used []string
	if all, err := svc.Templates(ctx); err == nil {
		for _, e := range all {
			if e.Name == name {
				used = e.UsedBy
			}
		}
	}
	return TemplateDetail{TemplateSummary: templateSummary(tpl, used), YAML: string(doc)}, nil
}

// Get returns one template with its YAML definition.
func (t *Templates) Get(name string) (TemplateDetail, error) {
	return call(t.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (TemplateDetail, error) {
		return t.detail(ctx, svc, name)
	})
}

// Save creates a custom template from YAML, or replaces an existing custom one when
// replace is true.
func (t *Templates) Save(yamlText string, replace bool) (TemplateSummary, error) {
	return call(t.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (TemplateSummary, error) {
		tpl, _, err := svc.ImportTemplate(ctx, []byte(yamlText), replace)
		if err != nil {
			return TemplateSummary{}, err
		}
		return templateSummary(tpl, nil), nil
	})
}

// Clone copies a template as a new custom one.
func (t *Templates) Clone(name, newName string) (TemplateDetail, error) {
	return call(t.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (TemplateDetail, error) {
		if _, err := svc.CloneTemplate(ctx, name, newName); err != nil {
			return TemplateDetail{}, err
		}
		return t.detail(ctx, svc, newName)
	})
}

// Delete deletes a custom template; refused while instances use it.
func (t *Templates) Delete(name string) error {
	_, err := call(t.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (struct{}, error) {
		return struct{}{}, svc.DeleteTemplate(ctx, name)
	})
	return err
}
