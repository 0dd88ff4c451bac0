//go:build unix

package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/database/hosttest"
)

// A shared store: several clients (a team's machines, a CI runner) with their own data homes
// use one PostgreSQL through DEVARCH_DATABASE_URL, and the same master key (a key file the
// team distributes). These tests run in both modes; in external mode (make test-extpg) the
// store is the separate server the harness started.

// TestHarness_StoreIsWhereTheModeSays proves which server the suite's databases are on: the
// embedded test server normally, and in external mode the separate server, logged in as an
// ordinary role that only owns its database (no superuser, no CREATEDB), PostgreSQL 15+,
// running (as root) under the unprivileged account, never as root.
func TestHarness_StoreIsWhereTheModeSays(t *testing.T) {
	url := databaseURL(t)
	pool := dbtest.Connect(t, url)
	var user string
	var super, createdb bool
	var version, port int
	if err := pool.QueryRow(t.Context(), `SELECT current_user, rolsuper, rolcreatedb,
		current_setting('server_version_num')::int, current_setting('port')::int
		FROM pg_roles WHERE rolname = current_user`).Scan(&user, &super, &createdb, &version, &port); err != nil {
		t.Fatal(err)
	}
	embeddedPort := dbtest.Server(t).Info.Port
	if !dbtest.ExternalMode() {
		if port != embeddedPort {
			t.Fatalf("normal mode: the database is on port %d, not the embedded test server's %d", port, embeddedPort)
		}
		return
	}
	if port == embeddedPort || user != "devarch_team" || super || createdb || version < 150000 {
		t.Fatalf("external mode: want the separate server as the ordinary team role on PostgreSQL 15+, got port %d (embedded %d), user %s, superuser %v, createdb %v, version %d",
			port, embeddedPort, user, super, createdb, version)
	}
	pids := hosttest.ServerProcesses("devarch-extpg-")
	if len(pids) == 0 {
		t.Fatal("no process of the external server found")
	}
	for _, pid := range pids {
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			continue // a backend that just ended
		}
		for _, line := range strings.Split(string(status), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 || f[0] != "Uid:" {
				continue
			}
			if uid, _ := strconv.Atoi(f[1]); uid == 0 || os.Geteuid() != 0 && uid != os.Geteuid() {
				t.Fatalf("external server process %d runs as uid %s (test uid %d)", pid, f[1], os.Geteuid())
			}
		}
	}
}

// sharedClients are two clients of one store: two data homes, one DEVARCH_DATABASE_URL, one
// key file (the team's).
func sharedClients(t *testing.T) (a, b applyEnv) {
	t.Helper()
	a = newApplyEnv(t)
	a.env["DEVARCH_MASTER_KEY_FILE"] = filepath.Join(tempHome(t), "team.key")
	b = applyEnv{env: merge(a.env, map[string]string{"DEVARCH_HOME": tempHome(t)}), t: t}
	return a, b
}

// Two clients apply two different stacks at the same moment: both succeed. While one client
// applies a stack, the other's apply of that stack is refused by the stack lock, naming the
// holder (user@host and the pid of the first client's process), and its apply of another
// stack goes through. Once the holder is gone the lock is free for the other client.
func TestSharedStore_TwoClientsApply(t *testing.T) {
	a, b := sharedClients(t)
	a.stack("h5p-sa", "db:t-http", "app:t-idle")
	b.stack("h5p-sb", "db:t-http", "app:t-idle")

	var wg sync.WaitGroup
	results := make([]result, 2)
	for i, c := range []struct {
		env   map[string]string
		stack string
	}{{a.env, "h5p-sa"}, {b.env, "h5p-sb"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = run(t, c.env, "devarch", "apply", c.stack, "--yes")
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 || !strings.Contains(r.stderr, "Apply complete: 3 added") {
			t.Fatalf("client %d's apply of its own stack at the same time as the other's: %+v", i, r)
		}
	}
	for _, c := range []string{"devarch-h5p-sa-db", "devarch-h5p-sa-app", "devarch-h5p-sb-db", "devarch-h5p-sb-app"} {
		if s := containerState(t, c); s != "running" {
			t.Fatalf("%s is %s after both applies", c, s)
		}
	}
	// Each client sees the other's run in the shared history.
	if r := mustRun(t, a.env, "devarch", "history", "h5p-sb", "--json"); !strings.Contains(r.stdout, `"status": "succeeded"`) {
		t.Fatalf("client A does not see client B's apply: %s", r.stdout)
	}

	// The same stack: A's apply holds the lock while compose waits for a never-healthy
	// container; B is refused at once, naming A's process.
	a.stack("h5p-ss", "sick:t-sick")
	first, out := startApply(t, a, "h5p-ss")
	defer func() { _ = first.Process.Kill(); _ = first.Wait() }()
	host, _ := os.Hostname()
	r := run(t, b.env, "devarch", "apply", "h5p-ss", "--yes")
	holder := fmt.Sprintf("@%s (cli, pid %d)", host, first.Process.Pid)
	if r.code != 1 || !strings.Contains(r.stderr, `stack "h5p-ss" is locked: apply of plan`) || !strings.Contains(r.stderr, holder) {
		t.Fatalf("client B's apply of the stack client A applies must be refused naming %q: %+v", holder, r)
	}
	if r := run(t, b.env, "devarch", "down", "h5p-ss"); r.code != 1 || !strings.Contains(r.stderr, "is locked") {
		t.Fatalf("client B's down during client A's apply must be refused: %+v", r)
	}
	// B's other stack is not affected.
	mustRun(t, b.env, "devarch", "instance", "set", "h5p-sb", "app", "environment.CHANGED=1")
	if r := run(t, b.env, "devarch", "apply", "h5p-sb", "--yes"); r.code != 0 || !strings.Contains(r.stderr, "Apply complete") {
		t.Fatalf("client B applies another stack while A holds h5p-ss: %+v", r)
	}

	// A is canceled: the lock is free for B.
	_ = first.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- first.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("client A's apply did not stop within 30 s of Ctrl+C:\n%s", out.String())
	}
	mustRun(t, b.env, "devarch", "down", "h5p-ss")
	for _, s := range []string{"h5p-sa", "h5p-sb"} {
		mustRun(t, b.env, "devarch", "down", s)
	}
}

// sealedState is every stored secret's key version and ciphertext, and the master-key
// versions, as one comparable text.
func sealedState(t *testing.T, url string) string {
	t.Helper()
	pool := dbtest.Connect(t, url)
	var buf bytes.Buffer
	rows, err := pool.Query(t.Context(), `SELECT s.name, x.name, x.key_version, x.nonce, x.ciphertext, x.updated_at
		FROM secrets x JOIN stacks s ON s.id = x.stack_id ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var stack, name string
		var version int
		var nonce, ct []byte
		var updated time.Time
		if err := rows.Scan(&stack, &name, &version, &nonce, &ct, &updated); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&buf, "%s/%s v%d %x %x %s\n", stack, name, version, nonce, ct, updated.UTC())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows, err = pool.Query(t.Context(), `SELECT version, retired_at IS NOT NULL FROM master_keys ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v int
		var retired bool
		if err := rows.Scan(&v, &retired); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&buf, "key v%d retired=%v\n", v, retired)
	}
	return buf.String()
}

// A client of a shared store without the team's master key (no key file, or a keychain
// without the entry) gets a clear error naming the missing key and what to do, on every
// command that needs a secret (reveal, set, rotate-key, clone, export --with-secrets), and
// re-seals nothing: the stored ciphertexts and key versions are byte-identical afterwards.
// A client with the key file reads what the other sealed.
func TestSharedStore_ClientWithoutTheKey(t *testing.T) {
	ae := newApplyEnv(t)
	url := ae.env["DEVARCH_DATABASE_URL"]
	teamKey := filepath.Join(tempHome(t), "team.key")
	a := merge(ae.env, map[string]string{"DEVARCH_MASTER_KEY_FILE": teamKey})
	ae.env = a
	ae.stack("h5p-sec", "app:t-idle")
	mustRunIn(t, a, "pw-h5p-one", "secret", "set", "h5p-sec", "db_password")
	mustRunIn(t, a, "tok-h5p-two", "secret", "set", "h5p-sec", "api_token")
	mustRun(t, a, "devarch", "instance", "set", "h5p-sec", "app",
		"environment.DB_PASSWORD=${secret:db_password}", "environment.API=Bearer ${secret:api_token}")

	// A second client with the same key file reads A's secrets.
	withKey := map[string]string{"DEVARCH_DATABASE_URL": url, "DEVARCH_HOME": tempHome(t), "DEVARCH_MASTER_KEY_FILE": teamKey}
	if r := mustRun(t, withKey, "devarch", "secret", "reveal", "h5p-sec", "db_password"); strings.TrimSpace(r.stdout) != "pw-h5p-one" {
		t.Fatalf("a client with the team's key file: %+v", r)
	}

	before := sealedState(t, url)
	keyBefore, err := os.ReadFile(teamKey)
	if err != nil {
		t.Fatal(err)
	}
	passFile := filepath.Join(tempHome(t), "pass")
	if err := os.WriteFile(passFile, []byte("correct horse battery staple\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noFileHome := tempHome(t)
	missingFile := filepath.Join(noFileHome, "master.key")
	clients := map[string]map[string]string{
		"no key file":    {"DEVARCH_DATABASE_URL": url, "DEVARCH_HOME": noFileHome, "DEVARCH_MASTER_KEY_FILE": missingFile},
		"empty keychain": merge(keyringSession(t), map[string]string{"DEVARCH_DATABASE_URL": url, "DEVARCH_HOME": tempHome(t)}),
	}
	for what, env := range clients {
		for _, c := range []struct {
			stdin string
			argv  []string
		}{
			{"", []string{"secret", "reveal", "h5p-sec", "db_password"}},
			{"pw-h5p-new", []string{"secret", "set", "h5p-sec", "db_password"}},
			{"pw-h5p-new", []string{"secret", "set", "h5p-sec", "new_one"}},
			{"", []string{"secret", "rotate-key"}},
			{"", []string{"stack", "clone", "h5p-sec", "h5p-sec2"}},
			{"", []string{"export", "h5p-sec", "--with-secrets", "--passphrase-file", passFile, "-o", filepath.Join(tempHome(t), "x.yml")}},
			{"", []string{"apply", "h5p-sec", "--yes"}},
		} {
			r := runIn(t, env, c.stdin, c.argv...)
			// The error names the missing key and the way out for a shared store (the team's
			// key file), and does not suggest deleting secrets the other clients still read.
			if r.code != 1 || !strings.Contains(r.stderr, "master key v1 is not in the") ||
				!strings.Contains(r.stderr, "DEVARCH_DATABASE_URL") || !strings.Contains(r.stderr, "DEVARCH_MASTER_KEY_FILE at the team's key file") ||
				strings.Contains(r.stderr, "delete those secrets") {
				t.Errorf("%s: %v: want exit 1 naming the missing master key and the team's key file, got %d\n%s%s", what, c.argv, r.code, r.stdout, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, "pw-h5p-one") || strings.Contains(r.stdout+r.stderr, "tok-h5p-two") {
				t.Errorf("%s: %v printed a secret value", what, c.argv)
			}
		}
		// A plan reads no value (it compares the key versions secrets are sealed with), so it
		// works without the key, and warns that the apply will fail; the apply above refused
		// before touching anything.
		if r := run(t, env, "devarch", "plan", "h5p-sec"); r.code != 0 || !strings.Contains(r.stdout, "+ create app") && !strings.Contains(r.stdout, "to add") ||
			!strings.Contains(r.stdout+r.stderr, "apply will fail: secret") || !strings.Contains(r.stdout+r.stderr, "master key v1 is not in the") {
			t.Errorf("%s: plan: %+v", what, r)
		}
		// doctor names the missing key and the team's key file as the fix.
		rep, _ := doctor(t, env, nil)
		if status, summary, fix := rep.check(t, "keychain"); status != "error" || !strings.Contains(summary, "master key v1 is not in the") ||
			!strings.Contains(fix, "team's key file") {
			t.Errorf("%s: doctor's keychain check: %s %s %s", what, status, summary, fix)
		}
	}
	if s := containerState(t, "devarch-h5p-sec-app"); s != "missing" {
		t.Fatalf("a refused apply created the container (%s)", s)
	}
	if after := sealedState(t, url); after != before {
		t.Fatalf("clients without the key changed the sealed secrets:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if keyAfter, _ := os.ReadFile(teamKey); !bytes.Equal(keyAfter, keyBefore) {
		t.Fatal("the team's key file changed")
	}
	if _, err := os.Stat(missingFile); err == nil {
		b, _ := os.ReadFile(missingFile)
		if len(bytes.TrimSpace(b)) > 0 {
			t.Fatalf("a client without the key wrote a key of its own:\n%s", b)
		}
	}
	if r := mustRun(t, withKey, "devarch", "stack", "list"); strings.Contains(r.stdout, "h5p-sec2") {
		t.Fatalf("a refused clone left a stack behind:\n%s", r.stdout)
	}
	// Everything still opens with the team's key.
	if r := mustRun(t, a, "devarch", "secret", "reveal", "h5p-sec", "api_token"); strings.TrimSpace(r.stdout) != "tok-h5p-two" {
		t.Fatalf("after the refused commands: %+v", r)
	}
}
