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
// DEVARCH_MASTER_KEY_FILE, one line per version:
//
//	v1 <base64 of 32 bytes>
//	v2 <base64 of 32 bytes>
//
// Invariants: the file is never readable by group or others (DevArch refuses to use it
// otherwise, rather than silently fixing it, because the key may already have leaked and
// the user should know); it is only ever replaced whole, by writing a 0600 temporary file
// in the same directory and renaming it over the old one, so a crash leaves either the old
// or the new file, never half of one. A mutex serialises changes within one process; two
// DevArch processes creating keys at the same moment are not coordinated here (the engine
// creates keys only on first use and rotation, under its own lock).
type keyFile struct {
	path string
	mu   sync.Mutex
}

// KeyFileKeys returns the Keys kept in the key file at path. The file may be missing (the
// first Create writes it, mode 0600), but its directory must exist. An existing file is
// checked now — mode and format — so a bad file is reported at startup, not at first use.
func KeyFileKeys(path string) (Keys, error) {
	if path == "" {
		return nil, model.NewError(model.KindInvalid, EnvMasterKeyFile+" is empty", "Set it to the path of the master key file.")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, model.Wrap(model.KindInvalid, err, fmt.Sprintf("cannot resolve the key file path %s", path), err.Error())
	}
	dir := filepath.Dir(abs)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, model.NewError(model.KindInvalid, fmt.Sprintf("the directory of the key file %s does not exist", abs),
			fmt.Sprintf("Create it (mkdir -p %s) or set %s to a file in an existing directory.", dir, EnvMasterKeyFile))
	}
	kf := &keyFile{path: abs}
	if _, err := kf.read(); err != nil {
		return nil, err
	}
	return kf, nil
}

func (f *keyFile) Describe() string { return "key file " + f.path }

func (f *keyFile) Get(version int) (Key, error) {
	if err := checkVersion(version); err != nil {
		return Key{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	keys, err := f.read()
	if err != nil {
		return Key{}, err
	}
	k, ok := keys[version]
	if !ok {
		return Key{}, model.NewError(model.KindNotFound, fmt.Sprintf("master key v%d is not in the key file %s", version, f.path),
			fmt.Sprintf("Secrets sealed with it cannot be read without it. Restore the line \"v%d ...\" from a backup of the file, "+
				"or unset %s if the key is in the OS keychain; if it is lost for good, delete those secrets and set them again.",
				version, EnvMasterKeyFile))
	}
	return k, nil
}

func (f *keyFile) Create(version int) (Key, error) {
	if err := checkVersion(version); err != nil {
		return Key{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	keys, err := f.read()
	if err != nil {
		return Key{}, err
	}
	if _, ok := keys[version]; ok {
		return Key{}, model.NewError(model.KindConflict, fmt.Sprintf("master key v%d already exists in the key file %s", version, f.path),
			"DevArch never replaces a master key: the secrets sealed with it would become unreadable. Create the next version instead.")
	}
	k, err := generateKey(version)
	if err != nil {
		return Key{}, err
	}
	keys[version] = k
	if err := f.write(keys); err != nil {
		return Key{}, err
	}
	return k, nil
}

func (f *keyFile) Delete(version int) error {
	if err := checkVersion(version); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	keys, err := f.read()
	if err != nil {
		return err
	}
	if _, ok := keys[version]; !ok {
		return nil
	}
	delete(keys, version)
	return f.write(keys)
}

// read loads every key in the file; a missing file holds none. The mode is checked on the
// open descriptor, so the file that is checked is the file that is read.
func (f *keyFile) read() (map[int]Key, error) {
	keys := map[int]Key{}
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

// parseKeyFile reads "v<N> <base64>" lines. Errors name the line number but never echo the
// line: it holds key material.
func parseKeyFile(path string, data []byte) (map[int]Key, error) {
	keys := map[int]Key{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		bad := func(why string) error {
			return model.NewError(model.KindInvalid, fmt.Sprintf("the key file %s is damaged at line %d: %s", path, n, why),
				"Each line must be \"v<N> <base64 of 32 bytes>\". Restore the file from a backup.")
		}
		fields := strings.Fields(line)
		if len(fields) != 2 || !strings.HasPrefix(fields[0], "v") {
			return nil, bad("not \"v<N> <key>\"")
		}
		version, err := strconv.Atoi(fields[0][1:])
		if err != nil || version < 1 {
			return nil, bad("the version is not a positive number")
		}
		if _, dup := keys[version]; dup {
			return nil, bad(fmt.Sprintf("v%d appears twice", version))
		}
		k, ok := decodeKey(version, fields[1])
		if !ok {
			return nil, bad("the key is not 32 base64-encoded bytes")
		}
		keys[version] = k
	}
	if err := sc.Err(); err != nil {
		return nil, model.Wrap(model.KindInvalid, err, fmt.Sprintf("the key file %s cannot be parsed", path), err.Error())
	}
	return keys, nil
}

// write replaces the file with keys, atomically: a 0600 temporary file in the same
// directory (same file system, so the rename is atomic) is written, synced and renamed
// over the old file, then the directory is synced so the rename survives a crash.
func (f *keyFile) write(keys map[int]Key) (err error) {
	versions := make([]int, 0, len(keys))
	for v := range keys {
		versions = append(versions, v)
	}
	slices.Sort(versions)
	var buf bytes.Buffer
	for _, v := range versions {
		fmt.Fprintf(&buf, "v%d %s\n", v, encodeKey(keys[v]))
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
