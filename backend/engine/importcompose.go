package engine

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/devarch/devarch/backend/composeimport"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/transfer"
)

// ComposeImportOptions are devarch import-compose's choices.
type ComposeImportOptions struct {
	// Files are the project's compose files, merged in order; the first one's folder is
	// the project folder, which becomes the stack's root.
	Files []string
	// Profiles enable services that carry one.
	Profiles []string
	// Stack names the new stack (required: a compose project's name is rarely a stack name
	// the user chose).
	Stack  string
	DryRun bool
}

// ComposeImportResult is an import's result and the fidelity report: every field of the
// original that was changed or not carried, with its path.
type ComposeImportResult struct {
	ImportResult
	Report []composeimport.Finding
}

// ImportCompose creates a stack from an existing compose project (backend/composeimport):
// one instance per service, each from a custom template made from the service, with the
// project folder as the stack's root so relative bind mounts and build contexts point
// where they did. Credentials found in environments are stored as stack secrets. The
// stack is created like a devarch.yml import: everything checked first, then one
// transaction.
func (s *Service) ImportCompose(ctx context.Context, opts ComposeImportOptions) (ComposeImportResult, error) {
	if opts.Stack == "" {
		return ComposeImportResult{}, model.Invalid("stack", "no stack name given", "Name the new stack with --stack NAME.")
	}
	if err := model.ValidateStackName(opts.Stack); err != nil {
		return ComposeImportResult{}, err
	}
	p, err := composeimport.Load(ctx, composeimport.LoadOptions{Files: opts.Files, Profiles: opts.Profiles})
	if err != nil {
		return ComposeImportResult{}, err
	}
	conv, err := composeimport.Convert(p, opts.Stack)
	if err != nil {
		return ComposeImportResult{}, err
	}
	if err := validRoot(conv.Root); err != nil {
		return ComposeImportResult{}, err
	}
	d := transfer.Document{
		Name:        opts.Stack,
		Description: fmt.Sprintf("imported from %s", filepath.Join(filepath.Base(conv.Root), filepath.Base(opts.Files[0]))),
		Templates:   conv.Templates,
		Secrets:     slices.Sorted(slices.Values(append(slices.Collect(maps.Keys(conv.Secrets)), conv.MissingSecrets...))),
	}
	for _, in := range conv.Instances {
		d.Instances = append(d.Instances, transfer.Instance{Name: in.Name, Template: in.Template, Overrides: in.Overrides})
	}
	values := make(map[string]secrets.Value, len(conv.Secrets))
	for n, v := range conv.Secrets {
		values[n] = secrets.NewValue(v)
	}
	res, err := s.importDocument(ctx, transfer.Canonical(d), ImportOptions{DryRun: opts.DryRun}, importExtras{Secrets: values, Root: conv.Root})
	if err != nil {
		return ComposeImportResult{}, err
	}
	return ComposeImportResult{ImportResult: res, Report: conv.Report}, nil
}
