//go:build unix

package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// `devarch` with no arguments, in the command-line build the package installs as
// /usr/bin/devarch, becomes the desktop binary in the same process (execve): the same
// process id, argv[0] kept (a launcher's startup notification follows it), the arguments and the
// exit code passed through; so does `devarch tray`. The stand-in for the desktop binary is a small program that
// reports what it got: the real window's launch through the package (gtk-launch, Xvfb,
// WM_CLASS) is scripts/test-package.sh's. Without a desktop binary the command says where
// it looked and what to do.
func TestNoArguments_OpensTheDesktopBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin", "devarch")
	copyDevarch(t, bin)
	home := filepath.Join(dir, "home")

	r := run(t, map[string]string{"DEVARCH_HOME": home, "DEVARCH_DESKTOP_BIN": "<unset>"}, bin)
	if r.code != 2 || !strings.Contains(r.stderr, "command-line build") || !strings.Contains(r.stderr, filepath.Join(dir, "lib", "devarch", "devarch-desktop")) ||
		!strings.Contains(r.stderr, "DEVARCH_DESKTOP_BIN") {
		t.Fatalf("no desktop binary: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(home); err == nil {
		t.Fatal("looking for the window must not create the data home")
	}

	report := filepath.Join(dir, "report")
	window := filepath.Join(dir, "lib", "devarch", "devarch-desktop")
	if err := os.MkdirAll(filepath.Dir(window), 0o755); err != nil {
		t.Fatal(err)
	}
	// A stand-in built here: a shell script would not see argv[0] (the kernel replaces it
	// with the script's path).
	src := filepath.Join(dir, "standin", "main.go")
	if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, []byte(`package main

import (
	"fmt"
	"os"
)

func main() {
	_ = os.WriteFile(`+strconv.Quote(report)+`, []byte(fmt.Sprintf("%d %s %d", os.Getpid(), os.Args[0], len(os.Args)-1)), 0o644)
	os.Exit(7)
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", window, src)
	build.Env = append(os.Environ(), "GO111MODULE=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the stand-in: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = environ(map[string]string{"DEVARCH_HOME": home, "DEVARCH_DESKTOP_BIN": "<unset>"})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	err := cmd.Wait()
	if cmd.ProcessState.ExitCode() != 7 {
		t.Fatalf("the window's exit code is the command's: %v", err)
	}
	got, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("the desktop binary did not run: %v", err)
	}
	fields := strings.Fields(string(got))
	if len(fields) != 3 || fields[0] != strconv.Itoa(pid) || fields[1] != bin || fields[2] != "0" {
		t.Fatalf("the window must run in the same process (pid %d) with argv[0] %s and no arguments: got %q", pid, bin, got)
	}
	// `devarch tray` is the desktop build's too, with its arguments; a command is not.
	if r := run(t, map[string]string{"DEVARCH_HOME": home, "DEVARCH_DESKTOP_BIN": "<unset>"}, bin, "tray", "--attached"); r.code != 7 {
		t.Fatalf("tray: exit %d\n%s", r.code, r.stderr)
	}
	if got, _ := os.ReadFile(report); !strings.HasSuffix(string(got), " 2") {
		t.Fatalf("tray: the desktop binary got %q", got)
	}
	if r := run(t, map[string]string{"DEVARCH_HOME": home, "DEVARCH_DESKTOP_BIN": "<unset>"}, bin, "version"); r.code != 0 || !strings.Contains(r.stdout, "devarch") {
		t.Fatalf("a command runs in the command-line build: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The window's own flags are the window's too.
	if r := run(t, map[string]string{"DEVARCH_HOME": home, "DEVARCH_DESKTOP_BIN": "<unset>"}, bin, "--loglevel", "debug"); r.code != 7 {
		t.Fatalf("window flags: exit %d\n%s", r.code, r.stderr)
	}
}

// A command-line build never hands over to itself or to another command-line build (a
// wrong DEVARCH_DESKTOP_BIN, a plain `go build -o devarch-desktop`): it says what is wrong
// and exits 2 instead of exec'ing itself forever.
func TestNoArguments_NeverLoopsIntoACommandLineBuild(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "devarch")
	copyDevarch(t, bin)
	home := filepath.Join(dir, "home")
	runBounded := func(env map[string]string) result {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		r := runWithin(t, ctx, env, bin)
		if ctx.Err() != nil {
			t.Fatalf("still running after 20 s (an exec loop?): %s", r.stderr)
		}
		return r
	}
	r := runBounded(map[string]string{"DEVARCH_HOME": home, "DEVARCH_DESKTOP_BIN": bin})
	if r.code != 2 || !strings.Contains(r.stderr, "this command-line build itself") {
		t.Fatalf("DEVARCH_DESKTOP_BIN naming itself: exit %d\n%s", r.code, r.stderr)
	}
	// A copy of the command-line build where the desktop build belongs.
	copyDevarch(t, filepath.Join(dir, "devarch-desktop"))
	r = runBounded(map[string]string{"DEVARCH_HOME": home, "DEVARCH_DESKTOP_BIN": "<unset>"})
	if r.code != 2 || !strings.Contains(r.stderr, "is a command-line build of DevArch too") {
		t.Fatalf("a command-line build as the desktop binary: exit %d\n%s", r.code, r.stderr)
	}
}

// copyDevarch puts a copy of the built command-line binary at dst (its directory made).
func copyDevarch(t *testing.T, dst string) {
	t.Helper()
	data, err := os.ReadFile(devarch(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o755); err != nil {
		t.Fatal(err)
	}
}
