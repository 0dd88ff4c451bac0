// Package appdir decides where DevArch keeps its data on this machine.
//
// Everything DevArch writes lives under one home directory: the database cluster, the
// generated compose files of each stack and the logs. DEVARCH_HOME overrides the platform's
// user data directory, which tests and people with several setups rely on.
//
// The home is trusted with the database password and the stacks' files, so it must be
// private to the user running DevArch: Resolve and CheckHome refuse a relative DEVARCH_HOME
// (it would silently make one home per working directory), a home owned by someone else,
// one that others can write, and one inside a directory where others could replace it.
package appdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/devarch/devarch/backend/model"
)

// Dirs are the absolute paths DevArch uses. They are derived from Home and never overlap.
type Dirs struct {
	Home     string // root of all DevArch data
	Postgres string // embedded PostgreSQL: cluster, password, lock, server log
	Stacks   string // one directory per stack: compose file and materialized config
	Logs     string // the app's own log files
}

// Resolve returns the directories for this user: DEVARCH_HOME when set, else the platform's
// user data directory ($XDG_DATA_HOME/devarch, ~/Library/Application Support/DevArch,
// %LocalAppData%\DevArch). It creates nothing, and it fails with an error that names the
// fix when the home is not safe to use (see CheckHome).
func Resolve() (Dirs, error) {
	home := os.Getenv("DEVARCH_HOME")
	field := "DEVARCH_HOME"
	if home == "" {
		field = "data home"
		base, err := userDataDir()
		if err != nil {
			return Dirs{}, err
		}
		name := "devarch"
		if runtime.GOOS != "linux" {
			name = "DevArch"
		}
		home = filepath.Join(base, name)
	}
	if !filepath.IsAbs(home) {
		abs, _ := filepath.Abs(home)
		return Dirs{}, model.Invalid(field, "DEVARCH_HOME must be an absolute path",
			fmt.Sprintf("%q is relative, so every working directory would get its own data home. Use an absolute path, e.g. DEVARCH_HOME=%s.", home, abs))
	}
	home = filepath.Clean(home)
	if err := checkHome(field, home); err != nil {
		return Dirs{}, err
	}
	return FromHome(home), nil
}

// CheckHome verifies that home is safe to keep DevArch's data in: owned by the current user
// (root when DevArch runs as root) and not writable by group or others, and that every
// directory above it is owned by root or the current user and, if others may write it, has
// the sticky bit (like /tmp), so nobody else can swap the home for one of theirs. A home that
// does not exist yet is fine when its existing ancestors pass: DevArch creates it 0700.
// A symlinked home is judged by the directory it points to.
func CheckHome(home string) error {
	return checkHome("data home", home)
}

// FromHome derives every directory from an absolute home.
func FromHome(home string) Dirs {
	return Dirs{
		Home:     home,
		Postgres: filepath.Join(home, "postgres"),
		Stacks:   filepath.Join(home, "stacks"),
		Logs:     filepath.Join(home, "logs"),
	}
}

func userDataDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return d, nil
		}
		return "", errors.New("LocalAppData is not set: set DEVARCH_HOME to choose a data directory")
	case "darwin":
		h, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(h, "Library", "Application Support"), nil
	default:
		if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return d, nil
		}
		h, err := os.UserHomeDir()
		if err != nil {
			return "", errors.New("no home directory: set DEVARCH_HOME to choose a data directory")
		}
		return filepath.Join(h, ".local", "share"), nil
	}
}
