package resolve

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// Text and number rules shared by overrides and templates (both are validated by
// validateSpec). Every value DevArch accepts must reach the container exactly as written,
// through the database (JSON), the compose file (YAML) and compose itself, and show the same
// in the UI and the CLI:
//
//   - Strings (values and keys) are valid UTF-8 without control characters other than tab
//     and newline: C0 controls (U+0000-U+001F, carriage return included), DEL and the C1
//     controls (U+007F-U+009F, NEL included), and the noncharacters U+FFFE and U+FFFF.
//     YAML can hold none of them as raw text, and those it can escape have no use in a
//     service's configuration but to garble terminals and logs. A carriage return is
//     refused rather than kept: it nearly always comes from Windows line endings, and YAML
//     editors turn it into a line break.
//   - Numbers are finite (no .inf or .nan: JSON cannot store them and compose has no use
//     for them), and integers fit a float64 exactly (|n| <= 2^53), since numbers are
//     stored as float64. Keyed-map values (environment, labels) are text, so any integer
//     is kept there exactly as written.

// badRune reports whether r may not appear in a string: see the rules above.
func badRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20, r >= 0x7F && r <= 0x9F, r == 0xFFFE, r == 0xFFFF:
		return true
	}
	return false
}

// runeNames names the characters users are most likely to meet.
var runeNames = map[rune]string{
	0x00: "NUL", 0x07: "bell", 0x08: "backspace", 0x0B: "vertical tab", 0x0C: "form feed",
	0x0D: "carriage return", 0x1B: "escape", 0x7F: "delete", 0x85: "next line, NEL",
	0xFFFE: "noncharacter", 0xFFFF: "noncharacter",
}

// text checks s, a value at path (key == "") or a key of the mapping at path, and reports
// the first problem. It returns whether s is fine.
func (v *validator) text(path, key, s string) bool {
	what := "contains"
	if key != "" {
		what = "has a key " + quoteShort(key) + " that contains"
	}
	if !utf8.ValidString(s) {
		i := 0
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		v.add(path, what+" bytes that are not UTF-8 text",
			fmt.Sprintf("Byte %d (0x%02X) does not start a UTF-8 character. Values are text: save the file or terminal input as UTF-8, or remove the byte.", i+1, s[i]))
		return false
	}
	n := 0
	for _, r := range s {
		n++
		if !badRune(r) {
			continue
		}
		name := ""
		if nm, ok := runeNames[r]; ok {
			name = " (" + nm + ")"
		}
		fix := "Control characters other than tab and newline cannot be passed to compose exactly and have no use in a service's configuration: remove it."
		switch {
		case r == '\r':
			fix = "A carriage return usually comes from Windows line endings (CRLF) and YAML turns it into a line break: use \\n (LF) line breaks, or remove it."
		case r >= 0xFFFE:
			fix = "It is a Unicode noncharacter, not text: remove it."
		}
		v.add(path, fmt.Sprintf("%s the character U+%04X%s at position %d", what, r, name, n), fix)
		return false
	}
	return true
}

// number checks an integer-typed or free-form number: finite, and for Go integer types
// within float64's exact range (floats are what they are).
func (v *validator) number(path string, val any) {
	if isNonFinite(val) {
		v.add(path, "is not a finite number", fmt.Sprintf("Got %s. %s", describe(val), nonFiniteFix))
		return
	}
	if tooBig(val) {
		v.add(path, fmt.Sprintf("the integer %s is too large to store exactly", formatNumber(val)), bigIntFix)
	}
}

func isNonFinite(val any) bool {
	switch f := val.(type) {
	case float64:
		return math.IsInf(f, 0) || math.IsNaN(f)
	case float32:
		return math.IsInf(float64(f), 0) || math.IsNaN(float64(f))
	}
	return false
}

// tooBig reports an integer beyond ±2^53, which float64 would round.
func tooBig(val any) bool {
	switch n := val.(type) {
	case int:
		return n > maxExactInt || n < -maxExactInt
	case int64:
		return n > maxExactInt || n < -maxExactInt
	case uint:
		return n > maxExactInt
	case uint64:
		return n > maxExactInt
	}
	return false
}

// quoteShort quotes a key for a message (Go syntax, so control characters show as escapes),
// shortened when long.
func quoteShort(s string) string {
	return shorten(strconv.Quote(s))
}
