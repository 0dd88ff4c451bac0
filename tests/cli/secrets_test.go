//go:build unix

package cli_test

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/store"
)

// runIn runs devarch with stdin.
func runIn(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(devarch(t), args...)
	cmd.Env = environ(env)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	return result{out.String(), errb.String(), code}
}

func TestSecrets_EndToEndWithoutLeaks(t *testing.T) {
	a := newApplyEnv(t)
	keyFile := filepath.Join(tempHome(t), "master.key")
	a.env["DEVARCH_MASTER_KEY_FILE"] = keyFile
	const db, api = "pw-Zq81-never-leak", "tok-Yx42-never-leak"
	var outputs strings.Builder
	record := func(r result) result {
		outputs.WriteString(r.stdout + r.stderr)
		return r
	}
	a.stack("sec1", "app:t-idle")
	record(mustRun(t, a.env, "devarch", "instance", "set", "sec1", "app",
		"environment.DB_PASSWORD=${secret:db_password}", "environment.API=Bearer ${secret:api_token}"))

	// A referenced secret that does not exist is a plan error naming instance and field.
	r := record(run(t, a.env, "devarch", "plan", "sec1"))
	if r.code != 1 || !strings.Contains(r.stdout, "Error: secret api_token does not exist\n  on instance app, field environment.API\n") {
		t.Fatalf("missing secret: %+v", r)
	}
	// Values come from stdin only.
	if r := record(run(t, a.env, "devarch", "secret", "set", "sec1", "db_password", db)); r.code != 2 {
		t.Fatalf("a value on the command line must be refused: %+v", r)
	}
	record(mustRunIn(t, a.env, db+"\n", "secret", "set", "sec1", "db_password"))
	record(mustRunIn(t, a.env, api, "secret", "set", "sec1", "api_token"))
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	r = record(mustRun(t, a.env, "devarch", "secret", "list", "sec1"))
	if !strings.Contains(r.stdout, "app environment.DB_PASSWORD") {
		t.Fatalf("list names the users: %s", r.stdout)
	}
	record(mustRun(t, a.env, "devarch", "compose", "sec1"))
	record(mustRun(t, a.env, "devarch", "instance", "show", "sec1", "app", "--effective"))
	record(mustRun(t, a.env, "devarch", "apply", "sec1", "--yes"))

	// The container really receives the values.
	out, err := exec.Command("docker", "exec", "devarch-sec1-app", "env").Output()
	if err != nil || !strings.Contains(string(out), "DB_PASSWORD="+db+"\n") || !strings.Contains(string(out), "API=Bearer "+api+"\n") {
		t.Fatalf("container environment: %v\n%s", err, out)
	}

	// A new value replaces the users, shown as (sensitive).
	record(mustRunIn(t, a.env, db+"-2", "secret", "set", "sec1", "db_password"))
	r = record(mustRun(t, a.env, "devarch", "plan", "sec1"))
	if !strings.Contains(r.stdout, "cause: secret db_password changed") || !strings.Contains(r.stdout, "(sensitive) -> (sensitive)") {
		t.Fatalf("changed secret plan:\n%s", r.stdout)
	}
	record(mustRun(t, a.env, "devarch", "apply", "sec1", "--yes"))
	r = record(run(t, a.env, "devarch", "secret", "delete", "sec1", "db_password"))
	if r.code != 1 || !strings.Contains(r.stderr, "is used by app environment.DB_PASSWORD") {
		t.Fatalf("delete while referenced: %+v", r)
	}
	record(mustRun(t, a.env, "devarch", "history", "sec1", "--json"))
	record(mustRun(t, a.env, "devarch", "stack", "show", "sec1", "--json"))

	// Reveal is the one explicit way back.
	if r := mustRun(t, a.env, "devarch", "secret", "reveal", "sec1", "api_token"); strings.TrimSpace(r.stdout) != api {
		t.Fatalf("reveal: %q", r.stdout)
	}

	// Leak search: CLI output, every file DevArch wrote, a pg_dump of the database.
	plain := []string{db, api, db + "-2"}
	for _, p := range plain {
		if strings.Contains(outputs.String(), p) {
			t.Fatalf("CLI output leaks %q:\n%s", p, outputs.String())
		}
	}
	_ = filepath.WalkDir(a.env["DEVARCH_HOME"], func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(path)
		for _, p := range plain {
			if strings.Contains(string(b), p) {
				t.Errorf("%s contains a secret value", path)
			}
		}
		return nil
	})
	dump, err := exec.Command(pgDump(t), "--dbname="+a.env["DEVARCH_DATABASE_URL"], "--no-owner").Output()
	if err != nil || !strings.Contains(string(dump), "COPY public.secrets") {
		t.Fatalf("pg_dump: %v", err)
	}
	for _, p := range plain {
		if strings.Contains(string(dump), p) {
			t.Fatalf("the database dump contains %q", p)
		}
	}
}

func mustRunIn(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	r := runIn(t, env, stdin, args...)
	if r.code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

func pgDump(t *testing.T) string {
	for _, p := range []string{"/usr/lib/postgresql/15/bin/pg_dump", "/usr/lib/postgresql/16/bin/pg_dump", "/usr/lib/postgresql/17/bin/pg_dump"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	p, err := exec.LookPath("pg_dump")
	if err != nil {
		t.Fatal("pg_dump is required (postgresql-15)")
	}
	return p
}

func TestSecrets_RotationInterruptedLeavesEverythingReadable(t *testing.T) {
	url := databaseURL(t)
	env := map[string]string{"DEVARCH_DATABASE_URL": url, "DEVARCH_HOME": tempHome(t),
		"DEVARCH_MASTER_KEY_FILE": filepath.Join(tempHome(t), "master.key")}
	mustRun(t, env, "devarch", "stack", "create", "rot")
	values := map[string]string{"a": "value-a-1", "b": "value-b-2", "c": "value-c-3"}
	for n, v := range values {
		mustRunIn(t, env, v, "secret", "set", "rot", n)
	}
	// Enough secrets that a rotation takes a while: kill -9 it while it holds the key lock
	// (seen in pg_locks: the condition, not a guess at a duration).
	pool := dbtest.Connect(t, url)
	t.Setenv("DEVARCH_MASTER_KEY_FILE", env["DEVARCH_MASTER_KEY_FILE"])
	svc := engine.New(store.New(pool), runtime.Options{}, tempHome(t))
	for i := 0; i < 400; i++ {
		if _, err := svc.SetSecret(t.Context(), "rot", fmt.Sprintf("filler_%d", i), secrets.NewValue(fmt.Sprintf("filler-%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(devarch(t), "secret", "rotate-key")
	cmd.Env = environ(env)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		var held bool
		// Only a rotation re-seals rows, statement by statement, inside its transaction.
		_ = pool.QueryRow(t.Context(), `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND state IN ('active', 'idle in transaction')
			  AND query LIKE 'UPDATE secrets SET key_version%')`).Scan(&held)
		if held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the rotation never got under way")
		}
		time.Sleep(5 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	for n, v := range values {
		if r := mustRun(t, env, "devarch", "secret", "reveal", "rot", n); strings.TrimSpace(r.stdout) != v {
			t.Fatalf("after an interrupted rotation %s reads %q", n, r.stdout)
		}
	}
	// A completed rotation re-encrypts all; still readable; then again.
	for i := 0; i < 2; i++ {
		r := mustRun(t, env, "devarch", "secret", "rotate-key")
		if !strings.Contains(r.stderr, "re-encrypted 403 secret(s)") {
			t.Fatalf("rotation: %s", r.stderr)
		}
		for n, v := range values {
			if r := mustRun(t, env, "devarch", "secret", "reveal", "rot", n); strings.TrimSpace(r.stdout) != v {
				t.Fatalf("after rotation %d %s reads %q", i, n, r.stdout)
			}
		}
	}
	key, _ := os.ReadFile(env["DEVARCH_MASTER_KEY_FILE"])
	if lines := strings.Count(strings.TrimSpace(string(key)), "\n") + 1; lines != 1 {
		t.Fatalf("retired keys must be deleted after the rotation commits; key file has %d keys", lines)
	}
}

// With the real OS keychain (gnome-keyring on a private D-Bus session).
func TestSecrets_RealKeychain(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t), "DEVARCH_MASTER_KEY_FILE": "<unset>"}
	mustRun(t, env, "devarch", "stack", "create", "kc")
	bin := devarch(t)
	script := fmt.Sprintf(`printf 'kc-value-77' | %[1]s secret set kc token && %[1]s secret reveal kc token`, bin)
	r := run(t, env, withKeyring(t, "sh", "-c", script)...)
	if r.code != 0 || !strings.Contains(r.stdout, "kc-value-77") {
		t.Fatalf("keychain round trip: %+v", r)
	}
	// Without any keychain and without the key file, a clear message.
	r = runIn(t, map[string]string{"DEVARCH_DATABASE_URL": env["DEVARCH_DATABASE_URL"], "DEVARCH_HOME": env["DEVARCH_HOME"], "DBUS_SESSION_BUS_ADDRESS": ""}, "x", "secret", "set", "kc", "other")
	if r.code != 1 || !strings.Contains(r.stderr, "no OS keychain") || !strings.Contains(r.stderr, "DEVARCH_MASTER_KEY_FILE") {
		t.Fatalf("no keychain: %+v", r)
	}
}

// A reference to a name no secret can have is refused when it is written, with the name it
// could have, and nothing is stored: before, `${secret:dt-token}` was accepted, exported,
// and then refused by import ("not a valid secret name"), while `secret set` could never
// give it a value.
func TestSecretReference_InvalidNameRefusedAtSet(t *testing.T) {
	home := tempHome(t)
	env := map[string]string{"DEVARCH_HOME": home, "DEVARCH_DATABASE_URL": storeURL(t), "DEVARCH_MASTER_KEY_FILE": home + "/master.key"}
	mustRun(t, env, "devarch", "stack", "create", "dt")
	r := run(t, env, "devarch", "instance", "add", "dt", "web", "--template", "nginx", "--set", "environment.TOKEN=${secret:dt-token}")
	if r.code != 1 || !strings.Contains(r.stderr, `environment.TOKEN: invalid secret reference "${secret:dt-token}"`) || !strings.Contains(r.stderr, "e.g. dt_token") {
		t.Fatalf("add with a bad reference: exit %d\n%s", r.code, r.stderr)
	}
	mustRun(t, env, "devarch", "instance", "add", "dt", "web", "--template", "nginx")
	r = run(t, env, "devarch", "instance", "set", "dt", "web", "environment.TOKEN=${secret:Token}")
	if r.code != 1 || !strings.Contains(r.stderr, "e.g. token") {
		t.Fatalf("set with a bad reference: exit %d\n%s", r.code, r.stderr)
	}
	if r := mustRun(t, env, "devarch", "export", "dt"); strings.Contains(r.stdout, "secret:") {
		t.Fatalf("a refused reference was stored:\n%s", r.stdout)
	}
}
