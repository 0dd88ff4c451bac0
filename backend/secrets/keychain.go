// Package secrets seals and opens secret values and keeps DevArch's master key in the OS
// keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
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
