// Package runtimetest gives tests a real container engine and a small local image, without
// any registry: DevArch's tests run where no registry is reachable, so nothing here ever
// pulls.
//
// RequireEngine and RequireCompose skip a test outside CI when the machine lacks the part,
// and fail it in CI (environment variable CI non-empty), where a missing engine is a broken
// runner rather than a reason to test less. BusyboxImage builds devarch-test/busybox:1 from
// the host's static busybox the first time a test process needs it and the engine lacks it.
package runtimetest

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/testenv"
)

// Image is the local test image BusyboxImage provides: busybox with its applets as commands
// (sh, nc, httpd, wget, sleep, env, ...), CMD ["sh"].
const Image = "devarch-test/busybox:1"

// BusyboxPath is the host binary the image is built from (Debian package busybox-static).
const BusyboxPath = "/bin/busybox"

// TestLabel marks every container or network a test creates, so leftovers of a crashed test
// run can be found and removed (`docker rm -f $(docker ps -aq --filter label=dev.devarch.test=1)`).
// The image itself does not carry it, so containers get it only when a test says so.
const TestLabel = "dev.devarch.test=1"

var (
	probeOnce  sync.Once
	probeEng   *runtime.Engine
	probeRep   runtime.Report
	imageOnce  sync.Once
	imageErr   error
	probeLimit = 30 * time.Second
)

func probe() (*runtime.Engine, runtime.Report) {
	probeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), probeLimit)
		defer cancel()
		probeEng, probeRep = runtime.Probe(ctx, runtime.Options{})
	})
	return probeEng, probeRep
}

// missing skips the test, or fails it in CI, naming what is missing (testenv.Missing).
func missing(t testing.TB, what string) { testenv.Missing(t, what, "") }

// RequireEngine returns the machine's container engine (docker or podman, daemon answering).
// Its Compose may be empty: use RequireCompose when the test runs compose. Detection runs
// once per test process.
func RequireEngine(t testing.TB) *runtime.Engine {
	t.Helper()
	eng, rep := probe()
	if eng == nil {
		missing(t, "a container engine: "+rep.Engine.Err.Error())
	}
	return eng
}

// RequireCompose returns the machine's engine with a usable compose flavour.
func RequireCompose(t testing.TB) *runtime.Engine {
	t.Helper()
	eng := RequireEngine(t)
	if eng.Compose.Argv == nil {
		_, rep := probe()
		missing(t, "compose: "+rep.Compose.Err.Error())
	}
	return eng
}

// BusyboxImage returns Image, building it first if the engine does not have it. The build
// runs at most once per test process; tests in several processes may race to build it, which
// is harmless (each import tags an identical image). The image is kept afterwards, so later
// runs skip the build.
func BusyboxImage(t testing.TB) string {
	t.Helper()
	eng := RequireEngine(t)
	imageOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if _, err := eng.Run(ctx, []string{"image", "inspect", "--format", "{{.Id}}", Image}, runtime.RunOptions{}); err == nil {
			return
		}
		imageErr = buildBusybox(ctx, eng)
	})
	if errors.Is(imageErr, errNoBusybox) {
		missing(t, "the test image "+Image+": "+imageErr.Error())
	}
	if imageErr != nil {
		t.Fatalf("building the test image %s: %v", Image, imageErr)
	}
	return Image
}

// errNoBusybox marks a machine without a usable static busybox, as opposed to a failed build.
var errNoBusybox = errors.New("no static busybox")

// buildBusybox imports a root filesystem holding the host's static busybox, a link per applet,
// /tmp and a minimal /etc, as Image.
func buildBusybox(ctx context.Context, eng *runtime.Engine) error {
	if err := checkStatic(BusyboxPath); err != nil {
		return fmt.Errorf("%w: %v (install it: `sudo apt-get install busybox-static`)", errNoBusybox, err)
	}
	applets, err := listApplets(ctx, BusyboxPath)
	if err != nil {
		return err
	}
	bin, err := os.ReadFile(BusyboxPath)
	if err != nil {
		return err
	}
	rootfs, err := rootfsTar(bin, applets)
	if err != nil {
		return err
	}
	_, err = eng.Run(ctx, []string{"import",
		"--change", `CMD ["sh"]`,
		"--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"-", Image}, runtime.RunOptions{Stdin: bytes.NewReader(rootfs)})
	return err
}

// checkStatic refuses a dynamically linked busybox (Debian's plain "busybox" package): it
// would not run in an image without the host's libraries.
func checkStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s is dynamically linked", path)
		}
	}
	return nil
}

// listApplets asks busybox which commands it provides. This runs the host's busybox, not a
// container engine, which is why it may live outside package runtime.
func listApplets(ctx context.Context, path string) ([]string, error) {
	out, err := exec.CommandContext(ctx, path, "--list").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --list: %w", path, err)
	}
	var applets []string
	for _, a := range strings.Fields(string(out)) {
		if a != "busybox" && !strings.ContainsAny(a, "/[") {
			applets = append(applets, a)
		}
	}
	sort.Strings(applets)
	return applets, nil
}

// rootfsTar builds the image's root filesystem as a tar stream, in memory (about 2 MB).
func rootfsTar(busybox []byte, applets []string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Now()
	dir := func(name string, mode int64) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, ModTime: now})
	}
	file := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: now}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	link := func(name, target string) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777, ModTime: now})
	}
	steps := []func() error{
		func() error { return dir("bin", 0o755) },
		func() error { return dir("etc", 0o755) },
		func() error { return dir("root", 0o700) },
		func() error { return dir("tmp", 0o1777) },
		func() error { return dir("usr", 0o755) },
		func() error { return dir("usr/bin", 0o755) },
		func() error { return dir("var", 0o755) },
		func() error { return dir("var/www", 0o755) },
		func() error { return file("bin/busybox", 0o755, busybox) },
		func() error { return link("usr/bin/env", "/bin/busybox") },
		func() error {
			return file("etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"))
		},
		func() error { return file("etc/group", 0o644, []byte("root:x:0:\nnobody:x:65534:\n")) },
	}
	for _, a := range applets {
		steps = append(steps, func() error { return link("bin/"+a, "busybox") })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// FreshProject removes what a compose project left on the engine (containers with their
// anonymous volumes, and networks) now and again when the test ends. Named volumes stay:
// tests check what survives a stack's deletion, and DevArch judges volumes by installation. Tests name their stacks
// with fixed names; a test process that was killed (a panic skips every t.Cleanup) leaves
// its containers behind, and on a machine whose engine outlives the run (a CI runner that
// keeps /var/lib/docker) the next run would otherwise find them and see a stack that is
// already running.
func FreshProject(t testing.TB, eng *runtime.Engine, project string) {
	t.Helper()
	down := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// Containers first, by compose's project label (down alone skips containers whose
		// labels it does not fully recognise), then the project's networks and volumes.
		if cs, err := eng.ListContainers(ctx, []string{"com.docker.compose.project=" + project}); err == nil && len(cs) > 0 {
			args := []string{"rm", "-f", "-v"}
			for _, c := range cs {
				args = append(args, c.ID)
			}
			_, _ = eng.Run(ctx, args, runtime.RunOptions{})
		}
		_, _ = eng.RunCompose(ctx, []string{"-p", project, "down", "--remove-orphans", "-t", "0"}, runtime.RunOptions{})
	}
	down()
	t.Cleanup(down)
}
