package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/store"
)

// farTemplate is a busybox web server that says hello in its logs and publishes a host port.
func farTemplate(port int) string {
	return fmt.Sprintf(`name: far-web
category: runtime
description: busybox web server for the other-engine tests
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "mkdir -p /www && echo far > /www/index.html && echo hello from far && exec httpd -f -p 8080 -h /www"]
  ports: ["%d:8080"]
  healthcheck:
    test: [CMD, wget, -q, -O, /dev/null, http://127.0.0.1:8080/]
    interval: 1s
    timeout: 2s
    retries: 30
`, port)
}

func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func stackContainers(t *testing.T, eng *runtime.Engine, stack string) []runtime.Container {
	t.Helper()
	cs, err := eng.ListContainers(t.Context(), []string{model.LabelStack + "=" + stack})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func applyOnEngine(t *testing.T, svc *engine.Service, stack string) engine.Planned {
	t.Helper()
	p, err := svc.Plan(t.Context(), stack, "test", engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Plan.Failed() {
		t.Fatalf("plan failed:\n%s", p.Plan)
	}
	if _, err := svc.Apply(t.Context(), p.ID, "test", nil); err != nil {
		t.Fatalf("apply: %v\n%s", err, p.Plan)
	}
	return p
}

func httpGet(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "GET / HTTP/1.0\r\nHost: x\r\n\r\n")
	var b bytes.Buffer
	_, _ = b.ReadFrom(c)
	return b.String(), nil
}

// A stack on a docker context runs on that context's engine and nowhere else: applied
// there, its status events and logs come from there, its host ports clash only with stacks
// on the same engine, a change of context moves it (removed there, created here), and down
// cleans it. The other engine is a second dockerd on this machine (runtimetest.SecondEngine).
func TestStackOnAnotherEngine(t *testing.T) {
	home := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	far := runtimetest.SecondEngine(t, false)
	ctx := t.Context()
	svc := engine.New(store.New(dbtest.MigratedDatabase(t)), runtime.Options{Env: far.Env}, t.TempDir())
	port := freeTCPPort(t)
	if _, _, err := svc.ImportTemplate(ctx, []byte(farTemplate(port)), false); err != nil {
		t.Fatal(err)
	}
	suffix := strconv.Itoa(os.Getpid() % 10000)
	stack, twin, neighbour := "far"+suffix, "fartwin"+suffix, "near"+suffix

	if _, err := svc.CreateStack(ctx, "nosuch"+suffix, engine.StackOptions{Context: "devarch-no-such-context"}); err == nil ||
		!strings.Contains(err.Error(), "devarch-no-such-context") {
		t.Fatalf("a context that does not exist must be refused, naming it: %v", err)
	}
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{Context: far.Context}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, stack, "web", "far-web", nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = svc.Operate(t.Context(), stack, engine.OpDown, engine.OpOptions{}, "cleanup", nil)
	})

	events := make(chan engine.StatusChange, 64)
	watchCtx, stopWatch := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		svc.WatchStatus(watchCtx, func(c engine.StatusChange) {
			if c.Stack == stack {
				select {
				case events <- c:
				default:
				}
			}
		}, nil)
	}()
	defer func() { stopWatch(); <-done }()

	applyOnEngine(t, svc, stack)
	if cs := stackContainers(t, far.Engine, stack); len(cs) != 1 || cs[0].State != "running" {
		t.Fatalf("on the stack's engine: %+v", cs)
	}
	if cs := stackContainers(t, home, stack); len(cs) != 0 {
		t.Fatalf("the default engine must have none of the stack: %+v", cs)
	}
	if out, err := httpGet(fmt.Sprintf("127.0.0.1:%d", port)); err != nil || !strings.Contains(out, "far") {
		t.Fatalf("its published port: %q %v", out, err)
	}
	select {
	case ev := <-events:
		if ev.Instance != "web" {
			t.Fatalf("event %+v", ev)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no status event from the stack's engine in 30 s")
	}
	var logs bytes.Buffer
	if err := svc.Logs(ctx, stack, "web", engine.LogOptions{}, &logs); err != nil || !strings.Contains(logs.String(), "hello from far") {
		t.Fatalf("logs from the stack's engine: %q %v", logs.String(), err)
	}
	list, err := svc.ListStacks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range list.Stacks {
		if v.Name == stack && v.Status != engine.StatusRunning {
			t.Fatalf("stack list says %s is %s", stack, v.Status)
		}
	}

	// Host ports are an engine host's: the same port on another engine is no clash, on the
	// same engine it is.
	for _, st := range []struct {
		name, context string
		clash         bool
	}{{neighbour, "", false}, {twin, far.Context, true}} {
		if _, err := svc.CreateStack(ctx, st.name, engine.StackOptions{Context: st.context}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddInstance(ctx, st.name, "web", "far-web", nil); err != nil {
			t.Fatal(err)
		}
		p, err := svc.Plan(ctx, st.name, "test", engine.PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// (Both engines are on this machine, so the default engine's stack may still be told
		// that a process holds the port: the second engine's proxy does. What must not
		// happen is a clash with the other engine's stack by definition.)
		clash := strings.Contains(p.Plan.String(), "stack "+stack)
		if clash != st.clash {
			t.Fatalf("plan of %s (engine %q) names stack %s: %v, want %v\n%s", st.name, st.context, stack, clash, st.clash, p.Plan)
		}
	}

	// A change of context moves the stack at the next apply.
	dflt := "default"
	if _, err := svc.UpdateStack(ctx, stack, store.StackSettings{Context: &dflt}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DeleteStack(ctx, neighbour, engine.DeleteOptions{}, "test"); err != nil {
		t.Fatal(err)
	}
	p := applyOnEngine(t, svc, stack)
	text := p.Plan.String()
	for _, want := range []string{"remove web (devarch-" + stack + "-web) on engine " + far.Context, "remove network devarch-" + stack + "-net on engine " + far.Context,
		"engine changed: " + far.Context + " -> default", "named volumes stay on " + far.Context, "create web"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the move's plan lacks %q:\n%s", want, text)
		}
	}
	// Both engines are on this machine: the old network's bridge route and the old
	// container's port are the stack's own, freed by the move; neither is a problem.
	if strings.Contains(text, "network moves from") || strings.Contains(text, "in use") {
		t.Fatalf("the move's plan counts the stack's own old network or port against it:\n%s", text)
	}
	if cs := stackContainers(t, far.Engine, stack); len(cs) != 0 {
		t.Fatalf("after the move the old engine still has %+v", cs)
	}
	if nets, _ := far.Engine.ListNetworks(ctx, []string{model.LabelStack + "=" + stack}); len(nets) != 0 {
		t.Fatalf("after the move the old engine still has the network %+v", nets)
	}
	if cs := stackContainers(t, home, stack); len(cs) != 1 || cs[0].State != "running" {
		t.Fatalf("after the move, on the default engine: %+v", cs)
	}
	if again, _ := svc.Plan(ctx, stack, "test", engine.PlanOptions{}); !again.Plan.Empty() {
		t.Fatalf("after the move the plan must be empty:\n%s", again.Plan)
	}

	// Down cleans it where it is, and forgets where it was.
	if _, err := svc.Operate(ctx, stack, engine.OpDown, engine.OpOptions{}, "test", nil); err != nil {
		t.Fatal(err)
	}
	if cs := stackContainers(t, home, stack); len(cs) != 0 {
		t.Fatalf("after down: %+v", cs)
	}
	if st, _ := svc.Store.GetStackRow(ctx, stack); st.Placed {
		t.Fatalf("after down the stack is still placed: %+v", st)
	}
}

// The same over TLS: a context with a CA and a client certificate reaches a dockerd that
// verifies them; the stack runs there.
func TestStackOnAnotherEngine_TLS(t *testing.T) {
	runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	far := runtimetest.SecondEngine(t, true)
	ctx := t.Context()
	svc := engine.New(store.New(dbtest.MigratedDatabase(t)), runtime.Options{Env: far.Env}, t.TempDir())
	port := freeTCPPort(t)
	if _, _, err := svc.ImportTemplate(ctx, []byte(farTemplate(port)), false); err != nil {
		t.Fatal(err)
	}
	stack := "fartls" + strconv.Itoa(os.Getpid()%10000)
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{Context: far.Context}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, stack, "web", "far-web", nil); err != nil {
		t.Fatal(err)
	}
	applyOnEngine(t, svc, stack)
	if cs := stackContainers(t, far.Engine, stack); len(cs) != 1 || cs[0].State != "running" {
		t.Fatalf("on the TLS engine: %+v", cs)
	}
	views, err := svc.Engines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, v := range views {
		if v.Name == far.Context {
			found = v.Err == nil && strings.HasPrefix(v.Endpoint, "tcp://127.0.0.1:") && v.Stacks == 1
		}
	}
	if !found {
		t.Fatalf("engines: %+v", views)
	}
	if _, err := svc.Operate(ctx, stack, engine.OpDown, engine.OpOptions{}, "test", nil); err != nil {
		t.Fatal(err)
	}
	if cs := stackContainers(t, far.Engine, stack); len(cs) != 0 {
		t.Fatalf("after down: %+v", cs)
	}
}
