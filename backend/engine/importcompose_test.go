package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// bench20 is composeimport's 20-service benchmark project.
var bench20 = filepath.Join("..", "composeimport", "testdata", "bench20", "compose.yaml")

// TestImportCompose_AllOrNothing: a project whose conversion is refused (two services
// that become the same instance) and a stack name taken change nothing; a dry run
// reports and writes nothing; the import writes the stack with its root.
func TestImportCompose_AllOrNothing(t *testing.T) {
	svc, pool := transferService(t)
	before := rowCounts(t, pool)
	res, err := svc.ImportCompose(t.Context(), engine.ComposeImportOptions{Files: []string{bench20}, Stack: "ic-dry", DryRun: true})
	if err != nil || !res.DryRun || len(res.Instances) != 20 {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	if got := rowCounts(t, pool); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("a dry run wrote rows: %v -> %v", before, got)
	}
	if _, err := svc.ImportCompose(t.Context(), engine.ComposeImportOptions{Files: []string{bench20}, Stack: "ic-real"}); err != nil {
		t.Fatal(err)
	}
	st, err := svc.Store.GetStack(t.Context(), "ic-real")
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := filepath.Abs(filepath.Dir(bench20)); st.Root != want || len(st.Instances) != 20 {
		t.Errorf("root %q, %d instances; want %q, 20", st.Root, len(st.Instances), want)
	}
	after := rowCounts(t, pool)
	for _, bad := range []engine.ComposeImportOptions{
		{Files: []string{bench20}, Stack: "ic-real"}, // taken
		{Files: []string{bench20}, Stack: ""},
		{Files: []string{bench20}, Stack: "Bad Name"},
		{Files: []string{"nope.yaml"}, Stack: "ic-x"},
	} {
		if _, err := svc.ImportCompose(t.Context(), bad); err == nil {
			t.Errorf("%+v was accepted", bad)
		}
	}
	if got := rowCounts(t, pool); fmt.Sprint(got) != fmt.Sprint(after) {
		t.Fatalf("a refused import wrote rows: %v -> %v", after, got)
	}
}

// BenchmarkImportCompose20 imports a 20-service project into the database: load, convert,
// validate, one transaction. BenchmarkComposeConfigRef20 is the reference in the same
// run: `docker compose config` of the same file.
func BenchmarkImportCompose20(b *testing.B) {
	svc, _ := transferService(b)
	n := 0
	for b.Loop() {
		n++
		if _, err := svc.ImportCompose(b.Context(), engine.ComposeImportOptions{Files: []string{bench20}, Stack: fmt.Sprintf("icb%d", n)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkComposeConfigRef20(b *testing.B) {
	eng := runtimetest.RequireCompose(b)
	file, _ := filepath.Abs(bench20)
	for b.Loop() {
		if _, err := eng.RunCompose(context.Background(), []string{"-f", file, "config", "--format", "json"}, runtime.RunOptions{Dir: filepath.Dir(file)}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestImportCompose_Secrets: a compose file secret is stored sealed (the database holds no
// plaintext), an environment-sourced one nothing sets is listed missing, and the plan
// refuses to apply until it is set, naming the secret and the command that sets it.
func TestImportCompose_Secrets(t *testing.T) {
	svc, pool := transferService(t)
	dir := t.TempDir()
	for name, content := range map[string]string{
		"compose.yaml": "services:\n  app:\n    image: busybox\n    secrets: [api_key, tok]\n    depends_on: {Old_DB: {condition: service_healthy}}\n" +
			"  Old_DB:\n    image: busybox\n    healthcheck: {test: [CMD, 'true']}\n" +
			"secrets:\n  api_key: {file: ./api_key.txt}\n  tok: {environment: NOT_SET_ANYWHERE}\n",
		"api_key.txt": "plaintext-key-4711",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res, err := svc.ImportCompose(t.Context(), engine.ComposeImportOptions{Files: []string{filepath.Join(dir, "compose.yaml")}, Stack: "ic-sec"})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(res.SecretsSet) != "[api_key]" || fmt.Sprint(res.MissingSecrets) != "[tok]" {
		t.Errorf("secrets set %v, missing %v", res.SecretsSet, res.MissingSecrets)
	}
	var leaks int
	if err := pool.QueryRow(t.Context(), `SELECT
		(SELECT count(*) FROM secrets WHERE position('plaintext-key-4711'::bytea in ciphertext) > 0) +
		(SELECT count(*) FROM templates WHERE spec::text LIKE '%plaintext-key-4711%') +
		(SELECT count(*) FROM instances WHERE overrides::text LIKE '%plaintext-key-4711%')`).Scan(&leaks); err != nil {
		t.Fatal(err)
	}
	if leaks != 0 {
		t.Errorf("the secret file's content is in the database in plaintext (%d rows)", leaks)
	}
	st, err := svc.Store.GetStack(t.Context(), "ic-sec")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range st.Instances {
		if in.Name == "app" && fmt.Sprint(in.Overrides["depends_on"]) != "map[old-db:map[condition:service_healthy]]" {
			t.Errorf("app's depends_on %v", in.Overrides["depends_on"])
		}
		if in.Name == "old-db" && fmt.Sprint(in.Overrides["network_aliases"]) != "[Old_DB]" {
			t.Errorf("old-db's aliases %v", in.Overrides["network_aliases"])
		}
	}
	// The new fields travel in a devarch.yml: export, import under another name, export
	// again gives the same document (apart from its name).
	doc, _, err := svc.Export(t.Context(), "ic-sec", engine.ExportOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"depends_on:", "network_aliases:", "source: ${secret:api_key}"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("the export lacks %q:\n%s", want, doc)
		}
	}
	if _, err := svc.Import(t.Context(), doc, engine.ImportOptions{Name: "ic-sec2", Root: dir}); err != nil {
		t.Fatalf("importing the export: %v\n%s", err, doc)
	}
	again, _, err := svc.Export(t.Context(), "ic-sec2", engine.ExportOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if strings.ReplaceAll(string(again), "ic-sec2", "ic-sec") != string(doc) {
		t.Errorf("export -> import -> export changed the document:\n%s\n---\n%s", doc, again)
	}
	p, err := svc.Plan(t.Context(), "ic-sec", "test", engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, d := range p.Plan.Diagnostics {
		if strings.Contains(d.Summary, "secret tok does not exist") && d.Fix != nil && strings.Contains(d.Fix.Command, "devarch secret set ic-sec tok") {
			found = true
		}
	}
	if !found || !p.Plan.Diagnostics.HasErrors() {
		t.Errorf("the plan does not refuse the missing secret: %+v", p.Plan.Diagnostics)
	}
}
