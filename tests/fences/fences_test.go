// Package fences_test checks ARCHITECTURE.md's package fences from the build graph, so they
// hold by test rather than by memory: the pure core does no I/O of the kinds that matter
// (no processes, no network, no database, no window), only store and database speak to
// PostgreSQL, and only the composition root and the bindings touch Wails.
package fences_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const module = "github.com/devarch/devarch"

// pureCore are the packages that compute values from values (ARCHITECTURE.md, pure core).
var pureCore = []string{"backend/model", "backend/spelling", "backend/depgraph", "backend/catalog", "backend/resolve", "backend/compose", "backend/plan", "backend/wiring", "backend/transfer"}

// forbiddenInCore are dependencies that mean I/O or a fence crossed.
var forbiddenInCore = []string{"os/exec", "net", "net/http", "database/sql",
	"github.com/jackc/pgx/v5", "github.com/wailsapp/wails/v2",
	module + "/backend/runtime", module + "/backend/store", module + "/backend/database", module + "/backend/engine"}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// packages lists the module's packages with their imports and dependencies as seen by the
// plain build and by the desktop build (its tags bring in the tray, the window's tray
// process and other desktop-only files): a fence holds in both.
func packages(t *testing.T) map[string]pkg {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	all := map[string]pkg{}
	for _, tags := range []string{"", "desktop,production,webkit2_41"} {
		cmd := exec.Command("go", "list", "-deps=false", "-json", "-tags", tags, "./...")
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -tags %q: %v", tags, err)
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		for dec.More() {
			var p pkg
			if err := dec.Decode(&p); err != nil {
				t.Fatal(err)
			}
			seen := all[p.ImportPath]
			seen.ImportPath = p.ImportPath
			seen.Imports = append(seen.Imports, p.Imports...)
			seen.Deps = append(seen.Deps, p.Deps...)
			all[p.ImportPath] = seen
		}
	}
	if len(all) < 10 {
		t.Fatalf("go list found only %d packages", len(all))
	}
	return all
}

// under reports whether path is pkgPath or one of its subpackages.
func under(path, pkgPath string) bool {
	return path == pkgPath || strings.HasPrefix(path, pkgPath+"/")
}

func TestFences(t *testing.T) {
	all := packages(t)
	checked := 0
	for _, core := range pureCore {
		p, ok := all[module+"/"+core]
		if !ok {
			continue // a package not written yet (wiring, transfer)
		}
		checked++
		for _, dep := range p.Deps {
			for _, bad := range forbiddenInCore {
				// Standard packages by exact path (net/netip only parses addresses); modules
				// with their subpackages.
				if dep == bad || strings.Contains(bad, ".") && under(dep, bad) {
					t.Errorf("%s is pure core but depends on %s", core, dep)
				}
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d pure-core packages found", checked)
	}
	for path, p := range all {
		for _, imp := range p.Imports {
			switch {
			case under(imp, "github.com/jackc/pgx/v5") && !under(path, module+"/backend/store") && !under(path, module+"/backend/database"):
				t.Errorf("%s imports %s: only backend/store and backend/database speak to PostgreSQL", path, imp)
			case under(imp, "github.com/wailsapp/wails/v2") && path != module && !under(path, module+"/backend/bindings"):
				t.Errorf("%s imports %s: only the composition root and backend/bindings touch Wails", path, imp)
			case imp == "os/exec" && !under(path, module+"/backend/runtime") && !under(path, module+"/backend/database") && !under(path, module+"/tests") && path != module+"/backend/testenv":
				t.Errorf("%s imports os/exec: only backend/runtime (and backend/database, for its own server) run commands", path)
			case imp == module+"/backend/testenv" && !testSupport(path):
				// testenv looks tools up (os/exec.LookPath) for tests only: no product code may use it.
				t.Errorf("%s imports backend/testenv, which is for tests only", path)
			}
		}
	}
}

// testSupport tells the packages that exist for tests (testenv, and the *test helpers such as
// runtimetest, dbtest, composetest): they may use what product code must not.
func testSupport(path string) bool {
	return strings.HasSuffix(path, "/backend/testenv") || strings.HasSuffix(path, "test") || strings.Contains(path, "/tests/")
}
