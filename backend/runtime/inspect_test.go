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

// FuzzParseInspect: any inspect output is parsed without panicking; a container with a
// healthcheck state always says how many failures make it unhealthy.
func FuzzParseInspect(f *testing.F) {
	f.Add([]byte(`[{"Id":"abc","Name":"/devarch-shop-web","RestartCount":2,"State":{"Status":"restarting","ExitCode":3,"StartedAt":"2026-11-30T10:00:00.123Z"},"Config":{"Healthcheck":{"Test":["CMD","true"],"Retries":5}}}]`))
	f.Add([]byte(`[{"Name":"/x","State":{"Status":"running","Health":{"Status":"unhealthy","FailingStreak":4,"Log":[{"ExitCode":1,"Output":"HTTP 404\n"}]}}}]`))
	f.Add([]byte(`[{"Name":"x","State":{"Status":"exited","OOMKilled":true,"Healthcheck":{"Status":"starting"},"RestartCount":1}}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Add([]byte(`{"not":"a list"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		states, err := runtime.ParseInspectForTest(b)
		if err != nil {
			return
		}
		for _, s := range states {
			if s.Health != nil && (s.Health.Retries < 1 || s.Health.Status == "") {
				t.Fatalf("health without retries or status: %+v", s.Health)
			}
			if strings.HasPrefix(s.Name, "/") {
				t.Fatalf("name keeps its slash: %q", s.Name)
			}
		}
	})
}

// PastEvents is a finite replay: the die event of a container that exited 7, on both paths.
func TestPastEvents_FiniteReplay(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.BusyboxImage(t)
	label := newRunLabel(t, eng)
	since := time.Now().Add(-time.Second)
	name := "devarch-rt-exit7-" + strings.SplitN(label, "=", 2)[1]
	_, _ = eng.Run(t.Context(), append(append([]string{"run", "--name", name}, labelArgs(label)...), image, "sh", "-c", "exit 7"), runtime.RunOptions{})
	for path, e := range map[string]*runtime.Engine{"api": eng, "cli": detectWith(t, runtimetest.CLIEnv(t))} {
		evs, err := e.PastEvents(t.Context(), runtime.EventOptions{Since: since, Until: time.Now().Add(time.Second),
			Filters: []string{"type=container", "container=" + name, "event=die"}})
		if err != nil || len(evs) != 1 || evs[0].Attributes["exitCode"] != "7" {
			t.Fatalf("%s: %v %+v", path, err, evs)
		}
	}
}
