package runtime_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

func TestEvents_ContainerStart(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.BusyboxImage(t)
	label := newRunLabel(t, eng)
	run := label[len(runLabelKey)+1:]

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// Since covers the gap between Events returning and the stream being connected.
	events, errs := eng.Events(ctx, runtime.EventOptions{
		Filters: []string{"type=container", "label=" + label},
		Since:   time.Now().Add(-time.Second),
	})
	args := append([]string{"run", "-d", "--name", "devarch-test-ev-" + run}, labelArgs(label, "dev.devarch.test.role=ev")...)
	id := mustRun(t, eng, append(args, image, "sleep", "60")...)

	timeout := time.After(20 * time.Second)
	var start runtime.Event
	for start.Action != "start" {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("stream closed before the start event: %v", <-errs)
			}
			if ev.ActorID != id {
				t.Fatalf("event for %s (%s %s) leaked through the label filter", ev.ActorID, ev.Type, ev.Action)
			}
			start = ev
		case <-timeout:
			t.Fatal("no start event within 20s")
		}
	}
	if start.Type != "container" || start.Name() != "devarch-test-ev-"+run {
		t.Errorf("event = %+v", start)
	}
	if start.Attributes["dev.devarch.test.role"] != "ev" || start.Attributes[runLabelKey] != run {
		t.Errorf("Attributes = %v, want the container's labels", start.Attributes)
	}
	if d := time.Since(start.Time); d < -time.Minute || d > time.Minute {
		t.Errorf("Time = %s, want about now", start.Time)
	}

	// Cancelling ends the stream promptly: events closed, then one Canceled error.
	cancel()
	deadline := time.After(5 * time.Second)
	for open := true; open; {
		select {
		case _, open = <-events:
		case <-deadline:
			t.Fatal("events channel not closed within 5s of cancellation")
		}
	}
	select {
	case err := <-errs:
		asModelError(t, err, model.KindCanceled)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v does not wrap context.Canceled", err)
		}
	case <-deadline:
		t.Fatal("no error after the stream ended")
	}
	if _, open := <-errs; open {
		t.Error("error channel not closed after its one error")
	}
}

func TestEvents_StreamEndReportsError(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	// A filter without "=" is rejected by the CLI: the stream ends at once with its complaint.
	events, errs := eng.Events(t.Context(), runtime.EventOptions{Filters: []string{"devarch-bogus"}})
	select {
	case err := <-errs:
		me := asModelError(t, err, model.KindEngineUnavailable)
		if !strings.Contains(me.Summary, "event stream ended") {
			t.Errorf("Summary = %q", me.Summary)
		}
		if !strings.Contains(strings.ToLower(me.Detail), "filter") {
			t.Errorf("Detail = %q, want the CLI's complaint about the filter", me.Detail)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no error within 20s for an invalid filter")
	}
	if _, open := <-events; open {
		t.Error("events channel still open after the stream ended")
	}
}
