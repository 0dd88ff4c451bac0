package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
)

// exitCode ends a command successfully with a specific code (plan --detailed-exitcode).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// planFile is what `plan --out FILE` saves and `apply --plan FILE` reads.
type planFile struct {
	PlanID   int64     `json:"planId"`
	Stack    string    `json:"stack"`
	Revision int64     `json:"revision"`
	Plan     plan.Plan `json:"plan"`
}

// maxPlanFile bounds what `apply --plan FILE` reads: a plan of hundreds of instances is a
// few hundred KiB.
const maxPlanFile = 16 << 20

// readPlanFile reads a plan file saved by `plan --out`, at most maxPlanFile bytes.
func readPlanFile(path, stack string) (planFile, error) {
	fh, err := os.Open(path)
	if err != nil {
		return planFile{}, model.Invalid("plan", "cannot read the plan file", err.Error())
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxPlanFile+1))
	if err != nil {
		return planFile{}, model.Invalid("plan", "cannot read the plan file", err.Error())
	}
	if len(b) > maxPlanFile {
		return planFile{}, model.Invalid("plan", fmt.Sprintf("the plan file is larger than %d MiB, so it is not a DevArch plan", maxPlanFile>>20),
			"Save one with: devarch plan "+stack+" --out FILE")
	}
	return parsePlanFile(b, stack)
}

// parsePlanFile decodes a plan file for stack. Only the plan id is acted on (apply loads the
// stored plan it names and checks it is still current); the rest must be a well-formed plan
// of the same stack, so a file edited by hand or meant for another stack is refused.
func parsePlanFile(b []byte, stack string) (planFile, error) {
	var f planFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil || dec.More() || f.PlanID <= 0 {
		return planFile{}, model.Invalid("plan", "the plan file is not a DevArch plan", "Save one with: devarch plan "+stack+" --out FILE")
	}
	if f.Stack != stack || f.Plan.Stack != stack {
		return planFile{}, model.Invalid("plan", fmt.Sprintf("the plan file is for stack %q, not %q", f.Stack, stack), "Apply it to its own stack.")
	}
	return f, nil
}

func (env cmdEnv) planCmd(ctx context.Context, args []string) error {
	fs, asJSON := env.flags("plan")
	out := fs.String("out", "", "save the plan to FILE for `devarch apply --plan FILE`")
	detailed := fs.Bool("detailed-exitcode", false, "exit 0 when up to date, 2 when there are changes, 1 on error")
	var replace multiFlag
	fs.Var(&replace, "replace", "replace INSTANCE whatever its state, e.g. after rebuilding its image (repeatable)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"plan takes exactly one STACK"}
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		pl, err := svc.Plan(ctx, pos[0], engine.Who("cli"), engine.PlanOptions{Replace: replace})
		if err != nil {
			return err
		}
		doc := planFile{PlanID: pl.ID, Stack: pos[0], Revision: pl.Plan.Revision, Plan: pl.Plan}
		if *out != "" {
			b, _ := json.MarshalIndent(doc, "", "  ")
			if err := os.WriteFile(*out, append(b, '\n'), 0o600); err != nil {
				return model.Invalid("out", "cannot write the plan file", err.Error())
			}
		}
		if *asJSON {
			if err := env.printJSON(doc); err != nil {
				return err
			}
		} else {
			fmt.Fprint(env.stdout, pl.Plan.String())
			if !pl.Plan.Empty() && !pl.Plan.Failed() {
				how := fmt.Sprintf("devarch apply %s --plan-id %d", pos[0], pl.ID)
				if *out != "" {
					how = "devarch apply " + pos[0] + " --plan " + *out
				}
				fmt.Fprintf(env.stderr, "\nSaved as plan %d. Apply exactly this plan with: %s\n", pl.ID, how)
			}
		}
		if pl.Plan.Failed() {
			return model.NewError(model.KindInvalid, "the plan has errors", strings.Join(pl.Plan.Errors, "\n"))
		}
		if *detailed && !pl.Plan.Empty() {
			return exitCode(2)
		}
		return nil
	})
}

// progressPrinter prints live progress lines on stderr.
func (env cmdEnv) progressPrinter() engine.Sink {
	start := time.Now()
	return engine.SinkFunc(func(p engine.Progress) {
		el := time.Since(start).Truncate(100 * time.Millisecond)
		switch {
		case p.Status == "done" || p.Status == "error":
			// The outcome is printed once, after the run (success line or error).
		case p.Instance != "" && p.Message != "":
			fmt.Fprintf(env.stderr, "  [%5s] %-16s %-9s %s\n", el, p.Instance, p.Status, p.Message)
		case p.Instance != "":
			fmt.Fprintf(env.stderr, "  [%5s] %-16s %s\n", el, p.Instance, p.Status)
		case p.Message != "" && p.Status != "info":
			fmt.Fprintf(env.stderr, "  [%5s] %-16s %s\n", el, p.Message, p.Status)
		case p.Message != "":
			fmt.Fprintf(env.stderr, "  [%5s] %s\n", el, p.Message)
		}
	})
}

func (env cmdEnv) applyCmd(ctx context.Context, args []string) error {
	fs, asJSON := env.flags("apply")
	planPath := fs.String("plan", "", "apply the plan saved by `devarch plan --out FILE`")
	planID := fs.Int64("plan-id", 0, "apply the stored plan with this id (`devarch plan` prints it)")
	yes := fs.Bool("yes", false, "apply without asking for confirmation")
	var replace multiFlag
	fs.Var(&replace, "replace", "replace INSTANCE whatever its state, e.g. after rebuilding its image (repeatable)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"apply takes exactly one STACK"}
	}
	stack := pos[0]
	return env.withBackend(ctx, func(svc *engine.Service) error {
		who := engine.Who("cli")
		var id int64
		var p plan.Plan
		switch {
		case *planPath != "" && *planID != 0:
			return usageError{"apply takes --plan FILE or --plan-id N, not both"}
		case len(replace) > 0 && (*planPath != "" || *planID != 0):
			return usageError{"--replace makes a new plan: use it without --plan or --plan-id (or with devarch plan)"}
		case *planPath != "":
			f, err := readPlanFile(*planPath, stack)
			if err != nil {
				return err
			}
			id, p = f.PlanID, f.Plan
		case *planID != 0:
			pl, err := svc.StoredPlan(ctx, *planID)
			if err != nil {
				return err
			}
			if pl.Plan.Stack != stack {
				return model.Invalid("plan-id", fmt.Sprintf("plan %d is for stack %q, not %q", *planID, pl.Plan.Stack, stack), "Apply it to its own stack.")
			}
			id, p = pl.ID, pl.Plan
		default:
			pl, err := svc.Plan(ctx, stack, who, engine.PlanOptions{Replace: replace})
			if err != nil {
				return err
			}
			id, p = pl.ID, pl.Plan
			fmt.Fprint(env.stderr, p.String())
			if p.Failed() {
				return model.NewError(model.KindInvalid, "the plan has errors", strings.Join(p.Errors, "\n"))
			}
			if p.Empty() {
				if *asJSON {
					return env.printJSON(applyJSON{PlanID: id, Results: []engine.ActionResult{}, Summary: summary(p)})
				}
				return nil
			}
			if !*yes {
				if !confirm(env, "\nApply these changes to "+stack+"? Type yes to apply: ") {
					return model.NewError(model.KindCanceled, "apply canceled", "Nothing was changed. Use --yes to apply without asking.")
				}
			}
		}
		fmt.Fprintf(env.stderr, "Applying plan %d to %s...\n", id, stack)
		res, err := svc.Apply(ctx, id, who, env.progressPrinter())
		if res.Results == nil {
			res.Results = []engine.ActionResult{}
		}
		if *asJSON {
			doc := applyJSON{PlanID: id, RunID: res.RunID, Results: res.Results, Summary: summary(p)}
			if err != nil {
				e := model.AsError(err)
				doc.Error, doc.Summary = &jsonError{Kind: e.Kind.String(), Summary: e.Summary, Detail: e.Detail}, ""
			}
			if perr := env.printJSON(doc); perr != nil {
				return perr
			}
		}
		if err != nil {
			if !*asJSON {
				printResults(env, res.Results)
			}
			return err
		}
		if !*asJSON {
			fmt.Fprintf(env.stderr, "Apply complete: %s.\n", summary(res.Plan))
		}
		return nil
	})
}

// applyJSON is `apply --json`'s document, printed in every case (nothing to do, applied,
// failed).
type applyJSON struct {
	PlanID  int64                 `json:"planId"`
	RunID   int64                 `json:"runId,omitempty"`
	Summary string                `json:"summary,omitempty"`
	Results []engine.ActionResult `json:"results"`
	Error   *jsonError            `json:"error,omitempty"`
}

type jsonError struct {
	Kind    string `json:"kind"`
	Summary string `json:"summary"`
	Detail  string `json:"detail,omitempty"`
}

// printResults says, after a failed or canceled apply, what was done and what was not.
func printResults(env cmdEnv, results []engine.ActionResult) {
	if len(results) == 0 {
		return
	}
	fmt.Fprintln(env.stderr, "\nWhat the apply did:")
	for _, r := range results {
		line := fmt.Sprintf("  %-8s %s", r.Status, r.Action)
		if r.Error != "" {
			line += ": " + r.Error
		}
		fmt.Fprintln(env.stderr, line)
	}
	fmt.Fprintln(env.stderr)
}

func summary(p plan.Plan) string {
	if p.Empty() {
		return "nothing to do"
	}
	return fmt.Sprintf("%d added, %d changed, %d destroyed", p.Summary.Add, p.Summary.Change, p.Summary.Destroy)
}

// confirm asks on the terminal and wants exactly "yes"; without a terminal (a pipe, a file,
// /dev/null) it refuses: scripts pass --yes.
func confirm(env cmdEnv, prompt string) bool {
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		fmt.Fprintln(env.stderr, "\nstdin is not a terminal: pass --yes to apply.")
		return false
	}
	fmt.Fprint(env.stderr, prompt)
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	if answer := strings.TrimSpace(line); answer != "yes" {
		if answer != "" {
			fmt.Fprintf(env.stderr, "Only \"yes\" applies (you typed %q).\n", answer)
		}
		return false
	}
	return true
}

func (env cmdEnv) operate(op string) func(context.Context, []string) error {
	return func(ctx context.Context, args []string) error {
		fs, _ := env.flags(op)
		var volumes *bool
		if op == engine.OpDown {
			volumes = fs.Bool("volumes", false, "also remove the stack's named volumes: its data")
		}
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usageError{op + " takes exactly one STACK"}
		}
		var opts engine.OpOptions
		if volumes != nil {
			opts.Volumes = *volumes
		}
		return env.withBackend(ctx, func(svc *engine.Service) error {
			res, err := svc.Operate(ctx, pos[0], op, opts, engine.Who("cli"), env.progressPrinter())
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "%s %s: %s.\n", op, pos[0], res.Summary)
			if len(res.RemovedVolumes) > 0 {
				fmt.Fprintf(env.stderr, "Removed volumes: %s\n", strings.Join(res.RemovedVolumes, ", "))
			}
			return nil
		})
	}
}

func (env cmdEnv) statusCmd(ctx context.Context, args []string) error {
	asJSON, pos, err := env.positional("status", args, 1, "exactly one STACK")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		rows, err := svc.Status(ctx, pos[0])
		if err != nil {
			return err
		}
		if *asJSON {
			if rows == nil {
				rows = []engine.InstanceStatus{}
			}
			return env.printJSON(rows)
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "INSTANCE\tCONTAINER\tSTATE\tHEALTH\tSTATUS")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Instance, r.Container, r.State, r.Health, r.Status)
		}
		return tw.Flush()
	})
}

func (env cmdEnv) logsCmd(ctx context.Context, args []string) error {
	fs, _ := env.flags("logs")
	follow := fs.Bool("follow", false, "keep streaming new lines")
	fs.BoolVar(follow, "f", false, "shorthand for --follow")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usageError{"logs takes STACK [INSTANCE]"}
	}
	instance := ""
	if len(pos) == 2 {
		instance = pos[1]
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		return svc.Logs(ctx, pos[0], instance, *follow, env.stdout)
	})
}

func (env cmdEnv) historyCmd(ctx context.Context, args []string) error {
	asJSON, pos, err := env.positional("history", args, 1, "exactly one STACK")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		runs, err := svc.History(ctx, pos[0])
		if err != nil {
			return err
		}
		if *asJSON {
			type row struct {
				ID         int64           `json:"id"`
				PlanID     *int64          `json:"planId"`
				Operation  string          `json:"operation"`
				Status     string          `json:"status"`
				StartedBy  string          `json:"startedBy"`
				StartedAt  time.Time       `json:"startedAt"`
				FinishedAt *time.Time      `json:"finishedAt"`
				Results    json.RawMessage `json:"results"`
				Stderr     string          `json:"stderr,omitempty"`
			}
			out := []row{}
			for _, r := range runs {
				out = append(out, row{r.ID, r.PlanID, r.Operation, r.Status, r.StartedBy, r.StartedAt, r.FinishedAt, r.Results, r.StderrExcerpt})
			}
			return env.printJSON(out)
		}
		if len(runs) == 0 {
			fmt.Fprintln(env.stderr, "No runs yet.")
			return nil
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "RUN\tOPERATION\tPLAN\tSTATUS\tSTARTED\tBY")
		for _, r := range runs {
			planID := "-"
			if r.PlanID != nil {
				planID = fmt.Sprint(*r.PlanID)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Operation, planID, r.Status, r.StartedAt.Local().Format("2006-01-02 15:04:05"), r.StartedBy)
		}
		return tw.Flush()
	})
}
