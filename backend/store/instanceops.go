package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/devarch/devarch/backend/model"
)

// RenameInstance renames an instance in one transaction under the stack's row lock. Its
// container name follows (the instances_container_name trigger); its wires follow (they
// reference the row, not the name); so do the other instances' own depends_on entries
// naming it (overrides.depends_on.NAME, see rewriteDependsOn), whose key is renamed with
// its conditions kept, so the stack never names an instance that no longer exists; the
// stack's revision is bumped, so saved plans go stale.
//
// The applied record of both names is forgotten: the caller makes sure no container of
// either exists (engine.RenameInstance), so a record under the old name describes nothing
// any more, and one under the new name is a leftover of a removed instance. Keeping either
// would make the next plan believe the renamed instance was applied before ("removed
// outside DevArch") instead of creating it as new.
func (s *Store) RenameInstance(ctx context.Context, stack, name, newName string) error {
	err := s.tx(ctx, "instance "+name, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, stack)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE instances SET name = $3, updated_at = now() WHERE stack_id = $1 AND name = $2`, id, name, newName)
		if err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "instances_stack_id_name_key" {
				return &model.Error{Kind: model.KindConflict, Field: "name", Err: err,
					Summary: fmt.Sprintf("stack %q already has an instance named %q", stack, newName),
					Detail:  "Instance names are unique within a stack. Choose another name."}
			}
			return containerClash(err, stack, newName)
		}
		if tag.RowsAffected() == 0 {
			return instanceNotFound(stack, name)
		}
		if err := rewriteDependsOn(ctx, tx, id, name, newName); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM applied_instances WHERE stack_id = $1 AND instance_name IN ($2, $3)`, id, name, newName); err != nil {
			return err
		}
		return bumpRevision(ctx, tx, id)
	})
	return s.withClashOwner(ctx, err, stack, newName)
}

// rewriteDependsOn renames the key old to new in the depends_on override of every instance
// of the stack that has one (a depends_on object naming old), keeping the entry's value
// (condition, required, restart). Only objects are touched: a depends_on of another type is
// invalid and left for the plan to report, and jsonb's ? would also match a list element.
func rewriteDependsOn(ctx context.Context, tx pgx.Tx, stackID int64, old, new string) error {
	_, err := tx.Exec(ctx, `UPDATE instances
		SET overrides = jsonb_set(overrides, '{depends_on}', (overrides->'depends_on') - $2::text || jsonb_build_object($3::text, overrides->'depends_on'->$2::text)),
		    updated_at = now()
		WHERE stack_id = $1 AND jsonb_typeof(overrides->'depends_on') = 'object' AND overrides->'depends_on' ? $2::text`,
		stackID, old, new)
	return err
}

// DependentsOf lists, sorted, the instances of stack (other than name) whose own depends_on
// override names name. Read in tx under the caller's lock (see RemoveInstance).
func dependentsOf(ctx context.Context, tx pgx.Tx, stackID int64, name string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT name FROM instances
		WHERE stack_id = $1 AND name <> $2 AND jsonb_typeof(overrides->'depends_on') = 'object' AND overrides->'depends_on' ? $2
		ORDER BY name`, stackID, name)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// SetInstanceTemplate switches an instance to another template, keeping its overrides. The
// caller checked that those overrides fit the new template; they must still be the stored
// ones (compared as JSON values), else another write changed them since and the switch is
// refused as stale rather than storing a combination nobody checked. Switching to the
// template the instance already uses changes nothing and keeps the revision.
func (s *Store) SetInstanceTemplate(ctx context.Context, stack, name, template string, checked model.Spec) (changed bool, err error) {
	if checked == nil {
		checked = model.Spec{}
	}
	err = s.tx(ctx, "instance "+name, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, stack)
		if err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM templates WHERE name = $1)`, template).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return templateNotFound(template)
		}
		var current string
		var same bool
		err = tx.QueryRow(ctx, `SELECT template_name, overrides = $3::jsonb FROM instances WHERE stack_id = $1 AND name = $2`,
			id, name, map[string]any(checked)).Scan(&current, &same)
		if errors.Is(err, pgx.ErrNoRows) {
			return instanceNotFound(stack, name)
		}
		if err != nil {
			return err
		}
		if !same {
			return &model.Error{Kind: model.KindStale, Field: "overrides",
				Summary: fmt.Sprintf("the overrides of %s/%s changed while the template switch was checked", stack, name),
				Detail:  "Nothing was changed. Run the command again."}
		}
		if current == template {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE instances SET template_name = $3, updated_at = now() WHERE stack_id = $1 AND name = $2`, id, name, template); err != nil {
			return err
		}
		changed = true
		return bumpRevision(ctx, tx, id)
	})
	return changed, err
}
