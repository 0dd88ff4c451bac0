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
	return s.CreateStackOn(ctx, NewStack{Name: name, Description: description, Root: root, VolumePrefix: volumePrefix})
}

// NewStack is what CreateStackOn makes: CreateStack's arguments and the docker context the
// stack runs on ("" the default engine; the caller checked that the context exists).
type NewStack struct {
	Name, Description, Root, VolumePrefix, Context string
}

// CreateStackOn is CreateStack for a stack on any engine.
func (s *Store) CreateStackOn(ctx context.Context, n NewStack) (model.StackSummary, error) {
	name, description, root, volumePrefix := n.Name, n.Description, n.Root, n.VolumePrefix
	var st model.StackSummary
	pool, avoid, err := s.subnetSource(ctx)
	if err != nil {
		return st, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `
		INSERT INTO stacks (name, description, root, volume_prefix, context) VALUES ($1, $2, nullif($3, ''), nullif($4, ''), nullif($5, ''))
		RETURNING id, name, description, revision, created_at, updated_at, coalesce(context, '')`, name, description, root, volumePrefix, n.Context).
			Scan(&id, &st.Name, &st.Description, &st.Revision, &st.CreatedAt, &st.UpdatedAt, &st.Context); err != nil {
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
	// Context is the docker context the stack runs on: "" goes back to the default engine.
	// The caller checked that it exists.
	Context *string
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
		if set.Context != nil {
			tag, err := tx.Exec(ctx, `UPDATE stacks SET context = nullif($2, ''), revision = revision + 1, updated_at = now()
				WHERE id = $1 AND coalesce(context, '') <> $2`, id, *set.Context)
			if err != nil {
				return err
			}
			changed = changed || tag.RowsAffected() > 0
		}
		return nil
	})
	return changed, err
}

// SetPlacement records where a stack's containers are: on the engine named on ("" the
// default engine) when an apply is about to put them there, nowhere (nil) after a down
// removed them. A plan compares it with the stack's context to see a move.
func (s *Store) SetPlacement(ctx context.Context, stack string, on *string) error {
	_, err := s.pool.Exec(ctx, `UPDATE stacks SET placed_on = $2 WHERE name = $1`, stack, on)
	return interpret(err, "stack "+stack)
}

// SetEngineAddress sets the address an engine publishes host ports on ("default" names the
// default engine); "" removes the setting. It bumps the revision of every stack on that
// engine, since their compose files change.
func (s *Store) SetEngineAddress(ctx context.Context, engine, address string) (bool, error) {
	changed := false
	err := s.tx(ctx, "engine "+engine, func(tx pgx.Tx) error {
		var tag pgconn.CommandTag
		var err error
		if address == "" {
			tag, err = tx.Exec(ctx, `DELETE FROM engines WHERE name = $1`, engine)
		} else {
			tag, err = tx.Exec(ctx, `INSERT INTO engines (name, publish_address) VALUES ($1, $2::inet)
				ON CONFLICT (name) DO UPDATE SET publish_address = excluded.publish_address, updated_at = now()
				WHERE engines.publish_address <> excluded.publish_address`, engine, address)
		}
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		changed = true
		_, err = tx.Exec(ctx, `UPDATE stacks SET revision = revision + 1, updated_at = now()
			WHERE coalesce(context, 'default') = $1`, engine)
		return err
	})
	return changed, err
}

// EngineAddresses are the publish addresses set, by engine name ("default" for the default
// engine).
func (s *Store) EngineAddresses(ctx context.Context) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, host(publish_address) FROM engines ORDER BY name`)
	if err != nil {
		return nil, interpret(err, "engines")
	}
	out := map[string]string{}
	var name, addr string
	_, err = pgx.ForEachRow(rows, []any{&name, &addr}, func() error {
		out[name] = addr
		return nil
	})
	return out, interpret(err, "engines")
}

// EnginesInUse are the engines stacks run on or were last placed on ("" the default
// engine), sorted, the default first when present.
func (s *Store) EnginesInUse(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT e FROM (
			SELECT coalesce(context, '') AS e FROM stacks
			UNION SELECT placed_on FROM stacks WHERE placed_on IS NOT NULL) x ORDER BY e`)
	if err != nil {
		return nil, interpret(err, "stacks")
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, interpret(err, "stacks")
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
