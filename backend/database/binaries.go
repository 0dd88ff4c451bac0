package database

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// supportedMajors are the PostgreSQL major versions DevArch runs on, newest first, with the
// full version of the portable build (zonky's embedded-postgres-binaries, the builds the
// embedded-postgres-go library uses) that the cache and the download name. Keep the versions
// in step with that library, so an archive it cached is found.
var supportedMajors = []struct {
	major   int
	version string
}{
	{17, "17.5.0"},
	{16, "16.9.0"},
	{15, "15.13.0"},
}

// systemRoot holds system installs as systemRoot/N (Debian, Ubuntu). A variable so tests
// can hide the system install and exercise the cache and download paths.
var systemRoot = "/usr/lib/postgresql"

// Binaries is a PostgreSQL installation DevArch can run: Dir holds bin/pg_ctl, bin/initdb,
// bin/postgres, lib/ and share/.
type Binaries struct {
	Dir     string
	Major   int
	Source  string // "DEVARCH_PG_BINARIES", "system", "cache" or "download"
	Version string // the portable build's full version (cache and download)

	// archive is the cache archive to unpack into Dir before use (sources "cache" and
	// "download"; the download fills it first). Empty when Dir is ready.
	archive string
}

// findBinaries picks the PostgreSQL binaries in the documented order: DEVARCH_PG_BINARIES,
// a system install of a supported major (Debian's /usr/lib/postgresql/N), binaries already
// unpacked under extractRoot, the cache (~/.embedded-postgres-go), then the download.
// wantMajor, when not zero, is the major of an existing cluster: only binaries of that
// major may open it (a mismatch must never reach the server, which would refuse it, or
// initdb).
//
// As root, DevArch runs only binaries no regular user can have planted: DEVARCH_PG_BINARIES,
// the unpacked tree and the cache must be owned by root and writable by nobody else, along
// their whole path (see rootTrusted). A user's cache (sudo keeping HOME) is ignored, and
// there is no download.
func findBinaries(override string, wantMajor int, extractRoot string, acc account) (Binaries, error) {
	if override != "" {
		if acc.drop {
			if err := rootTrustedInstall(override); err != nil {
				return Binaries{}, model.Wrap(model.KindUnavailable, err,
					"DEVARCH_PG_BINARIES is not safe to run as root",
					fmt.Sprintf("%v. DevArch runs as root and only runs PostgreSQL binaries that no other user can change: install PostgreSQL as root (apt-get install postgresql-15), chown -R root and chmod go-w the directory, or unset DEVARCH_PG_BINARIES.", err))
			}
		}
		major, err := majorOf(override, acc)
		if err != nil {
			return Binaries{}, model.Wrap(model.KindUnavailable, err,
				"DEVARCH_PG_BINARIES does not point at PostgreSQL binaries",
				fmt.Sprintf("%s must contain bin/pg_ctl, bin/initdb and bin/postgres (e.g. /usr/lib/postgresql/15). Fix the variable or unset it.", override))
		}
		if wantMajor != 0 && major != wantMajor {
			return Binaries{}, majorMismatch(override, major, wantMajor)
		}
		if _, ok := portableVersion(major); !ok {
			return Binaries{}, model.NewError(model.KindUnavailable,
				fmt.Sprintf("PostgreSQL %d is not supported", major),
				"DEVARCH_PG_BINARIES points at an unsupported major version; use PostgreSQL 15, 16 or 17.")
		}
		return Binaries{Dir: override, Major: major, Source: "DEVARCH_PG_BINARIES"}, nil
	}

	for _, s := range supportedMajors {
		if wantMajor != 0 && s.major != wantMajor {
			continue
		}
		dir := filepath.Join(systemRoot, strconv.Itoa(s.major))
		if isBinDir(dir) {
			return Binaries{Dir: dir, Major: s.major, Source: "system"}, nil
		}
	}

	ignored := "" // why a cache was passed over, for the final error
	cache := cacheDir()
	for _, s := range supportedMajors {
		if wantMajor != 0 && s.major != wantMajor {
			continue
		}
		dir := filepath.Join(extractRoot, s.version)
		if isBinDir(dir) {
			if acc.drop {
				if err := rootTrustedInstall(dir); err != nil {
					return Binaries{}, model.Wrap(model.KindUnavailable, err, "the unpacked PostgreSQL binaries are not safe to run as root",
						fmt.Sprintf("%v. Delete %s and start DevArch again.", err, dir))
				}
			}
			return Binaries{Dir: dir, Major: s.major, Source: "cache", Version: s.version}, nil
		}
		if cache == "" {
			continue
		}
		archive := filepath.Join(cache, archiveName(s.version))
		if _, err := os.Lstat(archive); err != nil {
			continue
		}
		if acc.drop {
			if err := rootTrustedFile(archive); err != nil {
				ignored = fmt.Sprintf(" DevArch ignored %s: %v; as root it never runs binaries from a cache another user can write.", archive, err)
				continue
			}
		}
		return Binaries{Dir: dir, Major: s.major, Source: "cache", Version: s.version, archive: archive}, nil
	}

	// Last resort: download the portable build into the cache. Pick the major of the
	// existing cluster, or the newest supported one.
	s := supportedMajors[0]
	if wantMajor != 0 {
		v, ok := portableVersion(wantMajor)
		if !ok {
			return Binaries{}, model.NewError(model.KindUnavailable,
				fmt.Sprintf("the database was created by PostgreSQL %d, which DevArch cannot run", wantMajor),
				"Install that PostgreSQL version and set DEVARCH_PG_BINARIES to it.")
		}
		s.major, s.version = wantMajor, v
	}
	if acc.drop {
		return Binaries{}, model.NewError(model.KindUnavailable, "no PostgreSQL binaries found",
			fmt.Sprintf("DevArch runs as root and found no PostgreSQL %d installation (it never downloads one as root).%s Install one (Debian/Ubuntu: apt-get install postgresql-%d) or set DEVARCH_PG_BINARIES.", s.major, ignored, s.major))
	}
	if cache == "" {
		return Binaries{}, model.NewError(model.KindUnavailable, "no PostgreSQL binaries found",
			fmt.Sprintf("No home directory to download PostgreSQL into. Install PostgreSQL %d (Debian/Ubuntu: apt-get install postgresql-%d) or set DEVARCH_PG_BINARIES.", s.major, s.major))
	}
	return Binaries{Dir: filepath.Join(extractRoot, s.version), Major: s.major, Source: "download", Version: s.version,
		archive: filepath.Join(cache, archiveName(s.version))}, nil
}

func majorMismatch(dir string, have, want int) error {
	return model.NewError(model.KindUnavailable,
		fmt.Sprintf("the database was created by PostgreSQL %d but %s is PostgreSQL %d", want, dir, have),
		fmt.Sprintf("Point DEVARCH_PG_BINARIES at PostgreSQL %d binaries (Debian: apt-get install postgresql-%d). DevArch will not open the data with another major version.", want, want))
}

func portableVersion(major int) (string, bool) {
	for _, s := range supportedMajors {
		if s.major == major {
			return s.version, true
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

// majorOf asks the installation itself (pg_ctl --version, run as the server account) for
// its major version, so any layout works: Debian's /usr/lib/postgresql/N, an unpacked
// portable build, a custom build.
func majorOf(dir string, acc account) (int, error) {
	if !isBinDir(dir) {
		return 0, fmt.Errorf("%s has no bin/pg_ctl, bin/initdb and bin/postgres", dir)
	}
	out, err := acc.command(context.Background(), filepath.Join(dir, "bin", "pg_ctl"), "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("%s/bin/pg_ctl --version: %v", dir, err)
	}
	return parseVersionOutput(string(out))
}

// parseVersionOutput reads the major from "pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)".
func parseVersionOutput(out string) (int, error) {
	fields := strings.Fields(out)
	if len(fields) < 3 {
		return 0, fmt.Errorf("unexpected pg_ctl --version output %q", out)
	}
	ver := fields[2]
	if i := strings.IndexByte(ver, '.'); i > 0 {
		ver = ver[:i]
	}
	major, err := strconv.Atoi(ver)
	if err != nil || major <= 0 {
		return 0, fmt.Errorf("unexpected pg_ctl --version output %q", out)
	}
	return major, nil
}

// cacheDir is the embedded-postgres-go library's cache, shared with other tools that use it.
func cacheDir() string {
	home, err := os.UserHomeDir()
	if err != nil || !filepath.IsAbs(home) {
		return ""
	}
	return filepath.Join(home, ".embedded-postgres-go")
}

// archiveName is the cache file name of a portable build, as the library names it.
func archiveName(version string) string {
	goos, arch := portablePlatform()
	return fmt.Sprintf("embedded-postgres-binaries-%s-%s-%s.txz", goos, arch, version)
}

// portablePlatform names this platform the way zonky's builds (and the library) do.
func portablePlatform() (goos, arch string) {
	goos, arch = runtime.GOOS, runtime.GOARCH
	switch {
	case arch == "arm64":
		arch = "arm64v8"
	case arch == "arm":
		arch = "arm32v7"
	}
	if goos == "linux" {
		if _, err := os.Stat("/etc/alpine-release"); err == nil {
			arch += "-alpine"
		}
	}
	return goos, arch
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
	return parseClusterMajor(string(data))
}

func parseClusterMajor(s string) (int, error) {
	major, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || major <= 0 {
		return 0, fmt.Errorf("PG_VERSION holds %q, not a major version", firstLine(strings.TrimSpace(s)))
	}
	return major, nil
}
