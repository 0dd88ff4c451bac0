package composeimport

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// bench20 is a 20-service project of varied shapes (build, env_file, healthchecks with
// conditions, named and bind volumes, long-syntax ports).
const bench20 = "testdata/bench20/compose.yaml"

// BenchmarkImport20 loads and converts a 20-service project: the work of
// `devarch import-compose` before it writes to the database.
func BenchmarkImport20(b *testing.B) {
	file := bench20
	for b.Loop() {
		p, err := Load(context.Background(), LoadOptions{Files: []string{file}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Convert(p, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComposeConfig20 is the reference: `docker compose config` of the same project.
func BenchmarkComposeConfig20(b *testing.B) {
	eng := runtimetest.RequireCompose(b)
	file, _ := filepath.Abs(bench20)
	for b.Loop() {
		if _, err := eng.RunCompose(context.Background(), []string{"-f", file, "config", "--format", "json"}, runtime.RunOptions{Dir: filepath.Dir(file)}); err != nil {
			b.Fatal(err)
		}
	}
}
