//go:build unix

package cli_test

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// completions runs `devarch __complete ARGS...` (what the shell scripts call) and returns
// the candidates (the lines before the ":directive" line).
func completions(t *testing.T, env map[string]string, args ...string) ([]string, result) {
	t.Helper()
	r := run(t, env, append([]string{"devarch", "__complete"}, args...)...)
	if r.code != 0 {
		t.Fatalf("__complete %q: %+v", args, r)
	}
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], ":") {
		t.Fatalf("__complete %q: no directive line: %q", args, r.stdout)
	}
	var out []string
	for _, l := range lines[:len(lines)-1] {
		name, _, _ := strings.Cut(l, "\t") // a command's description follows a tab
		out = append(out, name)
	}
	sort.Strings(out)
	return out, r
}

// Shell completion answers with the store's names through the same backend the commands
// open, and prints nothing else: not even the embedded database's first-start progress.
func TestCompletion_NamesFromTheStore(t *testing.T) {
	home := tempHome(t)
	env := map[string]string{"DEVARCH_HOME": home, "DEVARCH_DATABASE_URL": storeURL(t), "DEVARCH_MASTER_KEY_FILE": home + "/master.key"}

	// The very first command of a data home creates the database cluster, quietly.
	got, r := completions(t, env, "stack", "show", "")
	if len(got) != 0 || strings.Contains(r.stderr, "devarch:") || strings.Contains(r.stderr, "database") {
		t.Fatalf("first completion: %q\nstderr: %q", got, r.stderr)
	}
	for _, argv := range [][]string{
		{"stack", "create", "shop"}, {"stack", "create", "shelf"}, {"stack", "create", "blog"},
		{"instance", "add", "shop", "web", "--template", "nginx"}, {"instance", "add", "shop", "db", "--template", "mysql"},
	} {
		mustRun(t, env, append([]string{"devarch"}, argv...)...)
	}
	mustRunIn(t, env, "pw", "secret", "set", "shop", "db_password")
	mustRun(t, env, "devarch", "instance", "set", "shop", "web", "environment.TOKEN=${secret:api_token}")

	start := time.Now()
	got, r = completions(t, env, "stack", "show", "")
	took := time.Since(start)
	if strings.Join(got, " ") != "blog shelf shop" || strings.Contains(r.stderr, "devarch:") {
		t.Fatalf("stack names: %q\nstderr: %q", got, r.stderr)
	}
	t.Logf("__complete stack show \"\" took %s", took.Round(time.Millisecond))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"stack", "show", "sh"}, "shelf shop"},
		{[]string{"plan", ""}, "blog shelf shop"},
		{[]string{"instance", "show", "shop", ""}, "db web"},
		{[]string{"instance", "set", "shop", "w"}, "web"},
		{[]string{"logs", "shop", ""}, "db web"},
		{[]string{"instance", "add", "shop", "x", "--template", "ma"}, "mailpit mariadb"},
		{[]string{"instance", "set-template", "shop", "db", "mar"}, "mariadb"},
		{[]string{"template", "show", "post"}, "postgres"},
		// Adding mysql with a key store generated db_password and db_root_password.
		{[]string{"secret", "reveal", "shop", ""}, "db_password db_root_password"},
		{[]string{"secret", "set", "shop", ""}, "api_token db_password db_root_password"},
		{[]string{"apply", "shop", "--replace", ""}, "db web"},
		{[]string{"instance", "show", "nope", ""}, ""},
		{[]string{"completion", ""}, "bash fish powershell zsh"},
		{[]string{"stack", "cr"}, "create"},
	} {
		got, r := completions(t, env, c.args...)
		if strings.Join(got, " ") != c.want {
			t.Errorf("__complete %q = %q, want %q (stderr %q)", c.args, got, c.want, r.stderr)
		}
	}
}
