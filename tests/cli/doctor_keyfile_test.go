//go:build unix

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With DEVARCH_MASTER_KEY_FILE set, doctor checks the file as DevArch will use it and
// whether the stored secrets open with it; a broken one makes the machine unhealthy (exit
// 1) with a fix that does not tell the user to set the variable they already set.
func TestDoctor_KeyFile(t *testing.T) {
	dir := tempHome(t)
	keyFile := filepath.Join(dir, "master.key")
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t),
		"DEVARCH_MASTER_KEY_FILE": keyFile, "DBUS_SESSION_BUS_ADDRESS": "<unset>", "DISPLAY": "<unset>"}
	mustRun(t, env, "devarch", "stack", "create", "dk")
	mustRunIn(t, env, "pw", "secret", "set", "dk", "db_password")

	rep, r := doctor(t, env, nil)
	status, summary, fix := rep.check(t, "keychain")
	detail := ""
	for _, c := range rep.Checks {
		if c.Name == "keychain" {
			detail = c.Detail
		}
	}
	if status != "warning" || !rep.Healthy || r.code != 0 || !strings.Contains(detail, "using the key file "+keyFile) ||
		!strings.Contains(detail, "opens the 1 stored secret(s)") || strings.Contains(fix, "DEVARCH_MASTER_KEY_FILE") {
		t.Fatalf("a good key file without a keychain: %s %q %q %q exit %d", status, summary, detail, fix, r.code)
	}

	// Readable by others: refused by secrets, so doctor fails.
	if err := os.Chmod(keyFile, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, r = doctor(t, env, nil)
	status, summary, fix = rep.check(t, "keychain")
	if status != "error" || rep.Healthy || r.code != 1 || !strings.Contains(summary, "mode is 0644") || !strings.Contains(fix, "chmod 600 "+keyFile) {
		t.Fatalf("a key file of mode 0644: %s %q %q exit %d", status, summary, fix, r.code)
	}
	h := run(t, env, "devarch", "doctor")
	if h.code != 1 || !strings.Contains(h.stdout, "[FAIL] keychain") || !strings.Contains(h.stdout, "fix: Make it private to you: chmod 600") {
		t.Fatalf("human doctor output:\n%s", h.stdout)
	}
	_ = os.Chmod(keyFile, 0o600)

	// Damaged content.
	if err := os.WriteFile(keyFile, []byte("not a key file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if rep, _ := doctor(t, env, nil); rep.Healthy {
		t.Fatalf("a damaged key file passes: %+v", rep)
	}

	// A key file without the key that sealed the stored secret: they cannot be opened.
	env["DEVARCH_MASTER_KEY_FILE"] = filepath.Join(tempHome(t), "other.key")
	rep, r = doctor(t, env, nil)
	status, summary, fix = rep.check(t, "keychain")
	if status != "error" || r.code != 1 || !strings.Contains(summary, "the stored secrets cannot be opened") || !strings.Contains(summary, "is not in the key file") ||
		!strings.Contains(fix, "backup") {
		t.Fatalf("secrets sealed with a key the file lacks: %s %q %q exit %d", status, summary, fix, r.code)
	}
	if _, err := os.Stat(env["DEVARCH_MASTER_KEY_FILE"]); !os.IsNotExist(err) {
		t.Fatalf("doctor must not create a key file: %v", err)
	}
}
