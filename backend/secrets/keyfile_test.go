package secrets_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
)

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// onlyFile asserts dir holds exactly the key file: no temporary file survived a write.
func onlyFile(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != name {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("directory holds %v, want only %s", names, name)
	}
}

// inst is the installation id the tests' keys belong to.
const inst = "8f2c1e4a-0b6d-4c3e-9a7f-1d2e3f405162"

// ev names version v of the test installation.
func ev(v int) secrets.Entry { return secrets.Entry{Installation: inst, Version: v} }

func sameKey(t *testing.T, a, b secrets.Key) bool {
	t.Helper()
	return a.Version == b.Version && bytes.Equal(secrets.KeyBytes(a), secrets.KeyBytes(b))
}

func TestKeyFile_Lifecycle(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "master.key")
	keys, err := secrets.KeyFileKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if keys.Describe() != "key file "+path {
		t.Fatalf("Describe: %q", keys.Describe())
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the file is written by the first Create, not before")
	}
	_, err = keys.Get(ev(1))
	if model.KindOf(err) != model.KindNotFound || !strings.Contains(err.Error(), "master key v1 is not in the key file "+path) {
		t.Fatalf("missing version: %v", err)
	}

	// Create: the file appears with mode 0600.
	k1, err := keys.Create(ev(1))
	if err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", m)
	}
	onlyFile(t, dir, "master.key")
	if _, err := keys.Create(ev(1)); model.KindOf(err) != model.KindConflict || !strings.Contains(err.Error(), "never replaces") {
		t.Fatalf("creating v1 twice: %v", err)
	}

	// Reuse: another process (a new KeyFileKeys) reads the same key, and it opens what the
	// first one sealed.
	again, err := secrets.KeyFileKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := again.Get(ev(1))
	if err != nil || !sameKey(t, got, k1) {
		t.Fatalf("reusing the file: %v", err)
	}
	s, _ := secrets.Seal(k1, owner, secrets.NewValue(plaintext))
	if v, err := secrets.Open(got, owner, s); err != nil || v.Reveal() != plaintext {
		t.Fatalf("open with the reread key: %v", err)
	}

	// More versions.
	k2, err := again.Create(ev(2))
	if err != nil {
		t.Fatal(err)
	}
	k3, err := keys.Create(ev(3))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(secrets.KeyBytes(k1), secrets.KeyBytes(k2)) || bytes.Equal(secrets.KeyBytes(k2), secrets.KeyBytes(k3)) {
		t.Fatal("two versions share key bytes")
	}
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], inst+"/v1 ") || !strings.HasPrefix(lines[1], inst+"/v2 ") || !strings.HasPrefix(lines[2], inst+"/v3 ") {
		t.Fatalf("file content has %d lines: %q...", len(lines), strings.Fields(string(data))[0])
	}
	for v, want := range map[int]secrets.Key{1: k1, 2: k2, 3: k3} {
		if got, err := keys.Get(ev(v)); err != nil || !sameKey(t, got, want) {
			t.Fatalf("Get(%d): %v", v, err)
		}
	}

	// Delete one; the others stay; deleting again is fine.
	if err := keys.Delete(ev(2)); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Get(ev(2)); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("deleted v2 still there: %v", err)
	}
	if err := keys.Delete(ev(2)); err != nil {
		t.Fatalf("deleting a missing version: %v", err)
	}
	if got, err := again.Get(ev(3)); err != nil || !sameKey(t, got, k3) {
		t.Fatalf("v3 after deleting v2: %v", err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Fatalf("key file mode after rewrites %04o, want 0600", m)
	}
	onlyFile(t, dir, "master.key")

	// Nothing the file holds appears in any error.
	for _, k := range []secrets.Key{k1, k3} {
		for _, e := range []error{errOf(keys.Get(ev(9))), errOf(keys.Create(ev(1))), errOf(secrets.KeyFileKeys(filepath.Join(dir, "no", "x")))} {
			if leaksKey(e.Error(), secrets.KeyBytes(k)) {
				t.Fatalf("error leaks a key: %v", e)
			}
		}
	}
}

func errOf[T any](_ T, err error) error { return err }

func TestKeyFile_RefusesWideModes(t *testing.T) {
	for _, m := range []fs.FileMode{0o644, 0o640, 0o604, 0o660, 0o666} {
		dir := t.TempDir()
		path := filepath.Join(dir, "master.key")
		keys, err := secrets.KeyFileKeys(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := keys.Create(ev(1)); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, m); err != nil {
			t.Fatal(err)
		}
		want := "refusing to use the key file " + path + ": its mode is " + octal(m) +
			", so other users may read the master key: Make it private to you: chmod 600 " + path
		_, err = secrets.KeyFileKeys(path)
		if err == nil || err.Error() != want || model.KindOf(err) != model.KindInvalid {
			t.Fatalf("mode %04o at startup:\n got %v\nwant %s", m, err, want)
		}
		// A file that became readable after startup is refused at use, too.
		for _, e := range []error{errOf(keys.Get(ev(1))), errOf(keys.Create(ev(2))), keys.Delete(ev(1))} {
			if e == nil || e.Error() != want {
				t.Fatalf("mode %04o at use: %v", m, e)
			}
		}
		// The fix in the message works.
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := keys.Get(ev(1)); err != nil {
			t.Fatalf("after chmod 600: %v", err)
		}
	}
	// Narrower than 0600 is fine.
	dir := t.TempDir()
	path := filepath.Join(dir, "master.key")
	keys, _ := secrets.KeyFileKeys(path)
	if _, err := keys.Create(ev(1)); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(path, 0o400)
	if _, err := keys.Get(ev(1)); err != nil {
		t.Fatalf("0400: %v", err)
	}
}

func octal(m fs.FileMode) string {
	const digits = "01234567"
	return "0" + string(digits[m>>6&7]) + string(digits[m>>3&7]) + string(digits[m&7])
}

func TestKeyFile_BadPlaces(t *testing.T) {
	dir := t.TempDir()
	_, err := secrets.KeyFileKeys(filepath.Join(dir, "missing", "master.key"))
	if model.KindOf(err) != model.KindInvalid || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), "mkdir -p "+filepath.Join(dir, "missing")) {
		t.Fatalf("missing directory: %v", err)
	}
	_, err = secrets.KeyFileKeys(dir)
	if model.KindOf(err) != model.KindInvalid || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("a directory: %v", err)
	}

	// A damaged file names the line, never its content.
	key := "v1 " + strings.Repeat("QUJD", 11) + "\nv2 not-base64-SECRETISH\n"
	path := filepath.Join(dir, "damaged.key")
	if err := os.WriteFile(path, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = secrets.KeyFileKeys(path)
	if model.KindOf(err) != model.KindInvalid || !strings.Contains(err.Error(), "damaged at line 1") || strings.Contains(err.Error(), "QUJD") {
		t.Fatalf("damaged file: %v", err)
	}
	for i, content := range []string{"v1\n", "x1 AAAA\n", "v0 AAAA\n", "v1 a b\n"} {
		_ = os.WriteFile(path, []byte(content), 0o600)
		if _, err := secrets.KeyFileKeys(path); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("content %d: %v", i, err)
		}
	}
}

// Several installations (data homes) may share one key file: each reads and deletes only
// its own entries, legacy lines are read but never written, and concurrent writers (one
// Keys each, as separate processes have) never lose each other's keys.
func TestKeyFile_SharedByInstallations(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "master.key")
	legacyLine := "v1 " + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, secrets.KeySize)) + "\n"
	if err := os.WriteFile(path, []byte(legacyLine), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := secrets.KeyFileKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	legacy := secrets.Entry{Version: 1}
	lk, err := keys.Get(legacy)
	if err != nil || !bytes.Equal(secrets.KeyBytes(lk), bytes.Repeat([]byte{7}, secrets.KeySize)) {
		t.Fatalf("legacy line: %v", err)
	}
	if _, err := keys.Create(legacy); model.KindOf(err) != model.KindInternal {
		t.Fatalf("creating a legacy entry: %v", err)
	}
	if err := keys.Delete(legacy); model.KindOf(err) != model.KindInternal {
		t.Fatalf("deleting a legacy entry: %v", err)
	}
	if err := keys.Adopt(ev(1), lk); err != nil {
		t.Fatal(err)
	}

	const writers = 8
	ids := make([]string, writers)
	errs := make(chan error, writers)
	for i := range ids {
		ids[i] = fmt.Sprintf("%08x-0000-4000-8000-000000000000", i+1)
		go func(id string) {
			k, err := secrets.KeyFileKeys(path)
			if err == nil {
				for v := 1; v <= 3 && err == nil; v++ {
					_, err = k.Create(secrets.Entry{Installation: id, Version: v})
				}
				if err == nil {
					err = k.Delete(secrets.Entry{Installation: id, Version: 2})
				}
			}
			errs <- err
		}(ids[i])
	}
	for range ids {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids {
		for v, want := range map[int]bool{1: true, 2: false, 3: true} {
			_, err := keys.Get(secrets.Entry{Installation: id, Version: v})
			if (err == nil) != want {
				t.Fatalf("installation %s v%d: present=%v, want %v (%v)", id, v, err == nil, want, err)
			}
		}
	}
	if got, err := keys.Get(legacy); err != nil || !sameKey(t, got, lk) {
		t.Fatalf("the legacy line after other installations wrote: %v", err)
	}
	if got, err := keys.Get(ev(1)); err != nil || !bytes.Equal(secrets.KeyBytes(got), secrets.KeyBytes(lk)) {
		t.Fatalf("the adopted copy: %v", err)
	}
}

// A key file someone else could swap is refused: in a directory others may write to
// (without the sticky bit), or owned by another user.
func TestKeyFile_RefusesForeignPlaces(t *testing.T) {
	shared := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(shared, 0o700); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(shared, 0o777)
	path := filepath.Join(shared, "master.key")
	_, err := secrets.KeyFileKeys(path)
	if model.KindOf(err) != model.KindInvalid || !strings.Contains(err.Error(), "writable by other users") || !strings.Contains(err.Error(), "chmod go-w "+shared) {
		t.Fatalf("world-writable directory: %v", err)
	}
	_ = os.Chmod(shared, 0o777|os.ModeSticky) // sticky, like /tmp: others cannot remove or rename our file
	keys, err := secrets.KeyFileKeys(path)
	if err != nil {
		t.Fatalf("sticky directory: %v", err)
	}
	if _, err := keys.Create(ev(1)); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		t.Log("the foreign-owner case needs root to chown; the root run covers it")
		return
	}
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	for _, e := range []error{errOf(secrets.KeyFileKeys(path)), errOf(keys.Get(ev(1)))} {
		if model.KindOf(e) != model.KindInvalid || !strings.Contains(e.Error(), "belongs to uid 65534") {
			t.Fatalf("foreign owner: %v", e)
		}
	}
}

func TestKeysFromEnv_KeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	t.Setenv(secrets.EnvMasterKeyFile, path)
	// The keychain is not consulted at all: no session bus here must not matter.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
	keys, err := secrets.KeysFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if keys.Describe() != "key file "+path {
		t.Fatalf("Describe: %s", keys.Describe())
	}
	if _, err := keys.Create(ev(1)); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(path, 0o644)
	if _, err := secrets.KeysFromEnv(); err == nil || !strings.Contains(err.Error(), "chmod 600 "+path) {
		t.Fatalf("wide mode through KeysFromEnv: %v", err)
	}
}
