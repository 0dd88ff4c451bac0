package bindings

import (
	"strings"
	"testing"
)

// FuzzValidStreamID: the id the window gives a log stream becomes part of an event name
// ("logs:<id>"): what is accepted is 1 to 64 ASCII letters, digits or dashes, nothing else.
func FuzzValidStreamID(f *testing.F) {
	for _, s := range []string{"logs-1", "", "a:b", "logs:1", strings.Repeat("a", 64), strings.Repeat("a", 65), "é", "a b", "-", "\x00", "A-z-0-9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		ok := validStreamID(id)
		want := id != "" && len(id) <= 64 && strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == ""
		if ok != want {
			t.Fatalf("validStreamID(%q) = %v, want %v", id, ok, want)
		}
	})
}
