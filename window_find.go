package main

import (
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
)

// desktopBinaryEnv names the desktop binary the command-line build opens the window with,
// instead of looking next to itself.
const desktopBinaryEnv = "DEVARCH_DESKTOP_BIN"

// handedOverEnv is set in the environment of the desktop binary a command-line build hands
// over to: a command-line build that finds it set was itself handed over to (a loop). The
// desktop build removes it, so the processes it starts do not inherit it.
const handedOverEnv = "DEVARCH_HANDED_OVER"

// desktopBinaryName is the desktop build's file name, next to the command-line build (a
// development tree: build/bin) or in ../lib/devarch (the package: /usr/bin/devarch and
// /usr/lib/devarch/devarch-desktop).
var desktopBinaryName = "devarch-desktop" + map[bool]string{true: ".exe"}[goruntime.GOOS == "windows"]

// findDesktopBinary returns the desktop binary for the command-line build at exe: override
// when set (it must exist), else the first executable file of desktopBinaryName next to
// exe's real path, or in ../lib/devarch from it. tried lists where it looked, for the
// message when none is found.
func findDesktopBinary(exe, override string) (found, tried string) {
	if override != "" {
		if executableFile(override) {
			return override, override
		}
		return "", override
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	dir := filepath.Dir(exe)
	candidates := []string{
		filepath.Join(dir, desktopBinaryName),
		filepath.Join(dir, "..", "lib", "devarch", desktopBinaryName),
	}
	for _, c := range candidates {
		if executableFile(c) {
			return filepath.Clean(c), ""
		}
	}
	for i := range candidates {
		candidates[i] = filepath.Clean(candidates[i])
	}
	return "", strings.Join(candidates, " and ")
}

// executableFile: a regular file with an execute bit (Windows has none: any regular file).
func executableFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && (goruntime.GOOS == "windows" || fi.Mode().Perm()&0o111 != 0)
}
