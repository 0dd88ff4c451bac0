package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/model"
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
// comes in (CLI import and clone, the desktop editor) passes here and so through
// SaveTemplate, where catalog.ParseContext applies the same size limit (catalog.MaxSize) to
// all, and ctx stops the parse.
func (s *Service) ImportTemplate(ctx context.Context, doc []byte, replace bool) (model.Template, bool, error) {
	saved, err := s.SaveTemplate(ctx, doc, replace)
	return saved.Template, saved.Created, err
}

// TemplateSaved says what SaveTemplate did.
type TemplateSaved struct {
	Template model.Template
	// Created: the template did not exist before.
	Created bool
	// Changed: false when replace found the same definition already stored; then nothing
	// was written and no stack's revision moved, so saved plans stay applicable.
	Changed bool
}

// SaveTemplate is ImportTemplate telling whether anything changed. The document is parsed
// first (catalog: syntax and structure, the first error with its line and column); then
// every check plan would run on an instance of it with no overrides (value rules, ports,
// reserved labels, ...) runs, and all their problems are reported at once.
func (s *Service) SaveTemplate(ctx context.Context, doc []byte, replace bool) (TemplateSaved, error) {
	t, err := catalog.ParseContext(ctx, doc, false)
	if err != nil {
		return TemplateSaved{Template: t}, err
	}
	if err := checkTemplate(t); err != nil {
		return TemplateSaved{Template: t}, err
	}
	res, err := s.Store.SaveTemplate(ctx, t, replace)
	return TemplateSaved{Template: t, Created: res.Created, Changed: res.Changed}, err
}

// checkTemplate reports every problem of a parsed template's service at once: resolve's
// validation and value rules, then compose's checks of the service as an instance with no
// overrides would have it. Paths are the document's (service.ports[0]).
func checkTemplate(t model.Template) error {
	problems := serviceProblems(t, model.Instance{Name: t.Name, Template: t.Name})
	prefix := fmt.Sprintf("template %q: ", t.Name)
	for i, p := range problems {
		c := *p
		c.Summary = strings.TrimPrefix(c.Summary, prefix)
		if c.Field != "" {
			c.Field = "service." + c.Field // as catalog names paths in a template document
		}
		problems[i] = &c
	}
	slices.SortStableFunc(problems, func(a, b *model.Error) int { return strings.Compare(a.Field, b.Field) })
	if err := model.JoinProblems(fmt.Sprintf("template %q", t.Name), problems); err != nil {
		if len(err.Problems) > 0 {
			err.Detail += "\nNothing was changed."
		}
		return err
	}
	return nil
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
