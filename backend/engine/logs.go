package engine

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/devarch/devarch/backend/model"
)

// LogOptions choose which log lines Logs streams.
type LogOptions struct {
	// Follow keeps streaming new lines until the context ends.
	Follow bool
	// Tail is how many of the last lines of each container to show (0 with Follow: only new
	// ones); nil shows all.
	Tail *int
	// Since shows only lines newer than this: a duration back from now ("10m", "1h30m") or
	// a point in time ("2026-11-02", "2026-11-02T15:04:05", RFC 3339 with a zone, or Unix
	// seconds). "" shows all. Validated by ParseLogSince before compose sees it.
	Since string
	// NoPrefix leaves out the container name compose puts before each line (a viewer of
	// one instance's logs knows whose they are).
	NoPrefix bool
}

// MaxLogTail bounds --tail: a bigger number is a typo, and compose would read that much.
const MaxLogTail = 1_000_000

// ParseLogTail reads --tail: a whole number of lines from 0 to MaxLogTail, or "all"
// (returned as nil, as is "").
func ParseLogTail(s string) (*int, error) {
	if s == "all" || s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > MaxLogTail || !isDigits(s) {
		return nil, model.Invalid("tail", fmt.Sprintf("--tail %q is not a number of lines", s),
			fmt.Sprintf("Give a whole number from 0 to %d (e.g. --tail 100), or all.", MaxLogTail))
	}
	return &n, nil
}

// sinceLayouts are the points in time --since takes besides durations and Unix seconds
// (the forms docker accepts, without the ambiguous ones).
var sinceLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

// ParseLogSince checks --since and returns it in the form compose is given: a positive
// duration ("10m", "1h30m"), a date or time (sinceLayouts; without a zone it is local
// time, as docker reads it), or Unix seconds. Anything else is refused with the forms it
// takes, so compose never receives an argument it would read as a flag or misread.
func ParseLogSince(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	bad := model.Invalid("since", fmt.Sprintf("--since %q is neither a duration nor a point in time", s),
		"Give how far back to start, e.g. --since 10m or --since 1h30m, or when: --since 2026-11-02, --since 2026-11-02T15:04:05 or RFC 3339 (2026-11-02T15:04:05Z).")
	if len(s) > 64 {
		return "", bad
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return "", model.Invalid("since", fmt.Sprintf("--since %q is not a positive duration", s), "Give how far back to start, e.g. --since 10m.")
		}
		return s, nil
	}
	if isDigits(s) {
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return s, nil
		}
		return "", bad
	}
	for _, layout := range sinceLayouts {
		if _, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return s, nil
		}
	}
	return "", bad
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// logTimestamp finds the timestamp compose's --timestamps puts on a line, after the
// container's prefix when there is one ("app-1  | 2026-11-30T23:55:17.009853791Z boom").
var logTimestamp = regexp.MustCompile(`(?:^|\| )\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z `)

// recentLogLines is how many stamped lines a followed stream remembers to drop repeats.
const recentLogLines = 1024

// dedupWriter passes a followed stream's lines through, dropping a stamped line it has
// already passed. Compose re-attaches to a container each time it restarts and then reads
// from the last line's timestamp, inclusively, so a crash-looping container's last line
// comes once per restart (measured: compose 2.40 printed it three times in 12 s). Every line
// carries a nanosecond timestamp, so two equal stamped lines are one log entry; lines
// without a stamp (compose's own "exited with code 3 (restarting)") always pass. A partial
// line waits for its end; Flush writes what is left.
type dedupWriter struct {
	w       io.Writer
	partial []byte
	seen    map[string]bool
	order   []string // seen's lines, oldest first, at most recentLogLines
}

func newDedupWriter(w io.Writer) *dedupWriter {
	return &dedupWriter{w: w, seen: map[string]bool{}}
}

func (d *dedupWriter) Write(p []byte) (int, error) {
	d.partial = append(d.partial, p...)
	var out []byte
	for {
		i := bytes.IndexByte(d.partial, '\n')
		if i < 0 {
			break
		}
		line := d.partial[:i+1]
		if d.keep(line) {
			out = append(out, line...)
		}
		d.partial = d.partial[i+1:]
	}
	d.partial = slices.Clone(d.partial) // do not pin the whole history of the buffer
	if len(out) > 0 {
		if _, err := d.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// keep reports whether line (with its newline) is new, and remembers it.
func (d *dedupWriter) keep(line []byte) bool {
	if !logTimestamp.Match(line) {
		return true
	}
	key := string(line)
	if d.seen[key] {
		return false
	}
	d.seen[key] = true
	d.order = append(d.order, key)
	if len(d.order) > recentLogLines {
		delete(d.seen, d.order[0])
		d.order = d.order[1:]
	}
	return true
}

// Flush writes a last line that had no newline.
func (d *dedupWriter) Flush() error {
	if len(d.partial) == 0 {
		return nil
	}
	rest := d.partial
	d.partial = nil
	if !d.keep(rest) {
		return nil
	}
	_, err := d.w.Write(rest)
	return err
}

// SplitLogLine reads one line of a stack's prefixed log stream (compose logs without
// --no-log-prefix, --no-color): "NAME  | text", the name padded to the widest one. NAME is
// the container name, which DevArch always sets to model.ContainerName(stack, instance), so
// the instance is what follows "devarch-STACK-"; a name of another shape (a container not
// made by DevArch in the project) is returned whole. A line without the prefix (compose's
// own messages, e.g. "Attaching to ...") has instance "" and is returned unchanged. The text
// is everything after "| " byte for byte: the window renders it, never this function.
func SplitLogLine(stack, line string) (instance, text string) {
	bar := strings.Index(line, " |")
	if bar <= 0 {
		return "", line
	}
	name := strings.TrimRight(line[:bar], " ")
	if name == "" || strings.ContainsAny(name, " \t|\x1b") {
		return "", line
	}
	text = line[bar+2:]
	text = strings.TrimPrefix(text, " ")
	if inst, ok := strings.CutPrefix(name, model.ContainerName(stack, "")); ok && inst != "" {
		return inst, text
	}
	return name, text
}
