package bindings_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/bindings"
	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/store"
)

const idleTemplate = `name: b-idle
category: runtime
description: idle busybox
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
`

type recorder struct {
	mu     sync.Mutex
	events map[string][]any
}

func (r *recorder) emit(name string, data any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events[name] = append(r.events[name], data)
}

func (r *recorder) count(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events[name])
}

// The desktop's plan/apply path: plan, apply with progress events, live status from
// docker events when a container is stopped outside DevArch, then stop.
func TestPlans_ApplyProgressAndLiveStatus(t *testing.T) {
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	ctx := t.Context()
	svc := engine.New(store.New(dbtest.MigratedDatabase(t)), runtime.Options{}, t.TempDir())
	if _, _, err := svc.ImportTemplate(ctx, []byte(idleTemplate), false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStack(ctx, "bind1", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, "bind1", "app", "b-idle", nil); err != nil {
		t.Fatal(err)
	}
	runtimetest.FreshProject(t, eng, "devarch-bind1")
	rec := &recorder{events: map[string][]any{}}
	host := bindings.NewHost()
	host.SetContext(ctx)
	host.SetEmitter(rec.emit)
	host.SetReady(dbtest.Server(t), svc)
	plans := bindings.NewPlans(host)

	changes := make(chan engine.StatusChange, 64)
	watchCtx, stopWatch := context.WithCancel(ctx)
	online := make(chan bool, 4)
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		svc.WatchStatus(watchCtx, func(c engine.StatusChange) {
			select {
			case changes <- c:
			default:
			}
		}, func(b bool) { online <- b })
	}()
	// Stop the watcher and its docker events process before the next test looks for one.
	defer func() { stopWatch(); <-watchDone }()
	select {
	case <-online:
	case <-time.After(10 * time.Second):
		t.Fatal("status watch did not connect")
	}

	pv, err := plans.Plan("bind1")
	if err != nil || pv.Empty || len(pv.Actions) != 2 || pv.Actions[1].Symbol != "+" || !strings.Contains(pv.Text, "Plan: 2 to add") {
		t.Fatalf("plan: %+v %v", pv, err)
	}
	out, err := plans.Apply(pv.ID)
	if err != nil || len(out.Results) != 2 || out.Results[0].Status != "done" {
		t.Fatalf("apply: %+v %v", out, err)
	}
	if rec.count("progress:bind1") == 0 {
		t.Fatal("apply emitted no progress events")
	}
	if _, err := plans.Apply(pv.ID); err == nil || !strings.Contains(err.Error(), "already applied") {
		t.Fatalf("second apply of the plan: %v", err)
	}

	// docker stop in a terminal reaches the watcher.
	if _, err := eng.Run(ctx, []string{"stop", "-t", "0", model.ContainerName("bind1", "app")}, runtime.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for seen := false; !seen; {
		select {
		case c := <-changes:
			seen = c.Stack == "bind1" && c.Instance == "app" && (c.Action == "die" || c.Action == "stop")
		case <-deadline:
			t.Fatal("the stop made outside DevArch did not arrive as a status change")
		}
	}
	pv, err = plans.Plan("bind1")
	if err != nil || len(pv.Actions) != 1 || pv.Actions[0].Cause != "stopped outside DevArch" {
		t.Fatalf("drift plan: %+v %v", pv, err)
	}
	if err := plans.Operate("bind1", engine.OpDown); err != nil {
		t.Fatal(err)
	}
	st, err := plans.Status("bind1")
	if err != nil || len(st) != 1 || st[0].State != "not created" {
		t.Fatalf("status after down: %+v %v", st, err)
	}
	h, err := plans.History("bind1")
	if err != nil || len(h) != 2 || h[0].Operation != "down" || h[1].Status != "succeeded" {
		t.Fatalf("history: %+v %v", h, err)
	}
}

// When the events stream ends (the engine restarted, or its CLI died), the watcher
// reconnects and later changes still arrive. Both ways the stream reaches the daemon are
// covered: the Engine API socket (cut through a proxy socket, as a daemon restart cuts it)
// and the CLI fallback forced by a docker context (its `docker events` process killed).
func TestWatchStatus_Reconnects(t *testing.T) {
	t.Run("api", func(t *testing.T) {
		proxy := runtimetest.NewSocketProxy(t)
		testWatchReconnects(t, proxy.Env(), func() bool {
			if procs := childEventsProcs(); len(procs) > 0 {
				t.Fatalf("the API path started docker events processes %v", procs)
			}
			return proxy.Cut() > 0
		})
	})
	t.Run("cli", func(t *testing.T) {
		testWatchReconnects(t, runtimetest.CLIEnv(t), func() bool {
			procs := childEventsProcs()
			for _, pid := range procs {
				if p, err := os.FindProcess(pid); err == nil {
					_ = p.Kill()
				}
			}
			return len(procs) > 0
		})
	})
}

// testWatchReconnects runs the watcher on an engine detected with env, ends its stream with
// cut (which reports whether there was a stream to end), and checks that it reconnects.
func testWatchReconnects(t *testing.T, env []string, cut func() bool) {
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.BusyboxImage(t)
	ctx := t.Context()
	svc := engine.New(store.New(dbtest.MigratedDatabase(t)), runtime.Options{Env: env}, t.TempDir())
	changes := make(chan engine.StatusChange, 64)
	online := make(chan bool, 16)
	watchCtx, stop := context.WithCancel(ctx)
	watchDone := make(chan struct{})
	defer func() { stop(); <-watchDone }()
	go func() {
		defer close(watchDone)
		svc.WatchStatus(watchCtx, func(c engine.StatusChange) {
			select {
			case changes <- c:
			default:
			}
		}, func(b bool) { online <- b })
	}()
	waitOnline := func(want bool) {
		t.Helper()
		select {
		case b := <-online:
			if b != want {
				t.Fatalf("online = %v, want %v", b, want)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("no online=%v report", want)
		}
	}
	waitOnline(true)
	// End the stream the way an engine restart does. The stream connects just after the
	// watcher reports online, and other connections (detection's idle keep-alive one) may be
	// cut first: cut until the watcher reports the stream gone.
	ended := false
	for deadline := time.Now().Add(15 * time.Second); !ended && time.Now().Before(deadline); {
		if !cut() {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		select {
		case b := <-online:
			if b {
				t.Fatal("online = true right after the stream was cut, want false")
			}
			ended = true
		case <-time.After(time.Second):
		}
	}
	if !ended {
		t.Fatal("no online=false report: the event stream was never cut")
	}
	waitOnline(true)
	name := "devarch-" + strings.ReplaceAll(t.Name(), "/", "-")
	if _, err := eng.Run(ctx, []string{"run", "-d", "--name", name, "--label", "dev.devarch.stack=reconn", "--label", "dev.devarch.instance=x",
		"--label", runtimetest.TestLabel, image, "sleep", "60"}, runtime.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = eng.Run(context.Background(), []string{"rm", "-f", name}, runtime.RunOptions{}) })
	deadline := time.After(15 * time.Second)
	for {
		select {
		case c := <-changes:
			if c.Stack == "reconn" && c.Action == "start" {
				return
			}
		case <-deadline:
			t.Fatal("after reconnecting, the container start did not arrive")
		}
	}
}

// childEventsProcs finds this process's `docker events` children.
func childEventsProcs() []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		stat, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 || !strings.Contains(string(cmd), "events") || !strings.Contains(string(cmd), "dev.devarch.stack") {
			continue
		}
		fields := strings.Fields(s[i+2:])
		if len(fields) > 1 {
			if ppid, _ := strconv.Atoi(fields[1]); ppid == os.Getpid() {
				out = append(out, pid)
			}
		}
	}
	return out
}
