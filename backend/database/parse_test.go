package database

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
)

// FuzzParsePostmasterPID: postmaster.pid is read at every start and may be torn or stale;
// parsing never panics, a found PID is positive, a port is a valid TCP port.
func FuzzParsePostmasterPID(f *testing.F) {
	f.Add("12345\n/home/u/.local/share/devarch/postgres/data\n1732970000\n41234\n/home/u/.local/share/devarch/postgres/socket\n127.0.0.1\n  1234567     32768\nready   \n")
	f.Add("12345\n")
	f.Add("")
	f.Add("-12\n\n\n99999999999\n")
	f.Add("abc\nx\ny\n70000\n/tmp/devarch-0-abc\n")
	f.Fuzz(func(t *testing.T, data string) {
		pm, ok := parsePostmasterPID(data)
		if ok && pm.pid < 0 {
			t.Fatalf("negative pid from %q", data)
		}
		if pm.port < 0 || pm.port > 65535 {
			t.Fatalf("port %d from %q", pm.port, data)
		}
		if strings.ContainsRune(pm.socketDir, '\n') {
			t.Fatalf("socket directory spans lines: %q", pm.socketDir)
		}
	})
}

func TestParsePostmasterPID(t *testing.T) {
	pm, ok := parsePostmasterPID("4242\n/d\n1\n5433\n/d/socket\n127.0.0.1\n")
	if !ok || pm.pid != 4242 || pm.port != 5433 || pm.socketDir != "/d/socket" {
		t.Fatalf("%+v %v", pm, ok)
	}
	if pm, ok := parsePostmasterPID("4242\n"); !ok || pm.pid != 4242 || pm.port != 0 {
		t.Fatalf("a file still being written: %+v %v", pm, ok)
	}
	if _, ok := parsePostmasterPID(""); ok {
		t.Fatal("an empty file names no server")
	}
}

// FuzzShellQuote: what pg_ctl's /bin/sh makes of a quoted argument is the argument itself.
func FuzzShellQuote(f *testing.F) {
	for _, s := range []string{"", "plain", "/tmp/we $HOME `id`", `it's "quoted" \ back`, "'", "''", "a\nb", "$(touch /tmp/pwned)", "-D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsRune(s, 0) || !utf8.ValidString(s) {
			return // argv cannot hold NUL; paths here are UTF-8
		}
		out, err := exec.Command("/bin/sh", "-c", "printf '%s' "+shellQuote(s)).Output()
		if err != nil {
			t.Fatalf("sh: %v", err)
		}
		if string(out) != s {
			t.Fatalf("sh read %q as %q", s, out)
		}
	})
}

// FuzzDSNQuote: a socket directory of any shape reaches pgx unchanged.
func FuzzDSNQuote(f *testing.F) {
	for _, s := range []string{"/tmp/devarch-0-123", `/a b/c'd\e`, "/x=y z", "/''"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dir string) {
		if !strings.HasPrefix(dir, "/") || strings.ContainsAny(dir, "\x00,") || !utf8.ValidString(dir) || strings.TrimSpace(dir) != dir {
			return // a socket directory is an absolute path; pgx splits hosts on commas
		}
		cfg, err := pgconn.ParseConfig("host=" + dsnQuote(dir) + " port=5432 user=devarch dbname=postgres sslmode=disable")
		if err != nil {
			t.Fatalf("%q: %v", dir, err)
		}
		if cfg.Host != dir {
			t.Fatalf("host %q became %q", dir, cfg.Host)
		}
	})
}

// FuzzParseVersionOutput: pg_ctl --version output and PG_VERSION contents never panic the
// parsers, and a major they return is positive.
func FuzzParseVersionOutput(f *testing.F) {
	f.Add("pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n")
	f.Add("pg_ctl (PostgreSQL) 17devel")
	f.Add("garbage")
	f.Add("15\n")
	f.Fuzz(func(t *testing.T, s string) {
		if m, err := parseVersionOutput(s); err == nil && m <= 0 {
			t.Fatalf("major %d from %q", m, s)
		}
		if m, err := parseClusterMajor(s); err == nil && (m <= 0 || strconv.Itoa(m) == "") {
			t.Fatalf("major %d from %q", m, s)
		}
	})
}
