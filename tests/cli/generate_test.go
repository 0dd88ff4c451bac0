//go:build unix

package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A consumer of the mysql contract, for the generated-credential tests: it only needs to
// be wired, never run.
const genAppTemplate = `name: g-app
category: runtime
description: consumes mysql
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
consumes:
  - contract: mysql
    required: true
    env: {DB_HOST: host, DB_PASSWORD: password, DB_URL: url}
`

// Adding a built-in mysql with a real keychain (gnome-keyring) generates its passwords as
// stack secrets: the compose file and the consumer's wired environment hold only the
// references, a second add of the same name keeps the stored secret, and a value the user
// sets by hand wins over generation.
func TestGeneratedCredentials_Keychain(t *testing.T) {
	kc := keyringSession(t)
	env := merge(kc, map[string]string{"DEVARCH_HOME": tempHome(t), "DEVARCH_DATABASE_URL": databaseURL(t)})
	p := filepath.Join(tempHome(t), "g-app.yaml")
	if err := os.WriteFile(p, []byte(genAppTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, env, "devarch", "template", "import", p)
	mustRun(t, env, "devarch", "stack", "create", "crgen")
	mustRun(t, env, "devarch", "instance", "add", "crgen", "db", "--template", "mysql")
	mustRun(t, env, "devarch", "instance", "add", "crgen", "app", "--template", "g-app")

	list := mustRun(t, env, "devarch", "secret", "list", "crgen").stdout
	for _, want := range []string{"db_password", "db_root_password", "db environment.MYSQL_PASSWORD", "app environment.DB_PASSWORD"} {
		if !strings.Contains(list, want) {
			t.Fatalf("secret list lacks %q:\n%s", want, list)
		}
	}
	pw := strings.TrimSpace(mustRun(t, env, "devarch", "secret", "reveal", "crgen", "db_password").stdout)
	root := strings.TrimSpace(mustRun(t, env, "devarch", "secret", "reveal", "crgen", "db_root_password").stdout)
	alnum := regexp.MustCompile(`^[A-Za-z0-9]{24}$`)
	if !alnum.MatchString(pw) || !alnum.MatchString(root) || pw == root {
		t.Fatalf("generated passwords %q and %q: want two different 24-character alphanumeric values", pw, root)
	}

	// The compose file: references only, never a value nor the template's default.
	c := mustRun(t, env, "devarch", "compose", "crgen").stdout
	for _, want := range []string{"MYSQL_PASSWORD: ${DEVARCH_SECRET_DB_PASSWORD}", "MYSQL_ROOT_PASSWORD: ${DEVARCH_SECRET_DB_ROOT_PASSWORD}",
		"DB_PASSWORD: ${DEVARCH_SECRET_DB_PASSWORD}", "DB_URL: mysql://app:${DEVARCH_SECRET_DB_PASSWORD}@db:3306/app"} {
		if !strings.Contains(c, want) {
			t.Fatalf("compose lacks %q:\n%s", want, c)
		}
	}
	if strings.Contains(c, pw) || strings.Contains(c, root) || strings.Contains(c, "MYSQL_PASSWORD: app") {
		t.Fatalf("compose holds a password:\n%s", c)
	}
	// The consumer receives the reference through the wire (origin wiring).
	show := mustRun(t, env, "devarch", "instance", "show", "crgen", "app", "--effective").stdout
	if !regexp.MustCompile(`DB_PASSWORD.*\$\{secret:db_password\}.*wiring`).MatchString(show) || strings.Contains(show, pw) {
		t.Fatalf("the consumer's effective config:\n%s", show)
	}
	// The instance's own overrides hold the reference, not the value.
	dbShow := mustRun(t, env, "devarch", "instance", "show", "crgen", "db").stdout
	if !strings.Contains(dbShow, "${secret:db_password}") || strings.Contains(dbShow, pw) {
		t.Fatalf("the provider's overrides:\n%s", dbShow)
	}
	// With generated passwords the plan does not warn about default credentials.
	if r := run(t, env, "devarch", "plan", "crgen"); strings.Contains(r.stdout+r.stderr, "default MYSQL_PASSWORD") {
		t.Fatalf("plan warns about a generated password:\n%s%s", r.stdout, r.stderr)
	}

	// Removing and adding db again keeps the stored secrets: nothing is overwritten.
	mustRun(t, env, "devarch", "instance", "remove", "crgen", "db")
	mustRun(t, env, "devarch", "instance", "add", "crgen", "db", "--template", "mysql")
	if again := strings.TrimSpace(mustRun(t, env, "devarch", "secret", "reveal", "crgen", "db_password").stdout); again != pw {
		t.Fatalf("a second add replaced db_password")
	}
	// A secret the user stored first is used as it is.
	mustRunIn(t, env, "mine-0123", "secret", "set", "crgen", "db2_password")
	mustRun(t, env, "devarch", "instance", "add", "crgen", "db2", "--template", "mariadb")
	if v := strings.TrimSpace(mustRun(t, env, "devarch", "secret", "reveal", "crgen", "db2_password").stdout); v != "mine-0123" {
		t.Fatalf("add overwrote the user's secret: %q", v)
	}
	// A value the user gives at add wins: nothing generated for it.
	mustRun(t, env, "devarch", "instance", "add", "crgen", "pg", "--template", "postgres", "--set", "environment.POSTGRES_PASSWORD=chosen")
	if r := run(t, env, "devarch", "secret", "reveal", "crgen", "pg_password"); r.code == 0 {
		t.Fatalf("a password was generated although the user set one: %+v", r)
	}
}

// Without any key store (no keychain, no key file) adding a database still works: it keeps
// the template's default password, and the plan warns, naming how to enable a key store.
func TestGeneratedCredentials_NoKeyStore(t *testing.T) {
	env := map[string]string{"DEVARCH_HOME": tempHome(t), "DEVARCH_DATABASE_URL": databaseURL(t),
		"DEVARCH_MASTER_KEY_FILE": "<unset>", "DBUS_SESSION_BUS_ADDRESS": "<unset>", "DISPLAY": "<unset>"}
	mustRun(t, env, "devarch", "stack", "create", "crnokey")
	mustRun(t, env, "devarch", "instance", "add", "crnokey", "db", "--template", "mysql")
	if list := mustRun(t, env, "devarch", "secret", "list", "crnokey").stdout; strings.Contains(list, "db_password") {
		t.Fatalf("a secret was generated without a key store:\n%s", list)
	}
	if c := mustRun(t, env, "devarch", "compose", "crnokey").stdout; !strings.Contains(c, "MYSQL_PASSWORD: app") {
		t.Fatalf("compose should keep the template's default:\n%s", c)
	}
	r := run(t, env, "devarch", "plan", "crnokey")
	out := r.stdout + r.stderr
	for _, want := range []string{"MYSQL_PASSWORD is the template's default, a well-known password", "on instance db, field environment.MYSQL_PASSWORD", "DEVARCH_MASTER_KEY_FILE",
		"devarch secret set crnokey db_password", "environment.MYSQL_PASSWORD=${secret:db_password}"} {
		if !strings.Contains(out, want) {
			t.Fatalf("plan (exit %d) lacks %q:\n%s", r.code, want, out)
		}
	}
	if r.code != 0 {
		t.Fatalf("a default password is a warning, not an error: exit %d\n%s", r.code, out)
	}
}
