package store_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

// runStore is a store on a fresh database with stack "shop" and one stored plan of it.
func runStore(t *testing.T) (*store.Store, *pgxpool.Pool, int64) {
	t.Helper()
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	if _, err := s.CreateStack(ctx, "shop", "", "", ""); err != nil {
		t.Fatal(err)
	}
	id, err := s.SavePlan(ctx, store.NewPlan{Stack: "shop", Revision: 1, Document: []byte(`{"stack":"shop"}`), Summary: "1 to add", CreatedBy: "test", ComposeHash: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	return s, pool, id
}

func planStatusOf(t *testing.T, s *store.Store, id int64) string {
	t.Helper()
	p, err := s.GetPlan(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return string(p.Status)
}

// LockStack records the run it guards as running, with its holder; a second taker is
// refused at once, naming the holder, the operation and the plan.
func TestLockStack_RecordsTheRunAndNamesTheHolder(t *testing.T) {
	s, _, planID := runStore(t)
	ctx := t.Context()
	l, err := s.LockStack(ctx, "shop", "apply", "alice@host (cli, pid 1)", &planID)
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.GetRun(ctx, "shop", l.RunID)
	if err != nil || run.Status != string(store.RunRunning) || run.Operation != "apply" || run.StartedBy != "alice@host (cli, pid 1)" || run.PlanID == nil || *run.PlanID != planID || run.FinishedAt != nil {
		t.Fatalf("run %+v (%v)", run, err)
	}
	start := time.Now()
	_, err = s.LockStack(ctx, "shop", "stop", "bob", nil)
	if model.KindOf(err) != model.KindLocked || !strings.Contains(err.Error(), "apply of plan") || !strings.Contains(err.Error(), "alice@host (cli, pid 1)") {
		t.Fatalf("second taker: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("the second taker waited %s", time.Since(start))
	}
	if _, err := s.LockStack(ctx, "nope", "apply", "bob", nil); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("unknown stack: %v", err)
	}
	l.Release(ctx)
	l.Release(ctx) // twice is harmless
	l2, err := s.LockStack(ctx, "shop", "stop", "bob", nil)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release(ctx)
}

// Finish writes the run's outcome, the plan's status and the applied record in one go, and
// releases the lock.
func TestFinish_RecordsTheOutcome(t *testing.T) {
	s, _, planID := runStore(t)
	ctx := t.Context()
	stackID, _, _ := s.StackRevision(ctx, "shop")
	l, err := s.LockStack(ctx, "shop", "apply", "test", &planID)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.MarkPlan(ctx, planID, store.PlanApplying); err != nil {
		t.Fatal(err)
	}
	results := []map[string]string{{"action": "+ create web", "status": "done"}, {"action": "+ create db", "status": "failed"}}
	err = l.Finish(ctx, store.Outcome{Status: store.RunFailed, Results: results, Stderr: "db: boom", PlanID: &planID, PlanStatus: store.PlanFailed,
		Applied: []store.AppliedInstance{
			{Instance: "web", Container: "devarch-shop-web", ConfigHash: "h1", Config: model.Spec{"image": "nginx:1"}, Running: true, DependsOn: []string{"db"}},
			{Instance: "db", Container: "devarch-shop-db", ConfigHash: "h2", Config: model.Spec{"image": "postgres:16"}, Running: true, Failed: "not started"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.GetRun(ctx, "shop", l.RunID)
	if err != nil || run.Status != string(store.RunFailed) || run.StderrExcerpt != "db: boom" || run.FinishedAt == nil {
		t.Fatalf("run %+v (%v)", run, err)
	}
	var got []map[string]string
	if err := json.Unmarshal(run.Results, &got); err != nil || len(got) != 2 || got[1]["status"] != "failed" {
		t.Fatalf("results %s (%v)", run.Results, err)
	}
	if st := planStatusOf(t, s, planID); st != string(store.PlanFailed) {
		t.Fatalf("plan status %s", st)
	}
	applied, err := s.AppliedState(ctx, stackID)
	if err != nil || len(applied) != 2 || applied["db"].Failed != "not started" || applied["web"].DependsOn[0] != "db" || applied["web"].Config["image"] != "nginx:1" {
		t.Fatalf("applied %+v (%v)", applied, err)
	}
	if err := s.CheckUnlocked(ctx, "shop"); err != nil {
		t.Fatalf("Finish did not release the lock: %v", err)
	}

	// A later run forgets db and records nothing else; then a complete one replaces all.
	l, err = s.LockStack(ctx, "shop", "apply", "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Finish(ctx, store.Outcome{Status: store.RunSucceeded, Forget: []string{"db"}}); err != nil {
		t.Fatal(err)
	}
	if applied, _ := s.AppliedState(ctx, stackID); len(applied) != 1 || applied["web"].ConfigHash != "h1" {
		t.Fatalf("after forget: %+v", applied)
	}
	run, _ = s.GetRun(ctx, "shop", l.RunID)
	if string(run.Results) != "[]" {
		t.Fatalf("a run without results records %s, want []", run.Results)
	}
	l, err = s.LockStack(ctx, "shop", "down", "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Finish(ctx, store.Outcome{Status: store.RunSucceeded, ReplaceApplied: true}); err != nil {
		t.Fatal(err)
	}
	if applied, _ := s.AppliedState(ctx, stackID); len(applied) != 0 {
		t.Fatalf("after replace with nothing: %+v", applied)
	}
	runs, err := s.History(ctx, "shop", 10)
	if err != nil || len(runs) != 3 || runs[0].Operation != "down" || runs[2].Operation != "apply" {
		t.Fatalf("history newest first: %+v (%v)", runs, err)
	}
}

// MarkPlan moves only a planned plan: one already taken (applying, applied) is stale.
func TestMarkPlan_OnlyFromPlanned(t *testing.T) {
	s, _, planID := runStore(t)
	ctx := t.Context()
	l, err := s.LockStack(ctx, "shop", "apply", "test", &planID)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release(ctx)
	if err := l.MarkPlan(ctx, planID, store.PlanApplying); err != nil {
		t.Fatal(err)
	}
	if err := l.MarkPlan(ctx, planID, store.PlanApplying); model.KindOf(err) != model.KindStale {
		t.Fatalf("marking a plan twice: %v", err)
	}
	if st := planStatusOf(t, s, planID); st != string(store.PlanApplying) {
		t.Fatalf("plan status %s", st)
	}
}

// A run whose holder's session ended (a crash) is marked interrupted, with its plan, both
// by the start-up sweep and by the next taker of the lock; a live holder's run is not.
func TestMarkInterrupted_OnlyRunsWhoseHolderIsGone(t *testing.T) {
	s, pool, planID := runStore(t)
	ctx := t.Context()
	l, err := s.LockStack(ctx, "shop", "apply", "test", &planID)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release(ctx)
	if err := l.MarkPlan(ctx, planID, store.PlanApplying); err != nil {
		t.Fatal(err)
	}
	if n, err := s.MarkInterrupted(ctx); err != nil || n != 0 {
		t.Fatalf("a live run was marked interrupted: %d (%v)", n, err)
	}
	if n, _, err := s.Opening(ctx, "fp"); err != nil || n != 0 {
		t.Fatalf("a live run was marked interrupted at start: %d (%v)", n, err)
	}
	if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend(backend_pid) FROM applies WHERE id = $1`, l.RunID); err != nil {
		t.Fatal(err)
	}
	// The server ends the session asynchronously; the lock it held goes with it.
	deadline := time.Now().Add(30 * time.Second)
	for s.CheckUnlocked(ctx, "shop") != nil {
		if time.Now().After(deadline) {
			t.Fatal("the killed session still holds the lock after 30s")
		}
		time.Sleep(20 * time.Millisecond) // poll interval
	}
	// The start-up sweep (store.Opening, through its in-flight check) marks it.
	if n, _, err := s.Opening(ctx, "fp"); err != nil || n != 1 {
		t.Fatalf("the start did not mark the dead run: %d (%v)", n, err)
	}
	if st := planStatusOf(t, s, planID); st != string(store.PlanInterrupted) {
		t.Fatalf("plan status after the start's sweep: %s", st)
	}
	if n, _, err := s.Opening(ctx, "fp"); err != nil || n != 0 {
		t.Fatalf("a second start marked again: %d (%v)", n, err)
	}
	if _, err := pool.Exec(ctx, `UPDATE applies SET status = 'running', finished_at = NULL WHERE id = $1`, l.RunID); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE plans SET status = 'applying' WHERE id = $1`, planID); err != nil {
		t.Fatal(err)
	}
	// Here the next taker finds the run first.
	l2, err := s.LockStack(ctx, "shop", "start", "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	l2.Release(ctx)
	run, _ := s.GetRun(ctx, "shop", l.RunID)
	if run.Status != string(store.RunInterrupted) || run.FinishedAt == nil {
		t.Fatalf("run %+v", run)
	}
	if st := planStatusOf(t, s, planID); st != string(store.PlanInterrupted) {
		t.Fatalf("plan status %s", st)
	}
	// l2's run was never finished and its session was closed by Release: once the server
	// has ended that session, the sweep marks the run (once).
	deadline = time.Now().Add(30 * time.Second)
	for {
		n, err := s.MarkInterrupted(ctx)
		if err != nil || n > 1 {
			t.Fatalf("sweep: %d (%v)", n, err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sweep did not mark the abandoned run within 30s")
		}
		time.Sleep(20 * time.Millisecond) // poll interval
	}
	if run, _ := s.GetRun(ctx, "shop", l2.RunID); run.Status != string(store.RunInterrupted) {
		t.Fatalf("abandoned run %+v", run)
	}
	if _, err := s.GetRun(ctx, "other", l.RunID); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("a run of another stack: %v", err)
	}
}

// A stack keeps its newest KeptPlans unapplied plans: plans made only to look do not pile up,
// a plan that was applied stays with its run, and other stacks' plans are not touched.
func TestSavePlan_KeepsTheNewestUnappliedPlans(t *testing.T) {
	s, pool, first := runStore(t)
	ctx := t.Context()
	if _, err := s.CreateStack(ctx, "blog", "", "", ""); err != nil {
		t.Fatal(err)
	}
	other, err := s.SavePlan(ctx, store.NewPlan{Stack: "blog", Revision: 1, Document: []byte(`{}`), Summary: "s", CreatedBy: "test", ComposeHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	// The first plan of shop is applied (it has a run): it stays whatever comes after.
	l, err := s.LockStack(ctx, "shop", "apply", "test", &first)
	if err != nil {
		t.Fatal(err)
	}
	l.Release(ctx)
	var ids []int64
	for i := range store.KeptPlans + 5 {
		id, err := s.SavePlan(ctx, store.NewPlan{Stack: "shop", Revision: 1, Document: []byte(`{}`), Summary: "s", CreatedBy: "test",
			ComposeHash: "h", Errored: i%3 == 0})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	var kept []int64
	if err := pool.QueryRow(ctx, `SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}') FROM plans p JOIN stacks s ON s.id = p.stack_id
		WHERE s.name = 'shop' AND p.id <> $1`, first).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if want := ids[len(ids)-store.KeptPlans:]; !slices.Equal(kept, want) {
		t.Fatalf("kept %v, want the newest %d: %v", kept, store.KeptPlans, want)
	}
	for _, id := range []int64{first, other} {
		if _, err := s.GetPlan(ctx, id); err != nil {
			t.Fatalf("plan %d (applied, or another stack's) was deleted: %v", id, err)
		}
	}
}
