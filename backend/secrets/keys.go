package secrets

import (
	"encoding/base64"
	"fmt"
	"os"
	"regexp"

	"github.com/devarch/devarch/backend/model"
)

// EnvMasterKeyFile names the environment variable that opts in to keeping the master key
// in a file instead of the OS keychain (for headless machines without a Secret Service).
const EnvMasterKeyFile = "DEVARCH_MASTER_KEY_FILE"

// Entry names one stored master key: the installation it belongs to and its version.
//
// Installation is the random id of the database the key seals secrets for. Entries named by
// it belong to that installation alone, so several data homes (or an external database)
// sharing one keychain or key file never touch each other's keys. An empty Installation
// names a legacy entry, written by DevArch before installation ids ("master-key-vN"): any
// data home may depend on it, so it is only ever read (to adopt it), never created,
// replaced or deleted.
type Entry struct {
	Installation string
	Version      int
}

// Legacy reports an entry of the unscoped, pre-installation-id naming.
func (e Entry) Legacy() bool { return e.Installation == "" }

func (e Entry) String() string {
	if e.Legacy() {
		return fmt.Sprintf("master key v%d (unscoped)", e.Version)
	}
	return fmt.Sprintf("master key v%d", e.Version)
}

// installationRE is the shape of an installation id (a UUID, or any lowercase hex and
// hyphens): it is part of keychain account names and key-file lines, so nothing else may
// appear in it.
var installationRE = regexp.MustCompile(`^[0-9a-f][0-9a-f-]{0,63}$`)

func checkEntry(e Entry, write bool) error {
	if err := checkVersion(e.Version); err != nil {
		return err
	}
	if e.Legacy() {
		if write {
			return model.NewError(model.KindInternal, fmt.Sprintf("refusing to write or delete the unscoped master key v%d", e.Version),
				"Unscoped keys may belong to another DevArch data home; DevArch only reads them.")
		}
		return nil
	}
	if !installationRE.MatchString(e.Installation) {
		return model.NewError(model.KindInternal, "invalid installation id for a master key", "The database's installation id must be lowercase hex and hyphens.")
	}
	return nil
}

// Keys stores the versions of DevArch's master key. The database's master_keys table lists
// which versions exist; a Keys holds their bytes, named by Entry.
//
// Every error is a *model.Error: KindNotFound for an entry that is not stored,
// KindConflict for creating an entry that already exists, KindInvalid for a key file
// that is refused or damaged, KindUnavailable for a keychain or file that cannot be used
// right now, KindInternal for anything unexpected (including any attempt to write or delete
// a legacy entry).
type Keys interface {
	// Get returns the stored key of that entry (legacy entries included).
	Get(e Entry) (Key, error)
	// Create draws a new random key, stores it under e and returns it. It refuses an entry
	// that already exists: replacing a key would make every secret sealed with it
	// unreadable.
	Create(e Entry) (Key, error)
	// Adopt stores an existing key under e (a legacy key copied to its installation's own
	// entry). Storing the same bytes again is not an error; different bytes are a
	// KindConflict and change nothing.
	Adopt(e Entry, k Key) error
	// Delete removes the key of that entry; deleting a missing entry is not an error, so a
	// half-finished rotation can always be cleaned up. Only delete an entry once no
	// ciphertext names its version.
	Delete(e Entry) error
	// Describe says where the keys live, for messages and `devarch doctor`:
	// "OS keychain" or "key file /path".
	Describe() string
}

// KeysFromEnv returns the key file named by DEVARCH_MASTER_KEY_FILE when it is set (an
// explicit opt-in), and otherwise the OS keychain once ProbeKeychain confirms it can be
// used; when it cannot, the error is ProbeKeychain's, which says why and how to fix it.
func KeysFromEnv() (Keys, error) {
	if path := os.Getenv(EnvMasterKeyFile); path != "" {
		return KeyFileKeys(path)
	}
	if err := ProbeKeychain(); err != nil {
		return nil, err
	}
	return KeychainKeys(), nil
}

// encodeKey and decodeKey are the stored form of a key in both the keychain and the key
// file: standard base64 of the 32 bytes.
func encodeKey(k Key) string { return base64.StdEncoding.EncodeToString(k.bytes[:]) }

func decodeKey(version int, s string) (Key, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != KeySize {
		return Key{}, false
	}
	k, err := newKey(version, b)
	clear(b)
	return k, err == nil
}

// sameKey reports whether two keys hold the same bytes.
func sameKey(a, b Key) bool {
	return a.usable() && b.usable() && *a.bytes == *b.bytes
}

// withVersion returns k's bytes as a key of another version (adoption keeps the bytes; the
// version is part of the entry).
func withVersion(k Key, version int) (Key, error) {
	if !k.usable() {
		return Key{}, model.NewError(model.KindInternal, "an empty master key cannot be stored", "")
	}
	return newKey(version, k.bytes[:])
}
