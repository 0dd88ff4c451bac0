package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/devarch/devarch/backend/model"
)

// GetRun returns one recorded run of a stack (devarch history STACK RUN). A run of another
// stack is not found: run ids are global, but a run is always shown as part of its stack.
func (s *Store) GetRun(ctx context.Context, stack string, id int64) (Run, error) {
	var r Run
	err := s.pool.QueryRow(ctx, `SELECT a.id, a.plan_id, s.name, a.operation, a.status, a.started_by, a.started_at, a.finished_at, a.results, a.stderr_excerpt
		FROM applies a JOIN stacks s ON s.id = a.stack_id WHERE s.name = $1 AND a.id = $2`, stack, id).
		Scan(&r.ID, &r.PlanID, &r.Stack, &r.Operation, &r.Status, &r.StartedBy, &r.StartedAt, &r.FinishedAt, &r.Results, &r.StderrExcerpt)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, &model.Error{Kind: model.KindNotFound, Field: "run",
			Summary: fmt.Sprintf("stack %q has no run %d", stack, id),
			Detail:  "List its runs with: devarch history " + stack}
	}
	return r, interpret(err, "run")
}
