//go:build unix

package cli_test

import (
	"strings"
	"testing"
)

// A full stack network pool refuses the next stack with the pool, what it holds and the fix;
// a bad pool setting names the variable. Neither creates anything.
func TestStackCreate_NetworkPool(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t),
		"DEVARCH_NETWORK_POOL": "10.216.0.0/29", "DEVARCH_NETWORK_SLICE": "30"}
	for _, name := range []string{"np-a", "np-b"} {
		if r := run(t, env, "devarch", "stack", "create", name); r.code != 0 {
			t.Fatalf("create %s: %+v", name, r)
		}
	}
	r := run(t, env, "devarch", "stack", "create", "np-c")
	t.Logf("full pool:\n%s", r.stderr)
	for _, want := range []string{"no free subnet for the stack's network in 10.216.0.0/29 in /30 slices",
		"it holds 2 networks and 2 stacks use them", "DEVARCH_NETWORK_POOL", "DEVARCH_NETWORK_SLICE"} {
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("full pool: want exit 1 with %q, got %d %q", want, r.code, r.stderr)
		}
	}
	env["DEVARCH_NETWORK_SLICE"] = "/8"
	r = run(t, env, "devarch", "stack", "create", "np-d")
	if r.code != 1 || !strings.Contains(r.stderr, `DEVARCH_NETWORK_SLICE="/8" is not a prefix length from 16 to 30`) {
		t.Errorf("bad slice: %d %q", r.code, r.stderr)
	}
	r = run(t, env, "devarch", "stack", "list")
	if strings.Contains(r.stdout, "np-c") || strings.Contains(r.stdout, "np-d") {
		t.Errorf("a refused stack was created:\n%s", r.stdout)
	}
}
