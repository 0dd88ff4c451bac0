package bindings

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/devarch/devarch/backend/atomicfile"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/transfer"
)

// FileDialogs are the native file choosers the window opens. app.go implements them with
// the Wails runtime, so this package stays free of it; tests give their own. Each returns
// "" (and no error) when the user cancels.
type FileDialogs interface {
	// SaveFile asks where to save a file, proposing defaultName.
	SaveFile(title, defaultName string) (string, error)
	// OpenFile asks for an existing file; filter is a ";"-separated list of patterns
	// (e.g. "*.yml;*.yaml") shown as filterName.
	OpenFile(title, filterName, filter string) (string, error)
	// OpenDirectory asks for an existing folder (a clone's project root).
	OpenDirectory(title string) (string, error)
}

// SetDialogs sets the native file dialogs (app.go wires the Wails runtime's here).
func (h *Host) SetDialogs(d FileDialogs) {
	h.mu.Lock()
	h.dialogs = d
	h.mu.Unlock()
}

func (h *Host) fileDialogs() (FileDialogs, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.dialogs == nil {
		return nil, model.NewError(model.KindUnavailable, "file dialogs are not available here",
			"This window has no native file dialogs (a browser on a dev build); type the file's path instead.")
	}
	return h.dialogs, nil
}

// Transfer shares stacks: export to a devarch.yml, import one, import a compose project.
// Choosing a path (the native dialog) is split from acting on a path, so the window can
// show a preview between the two and a test can act on a path without a dialog.
type Transfer struct{ host *Host }

// NewTransfer binds Transfer to host.
func NewTransfer(host *Host) *Transfer { return &Transfer{host: host} }

// ExportResult is where an export was written and what the reader should know.
type ExportResult struct {
	Path     string   `json:"path"`
	Warnings []string `json:"warnings"`
}

// ImportPreview is what an import created, or for a preview (dryRun) would create.
type ImportPreview struct {
	Stack            string          `json:"stack"`
	DryRun           bool            `json:"dryRun"`
	Instances        []string        `json:"instances"`
	Wires            int             `json:"wires"`
	TemplatesCreated []string        `json:"templatesCreated"`
	TemplatesReused  []string        `json:"templatesReused"`
	SecretsGenerated []string        `json:"secretsGenerated"`
	SecretsSet       []string        `json:"secretsSet"`
	MissingSecrets   []string        `json:"missingSecrets"`
	Warnings         []string        `json:"warnings"`
	Report           []ReportFinding `json:"report"`
	// SecretValuesUnchecked: the file carries encrypted secret values (SecretsSet) that a
	// preview without the passphrase did not decrypt.
	SecretValuesUnchecked bool `json:"secretValuesUnchecked"`
	// Root is the new stack's project root, where its relative paths resolve.
	Root string `json:"root"`
}

// ReportFinding is one line of import-compose's fidelity report: Change is "replaced",
// "changed" or "not carried" (composeimport's kinds).
type ReportFinding struct {
	Path   string `json:"path"`
	Change string `json:"change"`
	Detail string `json:"detail"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func toImportPreview(r engine.ImportResult) ImportPreview {
	return ImportPreview{Stack: r.Stack, DryRun: r.DryRun, Instances: nonNil(r.Instances), Wires: r.Wires,
		TemplatesCreated: nonNil(r.TemplatesCreated), TemplatesReused: nonNil(r.TemplatesReused),
		SecretsGenerated: nonNil(r.SecretsGenerated), SecretsSet: nonNil(r.SecretsSet),
		MissingSecrets: nonNil(r.MissingSecrets), Warnings: nonNil(r.Warnings), Report: []ReportFinding{}, Root: r.Root,
		SecretValuesUnchecked: r.SecretValuesUnchecked}
}

// ChooseExportPath opens the native Save dialog proposing devarch.yml; "" when canceled.
func (t *Transfer) ChooseExportPath(stack string) (string, error) {
	d, err := t.host.fileDialogs()
	if err != nil {
		return "", problem(err)
	}
	p, err := d.SaveFile(fmt.Sprintf("Export stack %s", stack), "devarch.yml")
	if err != nil {
		return "", problem(model.NewError(model.KindInternal, "the Save dialog failed", err.Error()))
	}
	return p, nil
}

// ChooseImportFile opens the native Open dialog: kind "devarch" filters devarch.yml files,
// "compose" compose files. "" when canceled.
func (t *Transfer) ChooseImportFile(kind string) (string, error) {
	d, err := t.host.fileDialogs()
	if err != nil {
		return "", problem(err)
	}
	title, name := "Import a devarch.yml", "DevArch stack (*.yml, *.yaml)"
	switch kind {
	case "devarch":
	case "compose":
		title, name = "Import a compose file", "Compose file (*.yml, *.yaml)"
	default:
		return "", problem(model.Invalid("kind", fmt.Sprintf("%q is not an import kind", kind), `Use "devarch" or "compose".`))
	}
	p, err := d.OpenFile(title, name, "*.yml;*.yaml")
	if err != nil {
		return "", problem(model.NewError(model.KindInternal, "the Open dialog failed", err.Error()))
	}
	return p, nil
}

// ChooseUpdateFile opens the native Open dialog for the devarch.yml to bring stack in line
// with (import --update); "" when canceled.
func (t *Transfer) ChooseUpdateFile(stack string) (string, error) {
	d, err := t.host.fileDialogs()
	if err != nil {
		return "", problem(err)
	}
	p, err := d.OpenFile(fmt.Sprintf("Update stack %s from a devarch.yml", stack), "DevArch stack (*.yml, *.yaml)", "*.yml;*.yaml")
	if err != nil {
		return "", problem(model.NewError(model.KindInternal, "the Open dialog failed", err.Error()))
	}
	return p, nil
}

// ChooseRootFolder opens the native folder dialog for a project root (clone --root); ""
// when canceled.
func (t *Transfer) ChooseRootFolder(title string) (string, error) {
	d, err := t.host.fileDialogs()
	if err != nil {
		return "", problem(err)
	}
	if strings.TrimSpace(title) == "" {
		title = "Choose the project root"
	}
	p, err := d.OpenDirectory(title)
	if err != nil {
		return "", problem(model.NewError(model.KindInternal, "the folder dialog failed", err.Error()))
	}
	return p, nil
}

// ExportTo writes stack's devarch.yml to path (absolute), replacing it atomically: the
// document goes to a temporary file in the same folder, is synced, gets mode 0644 (a
// devarch.yml holds no secret values, and is meant to be shared) and is renamed over
// path, so a failed export never leaves a half-written file.
func (t *Transfer) ExportTo(stack, path string) (ExportResult, error) {
	return t.export(stack, path, engine.ExportOptions{})
}

// ExportWithSecrets is ExportTo with the secret values, encrypted with passphrase (export
// --with-secrets; docs/secrets.md). An existing file at path is the previous export: the
// encrypted blocks of its unchanged values are kept.
func (t *Transfer) ExportWithSecrets(stack, path, passphrase string) (ExportResult, error) {
	opts := engine.ExportOptions{WithSecrets: true, Passphrase: secrets.NewValue(passphrase)}
	if prev, err := readDocument(path); err == nil {
		opts.Previous = prev
	}
	return t.export(stack, path, opts)
}

func (t *Transfer) export(stack, path string, opts engine.ExportOptions) (ExportResult, error) {
	return call(t.host, 30*time.Second, func(ctx context.Context, svc *engine.Service) (ExportResult, error) {
		if !filepath.IsAbs(path) {
			return ExportResult{}, model.Invalid("path", fmt.Sprintf("%q is not an absolute path", path), "Choose the file with the Save dialog, or give its full path.")
		}
		if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
			return ExportResult{}, model.Invalid("path", fmt.Sprintf("%s is not a regular file", path), "Choose a file name, not a folder.")
		}
		opts.Dir = filepath.Dir(path)
		doc, warnings, err := svc.Export(ctx, stack, opts)
		if err != nil {
			return ExportResult{}, err
		}
		if err := atomicfile.Write(path, doc, 0o644); err != nil {
			return ExportResult{}, model.Invalid("path", fmt.Sprintf("cannot write %s", path), err.Error())
		}
		return ExportResult{Path: path, Warnings: nonNil(warnings)}, nil
	})
}

// readDocument reads a devarch.yml without holding more than transfer.MaxSize+1 bytes.
func readDocument(path string) ([]byte, error) {
	if !filepath.IsAbs(path) {
		return nil, model.Invalid("path", fmt.Sprintf("%q is not an absolute path", path), "Choose the file with the Open dialog, or give its full path.")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, model.Invalid("path", "cannot read the devarch.yml file", err.Error())
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		if !st.Mode().IsRegular() {
			return nil, model.Invalid("path", fmt.Sprintf("%s is not a regular file", path), "Choose a devarch.yml file.")
		}
		if err := transfer.CheckSize(st.Size()); err != nil {
			return nil, err
		}
	}
	doc, err := io.ReadAll(io.LimitReader(f, transfer.MaxSize+1))
	if err != nil {
		return nil, model.Invalid("path", "cannot read the devarch.yml file", err.Error())
	}
	return doc, nil
}

// PreviewImport validates the devarch.yml at path and says what importing it (under name,
// or the file's own name when empty) would create, with the file's folder as the new
// stack's project root. It writes nothing.
func (t *Transfer) PreviewImport(path, name string) (ImportPreview, error) {
	return t.importFile(path, name, true, nil)
}

// Import creates the stack of the devarch.yml at path (under name when not empty): all of
// it in one transaction, or nothing.
func (t *Transfer) Import(path, name string) (ImportPreview, error) {
	return t.importFile(path, name, false, nil)
}

// ImportWithPassphrase is Import of a file carrying encrypted secret values (export
// --with-secrets): they are decrypted with passphrase before anything is written.
func (t *Transfer) ImportWithPassphrase(path, name, passphrase string) (ImportPreview, error) {
	return t.importFile(path, name, false, givenPassphrase(passphrase))
}

// PreviewImportWithPassphrase is PreviewImport that also decrypts the file's secret values
// with passphrase: a wrong one is the same error Import gives, and nothing is written
// either way (the window's "Unlock" before Import).
func (t *Transfer) PreviewImportWithPassphrase(path, name, passphrase string) (ImportPreview, error) {
	return t.importFile(path, name, true, givenPassphrase(passphrase))
}

// givenPassphrase is the engine's passphrase source for one typed in the window.
func givenPassphrase(p string) func() (secrets.Value, error) {
	return func() (secrets.Value, error) { return secrets.NewValue(p), nil }
}

func (t *Transfer) importFile(path, name string, dryRun bool, pass func() (secrets.Value, error)) (ImportPreview, error) {
	return call(t.host, 60*time.Second, func(ctx context.Context, svc *engine.Service) (ImportPreview, error) {
		doc, err := readDocument(path)
		if err != nil {
			return ImportPreview{}, err
		}
		// The file's folder is the new stack's project root (its relative paths travel).
		r, err := svc.Import(ctx, doc, engine.ImportOptions{Name: strings.TrimSpace(name), Root: filepath.Dir(path), DryRun: dryRun, Passphrase: pass})
		if err != nil {
			return ImportPreview{}, err
		}
		return toImportPreview(r), nil
	})
}

// PreviewImportContent is PreviewImport for a document the window holds (a file dropped
// on it where no path is known).
func (t *Transfer) PreviewImportContent(content, name string) (ImportPreview, error) {
	return t.importContent(content, name, true, nil)
}

// ImportContent is Import for a document the window holds.
func (t *Transfer) ImportContent(content, name string) (ImportPreview, error) {
	return t.importContent(content, name, false, nil)
}

// ImportContentWithPassphrase is ImportWithPassphrase for a document the window holds.
func (t *Transfer) ImportContentWithPassphrase(content, name, passphrase string) (ImportPreview, error) {
	return t.importContent(content, name, false, givenPassphrase(passphrase))
}

// PreviewImportContentWithPassphrase is PreviewImportWithPassphrase for a document the
// window holds.
func (t *Transfer) PreviewImportContentWithPassphrase(content, name, passphrase string) (ImportPreview, error) {
	return t.importContent(content, name, true, givenPassphrase(passphrase))
}

func (t *Transfer) importContent(content, name string, dryRun bool, pass func() (secrets.Value, error)) (ImportPreview, error) {
	return call(t.host, 60*time.Second, func(ctx context.Context, svc *engine.Service) (ImportPreview, error) {
		r, err := svc.Import(ctx, []byte(content), engine.ImportOptions{Name: strings.TrimSpace(name), DryRun: dryRun, Passphrase: pass})
		if err != nil {
			return ImportPreview{}, err
		}
		return toImportPreview(r), nil
	})
}

// PreviewImportCompose says what importing the compose project of files (the first one's
// folder is the project folder) as stack would create, with the fidelity report. It
// writes nothing.
func (t *Transfer) PreviewImportCompose(files []string, stack string, profiles []string) (ImportPreview, error) {
	return t.importCompose(files, stack, profiles, true)
}

// ImportCompose creates stack from the compose project of files.
func (t *Transfer) ImportCompose(files []string, stack string, profiles []string) (ImportPreview, error) {
	return t.importCompose(files, stack, profiles, false)
}

func (t *Transfer) importCompose(files []string, stack string, profiles []string, dryRun bool) (ImportPreview, error) {
	return call(t.host, 120*time.Second, func(ctx context.Context, svc *engine.Service) (ImportPreview, error) {
		if len(files) == 0 {
			return ImportPreview{}, model.Invalid("files", "no compose file given", "Choose the project's compose file.")
		}
		for _, f := range files {
			if !filepath.IsAbs(f) {
				return ImportPreview{}, model.Invalid("files", fmt.Sprintf("%q is not an absolute path", f), "Choose the file with the Open dialog, or give its full path.")
			}
		}
		var ps []string
		for _, p := range profiles {
			if p = strings.TrimSpace(p); p != "" {
				ps = append(ps, p)
			}
		}
		r, err := svc.ImportCompose(ctx, engine.ComposeImportOptions{Files: files, Profiles: ps, Stack: strings.TrimSpace(stack), DryRun: dryRun})
		if err != nil {
			return ImportPreview{}, err
		}
		out := toImportPreview(r.ImportResult)
		for _, f := range r.Report {
			out.Report = append(out.Report, ReportFinding{Path: f.Path, Change: f.Change, Detail: f.Detail})
		}
		return out, nil
	})
}

// ClonePort is one host port a clone moved ("8080:80" -> "8081:80").
type ClonePort struct {
	Instance string `json:"instance"`
	From     string `json:"from"`
	To       string `json:"to"`
}

// CloneView is what a clone made (or, for a preview, would make).
type CloneView struct {
	Stack          string      `json:"stack"`
	Root           string      `json:"root"`
	Instances      []string    `json:"instances"`
	Ports          []ClonePort `json:"ports"`
	Secrets        []string    `json:"secrets"`
	MissingSecrets []string    `json:"missingSecrets"`
	DryRun         bool        `json:"dryRun"`
}

// PreviewClone says what cloning src as dst would make (its new host ports above all),
// writing nothing; root "" keeps the source's project root.
func (t *Transfer) PreviewClone(src, dst, root string) (CloneView, error) {
	return t.clone(src, dst, root, true)
}

// Clone copies stack src as dst (engine.CloneStack): same instances, overrides, wires and
// secrets, free host ports, empty volumes.
func (t *Transfer) Clone(src, dst, root string) (CloneView, error) {
	return t.clone(src, dst, root, false)
}

func (t *Transfer) clone(src, dst, root string, dryRun bool) (CloneView, error) {
	return call(t.host, 60*time.Second, func(ctx context.Context, svc *engine.Service) (CloneView, error) {
		// A typed path's surrounding blanks are not part of it; the engine validates the
		// rest (absolute, an existing directory), naming the field "root".
		res, err := svc.CloneStack(ctx, strings.TrimSpace(src), strings.TrimSpace(dst), engine.CloneOptions{Root: strings.TrimSpace(root), DryRun: dryRun})
		if err != nil {
			return CloneView{}, err
		}
		v := CloneView{Stack: res.Stack, Root: res.Root, Instances: nonNil(res.Instances), Ports: []ClonePort{},
			Secrets: nonNil(res.Secrets), MissingSecrets: nonNil(res.MissingSecrets), DryRun: dryRun}
		for _, p := range res.Ports {
			v.Ports = append(v.Ports, ClonePort{Instance: p.Instance, From: p.From, To: p.To})
		}
		return v, nil
	})
}

// DefinitionChange is one line of an update's diff (engine.DefinitionChange): Action "+"
// (added), "-" (removed) or "~" (changed); Subject what ("instance web", "wire app
// postgres", "template shop-api", "description", "x-team", "secret api_token"); Details how.
type DefinitionChange struct {
	Action  string   `json:"action"`
	Subject string   `json:"subject"`
	Details []string `json:"details"`
}

// UpdatePreview is what updating a stack from a devarch.yml changed, or for a preview
// (dryRun) would change (engine.UpdateResult). No Changes: the stack already matches the
// file.
type UpdatePreview struct {
	Stack            string             `json:"stack"`
	DryRun           bool               `json:"dryRun"`
	Revision         int64              `json:"revision"`
	Changes          []DefinitionChange `json:"changes"`
	TemplatesCreated []string           `json:"templatesCreated"`
	SecretsGenerated []string           `json:"secretsGenerated"`
	SecretsSet       []string           `json:"secretsSet"`
	MissingSecrets   []string           `json:"missingSecrets"`
	Warnings         []string           `json:"warnings"`
	// SecretValuesUnchecked: the file carries encrypted secret values (SecretsSet) that a
	// preview without the passphrase did not decrypt.
	SecretValuesUnchecked bool `json:"secretValuesUnchecked"`
}

func toUpdatePreview(r engine.UpdateResult) UpdatePreview {
	out := UpdatePreview{Stack: r.Stack, DryRun: r.DryRun, Revision: r.Revision, Changes: []DefinitionChange{},
		TemplatesCreated: nonNil(r.TemplatesCreated), SecretsGenerated: nonNil(r.SecretsGenerated),
		SecretsSet: nonNil(r.SecretsSet), MissingSecrets: nonNil(r.MissingSecrets), Warnings: nonNil(r.Warnings),
		SecretValuesUnchecked: r.SecretValuesUnchecked}
	for _, c := range r.Changes {
		out.Changes = append(out.Changes, DefinitionChange{Action: c.Action, Subject: c.Subject, Details: nonNil(c.Details)})
	}
	return out
}

// PreviewUpdate checks the devarch.yml at path against stack and says what updating the
// stack from it would change (import --update --dry-run). It writes nothing.
func (t *Transfer) PreviewUpdate(path, stack string) (UpdatePreview, error) {
	return t.update(path, stack, true, nil)
}

// Update brings stack's definition in line with the devarch.yml at path (import --update):
// every change in one transaction, or nothing. Containers are not touched.
func (t *Transfer) Update(path, stack string) (UpdatePreview, error) {
	return t.update(path, stack, false, nil)
}

// PreviewUpdateWithPassphrase is PreviewUpdate that also decrypts the file's secret values
// with passphrase (the window's "Unlock"): a wrong one is refused, nothing is written.
func (t *Transfer) PreviewUpdateWithPassphrase(path, stack, passphrase string) (UpdatePreview, error) {
	return t.update(path, stack, true, givenPassphrase(passphrase))
}

// UpdateWithPassphrase is Update of a file carrying encrypted secret values.
func (t *Transfer) UpdateWithPassphrase(path, stack, passphrase string) (UpdatePreview, error) {
	return t.update(path, stack, false, givenPassphrase(passphrase))
}

func (t *Transfer) update(path, stack string, dryRun bool, pass func() (secrets.Value, error)) (UpdatePreview, error) {
	return call(t.host, 60*time.Second, func(ctx context.Context, svc *engine.Service) (UpdatePreview, error) {
		doc, err := readDocument(strings.TrimSpace(path))
		if err != nil {
			return UpdatePreview{}, err
		}
		r, err := svc.ImportUpdate(ctx, doc, stack, engine.UpdateOptions{DryRun: dryRun, Passphrase: pass})
		if err != nil {
			return UpdatePreview{}, err
		}
		return toUpdatePreview(r), nil
	})
}
