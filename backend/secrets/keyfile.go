package secrets

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/devarch/devarch/backend/model"
)

// keyFileMode is the only access a key file may grant: read and write for its owner.
const keyFileMode fs.FileMode = 0o600

// keyFile keeps master keys in a text file the user opted in to with
// DEVARCH_MASTER_KEY_FILE, one line per entry:
//
//	<installation>/v1 <base64 of 32 bytes>
//	<installation>/v2 <base64 of 32 bytes>
//	v1 <base64 of 32 bytes>          (legacy: written before installation ids; read only)
//
// Invariants: the file is never readable by group or others and belongs to the user
// running DevArch, in a directory others cannot write to (DevArch refuses to use it
// otherwise, rather than silently fixing it, because the key may already have leaked or
// been swapped and the user should know); it is only ever replaced whole, by writing a 0600
// temporary file in the same directory and renaming it over the old one, so a crash leaves
// either the old or the new file, never half of one. Every read-modify-write holds an
// exclusive lock on the file's directory, so processes of different data homes sharing
// one key file never lose each other's entries.
type keyFile struct {
	path string
	mu   sync.Mutex
}

// KeyFileKeys returns the Keys kept in the key file at path. The file may be missing (the
// first Create writes it, mode 0600), but its directory must exist. An existing file is
// checked now — owner, mode and format — so a bad file is reported at startup, not at
// first use.
func KeyFileKeys(path string) (Keys, error) {
	if path == "" {
		return nil, model.NewError(model.KindInvalid, EnvMasterKeyFile+" is empty", "Set it to the path of the master key file.")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, model.Wrap(model.KindInvalid, err, fmt.Sprintf("cannot resolve the key file path %s", path), err.Error())
	}
	dir := filepath.Dir(abs)
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return nil, model.NewError(model.KindInvalid, fmt.Sprintf("the directory of the key file %s does not exist", abs),
			fmt.Sprintf("Create it (mkdir -p %s) or set %s to a file in an existing directory.", dir, EnvMasterKeyFile))
	}
	if err := checkDir(abs, dir, fi); err != nil {
		return nil, err
	}
	kf := &keyFile{path: abs}
	if _, err := kf.read(); err != nil {
		return nil, err
	}
	return kf, nil
}

func (f *keyFile) Describe() string { return "key file " + f.path }

// lineKey is an entry's name in the file: "<installation>/vN", or "vN" for a legacy entry.
func lineKey(e Entry) string {
	if e.Legacy() {
		return fmt.Sprintf("v%d", e.Version)
	}
	return fmt.Sprintf("%s/v%d", e.Installation, e.Version)
}

func (f *keyFile) Get(e Entry) (Key, error) {
	if err := checkEntry(e, false); err != nil {
		return Key{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	keys, err := f.read()
	if err != nil {
		return Key{}, err
	}
	k, ok := keys[e]
	if !ok {
		return Key{}, model.NewError(model.KindNotFound, fmt.Sprintf("%s is not in the key file %s", e, f.path),
			fmt.Sprintf("Secrets sealed with it cannot be read without it. Restore the line \"%s ...\" from a backup of the file, "+
				"or unset %s if the key is in the OS keychain; if it is lost for good, delete those secrets and set them again.",
				lineKey(e), EnvMasterKeyFile))
	}
	return k, nil
}

func (f *keyFile) Create(e Entry) (Key, error) {
	if err := checkEntry(e, true); err != nil {
		return Key{}, err
	}
	k, err := generateKey(e.Version)
	if err != nil {
		return Key{}, err
	}
	return k, f.store(e, k, false)
}

func (f *keyFile) Adopt(e Entry, k Key) error {
	if err := checkEntry(e, true); err != nil {
		return err
	}
	k, err := withVersion(k, e.Version)
	if err != nil {
		return err
	}
	return f.store(e, k, true)
}

// store adds k under e, refusing an existing entry (unless sameOK and it holds k).
func (f *keyFile) store(e Entry, k Key, sameOK bool) error {
	return f.change(func(keys map[Entry]Key) (bool, error) {
		if cur, ok := keys[e]; ok {
			if sameOK && sameKey(cur, k) {
				return false, nil
			}
			return false, model.NewError(model.KindConflict, fmt.Sprintf("%s already exists in the key file %s", e, f.path),
				"DevArch never replaces a master key: the secrets sealed with it would become unreadable. Create the next version instead.")
		}
		keys[e] = k
		return true, nil
	})
}

func (f *keyFile) Delete(e Entry) error {
	if err := checkEntry(e, true); err != nil {
		return err
	}
	return f.change(func(keys map[Entry]Key) (bool, error) {
		if _, ok := keys[e]; !ok {
			return false, nil
		}
		delete(keys, e)
		return true, nil
	})
}

// change runs a read-modify-write of the file under the process mutex and the
// cross-process lock; edit reports whether it changed anything to write.
func (f *keyFile) change(edit func(map[Entry]Key) (bool, error)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	unlock, err := lockDir(filepath.Dir(f.path))
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, fmt.Sprintf("cannot lock the key file %s", f.path), err.Error())
	}
	defer unlock()
	keys, err := f.read()
	if err != nil {
		return err
	}
	changed, err := edit(keys)
	if err != nil || !changed {
		return err
	}
	return f.write(keys)
}

// read loads every key in the file; a missing file holds none. The mode is checked on the
// open descriptor, so the file that is checked is the file that is read.
func (f *keyFile) read() (map[Entry]Key, error) {
	keys := map[Entry]Key{}
	fh, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return keys, nil
	}
	if err != nil {
		return nil, model.Wrap(model.KindUnavailable, err, fmt.Sprintf("cannot open the key file %s", f.path), err.Error())
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, model.Wrap(model.KindUnavailable, err, fmt.Sprintf("cannot read the key file %s", f.path), err.Error())
	}
	if !fi.Mode().IsRegular() {
		return nil, model.NewError(model.KindInvalid, fmt.Sprintf("the key file %s is not a regular file", f.path),
			fmt.Sprintf("Set %s to a file (DevArch creates it when missing).", EnvMasterKeyFile))
	}
	if err := checkMode(f.path, fi.Mode().Perm()); err != nil {
		return nil, err
	}
	if err := checkFileOwner(f.path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(fh)
	if err != nil {
		return nil, model.Wrap(model.KindUnavailable, err, fmt.Sprintf("cannot read the key file %s", f.path), err.Error())
	}
	defer clear(data)
	return parseKeyFile(f.path, data)
}

// checkMode refuses a key file that group or others may access in any way. Windows has no
// such bits (Go reports 0666 for every writable file); there the file's ACL, inherited from
// the user's profile directory, is what protects it.
func checkMode(path string, perm fs.FileMode) error {
	if runtime.GOOS == "windows" || perm&0o077 == 0 {
		return nil
	}
	return model.NewError(model.KindInvalid,
		fmt.Sprintf("refusing to use the key file %s: its mode is %04o, so other users may read the master key", path, perm),
		fmt.Sprintf("Make it private to you: chmod 600 %s", path))
}

// parseKeyFile reads "<installation>/v<N> <base64>" and legacy "v<N> <base64>" lines.
// Errors name the line number but never echo the line: it holds key material.
func parseKeyFile(path string, data []byte) (map[Entry]Key, error) {
	keys := map[Entry]Key{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		bad := func(why string) error {
			return model.NewError(model.KindInvalid, fmt.Sprintf("the key file %s is damaged at line %d: %s", path, n, why),
				"Each line must be \"<installation>/v<N> <base64 of 32 bytes>\" (or \"v<N> <key>\"). Restore the file from a backup.")
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, bad("not \"<name> <key>\"")
		}
		var e Entry
		name := fields[0]
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			e.Installation, name = name[:i], name[i+1:]
			if !installationRE.MatchString(e.Installation) {
				return nil, bad("the installation id is not lowercase hex")
			}
		}
		if !strings.HasPrefix(name, "v") {
			return nil, bad("the name does not end in v<N>")
		}
		version, err := strconv.Atoi(name[1:])
		if err != nil || version < 1 || strconv.Itoa(version) != name[1:] {
			return nil, bad("the version is not a positive number")
		}
		e.Version = version
		if _, dup := keys[e]; dup {
			return nil, bad(fmt.Sprintf("%s appears twice", lineKey(e)))
		}
		k, ok := decodeKey(version, fields[1])
		if !ok {
			return nil, bad("the key is not 32 base64-encoded bytes")
		}
		keys[e] = k
	}
	if err := sc.Err(); err != nil {
		return nil, model.Wrap(model.KindInvalid, err, fmt.Sprintf("the key file %s cannot be parsed", path), err.Error())
	}
	return keys, nil
}

// write replaces the file with keys, atomically: a 0600 temporary file in the same
// directory (same file system, so the rename is atomic) is written, synced and renamed
// over the old file, then the directory is synced so the rename survives a crash.
func (f *keyFile) write(keys map[Entry]Key) (err error) {
	entries := make([]Entry, 0, len(keys))
	for e := range keys {
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b Entry) int {
		if c := strings.Compare(a.Installation, b.Installation); c != 0 {
			return c
		}
		return a.Version - b.Version
	})
	var buf bytes.Buffer
	for _, e := range entries {
		fmt.Fprintf(&buf, "%s %s\n", lineKey(e), encodeKey(keys[e]))
	}
	defer clear(buf.Bytes())

	fail := func(err error) error {
		return model.Wrap(model.KindUnavailable, err, fmt.Sprintf("cannot write the key file %s", f.path), err.Error())
	}
	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(f.path)+".tmp-*")
	if err != nil {
		return fail(err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	// CreateTemp already uses 0600 (less the umask); say it explicitly all the same.
	if err = tmp.Chmod(keyFileMode); err != nil && runtime.GOOS != "windows" {
		return fail(err)
	}
	if _, err = tmp.Write(buf.Bytes()); err != nil {
		return fail(err)
	}
	if err = tmp.Sync(); err != nil {
		return fail(err)
	}
	if err = tmp.Close(); err != nil {
		return fail(err)
	}
	if err = os.Rename(tmp.Name(), f.path); err != nil {
		return fail(err)
	}
	if d, derr := os.Open(dir); derr == nil { // best effort: not every platform syncs directories
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
