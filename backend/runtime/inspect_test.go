package runtime_test

import (
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// InspectContainers tells a crash loop and a failing healthcheck apart from a healthy
// container, with the reason (exit code, restarts, the probe's output), on both read paths.
func TestInspectContainers(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.BusyboxImage(t)
	label := newRunLabel(t, eng)
	suffix := strings.SplitN(label, "=", 2)[1]
	crash, sick, fine := "devarch-rt-crash-"+suffix, "devarch-rt-sick-"+suffix, "devarch-rt-fine-"+suffix
	run := append([]string{"run", "-d", "--init"}, labelArgs(label)...)
	mustRun(t, eng, append(append([]string{}, run...), "--name", crash, "--restart", "always", image, "sh", "-c", "echo boom; exit 3")...)
	mustRun(t, eng, append(append([]string{}, run...), "--name", sick, "--health-cmd", "echo probe says no; exit 1", "--health-interval", "1s", "--health-retries", "20", image, "sleep", "300")...)
	mustRun(t, eng, append(append([]string{}, run...), "--name", fine, image, "sleep", "300")...)

	for name, e := range map[string]*runtime.Engine{"api": eng, "cli": detectWith(t, runtimetest.CLIEnv(t))} {
		var states map[string]runtime.ContainerState
		deadline := time.Now().Add(30 * time.Second)
		for {
			got, err := e.InspectContainers(t.Context(), []string{crash, sick, fine, "devarch-rt-missing-" + suffix})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			states = map[string]runtime.ContainerState{}
			for _, s := range got {
				states[s.Name] = s
			}
			if len(states) != 3 {
				t.Fatalf("%s: want the 3 existing containers, got %+v", name, got)
			}
			if states[crash].RestartCount > 0 && states[sick].Health != nil && states[sick].Health.FailingStreak > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: no restart or failed probe seen: %+v", name, states)
			}
			time.Sleep(200 * time.Millisecond)
		}
		if c := states[crash]; c.ExitCode != 3 && c.Status != "running" {
			t.Errorf("%s: crash: %+v", name, c)
		}
		if h := states[sick].Health; h.Retries != 20 || h.LastOutput != "probe says no" || h.LastExitCode != 1 || h.Status != "starting" {
			t.Errorf("%s: sick: %+v", name, h)
		}
		if f := states[fine]; f.Status != "running" || f.Health != nil || f.RestartCount != 0 {
			t.Errorf("%s: fine: %+v", name, f)
		}
	}
	if tail := eng.LogTail(t.Context(), crash, 2, nil); !strings.Contains(tail, "boom") {
		t.Errorf("log tail: %q", tail)
	}
	if tail := eng.LogTail(t.Context(), crash, 2, []string{"boom"}); strings.Contains(tail, "boom") {
		t.Errorf("log tail not redacted: %q", tail)
	}
}
