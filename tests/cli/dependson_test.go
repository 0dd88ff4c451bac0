//go:build unix

package cli_test

import (
	"regexp"
	"strings"
	"testing"
)

// An instance others wait for by their own depends_on cannot be removed: the CLI names each
// dependent and prints the command that drops the entry; that command, run as printed,
// works, and then the removal does. A rename carries the entries to the new name.
func TestInstance_DependsOnFollowsRenameAndBlocksRemove(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("h2dcli", "db:t-idle", "app:t-idle", "cache:t-idle")
	mustRun(t, a.env, "devarch", "instance", "set", "h2dcli", "app",
		"--set", "depends_on={db: {condition: service_started}, cache: {condition: service_started, restart: true}}")

	r := run(t, a.env, "devarch", "instance", "remove", "h2dcli", "db")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot remove h2dcli/db: app depends on it (depends_on)") || !strings.Contains(r.stderr, "Nothing was changed") {
		t.Fatalf("remove of a depended-on instance: %+v", r)
	}
	fix := regexp.MustCompile(`devarch instance set h2dcli app --unset depends_on\.db`).FindString(r.stderr)
	if fix == "" {
		t.Fatalf("the error gives no command to drop the dependency:\n%s", r.stderr)
	}
	if out := mustRun(t, a.env, "devarch", "compose", "h2dcli").stdout; !strings.Contains(out, "db:\n        condition: service_started") {
		t.Fatalf("the refused removal changed app's depends_on:\n%s", out)
	}

	mustRun(t, a.env, "devarch", "instance", "rename", "h2dcli", "cache", "redis")
	out := mustRun(t, a.env, "devarch", "compose", "h2dcli").stdout
	if strings.Contains(out, "cache:") || !strings.Contains(out, "redis:\n        condition: service_started\n        restart: true") {
		t.Fatalf("app's depends_on did not follow the rename:\n%s", out)
	}

	mustRun(t, a.env, append([]string{"devarch"}, strings.Fields(fix)[1:]...)...)
	mustRun(t, a.env, "devarch", "instance", "remove", "h2dcli", "db")
	if out := mustRun(t, a.env, "devarch", "compose", "h2dcli").stdout; strings.Contains(out, "devarch-h2dcli-db") {
		t.Fatalf("db is still in the stack:\n%s", out)
	}
}
