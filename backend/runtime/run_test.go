package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

func TestRun_FailureDetailIsStderr(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	_, err := eng.Run(t.Context(), []string{"inspect", "devarch-no-such-thing"}, runtime.RunOptions{})
	me := asModelError(t, err, model.KindNotFound)
	if !strings.Contains(me.Detail, "No such object: devarch-no-such-thing") && !strings.Contains(me.Detail, "no such object") {
		t.Errorf("Detail = %q, want the CLI's stderr", me.Detail)
	}
	if strings.Contains(me.Detail, "exit status") {
		t.Errorf("Detail = %q, want stderr rather than the exit status", me.Detail)
	}
	if !strings.Contains(me.Summary, "inspect devarch-no-such-thing") || !strings.Contains(me.Summary, "exit code 1") {
		t.Errorf("Summary = %q, want the command and its exit code", me.Summary)
	}
	var ce *runtime.CommandError
	if !errors.As(err, &ce) || ce.ExitCode != 1 || ce.Argv[1] != "inspect" {
		t.Errorf("cause = %#v, want a CommandError with exit code 1", ce)
	}
}

func TestRun_StderrTailIsBounded(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.BusyboxImage(t)
	label := newRunLabel(t, eng)
	// 20 000 lines of noise, then the error that matters on the last line.
	script := `i=0; while [ $i -lt 20000 ]; do echo "noise line $i" >&2; i=$((i+1)); done; echo "the real error" >&2; exit 3`
	args := append([]string{"run", "--rm"}, labelArgs(label)...)
	res, err := eng.Run(t.Context(), append(args, image, "sh", "-c", script), runtime.RunOptions{})
	me := asModelError(t, err, model.KindInternal)
	if !strings.HasSuffix(me.Detail, "the real error") {
		t.Errorf("Detail ends with %q, want the last stderr line", me.Detail[max(0, len(me.Detail)-40):])
	}
	if len(me.Detail) > 4200 {
		t.Errorf("Detail is %d bytes, want about 4 KiB at most", len(me.Detail))
	}
	if !strings.HasPrefix(me.Detail, "…noise line") {
		t.Errorf("Detail starts with %q, want a cut at a line boundary", me.Detail[:min(30, len(me.Detail))])
	}
	if res.ExitCode != 3 {
		t.Errorf("ExitCode = %d, want 3", res.ExitCode)
	}
}

// TestRun_EnvDirStdinStreams checks the plumbing a compose apply relies on: a secret given in
// RunOptions.Env reaches the container via `-e NAME` (never argv), stdin feeds the command,
// and stdout/stderr stream to writers.
func TestRun_EnvDirStdinStreams(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.BusyboxImage(t)
	label := newRunLabel(t, eng)
	dir := t.TempDir()

	var out, errOut bytes.Buffer
	args := append([]string{"run", "--rm", "-i", "-e", "DEVARCH_SECRET"}, labelArgs(label)...)
	args = append(args, image, "sh", "-c", `cat; echo "secret=$DEVARCH_SECRET"; echo oops >&2`)
	res, err := eng.Run(t.Context(), args, runtime.RunOptions{
		Env:    []string{"DEVARCH_SECRET=s3cr=t value"},
		Dir:    dir,
		Stdin:  strings.NewReader("from stdin\n"),
		Stdout: &out,
		Stderr: &errOut,
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if want := "from stdin\nsecret=s3cr=t value\n"; out.String() != want {
		t.Errorf("streamed stdout = %q, want %q", out.String(), want)
	}
	if res.Stdout != nil {
		t.Errorf("Result.Stdout = %q, want nil when a Stdout writer is given", res.Stdout)
	}
	if strings.TrimSpace(errOut.String()) != "oops" || res.Stderr != "oops" {
		t.Errorf("stderr streamed %q, kept %q; want oops in both", errOut.String(), res.Stderr)
	}
	if res.ExitCode != 0 || res.PID == 0 || res.Duration <= 0 {
		t.Errorf("Result = %+v", res)
	}

	// Captured stdout when no writer is given.
	res, err = eng.Run(t.Context(), []string{"version", "--format", "{{.Client.Version}}"}, runtime.RunOptions{Dir: dir})
	if err != nil || len(bytes.TrimSpace(res.Stdout)) == 0 {
		t.Fatalf("Run version: %q, %v", res.Stdout, err)
	}
}

// TestRun_CancelKillsDockerRun cancels a real `docker run ... sleep 60` once the container
// runs: Run must return KindCanceled at once with the CLI's process group gone.
func TestRun_CancelKillsDockerRun(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.BusyboxImage(t)
	label := newRunLabel(t, eng) // removes the container, which outlives a killed CLI

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	type outcome struct {
		res runtime.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		args := append([]string{"run", "--rm"}, labelArgs(label)...)
		res, err := eng.Run(ctx, append(args, image, "sleep", "60"), runtime.RunOptions{})
		done <- outcome{res, err}
	}()
	waitFor(t, 30*time.Second, "the container to run", func() bool {
		cs, err := eng.ListContainers(t.Context(), []string{label})
		return err == nil && len(cs) == 1 && cs[0].State == "running"
	})

	canceledAt := time.Now()
	cancel()
	var got outcome
	select {
	case got = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s of cancellation")
	}
	if d := time.Since(canceledAt); d > 3*time.Second {
		t.Errorf("Run took %s to return after cancellation", d)
	}
	me := asModelError(t, got.err, model.KindCanceled)
	if !errors.Is(got.err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", got.err)
	}
	if !strings.Contains(me.Summary, "was canceled") {
		t.Errorf("Summary = %q", me.Summary)
	}
	if got.res.PID == 0 || !groupGone(got.res.PID) {
		t.Errorf("process group %d still has processes after cancellation", got.res.PID)
	}
}

// TestRun_CancelKillsHangingGroup uses the one fake: a command that ignores SIGTERM and has
// children that ignore it too, which the real engine CLI never is. Cancellation must
// escalate to SIGKILL after the grace period and leave no process of the group.
func TestRun_CancelKillsHangingGroup(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	hang := eng.WithWrap(func([]string) []string {
		return []string{"/bin/sh", "-c", `trap "" TERM; sleep 60 & sleep 60 & wait`}
	})
	for _, grace := range []time.Duration{0, 300 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
		start := time.Now()
		res, err := hang.Run(ctx, []string{"version"}, runtime.RunOptions{Grace: grace})
		cancel()
		elapsed := time.Since(start)
		asModelError(t, err, model.KindCanceled)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("grace %s: error %v does not wrap the deadline", grace, err)
		}
		if limit := 500*time.Millisecond + grace + 1500*time.Millisecond; elapsed > limit {
			t.Errorf("grace %s: Run returned after %s, want under %s", grace, elapsed, limit)
		}
		if grace > 0 && elapsed < 500*time.Millisecond+grace-50*time.Millisecond {
			t.Errorf("grace %s: Run returned after %s, before the grace period ended", grace, elapsed)
		}
		if !groupGone(res.PID) {
			t.Errorf("grace %s: process group %d survived cancellation", grace, res.PID)
		}
	}
	// The original engine is not affected by WithWrap.
	if _, err := eng.Run(t.Context(), []string{"version"}, runtime.RunOptions{}); err != nil {
		t.Errorf("original engine: %v", err)
	}
}

func TestRun_AlreadyCanceled(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	res, err := eng.Run(ctx, []string{"version"}, runtime.RunOptions{})
	asModelError(t, err, model.KindCanceled)
	if res.PID != 0 {
		t.Errorf("a command started (pid %d) under a canceled context", res.PID)
	}
}

func TestRunCompose_WithoutCompose(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	bare := *eng
	bare.Compose = runtime.Compose{}
	_, err := bare.RunCompose(t.Context(), []string{"version"}, runtime.RunOptions{})
	me := asModelError(t, err, model.KindEngineUnavailable)
	if me.Summary != "docker compose v2 is not installed" && eng.Name == runtime.Docker {
		t.Errorf("Summary = %q", me.Summary)
	}
}
