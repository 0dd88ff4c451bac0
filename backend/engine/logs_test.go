package engine_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

func TestParseLogSince(t *testing.T) {
	for _, ok := range []string{"", "10m", "1h30m", "90s", "2026-11-02", "2026-11-02T15:04", "2026-11-02T15:04:05",
		"2026-11-02T15:04:05Z", "2026-11-02T15:04:05.5+02:00", "1700000000"} {
		if got, err := engine.ParseLogSince(ok); err != nil || got != ok {
			t.Errorf("%q: %q %v", ok, got, err)
		}
	}
	for _, bad := range []string{"yesterday", "0s", "-10m", "5d", "2026-13-02", "--follow", "10m ", " 10m", "2026/11/02", "99999999999999999999", strings.Repeat("1", 65) + "s"} {
		if got, err := engine.ParseLogSince(bad); err == nil {
			t.Errorf("%q accepted as %q", bad, got)
		} else if e := model.AsError(err); e.Field != "since" || e.Kind != model.KindInvalid {
			t.Errorf("%q: %#v", bad, e)
		}
	}
}

func TestParseLogTail(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "10": 10, "1000000": 1000000} {
		if got, err := engine.ParseLogTail(in); err != nil || got == nil || *got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, all := range []string{"all", ""} {
		if got, err := engine.ParseLogTail(all); err != nil || got != nil {
			t.Errorf("%q must mean every line: %v %v", all, got, err)
		}
	}
	for _, bad := range []string{"-1", "+5", "1000001", "ten", " 5", "5 ", "0x10", "1e3", "ALL"} {
		if got, err := engine.ParseLogTail(bad); err == nil {
			t.Errorf("%q accepted as %v", bad, *got)
		} else if e := model.AsError(err); e.Field != "tail" || e.Detail == "" {
			t.Errorf("%q: %#v", bad, e)
		}
	}
}

// FuzzParseLogSince: --since never panics; what it refuses is a clear error on field since;
// what it accepts is passed to compose unchanged, cannot be read as a flag, and is one of
// the documented forms.
func FuzzParseLogSince(f *testing.F) {
	for _, s := range []string{"10m", "1h30m", "0s", "-5m", "2026-11-02", "2026-11-02T15:04:05Z", "2026-11-02T15:04:05.999999999-07:00",
		"1700000000", "--tail", "", "5d", "1.5h", "9223372036854775807", "9223372036854775808", "\x00", "2026-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := engine.ParseLogSince(s)
		if err != nil {
			if e := model.AsError(err); e.Kind != model.KindInvalid || e.Field != "since" || e.Summary == "" || e.Detail == "" {
				t.Fatalf("unclear error %#v", e)
			}
			return
		}
		if got != s {
			t.Fatalf("%q changed to %q", s, got)
		}
		if s == "" {
			return
		}
		if strings.HasPrefix(s, "-") || len(s) > 64 {
			t.Fatalf("accepted %q", s)
		}
		if d, err := time.ParseDuration(s); err == nil {
			if d <= 0 {
				t.Fatalf("accepted a duration that is not positive: %q", s)
			}
			return
		}
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
			if _, err := time.Parse(layout, s); err == nil {
				return
			}
		}
		t.Fatalf("accepted %q, which is none of the forms", s)
	})
}

// FuzzParseLogTail: --tail never panics; it accepts exactly all, "" and decimal numbers of
// lines within the limit, read as that number.
func FuzzParseLogTail(f *testing.F) {
	for _, s := range []string{"0", "10", "all", "", "-1", "+1", "007", "1000001", "1e3", " 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := engine.ParseLogTail(s)
		if err != nil {
			if e := model.AsError(err); e.Kind != model.KindInvalid || e.Field != "tail" || e.Detail == "" {
				t.Fatalf("unclear error %#v", e)
			}
			return
		}
		if got == nil {
			if s != "all" && s != "" {
				t.Fatalf("%q read as every line", s)
			}
			return
		}
		if *got < 0 || *got > engine.MaxLogTail {
			t.Fatalf("%q read as %d", s, *got)
		}
		if n, _ := strconv.Atoi(s); n != *got {
			t.Fatalf("%q read as %d", s, *got)
		}
	})
}

const crashTemplate = `name: e-crashloop
category: runtime
description: prints a stamped line and exits 3, restarted forever
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "echo crash-line; exit 3"]
  restart: always
  stop_grace_period: 1s
`

// Following a crash-looping container's logs gives each log entry once: compose re-attaches
// at every restart and repeats the last line (measured before the fix: the same stamped
// line three times in 12 s).
func TestLogs_FollowCrashLoopHasNoRepeats(t *testing.T) {
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	svc, _, _ := newService(t)
	ctx := t.Context()
	const stack = "elogloop"
	if _, _, err := svc.ImportTemplate(ctx, []byte(crashTemplate), false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, stack, "app", "e-crashloop", nil); err != nil {
		t.Fatal(err)
	}
	runtimetest.FreshProject(t, eng, model.ProjectName(stack))
	p := planStack(t, svc, stack)
	_, applyErr := svc.Apply(ctx, p.ID, "test", nil)
	if applyErr == nil {
		t.Fatal("apply of a crash loop succeeded")
	}
	follow, cancel := context.WithTimeout(ctx, 12*time.Second)
	defer cancel()
	var out strings.Builder
	if err := svc.Logs(follow, stack, "app", engine.LogOptions{Follow: true, NoPrefix: true}, &out); err != nil {
		t.Fatal(err)
	}
	var stamped []string
	seen := map[string]bool{}
	for _, line := range strings.Split(out.String(), "\n") {
		if !strings.HasSuffix(line, " crash-line") {
			continue
		}
		if seen[line] {
			t.Errorf("repeated: %q", line)
		}
		seen[line] = true
		stamped = append(stamped, line)
	}
	// The restarts back off (1, 2, 4 s...): 12 s of following sees at least three.
	if len(stamped) < 3 {
		t.Fatalf("%d lines in 12 s of a crash loop (the apply said: %v):\n%s", len(stamped), applyErr, out.String())
	}
}

// A stack stream's line is split into the instance (from DevArch's container name) and
// the text after compose's padded "NAME | " prefix; anything else passes through whole.
func TestSplitLogLine(t *testing.T) {
	cases := []struct{ line, inst, text string }{
		{"devarch-shop-web     | 2026-11-30T23:55:17.009853791Z hello | world", "web", "2026-11-30T23:55:17.009853791Z hello | world"},
		{"devarch-shop-api-v2 | \x1b[1mbold\x1b[0m", "api-v2", "\x1b[1mbold\x1b[0m"},
		{"devarch-shop-web  |", "web", ""},
		{"other-1  | text", "other-1", "text"},
		{"devarch-shop- | x", "devarch-shop-", "x"},
		{"Attaching to devarch-shop-web", "", "Attaching to devarch-shop-web"},
		{"\r\x1b[Kweb exited with code 3 (restarting)", "", "\r\x1b[Kweb exited with code 3 (restarting)"},
		{"a b | c", "", "a b | c"},
		{" | c", "", " | c"},
		{"", "", ""},
	}
	for _, c := range cases {
		inst, text := engine.SplitLogLine("shop", c.line)
		if inst != c.inst || text != c.text {
			t.Errorf("SplitLogLine(%q) = %q, %q; want %q, %q", c.line, inst, text, c.inst, c.text)
		}
	}
}

// SplitLogLine never panics, and what it returns is the line (no prefix) or a name
// without blanks or bars and a suffix of the line.
func FuzzSplitLogLine(f *testing.F) {
	for _, s := range []string{"devarch-shop-web  | hi", "x |", " |", "|", "a | b | c", "\x1b[31m | x", "devarch-shop- | "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		inst, text := engine.SplitLogLine("shop", line)
		if inst == "" {
			if text != line {
				t.Fatalf("no prefix but the text changed: %q -> %q", line, text)
			}
			return
		}
		if strings.ContainsAny(inst, " \t|") || !strings.HasSuffix(line, text) || len(text) >= len(line) {
			t.Fatalf("SplitLogLine(%q) = %q, %q", line, inst, text)
		}
	})
}
