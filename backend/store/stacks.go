package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/devarch/devarch/backend/model"
)

// CreateStack inserts a new, empty stack at revision 1. Names are validated by the caller
// (model.ValidateStackName) and again by the schema's dns_label domain. root is the project
// root ("" for the default); volumePrefix is "" for a fresh prefix with the stack's id, or a
// deleted stack's prefix whose volumes the user chose to reuse.
//
// The stack's network gets its subnet in the same transaction (see assignSubnet): a full pool
// fails the creation with an error that says how to make room, and leaves nothing behind.
func (s *Store) CreateStack(ctx context.Context, name, description, root, volumePrefix string) (model.StackSummary, error) {
	var st model.StackSummary
	pool, avoid, err := s.subnetSource(ctx)
	if err != nil {
		return st, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `
		INSERT INTO stacks (name, description, root, volume_prefix) VALUES ($1, $2, nullif($3, ''), nullif($4, ''))
		RETURNING id, name, description, revision, created_at, updated_at`, name, description, root, volumePrefix).
			Scan(&id, &st.Name, &st.Description, &st.Revision, &st.CreatedAt, &st.UpdatedAt); err != nil {
			return err
		}
		_, err := assignSubnet(ctx, tx, id, pool, avoid)
		return err
	})
	if err != nil {
		var me *model.Error
		if errors.As(err, &me) {
			return st, err
		}
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "stacks_name_key" {
			return st, &model.Error{Kind: model.KindConflict, Field: "name", Err: err,
				Summary: fmt.Sprintf("a stack named %q already exists", name),
				Detail:  "Stack names are unique. Choose another name, or use the existing stack."}
		}
		return st, interpret(err, "stack "+name)
	}
	return st, nil
}

// StackSettings are the stack-level fields a user can change; nil leaves one as it is.
type StackSettings struct {
	Description *string
	// Root is the project root: "" goes back to the default.
	Root *string
}

// UpdateStack changes a stack's settings in one transaction and reports whether anything
// changed. A new root changes where bind mounts point, so it bumps the revision (the next
// plan replaces the containers that mount relative paths); a description does not.
func (s *Store) UpdateStack(ctx context.Context, name string, set StackSettings) (bool, error) {
	changed := false
	err := s.tx(ctx, "stack "+name, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, name)
		if err != nil {
			return err
		}
		if set.Description != nil {
			tag, err := tx.Exec(ctx, `UPDATE stacks SET description = $2, updated_at = now() WHERE id = $1 AND description <> $2`, id, *set.Description)
			if err != nil {
				return err
			}
			changed = changed || tag.RowsAffected() > 0
		}
		if set.Root != nil {
			tag, err := tx.Exec(ctx, `UPDATE stacks SET root = nullif($2, ''), revision = revision + 1, updated_at = now()
				WHERE id = $1 AND coalesce(root, '') <> $2`, id, *set.Root)
			if err != nil {
				return err
			}
			changed = changed || tag.RowsAffected() > 0
		}
		return nil
	})
	return changed, err
}

// VolumePrefixes returns the volume prefixes live stacks use.
func (s *Store) VolumePrefixes(ctx context.Context) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT volume_prefix FROM stacks`)
	if err != nil {
		return nil, interpret(err, "stacks")
	}
	out := map[string]bool{}
	prefixes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	for _, p := range prefixes {
		out[p] = true
	}
	return out, interpret(err, "stacks")
}
