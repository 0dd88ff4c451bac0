//go:build unix

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// template import: one size limit (256 KiB) before anything is read into memory, whatever
// the source (a file, standard input, a device that never ends), and a large malformed
// template refused quickly with line and column. Nothing is stored.
func TestTemplateImport_LimitsAndMalformed(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t)}
	dir := tempHome(t)
	head := "name: big\ncategory: runtime\nservice:\n  image: busybox:1\n"
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(head+"#"+strings.Repeat("x", 300<<10-len(head)-1)), 0o644); err != nil {
		t.Fatal(err)
	}
	unclosed := filepath.Join(dir, "unclosed.yaml")
	if err := os.WriteFile(unclosed, []byte(head+"  command: ["+strings.Repeat("arg, ", 240<<10/5)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := devarch(t)
	for _, c := range []struct {
		name string
		argv []string
		want string
	}{
		{"file over the limit", []string{"devarch", "template", "import", big}, "error: the template is 300 KiB; the limit is 256 KiB"},
		{"stdin over the limit", []string{"sh", "-c", bin + " template import - < " + big}, "error: the template is larger than the limit of 256 KiB"},
		{"a device that never ends", []string{"devarch", "template", "import", "/dev/zero"}, "error: the template is larger than the limit of 256 KiB"},
		{"stdin that never ends", []string{"sh", "-c", bin + " template import - < /dev/zero"}, "error: the template is larger than the limit of 256 KiB"},
		{"malformed, 240 KiB on one line", []string{"devarch", "template", "import", unclosed}, "line 5, column 12: "},
	} {
		start := time.Now()
		r := run(t, env, c.argv...)
		took := time.Since(start)
		if r.code != 1 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, want 1 with %q:\n%s", c.name, r.code, c.want, r.stderr)
		}
		if took > time.Minute {
			t.Errorf("%s: took %v", c.name, took)
		}
	}
	if r := mustRun(t, env, "devarch", "template", "list", "--json"); strings.Contains(r.stdout, `"big"`) {
		t.Fatal("a refused template was stored")
	}
}
