package cli

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/devarch/devarch/backend/spelling"
)

// rootCommand builds the whole command tree for one run.
func (env *cmdEnv) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "devarch",
		Short:         "isolated local development environments, planned before they run",
		SilenceErrors: true, // exit prints errors, in DevArch's form
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		RunE:          env.groupRun,
		// The groups say "unknown command" (with suggestions) themselves, before any flag
		// of the mistyped command is reported.
		FParseErrWhitelist:         cobra.FParseErrWhitelist{UnknownFlags: true},
		SuggestionsMinimumDistance: 2,
		CompletionOptions:          cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	defaultHelp := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		if !c.HasParent() {
			fmt.Fprint(c.OutOrStdout(), overview)
			return
		}
		defaultHelp(c, args)
	})
	// A noun (stack, instance, ...) runs only to say what is missing: its synopsis is
	// "NOUN COMMAND", not a runnable line of its own.
	root.SetUsageTemplate(strings.Replace(root.UsageTemplate(), "Usage:{{if .Runnable}}", "Usage:{{if and .Runnable (not .HasAvailableSubCommands)}}", 1))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{flagMessage(c, err)}
	})
	root.SetHelpCommand(env.helpCommand())
	root.AddCommand(
		env.versionCommand(),
		env.doctorCommand(),
		env.group("db", "Show or stop the embedded database (it lingers after the last command)",
			env.dbStatusCommand(), env.dbStopCommand()),
		env.group("stack", "Create, inspect, change and delete stacks",
			env.stackCreateCommand(), env.stackListCommand(), env.stackShowCommand(), env.stackSetCommand(),
			env.stackRenameCommand(), env.stackSetContextCommand(), env.stackCloneCommand(), env.stackDeleteCommand()),
		env.group("engine", "List the container engines stacks run on and set where they publish ports",
			env.engineListCommand(), env.engineSetAddressCommand()),
		env.group("template", "List, show, import, clone and delete service templates",
			env.templateListCommand(), env.templateShowCommand(), env.templateImportCommand(),
			env.templateCloneCommand(), env.templateDeleteCommand()),
		env.group("instance", "Place templates in a stack and override their fields",
			env.instanceAddCommand(), env.instanceSetCommand(), env.instanceShowCommand(), env.instanceListCommand(),
			env.instanceRenameCommand(), env.instanceSetTemplateCommand(), env.instanceRemoveCommand()),
		env.group("secret", "Set, list, reveal and delete a stack's encrypted secrets",
			env.secretSetCommand(), env.secretListCommand(), env.secretRevealCommand(), env.secretDeleteCommand(),
			env.secretRotateKeyCommand()),
		env.group("wire", "List, set and unset the wires between a stack's instances",
			env.wireListCommand(), env.wireSetCommand(), env.wireUnsetCommand()),
		env.graphCommand(),
		env.exportCommand(),
		env.importCommand(),
		env.importComposeCommand(),
		env.composeCommand(),
		env.planCommand(),
		env.applyCommand(),
		env.statusCommand(),
		env.operateCommand("start"), env.operateCommand("stop"), env.operateCommand("down"),
		env.logsCommand(),
		env.historyCommand(),
		env.completionCommand(),
		env.trayCommand(),
	)
	return root
}

// helpCommand is `devarch help [COMMAND...]`: a command's help, or a usage error (with a
// suggestion) for one that does not exist.
func (env *cmdEnv) helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "Help about any command",
		Args:  cobra.ArbitraryArgs,
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			target, _, _ := c.Root().Find(args)
			var out []cobra.Completion
			for _, sub := range target.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, sub.Name())
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil {
				return usageError{err.Error()}
			}
			if len(rest) > 0 && target.HasAvailableSubCommands() {
				return env.groupRun(target, rest)
			}
			return target.Help()
		},
	}
}

// group is a noun command (stack, template, ...) whose verbs are its subcommands. Called
// alone or with an unknown verb it is a usage error listing the verbs, with a suggestion
// for a typo.
func (env *cmdEnv) group(name, short string, verbs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:                        name,
		Short:                      short,
		Args:                       cobra.ArbitraryArgs,
		RunE:                       env.groupRun,
		FParseErrWhitelist:         cobra.FParseErrWhitelist{UnknownFlags: true},
		SuggestionsMinimumDistance: 2,
	}
	c.AddCommand(verbs...)
	return c
}

// groupRun answers a noun (or devarch itself) given no verb, an unknown verb, or a flag
// before any verb.
func (env *cmdEnv) groupRun(c *cobra.Command, args []string) error {
	var verbs []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			verbs = append(verbs, sub.Name())
		}
	}
	sort.Strings(verbs)
	if len(args) == 0 {
		if f := env.firstFlag(); f != "" {
			return usageError{"unknown flag: " + f}
		}
		if !c.HasParent() {
			return usageError{"no command given"}
		}
		return usageError{fmt.Sprintf("%s needs a subcommand: %s", c.Name(), strings.Join(verbs, ", "))}
	}
	if f := env.firstFlag(); f != "" && slices.Index(env.args, f) >= 0 && slices.Index(env.args, f) < slices.Index(env.args, args[0]) {
		// devarch --json stack list: the flag hid the command after it.
		return usageError{fmt.Sprintf("unknown flag: %s (flags go after the command they belong to, e.g. devarch stack list --json)", f)}
	}
	msg := fmt.Sprintf("unknown %s subcommand %q (one of: %s)", c.Name(), args[0], strings.Join(verbs, ", "))
	if !c.HasParent() {
		msg = fmt.Sprintf("unknown command %q", args[0])
	}
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\nDid you mean " + orList(s) + "?"
	}
	return usageError{msg}
}

// firstFlag is the first flag-looking argument given, "" when none.
func (env *cmdEnv) firstFlag() string {
	for _, a := range env.args {
		if a == "--" {
			return ""
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			name, _, _ := strings.Cut(a, "=")
			return name
		}
	}
	return ""
}

// orList joins names for "did you mean": a, b or c.
func orList(names []string) string {
	seen := map[string]bool{}
	var uniq []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			uniq = append(uniq, n)
		}
	}
	if len(uniq) == 1 {
		return uniq[0]
	}
	return strings.Join(uniq[:len(uniq)-1], ", ") + " or " + uniq[len(uniq)-1]
}

// leaf finishes a command that does work: it marks the run as the command's own (errors are
// no longer usage errors) before run starts.
func (env *cmdEnv) leaf(c *cobra.Command, run func(c *cobra.Command, args []string) error) *cobra.Command {
	c.RunE = func(c *cobra.Command, args []string) error {
		env.ran = true
		return run(c, args)
	}
	if c.ValidArgsFunction == nil && len(c.ValidArgs) == 0 {
		c.ValidArgsFunction = cobra.NoFileCompletions
	}
	return c
}

// args checks a command's positional arguments: between min and max (max < 0: no limit),
// what describing them for the message ("exactly one NAME", "STACK NAME"). Too many names
// the first unexpected argument, and hint (when set) may add what it probably meant.
func args(min, max int, what string, hint func(extra string) string) cobra.PositionalArgs {
	return func(c *cobra.Command, a []string) error {
		name := strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ")
		switch {
		case max >= 0 && len(a) > max:
			msg := fmt.Sprintf("%s takes %s; unexpected argument %q", name, what, a[max])
			if hint != nil {
				if h := hint(a[max]); h != "" {
					msg += " (" + h + ")"
				}
			}
			return usageError{msg}
		case len(a) < min:
			return usageError{fmt.Sprintf("%s takes %s", name, what)}
		}
		return nil
	}
}

// flagMessage turns a flag parsing error into a message naming the flag, with a suggestion
// when the flag is close to one the command has.
func flagMessage(c *cobra.Command, err error) string {
	var notExist *pflag.NotExistError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.As(err, &notExist):
		if short := notExist.GetSpecifiedShortnames(); short != "" {
			// -json: the flag package's spelling of --json.
			if f := c.Flags().Lookup(short); f != nil {
				return fmt.Sprintf("unknown flag -%s: long flags take two dashes: --%s", short, f.Name)
			}
			return err.Error()
		}
		if s := closestFlag(c, notExist.GetSpecifiedName()); s != "" {
			return fmt.Sprintf("%s\nDid you mean --%s?", err.Error(), s)
		}
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		why := invalid.Unwrap()
		var num *strconv.NumError
		if errors.As(why, &num) {
			why = errors.New("not a whole number")
		}
		return fmt.Sprintf("--%s %q: %v", f.Name, invalid.GetValue(), why)
	}
	return err.Error()
}

// closestFlag is the command's flag nearest to name (an edit or two away, or name a prefix
// of it), "" when none is.
func closestFlag(c *cobra.Command, name string) string {
	best, bestD := "", 3
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := spelling.Distance(name, f.Name)
		if strings.HasPrefix(f.Name, name) && len(name) >= 2 {
			d = 1
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// jsonFlag adds --json to a command that honours it.
func jsonFlag(c *cobra.Command) *bool {
	return c.Flags().Bool("json", false, "print machine-readable JSON on stdout (docs/cli-json.md)")
}
