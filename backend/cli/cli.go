// Package cli is DevArch's command-line face: `devarch <subcommand>` runs the same use cases
// as the window, headless. Results go to stdout (--json for scripts); progress, warnings and
// errors go to stderr. Exit codes: 0 success, 1 error, 2 usage error.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/doctor"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/store"
	"github.com/devarch/devarch/backend/version"
)

// Exit codes scripts rely on.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

const usage = `devarch: isolated local development environments, planned before they run

Usage:
  devarch                      open the desktop app
  devarch version [--json]     print the version
  devarch doctor [--json]      check the database, container engine, compose, keychain, webview

  devarch template list [--json]
  devarch template show NAME [--json]
  devarch template import FILE [--replace]   add (or replace) a custom template from YAML
  devarch template clone NAME NEW            copy a template as a custom one
  devarch template delete NAME               refused while instances use it

  devarch stack create NAME [--description TEXT] [--root DIR] [--reuse-volumes]
  devarch stack list [--json]                with live status
  devarch stack show NAME [--json]
  devarch stack set NAME [--description TEXT] [--root DIR | --default-root]
  devarch stack rename NAME NEW              refused while it has containers (down first)
  devarch stack delete NAME [--force] [--volumes]  refused while it has containers unless --force

  devarch instance add STACK NAME --template TEMPLATE [--set PATH=VALUE ...]
  devarch instance set STACK NAME PATH=VALUE ... [--unset PATH ...]
  devarch instance show STACK NAME [--effective] [--json]
  devarch instance remove STACK NAME

  devarch secret set STACK NAME [--generate] value from stdin (never argv); encrypted
  devarch secret list STACK [--json]         names, users, last change: never values
  devarch secret reveal STACK NAME           print one value (explicit)
  devarch secret delete STACK NAME           refused while referenced
  devarch secret rotate-key                  new master key; re-encrypt everything at once

  devarch compose STACK                      print (and write) the generated compose file
  devarch plan STACK [--out FILE] [--json] [--detailed-exitcode] [--replace INSTANCE ...]
  devarch apply STACK [--plan FILE | --plan-id N] [--yes] [--replace INSTANCE ...]
                                             apply a saved plan, or plan + confirm
  devarch status STACK [--json]              containers, state, health
  devarch start STACK | stop STACK           quick start/stop
  devarch down STACK [--volumes]             remove the stack's containers and network (volumes stay unless --volumes)
  devarch logs STACK [INSTANCE] [--follow]
  devarch history STACK [--json]             applies and operations with their results

PATH=VALUE addresses a field: image=nginx:1.27, environment.APP_ENV=local, ports=["8080:80"].

Environment:
  DEVARCH_HOME          data directory (default: the platform's user data directory)
  DEVARCH_DATABASE_URL  use an external PostgreSQL instead of the embedded one
  DEVARCH_PG_BINARIES   PostgreSQL installation for the embedded server
  DEVARCH_MASTER_KEY_FILE  opt-in 0600 key file when no OS keychain exists
  DOCKER_HOST           the docker engine to drive, as the docker CLI understands it
`

// IsCommand reports whether args select the command line rather than the window.
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "-h", "-help", "--help", "help", "--version", "-version":
		return true
	}
	return !strings.HasPrefix(args[0], "-")
}

// usageError is a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

type cmdEnv struct {
	stdout, stderr io.Writer
}

// Main runs one command and returns its exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	env := cmdEnv{stdout: stdout, stderr: stderr}
	err := env.dispatch(ctx, args)
	if err == nil {
		return ExitOK
	}
	var code exitCode
	if errors.As(err, &code) {
		return int(code)
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "devarch: %s\n\n%s", ue.msg, usage)
		return ExitUsage
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	printError(stderr, err)
	return ExitError
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

func (env cmdEnv) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"no command given"}
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(env.stdout, usage)
		return nil
	case "version", "--version", "-version":
		return env.version(args[1:])
	case "doctor":
		return env.doctor(ctx, args[1:])
	case "stack":
		return env.sub(ctx, "stack", args[1:], map[string]func(context.Context, []string) error{
			"list": env.stackList, "ls": env.stackList, "create": env.stackCreate, "show": env.stackShow,
			"rename": env.stackRename, "delete": env.stackDelete, "rm": env.stackDelete, "set": env.stackSet,
		})
	case "template":
		return env.sub(ctx, "template", args[1:], map[string]func(context.Context, []string) error{
			"list": env.templateList, "ls": env.templateList, "show": env.templateShow, "import": env.templateImport,
			"clone": env.templateClone, "delete": env.templateDelete, "rm": env.templateDelete,
		})
	case "instance":
		return env.sub(ctx, "instance", args[1:], map[string]func(context.Context, []string) error{
			"add": env.instanceAdd, "set": env.instanceSet, "show": env.instanceShow, "remove": env.instanceRemove, "rm": env.instanceRemove,
		})
	case "secret":
		return env.sub(ctx, "secret", args[1:], map[string]func(context.Context, []string) error{
			"set": env.secretSet, "list": env.secretList, "ls": env.secretList, "reveal": env.secretReveal,
			"delete": env.secretDelete, "rm": env.secretDelete, "rotate-key": env.secretRotateKey,
		})
	case "compose":
		return env.compose(ctx, args[1:])
	case "plan":
		return env.planCmd(ctx, args[1:])
	case "apply":
		return env.applyCmd(ctx, args[1:])
	case "status":
		return env.statusCmd(ctx, args[1:])
	case "start", "stop", "down":
		return env.operate(args[0])(ctx, args[1:])
	case "logs":
		return env.logsCmd(ctx, args[1:])
	case "history":
		return env.historyCmd(ctx, args[1:])
	}
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

// sub dispatches "NOUN VERB ...".
func (env cmdEnv) sub(ctx context.Context, noun string, args []string, verbs map[string]func(context.Context, []string) error) error {
	names := make([]string, 0, len(verbs))
	for v := range verbs {
		names = append(names, v)
	}
	sort.Strings(names)
	if len(args) == 0 {
		return usageError{fmt.Sprintf("%s needs a subcommand: %s", noun, strings.Join(names, ", "))}
	}
	fn, ok := verbs[args[0]]
	if !ok {
		return usageError{fmt.Sprintf("unknown %s subcommand %q (one of: %s)", noun, args[0], strings.Join(names, ", "))}
	}
	return fn(ctx, args[1:])
}

func (env cmdEnv) flags(name string) (*flag.FlagSet, *bool) {
	fs := flag.NewFlagSet("devarch "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	asJSON := fs.Bool("json", false, "print machine-readable JSON on stdout")
	return fs, asJSON
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}

func (env cmdEnv) printJSON(v any) error {
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (env cmdEnv) version(args []string) error {
	fs, asJSON := env.flags("version")
	if err := parse(fs, args); err != nil {
		return err
	}
	v := version.Get()
	if *asJSON {
		return env.printJSON(v)
	}
	commit := ""
	if v.Commit != "" {
		commit = " (" + v.Commit + ")"
	}
	fmt.Fprintf(env.stdout, "devarch %s%s %s %s\n", v.Version, commit, v.GoVersion, v.Platform)
	return nil
}

func (env cmdEnv) databaseOptions() (database.Options, error) {
	dirs, err := appdir.Resolve()
	if err != nil {
		return database.Options{}, model.Wrap(model.KindUnavailable, err, "cannot tell where DevArch keeps its data", err.Error())
	}
	opts := database.OptionsFromEnv(dirs, "devarch-cli")
	opts.Progress = prefixWriter{w: env.stderr}
	return opts, nil
}

// prefixWriter marks progress lines as DevArch's on stderr.
type prefixWriter struct{ w io.Writer }

func (p prefixWriter) Write(b []byte) (int, error) {
	fmt.Fprintf(p.w, "devarch: %s", b)
	return len(b), nil
}

func (env cmdEnv) doctor(ctx context.Context, args []string) error {
	fs, asJSON := env.flags("doctor")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, err := env.databaseOptions()
	if err != nil {
		return err
	}
	opts.Progress = nil // the report says it all
	checks := doctor.Report(ctx, opts, runtime.Options{})
	healthy := doctor.Healthy(checks)
	if *asJSON {
		if err := env.printJSON(map[string]any{"healthy": healthy, "checks": checks}); err != nil {
			return err
		}
	} else {
		for _, c := range checks {
			mark := map[string]string{doctor.OK: "ok  ", doctor.Warning: "warn", doctor.Error: "FAIL"}[c.Status]
			fmt.Fprintf(env.stdout, "[%s] %-9s %s\n", mark, c.Name, c.Summary)
			if c.Detail != "" {
				fmt.Fprintf(env.stdout, "           %s\n", c.Detail)
			}
			if c.Fix != "" {
				fmt.Fprintf(env.stdout, "           fix: %s\n", c.Fix)
			}
		}
	}
	if !healthy {
		return model.NewError(model.KindUnavailable, "doctor found problems", "Apply the fixes above and run devarch doctor again.")
	}
	return nil
}

// withBackend opens the database and the use-case service for one command.
func (env cmdEnv) withBackend(ctx context.Context, fn func(*engine.Service) error) error {
	opts, err := env.databaseOptions()
	if err != nil {
		return err
	}
	db, err := database.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))
	svc := engine.New(store.New(db.Pool), runtime.Options{}, opts.Dirs.Stacks)
	if _, err := svc.SyncCatalog(ctx); err != nil {
		return err
	}
	return fn(svc)
}

type stackJSON struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Instances   int       `json:"instances"`
	Revision    int64     `json:"revision"`
	Status      string    `json:"status"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func (env cmdEnv) stackList(ctx context.Context, args []string) error {
	fs, asJSON := env.flags("stack list")
	if err := parse(fs, args); err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		list, err := svc.ListStacks(ctx)
		if err != nil {
			return err
		}
		if list.EngineErr != nil {
			e := model.AsError(list.EngineErr)
			fmt.Fprintf(env.stderr, "warning: live status unavailable: %s\n", e.Summary)
		}
		if *asJSON {
			out := make([]stackJSON, 0, len(list.Stacks))
			for _, s := range list.Stacks {
				out = append(out, stackJSON{s.Name, s.Description, s.Instances, s.Revision, s.Status, s.UpdatedAt})
			}
			return env.printJSON(out)
		}
		if len(list.Stacks) == 0 {
			fmt.Fprintln(env.stderr, "No stacks yet.")
			return nil
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tINSTANCES\tSTATUS\tREVISION\tDESCRIPTION")
		for _, s := range list.Stacks {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\n", s.Name, s.Instances, s.Status, s.Revision, s.Description)
		}
		return tw.Flush()
	})
}

// parseInterleaved parses flags wherever they appear among positional arguments
// (`stack create shop --description x` and `stack create --description x shop` alike) and
// returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (env cmdEnv) stackCreate(ctx context.Context, args []string) error {
	fs, asJSON := env.flags("stack create")
	desc := fs.String("description", "", "what the stack is for (at most 500 characters)")
	root := fs.String("root", "", "the project's directory: relative bind mounts and build contexts resolve there (default: the stack's folder under the data home)")
	reuse := fs.Bool("reuse-volumes", false, "mount the volumes a deleted stack of the same name left (its data) instead of fresh ones")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"stack create takes exactly one NAME"}
	}
	abs, err := absPath(*root)
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		st, err := svc.CreateStack(ctx, pos[0], engine.StackOptions{Description: *desc, Root: abs, ReuseVolumes: *reuse})
		if err != nil {
			return err
		}
		if *asJSON {
			return env.printJSON(stackJSON{st.Name, st.Description, 0, st.Revision, engine.StatusStopped, st.UpdatedAt})
		}
		fmt.Fprintf(env.stderr, "Created stack %s.\n", st.Name)
		return nil
	})
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
