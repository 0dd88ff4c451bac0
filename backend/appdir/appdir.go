// Package appdir decides where DevArch keeps its data on this machine.
//
// Everything DevArch writes lives under one home directory: the database cluster, the
// generated compose files of each stack and the logs. DEVARCH_HOME overrides the platform's
// user data directory, which tests and people with several setups rely on.
package appdir

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
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
// %LocalAppData%\DevArch). It creates nothing.
func Resolve() (Dirs, error) {
	home := os.Getenv("DEVARCH_HOME")
	if home == "" {
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
	abs, err := filepath.Abs(home)
	if err != nil {
		return Dirs{}, err
	}
	return FromHome(abs), nil
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
