package testenv_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/testenv"
)

// The rule, seen from outside: the same missing tool skips without CI and fails with it,
// naming the tool and the fix either way; a present tool does neither.
func TestRequireTools_SkipsLocallyFailsInCI(t *testing.T) {
	if os.Getenv("TESTENV_INNER") == "1" {
		testenv.RequireTools(t, "apt-get install nothing", "sh", "devarch-no-such-tool")
		t.Log("not reached")
		return
	}
	run := func(ci string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRequireTools_SkipsLocallyFailsInCI$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTENV_INNER=1", "CI="+ci)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("")
	if err != nil || !strings.Contains(out, "--- SKIP") || !strings.Contains(out, "devarch-no-such-tool is missing (apt-get install nothing)") || strings.Contains(out, "not reached") {
		t.Errorf("without CI: %v\n%s", err, out)
	}
	out, err = run("true")
	if err == nil || !strings.Contains(out, "--- FAIL") || !strings.Contains(out, "CI requires devarch-no-such-tool (apt-get install nothing)") || strings.Contains(out, "not reached") {
		t.Errorf("in CI: %v\n%s", err, out)
	}
	testenv.RequireTools(t, "", "sh") // present: nothing happens
}
