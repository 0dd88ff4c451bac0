//go:build unix

package cli_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/database/dbtest"
)

// keyringSession starts a private D-Bus session with an unlocked gnome-keyring (a real
// Secret Service, as on a desktop) that lives until the test ends, and returns the
// environment that points DevArch (and secret-tool) at it.
func keyringSession(t *testing.T) map[string]string {
	t.Helper()
	requireTool(t, "dbus-run-session", "gnome-keyring-daemon", "secret-tool")
	dir := tempHome(t)
	script := `export HOME="$1" XDG_DATA_HOME="$1"; eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null; ` +
		`echo "$DBUS_SESSION_BUS_ADDRESS" >"$1/addr.tmp"; mv "$1/addr.tmp" "$1/addr"; exec sleep 3600`
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", script, "sh", dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	})
	var addr string
	waitFor(t, 30*time.Second, "the keyring session to start", func() bool {
		b, _ := os.ReadFile(filepath.Join(dir, "addr"))
		addr = strings.TrimSpace(string(b))
		return addr != ""
	})
	return map[string]string{"DBUS_SESSION_BUS_ADDRESS": addr, "DEVARCH_MASTER_KEY_FILE": "<unset>"}
}

// merge returns a copy of the maps, later ones winning.
func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// holdEmbedded keeps a data home's embedded server running for the test (CLI commands then
// attach to it instead of each starting and stopping one).
func holdEmbedded(t *testing.T, home string) {
	t.Helper()
	db, err := database.Open(context.Background(), database.Options{Dirs: appdir.FromHome(home), AppName: "devarch-test-holder"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
}

// keychainEntries lists DevArch's entries in the keychain ("master-key-...").
func keychainEntries(t *testing.T, kc map[string]string) []string {
	t.Helper()
	r := run(t, kc, "secret-tool", "search", "--all", "service", "devarch")
	var out []string
	for _, line := range strings.Split(r.stdout+r.stderr, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), " = "); ok && k == "attribute.username" {
			out = append(out, v)
		}
	}
	return out
}

// Three installations (two embedded data homes and one external PostgreSQL) share one real
// keychain. Before installation ids, the second home's first key replaced the first's, and
// a rotation deleted keys the others used. Now every secret stays readable whatever the
// order of sets, reveals and rotations.
func TestSecrets_InstallationsShareOneKeychain(t *testing.T) {
	kc := keyringSession(t)
	a, b := tempHome(t), tempHome(t)
	holdEmbedded(t, a)
	holdEmbedded(t, b)
	homes := []map[string]string{
		merge(kc, map[string]string{"DEVARCH_HOME": a, "DEVARCH_DATABASE_URL": "<unset>"}),
		merge(kc, map[string]string{"DEVARCH_HOME": b, "DEVARCH_DATABASE_URL": "<unset>"}),
		merge(kc, map[string]string{"DEVARCH_HOME": tempHome(t), "DEVARCH_DATABASE_URL": databaseURL(t)}),
	}
	want := make([]map[string]string, len(homes)) // secret name -> value, per home
	for i, env := range homes {
		mustRun(t, env, "devarch", "stack", "create", "kc")
		want[i] = map[string]string{}
	}
	set := func(i int, name, value string) {
		t.Helper()
		mustRunIn(t, homes[i], value, "secret", "set", "kc", name)
		want[i][name] = value
	}
	revealAll := func(when string) {
		t.Helper()
		for i, env := range homes {
			for name, value := range want[i] {
				r := run(t, env, "devarch", "secret", "reveal", "kc", name)
				if r.code != 0 || strings.TrimSpace(r.stdout) != value {
					t.Fatalf("%s: home %d secret %s: exit %d %q %s", when, i, name, r.code, r.stdout, r.stderr)
				}
			}
		}
	}
	for i := range homes {
		set(i, "first", fmt.Sprintf("home-%d-first", i))
	}
	revealAll("after the first secrets")

	// Every order of rotations, with a new secret in between.
	orders := [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	for n, order := range orders {
		for _, i := range order {
			if r := mustRun(t, homes[i], "devarch", "secret", "rotate-key"); !strings.Contains(r.stderr, "Rotated the master key") {
				t.Fatalf("rotate in home %d: %s", i, r.stderr)
			}
			revealAll(fmt.Sprintf("order %v, after rotating home %d", order, i))
		}
		set(order[0], fmt.Sprintf("s%d", n), fmt.Sprintf("home-%d-s%d", order[0], n))
	}
	revealAll("at the end")

	// Each installation keeps exactly its current key: retired ones are deleted, and only
	// its own.
	entries := keychainEntries(t, kc)
	if len(entries) != 3 {
		t.Fatalf("want one current key per installation, the keychain holds %v", entries)
	}
	ids := map[string]bool{}
	for _, e := range entries {
		if !strings.HasPrefix(e, "master-key-") || strings.Count(e, "-") < 7 {
			t.Fatalf("entry %q is not named by an installation id", e)
		}
		ids[e[len("master-key-"):strings.LastIndex(e, "-v")]] = true
	}
	if len(ids) != 3 {
		t.Fatalf("three installations must have three ids: %v", entries)
	}
}

// An installation made before installation ids keeps reading its key: the unscoped entry is
// copied to its own entry at first use and never deleted (other homes may use it); a legacy
// key that another home replaced is reported as such, not as a damaged secret.
func TestSecrets_LegacyKeyAdopted(t *testing.T) {
	kc := keyringSession(t)
	url := databaseURL(t)
	env := merge(kc, map[string]string{"DEVARCH_HOME": tempHome(t), "DEVARCH_DATABASE_URL": url})
	mustRun(t, env, "devarch", "stack", "create", "old")
	mustRunIn(t, env, "legacy-value-1", "secret", "set", "old", "token")
	pool := dbtest.Connect(t, url)
	var id string
	if err := pool.QueryRow(t.Context(), `SELECT id::text FROM installation`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	// Turn it into what DevArch before installation ids left behind: the key under
	// "master-key-v1" only, recorded as legacy.
	scoped := "master-key-" + id + "-v1"
	key := strings.TrimSpace(run(t, kc, "secret-tool", "lookup", "service", "devarch", "username", scoped).stdout)
	if key == "" {
		t.Fatalf("no entry %s: %v", scoped, keychainEntries(t, kc))
	}
	storeEntry := func(user, value string) {
		t.Helper()
		cmd := exec.Command("secret-tool", "store", "--label", "devarch", "service", "devarch", "username", user)
		cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+kc["DBUS_SESSION_BUS_ADDRESS"])
		cmd.Stdin = strings.NewReader(value)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("secret-tool store: %v %s", err, out)
		}
	}
	storeEntry("master-key-v1", key)
	mustRun(t, kc, "secret-tool", "clear", "service", "devarch", "username", scoped)
	if _, err := pool.Exec(t.Context(), `UPDATE master_keys SET entry = 'legacy'`); err != nil {
		t.Fatal(err)
	}

	if r := mustRun(t, env, "devarch", "secret", "reveal", "old", "token"); strings.TrimSpace(r.stdout) != "legacy-value-1" {
		t.Fatalf("reveal through the legacy key: %q", r.stdout)
	}
	var entry string
	_ = pool.QueryRow(t.Context(), `SELECT entry FROM master_keys WHERE version = 1`).Scan(&entry)
	got := keychainEntries(t, kc)
	if entry != "scoped" || !contains(got, scoped) || !contains(got, "master-key-v1") {
		t.Fatalf("after adoption: entry %q, keychain %v", entry, got)
	}
	// A rotation deletes the adopted copy, never the legacy entry.
	mustRun(t, env, "devarch", "secret", "rotate-key")
	got = keychainEntries(t, kc)
	if contains(got, scoped) || !contains(got, "master-key-v1") || !contains(got, "master-key-"+id+"-v2") {
		t.Fatalf("after rotation the keychain holds %v", got)
	}
	if r := mustRun(t, env, "devarch", "secret", "reveal", "old", "token"); strings.TrimSpace(r.stdout) != "legacy-value-1" {
		t.Fatalf("reveal after rotation: %q", r.stdout)
	}

	// Another installation, also legacy, whose unscoped key was replaced by someone else's.
	url2 := databaseURL(t)
	env2 := merge(kc, map[string]string{"DEVARCH_HOME": tempHome(t), "DEVARCH_DATABASE_URL": url2})
	mustRun(t, env2, "devarch", "stack", "create", "lost")
	mustRunIn(t, env2, "lost-value", "secret", "set", "lost", "token")
	pool2 := dbtest.Connect(t, url2)
	var id2 string
	_ = pool2.QueryRow(t.Context(), `SELECT id::text FROM installation`).Scan(&id2)
	mustRun(t, kc, "secret-tool", "clear", "service", "devarch", "username", "master-key-"+id2+"-v1")
	if _, err := pool2.Exec(t.Context(), `UPDATE master_keys SET entry = 'legacy'`); err != nil {
		t.Fatal(err)
	}
	r := run(t, env2, "devarch", "secret", "reveal", "lost", "token")
	if r.code != 1 || !strings.Contains(r.stderr, "does not open this installation's secrets") || !strings.Contains(r.stderr, "another data home") {
		t.Fatalf("a replaced legacy key must be named as the cause: %+v", r)
	}
	if still := strings.TrimSpace(run(t, kc, "secret-tool", "lookup", "service", "devarch", "username", "master-key-v1").stdout); still != key {
		t.Fatal("the failed adoption changed the legacy entry")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Secret sets and key rotations run concurrently from several processes, and processes are
// killed with SIGKILL at random moments (mid-transaction, mid-commit, between key creation
// and commit). Afterwards every secret decrypts, to a value that was really set.
func TestSecrets_ConcurrentSetRotateAndKill(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t),
		"DEVARCH_MASTER_KEY_FILE": filepath.Join(tempHome(t), "master.key")}
	mustRun(t, env, "devarch", "stack", "create", "race")
	names := []string{"alpha", "beta", "gamma", "delta"}
	// possible[name] is every value the secret may hold: a killed set may or may not have
	// committed.
	possible := map[string]map[string]bool{}
	for _, n := range names {
		v := n + "-initial"
		mustRunIn(t, env, v, "secret", "set", "race", n)
		possible[n] = map[string]bool{v: true}
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	start := func(stdin string, args ...string) *exec.Cmd {
		cmd := exec.Command(devarch(t), args...)
		cmd.Env = environ(env)
		cmd.Stdin = strings.NewReader(stdin)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	const rounds = 50
	kills := 0
	for round := 0; round < rounds; round++ {
		var cmds []*exec.Cmd
		for _, n := range names[:1+rng.IntN(len(names))] {
			v := fmt.Sprintf("%s-r%d", n, round)
			possible[n][v] = true
			cmds = append(cmds, start(v, "secret", "set", "race", n))
		}
		for i := 0; i < 1+rng.IntN(2); i++ {
			cmds = append(cmds, start("", "secret", "rotate-key"))
		}
		rng.Shuffle(len(cmds), func(i, j int) { cmds[i], cmds[j] = cmds[j], cmds[i] })
		var wg sync.WaitGroup
		for _, c := range cmds {
			if rng.IntN(2) == 0 {
				kills++
				wg.Add(1)
				go func(c *exec.Cmd, after time.Duration) {
					defer wg.Done()
					time.Sleep(after)
					_ = c.Process.Signal(syscall.SIGKILL)
				}(c, time.Duration(rng.IntN(250))*time.Millisecond)
			}
		}
		wg.Wait()
		for _, c := range cmds {
			_ = c.Wait() // killed or refused ("locked", "kept changing") are both fine here
		}
	}
	for _, n := range names {
		r := run(t, env, "devarch", "secret", "reveal", "race", n)
		if r.code != 0 || !possible[n][strings.TrimSpace(r.stdout)] {
			t.Fatalf("after %d rounds (%d kills) secret %s: exit %d %q %s", rounds, kills, n, r.code, r.stdout, r.stderr)
		}
	}
	// One more rotation works and cleans up: the key file ends with the current key only.
	mustRun(t, env, "devarch", "secret", "rotate-key")
	key, _ := os.ReadFile(env["DEVARCH_MASTER_KEY_FILE"])
	if lines := strings.Count(strings.TrimSpace(string(key)), "\n") + 1; lines != 1 {
		t.Fatalf("the key file keeps %d keys after a clean rotation, want 1", lines)
	}
	for _, n := range names {
		if r := run(t, env, "devarch", "secret", "reveal", "race", n); r.code != 0 {
			t.Fatalf("after the final rotation %s: %s", n, r.stderr)
		}
	}
	t.Logf("%d rounds, %d processes killed", rounds, kills)
}

// Values that cannot reach a container intact are refused when set, naming the rule; nothing
// is stored.
func TestSecrets_ValueLimits(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t),
		"DEVARCH_MASTER_KEY_FILE": filepath.Join(tempHome(t), "master.key")}
	mustRun(t, env, "devarch", "stack", "create", "lim")
	for _, c := range []struct{ value, want string }{
		{"a\x00b", "contains a NUL byte"},
		{strings.Repeat("x", 64<<10+1), "is 65537 bytes; the limit is 65536"},
		{strings.Repeat("x", 3<<20), "the limit is 65536"},
	} {
		r := runIn(t, env, c.value, "secret", "set", "lim", "big")
		if r.code != 1 || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stderr, "xxxxxxxx") {
			t.Errorf("value of %d bytes: exit %d %q", len(c.value), r.code, r.stderr)
		}
	}
	if r := mustRun(t, env, "devarch", "secret", "list", "lim", "--json"); strings.Contains(r.stdout, "big") {
		t.Fatalf("a refused value must store nothing: %s", r.stdout)
	}
	mustRunIn(t, env, strings.Repeat("y", 64<<10), "secret", "set", "lim", "big")
}
