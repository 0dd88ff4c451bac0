package store

import (
	"context"
	"encoding/json"
)

// PortSet is one stack's cached host port bindings (compose.Binding values as JSON).
// Bindings is nil when the cache has no current row for the stack: the caller resolves it
// and writes a new row with PutPortSets.
type PortSet struct {
	StackID  int64
	Stack    string
	Revision int64
	Bindings json.RawMessage
}

// templatesFingerprint changes whenever any template is created, changed, renamed or
// deleted: a stack's bindings depend on its templates as much as on its own revision.
const templatesFingerprint = `(SELECT coalesce(md5(string_agg(name || ':' || updated_at::text, ',' ORDER BY name)), '') FROM templates)`

// PortSets returns every stack but except with its cached bindings when they are current
// (same stack revision, same templates fingerprint), in one query, and the fingerprint to
// write new rows with.
func (s *Store) PortSets(ctx context.Context, except string) ([]PortSet, string, error) {
	rows, err := s.pool.Query(ctx, `SELECT s.id, s.name, s.revision,
			CASE WHEN p.revision = s.revision AND p.templates_fp = f.fp THEN p.bindings END, f.fp
		FROM stacks s CROSS JOIN (SELECT `+templatesFingerprint+` AS fp) f
		LEFT JOIN stack_port_sets p ON p.stack_id = s.id
		WHERE s.name <> $1 ORDER BY s.name`, except)
	if err != nil {
		return nil, "", interpret(err, "stacks")
	}
	defer rows.Close()
	var out []PortSet
	fp := ""
	for rows.Next() {
		var p PortSet
		var b []byte
		if err := rows.Scan(&p.StackID, &p.Stack, &p.Revision, &b, &fp); err != nil {
			return nil, "", interpret(err, "stacks")
		}
		if b != nil {
			p.Bindings = b
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, "", interpret(err, "stacks")
	}
	if fp == "" {
		_ = s.pool.QueryRow(ctx, `SELECT `+templatesFingerprint).Scan(&fp)
	}
	return out, fp, nil
}

// PutPortSets stores freshly computed bindings (rows with Bindings set), each for the
// revision it was computed at. A stack changed meanwhile simply has a stale row, which the
// next PortSets reports as missing.
func (s *Store) PutPortSets(ctx context.Context, fp string, sets []PortSet) error {
	if len(sets) == 0 {
		return nil
	}
	ids, revs, bindings := make([]int64, len(sets)), make([]int64, len(sets)), make([]string, len(sets))
	for i, p := range sets {
		ids[i], revs[i], bindings[i] = p.StackID, p.Revision, string(p.Bindings)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO stack_port_sets (stack_id, revision, templates_fp, bindings)
		SELECT u.id, u.rev, $4, u.b::jsonb FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS u(id, rev, b)
		WHERE EXISTS (SELECT 1 FROM stacks WHERE id = u.id)
		ON CONFLICT (stack_id) DO UPDATE SET revision = excluded.revision, templates_fp = excluded.templates_fp, bindings = excluded.bindings`,
		ids, revs, bindings, fp)
	return interpret(err, "stacks")
}
