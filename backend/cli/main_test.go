package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
)

// noBackend stands in for the database: the command line's own handling (flags,
// arguments, help, usage errors) is tested without one.
func noBackend(context.Context, func(*engine.Service) error) error {
	return model.NewError(model.KindUnavailable, "no backend in this test", "The test stops here.")
}

// runArgs runs a command line with noBackend.
func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	env := &cmdEnv{stdout: &out, stderr: &errb, backend: noBackend}
	code = env.run(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestIsCommand(t *testing.T) {
	for args, want := range map[string]bool{
		"":                              false, // double-click: the window
		"-assetdir x -devserver 1:2":    false, // the e2e harness's dev build
		"--devserver=127.0.0.1:1":       false,
		"-loglevel debug":               false,
		"-psn_0_12345":                  false, // older macOS Finder
		"--verbose":                     true,  // a typo is a usage error, not the window
		"-x":                            true,
		"stack list":                    true,
		"--help":                        true,
		"-assetdirx":                    true,
		"version --assetdir":            true,
		"--json stack list":             true,
		"-frontenddevserverurl=http://": false,
	} {
		var a []string
		if args != "" {
			a = strings.Fields(args)
		}
		if got := IsCommand(a); got != want {
			t.Errorf("IsCommand(%q) = %v, want %v", args, got, want)
		}
	}
}

// A usage error is three short lines on stderr (what is wrong, the synopsis, where the help
// is), nothing on stdout, exit 2, and names the bad flag or argument.
func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"logs", "shop", "--tial", "5"}, []string{"unknown flag: --tial", "Did you mean --tail?", "Usage: devarch logs STACK [INSTANCE] [flags]", "devarch logs --help"}},
		{[]string{"stak", "list"}, []string{`unknown command "stak"`, "Did you mean stack", "devarch --help"}},
		{[]string{"instance", "rnme", "a", "b", "c"}, []string{`unknown instance subcommand "rnme"`, "Did you mean rename?"}},
		{[]string{"stack", "create", "nwdesc", "My shop"}, []string{`unexpected argument "My shop"`, "--description"}},
		{[]string{"instance", "add", "s", "c", "--template", "redis", "--set", "image=x", `command=["sleep","1"]`},
			[]string{`unexpected argument "command=[\"sleep\",\"1\"]"`, "--set command="}},
		{[]string{"instance", "add", "s", "c"}, []string{"instance add takes STACK NAME --template TEMPLATE"}},
		{[]string{"--verbose"}, []string{"unknown flag: --verbose"}},
		{[]string{"--json", "stack", "list"}, []string{"unknown flag: --json", "after the command"}},
		{[]string{"version", "-json"}, []string{"long flags take two dashes: --json"}},
		{[]string{"apply", "s", "--plan-id", "x"}, []string{`--plan-id "x": not a whole number`}},
		{[]string{"apply", "s", "--plan", "f", "--plan-id", "3"}, []string{"--plan FILE or --plan-id N, not both"}},
		{[]string{"compose", "s", "--json"}, []string{"unknown flag: --json"}},
		{[]string{"logs", "s", "--json"}, []string{"unknown flag: --json"}},
		{[]string{"secret", "reveal", "s", "n", "--json"}, []string{"unknown flag: --json"}},
		{[]string{"stack", "rename", "a", "b", "--json"}, []string{"unknown flag: --json"}},
		{[]string{"logs", "s", "--tail", "x"}, []string{`--tail "x" is not a number of lines`}},
		{[]string{"logs", "s", "--since", "yesterday"}, []string{`--since "yesterday"`, "10m"}},
		{[]string{"history", "s", "x"}, []string{`not "x"`}},
		{[]string{"instance", "set", "s", "n"}, []string{"instance set takes STACK NAME PATH=VALUE"}},
		{[]string{"completion", "tcsh"}, []string{`unknown shell "tcsh"`}},
		{[]string{"stack"}, []string{"stack needs a subcommand: clone, create, delete, list, rename, set, set-context, show"}},
		{[]string{}, []string{"no command given"}},
	} {
		code, stdout, stderr := runArgs(c.args...)
		if code != ExitUsage || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q", c.args, code, stdout)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%q: stderr lacks %q:\n%s", c.args, w, stderr)
			}
		}
		if !strings.HasPrefix(stderr, "devarch: ") || strings.Count(stderr, "\n") > 5 || strings.Contains(stderr, "Environment:") {
			t.Errorf("%q: a usage error is a few lines, not the whole usage:\n%s", c.args, stderr)
		}
	}
}

// A secret value typed on the command line by mistake is never printed back.
func TestSecretSet_ValueNeverEchoed(t *testing.T) {
	const value = "pw-Zq81-never-echo"
	for _, args := range [][]string{
		{"secret", "set", "s", "n", value},
		{"secret", "set", "s", "n", value, "--generate"},
		{"secret", "set", value},
	} {
		code, stdout, stderr := runArgs(args...)
		if code != ExitUsage || strings.Contains(stdout+stderr, value) {
			t.Errorf("%q: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
}

// Flags are accepted anywhere among the arguments, -f is --follow, --set works for
// instance set too: the command reaches the backend (here: the stub's error, exit 1).
func TestFlagsAnywhere(t *testing.T) {
	for _, args := range [][]string{
		{"stack", "create", "shop", "--description", "x"},
		{"stack", "create", "--description", "x", "shop"},
		{"logs", "shop", "-f", "--tail", "5", "--since", "10m"},
		{"logs", "-f", "shop", "web"},
		{"instance", "set", "shop", "web", "--set", "image=x"},
		{"instance", "set", "shop", "web", "--unset", "image"},
		{"instance", "set", "--set", "image=x", "shop", "web", "environment.A=1"},
		{"history", "shop", "12", "--json"},
		{"instance", "set-template", "shop", "db", "mariadb", "--json"},
	} {
		code, stdout, stderr := runArgs(args...)
		if code != ExitError || !strings.Contains(stderr, "error: no backend in this test") || stdout != "" {
			t.Errorf("%q: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
}

// Every command has help with examples, on stdout, exit 0; devarch --help lists every
// command.
func TestHelp(t *testing.T) {
	code, stdout, _ := runArgs("--help")
	if code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	var walk func(path []string)
	root := (&cmdEnv{}).rootCommand()
	for _, c := range root.Commands() {
		if !c.IsAvailableCommand() {
			continue
		}
		if !strings.Contains(stdout, "devarch "+c.Name()) {
			t.Errorf("devarch --help does not list %s", c.Name())
		}
	}
	walk = func(path []string) {
		c, _, err := root.Find(path)
		if err != nil {
			t.Fatal(err)
		}
		if c.HasAvailableSubCommands() {
			for _, sub := range c.Commands() {
				if sub.IsAvailableCommand() {
					walk(append(append([]string{}, path...), sub.Name()))
				}
			}
			return
		}
		code, out, errOut := runArgs(append(path, "--help")...)
		if code != 0 || errOut != "" || !strings.Contains(out, "Usage:\n  devarch "+strings.Join(path, " ")) || !strings.Contains(out, "Examples:\n") ||
			!strings.Contains(out[strings.Index(out, "Examples:"):], "devarch "+strings.Join(path, " ")) {
			t.Errorf("%s --help: exit %d\n%s%s", strings.Join(path, " "), code, out, errOut)
		}
		if !strings.Contains(overview, "devarch "+strings.Join(path, " ")) {
			t.Errorf("devarch --help does not show devarch %s", strings.Join(path, " "))
		}
	}
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() {
			walk([]string{c.Name()})
		}
	}
	if code, out, _ := runArgs("plan", "--help"); code != 0 || !strings.Contains(out, "--out FILE") || !strings.Contains(out, "--detailed-exitcode") {
		t.Errorf("plan --help:\n%s", out)
	}
}

func TestOrderedSets(t *testing.T) {
	for _, c := range []struct {
		raw, pos, flags []string
		want            string
	}{
		{[]string{"instance", "set", "s", "n", "a=1", "--set", "a=2"}, []string{"s", "n", "a=1"}, []string{"a=2"}, "a=1 a=2"},
		{[]string{"instance", "set", "--set", "a=2", "s", "n", "a=1"}, []string{"s", "n", "a=1"}, []string{"a=2"}, "a=2 a=1"},
		{[]string{"instance", "set", "s", "--set=b=1", "n", "--unset", "c", "a=1", "--json"}, []string{"s", "n", "a=1"}, []string{"b=1"}, "b=1 a=1"},
		{[]string{"instance", "set", "s", "n", "--", "--x=1"}, []string{"s", "n", "--x=1"}, nil, "--x=1"},
		{[]string{"instance", "set", "s", "n", "--set", "s"}, []string{"s", "n"}, []string{"s"}, "s"},
	} {
		if got := strings.Join(orderedSets(c.raw, c.pos, c.flags), " "); got != c.want {
			t.Errorf("%q: %q, want %q", c.raw, got, c.want)
		}
	}
}

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{"bash": "__start_devarch", "zsh": "#compdef devarch", "fish": "complete -c devarch", "powershell": "Register-ArgumentCompleter"} {
		code, out, errOut := runArgs("completion", shell)
		if code != 0 || !strings.Contains(out, want) || errOut != "" {
			t.Errorf("completion %s: exit %d, %d bytes, %q", shell, code, len(out), errOut)
		}
	}
}

// FuzzCommandLine runs arbitrary command lines (arguments separated by newlines) without a
// database: it never panics, exits 0, 1 or 2, and each outcome has its form: a usage error
// is a few lines on stderr starting "devarch: " and naming the synopsis, with nothing on
// stdout; another error starts "error: ".
func FuzzCommandLine(f *testing.F) {
	for _, s := range []string{
		"stack\ncreate\nshop\n--description\nx", "logs\nshop\n--tial\n5", "stak", "--verbose", "version\n-json",
		"instance\nadd\ns\nc\n--template\nredis\n--set\nimage=x\ncommand=[1]", "plan\n--help", "apply\ns\n--plan-id\n-1",
		"secret\nset\ns\nn\nvalue", "help\nstack", "completion\nzsh", "__complete\nstack\nshow\n", "--\nstack", "-h",
		"instance\nset\ns\nn\n--set\n--unset\nx", "history\ns\n0", "logs\ns\n--since\n-5m", "stack\n--json\nlist", "-",
		"template\nimport\n/nonexistent", "apply\ns\n--replace\n", "stack\nrm\n--force=maybe\ns",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\n")
		if line == "" {
			args = nil
		}
		for _, a := range args {
			// doctor opens the database itself; import reads files named on the line.
			if strings.Contains(a, "doctor") || strings.Contains(a, "import") {
				return
			}
		}
		code, stdout, stderr := runArgs(args...)
		switch code {
		case ExitOK:
		case ExitError:
			if !strings.HasPrefix(stderr, "error: ") {
				t.Fatalf("%q: exit 1 without an error line: %q", args, stderr)
			}
		case ExitUsage:
			if stdout != "" || !strings.HasPrefix(stderr, "devarch: ") || !strings.Contains(stderr, "\nUsage: ") || !strings.Contains(stderr, "--help' for") {
				t.Fatalf("%q: malformed usage error:\nstdout %q\nstderr %q", args, stdout, stderr)
			}
		default:
			t.Fatalf("%q: exit %d", args, code)
		}
	})
}
