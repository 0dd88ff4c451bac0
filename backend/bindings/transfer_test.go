package bindings_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/bindings"
	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/store"
)

// transferHost is a host over a real store with stack tx1 (instance web of a custom
// template) and nothing applied.
func transferHost(t *testing.T) (*bindings.Transfer, *engine.Service, *bindings.Host) {
	t.Helper()
	ctx := t.Context()
	svc := engine.New(store.New(dbtest.MigratedDatabase(t)), runtime.Options{}, t.TempDir())
	if _, _, err := svc.ImportTemplate(ctx, []byte(helloTemplate), false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStack(ctx, "tx1", engine.StackOptions{Description: "shared"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, "tx1", "web", "b-hello", nil); err != nil {
		t.Fatal(err)
	}
	host := bindings.NewHost()
	host.SetContext(ctx)
	host.SetReady(dbtest.Server(t), svc)
	return bindings.NewTransfer(host), svc, host
}

// asProblem decodes a binding's error (the JSON document the window parses).
func asProblem(t *testing.T, err error) bindings.Problem {
	t.Helper()
	if err == nil {
		t.Fatal("no error, want one")
	}
	var p bindings.Problem
	if jerr := json.Unmarshal([]byte(err.Error()), &p); jerr != nil {
		t.Fatalf("error %q is not a problem document: %v", err, jerr)
	}
	if p.Summary == "" {
		t.Fatalf("problem without a summary: %+v", p)
	}
	return p
}

func stackNames(t *testing.T, svc *engine.Service) []string {
	t.Helper()
	names, err := svc.StackNames(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestTransfer_ExportPreviewImport(t *testing.T) {
	tr, svc, _ := transferHost(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "devarch.yml")
	if err := os.WriteFile(path, []byte("old content"), 0o600); err != nil {
		t.Fatal(err)
	}

	res, err := tr.ExportTo("tx1", path)
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != path || res.Warnings == nil {
		t.Errorf("export result %+v", res)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644 (a devarch.yml holds no secret values and is meant to be shared)", st.Mode().Perm())
	}
	doc, _ := os.ReadFile(path)
	if !strings.Contains(string(doc), "name: tx1") || !strings.Contains(string(doc), "b-hello") {
		t.Errorf("exported document:\n%s", doc)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}

	before := stackNames(t, svc)
	pv, err := tr.PreviewImport(path, "tx2")
	if err != nil {
		t.Fatal(err)
	}
	if !pv.DryRun || pv.Stack != "tx2" || len(pv.Instances) != 1 || pv.Instances[0] != "web" || len(pv.TemplatesReused) != 1 {
		t.Errorf("preview %+v", pv)
	}
	if after := stackNames(t, svc); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("the preview wrote: stacks %v, were %v", after, before)
	}

	got, err := tr.Import(path, "tx2")
	if err != nil {
		t.Fatal(err)
	}
	if got.DryRun || got.Stack != "tx2" {
		t.Errorf("import %+v", got)
	}
	d, err := svc.Stack(t.Context(), "tx2")
	if err != nil {
		t.Fatalf("the imported stack is not there: %v", err)
	}
	if len(d.Resolved.Stack.Instances) != 1 || d.Resolved.Stack.Description != "shared" {
		t.Errorf("imported stack %+v", d.Resolved.Stack)
	}

	// The same document again under the taken name: refused, nothing more created.
	if _, err := tr.Import(path, "tx2"); err == nil {
		t.Error("importing over an existing stack succeeded")
	} else if p := asProblem(t, err); !strings.Contains(p.Summary+p.Detail, "tx2") {
		t.Errorf("the clash does not name the stack: %+v", p)
	}

	// The content variant (a dropped file without a path) previews the same.
	cv, err := tr.PreviewImportContent(string(doc), "tx3")
	if err != nil || cv.Stack != "tx3" || !cv.DryRun {
		t.Errorf("content preview %+v, %v", cv, err)
	}
	if _, err := svc.Stack(t.Context(), "tx3"); err == nil {
		t.Error("the content preview created the stack")
	}
}

func TestTransfer_Errors(t *testing.T) {
	tr, svc, host := transferHost(t)
	dir := t.TempDir()

	cases := []struct {
		name  string
		run   func() error
		field string
	}{
		{"relative export path", func() error { _, err := tr.ExportTo("tx1", "devarch.yml"); return err }, "path"},
		{"export to a folder", func() error { _, err := tr.ExportTo("tx1", dir); return err }, "path"},
		{"relative import path", func() error { _, err := tr.PreviewImport("devarch.yml", ""); return err }, "path"},
		{"missing file", func() error { _, err := tr.PreviewImport(filepath.Join(dir, "nope.yml"), ""); return err }, "path"},
		{"compose without a stack name", func() error {
			_, err := tr.PreviewImportCompose([]string{filepath.Join(dir, "compose.yaml")}, "", nil)
			return err
		}, "stack"},
		{"compose without files", func() error { _, err := tr.PreviewImportCompose(nil, "dtx", nil); return err }, "files"},
		{"bad import kind", func() error { host.SetDialogs(fakeDialogs{}); _, err := tr.ChooseImportFile("zip"); return err }, "kind"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := asProblem(t, c.run())
			if p.Field != c.field {
				t.Errorf("problem %+v names field %q, want %q", p, p.Field, c.field)
			}
		})
	}

	// An unknown stack: a clear not-found, and no file written.
	out := filepath.Join(dir, "ghost.yml")
	if p := asProblem(t, func() error { _, err := tr.ExportTo("ghost", out); return err }()); p.Kind != "not_found" {
		t.Errorf("unknown stack: %+v", p)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed export wrote the file")
	}

	// A document that does not decode: refused, nothing created.
	bad := filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(bad, []byte("apiVersion: devarch/v1\nname: dtbad\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	asProblem(t, func() error { _, err := tr.Import(bad, ""); return err }())
	if _, err := svc.Stack(t.Context(), "dtbad"); err == nil {
		t.Error("a refused document created its stack")
	}
}

type fakeDialogs struct{ saved, opened, folders *[]string }

func (f fakeDialogs) SaveFile(title, defaultName string) (string, error) {
	if f.saved != nil {
		*f.saved = append(*f.saved, title, defaultName)
	}
	return "/tmp/chosen.yml", nil
}

func (f fakeDialogs) OpenFile(title, filterName, filter string) (string, error) {
	if f.opened != nil {
		*f.opened = append(*f.opened, title, filter)
	}
	return "", nil // canceled
}

func (f fakeDialogs) OpenDirectory(title string) (string, error) {
	if f.folders != nil {
		*f.folders = append(*f.folders, title)
	}
	return "/tmp/chosen-root", nil
}

func TestTransfer_Dialogs(t *testing.T) {
	tr, _, host := transferHost(t)
	if p := asProblem(t, func() error { _, err := tr.ChooseExportPath("tx1"); return err }()); p.Kind != "unavailable" {
		t.Errorf("without dialogs: %+v", p)
	}
	var saved, opened []string
	var folders []string
	host.SetDialogs(fakeDialogs{&saved, &opened, &folders})
	p, err := tr.ChooseExportPath("tx1")
	if err != nil || p != "/tmp/chosen.yml" || len(saved) != 2 || saved[1] != "devarch.yml" {
		t.Errorf("save dialog: %q %v, asked %v", p, err, saved)
	}
	p, err = tr.ChooseImportFile("compose")
	if err != nil || p != "" || len(opened) != 2 || opened[1] != "*.yml;*.yaml" {
		t.Errorf("open dialog: %q %v, asked %v", p, err, opened)
	}
	// Update from a file: the Open dialog names the stack it updates.
	p, err = tr.ChooseUpdateFile("tx1")
	if err != nil || p != "" || len(opened) != 4 || opened[2] != "Update stack tx1 from a devarch.yml" || opened[3] != "*.yml;*.yaml" {
		t.Errorf("update's open dialog: %q %v, asked %v", p, err, opened)
	}
	// A clone's project root: the folder dialog, with a default title.
	p, err = tr.ChooseRootFolder("")
	if err != nil || p != "/tmp/chosen-root" || len(folders) != 1 || folders[0] != "Choose the project root" {
		t.Errorf("folder dialog: %q %v, asked %v", p, err, folders)
	}
}

func TestTransfer_ComposePreviewAndImport(t *testing.T) {
	runtimetest.RequireCompose(t)
	// The project's credentials become sealed stack secrets: a key file stands in for the
	// keychain (the documented opt-in).
	t.Setenv(secrets.EnvMasterKeyFile, filepath.Join(t.TempDir(), "master.key"))
	tr, svc, _ := transferHost(t)
	dir := t.TempDir()
	src := "../composeimport/testdata/webapp"
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(dir, "compose.yaml")}
	pv, err := tr.PreviewImportCompose(files, "dtweb", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !pv.DryRun || pv.Stack != "dtweb" || len(pv.Instances) == 0 || len(pv.Report) == 0 {
		t.Fatalf("preview %+v", pv)
	}
	for _, f := range pv.Report {
		if f.Path == "" || f.Detail == "" || f.Change == "" {
			t.Errorf("report row without path, change or detail: %+v", f)
		}
	}
	if _, err := svc.Stack(t.Context(), "dtweb"); err == nil {
		t.Error("the compose preview created the stack")
	}
	got, err := tr.ImportCompose(files, "dtweb", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.DryRun || len(got.Instances) != len(pv.Instances) {
		t.Errorf("import %+v", got)
	}
	if _, err := svc.Stack(t.Context(), "dtweb"); err != nil {
		t.Errorf("the imported stack is not there: %v", err)
	}
}

// Clone from the window: the preview writes nothing; the clone is made under the new name;
// a taken name is refused (conflict) and changes nothing.
func TestTransfer_Clone(t *testing.T) {
	tr, svc, _ := transferHost(t)
	before := stackNames(t, svc)
	pv, err := tr.PreviewClone("tx1", "tx1-copy", "")
	if err != nil {
		t.Fatal(err)
	}
	if !pv.DryRun || pv.Stack != "tx1-copy" || len(pv.Instances) != 1 || pv.Ports == nil {
		t.Errorf("clone preview %+v", pv)
	}
	if got := stackNames(t, svc); !reflect.DeepEqual(got, before) {
		t.Fatalf("a clone preview wrote stacks: %v -> %v", before, got)
	}
	v, err := tr.Clone("tx1", "tx1-copy", "")
	if err != nil {
		t.Fatal(err)
	}
	if v.DryRun || v.Stack != "tx1-copy" {
		t.Errorf("clone %+v", v)
	}
	after := stackNames(t, svc)
	if !slices.Contains(after, "tx1-copy") {
		t.Fatalf("the clone is not there: %v", after)
	}
	_, err = tr.Clone("tx1", "tx1-copy", "")
	if err == nil || !strings.Contains(err.Error(), `"kind":"conflict"`) || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("cloning onto a taken name: %v", err)
	}
	if got := stackNames(t, svc); !reflect.DeepEqual(got, after) {
		t.Errorf("a refused clone changed stacks: %v -> %v", after, got)
	}
}

// Update from a changed devarch.yml in the window (import --update): the preview lists the
// changes and writes nothing; Update writes them (one revision); the same file again
// changes nothing; a bad file and a bad path are refused naming what, and change nothing.
func TestTransfer_Update(t *testing.T) {
	tr, svc, _ := transferHost(t)
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "devarch.yml")
	if _, err := tr.ExportTo("tx1", path); err != nil {
		t.Fatal(err)
	}
	// Unchanged: nothing to do, and no empty-list nils for the window.
	same, err := tr.PreviewUpdate(path, "tx1")
	if err != nil {
		t.Fatal(err)
	}
	if !same.DryRun || same.Stack != "tx1" || same.Changes == nil || len(same.Changes) != 0 || same.MissingSecrets == nil || same.Warnings == nil {
		t.Errorf("preview of the unchanged file: %+v", same)
	}

	// The teammate's file: another description, a second instance with an override.
	doc, _ := os.ReadFile(path)
	changed := strings.Replace(string(doc), "description: shared", "description: shared by the team", 1)
	changed = strings.Replace(changed, "instances:\n", "instances:\n  api:\n    template: b-hello\n    overrides:\n      environment:\n        APP_ENV: dev\n", 1)
	if changed == string(doc) || !strings.Contains(changed, "  api:\n") {
		t.Fatalf("the test's edit did not apply to:\n%s", doc)
	}
	if err := os.WriteFile(path, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	before, err := svc.Store.GetStack(ctx, "tx1")
	if err != nil {
		t.Fatal(err)
	}
	pv, err := tr.PreviewUpdate(path, "tx1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range pv.Changes {
		got = append(got, c.Action+" "+c.Subject+": "+strings.Join(c.Details, "; "))
	}
	want := []string{`~ description: "shared" -> "shared by the team"`, `+ instance api: template b-hello`}
	if !slices.Equal(got, want) || !pv.DryRun || pv.Revision != before.Revision {
		t.Fatalf("preview changes %q (revision %d), want %q (revision %d)", got, pv.Revision, want, before.Revision)
	}
	if now, _ := svc.Store.GetStack(ctx, "tx1"); now.Revision != before.Revision || now.Description != "shared" {
		t.Fatalf("the preview wrote: %+v", now)
	}

	res, err := tr.Update(path, "tx1")
	if err != nil {
		t.Fatal(err)
	}
	if res.DryRun || res.Revision != before.Revision+1 || len(res.Changes) != 2 {
		t.Errorf("update %+v, want revision %d and 2 changes", res, before.Revision+1)
	}
	st, _, err := svc.Store.LoadForResolve(ctx, "tx1")
	if err != nil {
		t.Fatal(err)
	}
	if st.Description != "shared by the team" || len(st.Instances) != 2 {
		t.Errorf("updated stack %+v", st)
	}
	again, err := tr.PreviewUpdate(path, "tx1")
	if err != nil || len(again.Changes) != 0 {
		t.Errorf("the applied file still changes %+v, %v", again.Changes, err)
	}

	// Refusals, each naming its field, each changing nothing.
	bad := filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(bad, []byte(changed+"bogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	after, _ := svc.Store.GetStack(ctx, "tx1")
	cases := []struct {
		name, path, stack, field, kind, says string
	}{
		{"unknown key", bad, "tx1", "bogus", "invalid", "line "},
		{"relative path", "devarch.yml", "tx1", "path", "invalid", "absolute"},
		{"missing file", filepath.Join(dir, "nope.yml"), "tx1", "path", "invalid", "nope.yml"},
		{"a folder", dir, "tx1", "path", "invalid", "not a regular file"},
		{"unknown stack", path, "ghost", "", "not_found", "ghost"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := tr.Update(c.path, c.stack)
			p := asProblem(t, err)
			if (c.field != "" && p.Field != c.field) || p.Kind != c.kind || !strings.Contains(p.Summary+p.Detail, c.says) {
				t.Errorf("problem %+v, want field %q kind %q saying %q", p, c.field, c.kind, c.says)
			}
		})
	}
	if now, _ := svc.Store.GetStack(ctx, "tx1"); now.Revision != after.Revision {
		t.Errorf("a refused update wrote: revision %d -> %d", after.Revision, now.Revision)
	}
}

// Clone with a project root from the window: the root is validated as the CLI's (a
// refusal names the field "root" and creates nothing), trimmed, and reported.
func TestTransfer_CloneRoot(t *testing.T) {
	tr, svc, host := transferHost(t)
	root := t.TempDir()
	before := stackNames(t, svc)
	for _, bad := range []string{"relative/dir", filepath.Join(root, "missing")} {
		p := asProblem(t, func() error { _, err := tr.Clone("tx1", "tx1-wt", bad); return err }())
		if p.Field != "root" || p.Kind != "invalid" || !strings.Contains(p.Summary, "project root") {
			t.Errorf("root %q: %+v, want an invalid root", bad, p)
		}
	}
	if got := stackNames(t, svc); !reflect.DeepEqual(got, before) {
		t.Fatalf("a refused clone wrote stacks: %v -> %v", before, got)
	}
	v, err := tr.Clone("tx1", "tx1-wt", "  "+root+" ")
	if err != nil {
		t.Fatal(err)
	}
	if v.Root != root {
		t.Errorf("clone root %q, want %q", v.Root, root)
	}
	st, err := svc.Store.GetStack(t.Context(), "tx1-wt")
	if err != nil || st.Root != root {
		t.Errorf("stored root %q (%v), want %q", st.Root, err, root)
	}
	// The stack page shows it: chosen here, DevArch's own folder for the source.
	stacks := bindings.NewStacks(host)
	if d, err := stacks.Get("tx1-wt"); err != nil || d.Root != root || !d.RootChosen {
		t.Errorf("clone's page: root %q chosen %v (%v), want %q chosen", d.Root, d.RootChosen, err, root)
	}
	if d, err := stacks.Get("tx1"); err != nil || d.Root != svc.StackDir("tx1") || d.RootChosen {
		t.Errorf("source's page: root %q chosen %v (%v), want %q not chosen", d.Root, d.RootChosen, err, svc.StackDir("tx1"))
	}
}
