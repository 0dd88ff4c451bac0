package compose_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/compose"
)

func TestWriteFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "stacks", "shop")
	first := []byte("name: devarch-shop\n")

	path, changed, err := compose.WriteFile(dir, first)
	if err != nil || !changed || path != filepath.Join(dir, "compose.yaml") {
		t.Fatalf("first write: %q, %v, %v", path, changed, err)
	}
	assertFile(t, path, first)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", info.Mode().Perm())
	}

	// Backdate the file so an unwanted rewrite would show as a new mtime.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if _, changed, err := compose.WriteFile(dir, first); err != nil || changed {
		t.Fatalf("same bytes: changed=%v, %v", changed, err)
	}
	if info, _ := os.Stat(path); !info.ModTime().Equal(old) {
		t.Errorf("same bytes changed the mtime: %v, want %v", info.ModTime(), old)
	}

	second := []byte("name: devarch-shop\nservices: {}\n")
	if _, changed, err := compose.WriteFile(dir, second); err != nil || !changed {
		t.Fatalf("different bytes: changed=%v, %v", changed, err)
	}
	assertFile(t, path, second)
	if info, _ := os.Stat(path); info.ModTime().Equal(old) {
		t.Error("different bytes kept the old mtime")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "compose.yaml" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %q, want only compose.yaml (no temporary files)", names)
	}
}

// TestWriteFile_Atomic: the old file is replaced by rename, not rewritten in place, so a
// reader holding the old file keeps seeing it whole.
func TestWriteFile_Atomic(t *testing.T) {
	dir := t.TempDir()
	path, _, err := compose.WriteFile(dir, []byte("old\n"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	before, _ := f.Stat()
	if _, _, err := compose.WriteFile(dir, []byte("new content\n")); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if os.SameFile(before, after) {
		t.Error("the file was rewritten in place; want a new file renamed over it")
	}
	buf := make([]byte, 64)
	n, _ := f.Read(buf)
	if string(buf[:n]) != "old\n" {
		t.Errorf("open reader sees %q, want the old content", buf[:n])
	}
	assertFile(t, path, []byte("new content\n"))
}

func TestWriteFile_Errors(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, changed, err := compose.WriteFile(filepath.Join(blocker, "sub"), []byte("x")); err == nil || changed {
		t.Errorf("writing under a regular file: changed=%v, err=%v; want an error", changed, err)
	}
}

func assertFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s = %q, want %q", path, got, want)
	}
}
