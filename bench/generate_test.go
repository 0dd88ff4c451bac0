package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fillStack creates stack with n instances cycling through the built-in templates, every
// third one with overrides (a port, an environment variable, a command).
func fillStack(b *testing.B, svc *engine.Service, stack string, n int, templates []string, portBase int) {
	b.Helper()
	ctx := context.Background()
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{Description: "benchmark"}); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		var sets []string
		if i%3 == 0 {
			sets = []string{fmt.Sprintf(`ports=["%d:80"]`, portBase+i), "environment.APP_ENV=bench", `command=["sh","-c","echo $HOME"]`}
		}
		if _, err := svc.AddInstance(ctx, stack, fmt.Sprintf("svc%d", i), templates[i%len(templates)], sets); err != nil {
			b.Fatal(err)
		}
	}
}

func benchService(b *testing.B, others int) *engine.Service {
	b.Helper()
	svc := engine.New(store.New(dbtest.MigratedDatabase(b)), runtime.Options{}, b.TempDir())
	ctx := context.Background()
	if _, err := svc.SyncCatalog(ctx); err != nil {
		b.Fatal(err)
	}
	ts, err := svc.Templates(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var names []string
	for _, t := range ts {
		names = append(names, t.Name)
	}
	fillStack(b, svc, "target", 50, names, 20000)
	for i := 0; i < others; i++ {
		fillStack(b, svc, fmt.Sprintf("other%d", i), 20, names, 30000+i*20)
	}
	return svc
}

// loadResolveGenerate is what `devarch compose` costs minus the file write.
func loadResolveGenerate(b *testing.B, svc *engine.Service) []byte {
	rs, err := svc.Resolve(context.Background(), "target")
	if err != nil {
		b.Fatal(err)
	}
	doc, err := compose.Generate(rs.Effective)
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

// BenchmarkGenerate_50Instances: load + resolve + generate, target stack alone.
func BenchmarkGenerate_50Instances(b *testing.B) {
	svc := benchService(b, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		loadResolveGenerate(b, svc)
	}
}

// BenchmarkGenerate_50InstancesWith100OtherStacks: the same with 100 other stacks of 20
// instances in the database; must cost the same.
func BenchmarkGenerate_50InstancesWith100OtherStacks(b *testing.B) {
	svc := benchService(b, 100)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		loadResolveGenerate(b, svc)
	}
}

// BenchmarkGenerate_PureResolveGenerate: resolve + generate without the database.
func BenchmarkGenerate_PureResolveGenerate(b *testing.B) {
	svc := benchService(b, 0)
	st, templates, err := svc.Store.LoadForResolve(context.Background(), "target")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rs, err := engine.ResolveLoaded(st, templates)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := compose.Generate(rs.Effective); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate_GenerateOnly: compose.Generate alone (typed project + YAML) on the
// resolved 50-instance stack, the part the YAML encoder's cost shows in.
func BenchmarkGenerate_GenerateOnly(b *testing.B) {
	svc := benchService(b, 0)
	rs, err := svc.Resolve(context.Background(), "target")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := compose.Generate(rs.Effective); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate_ReferenceComposeConfig: `docker compose config` on the same file, the
// reference the goal is stated against.
func BenchmarkGenerate_ReferenceComposeConfig(b *testing.B) {
	eng := runtimetest.RequireCompose(b)
	svc := benchService(b, 0)
	doc := loadResolveGenerate(b, svc)
	dir := b.TempDir()
	path := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if _, err := eng.RunCompose(ctx, []string{"-f", path, "config", "--quiet"}, runtime.RunOptions{}); err != nil {
			b.Fatal(err)
		}
		cancel()
	}
}
