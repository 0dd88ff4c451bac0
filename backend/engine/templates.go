package engine

import (
	"context"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/resolve"
	"github.com/devarch/devarch/backend/store"
)

// Templates lists the catalog with each template's users.
func (s *Service) Templates(ctx context.Context) ([]store.TemplateEntry, error) {
	return s.Store.ListTemplates(ctx)
}

// Template returns one template and its YAML definition.
func (s *Service) Template(ctx context.Context, name string) (model.Template, []byte, error) {
	t, err := s.Store.GetTemplate(ctx, name)
	if err != nil {
		return t, nil, err
	}
	doc, err := catalog.Marshal(t)
	return t, doc, err
}

// ImportTemplate creates (or, with replace, updates) a custom template from YAML.
// Everything is validated first; syntax errors name line and column. Every way a template
// comes in (CLI import and clone, the desktop editor) passes here, so catalog.ParseContext
// applies the same size limit (catalog.MaxSize) to all, and ctx stops the parse.
func (s *Service) ImportTemplate(ctx context.Context, doc []byte, replace bool) (model.Template, bool, error) {
	t, err := catalog.ParseContext(ctx, doc, false)
	if err != nil {
		return t, false, err
	}
	if err := resolve.ValidateTemplateSpec(t.Service); err != nil {
		return t, false, err
	}
	created, err := s.Store.SaveCustomTemplate(ctx, t, replace)
	return t, created, err
}

// CloneTemplate copies a template (built-in or custom) under a new name as a custom one.
func (s *Service) CloneTemplate(ctx context.Context, name, newName string) (model.Template, error) {
	t, err := s.Store.GetTemplate(ctx, name)
	if err != nil {
		return t, err
	}
	t.Name, t.Builtin, t.Version = newName, false, 0
	doc, err := catalog.Marshal(t)
	if err != nil {
		return t, err
	}
	t, _, err = s.ImportTemplate(ctx, doc, false)
	return t, err
}

// DeleteTemplate deletes a custom template no instance uses.
func (s *Service) DeleteTemplate(ctx context.Context, name string) error {
	return s.Store.DeleteTemplate(ctx, name)
}
