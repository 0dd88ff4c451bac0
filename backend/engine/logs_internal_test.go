package engine

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// A stamped line repeated by compose's re-attach is dropped however the writes are cut;
// unstamped lines, and equal text at another time, pass; a last line without a newline is
// flushed.
func TestDedupWriter(t *testing.T) {
	in := "2026-11-30T23:55:14.649715548Z boom\n" +
		"2026-11-30T23:55:17.009853791Z boom\n" +
		"2026-11-30T23:55:17.009853791Z boom\n" +
		"\r\x1b[Kapp-1 exited with code 3 (restarting)\n" +
		"2026-11-30T23:55:17.009853791Z boom\n" +
		"\r\x1b[Kapp-1 exited with code 3 (restarting)\n" +
		"app-1  | 2026-11-30T23:55:17.009853791Z boom\n" +
		"app-1  | 2026-11-30T23:55:17.009853791Z boom\n" +
		"2026-11-30T23:55:19.1Z boom"
	want := "2026-11-30T23:55:14.649715548Z boom\n" +
		"2026-11-30T23:55:17.009853791Z boom\n" +
		"\r\x1b[Kapp-1 exited with code 3 (restarting)\n" +
		"\r\x1b[Kapp-1 exited with code 3 (restarting)\n" +
		"app-1  | 2026-11-30T23:55:17.009853791Z boom\n" +
		"2026-11-30T23:55:19.1Z boom"
	for _, cut := range []int{1, 2, 3, 7, 40, len(in)} {
		var out bytes.Buffer
		d := newDedupWriter(&out)
		for i := 0; i < len(in); i += cut {
			chunk := in[i:min(i+cut, len(in))]
			if n, err := d.Write([]byte(chunk)); err != nil || n != len(chunk) {
				t.Fatalf("cut %d: Write = %d, %v", cut, n, err)
			}
		}
		if err := d.Flush(); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Errorf("cut %d:\n%q\nwant\n%q", cut, out.String(), want)
		}
	}
}

// It remembers a bounded number of lines: a long stream does not grow it.
func TestDedupWriter_Bounded(t *testing.T) {
	var out bytes.Buffer
	d := newDedupWriter(&out)
	for i := range 3 * recentLogLines {
		fmt.Fprintf(d, "2026-11-30T23:55:17.%09dZ line\n", i)
	}
	if len(d.seen) != recentLogLines || len(d.order) != recentLogLines {
		t.Fatalf("remembers %d/%d lines", len(d.seen), len(d.order))
	}
	if got := strings.Count(out.String(), "\n"); got != 3*recentLogLines {
		t.Fatalf("%d lines passed", got)
	}
}
