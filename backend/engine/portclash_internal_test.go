package engine

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// A port clash at apply is reported by its cause, naming the DevArch container that holds
// the port (stack/instance), with the conflict kind and the field "ports"; compose's own
// words move to the detail. Output that is no port clash is left to composeFailure.
func TestPortClash_NamesTheHolder(t *testing.T) {
	eng := runtimetest.RequireEngine(t)
	img := runtimetest.BusyboxImage(t)
	ctx := t.Context()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	name := "devarch-trpc-web"
	_, _ = eng.Run(ctx, []string{"rm", "-f", name}, runtime.RunOptions{})
	t.Cleanup(func() { _, _ = eng.Run(context.Background(), []string{"rm", "-f", name}, runtime.RunOptions{}) })
	if _, err := eng.Run(ctx, []string{"run", "-d", "--name", name, "--init", "-p", "127.0.0.1:" + strconv.Itoa(port) + ":80",
		"--label", model.LabelStack + "=trpc", "--label", model.LabelInstance + "=web", img, "sleep", "3600"}, runtime.RunOptions{}); err != nil {
		t.Fatal(err)
	}

	stderr := " Container devarch-trpd-web  Starting\nError response from daemon: driver failed programming external connectivity on endpoint devarch-trpd-web (x): Bind for 127.0.0.1:" +
		strconv.Itoa(port) + " failed: port is already allocated"
	composeErr := model.Wrap(model.KindConflict, &runtime.CommandError{Argv: []string{"docker", "compose", "up"}, ExitCode: 1, Stderr: stderr, Err: errors.New("exit status 1")},
		"`docker compose up` failed (exit code 1)", stderr)
	got := model.AsError(portClash(ctx, eng, "trpd", composeErr))
	want := "host port " + strconv.Itoa(port) + " on 127.0.0.1 is taken by trpc/web"
	if got.Summary != want || got.Kind != model.KindConflict || got.Field != "ports" || !strings.Contains(got.Detail, "port is already allocated") {
		t.Fatalf("got %+v, want summary %q, kind conflict, field ports, compose's output in the detail", got, want)
	}

	// The holder's own stack is never blamed for itself; a port no container has is a process's.
	other := strings.ReplaceAll(stderr, strconv.Itoa(port), strconv.Itoa(port+1))
	composeErr = model.Wrap(model.KindConflict, &runtime.CommandError{Argv: []string{"docker"}, ExitCode: 1, Stderr: other, Err: errors.New("exit status 1")}, "failed", other)
	if got := model.AsError(portClash(ctx, eng, "trpd", composeErr)); !strings.HasSuffix(got.Summary, "is taken by a process outside DevArch") {
		t.Fatalf("free of containers: %+v", got)
	}
	if portClash(ctx, eng, "trpd", model.Wrap(model.KindInternal, &runtime.CommandError{Stderr: "no space left on device"}, "failed", "")) != nil {
		t.Fatal("a failure that is no port clash was rewritten")
	}
}
