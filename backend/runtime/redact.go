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
// Engines also echo parts of a value ("parsing \"Hunter2\"" for the size "Hunter2-x"), so
// besides every whole value, any run of at least partialMin bytes that also occurs in a
// value is redacted. That may hide an innocent word that happens to appear in a secret; it
// never shows a piece of one.
//
// It works on whole lines, so a value split across two writes is still found; a line that
// grows past maxPending without a newline is passed on early, holding back enough bytes that
// no value can straddle the cut.
type redactor struct {
	mu      sync.Mutex
	next    io.Writer
	m       *matcher
	pending []byte
}

// partialMin is the shortest piece of a value that is redacted on its own.
const partialMin = 6

// matcher finds the values (whole, and pieces of partialMin bytes or more) in text.
type matcher struct {
	repl    *strings.Replacer
	grams   map[string]bool // every partialMin-byte piece of every value
	longest int
}

func newMatcher(values []string) *matcher {
	forms := redactions(values)
	if len(forms) == 0 {
		return nil
	}
	m := &matcher{grams: map[string]bool{}, longest: len(forms[0])}
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Redacted)
		for i := 0; i+partialMin <= len(f); i++ {
			m.grams[f[i:i+partialMin]] = true
		}
	}
	m.repl = strings.NewReplacer(pairs...)
	return m
}

// redact replaces whole values first, then every maximal run covered by pieces of values.
func (m *matcher) redact(s string) string {
	s = m.repl.Replace(s)
	if len(m.grams) == 0 || len(s) < partialMin {
		return s
	}
	var b strings.Builder
	last, end := 0, -1 // end: where the current covered run ends
	start := 0
	for i := 0; i+partialMin <= len(s); i++ {
		if !m.grams[s[i:i+partialMin]] {
			continue
		}
		if i > end { // a new run
			if end >= 0 {
				b.WriteString(s[last:start])
				b.WriteString(Redacted)
				last = end
			}
			start = i
		}
		end = i + partialMin
	}
	if end < 0 {
		return s
	}
	b.WriteString(s[last:start])
	b.WriteString(Redacted)
	b.WriteString(s[end:])
	return b.String()
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
	m := newMatcher(values)
	if m == nil {
		return nil
	}
	return &redactor{next: next, m: m}
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
		cut := len(r.pending) - r.m.longest + 1
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
	_, err := io.WriteString(r.next, r.m.redact(string(b)))
	return err
}

// Redact replaces every form of the values in s, for text that did not pass through a
// command's redacted output (an error built from it elsewhere).
func Redact(s string, values []string) string {
	if m := newMatcher(values); m != nil {
		return m.redact(s)
	}
	return s
}
