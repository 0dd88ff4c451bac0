package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/devarch/devarch/backend/model"
)

// Engine names, as Options.Engine takes them and Engine.Name reports them.
const (
	Docker = "docker"
	Podman = "podman"
)

// Compose flavours, as Compose.Flavour reports them.
const (
	FlavourDockerV2   = "docker compose v2" // the docker CLI plugin: `docker compose`
	FlavourStandalone = "docker-compose"    // the standalone v2 binary: `docker-compose`
	FlavourPodman     = "podman compose"    // podman's wrapper around an external provider
)

// defaultProbeTimeout bounds each detection command: a DOCKER_HOST pointing at a host that
// drops packets would otherwise hang detection for minutes.
const defaultProbeTimeout = 15 * time.Second

// Options says where and how to look for the container engine. The zero value looks for
// docker, then podman, on the process's PATH with the process's environment.
type Options struct {
	// Engine is "docker", "podman", or "" to try docker first and then podman. A named engine
	// is strict: DevArch does not silently drive a different engine than the one the user
	// chose, since their containers live in different places.
	Engine string
	// Env holds "KEY=VALUE" entries added after os.Environ() for detection and for every
	// command the detected Engine runs (DOCKER_HOST, DOCKER_CONTEXT, CONTAINER_HOST, PATH).
	// PATH here also decides where the binaries are looked up. The process environment is
	// never modified.
	Env []string
	// Timeout bounds each probe command (default 15s). A parent context deadline still
	// applies.
	Timeout time.Duration
	// Wrap, when set, rewrites every argv just before it is executed, for detection and for
	// the detected Engine. It exists for tests that need what a real engine cannot produce
	// (running the CLI as another user, a command that never exits); production code leaves
	// it nil.
	Wrap func(argv []string) []string
	// Context is the docker context the Engine drives ("" = whatever the docker CLI uses by
	// default: a non-empty DOCKER_HOST, else DOCKER_CONTEXT, else its current context). When
	// set, every command (detection probes, docker, compose, events) runs with
	// DOCKER_CONTEXT=Context and an empty DOCKER_HOST after every other environment layer, so
	// neither an inherited DOCKER_HOST nor RunOptions.Env can send it elsewhere ("default",
	// the CLI's built-in context, is DOCKER_HOST or the default socket). Contexts are
	// a docker feature: with Engine "podman" Probe refuses a Context, and with Engine "" only
	// docker is tried. A context missing from the CLI's store is refused before any command
	// runs (LookupContext).
	Context string
}

// Engine is a detected, reachable container engine. It is immutable after Detect and safe
// for concurrent use.
type Engine struct {
	// Name is "docker" or "podman".
	Name string
	// Path is the absolute path of the engine CLI that every command runs.
	Path string
	// Version is the server (daemon) version; for local podman, which has no daemon, the
	// podman version.
	Version string
	// Compose is the compose flavour found next to the engine; its Argv is empty when none is
	// usable (only possible for an Engine obtained from Probe).
	Compose Compose
	// Context is the docker context this Engine drives (Options.Context), "" for the CLI's
	// default. Endpoint says where that is.
	Context string

	env  []string
	wrap func([]string) []string
	// detectedHost is the context's endpoint when it was detected, what Endpoint shows if
	// the context can no longer be read.
	detectedHost string
}

// Compose describes the compose command line DevArch drives.
type Compose struct {
	// Flavour is FlavourDockerV2, FlavourStandalone or FlavourPodman.
	Flavour string
	// Version is the compose version without a leading "v" (e.g. "2.40.3"; "dev" for a
	// compose built from source without version information).
	Version string
	// Argv is the command prefix; project arguments follow it (e.g. ["/usr/bin/docker",
	// "compose"] or ["/usr/bin/docker-compose"]).
	Argv []string
}

// WithWrap returns a copy of e whose commands are rewritten by wrap just before they run
// (see Options.Wrap). Tests use it to substitute a command that hangs; e is unchanged.
func (e *Engine) WithWrap(wrap func(argv []string) []string) *Engine {
	c := *e
	c.wrap = wrap
	return &c
}

// Part is the outcome of checking one part of the toolchain, for `devarch doctor`.
type Part struct {
	// Name is what was checked or found: "docker", "podman", or a compose flavour.
	Name string
	// Path is the binary that answered, when one was found.
	Path string
	// Version is the version it reported, when it answered.
	Version string
	// Err is nil when the part is usable; otherwise a KindEngineUnavailable (or KindCanceled)
	// error whose Summary names the problem and whose Detail gives the fix.
	Err *model.Error
}

// Report is the per-part result of Probe: the engine (binary found and daemon answering) and
// compose, each with its own error, so a doctor command can show both even when the first
// one fails (compose is checked whenever the engine binary exists, daemon up or not).
type Report struct {
	Engine  Part
	Compose Part
}

// Err returns the first failing part's error, or nil when both parts are usable.
func (r Report) Err() error {
	if r.Engine.Err != nil {
		return r.Engine.Err
	}
	if r.Compose.Err != nil {
		return r.Compose.Err
	}
	return nil
}

// Detect finds a usable engine and compose flavour, or returns the first problem as a
// *model.Error (Kind EngineUnavailable, or Canceled when ctx ended) whose Summary says what
// is wrong and whose Detail says how to fix it. It is Probe for callers that need both parts.
func Detect(ctx context.Context, opts Options) (*Engine, error) {
	eng, rep := Probe(ctx, opts)
	if err := rep.Err(); err != nil {
		return nil, err
	}
	return eng, nil
}

// Probe checks the engine and compose separately and reports on both. The returned Engine is
// non-nil when the engine part is usable (its Compose is filled only when compose is usable
// too), so a caller that needs no compose (listing containers, events) can proceed.
//
// With Options.Engine == "", docker is tried first; podman is used only when docker is
// missing or unreachable and podman works. When neither works, the report describes the
// first engine found (docker if installed), whose error is the one worth fixing.
func Probe(ctx context.Context, opts Options) (*Engine, Report) {
	names := []string{Docker, Podman}
	switch opts.Engine {
	case "":
	case Docker, Podman:
		names = []string{opts.Engine}
	default:
		err := model.NewError(model.KindEngineUnavailable,
			fmt.Sprintf("unknown container engine %q", opts.Engine),
			`DevArch drives "docker" or "podman"; choose one of them, or leave the setting empty to detect it`)
		return nil, Report{Engine: Part{Name: opts.Engine, Err: err}, Compose: notChecked()}
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultProbeTimeout
	}
	env := mergeEnv(os.Environ(), opts.Env)
	pathList := envValue(env, "PATH")
	var ctxInfo ContextInfo
	if opts.Context != "" {
		if opts.Engine == Podman {
			err := &model.Error{Kind: model.KindEngineUnavailable, Field: "context",
				Summary: fmt.Sprintf("podman cannot use the docker context %q", opts.Context),
				Detail: "docker contexts are a Docker feature and the container engine is set to podman: " +
					"leave the context empty (the default engine), or drive docker instead of podman."}
			return nil, Report{Engine: Part{Name: Podman, Err: err}, Compose: notChecked()}
		}
		names = []string{Docker}
		info, err := lookupContext(env, opts.Context)
		if err != nil {
			me := model.AsError(err)
			me.Kind = model.KindEngineUnavailable
			return nil, Report{Engine: Part{Name: Docker, Err: me}, Compose: notChecked()}
		}
		ctxInfo = info
	}

	var first *Report
	for _, name := range names {
		path, err := lookPath(name, pathList)
		if err != nil {
			continue
		}
		eng := &Engine{Name: name, Path: path, env: append([]string(nil), opts.Env...), wrap: opts.Wrap,
			Context: opts.Context, detectedHost: ctxInfo.Host}
		rep := Report{Engine: Part{Name: name, Path: path}}
		// The shortcuts (probecache.go) skip two CLI runs; a wrapped engine (tests that
		// record or alter every command) always probes through its CLI.
		fast := opts.Wrap == nil
		if !fast || !eng.probeServerAPI(ctx, opts.Timeout) {
			rep.Engine.Err = eng.probeServer(ctx, opts.Timeout)
		}
		rep.Engine.Version = eng.Version
		if cached, ok := eng.cachedComposeProbe(); fast && ok {
			rep.Compose = cached
		} else {
			rep.Compose = eng.probeCompose(ctx, opts.Timeout)
			if fast {
				eng.storeComposeProbe(rep.Compose)
			}
		}
		if rep.Compose.Err == nil {
			eng.Compose = Compose{Flavour: rep.Compose.Name, Version: rep.Compose.Version, Argv: composeArgv(eng, rep.Compose)}
		}
		if rep.Engine.Err == nil {
			return eng, rep
		}
		if rep.Engine.Err.Kind == model.KindCanceled {
			return nil, rep
		}
		if first == nil {
			first = &rep
		}
	}
	if first != nil {
		return nil, *first
	}
	return nil, Report{Engine: Part{Name: strings.Join(names, "/"), Err: noEngine(names, pathList)}, Compose: notChecked()}
}

func composeArgv(e *Engine, p Part) []string {
	switch p.Name {
	case FlavourStandalone:
		return []string{p.Path}
	default:
		return []string{e.Path, "compose"}
	}
}

func notChecked() Part {
	return Part{Name: "compose", Err: model.NewError(model.KindEngineUnavailable,
		"compose not checked", "no usable container engine CLI was found, so its compose could not be looked for")}
}

// versionInfo is the part of `docker version` / `podman version` JSON that detection reads.
type versionInfo struct {
	Client *struct{ Version string }
	Server *struct{ Version string }
}

// probeServer asks the engine for its version, which needs a round trip to the daemon (or,
// for remote podman, the service). It fills e.Version.
func (e *Engine) probeServer(ctx context.Context, timeout time.Duration) *model.Error {
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := e.Run(pctx, []string{"version", "--format", "{{json .}}"}, RunOptions{})
	var v versionInfo
	jerr := json.Unmarshal(res.Stdout, &v)
	if err != nil {
		return e.contextProblem(e.probeFailure(ctx, pctx, res, err, timeout))
	}
	if jerr != nil {
		return model.Wrap(model.KindEngineUnavailable, jerr,
			fmt.Sprintf("%s printed an unexpected version report", e.Name),
			fmt.Sprintf("`%s version --format '{{json .}}'` did not print JSON: %s", e.Name, tail(string(res.Stdout), 300)))
	}
	switch {
	case v.Server != nil && v.Server.Version != "":
		e.Version = v.Server.Version
	case e.Name == Podman && v.Client != nil:
		// Local podman has no server: the CLI is the engine.
		e.Version = v.Client.Version
	default:
		return model.NewError(model.KindEngineUnavailable,
			fmt.Sprintf("the %s daemon did not report a version", engineTitle(e.Name)),
			fmt.Sprintf("`%s version` printed no server section; check that the daemon is running and that %s points at it",
				e.Name, hostVar(e.Name)))
	}
	return nil
}

// probeFailure explains why a probe command failed: the parent context ended, the probe's
// own timeout fired (daemon not answering), or the CLI printed a recognisable problem.
func (e *Engine) probeFailure(ctx, pctx context.Context, res Result, err error, timeout time.Duration) *model.Error {
	if ctx.Err() != nil {
		return model.Wrap(model.KindCanceled, context.Cause(ctx), "engine detection was canceled",
			"the operation was stopped before the container engine answered")
	}
	host := e.hostSetting()
	if pctx.Err() != nil {
		return model.Wrap(model.KindEngineUnavailable, err,
			fmt.Sprintf("the %s daemon did not answer", engineTitle(e.Name)),
			fmt.Sprintf("`%s version` got no answer within %s. %s", e.Name, timeout, hostAdvice(e.Name, host)))
	}
	var me *model.Error
	if errors.As(err, &me) && me.Kind == model.KindEngineUnavailable && res.PID == 0 {
		return me // the CLI could not even start
	}
	if p := daemonProblem(e.Name, res.Stderr, host); p != nil {
		p.Err = err
		return p
	}
	return model.Wrap(model.KindEngineUnavailable, err,
		fmt.Sprintf("the %s engine did not answer", engineTitle(e.Name)),
		fmt.Sprintf("`%s version` failed: %s", e.Name, firstNonEmpty(res.Stderr, fmt.Sprintf("exit code %d", res.ExitCode))))
}

var versionRE = regexp.MustCompile(`v?(\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.+~-]*)?)`)

var versionWordRE = regexp.MustCompile(`(?i)compose\s+version:?\s+v?([0-9a-z][0-9a-z._+~-]*)`)

// parseComposeVersion extracts the first version number from `compose version` output in any
// flavour ("Docker Compose version v2.40.3", "docker-compose version 1.29.2, build
// unknown", "podman-compose version 1.0.6"). A build without a version number (compose built
// from source prints "Docker Compose version dev") gives the word it printed instead.
func parseComposeVersion(out string) string {
	if m := versionRE.FindStringSubmatch(out); m != nil {
		return m[1]
	}
	if m := versionWordRE.FindStringSubmatch(out); m != nil {
		return m[1]
	}
	return ""
}

// probeCompose finds the compose flavour for e: for docker the v2 plugin, else a standalone
// docker-compose v2 on PATH (v1 is rejected: DevArch's files use v2 semantics); for podman
// `podman compose`. Checking it needs no daemon.
func (e *Engine) probeCompose(ctx context.Context, timeout time.Duration) Part {
	run := func(argv []string) (Result, error) {
		pctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return e.exec(pctx, argv, RunOptions{})
	}
	if e.Name == Podman {
		res, err := run([]string{e.Path, "compose", "version"})
		if err == nil {
			if v := parseComposeVersion(string(res.Stdout) + "\n" + res.Stderr); v != "" {
				return Part{Name: FlavourPodman, Path: e.Path, Version: v}
			}
		}
		if ctx.Err() != nil {
			return Part{Name: FlavourPodman, Err: canceledError([]string{e.Path, "compose", "version"}, context.Cause(ctx))}
		}
		return Part{Name: FlavourPodman, Err: composeMissing(Podman, res.Stderr)}
	}

	res, err := run([]string{e.Path, "compose", "version"})
	if err == nil {
		if v := parseComposeVersion(string(res.Stdout)); v != "" {
			return Part{Name: FlavourDockerV2, Path: e.Path, Version: v}
		}
	}
	if ctx.Err() != nil {
		return Part{Name: FlavourDockerV2, Err: canceledError([]string{e.Path, "compose", "version"}, context.Cause(ctx))}
	}
	pluginErr := res.Stderr
	path, lerr := lookPath("docker-compose", envValue(mergeEnv(os.Environ(), e.env), "PATH"))
	if lerr != nil {
		return Part{Name: FlavourDockerV2, Err: composeMissing(Docker, pluginErr)}
	}
	res, err = run([]string{path, "version"})
	if err != nil {
		return Part{Name: FlavourStandalone, Path: path, Err: composeMissing(Docker, firstNonEmpty(res.Stderr, pluginErr))}
	}
	return standaloneCompose(path, string(res.Stdout))
}

// standaloneCompose judges a standalone docker-compose from its `version` output: v2 is
// usable, v1 (the retired Python implementation, still Debian 12's package) is not, because
// DevArch's project files and flags follow v2.
func standaloneCompose(path, versionOutput string) Part {
	v := parseComposeVersion(versionOutput)
	switch {
	case v == "":
		return Part{Name: FlavourStandalone, Path: path, Err: composeMissing(Docker, versionOutput)}
	case strings.HasPrefix(v, "1."):
		return Part{Name: FlavourStandalone, Path: path, Version: v, Err: model.NewError(model.KindEngineUnavailable,
			fmt.Sprintf("docker-compose %s (Compose v1) is not supported", v),
			fmt.Sprintf("%s is the retired Python Compose v1; DevArch needs Compose v2. %s", path, composeInstallFix))}
	}
	return Part{Name: FlavourStandalone, Path: path, Version: v}
}

const composeInstallFix = "Install the v2 plugin: from Docker's apt repository `sudo apt-get install docker-compose-plugin`, " +
	"or download the docker-compose binary for your platform from https://github.com/docker/compose/releases " +
	"to /usr/local/lib/docker/cli-plugins/docker-compose (or ~/.docker/cli-plugins/docker-compose) and make it executable " +
	"(chmod +x). Check with `docker compose version`."

// composeMissing is the error for an engine without a usable compose; said is what the CLI
// printed, kept at the end of the detail for the curious.
func composeMissing(engine, said string) *model.Error {
	if engine == Podman {
		return model.NewError(model.KindEngineUnavailable, "podman compose is not available",
			"`podman compose` (podman 4.7 or later) runs an external provider: install podman-compose "+
				"(`sudo apt-get install podman-compose`) or the docker compose v2 plugin, and check with `podman compose version`."+
				saidSuffix(said))
	}
	return model.NewError(model.KindEngineUnavailable, "docker compose v2 is not installed",
		"`docker compose` is missing (Debian 12's docker-compose package is the unsupported v1). "+composeInstallFix+saidSuffix(said))
}

func saidSuffix(said string) string {
	said = strings.TrimSpace(said)
	if said == "" {
		return ""
	}
	return " (it said: " + tail(firstLine(said), 300) + ")"
}

// noEngine is the error for a machine with neither CLI on PATH.
func noEngine(names []string, pathList string) *model.Error {
	summary := "no container engine found"
	if len(names) == 1 {
		summary = names[0] + " is not installed"
	}
	return model.NewError(model.KindEngineUnavailable, summary,
		fmt.Sprintf("DevArch needs Docker or Podman and looked for %s on PATH (%s). "+
			"Install Docker (Debian/Ubuntu: `sudo apt-get install docker.io`, then `sudo systemctl start docker`; "+
			"elsewhere Docker Desktop) or Podman (`sudo apt-get install podman`), then start DevArch again.",
			strings.Join(names, " and "), pathList))
}

// daemonProblem recognises the CLI's own "cannot reach the daemon" messages and turns them
// into an error with the fix. It returns nil for anything else. host is the value of
// DOCKER_HOST (CONTAINER_HOST for podman), or "" when unset.
func daemonProblem(engine, stderr, host string) *model.Error {
	low := strings.ToLower(stderr)
	said := saidSuffix(stderr)
	addr := daemonAddress(stderr)
	switch {
	case strings.Contains(low, "permission denied") &&
		(strings.Contains(low, "daemon socket") || strings.Contains(low, "docker.sock") ||
			strings.Contains(low, "podman.sock") || strings.Contains(low, "connect: permission denied")):
		where := firstNonEmpty(addr, "the engine socket")
		fix := "Add it to the docker group with `sudo usermod -aG docker $USER`, then log out and back in " +
			"(or run `newgrp docker`)"
		if engine == Podman {
			fix = "Use rootless podman as your own user, or give your user access to that socket"
		}
		return model.NewError(model.KindEngineUnavailable,
			fmt.Sprintf("permission denied on the %s socket", engineTitle(engine)),
			fmt.Sprintf("your user may not connect to %s. %s%s.%s", where, fix, hostHint(engine, host), said))
	case strings.Contains(low, "cannot connect to the docker daemon"),
		strings.Contains(low, "is the docker daemon running"),
		strings.Contains(low, "failed to connect to the docker api"),
		strings.Contains(low, "error during connect"),
		strings.Contains(low, "cannot connect to podman"),
		strings.Contains(low, "unable to connect to podman"),
		strings.Contains(low, "connect: connection refused"),
		strings.Contains(low, "connect: no such file or directory"):
		where := ""
		if addr != "" {
			where = " at " + addr
		}
		summary := "the Docker daemon is not running"
		if engine == Podman {
			summary = "the Podman service is not reachable"
		}
		return model.NewError(model.KindEngineUnavailable, summary,
			fmt.Sprintf("%s could not reach the daemon%s. %s%s", engine, where, hostAdvice(engine, host), said))
	}
	return nil
}

// strictDaemonMessage reports whether stderr holds the CLI's own connection failure, as
// opposed to a daemon's error response that happens to mention a refused connection (a
// registry pull, a health probe): only the former means the daemon went away.
func strictDaemonMessage(stderr string) bool {
	low := strings.ToLower(stderr)
	if strings.Contains(low, "error response from daemon") {
		return false
	}
	return strings.Contains(low, "cannot connect to the docker daemon") ||
		strings.Contains(low, "failed to connect to the docker api") ||
		strings.Contains(low, "permission denied while trying to connect to the docker daemon") ||
		strings.Contains(low, "cannot connect to podman")
}

var addrRE = regexp.MustCompile(`(?:unix|tcp|npipe|ssh|fd)://[^\s;"'?]*`)

func daemonAddress(stderr string) string {
	return strings.TrimRight(addrRE.FindString(stderr), ".:,")
}

// hostAdvice says how to start the daemon or point the CLI at a running one.
func hostAdvice(engine, host string) string {
	if engine == Podman {
		s := "Start it with `podman machine start` (macOS/Windows) or `systemctl --user start podman.socket` (Linux)"
		if host != "" {
			return s + ", or fix CONTAINER_HOST=" + host + ", which points there."
		}
		return s + "."
	}
	s := "Start it with `sudo systemctl start docker` (or run `sudo dockerd` where there is no systemd; Docker Desktop: open it)"
	if host != "" {
		return s + ", or check DOCKER_HOST=" + host + ", which points there."
	}
	return s + "; if it runs elsewhere, set DOCKER_HOST or `docker context use` to point at it."
}

func hostHint(engine, host string) string {
	if host == "" {
		return ""
	}
	return fmt.Sprintf("; or check %s=%s", hostVar(engine), host)
}

func hostVar(engine string) string {
	if engine == Podman {
		return "CONTAINER_HOST"
	}
	return "DOCKER_HOST"
}

func engineTitle(engine string) string {
	switch engine {
	case Podman:
		return "Podman"
	case Docker, "":
		return "Docker"
	default:
		return filepath.Base(engine)
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}
