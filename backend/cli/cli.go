// Package cli is DevArch's command-line face: `devarch <command>` runs the same use cases
// as the window, headless. It only parses arguments and formats results; the use cases live
// once, in backend/engine. Results go to stdout (--json for scripts, one convention across
// commands: docs/cli-json.md); progress, warnings and errors go to stderr. Exit codes: 0
// success, 1 error, 2 usage error (plan --detailed-exitcode: 2 when there are changes).
//
// The command tree is built with cobra (per-command help with examples, shell completion
// of stack, instance, template and secret names, "did you mean" for commands), but the
// error handling is this package's: a usage error names the bad flag or argument and points
// at --help, in three lines, and every other error prints its one-line summary and the
// detail saying what to do.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

// Exit codes scripts rely on.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

func init() {
	// The window, not cobra, answers a double-click on Windows (main only calls Main with
	// arguments); never let cobra print its "this is a command line tool" box.
	cobra.MousetrapHelpText = ""
}

// overview is `devarch --help`: every command on one screen. `devarch COMMAND --help` has
// each command's flags and examples.
const overview = `devarch: isolated local development environments, planned before they run

Usage:
  devarch                      open the desktop app
  devarch COMMAND [ARGS] [flags]
  devarch COMMAND --help       a command's flags and examples

  devarch version [--json]     print the version
  devarch doctor [--json]      check the database, container engine, compose, keychain, webview
  devarch db status [--json]   the embedded database: running?, pid, port, clients, when it stops
  devarch db stop [--json]     stop it now (refused while a DevArch process uses it)

  devarch template list [--json]
  devarch template show NAME [--json]
  devarch template import FILE [--replace] [--json]  add (or replace) a custom template from YAML
  devarch template clone NAME NEW            copy a template as a custom one
  devarch template delete NAME               refused while instances use it

  devarch stack create NAME [--description TEXT] [--root DIR] [--reuse-volumes] [--context CONTEXT] [--json]
  devarch stack list [--json]                with live status
  devarch stack show NAME [--json]
  devarch stack set NAME [--description TEXT] [--root DIR | --default-root]
  devarch stack rename NAME NEW              refused while it has containers (down first)
  devarch stack clone SRC NEW [--root DIR] [--dry-run] [--json]  a copy on free host ports, empty volumes
  devarch stack delete NAME [--force] [--volumes]  refused while it has containers unless --force
  devarch stack set-context NAME CONTEXT     run it on a docker context's engine (default: the default one); the next apply moves it

  devarch engine list [--json]               the engines stacks use, checked now: endpoint, health, ports address
  devarch engine set-address ENGINE ADDRESS  where an engine publishes host ports (--unset: 127.0.0.1)

  devarch instance add STACK NAME --template TEMPLATE [--set PATH=VALUE ...] [--json]
  devarch instance set STACK NAME [--set] PATH=VALUE ... [--unset PATH ...] [--json]
  devarch instance show STACK NAME [--effective] [--json]
  devarch instance list STACK [--json]
  devarch instance rename STACK NAME NEW     refused while it has a container (down first)
  devarch instance set-template STACK NAME TEMPLATE [--json]  keeps its overrides
  devarch instance remove STACK NAME

  devarch secret set STACK NAME [--generate] value from stdin (never argv); encrypted
  devarch secret list STACK [--json]         names, users, last change: never values
  devarch secret reveal STACK NAME           print one value (explicit)
  devarch secret delete STACK NAME           refused while referenced
  devarch secret rotate-key                  new master key; re-encrypt everything at once

  devarch wire list STACK [--json]           explicit, automatic and pinned wires, with problems
  devarch wire set STACK CONSUMER CONTRACT PROVIDER  choose a provider (wins over automatic)
  devarch wire unset STACK CONSUMER CONTRACT         back to automatic wiring
  devarch graph STACK [--format dot|mermaid|json]    the wiring graph: consumer -> provider

  devarch export STACK [-o FILE] [--with-secrets]  the stack as a devarch.yml file (values only encrypted)
  devarch import FILE [--name NEW] [--dry-run] [--json]  create a stack from a devarch.yml (- for stdin)
  devarch import-compose FILE... --stack NAME [--profile P] [--dry-run] [--json]  a stack from a compose project

  devarch compose STACK                      print (and write) the generated compose file
  devarch plan STACK [--out FILE] [--json] [--detailed-exitcode] [--replace INSTANCE ...]
  devarch apply STACK [--plan FILE | --plan-id N] [--yes] [--replace INSTANCE ...] [--json]
                                             apply a saved plan, or plan + confirm
  devarch status STACK [--json]              containers, state, health
  devarch start STACK [INSTANCE...] [--json]  start its (or these instances') containers (apply creates them)
  devarch stop STACK [INSTANCE...] [--json]   stop them, keeping them; stopped instances stay stopped through apply
  devarch down STACK [--volumes] [--json]    remove the stack's containers and network (volumes stay unless --volumes)
  devarch logs STACK [INSTANCE] [-f|--follow] [--tail N] [--since T]
  devarch history STACK [RUN] [--json]       applies and operations; one run with its results

  devarch completion bash|zsh|fish|powershell  shell completion script
  devarch tray                               the tray item as its own process (desktop builds)

PATH=VALUE addresses a field: image=nginx:1.27, environment.APP_ENV=local, ports=["8080:80"].

Environment:
  DEVARCH_HOME          data directory (default: the platform's user data directory)
  DEVARCH_DATABASE_URL  use an external PostgreSQL instead of the embedded one
  DEVARCH_PG_BINARIES   PostgreSQL installation for the embedded server
  DEVARCH_DB_LINGER     how long the embedded server outlives the last command: 30s, 10m,
                        600 (seconds); default 10m; 0 stops it when the last one exits
  DEVARCH_MASTER_KEY_FILE  opt-in 0600 key file when no OS keychain exists
  DOCKER_HOST           the default docker engine, as the docker CLI understands it (docker
                        contexts too; a stack may name another context)
  DEVARCH_DOCKER_API    off: read the engine through the docker CLI only, never its API socket
`

// windowFlags are the flags a desktop launch passes: Wails' dev-build settings (see
// dev_flags.go in package main; the e2e harness starts the window with -assetdir and
// -devserver) and the process serial number older macOS Finders add. With one of them first,
// the arguments are the window's; any other leading flag is the command line's, so a typo
// such as `devarch --verbose` is a usage error instead of silently opening the window.
var windowFlags = []string{"assetdir", "devserver", "frontenddevserverurl", "loglevel"}

// IsCommand reports whether args select the command line rather than the window: any
// arguments do, except a desktop launch's own flags (windowFlags).
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	a := args[0]
	if strings.HasPrefix(a, "-psn_") {
		return false
	}
	name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
	if strings.HasPrefix(a, "-") {
		for _, f := range windowFlags {
			if name == f {
				return false
			}
		}
	}
	return true
}

// usageError is a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitCode ends a command successfully with a specific code (plan --detailed-exitcode).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// cmdEnv is one run of the command line: where output goes and what happened so far.
type cmdEnv struct {
	stdout, stderr io.Writer
	// args are the arguments as given (after normalizeArgs), for messages about flags the
	// command groups do not parse themselves.
	args []string
	// ran is set when a command's own code starts: an error before that (a flag, an
	// argument, an unknown command) is a usage error whatever its type.
	ran bool
	// quiet suppresses the database's progress lines (shell completion must print nothing
	// but its answers).
	quiet bool
	// backend, when set, replaces opening the database (the package's own tests of the
	// argument handling, which must not need one).
	backend func(ctx context.Context, fn func(*engine.Service) error) error
}

// Main runs one command and returns its exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return (&cmdEnv{stdout: stdout, stderr: stderr}).run(ctx, args)
}

func (env *cmdEnv) run(ctx context.Context, args []string) int {
	args = normalizeArgs(args)
	env.args = args
	root := env.rootCommand()
	root.SetArgs(args)
	root.SetOut(env.stdout)
	root.SetErr(env.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	return env.exit(cmd, err)
}

// normalizeArgs keeps the spellings of the flag-package days that scripts use as a whole
// command: -h/-help/--help alone, and -version/--version for `devarch version`.
func normalizeArgs(args []string) []string {
	if len(args) == 0 {
		return []string{}
	}
	switch args[0] {
	case "-help":
		return append([]string{"--help"}, args[1:]...)
	case "-version", "--version":
		return append([]string{"version"}, args[1:]...)
	}
	return args
}

// exit turns a command's outcome into its exit code, printing the error.
func (env *cmdEnv) exit(cmd *cobra.Command, err error) int {
	if err == nil {
		return ExitOK
	}
	var code exitCode
	if errors.As(err, &code) {
		return int(code)
	}
	var ue usageError
	if errors.As(err, &ue) || !env.ran {
		msg := err.Error()
		if errors.As(err, &ue) {
			msg = ue.msg
		}
		env.printUsageError(cmd, msg)
		return ExitUsage
	}
	printError(env.stderr, err)
	return ExitError
}

// printUsageError says what was wrong with the call, the command's synopsis and where its
// help is: three lines, never the whole command list.
func (env *cmdEnv) printUsageError(cmd *cobra.Command, msg string) {
	fmt.Fprintf(env.stderr, "devarch: %s\n", msg)
	if cmd == nil || !cmd.HasParent() {
		fmt.Fprintf(env.stderr, "Usage: devarch COMMAND [ARGS] [flags]\nRun 'devarch --help' for the commands.\n")
		return
	}
	if cmd.HasAvailableSubCommands() {
		fmt.Fprintf(env.stderr, "Usage: %s COMMAND [ARGS] [flags]\nRun '%s --help' for its commands.\n", cmd.CommandPath(), cmd.CommandPath())
		return
	}
	fmt.Fprintf(env.stderr, "Usage: %s\nRun '%s --help' for its flags and examples.\n", cmd.UseLine(), cmd.CommandPath())
}

// printError prints the one-line summary and, indented, the detail saying what to do.
func printError(w io.Writer, err error) {
	e := model.AsError(err)
	summary := e.Summary
	if e.Field != "" {
		summary = e.Field + ": " + summary
	}
	fmt.Fprintf(w, "error: %s\n", summary)
	if e.Detail != "" {
		for _, line := range strings.Split(e.Detail, "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
}

func (env *cmdEnv) printJSON(v any) error {
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (env *cmdEnv) databaseOptions() (database.Options, error) {
	dirs, err := appdir.Resolve()
	if err != nil {
		return database.Options{}, model.Wrap(model.KindUnavailable, err, "cannot tell where DevArch keeps its data", err.Error())
	}
	opts := database.OptionsFromEnv(dirs, "devarch-cli")
	opts.Progress = prefixWriter{w: env.stderr}
	if env.quiet {
		opts.Progress = nil
	}
	return opts, nil
}

// prefixWriter marks progress lines as DevArch's on stderr.
type prefixWriter struct{ w io.Writer }

func (p prefixWriter) Write(b []byte) (int, error) {
	fmt.Fprintf(p.w, "devarch: %s", b)
	return len(b), nil
}

// withBackend opens the database and the use-case service for one command (shell
// completion included, quietly).
func (env *cmdEnv) withBackend(ctx context.Context, fn func(*engine.Service) error) error {
	if env.backend != nil {
		return env.backend(ctx, fn)
	}
	opts, err := env.databaseOptions()
	if err != nil {
		return err
	}
	db, err := database.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))
	svc, _, err := engine.Start(ctx, store.New(db.Pool), opts.Dirs.Stacks)
	if err != nil {
		return err
	}
	svc.SetSharedStore(db.Info.External)
	return fn(svc)
}

// absPath makes a directory typed on the command line absolute (the engine wants absolute
// paths; the user's shell meant the current directory).
func absPath(p string) (string, error) {
	if p == "" {
		return "", nil
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", model.Invalid("root", fmt.Sprintf("cannot resolve %s", p), err.Error())
	}
	return abs, nil
}
