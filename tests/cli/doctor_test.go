//go:build unix

package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/testenv"
)

type doctorReport struct {
	Healthy bool `json:"healthy"`
	Checks  []struct {
		Name, Status, Summary, Detail, Fix string
	} `json:"checks"`
}

func (d doctorReport) check(t *testing.T, name string) (status, summary, fix string) {
	t.Helper()
	for _, c := range d.Checks {
		if c.Name == name {
			return c.Status, c.Summary, c.Fix
		}
	}
	t.Fatalf("no %s check in %+v", name, d)
	return
}

// requireTool is testenv.RequireTools with this suite's install hint.
func requireTool(t *testing.T, names ...string) {
	t.Helper()
	testenv.RequireTools(t, "run scripts/install-deps.sh", names...)
}

// withKeyring runs argv inside a private D-Bus session with an unlocked gnome-keyring:
// a real Secret Service, as on a desktop.
func withKeyring(t *testing.T, argv ...string) []string {
	t.Helper()
	requireTool(t, "dbus-run-session", "gnome-keyring-daemon")
	dir := tempHome(t)
	script := fmt.Sprintf(`export XDG_DATA_HOME=%[1]s HOME=%[1]s; eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null; exec "$@"`, dir)
	return append([]string{"dbus-run-session", "--", "sh", "-c", script, "sh"}, argv...)
}

func doctor(t *testing.T, env map[string]string, wrap func(...string) []string) (doctorReport, result) {
	t.Helper()
	argv := []string{devarch(t), "doctor", "--json"}
	if wrap != nil {
		argv = wrap(argv...)
	}
	r := run(t, env, argv...)
	var rep doctorReport
	// A D-Bus-activated gnome-keyring inherits the session's stdout and may print its
	// environment there first; the report is the JSON document that follows.
	doc := r.stdout
	if i := strings.Index(doc, "{"); i > 0 {
		doc = doc[i:]
	}
	if err := json.Unmarshal([]byte(doc), &rep); err != nil {
		t.Fatalf("doctor --json printed no report: %v\n%+v", err, r)
	}
	return rep, r
}

func TestDoctor_Healthy(t *testing.T) {
	home := tempHome(t)
	env := map[string]string{"DEVARCH_HOME": home, "DEVARCH_DATABASE_URL": storeURL(t)}
	rep, r := doctor(t, env, func(a ...string) []string { return withKeyring(t, a...) })
	if !rep.Healthy || r.code != 0 {
		t.Fatalf("healthy machine: exit %d %+v\n%s", r.code, rep, r.stderr)
	}
	for _, name := range []string{"database", "engine", "compose", "keychain", "webview"} {
		if status, summary, _ := rep.check(t, name); status != "ok" {
			t.Errorf("%s: %s %s", name, status, summary)
		}
	}
	// The keyring's session bus has no tray host: closing the window would quit, a warning.
	if status, summary, _ := rep.check(t, "tray"); status != "warning" || !strings.Contains(summary, "no tray host") {
		t.Errorf("tray: %s %s", status, summary)
	}
	// The human form, too.
	r = run(t, env, withKeyring(t, devarch(t), "doctor")...)
	if r.code != 0 || strings.Count(r.stdout, "[ok  ]") != 5 {
		t.Fatalf("human doctor output:\n%s\n%s", r.stdout, r.stderr)
	}
}

func TestDoctor_DatabaseUnreachable(t *testing.T) {
	url := fmt.Sprintf("postgres://devarch:hunter2-secret@127.0.0.1:%d/devarch?sslmode=disable&connect_timeout=2", freePort(t))
	rep, r := doctor(t, map[string]string{"DEVARCH_DATABASE_URL": url}, func(a ...string) []string { return withKeyring(t, a...) })
	status, summary, fix := rep.check(t, "database")
	if status != "error" || !strings.Contains(summary, "DEVARCH_DATABASE_URL") || !strings.Contains(fix, "unset DEVARCH_DATABASE_URL") {
		t.Fatalf("database check: %s %q %q", status, summary, fix)
	}
	if r.code != 1 || rep.Healthy {
		t.Fatalf("an unhealthy machine exits 1: %d", r.code)
	}
	if strings.Contains(r.stdout+r.stderr, "hunter2-secret") {
		t.Fatal("doctor output leaks the database password")
	}
}

func TestDoctor_EngineDaemonNotRunning(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
	rep, r := doctor(t, env, func(a ...string) []string { return withKeyring(t, a...) })
	status, summary, fix := rep.check(t, "engine")
	if status != "error" || !strings.Contains(summary, "not running") || !strings.Contains(fix, "DOCKER_HOST") {
		t.Fatalf("engine check: %s %q %q", status, summary, fix)
	}
	if s, _, _ := rep.check(t, "database"); s != "ok" || r.code != 1 {
		t.Fatalf("only the engine should fail: database %s, exit %d", s, r.code)
	}
}

func TestDoctor_EngineNotInstalled(t *testing.T) {
	// A PATH with the shell tools but no docker or podman.
	bin := tempHome(t)
	for _, tool := range []string{"sh", "setsid", "setpriv", "chown", "chmod", "mkdir"} {
		if p, err := exec.LookPath(tool); err == nil {
			_ = os.Symlink(p, filepath.Join(bin, tool))
		}
	}
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t)}
	wrap := func(a ...string) []string {
		k := withKeyring(t, a...)
		// PATH is narrowed inside the session, after dbus and the keyring have started.
		script := k[4]
		k[4] = strings.Replace(script, `exec "$@"`, `PATH=`+bin+` exec "$@"`, 1)
		return k
	}
	rep, _ := doctor(t, env, wrap)
	status, summary, fix := rep.check(t, "engine")
	if status != "error" || !strings.Contains(summary, "no container engine found") || !strings.Contains(fix, "docker") {
		t.Fatalf("engine check: %s %q %q", status, summary, fix)
	}
}

// Compose missing: hide the plugin directories in a private mount namespace (a user
// namespace too when not root), so the real docker CLI really finds no compose.
func TestDoctor_ComposeMissing(t *testing.T) {
	unshare := []string{"unshare", "--mount", "--propagation", "private"}
	if os.Geteuid() != 0 {
		unshare = []string{"unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"}
	}
	requireTool(t, "unshare", "mount")
	empty := tempHome(t)
	var mounts []string
	for _, d := range []string{"/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins", "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins"} {
		if _, err := os.Stat(d); err == nil {
			mounts = append(mounts, fmt.Sprintf("mount --bind %s %s", empty, d))
		}
	}
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "HOME": empty}
	wrap := func(a ...string) []string {
		inner := withKeyring(t, a...)
		script := strings.Join(mounts, " && ") + ` && exec "$@"`
		if len(mounts) == 0 {
			script = `exec "$@"`
		}
		return append(append(unshare, "sh", "-c", script, "sh"), inner...)
	}
	rep, r := doctor(t, env, wrap)
	status, summary, fix := rep.check(t, "compose")
	if status != "error" || !strings.Contains(summary, "compose") || !strings.Contains(fix, "docker compose version") {
		t.Fatalf("compose check: %s %q %q\n%s", status, summary, fix, r.stderr)
	}
	if s, _, _ := rep.check(t, "engine"); s != "ok" {
		t.Fatalf("the engine itself is fine: %s", s)
	}
}

func TestDoctor_KeychainFailures(t *testing.T) {
	requireTool(t, "dbus-run-session", "dbus-daemon")
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t)}

	t.Run("no session bus", func(t *testing.T) {
		e := map[string]string{"DEVARCH_DATABASE_URL": env["DEVARCH_DATABASE_URL"], "DBUS_SESSION_BUS_ADDRESS": "<unset>", "DISPLAY": "<unset>"}
		rep, r := doctor(t, e, nil)
		status, summary, fix := rep.check(t, "keychain")
		if status != "error" || !strings.Contains(summary, "no D-Bus session bus") || !strings.Contains(fix, "DEVARCH_MASTER_KEY_FILE") {
			t.Fatalf("keychain: %s %q %q", status, summary, fix)
		}
		if r.code != 1 {
			t.Fatalf("exit %d", r.code)
		}
	})

	t.Run("bus without a Secret Service", func(t *testing.T) {
		// A session bus with no service directories: nothing can be activated.
		conf := filepath.Join(tempHome(t), "bus.conf")
		_ = os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>`), 0o644)
		rep, _ := doctor(t, env, func(a ...string) []string {
			return append([]string{"dbus-run-session", "--config-file=" + conf, "--"}, a...)
		})
		status, summary, fix := rep.check(t, "keychain")
		if status != "error" || !strings.Contains(summary, "no Secret Service provider") || !strings.Contains(fix, "gnome-keyring") {
			t.Fatalf("keychain: %s %q %q", status, summary, fix)
		}
	})

	t.Run("locked keychain", func(t *testing.T) {
		requireTool(t, "gnome-keyring-daemon")
		dir := tempHome(t)
		rep, _ := doctor(t, map[string]string{"DEVARCH_DATABASE_URL": env["DEVARCH_DATABASE_URL"], "XDG_DATA_HOME": dir, "HOME": dir},
			func(a ...string) []string { return append([]string{"dbus-run-session", "--"}, a...) })
		status, summary, fix := rep.check(t, "keychain")
		if status != "error" || !strings.Contains(summary, "locked") || !strings.Contains(fix, "Unlock") {
			t.Fatalf("keychain: %s %q %q", status, summary, fix)
		}
	})

	t.Run("key file fallback makes it a warning", func(t *testing.T) {
		e := map[string]string{"DEVARCH_DATABASE_URL": env["DEVARCH_DATABASE_URL"], "DBUS_SESSION_BUS_ADDRESS": "<unset>",
			"DEVARCH_MASTER_KEY_FILE": filepath.Join(tempHome(t), "master.key")}
		rep, r := doctor(t, e, nil)
		if status, _, _ := rep.check(t, "keychain"); status != "warning" {
			t.Fatalf("keychain with key file: %s", status)
		}
		if !rep.Healthy || r.code != 0 {
			t.Fatalf("a warning alone keeps the machine healthy: %+v exit %d", rep, r.code)
		}
	})
}
