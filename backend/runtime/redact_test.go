package runtime_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A command that received secrets and prints them (as compose does in its errors) never
// lets them through: not to the streamed writers, not to Result, not to the error.
func TestRun_RedactsSecretValues(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.BusyboxImage(t)
	label := newRunLabel(t, eng)
	const secret = `Hunter2-"Secret"!`
	const multi = "-----BEGIN KEY-----\nAAAAsecretline1\nBBBBsecretline2\n-----END KEY-----"
	script := `echo "invalid additional host, missing IP: $S"; echo "quoted: \"$Q\""; printf '%s\n' "$M"; ` +
		`echo "time: invalid duration $S" >&2; printf 'split %s' "$S" >&2; exit 3`
	args := append([]string{"run", "--rm", "-e", "S", "-e", "Q", "-e", "M"}, labelArgs(label)...)
	var out, errOut syncBuffer
	res, err := eng.Run(t.Context(), append(args, image, "sh", "-c", script), runtime.RunOptions{
		Env:    []string{"S=" + secret, "Q=" + `Hunter2-\"Secret\"!`, "M=" + multi},
		Redact: []string{secret, multi},
		Stdout: &out, Stderr: &errOut,
	})
	me := asModelError(t, err, model.KindInternal)
	var ce *runtime.CommandError
	if !errors.As(err, &ce) {
		t.Fatalf("no CommandError in %v", err)
	}
	for name, text := range map[string]string{"stdout": out.String(), "stderr": errOut.String(), "Result.Stderr": res.Stderr,
		"summary": me.Summary, "detail": me.Detail, "error": err.Error(), "cause stderr": ce.Stderr} {
		for _, leak := range []string{"Hunter2", "secretline1", "secretline2", "BEGIN KEY"} {
			if strings.Contains(text, leak) {
				t.Errorf("%s leaks %q: %q", name, leak, text)
			}
		}
	}
	if !strings.Contains(out.String(), "missing IP: (sensitive)") || !strings.Contains(out.String(), `quoted: "(sensitive)"`) {
		t.Errorf("stdout is not redacted in place: %q", out.String())
	}
	if !strings.Contains(me.Detail, "time: invalid duration (sensitive)") || !strings.HasSuffix(me.Detail, "split (sensitive)") {
		t.Errorf("detail = %q", me.Detail)
	}
	if res.ExitCode != 3 {
		t.Errorf("exit code %d", res.ExitCode)
	}
}

// Values split across writes and very long lines without a newline are still caught.
func TestRedact_SplitWrites(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-VALUE-xyz"
	long := strings.Repeat("x", 70<<10) + secret + strings.Repeat("y", 70<<10) + secret
	if got := runtime.Redact(long, []string{secret}); strings.Contains(got, secret) || strings.Count(got, "(sensitive)") != 2 {
		t.Fatal("Redact missed a value")
	}
	for _, chunk := range []int{1, 3, 7, 4096, 65536} {
		var out bytes.Buffer
		w := runtime.NewRedactorForTest(&out, []string{secret})
		input := "a " + secret + "\nb" + long + "\n" + secret
		for i := 0; i < len(input); i += chunk {
			if _, err := w.Write([]byte(input[i:min(i+chunk, len(input))])); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), secret) || strings.Count(out.String(), "(sensitive)") != 4 {
			t.Fatalf("chunk %d: %d redactions, leak=%v", chunk, strings.Count(out.String(), "(sensitive)"), strings.Contains(out.String(), secret))
		}
		if len(out.String()) != len(input)-4*len(secret)+4*len("(sensitive)") {
			t.Fatalf("chunk %d: output length %d, lost or added bytes", chunk, len(out.String()))
		}
	}
}

// Engines echo pieces of values too (a size parser printing the number it read): any run of
// six or more bytes that also occurs in a value is hidden; shorter coincidences are not.
func TestRedact_Pieces(t *testing.T) {
	t.Parallel()
	values := []string{"Hunter2-shm-value"}
	for in, want := range map[string]string{
		`'services[app].shm_size' strconv.ParseFloat: parsing "Hunter2": invalid syntax`: `'services[app].shm_size' strconv.ParseFloat: parsing "(sensitive)": invalid syntax`,
		`prefix shm-value suffix`:         `prefix (sensitive) suffix`,
		`Hunter2-shm-value and Hunter2-s`: `(sensitive) and (sensitive)`,
		`a short Hunt or -valu is shown`:  `a short Hunt or -valu is shown`,
		`Container devarch-x-app Started`: `Container devarch-x-app Started`,
	} {
		if got := runtime.Redact(in, values); got != want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

// Engine commands never inherit DEVARCH_DATABASE_URL (it may hold a password): the
// environment a command really starts with is printed by `env` substituted for it.
func TestRun_NoDatabaseURLInChildren(t *testing.T) {
	eng := runtimetest.RequireEngine(t)
	t.Setenv("DEVARCH_DATABASE_URL", "postgres://u:pw-never-inherited@127.0.0.1/x")
	t.Setenv("DEVARCH_RUNTIME_TEST_MARK", "inherited")
	printEnv := eng.WithWrap(func([]string) []string { return []string{"/usr/bin/env"} })
	res, err := printEnv.Run(t.Context(), []string{"version"}, runtime.RunOptions{Env: []string{"EXTRA=1"}})
	if err != nil {
		t.Fatal(err)
	}
	env := string(res.Stdout)
	if strings.Contains(env, "pw-never-inherited") || strings.Contains(env, "DEVARCH_DATABASE_URL") {
		t.Fatalf("the child inherited DEVARCH_DATABASE_URL:\n%s", env)
	}
	if !strings.Contains(env, "DEVARCH_RUNTIME_TEST_MARK=inherited\n") || !strings.Contains(env, "EXTRA=1\n") {
		t.Fatalf("the rest of the environment must reach the child:\n%s", env)
	}
}
