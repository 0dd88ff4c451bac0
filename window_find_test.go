//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The command-line build finds the window next to itself (a development tree) or in
// ../lib/devarch (the package layout), through a symlink to itself too, and an explicit
// DEVARCH_DESKTOP_BIN wins; a file that is not executable is not a window.
func TestFindDesktopBinary(t *testing.T) {
	root := t.TempDir()
	write := func(p string, mode os.FileMode) string {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cli := write(filepath.Join(root, "usr", "bin", "devarch"), 0o755)
	if got, tried := findDesktopBinary(cli, ""); got != "" || !strings.Contains(tried, filepath.Join(root, "usr", "lib", "devarch", "devarch-desktop")) {
		t.Fatalf("nothing installed: found %q, tried %q", got, tried)
	}
	write(filepath.Join(root, "usr", "lib", "devarch", "devarch-desktop"), 0o644)
	if got, _ := findDesktopBinary(cli, ""); got != "" {
		t.Fatalf("a file that is not executable was taken: %q", got)
	}
	packaged := write(filepath.Join(root, "usr", "lib", "devarch", "devarch-desktop"), 0o755)
	if err := os.Chmod(packaged, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, _ := findDesktopBinary(cli, ""); got != packaged {
		t.Fatalf("package layout: %q, want %q", got, packaged)
	}
	// A symlink to the command-line build (e.g. ~/bin/devarch) resolves to its real place.
	link := filepath.Join(root, "home", "bin", "devarch")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(cli, link); err != nil {
		t.Fatal(err)
	}
	if got, _ := findDesktopBinary(link, ""); got != packaged {
		t.Fatalf("through a symlink: %q, want %q", got, packaged)
	}
	// A development tree: build/bin/devarch next to build/bin/devarch-desktop wins.
	next := write(filepath.Join(root, "usr", "bin", "devarch-desktop"), 0o755)
	if got, _ := findDesktopBinary(cli, ""); got != next {
		t.Fatalf("next to it: %q, want %q", got, next)
	}
	other := write(filepath.Join(root, "opt", "window"), 0o755)
	if got, _ := findDesktopBinary(cli, other); got != other {
		t.Fatalf("override: %q, want %q", got, other)
	}
	if got, tried := findDesktopBinary(cli, filepath.Join(root, "missing")); got != "" || tried != filepath.Join(root, "missing") {
		t.Fatalf("a missing override must not fall back: %q %q", got, tried)
	}
}
