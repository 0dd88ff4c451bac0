package catalog

import (
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// locateSlowly is the definition locateSyntaxError implements, written the obvious way
// (it was the implementation until review finding F10): the longest run of whole lines
// that parses, then the longest prefix of the next line that still parses. It asks
// yaml.v3 about every prefix, so it is quadratic: tests compare the two on small inputs.
func locateSlowly(data []byte) (line, column int, ok bool) {
	lines := strings.Split(string(data), "\n")
	n := len(lines)
	for n > 0 && !parsesSlowly(strings.Join(lines[:n], "\n")) {
		n--
	}
	if n == len(lines) {
		return 0, 0, false
	}
	prefix := strings.Join(lines[:n], "\n")
	if n > 0 {
		prefix += "\n"
	}
	text := lines[n]
	for cut := len(text); cut > 0; {
		_, size := utf8.DecodeLastRuneInString(text[:cut])
		cut -= size
		if parsesSlowly(prefix + text[:cut]) {
			return n + 1, utf8.RuneCountInString(text[:cut]) + 1, true
		}
	}
	return n + 1, 1, true
}

func parsesSlowly(s string) bool {
	dec := yaml.NewDecoder(strings.NewReader(s))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
	}
}
