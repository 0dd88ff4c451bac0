package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// knownBadHints are hints in packages this CLI does not own that name a command that does
// not exist; each is reported to the package's owner. Remove an entry once it is fixed (the
// test then fails if it comes back).
var knownBadHints = map[string]string{}

var hintCommand = regexp.MustCompile(`devarch ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?`)

// Every message in the backend that tells the user to run `devarch X [Y]` names a command
// that exists: the hints are read from the string literals of every non-test Go file under
// backend/ and looked up in this command tree.
func TestHints_NameRealCommands(t *testing.T) {
	root := (&cmdEnv{}).rootCommand()
	seen := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, m := range hintCommand.FindAllStringSubmatch(s, -1) {
				seen++
				words := []string{m[1]}
				if m[2] != "" {
					words = append(words, m[2])
				}
				c, rest, err := root.Find(words)
				ok := err == nil && c != root
				if ok && c.HasAvailableSubCommands() {
					// A noun must be followed by one of its verbs.
					ok = len(rest) == 0 && len(words) == 2 && c.Name() != words[1]
				}
				if !ok {
					if why, known := knownBadHints[m[0]]; known {
						t.Logf("known: %q in %s (%s)", m[0], path, why)
						continue
					}
					t.Errorf("%s: %q names no command (in %q)", path, m[0], s)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 30 {
		t.Fatalf("only %d hints found: the scan is broken", seen)
	}
}
