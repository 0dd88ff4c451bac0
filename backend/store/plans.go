package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/devarch/devarch/backend/model"
)

// The states of runs and plans, and the operations runs record, are named types whose
// values live here and nowhere else: the SQL below takes them as parameters, never as
// literals. Their text is what the database stores and what `history --json` and the
// desktop show, so a value never changes once released.

// RunStatus is how a recorded run (apply, start, stop, down, rename, delete) stands.
type RunStatus string

// Run statuses, as the applies table stores them.
const (
	// RunRunning: the run holds the stack's lock now (or its holder died: see RunInterrupted).
	RunRunning RunStatus = "running"
	// RunSucceeded: every action was done.
	RunSucceeded RunStatus = "succeeded"
	// RunFailed: an action failed or the run was refused under the lock; its results say
	// which actions were done before.
	RunFailed RunStatus = "failed"
	// RunCanceled: the user canceled the run; its results say what was done.
	RunCanceled RunStatus = "canceled"
	// RunInterrupted: the holder's process died mid-run (crash, kill -9); found at the next
	// start or by the next taker of the lock.
	RunInterrupted RunStatus = "interrupted"
)

// PlanStatus is where a stored plan stands.
type PlanStatus string

// Plan statuses, as the plans table stores them.
const (
	// PlanPlanned: stored, waiting to be applied (the only status apply accepts).
	PlanPlanned PlanStatus = "planned"
	// PlanErrored: the plan has errors; it can never be applied.
	PlanErrored PlanStatus = "errored"
	// PlanApplying: a run applies it now.
	PlanApplying PlanStatus = "applying"
	// PlanApplied: applied completely, once.
	PlanApplied PlanStatus = "applied"
	// PlanFailed: its apply failed or was refused as stale.
	PlanFailed PlanStatus = "failed"
	// PlanCanceled: its apply was canceled.
	PlanCanceled PlanStatus = "canceled"
	// PlanInterrupted: the process applying it died.
	PlanInterrupted PlanStatus = "interrupted"
)

// Operation is what a run does to its stack.
type Operation string

// Operations, as the applies table stores them.
const (
	OpApply  Operation = "apply"
	OpStart  Operation = "start"
	OpStop   Operation = "stop"
	OpDown   Operation = "down"
	OpRename Operation = "rename" // a stack or one of its instances renamed
	OpDelete Operation = "delete" // the stack deleted
)

// StoredPlan is a plan as recorded.
type StoredPlan struct {
	ID        int64
	Stack     string
	StackID   int64
	Revision  int64
	Status    PlanStatus
	Document  json.RawMessage
	Summary   string
	CreatedBy string
	CreatedAt time.Time
	// ComposeHash is the SHA-256 of the compose document the plan was made for: apply runs
	// exactly that document or nothing.
	ComposeHash string
}

// NewPlan is a plan to record.
type NewPlan struct {
	Stack    string
	Revision int64 // the stack revision the plan was made from
	Document []byte
	Summary  string
	// Errored: the plan has errors; it is stored PlanErrored and can never be applied.
	Errored   bool
	CreatedBy string
	// ComposeHash is the SHA-256 of the compose document the plan was made for.
	ComposeHash string
}

// SavePlan records a plan made from a stack revision, with the hash of its compose document.
func (s *Store) SavePlan(ctx context.Context, np NewPlan) (int64, error) {
	status := PlanPlanned
	if np.Errored {
		status = PlanErrored
	}
	// Plans made only to look (plan --json, --detailed-exitcode in a loop) must not pile up:
	// a stack keeps its newest KeptPlans unapplied plans; applied ones stay with their runs.
	// One statement: the prune sees the plans as they were before this one (a statement's
	// parts share one snapshot), so it keeps KeptPlans-1 of them next to the new plan.
	var id int64
	err := s.pool.QueryRow(ctx, `WITH new AS (
			INSERT INTO plans (stack_id, stack_revision, status, document, summary, created_by, compose_hash)
			SELECT id, $2, $3, $4, $5, $6, $7 FROM stacks WHERE name = $1 RETURNING id, stack_id
		), pruned AS (
			DELETE FROM plans p USING new
			WHERE p.stack_id = new.stack_id AND p.status IN ($9, $10)
			AND p.id < (SELECT min(id) FROM (SELECT q.id FROM plans q WHERE q.stack_id = new.stack_id AND q.status IN ($9, $10)
			            ORDER BY q.id DESC LIMIT $8) newest)
			AND NOT EXISTS (SELECT 1 FROM applies a WHERE a.plan_id = p.id)
		)
		SELECT id FROM new`,
		np.Stack, np.Revision, status, np.Document, np.Summary, np.CreatedBy, np.ComposeHash,
		KeptPlans-1, PlanPlanned, PlanErrored).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, stackNotFound(np.Stack)
	}
	return id, interpret(err, "plan")
}

// KeptPlans is how many unapplied plans a stack keeps (older ones are deleted).
const KeptPlans = 20

// GetPlan loads a stored plan.
func (s *Store) GetPlan(ctx context.Context, id int64) (StoredPlan, error) {
	var p StoredPlan
	err := s.pool.QueryRow(ctx, `SELECT p.id, s.name, s.id, p.stack_revision, p.status, coalesce(p.document, 'null'), p.summary, p.created_by, p.created_at, p.compose_hash
		FROM plans p JOIN stacks s ON s.id = p.stack_id WHERE p.id = $1`, id).
		Scan(&p.ID, &p.Stack, &p.StackID, &p.Revision, &p.Status, &p.Document, &p.Summary, &p.CreatedBy, &p.CreatedAt, &p.ComposeHash)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, &model.Error{Kind: model.KindNotFound, Field: "plan", Summary: fmt.Sprintf("no plan with id %d", id),
			Detail: "Make a new plan: devarch plan STACK"}
	}
	return p, interpret(err, "plan")
}

// StackRevision returns a stack's id and current revision.
func (s *Store) StackRevision(ctx context.Context, stack string) (int64, int64, error) {
	var id, rev int64
	err := s.pool.QueryRow(ctx, `SELECT id, revision FROM stacks WHERE name = $1`, stack).Scan(&id, &rev)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, stackNotFound(stack)
	}
	return id, rev, interpret(err, "stack "+stack)
}

// AppliedInstance is what DevArch last applied for one instance.
type AppliedInstance struct {
	Instance       string
	Container      string
	ConfigHash     string
	Config         model.Spec
	Running        bool
	DependsOn      []string
	SecretVersions map[string]int
	// Failed says why applying this configuration failed ("" when it succeeded).
	Failed string
}

// AppliedState returns the last applied state of every instance of a stack.
func (s *Store) AppliedState(ctx context.Context, stackID int64) (map[string]AppliedInstance, error) {
	rows, err := s.pool.Query(ctx, `SELECT instance_name, container_name, config_hash, config, running, depends_on, secret_versions, failed
		FROM applied_instances WHERE stack_id = $1`, stackID)
	if err != nil {
		return nil, interpret(err, "applied state")
	}
	defer rows.Close()
	out := map[string]AppliedInstance{}
	for rows.Next() {
		var a AppliedInstance
		var cfg map[string]any
		var deps, secrets []byte
		if err := rows.Scan(&a.Instance, &a.Container, &a.ConfigHash, &cfg, &a.Running, &deps, &secrets, &a.Failed); err != nil {
			return nil, interpret(err, "applied state")
		}
		a.Config = model.Spec(cfg)
		_ = json.Unmarshal(deps, &a.DependsOn)
		_ = json.Unmarshal(secrets, &a.SecretVersions)
		out[a.Instance] = a
	}
	return out, interpret(rows.Err(), "applied state")
}

// Run is one recorded operation on a stack (apply, start, stop, down). Operation and Status
// hold an Operation and a RunStatus as stored; they are plain strings because the faces
// print and serialize them as they are.
type Run struct {
	ID            int64
	PlanID        *int64
	Stack         string
	Operation     string
	Status        string
	StartedBy     string
	StartedAt     time.Time
	FinishedAt    *time.Time
	Results       json.RawMessage
	StderrExcerpt string
}

// StackLock is a held advisory lock on one stack, on its own connection: the server frees
// it if this process dies, so a crashed holder never blocks a stack.
type StackLock struct {
	conn    *pgx.Conn
	release func()
	stackID int64
	RunID   int64
}

// stackLockClass is the advisory-lock class of stack locks ("DEVS"); the object is the
// stack id.
const stackLockClass = 0x44455653

// LockStack takes a stack's advisory lock without waiting and records the run it guards.
// When another holder has it, the error (KindLocked) says who, since when and for what.
func (s *Store) LockStack(ctx context.Context, stack string, operation Operation, holder string, planID *int64) (*StackLock, error) {
	stackID, _, err := s.StackRevision(ctx, stack)
	if err != nil {
		return nil, err
	}
	conn, release, err := s.holderConn(ctx, "stack lock")
	if err != nil {
		return nil, err
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2::int)`, stackLockClass, stackID).Scan(&ok); err != nil {
		release()
		return nil, interpret(err, "stack lock")
	}
	if !ok {
		release()
		return nil, s.lockedError(ctx, stack, stackID)
	}
	l := &StackLock{conn: conn, release: release, stackID: stackID}
	// Runs left "running" by a holder whose connection is gone were interrupted (crash,
	// kill -9): the lock we now hold proves nobody else runs.
	if _, err := conn.Exec(ctx, `UPDATE applies SET status = $2, finished_at = now()
		WHERE stack_id = $1 AND status = $3`, stackID, RunInterrupted, RunRunning); err != nil {
		l.Release(ctx)
		return nil, interpret(err, "stack lock")
	}
	if _, err := conn.Exec(ctx, `UPDATE plans SET status = $2 WHERE stack_id = $1 AND status = $3`, stackID, PlanInterrupted, PlanApplying); err != nil {
		l.Release(ctx)
		return nil, interpret(err, "stack lock")
	}
	err = conn.QueryRow(ctx, `INSERT INTO applies (plan_id, stack_id, operation, status, started_by, holder, backend_pid)
		VALUES ($1, $2, $3, $5, $4, $4, pg_backend_pid()) RETURNING id`, planID, stackID, operation, holder, RunRunning).Scan(&l.RunID)
	if err != nil {
		l.Release(ctx)
		return nil, interpret(err, "stack lock")
	}
	return l, nil
}

func (s *Store) lockedError(ctx context.Context, stack string, stackID int64) error {
	var holder, op string
	var since time.Time
	var planID *int64
	err := s.pool.QueryRow(ctx, `SELECT holder, operation, started_at, plan_id FROM applies
		WHERE stack_id = $1 AND status = $2 ORDER BY started_at DESC LIMIT 1`, stackID, RunRunning).Scan(&holder, &op, &since, &planID)
	what := op
	if planID != nil {
		what = fmt.Sprintf("%s of plan %d", op, *planID)
	}
	detail := "Wait for it to finish, or cancel it where it runs."
	if err != nil {
		return &model.Error{Kind: model.KindLocked, Field: "stack", Summary: fmt.Sprintf("stack %q is locked by another operation", stack), Detail: detail}
	}
	return &model.Error{Kind: model.KindLocked, Field: "stack",
		Summary: fmt.Sprintf("stack %q is locked: %s by %s since %s", stack, what, holder, since.Local().Format("15:04:05")),
		Detail:  detail + " Other stacks are not affected."}
}

// Outcome is how a run ended and what it leaves recorded.
type Outcome struct {
	Status RunStatus
	// Results are the per-action results (any JSON array; nil means none).
	Results any
	// Stderr is the (redacted) tail of what the failing command printed.
	Stderr string
	// PlanID and PlanStatus, when set, move the plan the run applied to its final status.
	PlanID     *int64
	PlanStatus PlanStatus
	// Applied are instances whose applied record is written (inserted or replaced);
	// Forget are instances whose record goes (their container was removed). With
	// ReplaceApplied, Applied replaces the stack's whole record instead (a complete apply,
	// or none at all after down).
	Applied        []AppliedInstance
	Forget         []string
	ReplaceApplied bool
}

// Finish records the run's outcome, the plan's status and the applied state in one
// transaction, then releases the lock.
func (l *StackLock) Finish(ctx context.Context, o Outcome) error {
	defer l.Release(ctx)
	res, _ := json.Marshal(o.Results)
	if string(res) == "null" {
		res = []byte("[]") // the column holds an array: a run refused before any action has none
	}
	return pgx.BeginFunc(ctx, l.conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE applies SET status = $2, finished_at = now(), results = $3, stderr_excerpt = $4 WHERE id = $1`,
			l.RunID, o.Status, res, o.Stderr); err != nil {
			return err
		}
		if o.PlanID != nil && o.PlanStatus != "" {
			if _, err := tx.Exec(ctx, `UPDATE plans SET status = $2 WHERE id = $1`, *o.PlanID, o.PlanStatus); err != nil {
				return err
			}
		}
		if o.ReplaceApplied {
			if _, err := tx.Exec(ctx, `DELETE FROM applied_instances WHERE stack_id = $1`, l.stackID); err != nil {
				return err
			}
		}
		if len(o.Forget) > 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM applied_instances WHERE stack_id = $1 AND instance_name = ANY($2)`, l.stackID, o.Forget); err != nil {
				return err
			}
		}
		for _, a := range o.Applied {
			deps, _ := json.Marshal(nonNil(a.DependsOn))
			sv, _ := json.Marshal(a.SecretVersions)
			if a.SecretVersions == nil {
				sv = []byte("{}")
			}
			if _, err := tx.Exec(ctx, `INSERT INTO applied_instances (stack_id, instance_name, container_name, config_hash, config, running, depends_on, secret_versions, failed)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT (stack_id, instance_name) DO UPDATE SET container_name = EXCLUDED.container_name, config_hash = EXCLUDED.config_hash,
				  config = EXCLUDED.config, running = EXCLUDED.running, depends_on = EXCLUDED.depends_on, secret_versions = EXCLUDED.secret_versions,
				  failed = EXCLUDED.failed, applied_at = now()`,
				l.stackID, a.Instance, a.Container, a.ConfigHash, map[string]any(a.Config), a.Running, deps, sv, a.Failed); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetStopped records whether the user means the stack to be stopped (devarch stop) or
// running (devarch start, down), together with the instances' running flag. It clears
// every instance's own mark (SetInstancesStopped): after a stack-level operation the
// stack's mark says it all, so a stack start never leaves one instance meant to be stopped.
func (l *StackLock) SetStopped(ctx context.Context, stopped bool) error {
	if _, err := l.conn.Exec(ctx, `UPDATE stacks SET stopped = $2 WHERE id = $1`, l.stackID, stopped); err != nil {
		return interpret(err, "stack")
	}
	if _, err := l.conn.Exec(ctx, `UPDATE instances SET stopped = false WHERE stack_id = $1 AND stopped`, l.stackID); err != nil {
		return interpret(err, "instance")
	}
	_, err := l.conn.Exec(ctx, `UPDATE applied_instances SET running = $2 WHERE stack_id = $1`, l.stackID, !stopped)
	return interpret(err, "applied state")
}

// SetInstancesStopped records whether the user means these instances of the stack to be
// stopped (devarch stop STACK INSTANCE) or running, with their applied running flag, in one
// transaction. Starting instances of a stack marked stopped turns the stack's mark into
// marks on every other instance: those stay stopped, the named ones run, and the stack is
// no longer stopped as a whole.
func (l *StackLock) SetInstancesStopped(ctx context.Context, names []string, stopped bool) error {
	return interpret(pgx.BeginFunc(ctx, l.conn, func(tx pgx.Tx) error {
		if !stopped {
			var whole bool
			if err := tx.QueryRow(ctx, `SELECT stopped FROM stacks WHERE id = $1`, l.stackID).Scan(&whole); err != nil {
				return err
			}
			if whole {
				if _, err := tx.Exec(ctx, `UPDATE instances SET stopped = true WHERE stack_id = $1 AND NOT (name = ANY($2))`, l.stackID, names); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `UPDATE stacks SET stopped = false WHERE id = $1`, l.stackID); err != nil {
					return err
				}
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE instances SET stopped = $3 WHERE stack_id = $1 AND name = ANY($2)`, l.stackID, names, stopped); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE applied_instances SET running = $3 WHERE stack_id = $1 AND instance_name = ANY($2)`, l.stackID, names, !stopped)
		return err
	}), "instance")
}

// StopState is what the user means to be stopped in a stack: the whole stack (devarch stop
// STACK), and the instances stopped one by one, sorted; one query.
func (s *Store) StopState(ctx context.Context, stackID int64) (stackStopped bool, instances []string, err error) {
	err = s.pool.QueryRow(ctx, `SELECT s.stopped,
			coalesce((SELECT array_agg(i.name ORDER BY i.name) FROM instances i WHERE i.stack_id = s.id AND i.stopped), '{}')
		FROM stacks s WHERE s.id = $1`, stackID).Scan(&stackStopped, &instances)
	return stackStopped, instances, interpret(err, "stack")
}

// MarkPlan moves a planned plan to status under the lock (applying). A plan that is no
// longer "planned" (applied or taken by another run meanwhile) is refused.
func (l *StackLock) MarkPlan(ctx context.Context, planID int64, status PlanStatus) error {
	tag, err := l.conn.Exec(ctx, `UPDATE plans SET status = $2 WHERE id = $1 AND status = $3`, planID, status, PlanPlanned)
	if err != nil {
		return interpret(err, "plan")
	}
	if tag.RowsAffected() == 0 {
		return &model.Error{Kind: model.KindStale, Field: "plan", Summary: fmt.Sprintf("plan %d is no longer waiting to be applied", planID),
			Detail: "Another run applied or replaced it. Make a new plan."}
	}
	return nil
}

// Release frees the lock by closing its connection (which frees it even when the unlock
// statement could not run).
func (l *StackLock) Release(ctx context.Context) {
	if l.conn == nil {
		return
	}
	_, _ = l.conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, $2::int)`, stackLockClass, l.stackID)
	l.release()
	l.conn = nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// History lists a stack's runs, newest first.
func (s *Store) History(ctx context.Context, stack string, limit int) ([]Run, error) {
	rows, err := s.pool.Query(ctx, `SELECT a.id, a.plan_id, s.name, a.operation, a.status, a.started_by, a.started_at, a.finished_at, a.results, a.stderr_excerpt
		FROM applies a JOIN stacks s ON s.id = a.stack_id WHERE s.name = $1 ORDER BY a.started_at DESC, a.id DESC LIMIT $2`, stack, limit)
	if err != nil {
		return nil, interpret(err, "history")
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		if err := rows.Scan(&r.ID, &r.PlanID, &r.Stack, &r.Operation, &r.Status, &r.StartedBy, &r.StartedAt, &r.FinishedAt, &r.Results, &r.StderrExcerpt); err != nil {
			return nil, interpret(err, "history")
		}
		out = append(out, r)
	}
	return out, interpret(rows.Err(), "history")
}

// CheckUnlocked fails with the holder's identity when another operation holds the stack's
// lock. Planning checks it, as terraform plan does: a plan made while an apply runs would
// describe a moment that is about to change. It only looks (pg_locks); it never takes the
// lock, so it cannot leak it or make a concurrent apply fail.
func (s *Store) CheckUnlocked(ctx context.Context, stack string) error {
	stackID, _, err := s.StackRevision(ctx, stack)
	if err != nil {
		return err
	}
	held, err := s.advisoryHeld(ctx, stackLockClass, stackID)
	if err != nil {
		return interpret(err, "stack lock")
	}
	if held {
		return s.lockedError(ctx, stack, stackID)
	}
	return nil
}

// MarkInterrupted records as interrupted every run whose holder's connection is gone (a
// crash or kill -9 mid-apply), and their plans. Called at start so history shows the truth
// before anyone takes the lock again.
func (s *Store) MarkInterrupted(ctx context.Context) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, markInterrupted, RunInterrupted, RunRunning, PlanInterrupted, PlanApplying).Scan(&n)
	return n, interpret(err, "runs")
}

// markInterrupted is MarkInterrupted's one statement (atomic as a whole): runs whose
// session is gone become interrupted, and so do the plans being applied that no live run
// holds. Both parts see the same snapshot, so the plans' test asks for a live run itself
// rather than for a run the first part left running.
const markInterrupted = `WITH dead AS (
		UPDATE applies a SET status = $1, finished_at = now()
		WHERE a.status = $2 AND NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = a.backend_pid)
		RETURNING 1
	), orphaned AS (
		UPDATE plans p SET status = $3 WHERE p.status = $4
		AND NOT EXISTS (SELECT 1 FROM applies a WHERE a.plan_id = p.id AND a.status = $2
			AND EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = a.backend_pid))
	)
	SELECT count(*) FROM dead`

// Opening is what every start does before anything else: MarkInterrupted, and whether the
// built-in templates with this fingerprint are the ones last synced (then SyncBuiltins has
// nothing to do). The everyday case (no run or plan in flight) is one cheap statement over
// two partial indexes: MarkInterrupted's reading of pg_stat_activity costs a fresh session
// ~2 ms of catalog loading, so it runs only when there is something to check.
func (s *Store) Opening(ctx context.Context, builtinsFingerprint string) (interrupted int64, builtinsCurrent bool, err error) {
	var inFlight bool
	err = s.pool.QueryRow(ctx, `SELECT
		EXISTS (SELECT 1 FROM applies WHERE status = '`+string(RunRunning)+`')
		OR EXISTS (SELECT 1 FROM plans WHERE status = '`+string(PlanApplying)+`'),
		EXISTS (SELECT 1 FROM builtin_sync WHERE fingerprint = $1)`, builtinsFingerprint).Scan(&inFlight, &builtinsCurrent)
	if err != nil {
		return 0, false, interpret(err, "runs")
	}
	if inFlight {
		interrupted, err = s.MarkInterrupted(ctx)
	}
	return interrupted, builtinsCurrent, err
}
