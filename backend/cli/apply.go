package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
)

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

func (env *cmdEnv) planCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "plan STACK",
		Short: "Show what apply would change, and save it as a plan",
		Long: `Compare the stack's definition with its containers and print the actions that would make them
match, each with its cause, Terraform-style. The plan is stored: apply exactly this plan with
--plan-id (its id is printed) or from the file --out writes. A plan with errors exits 1.`,
		Example: `  devarch plan shop
  devarch plan shop --out shop.plan && devarch apply shop --plan shop.plan
  devarch plan shop --detailed-exitcode   # exit 0 up to date, 2 changes, 1 error
  devarch plan shop --replace web         # replace web whatever its state (a rebuilt image)`,
		Args:              args(1, 1, "exactly one STACK", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	asJSON := jsonFlag(c)
	out := c.Flags().String("out", "", "save the plan to `FILE` for devarch apply --plan FILE")
	detailed := c.Flags().Bool("detailed-exitcode", false, "exit 0 when up to date, 2 when there are changes, 1 on error")
	replace := c.Flags().StringArray("replace", nil, "replace `INSTANCE` whatever its state, e.g. after rebuilding its image (repeatable)")
	_ = c.RegisterFlagCompletionFunc("replace", env.completeWith(instanceNamesOfArg0))
	_ = c.RegisterFlagCompletionFunc("out", fileCompletion)
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		stack := a[0]
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			pl, err := svc.Plan(c.Context(), stack, engine.Who("cli"), engine.PlanOptions{Replace: *replace})
			if err != nil {
				return err
			}
			doc := planFile{PlanID: pl.ID, Stack: stack, Revision: pl.Plan.Revision, Plan: toPlanJSON(pl.Plan)}
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
					how := fmt.Sprintf("devarch apply %s --plan-id %d", stack, pl.ID)
					if *out != "" {
						how = "devarch apply " + stack + " --plan " + *out
					}
					fmt.Fprintf(env.stderr, "\nSaved as plan %d. Apply exactly this plan with: %s\n", pl.ID, how)
				}
			}
			if pl.Plan.Failed() {
				return model.NewError(model.KindInvalid, "the plan has errors", pl.Plan.Diagnostics.Err())
			}
			if *detailed && !pl.Plan.Empty() {
				return exitCode(2)
			}
			return nil
		})
	})
}

// progressPrinter prints live progress lines on stderr. header, when set, is printed once,
// before the first line: an operation refused before it did anything prints only its
// error.
func (env *cmdEnv) progressPrinter(header string) engine.Sink {
	start := time.Now()
	var mu sync.Mutex
	said := header == ""
	line := func(format string, a ...any) {
		if !said {
			fmt.Fprintln(env.stderr, header)
			said = true
		}
		fmt.Fprintf(env.stderr, format, a...)
	}
	return engine.SinkFunc(func(p engine.Progress) {
		mu.Lock()
		defer mu.Unlock()
		el := time.Since(start).Truncate(100 * time.Millisecond)
		switch {
		case p.Status == "done" || p.Status == "error":
			// The outcome is printed once, after the run (success line or error).
		case p.Instance != "" && p.Message != "":
			line("  [%5s] %-16s %-9s %s\n", el, p.Instance, p.Status, p.Message)
		case p.Instance != "":
			line("  [%5s] %-16s %s\n", el, p.Instance, p.Status)
		case p.Message != "" && p.Status != "info":
			line("  [%5s] %-16s %s\n", el, p.Message, p.Status)
		case p.Message != "":
			line("  [%5s] %s\n", el, p.Message)
		}
	})
}

func (env *cmdEnv) applyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "apply STACK",
		Short: "Apply a saved plan, or plan and confirm",
		Long: `Make the stack's containers match its definition. With --plan FILE or --plan-id N it applies
exactly that plan, refusing it if anything changed since it was made; without, it plans,
shows the plan and asks for confirmation (exactly "yes"; --yes for scripts, which never
get a prompt). Progress goes to stderr; --json prints the outcome on stdout in every case.`,
		Example: `  devarch apply shop
  devarch apply shop --yes
  devarch apply shop --plan-id 12
  devarch apply shop --plan shop.plan
  devarch apply shop --yes --replace web`,
		Args:              args(1, 1, "exactly one STACK", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	asJSON := jsonFlag(c)
	planPath := c.Flags().String("plan", "", "apply the plan saved by devarch plan --out `FILE`")
	planID := c.Flags().Int64("plan-id", 0, "apply the stored plan with this id `N` (devarch plan prints it)")
	yes := c.Flags().Bool("yes", false, "apply without asking for confirmation")
	replace := c.Flags().StringArray("replace", nil, "replace `INSTANCE` whatever its state, e.g. after rebuilding its image (repeatable)")
	_ = c.RegisterFlagCompletionFunc("replace", env.completeWith(instanceNamesOfArg0))
	_ = c.RegisterFlagCompletionFunc("plan", fileCompletion)
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		stack := a[0]
		switch {
		case *planPath != "" && *planID != 0:
			return usageError{"apply takes --plan FILE or --plan-id N, not both"}
		case len(*replace) > 0 && (*planPath != "" || *planID != 0):
			return usageError{"--replace makes a new plan: use it without --plan or --plan-id (or with devarch plan)"}
		}
		ctx := c.Context()
		var id int64
		printed := false
		err := env.withBackend(ctx, func(svc *engine.Service) error {
			who := engine.Who("cli")
			var p plan.Plan
			switch {
			case *planPath != "":
				f, err := readPlanFile(*planPath, stack)
				if err != nil {
					return err
				}
				id, p = f.PlanID, f.Plan.toPlan()
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
				pl, err := svc.Plan(ctx, stack, who, engine.PlanOptions{Replace: *replace})
				if err != nil {
					return err
				}
				id, p = pl.ID, pl.Plan
				fmt.Fprint(env.stderr, p.String())
				if p.Failed() {
					return model.NewError(model.KindInvalid, "the plan has errors", p.Diagnostics.Err())
				}
				if p.Empty() {
					if *asJSON {
						printed = true
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
			// "Applying plan N" is said when the apply starts working, so a plan refused
			// up front (applied already, stale, locked) gets its error alone.
			res, err := svc.Apply(ctx, id, who, env.progressPrinter(fmt.Sprintf("Applying plan %d to %s...", id, stack)))
			if res.Results == nil {
				res.Results = []engine.ActionResult{}
			}
			if *asJSON {
				doc := applyJSON{PlanID: id, RunID: res.RunID, Results: res.Results, Summary: summary(p)}
				if err != nil {
					e := model.AsError(err)
					doc.Error, doc.Summary = &jsonError{Kind: e.Kind.String(), Summary: e.Summary, Detail: e.Detail}, ""
				}
				printed = true
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
		// --json prints a document in every case: one refused before the apply ran (the plan
		// has errors, is stale, the stack is locked, the answer was not yes) says so too.
		var ue usageError
		if err != nil && *asJSON && !printed && !errors.As(err, &ue) {
			e := model.AsError(err)
			if perr := env.printJSON(applyJSON{PlanID: id, Results: []engine.ActionResult{},
				Error: &jsonError{Kind: e.Kind.String(), Summary: e.Summary, Detail: e.Detail}}); perr != nil {
				return perr
			}
		}
		return err
	})
}

// printResults says, after a failed or canceled apply, what was done and what was not.
func printResults(env *cmdEnv, results []engine.ActionResult) {
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
	return p.Summary.Past()
}

// confirm asks on the terminal and wants exactly "yes"; without a terminal (a pipe, a file,
// /dev/null) it refuses: scripts pass --yes.
func confirm(env *cmdEnv, prompt string) bool {
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
