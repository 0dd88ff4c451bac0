package bindings

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
)

// OperateInstance runs start or stop on one instance of a stack (the graph's node menu),
// with progress events like Operate. The instance's live state reaches the window through
// the status events, as any container change does.
func (p *Plans) OperateInstance(stack, instance, op string) error {
	_, svc, err := p.host.service()
	if err != nil {
		return problem(err)
	}
	ctx, end, err := p.begin(stack)
	if err != nil {
		return problem(err)
	}
	defer end()
	sink, stop := p.throttledSink(stack)
	_, err = svc.OperateInstances(ctx, stack, op, []string{instance}, engine.Who("desktop"), sink)
	stop()
	return problem(err)
}

// LogLine is one line of a log stream: the instance that printed it ("" for compose's own
// messages in a stack's stream) and its text as printed (ANSI escapes included; the window
// renders them as text, never as markup).
type LogLine struct {
	Instance string `json:"instance"`
	Text     string `json:"text"`
}

// LogEvent is one "logs:<id>" event of a log stream: new lines, or its end. Done comes
// once, last; Problem says why the stream ended when it was not closed by the window.
type LogEvent struct {
	Lines   []LogLine `json:"lines"`
	Done    bool      `json:"done"`
	Problem *Problem  `json:"problem,omitempty"`
}

// Logs streams one instance's logs, or a whole stack's, to the window.
type Logs struct{ host *Host }

// NewLogs binds Logs to host.
func NewLogs(host *Host) *Logs { return &Logs{host: host} }

// maxLogBatch bounds the lines of one event: a burst of output arrives in several events
// rather than one the window must render at once.
const maxLogBatch = 500

// Follow starts streaming the last tail lines of an instance's logs and then every new
// line, as "logs:<id>" events (LogEvent) batched every 100 ms. An empty instance follows every
// instance of the stack in one compose process (tail lines of each), each line tagged with
// its instance (engine.SplitLogLine), so the window never parses compose's prefix. The window picks the id (a
// few letters, digits or dashes, unique among its open streams) and subscribes to the
// event before it calls, so no line can arrive before anyone listens. The stream runs
// until Close(id), the host ends (EndStreams, on quit), or the logs end (the container was
// removed): its compose process ends with it in every case. A bad id, stack, instance or
// tail is refused here, before anything runs.
func (l *Logs) Follow(stack, instance string, tail int, id string) error {
	base, svc, err := l.host.service()
	if err != nil {
		return problem(err)
	}
	if !validStreamID(id) {
		return problem(model.Invalid("id", fmt.Sprintf("%q is not a log stream id", id), "Use 1 to 64 letters, digits or dashes."))
	}
	if tail < 0 || tail > engine.MaxLogTail {
		return problem(model.Invalid("tail", fmt.Sprintf("%d is not a number of lines from 0 to %d", tail, engine.MaxLogTail), "Ask for fewer lines."))
	}
	check, cancelCheck := context.WithTimeout(base, 15*time.Second)
	if instance == "" {
		_, err = svc.Stack(check, stack)
	} else {
		_, err = svc.Instance(check, stack, instance)
	}
	cancelCheck()
	if err != nil {
		return problem(err)
	}
	ctx, cancel := context.WithCancel(base)
	done, ok := l.host.track(id, cancel)
	if !ok {
		cancel()
		return problem(model.NewError(model.KindConflict, fmt.Sprintf("log stream %s is already open", id), "Close it first, or use another id."))
	}
	name := "logs:" + id
	w := &lineBatcher{stack: stack, instance: instance}
	go func() {
		defer close(done)
		flushed := make(chan struct{})
		stopFlush := make(chan struct{})
		go func() {
			defer close(flushed)
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-t.C:
				case <-stopFlush:
					return
				}
				for _, lines := range w.take() {
					l.host.emit(name, LogEvent{Lines: lines})
				}
			}
		}()
		err := svc.Logs(ctx, stack, instance, engine.LogOptions{Follow: true, Tail: &tail, NoPrefix: instance != ""}, w)
		close(stopFlush)
		<-flushed
		w.end()
		for _, lines := range w.take() {
			l.host.emit(name, LogEvent{Lines: lines})
		}
		ev := LogEvent{Lines: []LogLine{}, Done: true}
		if err != nil && ctx.Err() == nil {
			p := toProblem(err)
			ev.Problem = &p
		}
		l.host.emit(name, ev)
		l.host.untrack(id)
	}()
	return nil
}

// validStreamID: 1 to 64 ASCII letters, digits or dashes (it becomes part of an event name).
func validStreamID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// Close ends a stream started by Follow and waits (up to 5 s) until its compose process has
// ended. It reports whether the stream was still running; closing twice is harmless.
func (l *Logs) Close(id string) bool {
	return l.host.endStream(id, 5*time.Second)
}

// lineBatcher cuts what compose writes into lines, tags each with its instance, and hands
// them out in batches. With an instance, compose was told --no-log-prefix and every line is
// that instance's; without one, each line's prefix names it.
type lineBatcher struct {
	stack, instance string

	mu      sync.Mutex
	partial []byte
	lines   []LogLine
}

func (b *lineBatcher) line(s string) LogLine {
	if b.instance != "" {
		return LogLine{Instance: b.instance, Text: s}
	}
	inst, text := engine.SplitLogLine(b.stack, s)
	return LogLine{Instance: inst, Text: text}
}

func (b *lineBatcher) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.partial = append(b.partial, p...)
	for {
		i := bytes.IndexByte(b.partial, '\n')
		if i < 0 {
			break
		}
		b.lines = append(b.lines, b.line(string(bytes.TrimSuffix(b.partial[:i], []byte("\r")))))
		b.partial = b.partial[i+1:]
	}
	return len(p), nil
}

// end turns a last line without a newline into a line.
func (b *lineBatcher) end() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.partial) > 0 {
		b.lines = append(b.lines, b.line(string(b.partial)))
		b.partial = nil
	}
}

// take returns the lines written since the last take, in batches of at most maxLogBatch.
func (b *lineBatcher) take() [][]LogLine {
	b.mu.Lock()
	lines := b.lines
	b.lines = nil
	b.mu.Unlock()
	var out [][]LogLine
	for len(lines) > 0 {
		n := min(len(lines), maxLogBatch)
		out = append(out, lines[:n])
		lines = lines[n:]
	}
	return out
}

// streams are the host's running log streams, by id.
type streams struct {
	mu   sync.Mutex
	live map[string]stream
}

type stream struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// track registers a stream's cancel under id and returns the channel its goroutine closes
// when everything it started has ended; false when id is taken.
func (h *Host) track(id string, cancel context.CancelFunc) (chan struct{}, bool) {
	h.streams.mu.Lock()
	defer h.streams.mu.Unlock()
	if h.streams.live == nil {
		h.streams.live = map[string]stream{}
	}
	if _, taken := h.streams.live[id]; taken {
		return nil, false
	}
	done := make(chan struct{})
	h.streams.live[id] = stream{cancel: cancel, done: done}
	return done, true
}

func (h *Host) untrack(id string) {
	h.streams.mu.Lock()
	delete(h.streams.live, id)
	h.streams.mu.Unlock()
}

// endStream cancels a stream and waits up to wait for its goroutine (and so its process)
// to end.
func (h *Host) endStream(id string, wait time.Duration) bool {
	h.streams.mu.Lock()
	s, ok := h.streams.live[id]
	h.streams.mu.Unlock()
	if !ok {
		return false
	}
	s.cancel()
	select {
	case <-s.done:
	case <-time.After(wait):
	}
	return true
}

// EndStreams ends every log stream and waits (up to wait in all) for their processes: the
// app calls it on quit, since Wails never cancels the context streams derive from.
func (h *Host) EndStreams(wait time.Duration) {
	h.streams.mu.Lock()
	live := make([]stream, 0, len(h.streams.live))
	for _, s := range h.streams.live {
		live = append(live, s)
	}
	h.streams.mu.Unlock()
	for _, s := range live {
		s.cancel()
	}
	deadline := time.After(wait)
	for _, s := range live {
		select {
		case <-s.done:
		case <-deadline:
			return
		}
	}
}

// LiveStreams counts the running log streams (for the tests and the quit path's log).
func (h *Host) LiveStreams() int {
	h.streams.mu.Lock()
	defer h.streams.mu.Unlock()
	return len(h.streams.live)
}
