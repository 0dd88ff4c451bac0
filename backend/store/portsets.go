package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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

// PortRange is a host port range, Lo..Hi inclusive (Lo == Hi for one port).
type PortRange struct{ Lo, Hi int }

// PortSets returns the stacks but except with their cached bindings when they are current
// (same stack revision, same templates fingerprint), in one query, and the fingerprint to
// write new rows with. near nil asks for every stack; otherwise only the stacks a clash
// with near can involve come back: those whose current bindings overlap one of its ranges,
// and those without a current row (the caller resolves them and cannot know their ports
// before). Filtering in the database keeps a check of one stack from reading and decoding
// every other stack's ports (at 500 stacks that was 12 of a stack page's 14 ms).
func (s *Store) PortSets(ctx context.Context, except string, near []PortRange) ([]PortSet, string, error) {
	rows, err := s.pool.Query(ctx, `SELECT s.id, s.name, s.revision,
			CASE WHEN p.revision = s.revision AND p.templates_fp = f.fp THEN p.bindings END, f.fp
		FROM stacks s CROSS JOIN (SELECT `+templatesFingerprint+` AS fp) f
		LEFT JOIN stack_port_sets p ON p.stack_id = s.id
		WHERE s.name <> $1
			AND coalesce(s.context, '') = coalesce((SELECT context FROM stacks WHERE name = $1), '')
			AND ($2
			OR p.stack_id IS NULL OR p.revision <> s.revision OR p.templates_fp <> f.fp
			OR p.host_ports && $3::int4multirange)
		ORDER BY s.name`, except, near == nil, multirange(near))
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

// multirange renders ranges as a PostgreSQL int4multirange literal ("{[80,80],[9000,9010]}").
func multirange(ranges []PortRange) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, r := range ranges {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "[%d,%d]", r.Lo, r.Hi)
	}
	b.WriteByte('}')
	return b.String()
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
	// host_ports is computed here from the bindings (compose.Binding's JSON: a published
	// port's host range is HostPort..HostPortEnd), so the two never disagree.
	_, err := s.pool.Exec(ctx, `INSERT INTO stack_port_sets (stack_id, revision, templates_fp, bindings, host_ports)
		SELECT u.id, u.rev, $4, u.b::jsonb,
			(SELECT coalesce(range_agg(int4range((e->'published'->>'HostPort')::int, (e->'published'->>'HostPortEnd')::int, '[]')), '{}')
				FROM jsonb_array_elements(u.b::jsonb) e WHERE (e->'published'->>'HostPort')::int > 0)
		FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS u(id, rev, b)
		WHERE EXISTS (SELECT 1 FROM stacks WHERE id = u.id)
		ON CONFLICT (stack_id) DO UPDATE SET revision = excluded.revision, templates_fp = excluded.templates_fp,
			bindings = excluded.bindings, host_ports = excluded.host_ports`,
		ids, revs, bindings, fp)
	return interpret(err, "stacks")
}
