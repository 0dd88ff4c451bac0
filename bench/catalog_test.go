package bench

// Template refusal: how long catalog.Parse takes to refuse a malformed template, syntax
// error located (line and column), next to one plain yaml.v3 decode of the same bytes (the
// reference: the cost of merely finding out that the bytes are not valid YAML).
//
//	go test ./bench -run '^$' -bench TemplateRefusal -benchtime 10x -count 3
//	go test ./bench -run '^$' -bench TemplateRefusal -benchtime 1x -catalog-kib 1,2,4,8,16
//
// The goal (review finding F10) is under 100 ms for every case at 256 KiB, the largest
// template Parse accepts.

import (
	"bytes"
	"flag"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/catalog"
)

var catalogKiB = flag.String("catalog-kib", "16,64,256", "template sizes (KiB) for BenchmarkTemplateRefusal")

const templateHead = "name: app\ncategory: runtime\nservice:\n  image: busybox:1\n"

// malformedTemplates build a malformed template of about size bytes each.
var malformedTemplates = []struct {
	name  string
	build func(size int) []byte
}{
	// One long line: a command list that is never closed (the case the review timed).
	{"unclosed-list-one-line", func(size int) []byte {
		var b strings.Builder
		b.WriteString(templateHead + "  command: [")
		for b.Len() < size {
			b.WriteString("arg, ")
		}
		b.WriteString("end\n")
		return []byte(b.String())
	}},
	// The same list over many lines.
	{"unclosed-list-many-lines", func(size int) []byte {
		var b strings.Builder
		b.WriteString(templateHead + "  command: [\n")
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "    arg%d,\n", i)
		}
		return []byte(b.String())
	}},
	// An error on the first line, then valid YAML.
	{"error-first-line", func(size int) []byte {
		return environment("name: my app: x\ncategory: runtime\nservice:\n  image: busybox:1\n", size, "")
	}},
	// Valid YAML, then an error on the last line.
	{"error-last-line", func(size int) []byte {
		return environment(templateHead, size, "    BAD: x: y\n")
	}},
	// Flow lists nested ever deeper, never closed.
	{"deep-nesting", func(size int) []byte {
		return []byte(templateHead + "  command: " + strings.Repeat("[", size-len(templateHead)-12) + "\n")
	}},
	// A quote that is never closed, then many lines.
	{"unclosed-quote", func(size int) []byte {
		return environment(templateHead+"  user: \"app\n", size, "")
	}},
}

// environment writes head, an environment mapping of lines filling size, then tail.
func environment(head string, size int, tail string) []byte {
	var b strings.Builder
	b.WriteString(head + "  environment:\n")
	for i := 0; b.Len() < size-len(tail); i++ {
		fmt.Fprintf(&b, "    VAR_%d: value-%d\n", i, i)
	}
	b.WriteString(tail)
	return []byte(b.String())
}

var located = regexp.MustCompile(`line \d+, column \d+: `)

func BenchmarkTemplateRefusal(b *testing.B) {
	var sizes []int
	for _, s := range strings.Split(*catalogKiB, ",") {
		kib, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || kib < 1 || kib > 256 {
			b.Fatalf("-catalog-kib: %q is not a size between 1 and 256", s)
		}
		sizes = append(sizes, kib)
	}
	for _, c := range malformedTemplates {
		for _, kib := range sizes {
			data := c.build(kib<<10 - 64) // builders may overshoot a little; 256 KiB is the limit
			b.Run(fmt.Sprintf("%s/%dKiB/parse", c.name, kib), func(b *testing.B) {
				for b.Loop() {
					_, err := catalog.Parse(data, false)
					if err == nil || !located.MatchString(err.Error()) {
						b.Fatalf("want a refusal with line and column, got %v", err)
					}
				}
			})
			b.Run(fmt.Sprintf("%s/%dKiB/yaml.v3", c.name, kib), func(b *testing.B) {
				for b.Loop() {
					var n yaml.Node
					if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&n); err == nil {
						b.Fatal("yaml.v3 accepted the malformed template")
					}
				}
			})
		}
	}
}
