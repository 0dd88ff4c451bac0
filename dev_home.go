package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// checkDevHome is the rule a dev build (-tags dev) applies before it does anything: it
// serves every binding to a browser dev server, so it must never run on the user's own
// data (their stacks, their secrets' database). DEVARCH_HOME must therefore be set, and
// must be neither the platform's default data home nor a directory inside it. Paths are
// compared after making them absolute and resolving symlinks, so an alias of the default
// home is refused too. No build tag, so the rule is tested in every `go test ./...`.
func checkDevHome(devarchHome, defaultHome string) error {
	const fix = "set DEVARCH_HOME to a scratch directory, for example DEVARCH_HOME=$(mktemp -d)"
	if devarchHome == "" {
		return fmt.Errorf("DEVARCH_HOME is not set: this development build (-tags dev) serves every binding, secrets included, to its browser dev server, so it refuses to use your own data home (%s); %s", defaultHome, fix)
	}
	home, def := canonicalPath(devarchHome), canonicalPath(defaultHome)
	if samePath(home, def) {
		return fmt.Errorf("DEVARCH_HOME=%s is your own data home (the platform default): this development build (-tags dev) refuses to run on it; %s", devarchHome, fix)
	}
	if isInside(home, def) {
		return fmt.Errorf("DEVARCH_HOME=%s lies inside your own data home %s: this development build (-tags dev) refuses to run there; %s", devarchHome, defaultHome, fix)
	}
	return nil
}

// canonicalPath is p made absolute and cleaned, with symlinks resolved in the longest
// part of it that exists (the rest may not have been created yet).
func canonicalPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	rest := ""
	for dir := abs; ; {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest)
		} else if !errors.Is(err, os.ErrNotExist) {
			return abs
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return abs
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

// isInside reports whether child is a directory below parent (both canonical).
func isInside(child, parent string) bool {
	if caseInsensitiveFS() {
		child, parent = strings.ToLower(child), strings.ToLower(parent)
	}
	rel, err := filepath.Rel(parent, child)
	return err == nil && rel != "." && rel != ".." && !filepath.IsAbs(rel) &&
		!strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func samePath(a, b string) bool {
	if caseInsensitiveFS() {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// caseInsensitiveFS is true where the default file systems ignore case.
func caseInsensitiveFS() bool { return runtime.GOOS == "windows" || runtime.GOOS == "darwin" }
