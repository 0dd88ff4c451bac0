package catalog

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Locating a syntax error.
//
// yaml.v3 reports a syntax error's line only, and not even reliably: it is the line of the
// construct being parsed (where an enclosing mapping or list began), the end of the input,
// or nothing at all on line 1. So the position is defined, and searched for, as where the
// document stops being valid YAML: the longest run of whole lines that parses, then the
// longest prefix of the next line that still parses. The first character after it is
// reported: the unexpected token, or the quote or bracket that is never closed.
//
// Asking yaml.v3 about every prefix is quadratic (minutes for 256 KiB), and each question
// costs a parse of the prefix, up to the whole document. The search therefore asks few
// questions, each as small as possible, and gives the same answer (tests and a fuzz target
// compare it with the definition, locateSlowly in locate_ref_test.go):
//
//   - No prefix that reaches past the point where the failed decode stopped reading can
//     parse (the decoder saw the same bytes and failed), so the search starts there.
//   - A prefix that ends inside a quoted scalar or flow collection never parses: the
//     lexer (lex.go) finds those, and the search steps over them to where they open.
//     Likewise a prefix that ends inside a token parses exactly when one ending at a
//     token boundary does, so within a line only token boundaries are tried.
//   - Once one prefix is known to parse, the next questions are asked about a short
//     stand-in for it (skeleton) followed by the rest, not about the whole prefix.
//   - A budget (three times what the failed decode read, plus 64 KiB) bounds the work
//     whatever the input; when it runs out, the error names the line alone if that was
//     found, else keeps yaml.v3's own line. The tests' 256 KiB cases use at most about
//     two parses' worth. The context is checked between questions and while parsing.

// locateSlack is added to the locator's budget so that small documents are always located.
const locateSlack = 64 << 10

// errBudget stops a search that ran out of budget.
var errBudget = errors.New("the syntax error search ran out of budget")

// meterStep is how often (in bytes) a meter checks its context.
const meterStep = 4 << 10

// meter hands data to yaml.v3 one byte per Read, so that when a decode fails, read says
// exactly how far it got; and it stops the decode with ctx's error once ctx is done.
type meter struct {
	ctx  context.Context
	data []byte
	read int
}

func (m *meter) Read(p []byte) (int, error) {
	if m.read >= len(m.data) {
		return 0, io.EOF
	}
	if m.read%meterStep == 0 {
		if err := m.ctx.Err(); err != nil {
			return 0, err
		}
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = m.data[m.read]
	m.read++
	return 1, nil
}

// locator is one search for a syntax error in data.
type locator struct {
	ctx    context.Context
	data   []byte
	ends   []int // offsets of data's '\n', so line n (1-based) ends at ends[n-1]
	budget int   // bytes yaml.v3 may still parse
}

// base is a prefix known to parse: whole lines 1..line, ending at end, and a text that
// stands for data[:end] in front of data[end:] (the prefix itself, or its skeleton).
type base struct {
	line, end int
	text      []byte
	exact     bool // text is data[:end] itself
}

// locateSyntaxError returns where data stops being valid YAML: the 1-based line and column
// (in characters) of the first character after the longest valid prefix, as described
// above. read is how many bytes the failed decode of data had read when it failed. ok is
// false when no position was found within the budget (or data is not UTF-8 text); column
// is 0 when the budget ran out after the line was found; err is ctx's error when ctx
// ended the search.
func locateSyntaxError(ctx context.Context, data []byte, read int) (line, column int, ok bool, err error) {
	if bytes.HasPrefix(data, []byte{0xfe, 0xff}) || bytes.HasPrefix(data, []byte{0xff, 0xfe}) {
		return 0, 0, false, nil // UTF-16: byte offsets are not positions
	}
	read = min(max(read, 1), len(data))
	line, column, err = newLocator(ctx, data, 3*read+locateSlack).search(read)
	switch {
	case errors.Is(err, errBudget):
		return 0, 0, false, nil
	case err != nil:
		return 0, 0, false, err
	}
	return line, column, true, nil
}

// newLocator prepares a search in data that may have yaml.v3 parse budget bytes.
func newLocator(ctx context.Context, data []byte, budget int) *locator {
	l := &locator{ctx: ctx, data: data, budget: budget}
	for i, c := range data {
		if c == '\n' {
			l.ends = append(l.ends, i)
		}
	}
	return l
}

// lineEnd is where the prefix of n whole lines ends (0 for none).
func (l *locator) lineEnd(n int) int {
	if n == 0 {
		return 0
	}
	return l.ends[n-1]
}

// lineStart is the offset of line n's first byte.
func (l *locator) lineStart(n int) int {
	if n <= 1 {
		return 0
	}
	return l.ends[n-2] + 1
}

// lineOf is the line holding offset off.
func (l *locator) lineOf(off int) int { return sort.SearchInts(l.ends, off) + 1 }

// quiet reports whether line n is blank or only a comment (holding no character badAt
// flags, like a lone '\r' that yaml.v3 reads as a line break). Appending such a line to a
// prefix does not change whether it parses, so the search does not ask about it; unless
// the line is inside a quoted scalar, or follows blank lines holding a tab (yaml.v3
// refuses those at the end of the input, not before a comment): the caller checks those.
func (l *locator) quiet(n int) bool {
	end := len(l.data)
	if n <= len(l.ends) {
		end = l.ends[n-1]
	}
	i := l.lineStart(n)
	for i < end && (l.data[i] == ' ' || l.data[i] == '\r' && i+1 == end) {
		i++
	}
	if i < end && l.data[i] != '#' {
		return false
	}
	for i < end {
		bad, size := badAt(l.data[:end], i)
		if bad && !(l.data[i] == '\r' && i+1 == end) {
			return false
		}
		i += size
	}
	return true
}

// tabRun says whether the input up to line n's end ends with blank lines holding a tab
// (counting the line breaks yaml.v3 sees within a line: a lone '\r', NEL, LS, PS), given
// the same for the line before.
func (l *locator) tabRun(n int, before bool) bool {
	end := len(l.data)
	if n <= len(l.ends) {
		end = l.ends[n-1]
	}
	run, blank, tab := before, true, false // the run so far; the current (yaml) line
	for i := l.lineStart(n); ; {
		brk, size := true, 1 // the line's end is a break too
		if i < end {
			brk, size = oddBreak(l.data, i, end)
		}
		if brk {
			run = blank && (run || tab)
			if i >= end {
				return run
			}
			blank, tab = true, false
		} else if c := l.data[i]; !isBlank(c) {
			blank = false
		} else if c == '\t' {
			tab = true
		}
		i += size
	}
}

// search finds the position: the longest valid run of whole lines, then the longest
// valid start of the next line.
func (l *locator) search(read int) (line, column int, err error) {
	b, err := l.wholeLines(read)
	if err != nil {
		return 0, 0, err
	}
	return l.withinLine(b, read)
}

// wholeLines returns the longest run of whole lines that parses, as a base.
func (l *locator) wholeLines(read int) (base, error) {
	// Candidates: the runs that end before read, longest first, minus those that end
	// inside a construct left open (straight to the line before it opens) and those that
	// end with a quiet line (they parse exactly when the run without it does).
	nmax := sort.SearchInts(l.ends, read)
	openAt := make([]int, nmax+1) // openAt[n]: the construct open at line n's end, or -1
	openAt[0] = -1
	tabRun := make([]bool, nmax+1) // tabRun[n]: line n ends with a run of blank lines holding a tab
	lx := newLexer(l.data)
	for n := 1; n <= nmax; n++ {
		lx.line(l.lineStart(n), l.lineEnd(n))
		openAt[n] = lx.open()
		tabRun[n] = l.tabRun(n, tabRun[n-1])
	}
	quiet := func(n int) bool { return openAt[n-1] < 0 && !tabRun[n-1] && l.quiet(n) }
	var cands []int
	for n := nmax; n >= 1; {
		switch {
		case openAt[n] >= 0:
			n = l.lineOf(openAt[n]) - 1
		case quiet(n):
			n--
		default:
			cands = append(cands, n)
			n--
		}
	}
	cands = append(cands, 0)

	// The answer is the first candidate whose prefix parses. Whole prefixes are probed
	// at growing distances (1, 3, 7, ...) until one parses; the candidates before it that
	// were not probed are then asked about through its skeleton.
	probed := make([]bool, len(cands))
	var b base
	var err error
	p := min(1, len(cands)-1)
	for step := 2; ; step *= 2 {
		b, err = l.probe(cands[p])
		if err == nil {
			break
		}
		if !errors.Is(err, errNoParse) {
			return base{}, err
		}
		probed[p] = true
		p = min(p+step, len(cands)-1)
	}
	for i := 0; i < p; i++ {
		if probed[i] {
			continue
		}
		nb, err := l.window(b, cands[i])
		if errors.Is(err, errNoParse) {
			continue
		}
		if err != nil {
			return base{}, err
		}
		b = nb
		break
	}
	if n := b.line; n < nmax && quiet(n+1) {
		// Quiet lines after it parse too, and they stay in the text: a comment line ends a
		// plain scalar that the next line would otherwise continue.
		for n < nmax && quiet(n+1) {
			n++
		}
		b.text = append(b.text[:len(b.text):len(b.text)], l.data[b.end:l.lineEnd(n)]...)
		b.line, b.end = n, l.lineEnd(n)
	}
	return b, nil
}

// withinLine returns the position after the longest valid start of the line after b.
func (l *locator) withinLine(b base, read int) (line, column int, err error) {
	// Candidates: the line's token boundaries before read, last first.
	line = b.line + 1
	s := l.lineStart(line)
	e := len(l.data)
	if line <= len(l.ends) {
		e = l.ends[line-1]
	}
	lx := newLexer(l.data)
	for n := 1; n < line; n++ {
		lx.line(l.lineStart(n), l.lineEnd(n))
	}
	lx.flow, lx.quote, lx.collect = nil, 0, true // the prefix before the line parses: nothing is open
	lx.line(s, e)
	slices.Sort(lx.cands)
	for i := len(lx.cands) - 1; i >= 0; i-- {
		k := lx.cands[i]
		if k <= s || k >= min(e, read) || i > 0 && lx.cands[i-1] == k {
			continue
		}
		_, _, _, _, err := l.holds(b, k)
		if errors.Is(err, errNoParse) {
			continue
		}
		if errors.Is(err, errBudget) {
			return line, 0, nil // the line is known, not the column
		}
		if err != nil {
			return 0, 0, err
		}
		return line, utf8.RuneCount(l.data[s:k]) + 1, nil
	}
	return line, 1, nil
}

// errNoParse says a prefix is not valid YAML.
var errNoParse = errors.New("the prefix does not parse")

// probe asks whether the whole lines 1..n parse, and returns them as a base if they do.
func (l *locator) probe(n int) (base, error) {
	if n == 0 {
		return base{exact: true}, nil
	}
	text := l.data[:l.lineEnd(n)]
	doc, docs, _, err := l.parse(text)
	if err != nil {
		return base{}, err
	}
	return l.newBase(n, text, doc, docs, true)
}

// holds asks whether data[:end] parses, using b's text in place of data[:b.end]: errNoParse
// when it does not. It returns the text it asked about and its parse.
func (l *locator) holds(b base, end int) (text []byte, doc *yaml.Node, docs int, exact bool, err error) {
	text = append(b.text[:len(b.text):len(b.text)], l.data[b.end:end]...)
	doc, docs, msg, err := l.parse(text)
	if errors.Is(err, errNoParse) && !b.exact && strings.Contains(msg, "unknown anchor") {
		// The alias's anchor is on a line the skeleton left out: ask about the real prefix.
		text = l.data[:end]
		doc, docs, _, err = l.parse(text)
		return text, doc, docs, true, err
	}
	return text, doc, docs, b.exact, err
}

// window asks whether the whole lines 1..n parse, through b; if so it returns them as a base.
func (l *locator) window(b base, n int) (base, error) {
	text, doc, docs, exact, err := l.holds(b, l.lineEnd(n))
	if err != nil {
		return base{}, err
	}
	return l.newBase(n, text, doc, docs, exact)
}

// newBase makes a base of the parsed text standing for data[:lineEnd(n)], with a skeleton
// when one can be built.
func (l *locator) newBase(n int, text []byte, doc *yaml.Node, docs int, exact bool) (base, error) {
	b := base{line: n, end: l.lineEnd(n), text: text, exact: exact}
	if n == 0 {
		return b, nil
	}
	skel, ok, err := l.skeleton(text, doc, docs)
	if err != nil {
		return base{}, err
	}
	if ok {
		b.text, b.exact = skel, false
	}
	return b, nil
}

// parse asks yaml.v3 whether text is valid YAML (every document in it); errNoParse (with
// yaml.v3's message) when it is not. doc is the last document, docs how many there are.
func (l *locator) parse(text []byte) (doc *yaml.Node, docs int, msg string, err error) {
	if l.budget -= len(text); l.budget < 0 {
		return nil, 0, "", errBudget
	}
	if err := l.ctx.Err(); err != nil {
		return nil, 0, "", err
	}
	dec := yaml.NewDecoder(&meter{ctx: l.ctx, data: text})
	for {
		var n yaml.Node
		switch err := dec.Decode(&n); {
		case errors.Is(err, io.EOF):
			return doc, docs, "", nil
		case err != nil:
			if cerr := l.ctx.Err(); cerr != nil {
				return nil, 0, "", cerr
			}
			return nil, 0, err.Error(), errNoParse
		}
		doc = &n
		docs++
	}
}

// skeleton returns a short stand-in for text, a YAML stream that parses to the one
// document doc: the lines of the entries on doc's right edge (the last key or item of
// each block mapping or sequence that encloses the document's end) and every line from
// the deepest of them on. After a complete prefix, what the following lines may continue,
// and how, is fixed by exactly those entries (their indentation, kind and properties) and
// by the last value itself; the lines in between only hold complete values. ok is false
// where that reading does not hold or may not (directives, several documents, explicit
// keys, anything unusual): the stand-in is parsed and its right edge compared with doc's,
// so a stand-in that would answer differently is never used.
func (l *locator) skeleton(text []byte, doc *yaml.Node, docs int) ([]byte, bool, error) {
	if docs != 1 || doc == nil || len(doc.Content) != 1 {
		return nil, false, nil
	}
	starts := []int{0}
	for i, c := range text {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	lineText := func(n int) []byte {
		if n < 1 || n > len(starts) {
			return nil
		}
		end := len(text)
		if n < len(starts) {
			end = starts[n] - 1
		}
		return text[starts[n-1]:end]
	}
	for n := 1; n <= len(starts); n++ {
		t := lineText(n)
		if len(t) > 0 && t[0] == '%' || bytes.HasPrefix(t, []byte("---")) || bytes.HasPrefix(t, []byte("...")) {
			return nil, false, nil
		}
	}
	for i := 0; i < len(text); {
		// yaml.v3 numbers lines by every line break, these included.
		bad, size := badAt(text, i)
		if bad && (text[i] == '\r' || size > 1) {
			return nil, false, nil
		}
		i += size
	}

	var keep []int // line numbers, ascending
	node, from := doc.Content[0], doc.Content[0].Line
	for len(node.Content) > 0 && node.Style&yaml.FlowStyle == 0 {
		switch node.Kind {
		case yaml.MappingNode:
			k := node.Content[len(node.Content)-2]
			if k.Kind != yaml.ScalarNode || k.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				return nil, false, nil
			}
			from = k.Line
			node = node.Content[len(node.Content)-1]
		case yaml.SequenceNode:
			item := node.Content[len(node.Content)-1]
			dash := 0
			for n := item.Line; n >= 1 && n > item.Line-64 && dash == 0; n-- {
				t, c := lineText(n), node.Column-1
				if len(t) > c && t[c] == '-' && (len(t) == c+1 || isBlank(t[c+1])) && (n < item.Line || item.Column-1 > c) {
					dash = n
				}
			}
			if dash == 0 {
				return nil, false, nil
			}
			from = dash
			node = item
		default:
			return nil, false, nil
		}
		if len(keep) == 0 || keep[len(keep)-1] < from {
			keep = append(keep, from)
		}
	}
	if from < 1 || from > len(starts) {
		return nil, false, nil
	}
	var skel []byte
	for i, n := range keep {
		if n >= from {
			keep = keep[:i]
			break
		}
	}
	for _, n := range keep {
		skel = append(append(skel, lineText(n)...), '\n')
	}
	skel = append(skel, text[starts[from-1]:]...)
	if len(skel) >= len(text) {
		return nil, false, nil
	}

	got, gotDocs, _, err := l.parse(skel)
	switch {
	case errors.Is(err, errNoParse):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	if gotDocs != 1 || !sameRightEdge(doc.Content[0], got.Content[0]) {
		return nil, false, nil
	}
	return skel, true, nil
}

// sameRightEdge compares the right edges of two documents' roots: the same kinds, styles,
// properties and columns at every level, and the same last value.
func sameRightEdge(a, b *yaml.Node) bool {
	for {
		if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Anchor != b.Anchor ||
			a.Column != b.Column || len(a.Content) == 0 != (len(b.Content) == 0) {
			return false
		}
		switch {
		case a.Style&yaml.FlowStyle != 0:
			return flowEqual(a, b)
		case len(a.Content) == 0:
			return a.Value == b.Value
		}
		if a.Kind == yaml.MappingNode {
			ka, kb := a.Content[len(a.Content)-2], b.Content[len(b.Content)-2]
			if ka.Value != kb.Value || ka.Style != kb.Style || ka.Column != kb.Column || ka.Tag != kb.Tag || ka.Anchor != kb.Anchor {
				return false
			}
		}
		a, b = a.Content[len(a.Content)-1], b.Content[len(b.Content)-1]
	}
}

// flowEqual compares two flow collections' contents.
func flowEqual(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !flowEqual(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}
