// Package composetest checks generated compose files the way their consumers will read them:
// against the official compose-spec JSON schema, and with the machine's real `docker compose`.
// It is test support, kept out of package compose so that the product binary neither links
// a JSON-schema validator nor does file I/O in the generator.
package composetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// SchemaRelPath is where the schema lives relative to the module root: vendored with its
// license and provenance (testdata/README.md), so a plain clone runs every schema check.
const SchemaRelPath = "backend/compose/composetest/testdata/compose-spec.json"

// SchemaPath returns the compose-spec schema's path; the file is part of the repository, so
// a missing one is a broken checkout and fails the test.
func SchemaPath(t testing.TB) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("finding the module root: %v", err)
	}
	path := filepath.Join(root, filepath.FromSlash(SchemaRelPath))
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the vendored compose-spec schema is missing at %s: %v", path, err)
	}
	return path
}

// moduleRoot is the nearest directory above the working directory (a test's package
// directory) that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

var (
	schemasMu sync.Mutex
	schemas   = map[string]*jsonschema.Schema{}
)

// ValidateSchema checks a YAML document against the JSON schema at schemaPath (compiled once
// per path and process). The error lists every violation with its location in the document.
func ValidateSchema(doc []byte, schemaPath string) error {
	sch, err := compiled(schemaPath)
	if err != nil {
		return err
	}
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		return fmt.Errorf("the document is not YAML: %w", err)
	}
	return sch.Validate(v)
}

func compiled(path string) (*jsonschema.Schema, error) {
	schemasMu.Lock()
	defer schemasMu.Unlock()
	if sch, ok := schemas[path]; ok {
		return sch, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	sch, err := jsonschema.NewCompiler().Compile(abs)
	if err != nil {
		return nil, fmt.Errorf("compiling the schema %s: %w", path, err)
	}
	schemas[path] = sch
	return sch, nil
}

// Config writes doc as compose.yaml into a fresh temporary directory and runs
// `compose -f compose.yaml config ARGS...` there with the real compose (skipping outside CI
// when there is none), env added to its environment (e.g. DEVARCH_SECRET_* values). It
// returns compose's stdout; the error's detail is compose's stderr. config never pulls or
// builds images and never touches containers.
func Config(t testing.TB, doc []byte, env []string, args ...string) ([]byte, error) {
	t.Helper()
	eng := runtimetest.RequireCompose(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	res, err := eng.RunCompose(ctx, append([]string{"-f", file, "config"}, args...), runtime.RunOptions{Dir: dir, Env: env})
	return bytes.TrimSpace(res.Stdout), err
}
