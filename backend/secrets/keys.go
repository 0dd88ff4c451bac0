package secrets

import (
	"encoding/base64"
	"os"
)

// EnvMasterKeyFile names the environment variable that opts in to keeping the master key
// in a file instead of the OS keychain (for headless machines without a Secret Service).
const EnvMasterKeyFile = "DEVARCH_MASTER_KEY_FILE"

// Keys stores the versions of DevArch's master key. The database's master_keys table lists
// which versions exist; a Keys holds their bytes.
//
// Every error is a *model.Error: KindNotFound for a version that is not stored,
// KindConflict for creating a version that already exists, KindInvalid for a key file
// that is refused or damaged, KindUnavailable for a keychain or file that cannot be used
// right now, KindInternal for anything unexpected.
type Keys interface {
	// Get returns the stored key of that version.
	Get(version int) (Key, error)
	// Create draws a new random key, stores it under version and returns it. It refuses a
	// version that already exists: replacing a key would make every secret sealed with it
	// unreadable.
	Create(version int) (Key, error)
	// Delete removes the key of that version; deleting a missing version is not an error,
	// so a half-finished rotation can always be cleaned up. Only delete a version once no
	// ciphertext names it.
	Delete(version int) error
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
