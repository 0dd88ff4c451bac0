package secrets

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/zalando/go-keyring"

	"github.com/devarch/devarch/backend/model"
)

// KeychainService is the service name DevArch's entries use in the OS keychain.
const KeychainService = "devarch"

// ProbeKeychain checks that the OS keychain can be used right now, without writing to it:
// reading an entry that does not exist succeeds with "not found" only when a keychain
// answered. Every other outcome is turned into a message that says what is wrong and how
// to fix it.
func ProbeKeychain() error {
	_, err := keyring.Get(KeychainService, "probe-does-not-exist")
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return KeychainError(err)
}

// KeychainError classifies a go-keyring failure into DevArch's clear messages. The
// failure modes on Linux are: no session bus, a bus without a Secret Service provider,
// and a locked collection.
func KeychainError(err error) error {
	msg := err.Error()
	fallback := "Or opt in to a key file: set DEVARCH_MASTER_KEY_FILE to a file with mode 0600."
	switch {
	case strings.Contains(msg, "dial unix") || strings.Contains(msg, "dbus-launch") || strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS") ||
		strings.Contains(msg, "autolaunch") || os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" && strings.Contains(msg, "dbus"):
		return model.Wrap(model.KindUnavailable, err, "no OS keychain: there is no D-Bus session bus",
			"DevArch keeps its master key in the Secret Service, reached over the session bus, and none is running (headless or SSH session). "+
				"Log in to a desktop session, or start one: dbus-run-session -- devarch ... with gnome-keyring-daemon unlocked. "+fallback)
	case strings.Contains(msg, "org.freedesktop.secrets") || strings.Contains(msg, "ServiceUnknown"):
		return model.Wrap(model.KindUnavailable, err, "no OS keychain: no Secret Service provider on the session bus",
			"Install and start one (Debian/Ubuntu: apt-get install gnome-keyring, then gnome-keyring-daemon --start --components=secrets). "+fallback)
	case strings.Contains(msg, "unlock") || strings.Contains(msg, "locked") || strings.Contains(msg, "prompt"):
		return model.Wrap(model.KindUnavailable, err, "the OS keychain is locked",
			"Unlock your login keyring (e.g. log in to the desktop, or: gnome-keyring-daemon --unlock). "+fallback)
	default:
		return model.Wrap(model.KindUnavailable, err, "the OS keychain cannot be used",
			fmt.Sprintf("%s. %s", msg, fallback))
	}
}

// keychainUser is the keychain account an entry is stored under: "master-key-<installation>-vN",
// or "master-key-vN" for a legacy entry.
func keychainUser(e Entry) string {
	if e.Legacy() {
		return fmt.Sprintf("master-key-v%d", e.Version)
	}
	return fmt.Sprintf("master-key-%s-v%d", e.Installation, e.Version)
}

// keychainKeys keeps master keys in the OS keychain: service "devarch", account
// "master-key-<installation>-vN", the 32 bytes base64-encoded.
type keychainKeys struct{}

// KeychainKeys returns the Keys kept in the OS keychain. It does not probe the keychain;
// KeysFromEnv does. Failures of the keychain itself come back through KeychainError.
func KeychainKeys() Keys { return keychainKeys{} }

func (keychainKeys) Describe() string { return "OS keychain" }

func (keychainKeys) Get(e Entry) (Key, error) {
	if err := checkEntry(e, false); err != nil {
		return Key{}, err
	}
	user := keychainUser(e)
	s, err := keyring.Get(KeychainService, user)
	if errors.Is(err, keyring.ErrNotFound) {
		return Key{}, model.Wrap(model.KindNotFound, err, fmt.Sprintf("%s is not in the OS keychain", e),
			fmt.Sprintf("Secrets sealed with it cannot be read without it. Restore it to the keychain (service %q, account %q) from a backup, "+
				"or point %s at the key file that holds it; if it is lost for good, delete those secrets and set them again.",
				KeychainService, user, EnvMasterKeyFile))
	}
	if err != nil {
		return Key{}, KeychainError(err)
	}
	k, ok := decodeKey(e.Version, s)
	if !ok {
		return Key{}, model.NewError(model.KindInternal, fmt.Sprintf("%s in the OS keychain is damaged", e),
			fmt.Sprintf("The keychain entry (service %q, account %q) is not 32 base64-encoded bytes. Restore it from a backup.", KeychainService, user))
	}
	return k, nil
}

func (kc keychainKeys) Create(e Entry) (Key, error) {
	if err := checkEntry(e, true); err != nil {
		return Key{}, err
	}
	k, err := generateKey(e.Version)
	if err != nil {
		return Key{}, err
	}
	if err := kc.store(e, k, false); err != nil {
		return Key{}, err
	}
	return k, nil
}

func (kc keychainKeys) Adopt(e Entry, k Key) error {
	if err := checkEntry(e, true); err != nil {
		return err
	}
	k, err := withVersion(k, e.Version)
	if err != nil {
		return err
	}
	return kc.store(e, k, true)
}

// store writes k under e unless the entry exists. go-keyring's Set replaces an existing
// entry, so it looks first: a replaced master key would orphan every secret sealed with it.
// sameOK accepts an existing entry holding exactly k (a repeated adoption).
func (kc keychainKeys) store(e Entry, k Key, sameOK bool) error {
	cur, err := kc.Get(e)
	switch {
	case err == nil && sameOK && sameKey(cur, k):
		return nil
	case err == nil:
		return model.NewError(model.KindConflict, fmt.Sprintf("%s already exists in the OS keychain", e),
			"DevArch never replaces a master key: the secrets sealed with it would become unreadable. Create the next version instead.")
	case model.KindOf(err) != model.KindNotFound:
		return err
	}
	if err := keyring.Set(KeychainService, keychainUser(e), encodeKey(k)); err != nil {
		return KeychainError(err)
	}
	// Read it back: a key that was not really stored must not seal anything.
	got, err := kc.Get(e)
	if err != nil {
		return err
	}
	if !sameKey(got, k) {
		return model.NewError(model.KindInternal, fmt.Sprintf("the OS keychain returned a different %s than was stored", e),
			"Another program may have written the same entry at the same time. Try again.")
	}
	return nil
}

func (keychainKeys) Delete(e Entry) error {
	if err := checkEntry(e, true); err != nil {
		return err
	}
	err := keyring.Delete(KeychainService, keychainUser(e))
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return KeychainError(err)
}

func checkVersion(version int) error {
	if version < 1 {
		return model.NewError(model.KindInternal, fmt.Sprintf("invalid master key version %d", version), "Master key versions start at 1.")
	}
	return nil
}
