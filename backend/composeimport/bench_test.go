package composeimport

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// project20 writes a 20-service project of varied shapes (build, env_file, healthchecks
// with conditions, named and bind volumes, long-syntax ports) and returns its file.
func project20(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	var sb strings.Builder
	sb.WriteString("services:\n")
	for i := range 20 {
		fmt.Fprintf(&sb, "  svc%d:\n", i)
		if i%4 == 0 {
			fmt.Fprintf(&sb, "    build: {context: ./app%d, args: {V: \"%d\"}}\n", i, i)
		} else {
			fmt.Fprintf(&sb, "    image: example/svc%d:1.%d\n", i, i)
		}
		fmt.Fprintf(&sb, "    env_file: common.env\n    environment: {INDEX: \"%d\", URL: \"http://svc%d:80\"}\n", i, (i+1)%20)
		fmt.Fprintf(&sb, "    ports: [\"%d:80\", {target: 443, published: \"%d\", host_ip: 127.0.0.1}]\n", 10000+i, 20000+i)
		fmt.Fprintf(&sb, "    volumes: [\"data%d:/data\", \"./src%d:/src:ro\"]\n", i, i)
		fmt.Fprintf(&sb, "    healthcheck: {test: [CMD, \"true\"], interval: 5s, retries: 3}\n")
		if i > 0 {
			fmt.Fprintf(&sb, "    depends_on: {svc%d: {condition: service_healthy}}\n", i-1)
		}
	}
	sb.WriteString("volumes:\n")
	for i := range 20 {
		fmt.Fprintf(&sb, "  data%d:\n", i)
	}
	file := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(file, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "common.env"), []byte("A=1\nB=2\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	return file
}

// BenchmarkImport20 loads and converts a 20-service project: the work of
// `devarch import-compose` before it writes to the database.
func BenchmarkImport20(b *testing.B) {
	file := project20(b)
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
	file := project20(b)
	for b.Loop() {
		if _, err := eng.RunCompose(context.Background(), []string{"-f", file, "config", "--format", "json"}, runtime.RunOptions{Dir: filepath.Dir(file)}); err != nil {
			b.Fatal(err)
		}
	}
}
