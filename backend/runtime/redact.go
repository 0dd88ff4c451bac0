package runtime

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Redacted replaces a secret value in engine output.
const Redacted = "(sensitive)"

// redactor passes output through line by line with every sensitive value replaced by
// "(sensitive)". Engines echo interpolated values in their errors (compose: "invalid
// additional host, missing IP: <value>"), so output of a command that received secrets is
// redacted before anything sees it: the caller's writers, the stderr tail kept for error
// details, and so everything stored, streamed, logged or printed from it.
//
// It works on whole lines, so a value split across two writes is still found; a line that
// grows past maxPending without a newline is passed on early, holding back enough bytes that
// no value can straddle the cut.
type redactor struct {
	mu      sync.Mutex
	next    io.Writer
	repl    *strings.Replacer
	longest int
	pending []byte
}

const maxPending = 64 << 10

// redactions returns the forms in which a value can appear in engine output: as it is,
// escaped the way Go (%q) and JSON print strings, and, for a multi-line value, each of its
// lines (an engine may print one line of it).
func redactions(values []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, v := range values {
		add(v)
		q := strconv.Quote(v)
		add(q[1 : len(q)-1])
		if j, err := json.Marshal(v); err == nil {
			add(string(j[1 : len(j)-1]))
		}
		if strings.ContainsAny(v, "\r\n") {
			for _, line := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' }) {
				add(strings.TrimSpace(line))
			}
		}
	}
	// Longest first: a value containing another is replaced whole.
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// newRedactor returns a writer that redacts values before writing to next, or nil when there
// is nothing to redact.
func newRedactor(next io.Writer, values []string) *redactor {
	forms := redactions(values)
	if len(forms) == 0 {
		return nil
	}
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Redacted)
	}
	return &redactor{next: next, repl: strings.NewReplacer(pairs...), longest: len(forms[0])}
}

func (r *redactor) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending = append(r.pending, p...)
	if i := bytes.LastIndexByte(p, '\n'); i >= 0 { // only the new bytes can hold a new line end
		i += len(r.pending) - len(p)
		if err := r.emit(r.pending[:i+1]); err != nil {
			return 0, err
		}
		r.pending = append(r.pending[:0], r.pending[i+1:]...)
	}
	if len(r.pending) > maxPending {
		// Keep the last longest-1 bytes: a value that starts in them is completed later.
		cut := len(r.pending) - r.longest + 1
		if err := r.emit(r.pending[:cut]); err != nil {
			return 0, err
		}
		r.pending = append(r.pending[:0], r.pending[cut:]...)
	}
	return len(p), nil
}

// Flush writes what is left (the last line without a newline).
func (r *redactor) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.pending) == 0 {
		return nil
	}
	err := r.emit(r.pending)
	r.pending = r.pending[:0]
	return err
}

func (r *redactor) emit(b []byte) error {
	_, err := io.WriteString(r.next, r.repl.Replace(string(b)))
	return err
}

// Redact replaces every form of the values in s, for text that did not pass through a
// command's redacted output (an error built from it elsewhere).
func Redact(s string, values []string) string {
	forms := redactions(values)
	if len(forms) == 0 {
		return s
	}
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Redacted)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}
