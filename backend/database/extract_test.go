package database

import (
	"archive/tar"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// entry is one tar member for the archives below.
type entry struct {
	name, link string
	typ        byte
	body       string
}

func tarOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: 0o755, Size: int64(len(e.body))}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func dir(name string) entry             { return entry{name: name, typ: tar.TypeDir} }
func file(name, body string) entry      { return entry{name: name, typ: tar.TypeReg, body: body} }
func symlink(name, target string) entry { return entry{name: name, typ: tar.TypeSymlink, link: target} }

// maliciousArchives each try to write outside the extraction directory (review F11): by
// name, through a symlink they create first, or over an entry they created.
func maliciousArchives(t testing.TB, victim string) map[string][]byte {
	return map[string][]byte{
		"absolute-name":           tarOf(t, file(filepath.Join(victim, "pwned"), "x")),
		"dotdot-name":             tarOf(t, file("../../../../../../.."+filepath.Join(victim, "pwned"), "x")),
		"dotdot-inside-name":      tarOf(t, dir("bin/"), file("bin/../../pwned", "x")),
		"absolute-link-then-file": tarOf(t, symlink("lib", victim), file("lib/pwned", "x")),
		"escaping-link-then-file": tarOf(t, symlink("lib", "../../../../../../.."+victim), file("lib/pwned", "x")),
		"inner-link-then-file":    tarOf(t, dir("share/"), symlink("lib", "share"), file("lib/pwned", "x")),
		"inner-link-then-dir":     tarOf(t, dir("share/"), symlink("lib", "share"), dir("lib/sub/")),
		"link-then-same-name":     tarOf(t, file("bin/real", "x"), symlink("bin/pg_ctl", "real"), file("bin/pg_ctl", "evil")),
		"escaping-link-only":      tarOf(t, symlink("bin/postgres", "../../outside/postgres")),
		"absolute-link-only":      tarOf(t, symlink("bin/postgres", "/bin/sh")),
	}
}

// assertContained checks that nothing exists in parent but dest (when ok) and that victim is
// as it was: no file created there, no temporary directory left.
func assertContained(t testing.TB, parent, dest, victim string, ok bool) {
	t.Helper()
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		if ok && e.Name() == filepath.Base(dest) {
			continue
		}
		t.Errorf("left in %s: %s", parent, e.Name())
	}
	if got, _ := os.ReadDir(victim); len(got) != 0 {
		t.Errorf("written outside the extraction directory: %v", got)
	}
	if !ok {
		return
	}
	// Every link in the result stays inside it.
	_ = filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		target, _ := os.Readlink(p)
		rel, _ := filepath.Rel(dest, p)
		if checkLinkTarget(filepath.ToSlash(rel), target) != nil {
			t.Errorf("%s -> %s leaves the tree", rel, target)
		}
		return nil
	})
}

func TestExtractTar_RefusesMaliciousArchives(t *testing.T) {
	victim := t.TempDir()
	for name, data := range maliciousArchives(t, victim) {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			dest := filepath.Join(parent, "15.13.0")
			err := extractTar(bytes.NewReader(data), dest)
			if err == nil {
				t.Fatal("a malicious archive was unpacked")
			}
			t.Logf("refused: %v", err)
			assertContained(t, parent, dest, victim, false)
		})
	}
}

func TestExtractTar_PortableLayout(t *testing.T) {
	victim := t.TempDir()
	parent := t.TempDir()
	dest := filepath.Join(parent, "15.13.0")
	data := tarOf(t,
		dir("./"), dir("./bin/"), file("./bin/postgres", "#!"), symlink("./bin/postmaster", "postgres"),
		dir("./lib/"), file("./lib/libpq.so.5.15", "elf"), symlink("./lib/libpq.so.5", "libpq.so.5.15"),
		symlink("./bin/libpq.so", "../lib/libpq.so.5"), file("share/postgres.bki", "bki"),
		entry{name: "./lib/hard", typ: tar.TypeLink, link: "lib/libpq.so.5.15"})
	if err := extractTar(bytes.NewReader(data), dest); err != nil {
		t.Fatal(err)
	}
	assertContained(t, parent, dest, victim, true)
	for p, want := range map[string]string{"bin/postmaster": "#!", "lib/libpq.so.5": "elf", "bin/libpq.so": "elf", "share/postgres.bki": "bki"} {
		got, err := os.ReadFile(filepath.Join(dest, p))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q %v, want %q", p, got, err, want)
		}
	}
	if fi, err := os.Stat(filepath.Join(dest, "bin", "postgres")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("an executable keeps 0755 (and nothing more): %v %v", fi.Mode(), err)
	}
	if _, err := os.Lstat(filepath.Join(dest, "lib", "hard")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("hard links are skipped, as the library does: %v", err)
	}
	// The destination exists now: a second unpack must not touch it.
	if err := extractTar(bytes.NewReader(data), dest); err == nil {
		t.Error("unpacking over an existing tree must fail")
	}
	assertContained(t, parent, dest, victim, true)
}

// FuzzExtractTar: whatever the archive, nothing is written outside the destination, no
// temporary directory is left, and a tree that unpacks has no link leaving it. Seeds: the
// malicious archives above and a valid one. It works in memory-backed /dev/shm when there is
// one: on a busy disk every input would cost a directory create and remove.
func FuzzExtractTar(f *testing.F) {
	base := ""
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		base = "/dev/shm"
	}
	victim, err := os.MkdirTemp(base, "devarch-fuzz-victim-")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(victim) })
	for _, data := range maliciousArchives(f, victim) {
		f.Add(data)
	}
	f.Add(tarOf(f, dir("bin/"), file("bin/pg_ctl", "x"), symlink("bin/initdb", "pg_ctl"), symlink("lib", "bin")))
	f.Add([]byte("not a tar archive"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parent, err := os.MkdirTemp(base, "devarch-fuzz-extract-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(parent)
		dest := filepath.Join(parent, "out")
		err = extractTar(bytes.NewReader(data), dest)
		assertContained(t, parent, dest, victim, err == nil)
	})
}

// FuzzEntryName: an accepted name is relative, clean and free of "..".
func FuzzEntryName(f *testing.F) {
	for _, s := range []string{"bin/pg_ctl", "./bin/", "/etc/passwd", "../x", "a/../../b", "a//b/./c", ".", "", "a\\..\\b", "..", "a/.."} {
		f.Add(s, "../lib/x")
	}
	f.Fuzz(func(t *testing.T, name, target string) {
		got, err := entryName(name)
		if err == nil {
			if strings.HasPrefix(got, "/") || path.Clean("/"+got) != "/"+got && got != "" {
				t.Fatalf("entryName(%q) = %q: not clean and relative", name, got)
			}
			for _, part := range strings.Split(got, "/") {
				if part == ".." {
					t.Fatalf("entryName(%q) = %q keeps ..", name, got)
				}
			}
		}
		if got != "" && err == nil && checkLinkTarget(got, target) == nil {
			resolved := path.Join(path.Dir(got), target)
			if path.IsAbs(target) || resolved == ".." || strings.HasPrefix(resolved, "../") {
				t.Fatalf("link %q -> %q accepted but leaves the tree", got, target)
			}
		}
	})
}
