package runtime_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// eventPath is one of the two ways Events reaches the daemon. Every event test runs on both,
// against the same real daemon.
type eventPath struct {
	name string
	api  bool // Engine API over the local socket; else the CLI
	// connect returns an engine on this path and a function that cuts its event stream the
	// way a daemon restart does, returning how many streams it cut.
	connect func(t *testing.T, label string) (*runtime.Engine, func() int)
}

var eventPaths = []eventPath{{
	name: "api",
	api:  true,
	connect: func(t *testing.T, _ string) (*runtime.Engine, func() int) {
		proxy := runtimetest.NewSocketProxy(t)
		return detectWith(t, proxy.Env()), proxy.Cut
	},
}, {
	name: "cli",
	connect: func(t *testing.T, label string) (*runtime.Engine, func() int) {
		eng := detectWith(t, runtimetest.CLIEnv(t))
		return eng, func() int {
			procs := childProcesses("events", label)
			for _, p := range procs {
				if proc, err := os.FindProcess(p.pid); err == nil {
					_ = proc.Kill()
				}
			}
			return len(procs)
		}
	},
}}

// detectWith detects the engine with env added to its environment.
func detectWith(t *testing.T, env []string) *runtime.Engine {
	t.Helper()
	eng, err := runtime.Detect(t.Context(), runtime.Options{Env: env})
	if err != nil {
		t.Fatalf("detecting the engine with %v: %v", env, err)
	}
	return eng
}

// checkPath fails unless eng takes the path p names.
func checkPath(t *testing.T, p eventPath, eng *runtime.Engine) {
	t.Helper()
	if got := runtime.UsesEngineAPI(eng); got != p.api {
		t.Fatalf("%s path: UsesEngineAPI = %v", p.name, got)
	}
}

// nextEvent returns the next event on events, failing on a closed stream or a timeout.
func nextEvent(t *testing.T, events <-chan runtime.Event, errs <-chan error, what string) runtime.Event {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatalf("stream closed while waiting for %s: %v", what, <-errs)
		}
		return ev
	case <-time.After(20 * time.Second):
		t.Fatalf("no %s within 20s", what)
	}
	panic("unreachable")
}

// waitAction skips events until one with action arrives for id.
func waitAction(t *testing.T, events <-chan runtime.Event, errs <-chan error, id, action string) runtime.Event {
	t.Helper()
	for {
		ev := nextEvent(t, events, errs, action+" event")
		if ev.ActorID != id {
			t.Fatalf("event for %s (%s %s) leaked through the label filter", ev.ActorID, ev.Type, ev.Action)
		}
		if ev.Action == action {
			return ev
		}
	}
}

// streamEnd waits for the end of a stream: events closed, then exactly one error.
func streamEnd(t *testing.T, events <-chan runtime.Event, errs <-chan error) error {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for open := true; open; {
		select {
		case _, open = <-events:
		case <-deadline:
			t.Fatal("events channel not closed within 10s")
		}
	}
	var err error
	select {
	case err = <-errs:
	case <-deadline:
		t.Fatal("no error after the stream ended")
	}
	if _, open := <-errs; open {
		t.Error("error channel not closed after its one error")
	}
	return err
}

func TestEvents_ContainerStart(t *testing.T) {
	t.Parallel()
	for _, p := range eventPaths {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			image := runtimetest.BusyboxImage(t)
			base := runtimetest.RequireEngine(t)
			label := newRunLabel(t, base)
			run := label[len(runLabelKey)+1:]
			eng := base
			if !p.api {
				eng, _ = p.connect(t, label)
			}
			checkPath(t, p, eng)

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			// Since covers the gap between Events returning and the stream being connected.
			events, errs := eng.Events(ctx, runtime.EventOptions{
				Filters: []string{"type=container", "label=" + label},
				Since:   time.Now().Add(-time.Second),
			})
			args := append([]string{"run", "-d", "--name", "devarch-test-ev-" + run}, labelArgs(label, "dev.devarch.test.role=ev")...)
			id := mustRun(t, base, append(args, image, "sleep", "60")...)

			start := waitAction(t, events, errs, id, "start")
			if start.Type != "container" || start.Name() != "devarch-test-ev-"+run {
				t.Errorf("event = %+v", start)
			}
			if start.Attributes["dev.devarch.test.role"] != "ev" || start.Attributes[runLabelKey] != run {
				t.Errorf("Attributes = %v, want the container's labels", start.Attributes)
			}
			if d := time.Since(start.Time); d < -time.Minute || d > time.Minute {
				t.Errorf("Time = %s, want about now", start.Time)
			}
			// The API path starts no process; the CLI path's `docker events` is a child.
			if haveProcfs {
				if n := len(childProcesses("events", label)); p.api && n != 0 || !p.api && n != 1 {
					t.Errorf("%s path: %d `events` child processes while streaming", p.name, n)
				}
			}

			// Cancelling ends the stream promptly: events closed, then one Canceled error.
			cancel()
			err := streamEnd(t, events, errs)
			asModelError(t, err, model.KindCanceled)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v does not wrap context.Canceled", err)
			}
			if haveProcfs {
				waitFor(t, 5*time.Second, "no events process after cancel", func() bool {
					return len(childProcesses("events", label)) == 0
				})
			}
		})
	}
}

// Both paths report the same engine event as the same Event.
func TestEvents_APIMatchesCLI(t *testing.T) {
	t.Parallel()
	image := runtimetest.BusyboxImage(t)
	api := runtimetest.RequireEngine(t)
	label := newRunLabel(t, api)
	cli := detectWith(t, runtimetest.CLIEnv(t))
	checkPath(t, eventPaths[0], api)
	checkPath(t, eventPaths[1], cli)

	opts := runtime.EventOptions{Filters: []string{"type=container", "label=" + label}, Since: time.Now().Add(-time.Second)}
	apiEvents, apiErrs := api.Events(t.Context(), opts)
	cliEvents, cliErrs := cli.Events(t.Context(), opts)
	id := mustRun(t, api, append(append([]string{"run", "-d"}, labelArgs(label)...), image, "sleep", "60")...)
	mustRun(t, api, "rm", "-f", id)
	for _, action := range []string{"create", "start", "kill", "die", "destroy"} {
		a := waitAction(t, apiEvents, apiErrs, id, action)
		c := waitAction(t, cliEvents, cliErrs, id, action)
		if !reflect.DeepEqual(a, c) {
			t.Errorf("%s:\napi %+v\ncli %+v", action, a, c)
		}
	}
}

func TestEvents_StreamEndReportsError(t *testing.T) {
	t.Parallel()
	for _, p := range eventPaths {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			eng, _ := p.connect(t, "")
			checkPath(t, p, eng)
			// A filter without "=" is refused (by the CLI, or by DevArch before the request).
			// Unknown filter names are not: docker 20.10 accepts and ignores them.
			for _, tc := range []struct{ filter, want string }{
				{"devarch-bogus", "filter"},
			} {
				events, errs := eng.Events(t.Context(), runtime.EventOptions{Filters: []string{tc.filter}})
				me := asModelError(t, streamEnd(t, events, errs), model.KindEngineUnavailable)
				if !strings.Contains(me.Summary, "event stream ended") {
					t.Errorf("%s: Summary = %q", tc.filter, me.Summary)
				}
				if !strings.Contains(strings.ToLower(me.Detail), tc.want) {
					t.Errorf("%s: Detail = %q, want the complaint about %s", tc.filter, me.Detail, tc.want)
				}
			}
		})
	}
}

// TestEvents_ReconnectWithSince is what the status watcher relies on: a stream cut by the
// daemon going away ends with KindEngineUnavailable (not Canceled), and a new stream with
// Since just after the last event seen replays what happened in between, and nothing
// before it.
func TestEvents_ReconnectWithSince(t *testing.T) {
	t.Parallel()
	for _, p := range eventPaths {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			image := runtimetest.BusyboxImage(t)
			base := runtimetest.RequireEngine(t)
			label := newRunLabel(t, base)
			eng, cut := p.connect(t, label)
			checkPath(t, p, eng)
			opts := runtime.EventOptions{Filters: []string{"type=container", "event=start", "label=" + label}, Since: time.Now().Add(-time.Second)}
			runArgs := append([]string{"run", "-d"}, labelArgs(label)...)

			events, errs := eng.Events(t.Context(), opts)
			first := mustRun(t, base, append(runArgs, image, "sleep", "60")...)
			last := waitAction(t, events, errs, first, "start")
			if n := cut(); n == 0 {
				t.Fatal("no stream to cut")
			}
			err := streamEnd(t, events, errs)
			me := asModelError(t, err, model.KindEngineUnavailable)
			if !strings.Contains(me.Summary, "event stream ended") {
				t.Errorf("Summary = %q", me.Summary)
			}

			// Disconnected: this start can only arrive through the replay.
			second := mustRun(t, base, append(runArgs, image, "sleep", "60")...)
			opts.Since = last.Time.Add(time.Nanosecond)
			events, errs = eng.Events(t.Context(), opts)
			ev := nextEvent(t, events, errs, "the replayed start")
			if ev.ActorID != second || ev.Action != "start" {
				t.Fatalf("first event after reconnecting = %s %s, want the start of %s (replayed), not %s", ev.ActorID, ev.Action, second, first)
			}
		})
	}
}

// With the daemon's socket gone, the API path says so the way the CLI would, with the fix.
func TestEvents_APIDaemonDown(t *testing.T) {
	t.Parallel()
	proxy := runtimetest.NewSocketProxy(t)
	eng := detectWith(t, proxy.Env())
	checkPath(t, eventPaths[0], eng)
	proxy.Close()
	events, errs := eng.Events(t.Context(), runtime.EventOptions{Filters: []string{"type=container"}})
	me := asModelError(t, streamEnd(t, events, errs), model.KindEngineUnavailable)
	if me.Summary != "the Docker daemon is not running" {
		t.Errorf("Summary = %q", me.Summary)
	}
	if !strings.Contains(me.Detail, proxy.Env()[0][len("DOCKER_HOST="):]) || !strings.Contains(me.Detail, "DOCKER_HOST=") {
		t.Errorf("Detail = %q, want the socket and the DOCKER_HOST hint", me.Detail)
	}
}

// BenchmarkEvents_FirstEvent measures how long a new event stream takes to deliver its first
// event (a replayed one, so the time is connection plus replay), on each path.
func BenchmarkEvents_FirstEvent(b *testing.B) {
	image := runtimetest.BusyboxImage(b)
	api := runtimetest.RequireEngine(b)
	label := runLabelKey + "=bench-first-event"
	since := time.Now().Add(-time.Second)
	res, err := api.Run(b.Context(), append(append([]string{"create"}, labelArgs(label)...), image, "true"), runtime.RunOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_, _ = api.Run(context.Background(), []string{"rm", "-f", strings.TrimSpace(string(res.Stdout))}, runtime.RunOptions{})
	})
	cli, err := runtime.Detect(b.Context(), runtime.Options{Env: runtimetest.CLIEnv(b)})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		eng  *runtime.Engine
	}{{"api", api}, {"cli", cli}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				ctx, cancel := context.WithCancel(b.Context())
				events, errs := bc.eng.Events(ctx, runtime.EventOptions{Filters: []string{"type=container", "label=" + label}, Since: since})
				if _, ok := <-events; !ok {
					b.Fatal(<-errs)
				}
				cancel()
				for range events {
				}
				<-errs
			}
		})
	}
}
