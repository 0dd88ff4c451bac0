package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/devarch/devarch/backend/model"
)

// StackImport is a whole stack to create at once (devarch import): the caller has
// validated every part; ImportStack writes them all or none.
type StackImport struct {
	Name        string
	Description string
	// Context is the docker context the stack runs on ("" the default engine).
	Context string
	// Templates are custom templates the stack needs that the caller found missing. A
	// template of the same name created meanwhile is accepted when its definition is
	// identical (it is then reused), and is a conflict otherwise.
	Templates []model.Template
	// Instances are the stack's instances (Stack is ignored), overrides canonical.
	Instances []model.Instance
	// Wires are the explicit wires; both instances are among Instances.
	Wires []model.Wire
	// KeyVersion and Seal store generated secrets: Seal is called once, inside the
	// transaction, with the new stack's id, and returns the sealed values (sealed with
	// KeyVersion, which must still be current; see PutSecret). nil stores none.
	KeyVersion int
	Seal       func(stackID int64) ([]SealedSecret, error)
	// Extensions are the file's x- keys, stored for export to write back.
	Extensions map[string]any
	// Root is the stack's project root (an absolute directory), or "" for the default.
	Root string
}

// StackImported says what ImportStack created.
type StackImported struct {
	Stack model.StackSummary
	// TemplatesCreated are the templates written (the others of StackImport.Templates
	// existed with the same definition).
	TemplatesCreated []string
}

// ImportStack creates a stack with its instances, wires, generated secrets and the custom
// templates it needs, in one transaction: a failure at any point (a name taken meanwhile,
// a container name clashing with another stack's, a retired key) leaves nothing behind.
// A stack of that name already existing is a conflict naming the fix (import under
// another name).
func (s *Store) ImportStack(ctx context.Context, in StackImport) (StackImported, error) {
	var out StackImported
	ext := in.Extensions
	if ext == nil {
		ext = map[string]any{}
	}
	pool, avoid, err := s.subnetSource(ctx)
	if err != nil {
		return StackImported{}, err
	}
	err = s.tx(ctx, "stack "+in.Name, func(tx pgx.Tx) error {
		out = StackImported{}
		if in.Seal != nil {
			if err := keyLive(ctx, tx, in.KeyVersion); err != nil {
				return err
			}
		}
		for _, t := range in.Templates {
			created, err := importTemplate(ctx, tx, t)
			if err != nil {
				return err
			}
			if created {
				out.TemplatesCreated = append(out.TemplatesCreated, t.Name)
			}
		}
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO stacks (name, description, extensions, root, context) VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, ''))
			RETURNING id, name, description, revision, created_at, updated_at`, in.Name, in.Description, ext, in.Root, in.Context).
			Scan(&id, &out.Stack.Name, &out.Stack.Description, &out.Stack.Revision, &out.Stack.CreatedAt, &out.Stack.UpdatedAt)
		if err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "stacks_name_key" {
				return stackNameTaken(in.Name, err)
			}
			return err
		}
		if _, err := assignSubnet(ctx, tx, id, pool, avoid); err != nil {
			return err
		}
		ids := make(map[string]int64, len(in.Instances))
		for _, inst := range in.Instances {
			o := inst.Overrides
			if o == nil {
				o = model.Spec{}
			}
			var iid int64
			if err := tx.QueryRow(ctx, `INSERT INTO instances (stack_id, name, template_name, overrides) VALUES ($1, $2, $3, $4) RETURNING id`,
				id, inst.Name, inst.Template, map[string]any(o)).Scan(&iid); err != nil {
				if e := containerClash(err, in.Name, inst.Name); e != err {
					return e
				}
				return fmt.Errorf("instance %s: %w", inst.Name, err)
			}
			ids[inst.Name] = iid
		}
		for _, w := range in.Wires {
			c, okc := ids[w.Consumer]
			p, okp := ids[w.Provider]
			if !okc || !okp {
				return model.Invalid("wires", fmt.Sprintf("wire %s %s -> %s names an instance the stack does not have", w.Consumer, w.Contract, w.Provider), "")
			}
			if _, err := tx.Exec(ctx, `INSERT INTO wires (stack_id, consumer_id, contract, provider_id) VALUES ($1, $2, $3, $4)`,
				id, c, w.Contract, p); err != nil {
				return err
			}
		}
		if in.Seal != nil {
			if err := insertSealed(ctx, tx, id, in.KeyVersion, in.Seal); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrKeyRetired) {
			return StackImported{}, ErrKeyRetired
		}
		var me *model.Error
		if errors.As(err, &me) && me.Kind == model.KindConflict && me.Field == "name" && me.Err != nil {
			// A container clash: name the other owner now that the transaction is over.
			return StackImported{}, s.withClashOwner(ctx, err, in.Name, clashInstance(in, err))
		}
		return StackImported{}, err
	}
	return out, nil
}

// clashInstance finds which instance's container name an import clashed on.
func clashInstance(in StackImport, err error) string {
	var me *model.Error
	if errors.As(err, &me) {
		for _, inst := range in.Instances {
			if me.Summary == fmt.Sprintf("container name %s is already taken", model.ContainerName(in.Name, inst.Name)) {
				return inst.Name
			}
		}
	}
	return ""
}

// stackNameTaken is the conflict of an import whose stack name is in use.
func stackNameTaken(name string, err error) error {
	return &model.Error{Kind: model.KindConflict, Field: "name", Err: err,
		Summary: fmt.Sprintf("a stack named %q already exists", name),
		Detail:  "Nothing was imported. Import it under another name: devarch import FILE --name NEW."}
}

// StackExtensions returns the x- keys a stack was imported with (none for other stacks).
func (s *Store) StackExtensions(ctx context.Context, name string) (map[string]any, error) {
	var ext map[string]any
	err := s.pool.QueryRow(ctx, `SELECT extensions FROM stacks WHERE name = $1`, name).Scan(&ext)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, stackNotFound(name)
	}
	if err != nil {
		return nil, interpret(err, "stack "+name)
	}
	if len(ext) == 0 {
		return nil, nil
	}
	return ext, nil
}

// StackExists reports whether a stack of that name exists.
func (s *Store) StackExists(ctx context.Context, name string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM stacks WHERE name = $1)`, name).Scan(&ok)
	return ok, interpret(err, "stack "+name)
}

// importTemplate creates a custom template, or accepts an identical one of that name.
func importTemplate(ctx context.Context, tx pgx.Tx, t model.Template) (created bool, err error) {
	pj, cj, err := contractsJSON(t)
	if err != nil {
		return false, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO templates (name, builtin, category, description, spec, provides, consumes, generate)
		VALUES ($1, false, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING`,
		t.Name, t.Category, t.Description, map[string]any(t.Service), pj, cj, generateJSON(t))
	if err != nil {
		return false, err
	}
	if tag.RowsAffected() == 1 {
		return true, nil
	}
	var same bool
	if err := tx.QueryRow(ctx, `SELECT NOT builtin AND (category, description, spec, provides, consumes, generate)
		IS NOT DISTINCT FROM ($2::text, $3::text, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb) FROM templates WHERE name = $1`,
		t.Name, t.Category, t.Description, map[string]any(t.Service), pj, cj, generateJSON(t)).Scan(&same); err != nil {
		return false, err
	}
	if !same {
		return false, &model.Error{Kind: model.KindConflict, Field: "templates",
			Summary: fmt.Sprintf("a template named %q with another definition already exists", t.Name),
			Detail:  "Nothing was imported. Rename the template in the file (and the instances using it), or change the existing one to match."}
	}
	return false, nil
}

// StackUpdate replaces a stack's definition with a devarch.yml's (import --update): the
// engine has checked everything and computed the changes against the stack at Revision.
type StackUpdate struct {
	Name string
	// Revision is the stack's revision the changes were computed at: if the stack changed
	// since, nothing is written (a conflict: compute them again).
	Revision    int64
	Description string
	Extensions  map[string]any
	// Templates are embedded custom templates to create (new here).
	Templates []model.Template
	// Remove, Add and Change are instances: removed (their wires go with them), added, and
	// kept with another template or other overrides (their ids, stopped marks and pins stay).
	Remove []string
	Add    []model.Instance
	Change []model.Instance
	// Wires are every explicit wire of the stack after the update.
	Wires []model.Wire
	// Seal, when set, seals the secrets to create (generated for added instances) with
	// KeyVersion, as in StackImport.
	KeyVersion int
	Seal       func(stackID int64) ([]SealedSecret, error)
}

// UpdateStackDefinition writes a StackUpdate in one transaction and returns the stack's new revision.
// A stack whose revision moved since the changes were computed is a conflict, and nothing
// is written; so is a failure at any point.
func (s *Store) UpdateStackDefinition(ctx context.Context, in StackUpdate) (int64, error) {
	ext := in.Extensions
	if ext == nil {
		ext = map[string]any{}
	}
	var rev int64
	err := s.tx(ctx, "stack "+in.Name, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, in.Name)
		if err != nil {
			return err
		}
		var now int64
		if err := tx.QueryRow(ctx, `SELECT revision FROM stacks WHERE id = $1`, id).Scan(&now); err != nil {
			return err
		}
		if now != in.Revision {
			return &model.Error{Kind: model.KindConflict, Field: "revision",
				Summary: fmt.Sprintf("stack %s changed while the update was being prepared (revision %d, now %d)", in.Name, in.Revision, now),
				Detail:  "Nothing was updated. Run the update again to see the changes against the stack as it is now."}
		}
		if in.Seal != nil {
			if err := keyLive(ctx, tx, in.KeyVersion); err != nil {
				return err
			}
		}
		for _, t := range in.Templates {
			if _, err := importTemplate(ctx, tx, t); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE stacks SET description = $2, extensions = $3 WHERE id = $1`, id, in.Description, ext); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM wires WHERE stack_id = $1`, id); err != nil {
			return err
		}
		for _, name := range in.Remove {
			if _, err := tx.Exec(ctx, `DELETE FROM instances WHERE stack_id = $1 AND name = $2`, id, name); err != nil {
				return err
			}
		}
		for _, inst := range in.Change {
			tag, err := tx.Exec(ctx, `UPDATE instances SET template_name = $3, overrides = $4 WHERE stack_id = $1 AND name = $2`,
				id, inst.Name, inst.Template, map[string]any(nonNilSpec(inst.Overrides)))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return instanceNotFound(in.Name, inst.Name)
			}
		}
		for _, inst := range in.Add {
			if _, err := tx.Exec(ctx, `INSERT INTO instances (stack_id, name, template_name, overrides) VALUES ($1, $2, $3, $4)`,
				id, inst.Name, inst.Template, map[string]any(nonNilSpec(inst.Overrides))); err != nil {
				if e := containerClash(err, in.Name, inst.Name); e != err {
					return e
				}
				return fmt.Errorf("instance %s: %w", inst.Name, err)
			}
		}
		for _, w := range in.Wires {
			tag, err := tx.Exec(ctx, `
				INSERT INTO wires (stack_id, consumer_id, contract, provider_id)
				SELECT $1, c.id, $3, p.id FROM instances c, instances p
				WHERE c.stack_id = $1 AND c.name = $2 AND p.stack_id = $1 AND p.name = $4`, id, w.Consumer, w.Contract, w.Provider)
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 1 {
				return model.Invalid("wires", fmt.Sprintf("wire %s %s -> %s names an instance the stack does not have", w.Consumer, w.Contract, w.Provider), "")
			}
		}
		if in.Seal != nil {
			if err := insertSealed(ctx, tx, id, in.KeyVersion, in.Seal); err != nil {
				return err
			}
		}
		rev, err = bumpRevisionTo(ctx, tx, id)
		return err
	})
	if err != nil {
		var me *model.Error
		if errors.As(err, &me) && me.Kind == model.KindConflict && me.Field == "name" && me.Err != nil {
			return 0, s.withClashOwner(ctx, err, in.Name, clashInstance(StackImport{Name: in.Name, Instances: in.Add}, err))
		}
		return 0, err
	}
	return rev, nil
}

// nonNilSpec is o, or an empty spec for nil (the column is NOT NULL).
func nonNilSpec(o model.Spec) model.Spec {
	if o == nil {
		return model.Spec{}
	}
	return o
}

// keyLive locks the master key version secrets are about to be sealed with against its
// retirement (a rotation) until the transaction ends; ErrKeyRetired when it is retired.
func keyLive(ctx context.Context, tx pgx.Tx, version int) error {
	var v int
	err := tx.QueryRow(ctx, `SELECT version FROM master_keys WHERE version = $1 AND retired_at IS NULL FOR SHARE`, version).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrKeyRetired
	}
	return err
}

// insertSealed stores the secrets seal makes for stack id, each sealed with keyVersion (the
// one keyLive checked). A secret the stack already has is replaced (its value version
// bumped), as PutSecret does: an update from a file carrying a new value.
func insertSealed(ctx context.Context, tx pgx.Tx, id int64, keyVersion int, seal func(stackID int64) ([]SealedSecret, error)) error {
	sealed, err := seal(id)
	if err != nil {
		return err
	}
	for _, x := range sealed {
		if x.KeyVersion != keyVersion {
			return model.NewError(model.KindInternal, "a secret was sealed with another key version than was checked", "")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO secrets (stack_id, name, key_version, nonce, ciphertext) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (stack_id, name) DO UPDATE SET key_version = EXCLUDED.key_version, nonce = EXCLUDED.nonce,
			  ciphertext = EXCLUDED.ciphertext, value_version = secrets.value_version + 1, updated_at = now()`,
			id, x.Name, x.KeyVersion, x.Nonce, x.Ciphertext); err != nil {
			return err
		}
	}
	return nil
}
