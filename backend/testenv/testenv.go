// Package testenv holds the one rule for tests that need a part of the machine (a container
// engine, a keyring, a browser, a tool): a developer's machine may lack it, and the test is
// skipped there, naming what is missing; in CI (the environment variable CI is set) every
// part is installed, so a missing one is a broken runner and the test fails. No test skips
// for a missing part any other way.
package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// InCI reports whether the tests run in CI (CI set to anything but empty).
func InCI() bool { return os.Getenv("CI") != "" }

// Missing skips the test outside CI and fails it in CI, naming what the machine lacks and,
// when fix is not empty, how to install it.
func Missing(t testing.TB, what, fix string) {
	t.Helper()
	if fix != "" {
		fix = " (" + fix + ")"
	}
	if InCI() {
		t.Fatalf("CI requires %s%s", what, fix)
	}
	t.Skipf("skipping: %s is missing%s; set CI=1 to make this a failure", what, fix)
}

// Require calls Missing unless ok.
func Require(t testing.TB, what, fix string, ok bool) {
	t.Helper()
	if !ok {
		Missing(t, what, fix)
	}
}

// RequireTools calls Missing naming every one of names not found on PATH.
func RequireTools(t testing.TB, fix string, names ...string) {
	t.Helper()
	var missing []string
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		Missing(t, strings.Join(missing, ", "), fix)
	}
}
