package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
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
