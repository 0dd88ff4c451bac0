package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/devarch/devarch/backend/model"
)

// TemplateEntry is a stored template and the instances that use it ("stack/instance").
type TemplateEntry struct {
	model.Template
	UsedBy []string
}

// SyncResult says what a built-in sync changed.
type SyncResult struct {
	Added, Updated []string
	// Shadowed lists built-ins not installed because a custom template has the same name;
	// the user's template wins and is never touched.
	Shadowed []string
}

const templateColumns = `t.name, t.builtin, coalesce(t.builtin_version, 0), t.category, t.description, t.spec, t.provides, t.consumes, t.generate`

func scanTemplate(row pgx.Row) (model.Template, error) {
	var t model.Template
	var spec map[string]any
	var provides, consumes, generate []byte
	if err := row.Scan(&t.Name, &t.Builtin, &t.Version, &t.Category, &t.Description, &spec, &provides, &consumes, &generate); err != nil {
		return t, err
	}
	if err := unmarshalGenerate(generate, &t); err != nil {
		return t, err
	}
	t.Service = model.Spec(spec)
	if err := json.Unmarshal(provides, &t.Provides); err != nil {
		return t, err
	}
	if err := json.Unmarshal(consumes, &t.Consumes); err != nil {
		return t, err
	}
	return t, nil
}

// unmarshalGenerate reads the generate column; an empty object is no generated secrets (nil).
func unmarshalGenerate(b []byte, t *model.Template) error {
	if err := json.Unmarshal(b, &t.Generate); err != nil {
		return err
	}
	if len(t.Generate) == 0 {
		t.Generate = nil
	}
	return nil
}

func generateJSON(t model.Template) []byte {
	g := t.Generate
	if g == nil {
		g = map[string]string{}
	}
	b, _ := json.Marshal(g) // a map of strings always marshals
	return b
}

func contractsJSON(t model.Template) ([]byte, []byte, error) {
	p := t.Provides
	if p == nil {
		p = []model.Provide{}
	}
	c := t.Consumes
	if c == nil {
		c = []model.Consume{}
	}
	pj, err := json.Marshal(p)
	if err != nil {
		return nil, nil, err
	}
	cj, err := json.Marshal(c)
	return pj, cj, err
}

// syncLockObject serializes built-in syncs of processes starting at the same moment (the
// window and a CLI command): without it both read "absent" and the second insert fails.
const syncLockObject = 4

// SyncBuiltins installs the binary's built-in templates in one transaction: new ones are
// added, stored ones with a lower version are updated, custom templates are never touched.
// A fingerprint (catalog.BuiltinsFingerprint) is recorded with them, for Opening; "" records
// none.
func (s *Store) SyncBuiltins(ctx context.Context, builtins []model.Template, fingerprint string) (SyncResult, error) {
	var res SyncResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockClass, syncLockObject); err != nil {
			return err
		}
		stored := map[string]struct {
			builtin bool
			version int
		}{}
		rows, err := tx.Query(ctx, `SELECT name, builtin, coalesce(builtin_version, 0) FROM templates`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name string
			var b bool
			var v int
			if err := rows.Scan(&name, &b, &v); err != nil {
				return err
			}
			stored[name] = struct {
				builtin bool
				version int
			}{b, v}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, t := range builtins {
			cur, exists := stored[t.Name]
			switch {
			case exists && !cur.builtin:
				res.Shadowed = append(res.Shadowed, t.Name)
				continue
			case exists && cur.version >= t.Version:
				continue
			}
			pj, cj, err := contractsJSON(t)
			if err != nil {
				return err
			}
			if exists {
				_, err = tx.Exec(ctx, `UPDATE templates SET builtin_version = $2, category = $3, description = $4,
					spec = $5, provides = $6, consumes = $7, generate = $8, updated_at = now() WHERE name = $1`,
					t.Name, t.Version, t.Category, t.Description, map[string]any(t.Service), pj, cj, generateJSON(t))
				res.Updated = append(res.Updated, t.Name)
			} else {
				_, err = tx.Exec(ctx, `INSERT INTO templates (name, builtin, builtin_version, category, description, spec, provides, consumes, generate)
					VALUES ($1, true, $2, $3, $4, $5, $6, $7, $8)`,
					t.Name, t.Version, t.Category, t.Description, map[string]any(t.Service), pj, cj, generateJSON(t))
				res.Added = append(res.Added, t.Name)
			}
			if err != nil {
				return err
			}
		}
		if len(res.Updated) > 0 {
			// Instances of an updated template change effectively: their stacks' plans
			// must see a new revision.
			if _, err := tx.Exec(ctx, `UPDATE stacks SET revision = revision + 1, updated_at = now()
				WHERE id IN (SELECT stack_id FROM instances WHERE template_name = ANY($1))`, res.Updated); err != nil {
				return err
			}
		}
		if fingerprint != "" {
			_, err := tx.Exec(ctx, `INSERT INTO builtin_sync (fingerprint) VALUES ($1)
				ON CONFLICT (singleton) DO UPDATE SET fingerprint = excluded.fingerprint, synced_at = now()`, fingerprint)
			return err
		}
		return nil
	})
	return res, interpret(err, "templates")
}

// ListTemplates returns every template, sorted by name, with its users.
func (s *Store) ListTemplates(ctx context.Context) ([]TemplateEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+templateColumns+`,
		coalesce((SELECT array_agg(st.name || '/' || i.name ORDER BY st.name, i.name)
		          FROM instances i JOIN stacks st ON st.id = i.stack_id WHERE i.template_name = t.name), '{}')
		FROM templates t ORDER BY t.name`)
	if err != nil {
		return nil, interpret(err, "templates")
	}
	defer rows.Close()
	var out []TemplateEntry
	for rows.Next() {
		var e TemplateEntry
		var spec map[string]any
		var provides, consumes, generate []byte
		if err := rows.Scan(&e.Name, &e.Builtin, &e.Version, &e.Category, &e.Description, &spec, &provides, &consumes, &generate, &e.UsedBy); err != nil {
			return nil, interpret(err, "templates")
		}
		_ = unmarshalGenerate(generate, &e.Template)
		e.Service = model.Spec(spec)
		_ = json.Unmarshal(provides, &e.Provides)
		_ = json.Unmarshal(consumes, &e.Consumes)
		out = append(out, e)
	}
	return out, interpret(rows.Err(), "templates")
}

// GetTemplate returns one template.
func (s *Store) GetTemplate(ctx context.Context, name string) (model.Template, error) {
	t, err := scanTemplate(s.pool.QueryRow(ctx, `SELECT `+templateColumns+` FROM templates t WHERE t.name = $1`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return t, templateNotFound(name)
	}
	return t, interpret(err, "template "+name)
}

func templateNotFound(name string) error {
	return &model.Error{Kind: model.KindNotFound, Field: "template",
		Summary: fmt.Sprintf("no template named %q", name),
		Detail:  "List the available templates with: devarch template list"}
}

// SaveCustomTemplate creates a custom template, or replaces one when replace is true.
// Built-in templates are never replaced: clone one under a new name instead. Replacing a
// template bumps the revision of every stack that uses it.
func (s *Store) SaveCustomTemplate(ctx context.Context, t model.Template, replace bool) (created bool, err error) {
	res, err := s.SaveTemplate(ctx, t, replace)
	return res.Created, err
}

// TemplateSave says what SaveTemplate did.
type TemplateSave struct {
	// Created: the template did not exist.
	Created bool
	// Changed: the template was created, or replaced by a different definition. Replacing
	// it with an identical one (category, description, service and contracts equal as JSON
	// values) changes nothing: no write, no revision bump for the stacks using it, so their
	// saved plans stay applicable.
	Changed bool
}

// SaveTemplate is SaveCustomTemplate telling whether anything changed (see TemplateSave).
func (s *Store) SaveTemplate(ctx context.Context, t model.Template, replace bool) (res TemplateSave, err error) {
	pj, cj, err := contractsJSON(t)
	if err != nil {
		return res, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		res = TemplateSave{}
		var builtin bool
		err := tx.QueryRow(ctx, `SELECT builtin FROM templates WHERE name = $1 FOR UPDATE`, t.Name).Scan(&builtin)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			res = TemplateSave{Created: true, Changed: true}
			_, err = tx.Exec(ctx, `INSERT INTO templates (name, builtin, category, description, spec, provides, consumes, generate)
				VALUES ($1, false, $2, $3, $4, $5, $6, $7)`, t.Name, t.Category, t.Description, map[string]any(t.Service), pj, cj, generateJSON(t))
			return err
		case err != nil:
			return err
		case builtin:
			return &model.Error{Kind: model.KindConflict, Field: "name",
				Summary: fmt.Sprintf("%q is a built-in template", t.Name),
				Detail:  "Built-in templates are updated by DevArch itself. Clone it under another name and edit the clone: devarch template import with a new name."}
		case !replace:
			return &model.Error{Kind: model.KindConflict, Field: "name",
				Summary: fmt.Sprintf("a template named %q already exists", t.Name),
				Detail:  "Choose another name, or replace it explicitly."}
		}
		tag, err := tx.Exec(ctx, `UPDATE templates SET category = $2, description = $3, spec = $4, provides = $5,
			consumes = $6, generate = $7, updated_at = now() WHERE name = $1
			AND (category, description, spec, provides, consumes, generate) IS DISTINCT FROM ($2::text, $3::text, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb)`,
			t.Name, t.Category, t.Description, map[string]any(t.Service), pj, cj, generateJSON(t))
		if err != nil || tag.RowsAffected() == 0 {
			return err // identical: nothing changed
		}
		res.Changed = true
		_, err = tx.Exec(ctx, `UPDATE stacks SET revision = revision + 1, updated_at = now()
			WHERE id IN (SELECT stack_id FROM instances WHERE template_name = $1)`, t.Name)
		return err
	})
	if err != nil {
		var me *model.Error
		if errors.As(err, &me) {
			return TemplateSave{}, err
		}
		return TemplateSave{}, interpret(err, "template "+t.Name)
	}
	return res, nil
}

// DeleteTemplate deletes a custom template. It is refused while instances use it (naming
// them) and for built-ins.
func (s *Store) DeleteTemplate(ctx context.Context, name string) error {
	return s.tx(ctx, "template "+name, func(tx pgx.Tx) error {
		// Serialized with SyncBuiltins: a sync that read this template as present (and so
		// kept the built-in of its name out) must not record its fingerprint after this
		// delete cleared it, or the built-in would stay missing.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockClass, syncLockObject); err != nil {
			return err
		}
		var builtin bool
		err := tx.QueryRow(ctx, `SELECT builtin FROM templates WHERE name = $1 FOR UPDATE`, name).Scan(&builtin)
		if errors.Is(err, pgx.ErrNoRows) {
			return templateNotFound(name)
		}
		if err != nil {
			return err
		}
		if builtin {
			return &model.Error{Kind: model.KindConflict, Field: "name",
				Summary: fmt.Sprintf("%q is a built-in template and cannot be deleted", name),
				Detail:  "Built-in templates ship with DevArch. Instances that should not use it can be removed instead."}
		}
		// A custom template may have kept a built-in of its name out: the next start syncs
		// in full and installs it.
		if _, err := tx.Exec(ctx, `DELETE FROM builtin_sync`); err != nil {
			return err
		}
		var users []string
		if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(st.name || '/' || i.name ORDER BY st.name, i.name), '{}')
			FROM instances i JOIN stacks st ON st.id = i.stack_id WHERE i.template_name = $1`, name).Scan(&users); err != nil {
			return err
		}
		if len(users) > 0 {
			return &model.Error{Kind: model.KindConflict, Field: "name",
				Summary: fmt.Sprintf("template %q is used by %d instance(s): %s", name, len(users), strings.Join(users, ", ")),
				Detail:  "Remove those instances first (devarch instance remove STACK NAME), then delete the template."}
		}
		_, err = tx.Exec(ctx, `DELETE FROM templates WHERE name = $1`, name)
		return err
	})
}

// tx runs fn in a transaction and maps its error: domain errors pass through unchanged.
func (s *Store) tx(ctx context.Context, what string, fn func(pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, fn)
	if err == nil {
		return nil
	}
	var me *model.Error
	if errors.As(err, &me) {
		return err
	}
	return interpret(err, what)
}
