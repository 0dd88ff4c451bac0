package cli

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

var operationHelp = map[string]struct{ short, long, example string }{
	engine.OpStart: {"Start a stack's (or some instances') existing containers", `Start the stack's containers (they must exist: apply creates them), and mark the stack as
meant to run. Named instances start alone (with the instances they depend on, which compose
starts first) and are marked as meant to run.`, "  devarch start shop\n  devarch start shop web"},
	engine.OpStop: {"Stop a stack's (or some instances') containers, keeping them", `Stop the stack's containers without removing them, and mark the stack as meant to be stopped:
the next plan leaves its stopped containers alone and creates new ones without starting them.
Named instances stop alone and stay stopped the same way (the plan lists them as stopped on
purpose) until devarch start STACK INSTANCE or devarch start STACK.`, "  devarch stop shop\n  devarch stop shop worker mail"},
	engine.OpDown: {"Remove a stack's containers and network (volumes stay unless --volumes)", `Remove the stack's containers and network. Named volumes (your data) stay unless --volumes.
The next apply creates everything again.`, "  devarch down shop\n  devarch down shop --volumes   # and its data"},
}

func (env *cmdEnv) operateCommand(op string) *cobra.Command {
	h := operationHelp[op]
	c := &cobra.Command{
		Use:               op + " STACK",
		Short:             h.short,
		Long:              h.long,
		Example:           h.example,
		Args:              args(1, 1, "exactly one STACK", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	perInstance := op == engine.OpStart || op == engine.OpStop
	if perInstance {
		c.Use = op + " STACK [INSTANCE...]"
		c.Args = args(1, -1, "STACK [INSTANCE...]", nil)
		c.ValidArgsFunction = env.completeArgs(stackNames, instanceNames, instanceNames, instanceNames, instanceNames)
	}
	asJSON := jsonFlag(c)
	var volumes *bool
	if op == engine.OpDown {
		volumes = c.Flags().Bool("volumes", false, "also remove the stack's named volumes: its data")
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		var opts engine.OpOptions
		if volumes != nil {
			opts.Volumes = *volumes
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			var res engine.OpResult
			var err error
			if perInstance && len(a) > 1 {
				res, err = svc.OperateInstances(c.Context(), a[0], op, a[1:], engine.Who("cli"), env.progressPrinter(""))
			} else {
				res, err = svc.Operate(c.Context(), a[0], op, opts, engine.Who("cli"), env.progressPrinter(""))
			}
			if err != nil {
				return err
			}
			if *asJSON {
				return env.printJSON(operationJSON{Stack: a[0], Instances: a[1:], Operation: op, Summary: res.Summary, RemovedVolumes: nonNil(res.RemovedVolumes)})
			}
			fmt.Fprintf(env.stderr, "%s %s: %s.\n", op, strings.Join(a, " "), res.Summary)
			if len(res.RemovedVolumes) > 0 {
				fmt.Fprintf(env.stderr, "Removed volumes: %s\n", strings.Join(res.RemovedVolumes, ", "))
			}
			return nil
		})
	})
}

func (env *cmdEnv) statusCommand() *cobra.Command {
	c := &cobra.Command{
		Use:               "status STACK",
		Short:             "Show each instance's container: state, health",
		Example:           "  devarch status shop\n  devarch status shop --json",
		Args:              args(1, 1, "exactly one STACK", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			rows, err := svc.Status(c.Context(), a[0])
			if err != nil {
				return err
			}
			if *asJSON {
				return env.printJSON(nonNil(rows))
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "INSTANCE\tCONTAINER\tSTATE\tHEALTH\tSTATUS")
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Instance, r.Container, r.State, r.Health, r.Status)
			}
			return tw.Flush()
		})
	})
}

func (env *cmdEnv) logsCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "logs STACK [INSTANCE]",
		Short: "Print a stack's (or one instance's) container logs",
		Long: `Print the logs of a stack's containers, or of one instance's, with timestamps. --tail and
--since limit what is shown; --follow keeps streaming until Ctrl+C.`,
		Example: `  devarch logs shop
  devarch logs shop web --tail 50 -f
  devarch logs shop db --since 10m
  devarch logs shop --since 2026-11-02T09:00:00`,
		Args:              args(1, 2, "STACK [INSTANCE]", nil),
		ValidArgsFunction: env.completeArgs(stackNames, instanceNames),
	}
	follow := c.Flags().BoolP("follow", "f", false, "keep streaming new lines")
	tail := c.Flags().String("tail", "all", "show the last `N` lines of each container (a number, or all)")
	since := c.Flags().String("since", "", "show lines newer than `T`: a duration back from now (10m, 1h30m) or a time (2026-11-02, 2026-11-02T15:04:05, RFC 3339)")
	_ = c.RegisterFlagCompletionFunc("tail", cobra.FixedCompletions([]string{"all", "10", "100", "1000"}, cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("since", cobra.FixedCompletions([]string{"1m", "10m", "1h", "24h"}, cobra.ShellCompDirectiveNoFileComp))
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		opts := engine.LogOptions{Follow: *follow}
		var err error
		if opts.Tail, err = engine.ParseLogTail(*tail); err != nil {
			return usageError{problemText(err)}
		}
		if opts.Since, err = engine.ParseLogSince(*since); err != nil {
			return usageError{problemText(err)}
		}
		instance := ""
		if len(a) == 2 {
			instance = a[1]
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			return svc.Logs(c.Context(), a[0], instance, opts, env.stdout)
		})
	})
}

// problemText is an error's summary and detail on one line, for usage messages.
func problemText(err error) string {
	e := model.AsError(err)
	if e.Detail == "" {
		return e.Summary
	}
	return e.Summary + ". " + e.Detail
}

func (env *cmdEnv) historyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "history STACK [RUN]",
		Short: "List a stack's applies and operations, or show one run's results",
		Long: `List a stack's recorded runs (applies, start, stop, down, rename, delete), newest first, with
how long each took and, for one that did not succeed, why. With RUN, show that run's
result for each action and what the failing command printed.`,
		Example: `  devarch history shop
  devarch history shop 12
  devarch history shop 12 --json`,
		Args:              args(1, 2, "STACK [RUN]", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		if len(a) == 2 {
			id, err := strconv.ParseInt(a[1], 10, 64)
			if err != nil || id <= 0 {
				return usageError{fmt.Sprintf("history takes STACK [RUN]; RUN is a run's number (devarch history %s lists them), not %q", a[0], a[1])}
			}
			return env.withBackend(c.Context(), func(svc *engine.Service) error {
				r, err := svc.Run(c.Context(), a[0], id)
				if err != nil {
					return err
				}
				if *asJSON {
					return env.printJSON(toRunJSON(r))
				}
				env.printRun(r)
				return nil
			})
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			runs, err := svc.History(c.Context(), a[0])
			if err != nil {
				return err
			}
			if *asJSON {
				out := []runJSON{}
				for _, r := range runs {
					out = append(out, toRunJSON(r))
				}
				return env.printJSON(out)
			}
			if len(runs) == 0 {
				fmt.Fprintln(env.stderr, "No runs yet.")
				return nil
			}
			var table bytes.Buffer
			tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RUN\tOPERATION\tPLAN\tSTATUS\tSTARTED\tDURATION\tBY")
			for _, r := range runs {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Operation, planRef(r), r.Status,
					r.StartedAt.Local().Format("2006-01-02 15:04:05"), duration(r), r.StartedBy)
			}
			_ = tw.Flush()
			// Each run that did not succeed gets its reason on the line below it, outside
			// the table's columns.
			lines := strings.Split(strings.TrimRight(table.String(), "\n"), "\n")
			fmt.Fprintln(env.stdout, lines[0])
			for i, r := range runs {
				fmt.Fprintln(env.stdout, lines[i+1])
				if why := failureReason(r); why != "" {
					fmt.Fprintf(env.stdout, "     why: %s\n", why)
				}
			}
			return nil
		})
	})
}

func planRef(r store.Run) string {
	if r.PlanID == nil {
		return "-"
	}
	return fmt.Sprint(*r.PlanID)
}

// duration is how long a run took, "running" while it runs.
func duration(r store.Run) string {
	if r.FinishedAt == nil {
		return r.Status
	}
	d := r.FinishedAt.Sub(r.StartedAt)
	switch {
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	default:
		return d.Round(time.Second).String()
	}
}

// failureReason says in one line why a run did not succeed: its first failed action with the
// error, else the first line of what the failing command printed; "" for a run that
// succeeded or still runs.
func failureReason(r store.Run) string {
	switch store.RunStatus(r.Status) {
	case store.RunSucceeded, store.RunRunning:
		return ""
	}
	for _, res := range runResults(r) {
		if res.Status == engine.ResultFailed {
			if res.Error != "" {
				return res.Action + ": " + res.Error
			}
			return res.Action + " failed"
		}
	}
	for _, line := range strings.Split(r.StderrExcerpt, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	if store.RunStatus(r.Status) == store.RunInterrupted {
		return "the process running it ended before it finished (a crash or kill)"
	}
	return ""
}

// printRun shows one run: what, who, when, how long, each action's result and what the
// failing command printed.
func (env *cmdEnv) printRun(r store.Run) {
	what := r.Operation
	if r.PlanID != nil {
		what += fmt.Sprintf(" of plan %d", *r.PlanID)
	}
	fmt.Fprintf(env.stdout, "Run %d of stack %s: %s, %s\n", r.ID, r.Stack, what, r.Status)
	fmt.Fprintf(env.stdout, "Started  %s by %s\n", r.StartedAt.Local().Format("2006-01-02 15:04:05"), r.StartedBy)
	if r.FinishedAt != nil {
		fmt.Fprintf(env.stdout, "Finished %s (took %s)\n", r.FinishedAt.Local().Format("2006-01-02 15:04:05"), duration(r))
	}
	if why := failureReason(r); why != "" {
		fmt.Fprintf(env.stdout, "Why      %s\n", why)
	}
	if results := runResults(r); len(results) > 0 {
		fmt.Fprintln(env.stdout, "\nResults:")
		for _, res := range results {
			line := fmt.Sprintf("  %-8s %s", res.Status, res.Action)
			if res.Error != "" {
				line += ": " + res.Error
			}
			fmt.Fprintln(env.stdout, line)
		}
	}
	if s := strings.TrimRight(r.StderrExcerpt, "\n"); s != "" {
		fmt.Fprintln(env.stdout, "\nWhat the failing command printed (last lines):")
		fmt.Fprint(env.stdout, indent(s))
	}
}
