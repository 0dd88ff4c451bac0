package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/store"
)

// applyStack is an engine seen through a recorder with the built-in catalog and a stack
// holding an nginx instance "web".
func applyStack(t *testing.T, stack string) (*engine.Service, *recorder, *pgxpool.Pool) {
	t.Helper()
	svc, rec, pool := newRecorded(t)
	ctx := t.Context()
	if _, err := svc.SyncCatalog(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, stack, "web", "nginx", nil); err != nil {
		t.Fatal(err)
	}
	return svc, rec, pool
}

func planStack(t *testing.T, svc *engine.Service, stack string) engine.Planned {
	t.Helper()
	p, err := svc.Plan(t.Context(), stack, "test", engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// requireFree checks the stack's lock is released and no run of it is left running.
func requireFree(t *testing.T, svc *engine.Service, pool *pgxpool.Pool, stack string) {
	t.Helper()
	ctx := t.Context()
	if err := svc.Store.CheckUnlocked(ctx, stack); err != nil {
		t.Fatalf("the lock is still held: %v", err)
	}
	var held, running int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&held)
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM applies WHERE status = 'running'`).Scan(&running)
	if held != 0 || running != 0 {
		t.Fatalf("%d advisory locks held, %d runs running after the apply returned", held, running)
	}
}

// lastRun is the stack's newest run record, with its per-action results decoded.
func lastRun(t *testing.T, svc *engine.Service, stack string) (store.Run, []engine.ActionResult) {
	t.Helper()
	runs, err := svc.History(t.Context(), stack)
	if err != nil || len(runs) == 0 {
		t.Fatalf("history: %v, %d runs", err, len(runs))
	}
	var results []engine.ActionResult
	if err := json.Unmarshal(runs[0].Results, &results); err != nil {
		t.Fatal(err)
	}
	return runs[0], results
}

func planStatus(t *testing.T, svc *engine.Service, id int64) string {
	t.Helper()
	sp, err := svc.Store.GetPlan(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return string(sp.Status)
}

func statuses(rs []engine.ActionResult) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Action+": "+string(r.Status))
	}
	return strings.Join(out, "; ")
}

// A successful apply holds the stack's lock while its step runs (a second operation is
// refused naming the holder), releases it after, records the run and the applied state, and
// the plan cannot be applied twice.
func TestApply_SucceedsUnderTheLockOnce(t *testing.T) {
	const stack = "etapplyok"
	svc, rec, pool := applyStack(t, stack)
	ctx := t.Context()
	p := planStack(t, svc, stack)
	var during error
	rec.stand = func(args []string) []string {
		during = svc.Store.CheckUnlocked(ctx, stack)
		return nil
	}
	out, err := svc.Apply(ctx, p.ID, "alice@host (test)", nil)
	if err != nil {
		t.Fatal(err)
	}
	if model.KindOf(during) != model.KindLocked || !strings.Contains(during.Error(), "alice@host (test)") {
		t.Errorf("while the step ran, the lock check said %v", during)
	}
	if got, want := rec.commands(svc, stack), []string{upNew + " web"}; !slices.Equal(got, want) {
		t.Errorf("commands %q, want %q", got, want)
	}
	requireFree(t, svc, pool, stack)
	run, results := lastRun(t, svc, stack)
	if run.ID != out.RunID || run.Status != string(store.RunSucceeded) || run.Operation != "apply" || *run.PlanID != p.ID {
		t.Errorf("run %+v", run)
	}
	if s := statuses(results); s != "+ create network devarch-etapplyok-net: done; + create web: done" {
		t.Errorf("results %s", s)
	}
	if s := planStatus(t, svc, p.ID); s != string(store.PlanApplied) {
		t.Errorf("plan status %s", s)
	}
	stackID, _, _ := svc.Store.StackRevision(ctx, stack)
	applied, err := svc.Store.AppliedState(ctx, stackID)
	if err != nil || len(applied) != 1 || applied["web"].Failed != "" || !applied["web"].Running {
		t.Errorf("applied state %+v (%v)", applied, err)
	}

	rec.reset()
	_, err = svc.Apply(ctx, p.ID, "test", nil)
	if model.KindOf(err) != model.KindConflict || !strings.Contains(err.Error(), "already applied") {
		t.Fatalf("second apply of plan %d: %v", p.ID, err)
	}
	if c := rec.commands(svc, stack); len(c) != 0 {
		t.Errorf("a refused apply ran %q", c)
	}
	requireFree(t, svc, pool, stack)
}

// A plan made before the stack changed is refused before anything runs or is locked; a plan
// with errors too.
func TestApply_RefusesStaleAndErroredPlans(t *testing.T) {
	const stack = "etapplystale"
	svc, rec, pool := applyStack(t, stack)
	ctx := t.Context()
	old := planStack(t, svc, stack)
	if _, err := svc.UpdateInstance(ctx, stack, "web", []string{"environment.A=1"}, nil); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Apply(ctx, old.ID, "test", nil)
	if model.KindOf(err) != model.KindStale || !strings.Contains(err.Error(), "revision") {
		t.Fatalf("stale plan: %v", err)
	}
	if _, err := svc.UpdateInstance(ctx, stack, "web", []string{"environment.B=${secret:missing}"}, nil); err != nil {
		t.Fatal(err)
	}
	bad := planStack(t, svc, stack)
	if !bad.Plan.Failed() {
		t.Fatalf("a plan referencing a missing secret has no errors: %s", bad.Plan)
	}
	// The missing secret's fix is typed (the window's "Set secret" button), in the stored plan too.
	wantFix := &plan.Fix{Kind: plan.FixSetSecret, Secret: "missing", Command: "devarch secret set " + stack + " missing"}
	sp, err := svc.Store.GetPlan(ctx, bad.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := plan.Decode(sp.Document)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []plan.Plan{bad.Plan, stored} {
		errs := p.Diagnostics.Errors()
		if len(errs) != 1 || errs[0].Subject != (plan.Subject{Instance: "web", Path: "environment.B"}) || !reflect.DeepEqual(errs[0].Fix, wantFix) {
			t.Fatalf("missing secret's diagnostic = %+v, want fix %+v", errs, wantFix)
		}
	}
	_, err = svc.Apply(ctx, bad.ID, "test", nil)
	if model.KindOf(err) != model.KindInvalid || !strings.Contains(err.Error(), "has errors") {
		t.Fatalf("errored plan: %v", err)
	}
	// The CLI still says the command.
	if !strings.Contains(err.Error(), "no secret of that name. Set it with: devarch secret set "+stack+" missing") {
		t.Errorf("the refusal does not give the command: %v", err)
	}
	if c := rec.commands(svc, stack); len(c) != 0 {
		t.Errorf("refused applies ran %q", c)
	}
	if runs, _ := svc.History(ctx, stack); len(runs) != 0 {
		t.Errorf("refused applies recorded %d runs", len(runs))
	}
	requireFree(t, svc, pool, stack)
}

// createOrphan makes (without starting) a container labelled as instance inst of stack, as
// another DevArch or the user could have: what the plan observes changes.
func createOrphan(t *testing.T, stack, inst string) string {
	t.Helper()
	image := runtimetest.BusyboxImage(t)
	eng := runtimetest.RequireEngine(t)
	name := model.ContainerName(stack, inst)
	if _, err := eng.Run(t.Context(), []string{"create", "--name", name, "--label", model.LabelStack + "=" + stack,
		"--label", model.LabelInstance + "=" + inst, image, "true"}, runtime.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = eng.Run(context.Background(), []string{"rm", "-f", name}, runtime.RunOptions{}) })
	return name
}

// Under the lock, apply computes the plan again: when the containers changed since it was
// made, the plan is stale and nothing runs; the refusal is recorded and the lock released.
func TestApply_RefusesAPlanTheContainersOutdated(t *testing.T) {
	const stack = "etapplymoved"
	svc, rec, pool := applyStack(t, stack)
	ctx := t.Context()
	p := planStack(t, svc, stack)
	createOrphan(t, stack, "stray")
	_, err := svc.Apply(ctx, p.ID, "test", nil)
	if model.KindOf(err) != model.KindStale || !strings.Contains(err.Error(), "containers changed") {
		t.Fatalf("outdated plan: %v", err)
	}
	if c := rec.commands(svc, stack); len(c) != 0 {
		t.Errorf("a stale apply ran %q", c)
	}
	requireFree(t, svc, pool, stack)
	if run, _ := lastRun(t, svc, stack); run.Status != string(store.RunFailed) || !strings.Contains(run.StderrExcerpt, "stale") {
		t.Errorf("run %+v", run)
	}
	if s := planStatus(t, svc, p.ID); s != string(store.PlanFailed) {
		t.Errorf("plan status %s", s)
	}
}

// A failing step leaves what was done recorded action by action: the removal that ran is
// done (and its instance forgotten), the instance whose compose command failed is failed
// with compose's reason, the run is failed with compose's output, and the lock is released.
func TestApply_PartialFailureIsRecorded(t *testing.T) {
	const stack = "etapplypart"
	svc, rec, pool := applyStack(t, stack)
	ctx := t.Context()
	if _, err := svc.AddInstance(ctx, stack, "old", "redis", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Apply(ctx, planStack(t, svc, stack).ID, "test", nil); err != nil {
		t.Fatal(err)
	}
	// old's container exists (made here, not started); then old is removed from the stack.
	createOrphan(t, stack, "old")
	if err := svc.RemoveInstance(ctx, stack, "old"); err != nil {
		t.Fatal(err)
	}
	p := planStack(t, svc, stack)
	rec.reset()
	rec.stand = func(args []string) []string {
		if args[0] == "rm" {
			return append([]string{"docker"}, args...) // the removal really runs
		}
		return []string{"sh", "-c", "echo 'Error response from daemon: the step broke' >&2; exit 1"}
	}
	out, err := svc.Apply(ctx, p.ID, "test", nil)
	if err == nil || !strings.Contains(err.Error(), "the step broke") {
		t.Fatalf("apply: %v", err)
	}
	if got, want := rec.commands(svc, stack), []string{"rm -f devarch-etapplypart-old", upNew + " web"}; !slices.Equal(got, want) {
		t.Errorf("commands %q, want %q", got, want)
	}
	want := "+ create network devarch-etapplypart-net: done; - remove old: done; + create web: failed"
	if s := statuses(out.Results); s != want {
		t.Errorf("returned results %s, want %s", s, want)
	}
	requireFree(t, svc, pool, stack)
	run, results := lastRun(t, svc, stack)
	if run.Status != string(store.RunFailed) || !strings.Contains(run.StderrExcerpt, "the step broke") {
		t.Errorf("run %+v", run)
	}
	if s := statuses(results); s != want {
		t.Errorf("recorded results %s, want %s", s, want)
	}
	if r := results[2]; !strings.Contains(r.Error, "the step broke") {
		t.Errorf("web's result does not say why: %+v", r)
	}
	if s := planStatus(t, svc, p.ID); s != string(store.PlanFailed) {
		t.Errorf("plan status %s", s)
	}
	stackID, _, _ := svc.Store.StackRevision(ctx, stack)
	applied, _ := svc.Store.AppliedState(ctx, stackID)
	if _, ok := applied["old"]; ok {
		t.Errorf("the removed instance is still recorded as applied")
	}
}

// Canceling an apply kills the running step's command at once (not when it would have
// finished), records the run and the plan as canceled, and releases the lock.
func TestApply_CancelKillsTheStep(t *testing.T) {
	const stack = "etapplycancel"
	svc, rec, pool := applyStack(t, stack)
	p := planStack(t, svc, stack)
	pidFile := filepath.Join(t.TempDir(), "pid")
	rec.stand = func([]string) []string {
		return []string{"sh", "-c", "echo $$ > " + pidFile + "; exec sleep 300"}
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan applyResult, 1)
	go func() {
		out, err := svc.Apply(ctx, p.ID, "test", nil)
		done <- applyResult{out, err}
	}()
	pid := waitPID(t, pidFile, done)
	start := time.Now()
	cancel()
	var r applyResult
	select {
	case r = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("apply did not return after cancel")
	}
	if model.KindOf(r.err) != model.KindCanceled || !strings.Contains(r.err.Error(), "web") {
		t.Fatalf("canceled apply: %v", r.err)
	}
	// Signal 0 probes without signalling; os.ErrProcessDone is ESRCH (no such process).
	if proc, err := os.FindProcess(pid); err == nil {
		if err := proc.Signal(syscall.Signal(0)); !errors.Is(err, os.ErrProcessDone) {
			t.Errorf("the step's process %d still exists after apply returned (%v)", pid, err)
		}
	}
	t.Logf("apply returned %s after cancel", time.Since(start))
	requireFree(t, svc, pool, stack)
	if run, _ := lastRun(t, svc, stack); run.Status != string(store.RunCanceled) {
		t.Errorf("run %+v", run)
	}
	if s := planStatus(t, svc, p.ID); s != string(store.PlanCanceled) {
		t.Errorf("plan status %s", s)
	}
}

// waitPID waits until the stand-in command wrote its pid (the step is running), or fails
// when the apply returned first.
func waitPID(t *testing.T, file string, done <-chan applyResult) int {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(60 * time.Second)
	for {
		if b, err := os.ReadFile(file); err == nil && strings.HasSuffix(string(b), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		select {
		case r := <-done:
			t.Fatalf("apply returned before its step ran: %v", r.err)
		case <-timeout:
			t.Fatal("the step did not start within 60s")
		case <-tick.C:
		}
	}
}

type applyResult struct {
	out engine.Applied
	err error
}

// A process that dies holding a stack's lock (kill -9, a crash: its database session ends)
// leaves its run "running"; the start-up housekeeping marks it interrupted, with its plan,
// and the stack can be locked again.
func TestCrashRecovery_MarksRunsInterrupted(t *testing.T) {
	const stack = "etapplycrash"
	svc, _, pool := applyStack(t, stack)
	ctx := t.Context()
	p := planStack(t, svc, stack)
	lock, err := svc.Store.LockStack(ctx, stack, "apply", "crashing (test)", &p.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release(ctx)
	if err := lock.MarkPlan(ctx, p.ID, store.PlanApplying); err != nil {
		t.Fatal(err)
	}
	// While its holder lives, the run is not touched.
	if _, err := svc.SyncCatalog(ctx); err != nil {
		t.Fatal(err)
	}
	if run, _ := lastRun(t, svc, stack); run.Status != string(store.RunRunning) {
		t.Fatalf("a live run was marked %s", run.Status)
	}
	// The holder's session ends as a crash ends it.
	if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend(backend_pid) FROM applies WHERE id = $1`, lock.RunID); err != nil {
		t.Fatal(err)
	}
	// Termination is asynchronous: wait until the server no longer lists the session.
	eventually(t, "the killed session to end", func() bool {
		var gone bool
		err := pool.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity s JOIN applies a ON a.backend_pid = s.pid WHERE a.id = $1)`, lock.RunID).Scan(&gone)
		return err == nil && gone
	})
	if _, err := svc.SyncCatalog(ctx); err != nil {
		t.Fatal(err)
	}
	run, _ := lastRun(t, svc, stack)
	if run.Status != string(store.RunInterrupted) || run.FinishedAt == nil {
		t.Errorf("run after the crash: %+v", run)
	}
	if s := planStatus(t, svc, p.ID); s != string(store.PlanInterrupted) {
		t.Errorf("plan status %s", s)
	}
	requireFree(t, svc, pool, stack)
}

// A port published twice is reported on each stack that publishes it, typed for the window:
// the instance of that stack whose ports fix it and the command apart from the detail; as an
// error (the CLI's warning) it still gives the command.
func TestPortClashes_AreTypedForTheWindow(t *testing.T) {
	svc, _, _ := applyStack(t, "etclasha")
	ctx := t.Context()
	if _, err := svc.CreateStack(ctx, "etclashb", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, "etclashb", "site", "nginx", nil); err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct{ stack, inst string }{{"etclasha", "web"}, {"etclashb", "site"}} {
		if _, err := svc.UpdateInstance(ctx, st.stack, st.inst, []string{`ports=["127.0.0.1:47613:80"]`}, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []struct{ stack, inst string }{{"etclasha", "web"}, {"etclashb", "site"}} {
		errs, err := svc.PortClashes(ctx, st.stack)
		if err != nil {
			t.Fatal(err)
		}
		if len(errs) != 1 {
			t.Fatalf("%s: clashes %v, want one", st.stack, errs)
		}
		var clash *engine.PortClash
		if !errors.As(errs[0], &clash) {
			t.Fatalf("%s: clash %T is not a *engine.PortClash", st.stack, errs[0])
		}
		wantCmd := "devarch instance set " + st.stack + " " + st.inst + " 'ports=[...]'"
		if clash.Instance != st.inst || clash.Command != wantCmd || strings.Contains(clash.Detail, "devarch") ||
			clash.Detail != "etclasha/web and etclashb/site both publish it. Change one of them." {
			t.Errorf("%s: clash = instance %q, command %q, detail %q", st.stack, clash.Instance, clash.Command, clash.Detail)
		}
		e := model.AsError(errs[0])
		if e.Field != "ports" || e.Summary != "host port 47613/tcp is published twice" || !strings.HasSuffix(e.Detail, "Change one of them, e.g. "+wantCmd+".") {
			t.Errorf("%s: as the CLI prints it: %+v", st.stack, e)
		}
	}
}

// A template's well-known default password is a warning whose fix is typed (the window's
// "Use a generated secret"): the generated secret's name and the variable, the command as the
// CLI prints it.
func TestPlan_DefaultPasswordFixIsTyped(t *testing.T) {
	const stack = "etdefpw"
	svc, _, _ := applyStack(t, stack)
	ctx := t.Context()
	if _, err := svc.AddInstance(ctx, stack, "db", "mysql", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateInstance(ctx, stack, "db", []string{"environment.MYSQL_PASSWORD=app"}, nil); err != nil {
		t.Fatal(err)
	}
	p := planStack(t, svc, stack).Plan
	var found *plan.Diagnostic
	for i, d := range p.Diagnostics {
		if d.Subject == (plan.Subject{Instance: "db", Path: "environment.MYSQL_PASSWORD"}) {
			found = &p.Diagnostics[i]
		}
	}
	if found == nil {
		t.Fatalf("no default-password warning: %s", p)
	}
	cmd := "devarch secret set " + stack + " db_password, then devarch instance set " + stack + " db 'environment.MYSQL_PASSWORD=${secret:db_password}'"
	if found.Severity != plan.Warning || found.Detail != "" || !reflect.DeepEqual(found.Fix, &plan.Fix{Kind: plan.FixUseSecret, Secret: "db_password", Command: cmd}) {
		t.Errorf("warning = %+v, fix %+v", *found, found.Fix)
	}
	if !strings.Contains(p.String(), "  Fix: "+cmd+".\n") {
		t.Errorf("the text plan does not give the command:\n%s", p)
	}
}
