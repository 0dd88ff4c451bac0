// Package store is DevArch's only SQL: reads and transactional writes of stacks, templates,
// instances, secrets, plans and applies, and the one place where database errors become
// domain errors.
package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/model"
)

// Store runs queries on a pool (and lock holders on connections of their own). It is safe
// for concurrent use.
type Store struct {
	pool    *pgxpool.Pool
	holders chan struct{} // one token per held session lock (see MaxLockHolders)
	subnets SubnetSource  // nil: the default pool (see SetSubnetSource)
}

// New returns a Store over pool.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, holders: make(chan struct{}, MaxLockHolders)}
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return interpret(err, "database")
	}
	return nil
}

// ListStacks returns every stack ordered by name, with its instance count.
func (s *Store) ListStacks(ctx context.Context) ([]model.StackSummary, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT s.name, s.description, s.revision, count(i.id), s.created_at, s.updated_at, coalesce(s.context, ''), coalesce(s.placed_on, s.context, '')
		FROM stacks s LEFT JOIN instances i ON i.stack_id = s.id
		GROUP BY s.id ORDER BY s.name`)
	if err != nil {
		return nil, interpret(err, "stacks")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.StackSummary, error) {
		var st model.StackSummary
		err := r.Scan(&st.Name, &st.Description, &st.Revision, &st.Instances, &st.CreatedAt, &st.UpdatedAt, &st.Context, &st.RunsOn)
		return st, err
	})
	if err != nil {
		return nil, interpret(err, "stacks")
	}
	return out, nil
}

// interpret maps a database error to a domain error. what names the thing being read or
// written, for the message. It is the only place that knows PostgreSQL error codes.
func interpret(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return model.Wrap(model.KindNotFound, err, what+" not found", "")
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return model.Wrap(model.KindCanceled, err, "canceled while reading "+what, "")
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return model.Wrap(model.KindConflict, err, what+" already exists", pgErr.Detail)
		case "23503": // foreign_key_violation
			return model.Wrap(model.KindConflict, err, what+" is still in use", pgErr.Detail)
		case "23514", "23502", "22001": // check, not null, string too long
			return model.Wrap(model.KindInvalid, err, what+" breaks a rule", pgErr.Message)
		}
		return model.Wrap(model.KindInternal, err, "database error on "+what, pgErr.Message)
	}
	return model.Wrap(model.KindUnavailable, err, "the database cannot be reached",
		"The embedded PostgreSQL may have stopped; restart DevArch. ("+err.Error()+")")
}
