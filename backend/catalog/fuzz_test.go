package catalog

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/devarch/devarch/backend/model"
)

// addSeeds adds the built-in templates and the syntax-error cases of this package's tests
// to f's corpus (testdata/fuzz/<name> holds what fuzzing found).
func addSeeds(f *testing.F) {
	files, err := fs.Glob(builtinFiles, "builtin/*.yaml")
	if err != nil || len(files) == 0 {
		f.Fatal("no built-in templates", err)
	}
	for _, file := range files {
		data, err := builtinFiles.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(minimal))
	f.Add([]byte(minimal + "  environment: {PW: app}\ngenerate: {PW: password}\n"))
	f.Add([]byte(minimal + "  environment: {PW: app, B: 1}\ngenerate: {PW: password, B: password}\n"))
	f.Add([]byte(minimal + "  environment: {PW: [x]}\ngenerate: {PW: ~}\n"))
	for _, c := range malformed {
		f.Add(c.build(300))
	}
	for _, src := range locateCases {
		f.Add([]byte(src))
	}
}

// Parse never panics; it refuses bad input with an invalid error whose position, when it
// names one, lies in the document; and what it accepts survives Marshal and Parse again.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		tpl, err := ParseContext(context.Background(), data, false)
		if err != nil {
			var e *model.Error
			if !errors.As(err, &e) || e.Kind != model.KindInvalid {
				t.Fatalf("error %T %v is not an invalid *model.Error", err, err)
			}
			if m := position.FindStringSubmatch(e.Detail); m != nil {
				line, _ := strconv.Atoi(m[1])
				column, _ := strconv.Atoi(m[2])
				lines := strings.Split(string(data), "\n")
				if line < 1 || line > len(lines) || column < 1 || column > utf8.RuneCountInString(lines[line-1])+1 {
					if e.Summary == "the YAML is not valid" {
						t.Fatalf("position %d:%d is outside the document: %v", line, column, err)
					}
				}
			}
			return
		}
		out, err := Marshal(tpl)
		if err != nil {
			t.Fatalf("Marshal of a parsed template: %v", err)
		}
		back, err := Parse(out, false)
		if err != nil {
			t.Fatalf("Parse(Marshal(t)): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back, tpl) {
			t.Fatalf("Parse(Marshal(t)) differs from t\n got %#v\nwant %#v\n%s", back, tpl, out)
		}
		if again, _ := Marshal(back); !bytes.Equal(again, out) {
			t.Fatalf("Marshal is not stable:\n%s\n---\n%s", out, again)
		}
	})
}

// The syntax-error locator finds what its definition (locateSlowly) finds. Inputs are
// kept small: the definition is quadratic.
func FuzzLocate(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 512 || parsesSlowly(string(data)) {
			return
		}
		checkLocate(t, data)
	})
}
