package catalog

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"
)

// lexer is a one-pass, forgiving reading of YAML's surface for the syntax-error locator
// (locate.go). It tracks what can leave a document unfinished at a given point, quoted
// scalars and flow collections ([...], {...}), and where tokens start and end; to read
// those right it also follows comments, plain scalars (a quote or bracket inside one is
// text), their continuation lines, and block scalar content (| and >), which is text too.
//
// It decides nothing on its own: the locator only uses it to skip positions where a prefix
// of the document cannot be valid YAML (inside a construct opened earlier and not closed
// there) or is valid exactly when a nearby token boundary is (inside a token), and asks
// yaml.v3 about the rest. A misreading therefore costs accuracy in an odd case, never a
// wrong "valid".
type lexer struct {
	data []byte

	flow    []int // offsets of the open '[' and '{', outermost first
	quote   byte  // '\'' or '"' while inside a quoted scalar
	quoteAt int   // offset of that quote

	blockParent  int  // inside block scalar content: lines indented more than this, or blank, are content
	inBlock      bool // the current line is in block scalar content (when indented enough)
	pendingBlock bool // a block scalar header was seen on this line; content starts on the next
	pendingAt    int  // its parent's indentation

	plainParent int  // a plain scalar may continue on lines indented more than this
	inPlain     bool // the last line ended inside a plain scalar

	collect bool  // record candidate cut positions on this line
	cands   []int // their offsets, in no particular order

	anchors    map[string]bool // anchor names seen so far
	anchorLens map[int]bool    // their lengths
}

func newLexer(data []byte) *lexer { return &lexer{data: data} }

// anchor records an anchor's name, for alias.
func (lx *lexer) anchor(name []byte) {
	if lx.anchors == nil {
		lx.anchors, lx.anchorLens = map[string]bool{}, map[int]bool{}
	}
	lx.anchors[string(name)] = true
	lx.anchorLens[len(name)] = true
}

// alias records, on the collected line, the places in the alias name data[s:e] where
// what comes before names an anchor: "*x" may be valid where "*x0" is not.
func (lx *lexer) alias(s, e int) {
	if !lx.collect {
		return
	}
	for n := range lx.anchorLens {
		if n < e-s && lx.anchors[string(lx.data[s:s+n])] {
			lx.cand(s + n)
		}
	}
}

// open returns the offset of the outermost quoted scalar or flow collection open at the
// current point, or -1.
func (lx *lexer) open() int {
	if len(lx.flow) > 0 {
		return lx.flow[0]
	}
	if lx.quote != 0 {
		return lx.quoteAt
	}
	return -1
}

// cand records off as a candidate cut when nothing opened on the collected line is open.
func (lx *lexer) cand(off int) {
	if !lx.collect || len(lx.flow) > 0 || lx.quote != 0 {
		return
	}
	if n := len(lx.cands); n > 0 && lx.cands[n-1] == off {
		return
	}
	lx.cands = append(lx.cands, off)
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// isAnchorChar reports whether c may be part of an anchor or alias name (as libyaml reads
// them: letters, digits, '-' and '_').
func isAnchorChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// isTagChar reports whether c may be part of a tag (URI characters and '!', as yaml.v3
// reads them).
func isTagChar(c byte) bool {
	return isAnchorChar(c) || strings.IndexByte("!;/?:@&=+$,.~*'()[]%", c) >= 0
}

func isFlowIndicator(c byte) bool { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}' }

// badAt reports whether the character at data[i] is one the lexer does not follow but
// yaml.v3 treats specially, and its length in bytes. Those are the characters its reader
// refuses (control characters, invalid UTF-8, non-characters) and the line breaks other
// than '\n' (a lone '\r', NEL, LS, PS), which yaml.v3 honours even inside a comment. The
// document may stop being valid right before one.
func badAt(data []byte, i int) (bad bool, size int) {
	c := data[i]
	if c < 0x80 {
		lone := c == '\r' && (i+1 == len(data) || data[i+1] != '\n')
		return c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f || lone, 1
	}
	r, size := utf8.DecodeRune(data[i:])
	switch {
	case r == utf8.RuneError && size <= 1:
		return true, 1
	case r >= 0x80 && r <= 0x9f, r >= 0xd800 && r <= 0xdfff, r == 0xfffe, r == 0xffff, r == 0x2028, r == 0x2029:
		return true, size
	}
	return false, size
}

// line reads the line data[s:e] (e at its '\n' or the end of the data). yaml.v3 also
// breaks lines at a lone '\r', NEL, LS and PS, so each piece between those is read as a
// line of its own.
func (lx *lexer) line(s, e int) {
	if s == 0 && bytes.HasPrefix(lx.data[:e], []byte("\ufeff")) {
		lx.cand(0)
		s = 3 // yaml.v3's reader drops a byte order mark at the start
	}
	from := s
	for i := s; i < e; {
		brk, size := oddBreak(lx.data, i, e)
		if brk {
			lx.segment(from, i)
			from = i + size
		}
		i += size
	}
	lx.segment(from, e)
}

// oddBreak reports whether a line break other than '\n' starts at data[i] (before the
// line's end e), and the length of the character there.
func oddBreak(data []byte, i, e int) (bool, int) {
	switch c := data[i]; {
	case c == '\r':
		return i+1 < e || i+1 == len(data) || data[i+1] != '\n', 1
	case c < 0x80:
		return false, 1
	}
	r, size := utf8.DecodeRune(data[i:])
	return r == 0x85 || r == 0x2028 || r == 0x2029, size
}

// segment reads data[s:e] as one line.
func (lx *lexer) segment(s, e int) {
	d := lx.data
	lx.cand(s)
	defer lx.cand(e)
	if bytes.HasPrefix(d[s:e], []byte("\ufeff")) && lx.quote == 0 && len(lx.flow) == 0 {
		// yaml.v3 skips a byte order mark at the start of a line, mostly: try the places
		// that reading finds too, but carry on as if the mark were text (that reading
		// opens no quote or bracket at the start of the line).
		lx.cand(s + 3)
		lx.alsoTokens(s+3, s+3, e, 0, false)
	}

	indent := 0
	for s+indent < e && d[s+indent] == ' ' {
		indent++
	}
	lx.cand(s + indent)
	first := s + indent
	for first < e && isBlank(d[first]) {
		first++
	}
	blank := first == e

	if lx.pendingBlock {
		lx.pendingBlock, lx.inBlock, lx.blockParent = false, true, lx.pendingAt
	}
	dashes := indent == 0 && e-s >= 3 && (string(d[s:s+3]) == "---" || string(d[s:s+3]) == "...")
	marker := dashes && (e-s == 3 || isBlank(d[s+3]))
	if dashes {
		// A document marker, or text that starts like one: a prefix that stops within
		// it reads differently.
		lx.cand(s + 1)
		lx.cand(s + 2)
		lx.cand(s + 3)
	}
	if lx.inBlock && lx.quote == 0 && len(lx.flow) == 0 && !marker {
		if blank || indent > lx.blockParent {
			if !blank {
				lx.alsoTokens(s, first, e, indent, false) // the parent may be less indented than thought
			}
			lx.badCands(s, e)
			return
		}
		lx.inBlock = false
	}

	plain := false // the line starts inside a plain scalar
	if lx.quote == 0 && len(lx.flow) > 0 {
		// In a flow collection a plain scalar goes on over lines whatever their indentation.
		plain = lx.inPlain && !blank && d[first] != '#' && !isFlowIndicator(d[first]) &&
			!(d[first] == ':' && (first+1 == e || isBlank(d[first+1]) || isFlowIndicator(d[first+1])))
		if blank {
			return
		}
	}
	if lx.quote == 0 && len(lx.flow) == 0 {
		switch {
		case blank:
			return
		case lx.inPlain && d[first] != '#' && indent > lx.plainParent:
			plain = true
		default:
			lx.inPlain = false
		}
		if marker {
			// A document marker ends whatever block scalar or plain scalar was going on.
			lx.inBlock, lx.inPlain, plain = false, false, false
			first = s + 3
		} else if indent == 0 && d[s] == '%' && !plain {
			lx.cand(s + 1)
			lx.badCands(s, e)
			return // a directive
		}
	}
	if plain {
		lx.alsoTokens(s, first, e, indent, false)
	}
	lx.tokens(s, first, e, indent, plain)
}

// alsoTokens collects, on the collected line, the candidates tokens would find reading
// the line with plain, and leaves the lexer's state as it was. Whether a line goes on
// with a plain scalar or holds block scalar content, or starts afresh, depends on an
// indentation the lexer does not track exactly; the locator tries the places both
// readings find (the state carried on is the one the caller chooses).
func (lx *lexer) alsoTokens(s, first, e, indent int, plain bool) {
	if !lx.collect {
		return
	}
	saved := *lx
	saved.flow = slices.Clone(lx.flow)
	lx.tokens(s, first, e, indent, plain)
	saved.cands = lx.cands
	*lx = saved
}

// badCands records the characters badAt finds in data[s:e] as cut candidates.
func (lx *lexer) badCands(s, e int) {
	if !lx.collect {
		return
	}
	for i := s; i < e; {
		bad, size := badAt(lx.data, i)
		if bad {
			lx.cand(i)
			lx.cand(i + size)
		}
		i += size
	}
}

// tokens reads the tokens of the line data[s:e] from first on. plain says the line
// continues a plain scalar.
func (lx *lexer) tokens(s, first, e, indent int, plain bool) {
	d := lx.data
	i := first
	lx.inPlain = false
	tokenStart := true // a token may start at i
	if plain {
		if i = lx.plain(i, e); i == e {
			lx.inPlain = true // still going, same parent
		}
		tokenStart = false
	}
	var lastIndicator byte
	keyCol, dashCol, scalarCol := -1, -1, -1
	// propsCol is where the node properties (a tag, an anchor) before the next scalar
	// began: yaml.v3 takes a mapping's indentation from them, not from its first key, so
	// "! key: v" is a mapping at the tag's column (found by FuzzLocate).
	propsCol := -1
	scalarAt := func(i int) int {
		if propsCol >= 0 {
			col := propsCol
			propsCol = -1
			return col
		}
		return i - s
	}
	for i < e {
		if lx.quote != 0 {
			i = lx.quoted(i, e)
			tokenStart = false
			continue
		}
		c := d[i]
		inFlow := len(lx.flow) > 0
		if bad, size := badAt(d, i); bad {
			lx.cand(i)
			i += size
			lx.cand(i)
			tokenStart = false
			continue
		}
		next := byte('\n')
		if i+1 < e {
			next = d[i+1]
		}
		switch {
		case isBlank(c):
			if c == '\t' {
				lx.cand(i) // tabs are often the problem
			}
			i++
			tokenStart = true
			continue
		case c == '#':
			// Between tokens a '#' starts a comment, even right after one ("[a]#c").
			lx.cand(i)
			lx.badCands(i, e)
			return
		case inFlow && (c == '[' || c == '{'):
			lx.cand(i)
			lx.flow = append(lx.flow, i)
			i++
			tokenStart = true
			continue
		case inFlow && (c == ']' || c == '}'):
			lx.flow = lx.flow[:len(lx.flow)-1]
			i++
			lx.cand(i)
			tokenStart = false
			continue
		case inFlow && c == ',':
			lx.cand(i)
			i++
			lx.cand(i)
			tokenStart = true
			continue
		case c == ':' && (isBlank(next) || next == '\n' || inFlow && isFlowIndicator(next)):
			lx.cand(i)
			keyCol = scalarCol
			if keyCol < 0 {
				keyCol = indent
			}
			lastIndicator = c
			i++
			lx.cand(i)
			tokenStart = true
			continue
		case c == ']' || c == '}':
			// A closing bracket with nothing open: a token of its own.
			lx.cand(i)
			i++
			lx.cand(i)
			continue
		case !tokenStart:
			// Text right after a token (a closing quote, a bracket): read it as plain text.
		case c == '"' || c == '\'':
			lx.cand(i)
			lx.quote, lx.quoteAt = c, i
			scalarCol = scalarAt(i)
			i++
			continue
		case c == '[' || c == '{':
			lx.cand(i)
			lx.flow = append(lx.flow, i)
			i++
			continue
		case (c == '-' || c == '?') && (isBlank(next) || next == '\n'):
			lx.cand(i)
			dashCol, lastIndicator = i-s, c
			i++
			lx.cand(i)
			continue
		case (c == '|' || c == '>') && !inFlow:
			lx.cand(i)
			parent := indent - 1
			switch {
			case lastIndicator == ':':
				parent = keyCol
			case lastIndicator != 0:
				parent = dashCol
			case first == s+3 && d[s] == '-':
				parent = -1 // "--- |": the root is a block scalar
			}
			lx.pendingBlock, lx.pendingAt = true, parent
			// The header: indentation and chomping indicators, each a place the valid
			// part may end (">" parses where ">x" does not).
			for i++; i < e && !isBlank(d[i]); i++ {
				if c := d[i-1]; c == '|' || c == '>' || c == '+' || c == '-' || c >= '0' && c <= '9' {
					lx.cand(i)
				}
				if d[i] == '#' {
					// yaml.v3 takes a '#' right after the header for a comment.
					lx.cand(i)
					lx.badCands(i, e)
					return
				}
				if bad, _ := badAt(d, i); bad {
					break
				}
			}
			lx.cand(i)
			continue
		case c == '&' || c == '*' || c == '!':
			// An anchor, alias or tag: its name ends at the first character a name cannot
			// hold, where the valid part may end too; what follows is read as more tokens.
			lx.cand(i)
			if c != '*' && propsCol < 0 {
				propsCol = i - s
			}
			named := isAnchorChar
			if c == '!' {
				named = isTagChar
			}
			start := i + 1
			if c == '!' && next == '<' {
				// A verbatim tag, !<...>.
				if j := bytes.IndexByte(d[i:e], '>'); j > 0 {
					lx.cand(i + 1)
					lx.cand(i + 2)
					i += j + 1
					lx.cand(i)
					tokenStart = false
					continue
				}
			}
			// (yaml.v3 reads '[', ']' and ',' as part of a tag even in a flow collection.)
			for i++; i < e && named(d[i]); i++ {
				if c == '!' {
					// Any prefix of a tag may be valid where the whole is not: "!0" parses
					// and "!0:" does not, "!a!b" is handle "!a!" and suffix "b", "%2F" an
					// escape (FuzzLocate found the first). Tags are short: every position
					// inside one is a candidate.
					lx.cand(i)
					lx.cand(i + 1)
				}
			}
			switch c {
			case '&':
				lx.anchor(d[start:i])
			case '*':
				lx.alias(start, i)
			}
			lx.cand(i)
			tokenStart = false
			continue
		case c == '@' || c == '`' || c == '%' || c == ',':
			lx.cand(i)
			i++
			lx.cand(i)
			continue
		}
		// A plain scalar starts here.
		lx.cand(i)
		scalarCol = scalarAt(i)
		i = lx.plain(i, e)
		tokenStart = false
		if i == e {
			// It may go on over the next lines, indented more than its parent. Where the
			// parent is not on this line (a value under its key, the document's root) it
			// is taken to be anything: reading a real quote or bracket as text only costs
			// the locator more questions, the other way round a wrong answer.
			lx.inPlain = true
			switch {
			case inFlow:
				lx.plainParent = -1
			case lastIndicator == ':':
				lx.plainParent = keyCol
			case lastIndicator != 0:
				lx.plainParent = dashCol
			default:
				lx.plainParent = -1
			}
		}
	}
}

// plain reads a plain scalar from i and returns where it stops: at the line's end, or at
// what ends it (": ", " #", and in flow context a flow indicator). The candidate is its
// last character + 1.
func (lx *lexer) plain(i, e int) int {
	d := lx.data
	inFlow := len(lx.flow) > 0
	end := i
	for i < e {
		c := d[i]
		if bad, size := badAt(d, i); bad {
			lx.cand(i)
			i += size
			end = i
			lx.cand(i)
			continue
		}
		if c == ':' && (i+1 == e || isBlank(d[i+1]) || inFlow && isFlowIndicator(d[i+1])) {
			break
		}
		if inFlow && isFlowIndicator(c) {
			break
		}
		if isBlank(c) {
			if i+1 < e && d[i+1] == '#' {
				break
			}
			if c == '\t' {
				lx.cand(i)
			}
			i++
			continue
		}
		if c == ':' {
			lx.cand(i)
		}
		i++
		end = i
		if c == ':' || c == '-' || c == '?' {
			// Cut right after it, the character turns into an indicator ("key:" from
			// "key:value", an entry from "-x"), so such a prefix may parse where the
			// whole scalar does not, or the other way round.
			lx.cand(i)
		}
	}
	lx.cand(end)
	return i
}

// quoted reads inside a quoted scalar from i, up to its closing quote or the line's end,
// and returns where it stopped.
func (lx *lexer) quoted(i, e int) int {
	d := lx.data
	for i < e {
		switch c := d[i]; {
		case lx.quote == '\'' && c == '\'':
			if i+1 < e && d[i+1] == '\'' {
				// Cut between the two, the first quote closes the scalar.
				lx.quote = 0
				lx.cand(i + 1)
				lx.quote = '\''
				i += 2
				continue
			}
			lx.quote = 0
			i++
			lx.cand(i)
			return i
		case lx.quote == '"' && c == '\\':
			i += 2
		case lx.quote == '"' && c == '"':
			lx.quote = 0
			i++
			lx.cand(i)
			return i
		default:
			i++
		}
	}
	return e
}
