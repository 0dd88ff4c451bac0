package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/devarch/devarch/backend/model"
)

// stderrTailSize bounds how much of a command's stderr is kept for its error detail: enough for
// compose's last few progress lines and the error itself, small enough to show in a toast.
const stderrTailSize = 4096

// waitDelayAfterKill bounds how long Run waits, once the process group has been killed or the
// command has exited, for stray processes still holding its output pipes.
const waitDelayAfterKill = 2 * time.Second

// RunOptions tunes one engine command. The zero value runs the command with the engine's
// environment, in the current directory, with no stdin, capturing stdout.
type RunOptions struct {
	// Env holds extra "KEY=VALUE" entries appended after os.Environ() and the engine's own
	// Options.Env; a later entry wins, except over an Engine's Context (DOCKER_CONTEXT and
	// DOCKER_HOST are set after Env). This is how secret values reach compose interpolation:
	// they are never logged, never put into errors and never placed in argv.
	Env []string
	// Dir is the working directory ("" = the current one). Compose resolves relative paths in
	// a project file against it.
	Dir string
	// Stdin feeds the command's standard input (nil = empty).
	Stdin io.Reader
	// Stdout, when set, receives stdout as it is produced and Result.Stdout stays nil; use it
	// for long or endless output (logs, events) that must not accumulate in memory.
	Stdout io.Writer
	// Stderr, when set, also receives stderr as it is produced. The last 4 KiB are kept for
	// Result.Stderr and the error detail either way.
	Stderr io.Writer
	// Redact lists values (secrets the command received in Env) that must never appear in
	// what the command printed: every line of stdout and stderr has each of them replaced by
	// "(sensitive)" before it reaches Stdout, Stderr, Result or an error.
	Redact []string
	// Grace is how long a canceled command gets to exit after SIGTERM before its process group
	// is killed with SIGKILL. Zero (the default) kills at once: the engine CLIs keep no local
	// state worth saving and the daemon finishes any API call it already received.
	Grace time.Duration
}

// Result is what a finished command left behind. Run returns it also on failure, as far as
// it is known.
type Result struct {
	// Stdout is the whole standard output, unless RunOptions.Stdout took it.
	Stdout []byte
	// Stderr is the trimmed last 4 KiB of standard error.
	Stderr string
	// ExitCode is the process's exit status; -1 when it was killed by a signal or never ran.
	ExitCode int
	// PID is the process id of the command, which is also its process group id (0 when it
	// never started). The group is gone when Run returns after a cancellation.
	PID int
	// Duration is the wall time from start to exit.
	Duration time.Duration
}

// CommandError is the cause kept in a failed command's *model.Error, for callers that need
// the exit code or argv (errors.As). Its text is meant for logs, not for users.
type CommandError struct {
	Argv     []string // the command as requested (before Options.Wrap)
	ExitCode int
	Stderr   string // trimmed tail of stderr
	Err      error  // the underlying exec error
}

func (e *CommandError) Error() string {
	return fmt.Sprintf("%s: %v", displayArgv(e.Argv), e.Err)
}

func (e *CommandError) Unwrap() error { return e.Err }

// Run runs the engine binary (docker or podman) with args, e.g. Run(ctx, []string{"ps",
// "-a"}, RunOptions{}). It returns when the command has exited, or when ctx is done and the
// command's whole process group has been killed; in that case the error is KindCanceled and
// wraps context.Cause(ctx).
//
// A non-zero exit returns a *model.Error whose Detail is the command's stderr (trimmed, last
// 4 KiB). Its Kind is KindEngineUnavailable when the CLI could not reach the daemon,
// KindNotFound for "no such container/image/network/...", KindConflict for names or ports
// already in use, and KindInternal otherwise.
func (e *Engine) Run(ctx context.Context, args []string, opts RunOptions) (Result, error) {
	return e.exec(ctx, append([]string{e.Path}, args...), opts)
}

// RunCompose runs the detected compose flavour with args (the project arguments: -p, -f,
// then the subcommand), e.g. RunCompose(ctx, []string{"-p", "shop", "-f", file, "up", "-d"},
// opts). It behaves exactly like Run, and fails with KindEngineUnavailable when no usable
// compose was detected.
func (e *Engine) RunCompose(ctx context.Context, args []string, opts RunOptions) (Result, error) {
	if len(e.Compose.Argv) == 0 {
		return Result{ExitCode: -1}, composeMissing(e.Name, "")
	}
	argv := append(append([]string(nil), e.Compose.Argv...), args...)
	return e.exec(ctx, argv, opts)
}

// exec is the single place that starts engine processes. argv[0] is resolved against the
// PATH of the effective environment, after Options.Wrap has had its say.
func (e *Engine) exec(ctx context.Context, argv []string, opts RunOptions) (Result, error) {
	res := Result{ExitCode: -1}
	if len(argv) == 0 || argv[0] == "" {
		return res, model.NewError(model.KindInternal, "no command to run", "runtime was asked to run an empty argv")
	}
	if ctx.Err() != nil {
		return res, canceledError(argv, context.Cause(ctx))
	}
	env := mergeEnv(childEnviron(), e.env, opts.Env, e.contextEnv())
	run := argv
	if e.wrap != nil {
		run = e.wrap(append([]string(nil), argv...))
	}
	path, err := lookPath(run[0], envValue(env, "PATH"))
	if err != nil {
		return res, model.Wrap(model.KindEngineUnavailable, err,
			fmt.Sprintf("cannot run %s", filepath.Base(run[0])),
			fmt.Sprintf("%s was not found on PATH (%s) or is not executable", run[0], envValue(env, "PATH")))
	}

	cmd := exec.CommandContext(ctx, path, run[1:]...)
	cmd.Args[0] = run[0]
	cmd.Env = env
	cmd.Dir = opts.Dir
	cmd.Stdin = opts.Stdin
	var stdout bytes.Buffer
	if opts.Stdout != nil {
		cmd.Stdout = opts.Stdout
	} else {
		cmd.Stdout = &stdout
	}
	stderr := &tailBuffer{max: stderrTailSize}
	if opts.Stderr != nil {
		cmd.Stderr = io.MultiWriter(stderr, opts.Stderr)
	} else {
		cmd.Stderr = stderr
	}
	var flush []*redactor
	for _, w := range []*io.Writer{&cmd.Stdout, &cmd.Stderr} {
		if r := newRedactor(*w, opts.Redact); r != nil {
			*w = r
			flush = append(flush, r)
		}
	}
	ownProcessGroup(cmd)
	exited := make(chan struct{})
	defer close(exited)
	cmd.Cancel = func() error { return terminateGroup(cmd.Process, opts.Grace, exited) }
	cmd.WaitDelay = opts.Grace + waitDelayAfterKill

	start := time.Now()
	if err := startProcess(cmd); err != nil {
		return res, model.Wrap(model.KindEngineUnavailable, err,
			fmt.Sprintf("cannot start %s", filepath.Base(path)), err.Error())
	}
	res.PID = cmd.Process.Pid
	err = cmd.Wait()
	for _, r := range flush {
		_ = r.Flush()
	}
	res.Duration = time.Since(start)
	res.Stderr = stderr.String()
	if opts.Stdout == nil {
		res.Stdout = stdout.Bytes()
	}
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}

	// ErrWaitDelay with a clean exit: the command succeeded but left a child holding its
	// output; its result is still the command's result. (After a successful Cancel, Wait
	// reports ctx.Err() even for a clean exit, so a canceled command never lands here.)
	succeeded := err == nil || (errors.Is(err, exec.ErrWaitDelay) &&
		cmd.ProcessState != nil && cmd.ProcessState.Success())
	if succeeded {
		return res, nil
	}
	if ctx.Err() != nil {
		// The leader is gone; stragglers that ignored SIGTERM must not outlive the call.
		killGroup(res.PID)
		return res, canceledError(argv, context.Cause(ctx))
	}
	return res, e.contextProblem(commandFailed(argv, res, err))
}

// commandFailed turns a non-zero exit into a model.Error whose detail is what the command
// said on stderr (or, if it said nothing there, the end of its stdout).
func commandFailed(argv []string, res Result, err error) *model.Error {
	detail := res.Stderr
	if detail == "" && res.Stdout != nil {
		detail = tail(string(res.Stdout), stderrTailSize)
	}
	how := fmt.Sprintf("exit code %d", res.ExitCode)
	if res.ExitCode < 0 {
		how = err.Error()
	}
	if detail == "" {
		detail = "the command printed no error output (" + how + ")"
	}
	cause := &CommandError{Argv: argv, ExitCode: res.ExitCode, Stderr: res.Stderr, Err: err}
	if p := daemonProblem(filepath.Base(argv[0]), res.Stderr, ""); p != nil && strictDaemonMessage(res.Stderr) {
		p.Err = cause
		return p
	}
	kind := model.KindInternal
	switch {
	case notFoundRE.MatchString(res.Stderr):
		kind = model.KindNotFound
	case conflictRE.MatchString(res.Stderr):
		kind = model.KindConflict
	}
	return model.Wrap(kind, cause, fmt.Sprintf("`%s` failed (%s)", displayArgv(argv), how), detail)
}

var (
	notFoundRE = regexp.MustCompile(`(?i)\bno such (container|object|image|network|volume|service)\b`)
	conflictRE = regexp.MustCompile(`(?i)(is already in use|port is already allocated|address already in use|\bConflict\. )`)
)

func canceledError(argv []string, cause error) *model.Error {
	if cause == nil {
		cause = context.Canceled
	}
	return model.Wrap(model.KindCanceled, cause,
		fmt.Sprintf("`%s` was canceled", displayArgv(argv)),
		fmt.Sprintf("the command was stopped before it finished (%v)", cause))
}

// displayArgv renders argv for a summary: the binary's base name and its arguments, quoted
// where needed, cut to a readable length. argv never holds secrets (see RunOptions.Env).
func displayArgv(argv []string) string {
	parts := make([]string, 0, len(argv))
	for i, a := range argv {
		if i == 0 {
			a = filepath.Base(a)
		}
		if a == "" || strings.ContainsAny(a, " \t\n'\"`$\\") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	s := strings.Join(parts, " ")
	const max = 160
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

// tailBuffer keeps the last max bytes written to it. It is safe for concurrent writers.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
	cut bool
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
		t.cut = true
	}
	return len(p), nil
}

// String returns the trimmed tail, starting at a line boundary when it had to be cut.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return cutTail(string(t.buf), t.max, t.cut)
}

// tail returns the trimmed last max bytes of s, starting after a newline when it cuts.
func tail(s string, max int) string { return cutTail(s, max, false) }

// cutTail is tail for text that may already have lost its beginning (cut): such text, too,
// starts at a line boundary and is marked with "…".
func cutTail(s string, max int, cut bool) string {
	s = strings.TrimRight(s, " \t\r\n")
	if len(s) > max {
		s = s[len(s)-max:]
		cut = true
	}
	if !cut {
		return strings.TrimSpace(s)
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 && i < len(s)-1 {
		s = s[i+1:]
	}
	return "…" + strings.TrimSpace(s)
}

// privateVars are DevArch's own settings that may hold credentials: engine commands never
// inherit them (anything a compose process has, a container or a log may end up showing).
var privateVars = []string{"DEVARCH_DATABASE_URL"}

// childEnviron is the process environment an engine command starts from: DevArch's own,
// without privateVars.
func childEnviron() []string {
	env := os.Environ()
	out := env[:0:0]
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		private := false
		for _, p := range privateVars {
			if k == p {
				private = true
			}
		}
		if !private {
			out = append(out, kv)
		}
	}
	return out
}

// mergeEnv concatenates environments; exec uses the last value of a duplicated key, so later
// layers override earlier ones.
func mergeEnv(layers ...[]string) []string {
	n := 0
	for _, l := range layers {
		n += len(l)
	}
	out := make([]string, 0, n)
	for _, l := range layers {
		out = append(out, l...)
	}
	return out
}

// envValue returns the last value of key in env ("" when unset), matching exec's rule.
func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		k, v, ok := strings.Cut(env[i], "=")
		if ok && (k == key || (goruntime.GOOS == "windows" && strings.EqualFold(k, key))) {
			return v
		}
	}
	return ""
}

// lookPath finds name in pathList (not the process's PATH), so that detection honours
// Options.Env without mutating the process environment. Names containing a separator are used
// as they are. Empty PATH entries (the current directory) are ignored on purpose.
func lookPath(name, pathList string) (string, error) {
	exts := []string{""}
	if goruntime.GOOS == "windows" {
		exts = []string{".exe", ".cmd", ".bat", ""}
	}
	if strings.ContainsRune(name, filepath.Separator) || strings.ContainsRune(name, '/') {
		for _, ext := range exts {
			if isExecutable(name + ext) {
				return name + ext, nil
			}
		}
		return "", fmt.Errorf("%s: %w", name, exec.ErrNotFound)
	}
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		for _, ext := range exts {
			if p := filepath.Join(dir, name+ext); isExecutable(p) {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%s: %w", name, exec.ErrNotFound)
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() {
		return false
	}
	return goruntime.GOOS == "windows" || fi.Mode()&0o111 != 0
}
