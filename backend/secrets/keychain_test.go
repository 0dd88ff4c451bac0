package secrets_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/testenv"
)

// The keychain tests run against a real Secret Service (gnome-keyring) or a real lack of
// one, never a fake. Each scenario needs its own D-Bus session and environment, which a Go
// test cannot set up for itself (go-keyring connects to the session bus once per process
// state), so the outer test re-executes this test binary inside the scenario, with
// innerScenario naming it; the inner run does the checks and the outer one asserts that
// it ran and passed.
const innerScenario = "DEVARCH_SECRETS_TEST_SCENARIO"

// requireTools is testenv.RequireTools with the keyring's install hint.
func requireTools(t *testing.T, names ...string) {
	t.Helper()
	testenv.RequireTools(t, "Debian: apt-get install dbus-daemon gnome-keyring", names...)
}

// runInner runs this binary's test `test` as scenario, wrapped by wrap (which receives the
// binary's argv and returns the full argv to run), with a private HOME, XDG_DATA_HOME and
// XDG_RUNTIME_DIR so no real keyring of the developer is touched. env overrides entries;
// an empty value removes one.
func runInner(t *testing.T, test, scenario string, env map[string]string, wrap func(argv []string) []string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	runtimeDir := filepath.Join(home, "run")
	if err := os.Mkdir(runtimeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"HOME": home, "XDG_DATA_HOME": home, "XDG_RUNTIME_DIR": runtimeDir, innerScenario: scenario,
		// Whatever session this test runs in must not leak into the scenario.
		"DBUS_SESSION_BUS_ADDRESS": "", "DISPLAY": "", "WAYLAND_DISPLAY": "", "GNOME_KEYRING_CONTROL": "",
		secrets.EnvMasterKeyFile: "",
	}
	for k, v := range env {
		vars[k] = v
	}
	var environ []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); vars[k] == "" {
			if _, overridden := vars[k]; !overridden {
				environ = append(environ, kv)
			}
		}
	}
	for k, v := range vars {
		if v != "" {
			environ = append(environ, k+"="+v)
		}
	}
	argv := wrap([]string{self, "-test.run", "^" + test + "$", "-test.v", "-test.count=1", "-test.timeout=90s"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = environ
	cmd.Dir = home
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	log := out.String()
	if err != nil || !strings.Contains(log, "--- PASS: "+test) || strings.Contains(log, "--- SKIP") {
		t.Fatalf("inner run of %s (%s) did not pass: %v\n%s", test, strings.Join(argv, " "), err, log)
	}
	t.Logf("inner run of %s passed", test)
}

// TestKeychain_Real creates, reads and deletes master keys in a real gnome-keyring,
// started and unlocked inside a private D-Bus session, as on a desktop login.
func TestKeychain_Real(t *testing.T) {
	if os.Getenv(innerScenario) == "real" {
		realKeychain(t)
		return
	}
	requireTools(t, "dbus-run-session", "gnome-keyring-daemon")
	script := `eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null; exec "$0" "$@"`
	runInner(t, "TestKeychain_Real", "real", nil, func(argv []string) []string {
		return append([]string{"dbus-run-session", "--", "sh", "-c", script}, argv...)
	})
}

func realKeychain(t *testing.T) {
	if err := secrets.ProbeKeychain(); err != nil {
		t.Fatalf("the keychain is unlocked, yet: %v", err)
	}
	keys, err := secrets.KeysFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if keys.Describe() != "OS keychain" {
		t.Fatalf("KeysFromEnv without %s: %s", secrets.EnvMasterKeyFile, keys.Describe())
	}

	_, err = keys.Get(ev(7))
	if model.KindOf(err) != model.KindNotFound || !strings.Contains(err.Error(), "master key v7 is not in the OS keychain") ||
		!strings.Contains(err.Error(), "Restore it") || !strings.Contains(err.Error(), `"master-key-`+inst+`-v7"`) {
		t.Fatalf("missing version: %v", err)
	}
	if err := keys.Delete(ev(7)); err != nil {
		t.Fatalf("deleting a missing version: %v", err)
	}

	k7, err := keys.Create(ev(7))
	if err != nil {
		t.Fatal(err)
	}
	// Stored as documented: service "devarch", account "master-key-<installation>-v7", base64 of the key.
	stored, err := keyring.Get("devarch", "master-key-"+inst+"-v7")
	if err != nil || stored != base64.StdEncoding.EncodeToString(secrets.KeyBytes(k7)) {
		t.Fatalf("keychain entry: %v", err)
	}
	if _, err := keys.Create(ev(7)); model.KindOf(err) != model.KindConflict {
		t.Fatalf("creating v7 twice: %v", err)
	}
	if again, _ := keyring.Get("devarch", "master-key-"+inst+"-v7"); again != stored {
		t.Fatal("a refused Create replaced the key")
	}

	// A fresh Keys (another process) reads the same key; it opens what v7 sealed.
	got, err := secrets.KeychainKeys().Get(ev(7))
	if err != nil || got.Version != 7 || !bytes.Equal(secrets.KeyBytes(got), secrets.KeyBytes(k7)) {
		t.Fatalf("Get(7): %v", err)
	}
	s, err := secrets.Seal(k7, owner, secrets.NewValue(plaintext))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := secrets.Open(got, owner, s); err != nil || v.Reveal() != plaintext {
		t.Fatalf("open with the key read back: %v", err)
	}

	k8, err := keys.Create(ev(8))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(secrets.KeyBytes(k7), secrets.KeyBytes(k8)) {
		t.Fatal("two versions share key bytes")
	}
	if err := keys.Delete(ev(7)); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Get(ev(7)); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("v7 after Delete: %v", err)
	}
	if got, err := keys.Get(ev(8)); err != nil || !bytes.Equal(secrets.KeyBytes(got), secrets.KeyBytes(k8)) {
		t.Fatalf("v8 after deleting v7: %v", err)
	}
	if err := keys.Delete(ev(8)); err != nil {
		t.Fatal(err)
	}

	// Installations never share keys: another installation's v7 is its own entry, and
	// creating or deleting it leaves ours alone.
	mine, err := keys.Create(ev(7))
	if err != nil {
		t.Fatal(err)
	}
	other := secrets.Entry{Installation: "0a0b0c0d-1111-4222-8333-444455556666", Version: 7}
	theirs, err := keys.Create(other)
	if err != nil || bytes.Equal(secrets.KeyBytes(theirs), secrets.KeyBytes(mine)) {
		t.Fatalf("another installation's v7: %v", err)
	}
	if err := keys.Delete(other); err != nil {
		t.Fatal(err)
	}
	if got, err := keys.Get(ev(7)); err != nil || !bytes.Equal(secrets.KeyBytes(got), secrets.KeyBytes(mine)) {
		t.Fatalf("our v7 after the other installation deleted its own: %v", err)
	}

	// A legacy entry (DevArch before installation ids) is read, adopted by copying, and
	// never written or deleted.
	legacyBytes := bytes.Repeat([]byte{0x5a}, secrets.KeySize)
	if err := keyring.Set("devarch", "master-key-v3", base64.StdEncoding.EncodeToString(legacyBytes)); err != nil {
		t.Fatal(err)
	}
	legacy := secrets.Entry{Version: 3}
	lk, err := keys.Get(legacy)
	if err != nil || !bytes.Equal(secrets.KeyBytes(lk), legacyBytes) {
		t.Fatalf("reading the legacy entry: %v", err)
	}
	if _, err := keys.Create(legacy); model.KindOf(err) != model.KindInternal {
		t.Fatalf("creating a legacy entry must be refused: %v", err)
	}
	if err := keys.Delete(legacy); model.KindOf(err) != model.KindInternal {
		t.Fatalf("deleting a legacy entry must be refused: %v", err)
	}
	if err := keys.Adopt(ev(3), lk); err != nil {
		t.Fatal(err)
	}
	if err := keys.Adopt(ev(3), lk); err != nil {
		t.Fatalf("adopting the same key twice: %v", err)
	}
	if err := keys.Adopt(ev(3), mine); model.KindOf(err) != model.KindConflict {
		t.Fatalf("adopting a different key over an entry: %v", err)
	}
	if got, err := keys.Get(ev(3)); err != nil || !bytes.Equal(secrets.KeyBytes(got), legacyBytes) || got.Version != 3 {
		t.Fatalf("the adopted copy: %v", err)
	}
	if err := keys.Delete(ev(3)); err != nil {
		t.Fatal(err)
	}
	if still, err := keyring.Get("devarch", "master-key-v3"); err != nil || still != base64.StdEncoding.EncodeToString(legacyBytes) {
		t.Fatalf("deleting the adopted copy touched the legacy entry: %v", err)
	}

	// The explicit opt-in wins over a working keychain.
	path := filepath.Join(t.TempDir(), "master.key")
	t.Setenv(secrets.EnvMasterKeyFile, path)
	if keys, err := secrets.KeysFromEnv(); err != nil || keys.Describe() != "key file "+path {
		t.Fatalf("%s set: %v", secrets.EnvMasterKeyFile, err)
	}
}

// keychainFails runs every keychain entry point where no keychain can be used and checks
// each gives DevArch's clear message, at once.
func keychainFails(t *testing.T, summary, fix string) {
	keys := secrets.KeychainKeys()
	calls := map[string]func() error{
		"ProbeKeychain": secrets.ProbeKeychain,
		"KeysFromEnv":   func() error { _, err := secrets.KeysFromEnv(); return err },
		"Get":           func() error { _, err := keys.Get(ev(1)); return err },
		"Create":        func() error { _, err := keys.Create(ev(1)); return err },
		"Delete":        func() error { return keys.Delete(ev(1)) },
	}
	for name, call := range calls {
		start := time.Now()
		err := call()
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s took %s: a missing keychain must fail at once", name, d)
		}
		t.Logf("%s: %v", name, err)
		var me *model.Error
		if !errors.As(err, &me) || me.Kind != model.KindUnavailable {
			t.Fatalf("%s: want a *model.Error of KindUnavailable, got %T %v", name, err, err)
		}
		if !strings.Contains(me.Summary, summary) || !strings.Contains(me.Detail, fix) || !strings.Contains(me.Detail, secrets.EnvMasterKeyFile) {
			t.Fatalf("%s: unclear message:\n summary %q (want %q)\n detail %q (want %q and %s)", name, me.Summary, summary, me.Detail, fix, secrets.EnvMasterKeyFile)
		}
	}
}

// TestKeychain_NoBus: no D-Bus session at all (headless, SSH).
func TestKeychain_NoBus(t *testing.T) {
	if os.Getenv(innerScenario) == "nobus" {
		keychainFails(t, "no D-Bus session bus", "dbus-run-session")
		return
	}
	direct := func(argv []string) []string { return argv }
	t.Run("address unset", func(t *testing.T) {
		// godbus falls back to /run/user/<uid>/bus, found by uid, whatever the environment
		// says: on a desktop that is a real bus, and this case cannot be produced.
		if bus := fmt.Sprintf("/run/user/%d/bus", os.Getuid()); fileExists(bus) {
			t.Skipf("%s exists: a session bus is always reachable for this user", bus)
		}
		// An empty PATH: godbus would otherwise autolaunch a bus with dbus-launch.
		runInner(t, "TestKeychain_NoBus", "nobus", map[string]string{"PATH": t.TempDir()}, direct)
	})
	t.Run("stale address", func(t *testing.T) {
		runInner(t, "TestKeychain_NoBus", "nobus",
			map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=" + filepath.Join(t.TempDir(), "gone", "bus")}, direct)
	})
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestKeychain_NoProvider: a session bus on which nothing provides org.freedesktop.secrets
// (no keyring installed). The bus has no service directories, so nothing is activated.
func TestKeychain_NoProvider(t *testing.T) {
	if os.Getenv(innerScenario) == "noprovider" {
		keychainFails(t, "no Secret Service provider", "gnome-keyring")
		return
	}
	requireTools(t, "dbus-run-session", "dbus-daemon")
	conf := filepath.Join(t.TempDir(), "session.conf")
	err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	runInner(t, "TestKeychain_NoProvider", "noprovider", nil, func(argv []string) []string {
		return append([]string{"dbus-run-session", "--config-file=" + conf, "--"}, argv...)
	})
}

// TestKeychain_Locked: a normal session bus where gnome-keyring is D-Bus-activated on first
// use but nobody unlocked it (no login password was handed over, no prompter can ask).
func TestKeychain_Locked(t *testing.T) {
	if os.Getenv(innerScenario) == "locked" {
		keychainFails(t, "locked", "Unlock")
		return
	}
	requireTools(t, "dbus-run-session", "gnome-keyring-daemon")
	runInner(t, "TestKeychain_Locked", "locked", nil, func(argv []string) []string {
		return append([]string{"dbus-run-session", "--"}, argv...)
	})
}
