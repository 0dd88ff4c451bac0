package runtime

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/devarch/devarch/backend/model"
)

// Event is one engine event, e.g. a container's "start", "die" or "health_status: healthy".
type Event struct {
	// Type is the object type: "container", "network", "image", "volume", ...
	Type string
	// Action is what happened: "create", "start", "die", "destroy", "connect", ...; health
	// changes read "health_status: healthy" (or unhealthy / starting).
	Action string
	// ActorID is the id of the object the event is about.
	ActorID string
	// Attributes are the actor's attributes: for containers its labels plus "name", "image"
	// and, for "die", "exitCode".
	Attributes map[string]string
	// Time is when the engine recorded the event.
	Time time.Time
}

// Name is the actor's name (container or network name), from its attributes.
func (ev Event) Name() string { return ev.Attributes["name"] }

// EventOptions selects the events to stream.
type EventOptions struct {
	// Filters are engine event filters, e.g. "type=container", "label=dev.devarch.stack=shop",
	// "event=start"; several filters of one key are ORed, of different keys ANDed (as docker
	// does). Without an "event=" filter a container with a healthcheck also yields
	// exec_create/exec_start/exec_die events at every probe.
	Filters []string
	// Since, when set, first replays the events recorded since then. A caller that must not
	// miss an event caused by its own next action sets Since to a moment before that action,
	// because the stream may not be connected yet when Events returns.
	Since time.Time
	// Until, when set, makes the stream finite: it ends (with a nil error) once the events up
	// to then were delivered. PastEvents is the convenient way to ask for a finite stream.
	Until time.Time
}

// PastEvents returns the events between opts.Since and opts.Until (which must be set), in
// order.
func (e *Engine) PastEvents(ctx context.Context, opts EventOptions) ([]Event, error) {
	if opts.Until.IsZero() {
		return nil, model.NewError(model.KindInternal, "PastEvents needs an end (Until)", "")
	}
	events, errs := e.Events(ctx, opts)
	var out []Event
	for ev := range events {
		out = append(out, ev)
	}
	return out, <-errs
}

// eventBuffer lets a burst of events (a compose up of many services) pass without blocking
// the reader on a briefly busy consumer.
const eventBuffer = 64

// Events streams engine events until ctx is done or the stream ends. The events channel is
// closed first; the error channel then yields exactly one error and is closed: KindCanceled
// (wrapping context.Cause) when ctx ended, otherwise a KindEngineUnavailable error saying the
// stream ended, with what the engine said as detail (the daemon stopped, a filter was
// invalid).
//
// For the local Docker daemon (see apiSocket) the stream is the Engine API's GET /events over
// its unix socket: no process is started, so nothing can outlive DevArch. Otherwise (a docker
// context or remote host, podman) it is `docker events` / `podman events`, a CLI process in its
// own group that cancelling ctx kills (and that dies with DevArch on Linux, see
// dieWithParent). Both paths deliver the same Event values for the same engine events.
//
// The caller must keep receiving from the events channel or cancel ctx: the reader blocks on
// a full channel, and cancelling ctx is what releases it and the connection or process.
// Nothing reconnects; a caller that wants a permanent feed calls Events again after an error,
// with Since set to just after the last event's time.
func (e *Engine) Events(ctx context.Context, opts EventOptions) (<-chan Event, <-chan error) {
	if sock := e.apiSocket(); sock != "" {
		return e.eventsAPI(ctx, sock, opts)
	}
	return e.eventsCLI(ctx, opts)
}

// eventsCLI is Events through the engine CLI.
func (e *Engine) eventsCLI(ctx context.Context, opts EventOptions) (<-chan Event, <-chan error) {
	events := make(chan Event, eventBuffer)
	errs := make(chan error, 1)
	args := []string{"events", "--format", "{{json .}}"}
	if e.Name == Podman {
		args = []string{"events", "--format", "json"}
	}
	switch {
	case opts.Since.IsZero():
	case e.Name == Podman:
		args = append(args, "--since", opts.Since.UTC().Format(time.RFC3339Nano))
	default:
		args = append(args, "--since", dockerTimestamp(opts.Since))
	}
	switch {
	case opts.Until.IsZero():
	case e.Name == Podman:
		args = append(args, "--until", opts.Until.UTC().Format(time.RFC3339Nano))
	default:
		args = append(args, "--until", dockerTimestamp(opts.Until))
	}
	for _, f := range opts.Filters {
		args = append(args, "--filter", f)
	}

	// runCtx also stops the process when reading stops on its own (a malformed line).
	runCtx, stop := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	runDone := make(chan error, 1)
	go func() {
		_, err := e.Run(runCtx, args, RunOptions{Stdout: pw})
		pw.Close() // the reader sees EOF once the process is gone
		runDone <- err
	}()
	go func() {
		defer close(errs)
		parseErr := readEvents(ctx, pr, events)
		close(events)
		stop()
		pr.CloseWithError(io.ErrClosedPipe) // unblock the process's writes if we stopped early
		runErr := <-runDone
		if !opts.Until.IsZero() && runErr == nil && parseErr == nil && ctx.Err() == nil {
			errs <- nil // a finite stream that ended where it was asked to
			return
		}
		errs <- streamEnded(ctx, e.Name, runErr, parseErr)
	}()
	return events, errs
}

// dockerTimestamp formats t as docker's --since/since value: unix seconds and nanoseconds.
func dockerTimestamp(t time.Time) string {
	return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond())
}

// readEvents decodes one JSON event per line into out until EOF, a malformed line, or ctx.
func readEvents(ctx context.Context, r io.Reader, out chan<- Event) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		ev, err := parseEvent([]byte(line))
		if err != nil {
			return model.Wrap(model.KindInternal, err, "unexpected output from the event stream",
				fmt.Sprintf("%v; line: %s", err, tail(line, 300)))
		}
		select {
		case out <- ev:
		case <-ctx.Done():
			return nil
		}
	}
	return sc.Err()
}

func streamEnded(ctx context.Context, engine string, runErr, parseErr error) error {
	if ctx.Err() != nil {
		return model.Wrap(model.KindCanceled, context.Cause(ctx), "the event stream was stopped",
			"the caller canceled it")
	}
	if parseErr != nil {
		return parseErr
	}
	if runErr != nil {
		me := model.AsError(runErr)
		if me.Kind == model.KindEngineUnavailable {
			return me
		}
		return model.Wrap(model.KindEngineUnavailable, runErr, fmt.Sprintf("the %s event stream ended", engine), me.Detail)
	}
	return model.NewError(model.KindEngineUnavailable, fmt.Sprintf("the %s event stream ended", engine),
		fmt.Sprintf("`%s events` exited without an error; the daemon may have been stopped or restarted", engine))
}

// eventEntry covers docker's event JSON (Type, Action, Actor{ID, Attributes}, time,
// timeNano) and podman's (Type, Status, ID, Name, Attributes, Time as text or number).
type eventEntry struct {
	Type   string
	Action string
	Status string // docker's legacy field; podman's action
	ID     string // docker's legacy field; podman's actor id
	Name   string // podman
	Actor  struct {
		ID         string
		Attributes map[string]string
	}
	Attributes map[string]string // podman
	Time       json.RawMessage   // docker: unix seconds; podman: RFC 3339 or unix seconds
	TimeNano   json.RawMessage
}

func parseEvent(line []byte) (Event, error) {
	var en eventEntry
	if err := json.Unmarshal(line, &en); err != nil {
		return Event{}, err
	}
	ev := Event{
		Type:       en.Type,
		Action:     firstNonEmpty(en.Action, en.Status),
		ActorID:    firstNonEmpty(en.Actor.ID, en.ID),
		Attributes: en.Actor.Attributes,
	}
	if ev.Attributes == nil {
		ev.Attributes = en.Attributes
	}
	if ev.Attributes == nil {
		ev.Attributes = map[string]string{}
	}
	if _, ok := ev.Attributes["name"]; !ok && en.Name != "" {
		ev.Attributes["name"] = en.Name
	}
	if n, err := strconv.ParseInt(string(en.TimeNano), 10, 64); err == nil && n > 0 {
		ev.Time = time.Unix(0, n)
	} else {
		ev.Time = timeFromJSON(en.Time)
	}
	return ev, nil
}
