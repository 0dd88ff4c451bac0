package database

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	embeddedpostgres "github.com/fergusstrange/embedded-postgres"
	"github.com/xi2/xz"

	"github.com/devarch/devarch/backend/model"
)

// supportedMajors are the PostgreSQL major versions DevArch runs on, newest first, with the
// library version each maps to (the library names full versions; only the major matters for
// a system install).
var supportedMajors = []struct {
	major   int
	library embeddedpostgres.PostgresVersion
}{
	{17, embeddedpostgres.V17},
	{16, embeddedpostgres.V16},
	{15, embeddedpostgres.V15},
}

// Binaries is a PostgreSQL installation DevArch can run: Dir holds bin/pg_ctl, bin/initdb,
// bin/postgres, lib/ and share/.
type Binaries struct {
	Dir     string
	Major   int
	Source  string // "DEVARCH_PG_BINARIES", "system", "cache" or "download"
	Library embeddedpostgres.PostgresVersion
}

// findBinaries picks the PostgreSQL binaries in the documented order: DEVARCH_PG_BINARIES,
// a system install of a supported major (Debian's /usr/lib/postgresql/N), the library's
// cache, then the library's download. wantMajor, when not zero, is the major of an existing
// cluster: only binaries of that major may open it (a mismatch must never reach initdb,
// which would wipe the data).
func findBinaries(override string, wantMajor int, extractRoot string) (Binaries, error) {
	if override != "" {
		major, err := majorOf(override)
		if err != nil {
			return Binaries{}, model.Wrap(model.KindUnavailable, err,
				"DEVARCH_PG_BINARIES does not point at PostgreSQL binaries",
				fmt.Sprintf("%s must contain bin/pg_ctl, bin/initdb and bin/postgres (e.g. /usr/lib/postgresql/15). Fix the variable or unset it.", override))
		}
		if wantMajor != 0 && major != wantMajor {
			return Binaries{}, majorMismatch(override, major, wantMajor)
		}
		lib, ok := libraryVersion(major)
		if !ok {
			return Binaries{}, model.NewError(model.KindUnavailable,
				fmt.Sprintf("PostgreSQL %d is not supported", major),
				"DEVARCH_PG_BINARIES points at an unsupported major version; use PostgreSQL 15, 16 or 17.")
		}
		return Binaries{Dir: override, Major: major, Source: "DEVARCH_PG_BINARIES", Library: lib}, nil
	}

	for _, s := range supportedMajors {
		if wantMajor != 0 && s.major != wantMajor {
			continue
		}
		dir := filepath.Join("/usr/lib/postgresql", strconv.Itoa(s.major))
		if isBinDir(dir) {
			return Binaries{Dir: dir, Major: s.major, Source: "system", Library: s.library}, nil
		}
	}

	for _, s := range supportedMajors {
		if wantMajor != 0 && s.major != wantMajor {
			continue
		}
		dir := filepath.Join(extractRoot, string(s.library))
		if isBinDir(dir) {
			return Binaries{Dir: dir, Major: s.major, Source: "cache", Library: s.library}, nil
		}
		if archive := cacheArchive(s.library); archive != "" {
			if err := extractArchive(archive, dir); err != nil {
				return Binaries{}, model.Wrap(model.KindUnavailable, err, "could not unpack the cached PostgreSQL binaries",
					fmt.Sprintf("%s: %v. Delete the file to download it again, or install PostgreSQL (apt-get install postgresql-15).", archive, err))
			}
			return Binaries{Dir: dir, Major: s.major, Source: "cache", Library: s.library}, nil
		}
	}

	// Last resort: the library downloads its own build on Start. Pick the major of the
	// existing cluster, or the newest supported one.
	lib := supportedMajors[0].library
	major := supportedMajors[0].major
	if wantMajor != 0 {
		l, ok := libraryVersion(wantMajor)
		if !ok {
			return Binaries{}, model.NewError(model.KindUnavailable,
				fmt.Sprintf("the database was created by PostgreSQL %d, which DevArch cannot run", wantMajor),
				"Install that PostgreSQL version and set DEVARCH_PG_BINARIES to it.")
		}
		lib, major = l, wantMajor
	}
	return Binaries{Dir: filepath.Join(extractRoot, string(lib)), Major: major, Source: "download", Library: lib}, nil
}

func majorMismatch(dir string, have, want int) error {
	return model.NewError(model.KindUnavailable,
		fmt.Sprintf("the database was created by PostgreSQL %d but %s is PostgreSQL %d", want, dir, have),
		fmt.Sprintf("Point DEVARCH_PG_BINARIES at PostgreSQL %d binaries (Debian: apt-get install postgresql-%d). DevArch will not open the data with another major version.", want, want))
}

func libraryVersion(major int) (embeddedpostgres.PostgresVersion, bool) {
	for _, s := range supportedMajors {
		if s.major == major {
			return s.library, true
		}
	}
	return "", false
}

func isBinDir(dir string) bool {
	for _, tool := range []string{"pg_ctl", "initdb", "postgres"} {
		if fi, err := os.Stat(filepath.Join(dir, "bin", tool)); err != nil || fi.IsDir() {
			return false
		}
	}
	return true
}

// majorOf asks the installation itself (pg_ctl --version) for its major version, so any
// layout works: Debian's /usr/lib/postgresql/N, the library's extraction, a custom build.
func majorOf(dir string) (int, error) {
	if !isBinDir(dir) {
		return 0, fmt.Errorf("%s has no bin/pg_ctl, bin/initdb and bin/postgres", dir)
	}
	out, err := exec.Command(filepath.Join(dir, "bin", "pg_ctl"), "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("%s/bin/pg_ctl --version: %v", dir, err)
	}
	// "pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
	fields := strings.Fields(string(out))
	if len(fields) < 3 {
		return 0, fmt.Errorf("unexpected pg_ctl --version output %q", out)
	}
	ver := fields[2]
	if i := strings.IndexByte(ver, '.'); i > 0 {
		ver = ver[:i]
	}
	return strconv.Atoi(ver)
}

// cacheArchive returns the library's cached archive for version v, if present.
func cacheArchive(v embeddedpostgres.PostgresVersion) string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	arch := runtime.GOARCH
	name := fmt.Sprintf("embedded-postgres-binaries-%s-%s-%s.txz", runtime.GOOS, arch, v)
	p := filepath.Join(home, ".embedded-postgres-go", name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

// extractArchive unpacks a library .txz into dir atomically (temp dir + rename), so a
// half-extracted tree is never taken for a usable one.
func extractArchive(archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	xr, err := xz.NewReader(f, 0)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".extract-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	tr := tar.NewReader(xr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		target := filepath.Join(tmp, filepath.Clean("/"+h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.Symlink(h.Linkname, target); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o755|0o600)
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, tr); err != nil {
				out.Close()
				return err
			}
			if err := out.Close(); err != nil {
				return err
			}
		}
	}
	return os.Rename(tmp, dir)
}

// clusterMajor returns the major version recorded in an existing cluster's PG_VERSION, or
// 0 when there is no cluster yet.
func clusterMajor(dataDir string) (int, error) {
	data, err := os.ReadFile(filepath.Join(dataDir, "PG_VERSION"))
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(data)))
}
