package runtime_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// runLabelKey scopes what one test creates, so parallel tests and test processes never see
// each other's containers.
const runLabelKey = "dev.devarch.test.run"

// newRunLabel returns "dev.devarch.test.run=<random>" and removes, when the test ends, every
// container and network carrying it.
func newRunLabel(t *testing.T, eng *runtime.Engine) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	label := runLabelKey + "=" + hex.EncodeToString(b[:])
	t.Cleanup(func() { removeLabelled(t, eng, label) })
	return label
}

// removeLabelled removes containers and networks with label. It runs in t.Cleanup, after
// t.Context() is canceled, hence its own context.
func removeLabelled(t *testing.T, eng *runtime.Engine, label string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := eng.ListContainers(ctx, []string{label})
	if err != nil {
		t.Errorf("cleanup: listing containers: %v", err)
	}
	for _, c := range cs {
		if _, err := eng.Run(ctx, []string{"rm", "-f", "-v", c.ID}, runtime.RunOptions{}); err != nil && model.KindOf(err) != model.KindNotFound {
			t.Errorf("cleanup: removing container %s: %v", c.Name, err)
		}
	}
	ns, err := eng.ListNetworks(ctx, []string{label})
	if err != nil {
		t.Errorf("cleanup: listing networks: %v", err)
	}
	for _, n := range ns {
		if _, err := eng.Run(ctx, []string{"network", "rm", n.ID}, runtime.RunOptions{}); err != nil && model.KindOf(err) != model.KindNotFound {
			t.Errorf("cleanup: removing network %s: %v", n.Name, err)
		}
	}
}

// labelArgs turns labels into `--label` flags, always adding the test marker.
func labelArgs(labels ...string) []string {
	args := []string{"--label", runtimetest.TestLabel}
	for _, l := range labels {
		args = append(args, "--label", l)
	}
	return args
}

// mustRun runs an engine command that the test needs to succeed and returns its trimmed
// stdout.
func mustRun(t *testing.T, eng *runtime.Engine, args ...string) string {
	t.Helper()
	res, err := eng.Run(t.Context(), args, runtime.RunOptions{})
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(res.Stdout))
}

// asModelError fails the test unless err is a *model.Error of kind want.
func asModelError(t *testing.T, err error, want model.Kind) *model.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want a %s error", want)
	}
	var me *model.Error
	if !errors.As(err, &me) {
		t.Fatalf("got %T %v, want a *model.Error", err, err)
	}
	if me.Kind != want {
		t.Fatalf("got kind %s (%v), want %s", me.Kind, err, want)
	}
	return me
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
