package runtime_test

import (
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/testenv"
)

func TestDetect_RealEngine(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireCompose(t)

	got, err := runtime.Detect(t.Context(), runtime.Options{})
	if err != nil {
		t.Fatalf("Detect: %v", err)
	}
	if got.Name != runtime.Docker && got.Name != runtime.Podman {
		t.Errorf("Name = %q, want docker or podman", got.Name)
	}
	if !filepath.IsAbs(got.Path) {
		t.Errorf("Path = %q, want an absolute path", got.Path)
	}
	// Cross-check the server version with the engine's own answer.
	if want := mustRun(t, eng, "version", "--format", "{{.Server.Version}}"); got.Name == runtime.Docker && got.Version != want {
		t.Errorf("Version = %q, want the server version %q", got.Version, want)
	}
	if got.Name == runtime.Docker && got.Compose.Flavour == runtime.FlavourDockerV2 {
		if want := []string{got.Path, "compose"}; strings.Join(got.Compose.Argv, " ") != strings.Join(want, " ") {
			t.Errorf("Compose.Argv = %q, want %q", got.Compose.Argv, want)
		}
		// Compose's own short answer: "2.40.3", or "dev" for a build from source.
		want := strings.TrimPrefix(mustRun(t, eng, "compose", "version", "--short"), "v")
		if got.Compose.Version != want {
			t.Errorf("Compose.Version = %q, want %q", got.Compose.Version, want)
		}
		if want != "dev" && !strings.HasPrefix(got.Compose.Version, "2.") {
			t.Errorf("Compose.Version = %q, want 2.x", got.Compose.Version)
		}
	} else if !regexp.MustCompile(`^\d+\.\d+|^dev$`).MatchString(got.Compose.Version) {
		t.Errorf("Compose.Version = %q, want a version number", got.Compose.Version)
	}

	// The compose prefix really runs compose.
	res, err := got.RunCompose(t.Context(), []string{"version"}, runtime.RunOptions{})
	if err != nil {
		t.Fatalf("RunCompose version: %v", err)
	}
	if !strings.Contains(string(res.Stdout), got.Compose.Version) {
		t.Errorf("compose version printed %q, want it to mention %s", res.Stdout, got.Compose.Version)
	}
}

func TestProbe_ReportsBothParts(t *testing.T) {
	t.Parallel()
	runtimetest.RequireEngine(t)
	eng, rep := runtime.Probe(t.Context(), runtime.Options{})
	if eng == nil || rep.Engine.Err != nil {
		t.Fatalf("engine part failed: %v", rep.Engine.Err)
	}
	if rep.Engine.Name != eng.Name || rep.Engine.Path != eng.Path || rep.Engine.Version != eng.Version {
		t.Errorf("engine part %+v does not describe the engine %s %s %s", rep.Engine, eng.Name, eng.Path, eng.Version)
	}
	if rep.Compose.Err == nil {
		if rep.Compose.Name != eng.Compose.Flavour || rep.Compose.Version != eng.Compose.Version {
			t.Errorf("compose part %+v does not match Engine.Compose %+v", rep.Compose, eng.Compose)
		}
		if rep.Err() != nil {
			t.Errorf("Report.Err() = %v with both parts usable", rep.Err())
		}
	} else if eng.Compose.Argv != nil {
		t.Errorf("compose failed (%v) but Engine.Compose.Argv = %q", rep.Compose.Err, eng.Compose.Argv)
	}
}

func TestDetect_EngineNotInstalled(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	eng, rep := runtime.Probe(t.Context(), runtime.Options{Env: []string{"PATH=" + empty}})
	if eng != nil {
		t.Fatalf("Probe found an engine %s on an empty PATH", eng.Path)
	}
	me := asModelError(t, rep.Err(), model.KindEngineUnavailable)
	if me.Summary != "no container engine found" {
		t.Errorf("Summary = %q", me.Summary)
	}
	for _, want := range []string{"apt-get install docker.io", "podman", empty} {
		if !strings.Contains(me.Detail, want) {
			t.Errorf("Detail %q does not mention %q", me.Detail, want)
		}
	}
	if rep.Compose.Err == nil || rep.Compose.Err.Summary != "compose not checked" {
		t.Errorf("compose part = %+v, want 'compose not checked'", rep.Compose)
	}

	// A named engine is looked for alone and named in the error.
	_, err := runtime.Detect(t.Context(), runtime.Options{Engine: runtime.Podman, Env: []string{"PATH=" + empty}})
	if me := asModelError(t, err, model.KindEngineUnavailable); me.Summary != "podman is not installed" {
		t.Errorf("Summary = %q, want 'podman is not installed'", me.Summary)
	}
}

func TestDetect_UnknownEngine(t *testing.T) {
	t.Parallel()
	_, err := runtime.Detect(t.Context(), runtime.Options{Engine: "containerd"})
	me := asModelError(t, err, model.KindEngineUnavailable)
	if !strings.Contains(me.Summary, `"containerd"`) {
		t.Errorf("Summary = %q", me.Summary)
	}
}

// dockerOnPath fails or skips unless the docker CLI exists (the daemon need not run).
func dockerOnPath(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("docker"); err == nil {
		return
	}
	if eng := runtimetest.RequireEngine(t); eng.Name != runtime.Docker {
		testenv.Missing(t, "docker as the container engine", "")
	}
}

func TestDetect_DaemonNotRunning(t *testing.T) {
	t.Parallel()
	dockerOnPath(t)
	host := "unix://" + filepath.Join(t.TempDir(), "nonexistent.sock")
	start := time.Now()
	eng, rep := runtime.Probe(t.Context(), runtime.Options{Engine: runtime.Docker, Env: []string{"DOCKER_HOST=" + host}})
	if eng != nil {
		t.Fatal("Probe returned an engine for a missing socket")
	}
	me := asModelError(t, rep.Err(), model.KindEngineUnavailable)
	if me.Summary != "the Docker daemon is not running" {
		t.Errorf("Summary = %q", me.Summary)
	}
	for _, want := range []string{"systemctl start docker", "DOCKER_HOST=" + host} {
		if !strings.Contains(me.Detail, want) {
			t.Errorf("Detail %q does not mention %q", me.Detail, want)
		}
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("detection took %s for a missing socket", time.Since(start))
	}
	// The report still names the binary, and compose was checked independently of the daemon.
	if rep.Engine.Path == "" || rep.Engine.Name != runtime.Docker {
		t.Errorf("engine part = %+v, want the docker binary named", rep.Engine)
	}
	if rep.Compose.Err != nil && rep.Compose.Err.Summary == "compose not checked" {
		t.Errorf("compose was not checked although the docker binary exists")
	}
}

func TestDetect_DaemonNotAnswering(t *testing.T) {
	t.Parallel()
	dockerOnPath(t)
	// A socket that accepts connections and never answers: what a hung daemon looks like.
	sock := filepath.Join(t.TempDir(), "hung.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan net.Conn, 16)
	t.Cleanup(func() {
		ln.Close()
		for len(held) > 0 {
			(<-held).Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case held <- c: // held open, never answered
			default:
				c.Close()
			}
		}
	}()

	start := time.Now()
	_, err = runtime.Detect(t.Context(), runtime.Options{
		Engine: runtime.Docker, Env: []string{"DOCKER_HOST=unix://" + sock}, Timeout: time.Second,
	})
	me := asModelError(t, err, model.KindEngineUnavailable)
	if me.Summary != "the Docker daemon did not answer" {
		t.Errorf("Summary = %q", me.Summary)
	}
	if !strings.Contains(me.Detail, "DOCKER_HOST=unix://"+sock) {
		t.Errorf("Detail %q does not name DOCKER_HOST", me.Detail)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("detection took %s with a 1s probe timeout", d)
	}
}

// TestDetect_PermissionDenied runs the real docker CLI as the unprivileged user nobody
// (through Options.Wrap and runuser) against the real socket, which only root and the docker
// group may use, so the CLI prints the real "permission denied" message.
func TestDetect_PermissionDenied(t *testing.T) {
	t.Parallel()
	eng := runtimetest.RequireEngine(t)
	if eng.Name != runtime.Docker {
		testenv.Missing(t, "docker as the container engine", "")
	}
	if os.Geteuid() != 0 {
		// A regular user cannot become nobody, but permissions bind them too: a socket of
		// our own with mode 0000 makes the real CLI fail with the real message.
		sock := filepath.Join(t.TempDir(), "docker.sock")
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		if err := os.Chmod(sock, 0); err != nil {
			t.Fatal(err)
		}
		_, err = runtime.Detect(t.Context(), runtime.Options{Engine: runtime.Docker, Env: []string{"DOCKER_HOST=unix://" + sock}})
		me := asModelError(t, err, model.KindEngineUnavailable)
		if me.Summary != "permission denied on the Docker socket" || !strings.Contains(me.Detail, "sudo usermod -aG docker $USER") {
			t.Fatalf("Summary = %q (detail %q), want permission denied", me.Summary, me.Detail)
		}
		return
	}
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		testenv.Missing(t, "runuser (util-linux)", "")
	}
	if _, err := user.Lookup("nobody"); err != nil {
		testenv.Missing(t, "the user nobody", "")
	}
	asNobody := func(argv []string) []string {
		return append([]string{runuser, "-u", "nobody", "--"}, argv...)
	}
	// nobody cannot read root's HOME; give the CLI a config directory it can use.
	cfg := t.TempDir()
	if err := os.Chmod(cfg, 0o777); err != nil {
		t.Fatal(err)
	}
	_, err = runtime.Detect(t.Context(), runtime.Options{
		Engine: runtime.Docker, Wrap: asNobody, Env: []string{"DOCKER_CONFIG=" + cfg, "HOME=" + cfg},
	})
	me := asModelError(t, err, model.KindEngineUnavailable)
	if me.Summary == "the Docker daemon is not running" && strings.Contains(me.Detail, "tcp://") {
		testenv.Missing(t, "a local unix-socket docker daemon (DOCKER_HOST points at TCP, which has no socket permissions)", "")
	}
	if me.Summary != "permission denied on the Docker socket" {
		t.Fatalf("Summary = %q (detail %q), want permission denied", me.Summary, me.Detail)
	}
	for _, want := range []string{"sudo usermod -aG docker $USER", "log out and back in", "unix://"} {
		if !strings.Contains(me.Detail, want) {
			t.Errorf("Detail %q does not mention %q", me.Detail, want)
		}
	}
}

// Detection's shortcuts (probecache.go): the daemon's version over the Engine API equals the
// CLI's answer, the compose probe is cached per user after the first run and reused while
// nothing it is keyed by changes, and a damaged cache file is ignored.
func TestDetect_ShortcutsAgreeWithTheCLI(t *testing.T) {
	eng := runtimetest.RequireCompose(t)
	if eng.Name != runtime.Docker {
		testenv.Missing(t, "docker (the Engine API shortcut is docker's; this engine is "+eng.Name+")", "")
	}
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	first, err := runtime.Detect(t.Context(), runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := runtime.Detect(t.Context(), runtime.Options{Wrap: func(a []string) []string { return a }})
	if err != nil {
		t.Fatal(err)
	}
	if first.Version != wrapped.Version || first.Compose.Version != wrapped.Compose.Version || first.Compose.Flavour != wrapped.Compose.Flavour {
		t.Fatalf("shortcut %s/%s/%s, CLI %s/%s/%s", first.Version, first.Compose.Flavour, first.Compose.Version,
			wrapped.Version, wrapped.Compose.Flavour, wrapped.Compose.Version)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "devarch", "compose-probe-*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files: %v", files)
	}
	start := time.Now()
	second, err := runtime.Detect(t.Context(), runtime.Options{})
	took := time.Since(start)
	if err != nil || second.Compose.Version != first.Compose.Version || strings.Join(second.Compose.Argv, " ") != strings.Join(first.Compose.Argv, " ") {
		t.Fatalf("cached: %+v %v", second, err)
	}
	t.Logf("detection with the cache: %s", took)
	if err := os.WriteFile(files[0], []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	third, err := runtime.Detect(t.Context(), runtime.Options{})
	if err != nil || third.Compose.Version != first.Compose.Version {
		t.Fatalf("after a damaged cache: %+v %v", third, err)
	}
}
