package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/devarch/devarch/backend/model"
)

func stackNotFound(name string) error {
	return &model.Error{Kind: model.KindNotFound, Field: "stack",
		Summary: fmt.Sprintf("no stack named %q", name),
		Detail:  "List stacks with: devarch stack list"}
}

func instanceNotFound(stack, name string) error {
	return &model.Error{Kind: model.KindNotFound, Field: "instance",
		Summary: fmt.Sprintf("stack %q has no instance named %q", stack, name),
		Detail:  "See its instances with: devarch stack show " + stack}
}

// lockStack locks a stack's row for the transaction and returns its id. Every write to a
// stack or its contents goes through it, then bumpRevision, so concurrent writers
// serialize and each write yields exactly one new revision.
func lockStack(ctx context.Context, tx pgx.Tx, name string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM stacks WHERE name = $1 FOR UPDATE`, name).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, stackNotFound(name)
	}
	return id, err
}

func bumpRevision(ctx context.Context, tx pgx.Tx, id int64) error {
	_, err := bumpRevisionTo(ctx, tx, id)
	return err
}

// bumpRevisionTo is bumpRevision returning the new revision.
func bumpRevisionTo(ctx context.Context, tx pgx.Tx, id int64) (int64, error) {
	var rev int64
	err := tx.QueryRow(ctx, `UPDATE stacks SET revision = revision + 1, updated_at = now() WHERE id = $1 RETURNING revision`, id).Scan(&rev)
	return rev, err
}

// containerClash turns a violation of the engine-wide container-name uniqueness into a
// conflict. The owner is filled in by withClashOwner once the failed transaction is over.
func containerClash(err error, stack, instance string) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" || pgErr.ConstraintName != "instances_container_name_key" {
		return err
	}
	return &model.Error{Kind: model.KindConflict, Field: "name", Err: err,
		Summary: fmt.Sprintf("container name %s is already taken", model.ContainerName(stack, instance)),
		Detail:  "Container names are devarch-{stack}-{instance} and must be unique across all stacks. Choose another name."}
}

func ownerDetail(ownerStack, ownerInstance, stack, instance, fix string) string {
	if ownerStack == "" {
		return fix
	}
	return fmt.Sprintf("Stack %q instance %q already uses it; stack %q instance %q would too. %s", ownerStack, ownerInstance, stack, instance, fix)
}

// containerOwner finds which stack/instance holds a container name.
func (s *Store) containerOwner(ctx context.Context, container string) (string, string) {
	var st, in string
	_ = s.pool.QueryRow(ctx, `SELECT s.name, i.name FROM instances i JOIN stacks s ON s.id = i.stack_id WHERE i.container_name = $1`, container).Scan(&st, &in)
	return st, in
}

// withClashOwner fills in the owner of a clashing container name after the failed
// transaction ended.
func (s *Store) withClashOwner(ctx context.Context, err error, stack, instance string) error {
	var me *model.Error
	if !errors.As(err, &me) || me.Kind != model.KindConflict || me.Err == nil {
		return err
	}
	if os, oi := s.containerOwner(ctx, model.ContainerName(stack, instance)); os != "" {
		me.Detail = ownerDetail(os, oi, stack, instance,
			"Container names are devarch-{stack}-{instance} and must be unique across all stacks. Choose another name.")
	}
	return err
}

// AddInstance places a template in a stack with the given overrides.
func (s *Store) AddInstance(ctx context.Context, inst model.Instance) error {
	_, err := s.AddInstanceRevision(ctx, inst)
	return err
}

// AddInstanceRevision is AddInstance returning the stack's revision after the write.
func (s *Store) AddInstanceRevision(ctx context.Context, inst model.Instance) (revision int64, err error) {
	err = s.tx(ctx, "instance "+inst.Name, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, inst.Stack)
		if err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM templates WHERE name = $1)`, inst.Template).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return templateNotFound(inst.Template)
		}
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM instances WHERE stack_id = $1 AND name = $2)`, id, inst.Name).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return &model.Error{Kind: model.KindConflict, Field: "name",
				Summary: fmt.Sprintf("stack %q already has an instance named %q", inst.Stack, inst.Name),
				Detail:  "Instance names are unique within a stack. Choose another name."}
		}
		overrides := inst.Overrides
		if overrides == nil {
			overrides = model.Spec{}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO instances (stack_id, name, template_name, overrides) VALUES ($1, $2, $3, $4)`,
			id, inst.Name, inst.Template, map[string]any(overrides)); err != nil {
			return containerClash(err, inst.Stack, inst.Name)
		}
		revision, err = bumpRevisionTo(ctx, tx, id)
		return err
	})
	return revision, s.withClashOwner(ctx, err, inst.Stack, inst.Name)
}

// SetOverrides replaces an instance's overrides (the caller computed the new delta).
func (s *Store) SetOverrides(ctx context.Context, stack, name string, overrides model.Spec) error {
	_, _, err := s.ReplaceOverrides(ctx, stack, name, overrides)
	return err
}

// ReplaceOverrides is SetOverrides telling what it did: the stack's revision after the
// call, and whether anything changed. Overrides equal to the stored ones (as JSON values:
// key order and number spelling do not count) are a no-op: nothing is written and the
// revision is not bumped, so plans saved at that revision stay applicable. The comparison
// runs under the stack's row lock, so a concurrent write cannot slip between it and the
// update.
func (s *Store) ReplaceOverrides(ctx context.Context, stack, name string, overrides model.Spec) (revision int64, changed bool, err error) {
	if overrides == nil {
		overrides = model.Spec{}
	}
	err = s.tx(ctx, "instance "+name, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, stack)
		if err != nil {
			return err
		}
		var same bool
		err = tx.QueryRow(ctx, `SELECT overrides = $3::jsonb FROM instances WHERE stack_id = $1 AND name = $2`,
			id, name, map[string]any(overrides)).Scan(&same)
		if errors.Is(err, pgx.ErrNoRows) {
			return instanceNotFound(stack, name)
		}
		if err != nil {
			return err
		}
		if same {
			return tx.QueryRow(ctx, `SELECT revision FROM stacks WHERE id = $1`, id).Scan(&revision)
		}
		if _, err := tx.Exec(ctx, `UPDATE instances SET overrides = $3, updated_at = now() WHERE stack_id = $1 AND name = $2`,
			id, name, map[string]any(overrides)); err != nil {
			return err
		}
		changed = true
		revision, err = bumpRevisionTo(ctx, tx, id)
		return err
	})
	return revision, changed, err
}

// RemoveInstance deletes an instance (its wires go with it). It is refused, changing
// nothing, while another instance's own depends_on override names it (dependedOn): that
// entry is the user's choice of what must run first, so it is not dropped silently, and
// keeping it would leave the stack naming an instance that no longer exists, which every
// plan refuses. The check and the delete run in one transaction under the stack's row lock,
// so a depends_on written meanwhile waits for it and then finds the instance gone.
func (s *Store) RemoveInstance(ctx context.Context, stack, name string) error {
	return s.tx(ctx, "instance "+name, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, stack)
		if err != nil {
			return err
		}
		deps, err := dependentsOf(ctx, tx, id, name)
		if err != nil {
			return err
		}
		if len(deps) > 0 {
			return dependedOn(stack, name, deps)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM instances WHERE stack_id = $1 AND name = $2`, id, name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return instanceNotFound(stack, name)
		}
		return bumpRevision(ctx, tx, id)
	})
}

// dependedOn is the refusal of removing name while deps (sorted) depend on it by their own
// depends_on: it names each and the command that drops each entry.
func dependedOn(stack, name string, deps []string) error {
	var fixes []string
	for _, d := range deps {
		fixes = append(fixes, fmt.Sprintf("  devarch instance set %s %s --unset depends_on.%s", stack, d, name))
	}
	verb := "depend"
	if len(deps) == 1 {
		verb = "depends"
	}
	return &model.Error{Kind: model.KindConflict, Field: "instance",
		Summary: fmt.Sprintf("cannot remove %s/%s: %s %s on it (depends_on)", stack, name, strings.Join(deps, ", "), verb),
		Detail: fmt.Sprintf("Nothing was changed. Remove the dependency first, then the instance:\n%s\n  devarch instance remove %s %s",
			strings.Join(fixes, "\n"), stack, name)}
}

// stackColumns and stackFields read a stacks row into a model.Stack.
// The publish address is the stack's engine's (engines.name is not "context", so the
// subquery's unqualified context is the stack's, whatever alias the caller gives stacks).
const stackColumns = `id, name, description, revision, created_at, updated_at, coalesce(root, ''), volume_prefix, coalesce(subnet::text, ''),
	coalesce(context, ''), coalesce(placed_on, ''), placed_on IS NOT NULL,
	coalesce((SELECT host(e.publish_address) FROM engines e WHERE e.name = coalesce(context, 'default')), '')`

func stackFields(st *model.Stack) []any {
	return []any{&st.ID, &st.Name, &st.Description, &st.Revision, &st.CreatedAt, &st.UpdatedAt, &st.Root, &st.VolumePrefix, &st.Subnet,
		&st.Context, &st.PlacedOn, &st.Placed, &st.PublishAddress}
}

// GetStackRow loads a stack's own row, without its instances: one indexed read, for callers
// that need its settings (its engine, its subnet).
func (s *Store) GetStackRow(ctx context.Context, name string) (model.Stack, error) {
	var st model.Stack
	err := s.pool.QueryRow(ctx, `SELECT `+stackColumns+` FROM stacks WHERE name = $1`, name).Scan(stackFields(&st)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, stackNotFound(name)
	}
	return st, interpret(err, "stack "+name)
}

// GetStack loads a stack and its instances (sorted by name).
func (s *Store) GetStack(ctx context.Context, name string) (model.Stack, error) {
	var st model.Stack
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT `+stackColumns+` FROM stacks WHERE name = $1`, name).
		Scan(stackFields(&st)...)
	id = st.ID
	if errors.Is(err, pgx.ErrNoRows) {
		return st, stackNotFound(name)
	}
	if err != nil {
		return st, interpret(err, "stack "+name)
	}
	rows, err := s.pool.Query(ctx, `SELECT name, template_name, overrides FROM instances WHERE stack_id = $1 ORDER BY name`, id)
	if err != nil {
		return st, interpret(err, "stack "+name)
	}
	defer rows.Close()
	for rows.Next() {
		inst := model.Instance{Stack: name}
		var o map[string]any
		if err := rows.Scan(&inst.Name, &inst.Template, &o); err != nil {
			return st, interpret(err, "stack "+name)
		}
		inst.Overrides = model.Spec(o)
		st.Instances = append(st.Instances, inst)
	}
	return st, interpret(rows.Err(), "stack "+name)
}

// LoadForResolve returns a stack, its instances and exactly the templates they use, in
// one snapshot (repeatable read), so resolution sees a consistent revision. Its cost
// depends on this stack only, not on how many other stacks exist.
func (s *Store) LoadForResolve(ctx context.Context, name string) (model.Stack, map[string]model.Template, error) {
	var st model.Stack
	templates := map[string]model.Template{}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT `+stackColumns+` FROM stacks WHERE name = $1`, name).Scan(stackFields(&st)...)
		id := st.ID
		if errors.Is(err, pgx.ErrNoRows) {
			return stackNotFound(name)
		}
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT name, template_name, overrides FROM instances WHERE stack_id = $1 ORDER BY name`, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			inst := model.Instance{Stack: name}
			var o map[string]any
			if err := rows.Scan(&inst.Name, &inst.Template, &o); err != nil {
				return err
			}
			inst.Overrides = model.Spec(o)
			st.Instances = append(st.Instances, inst)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if st.Wires, err = wires(ctx, tx, id); err != nil {
			return err
		}
		trows, err := tx.Query(ctx, `SELECT `+templateColumns+` FROM templates t
			WHERE t.name IN (SELECT template_name FROM instances WHERE stack_id = $1)`, id)
		if err != nil {
			return err
		}
		return collectTemplates(trows, templates)
	})
	if err != nil {
		var me *model.Error
		if errors.As(err, &me) {
			return st, nil, err
		}
		return st, nil, interpret(err, "stack "+name)
	}
	return st, templates, nil
}

// RenameStack renames a stack; its container names follow (a database trigger), and the
// revision is bumped so plans show the replacements.
func (s *Store) RenameStack(ctx context.Context, name, newName string) error {
	err := s.tx(ctx, "stack "+name, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, name)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE stacks SET name = $2 WHERE id = $1`, id, newName); err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.ConstraintName == "stacks_name_key" {
				return &model.Error{Kind: model.KindConflict, Field: "name", Err: err,
					Summary: fmt.Sprintf("a stack named %q already exists", newName),
					Detail:  "Choose another name."}
			}
			if errors.As(err, &pgErr) && pgErr.ConstraintName == "instances_container_name_key" {
				return &model.Error{Kind: model.KindConflict, Field: "name", Err: err,
					Summary: fmt.Sprintf("renaming %q to %q would give a container a name another stack uses", name, newName),
					Detail:  pgErr.Detail + ". Container names are devarch-{stack}-{instance} and must be unique across all stacks. Choose another name."}
			}
			return err
		}
		return bumpRevision(ctx, tx, id)
	})
	return err
}

// DeleteStack deletes a stack and everything in it.
func (s *Store) DeleteStack(ctx context.Context, name string) error {
	return s.tx(ctx, "stack "+name, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM stacks WHERE name = $1`, name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return stackNotFound(name)
		}
		return nil
	})
}

// LoadAllForResolve returns every stack but except, each with its instances, and the
// templates they use, in one snapshot and three queries whatever the number of stacks: what
// a plan needs to see the host ports other stacks define.
func (s *Store) LoadAllForResolve(ctx context.Context, except string) ([]model.Stack, map[string]model.Template, error) {
	return s.loadManyForResolve(ctx, `s.name <> $1`, except)
}

// LoadByIDsForResolve is LoadAllForResolve for the stacks with the given ids.
func (s *Store) LoadByIDsForResolve(ctx context.Context, ids []int64) ([]model.Stack, map[string]model.Template, error) {
	if len(ids) == 0 {
		return nil, map[string]model.Template{}, nil
	}
	return s.loadManyForResolve(ctx, `s.id = ANY($1)`, ids)
}

// loadManyForResolve loads the stacks matching where (a condition on stacks s with one
// parameter, arg) with their instances, and the templates they use, in one snapshot.
func (s *Store) loadManyForResolve(ctx context.Context, where string, arg any) ([]model.Stack, map[string]model.Template, error) {
	var stacks []model.Stack
	templates := map[string]model.Template{}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+stackColumns+` FROM stacks s WHERE `+where+` ORDER BY name`, arg)
		if err != nil {
			return err
		}
		byID := map[int64]int{}
		for rows.Next() {
			var st model.Stack
			if err := rows.Scan(stackFields(&st)...); err != nil {
				return err
			}
			byID[st.ID] = len(stacks)
			stacks = append(stacks, st)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		irows, err := tx.Query(ctx, `SELECT i.stack_id, i.name, i.template_name, i.overrides FROM instances i
			JOIN stacks s ON s.id = i.stack_id WHERE `+where+` ORDER BY i.stack_id, i.name`, arg)
		if err != nil {
			return err
		}
		for irows.Next() {
			var id int64
			var inst model.Instance
			var o map[string]any
			if err := irows.Scan(&id, &inst.Name, &inst.Template, &o); err != nil {
				return err
			}
			if i, ok := byID[id]; ok {
				inst.Stack, inst.Overrides = stacks[i].Name, model.Spec(o)
				stacks[i].Instances = append(stacks[i].Instances, inst)
			}
		}
		if err := irows.Err(); err != nil {
			return err
		}
		trows, err := tx.Query(ctx, `SELECT `+templateColumns+` FROM templates t
			WHERE t.name IN (SELECT template_name FROM instances i JOIN stacks s ON s.id = i.stack_id WHERE `+where+`)`, arg)
		if err != nil {
			return err
		}
		return collectTemplates(trows, templates)
	})
	if err != nil {
		return nil, nil, interpret(err, "stacks")
	}
	return stacks, templates, nil
}

// collectTemplates reads template rows into templates by name, and closes the rows.
func collectTemplates(rows pgx.Rows, templates map[string]model.Template) error {
	defer rows.Close()
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return err
		}
		templates[t.Name] = t
	}
	return rows.Err()
}
