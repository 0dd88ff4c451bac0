package windowlock

import (
	"strings"
	"testing"
)

// FuzzParseRequest: any line a process writes to the window socket either parses to one of
// the three requests or is refused; a parsed open names a non-empty printable token, and
// the line it came from is exactly the request the client functions send.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{"raise\n", "quit\n", "open shop\n", "open \n", "open a b\n", "open shop", "raise", "open \x00\n", "open é\n", "quit\nquit\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		req, err := parseRequest(line)
		if err != nil {
			if req != (request{}) {
				t.Fatalf("refused %q but returned %+v", line, req)
			}
			return
		}
		switch req.kind {
		case "raise":
			if line != raiseRequest {
				t.Fatalf("raise from %q", line)
			}
		case "quit":
			if line != quitRequest {
				t.Fatalf("quit from %q", line)
			}
		case "open":
			if req.stack == "" || strings.ContainsAny(req.stack, " \n\t\x00") || line != openPrefix+req.stack+"\n" {
				t.Fatalf("open %q from %q", req.stack, line)
			}
		default:
			t.Fatalf("kind %q from %q", req.kind, line)
		}
	})
}
