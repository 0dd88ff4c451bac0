package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckDevHome(t *testing.T) {
	base := t.TempDir()
	def := filepath.Join(base, "data", "devarch")
	if err := os.MkdirAll(def, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(base, "data"), filepath.Join(base, "alias")); err != nil {
		t.Fatal(err)
	}
	refused := map[string]string{
		"":                                      "DEVARCH_HOME is not set",
		def:                                     "is your own data home",
		def + string(filepath.Separator):        "is your own data home",
		filepath.Join(def, "..", "devarch"):     "is your own data home",
		filepath.Join(base, "alias", "devarch"): "is your own data home",
		filepath.Join(def, "scratch"):           "lies inside your own data home",
		filepath.Join(base, "alias", "devarch", "x", "y"): "lies inside your own data home",
	}
	for home, want := range refused {
		err := checkDevHome(home, def)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "set DEVARCH_HOME to a scratch directory") {
			t.Errorf("DEVARCH_HOME=%q: %v, want an error saying %q and what to do", home, err, want)
		}
	}
	for _, home := range []string{
		filepath.Join(base, "scratch"),
		filepath.Join(base, "data", "devarch2"),  // a sibling sharing the prefix
		filepath.Join(base, "data", "..devarch"), // a name starting with ..
		filepath.Join(base, "data"),              // the parent: its data lives beside, not in, the default
	} {
		if err := checkDevHome(home, def); err != nil {
			t.Errorf("DEVARCH_HOME=%q refused: %v", home, err)
		}
	}
}

func FuzzCheckDevHome(f *testing.F) {
	f.Add("/home/u/.local/share/devarch", "/home/u/.local/share/devarch")
	f.Add("/home/u/.local/share/devarch/../devarch/", "/home/u/.local/share/devarch")
	f.Add("/home/u/.local/share/devarch2", "/home/u/.local/share/devarch")
	f.Add("relative/dir", "/home/u/.local/share/devarch")
	f.Add("", "/x")
	f.Add("../..", "..") // the parent of the default, as relative paths
	f.Add("../x", "..")  // inside it
	f.Fuzz(func(t *testing.T, home, def string) {
		if strings.ContainsRune(home, 0) || strings.ContainsRune(def, 0) || def == "" {
			return
		}
		err := checkDevHome(home, def)
		if err != nil && !strings.Contains(err.Error(), "DEVARCH_HOME") {
			t.Fatalf("error does not name DEVARCH_HOME: %v", err)
		}
		if home == "" && err == nil {
			t.Fatal("an unset DEVARCH_HOME passed")
		}
		// Judged on absolute paths: as text, "../.." starts with "../" although it is the
		// parent of "..", not inside it (found by this fuzz test in CI).
		absHome, err1 := filepath.Abs(home)
		absDef, err2 := filepath.Abs(def)
		if home == "" || err1 != nil || err2 != nil {
			return
		}
		if absHome == absDef && err == nil {
			t.Fatalf("DEVARCH_HOME=%q equal to the default %q passed", home, def)
		}
		if err == nil && strings.HasPrefix(absHome, absDef+string(filepath.Separator)) && absDef != string(filepath.Separator) {
			t.Fatalf("DEVARCH_HOME=%q inside the default %q passed", home, def)
		}
	})
}
