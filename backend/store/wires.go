package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/devarch/devarch/backend/model"
)

// wires reads a stack's explicit wires, sorted by consumer then contract.
func wires(ctx context.Context, tx pgx.Tx, stackID int64) ([]model.Wire, error) {
	rows, err := tx.Query(ctx, `SELECT c.name, w.contract, p.name FROM wires w
		JOIN instances c ON c.id = w.consumer_id JOIN instances p ON p.id = w.provider_id
		WHERE w.stack_id = $1 ORDER BY c.name, w.contract`, stackID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Wire, error) {
		var w model.Wire
		err := r.Scan(&w.Consumer, &w.Contract, &w.Provider)
		return w, err
	})
}

// Wires lists a stack's explicit wires, sorted by consumer then contract.
func (s *Store) Wires(ctx context.Context, stack string) ([]model.Wire, error) {
	var out []model.Wire
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM stacks WHERE name = $1`, stack).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return stackNotFound(stack)
		}
		if err != nil {
			return err
		}
		out, err = wires(ctx, tx, id)
		return err
	})
	var me *model.Error
	if err != nil && !errors.As(err, &me) {
		err = interpret(err, "stack "+stack)
	}
	return out, err
}

// instanceID is the id of a stack's instance, or a not-found error naming it.
func instanceID(ctx context.Context, tx pgx.Tx, stackID int64, stack, name string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM instances WHERE stack_id = $1 AND name = $2`, stackID, name).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, instanceNotFound(stack, name)
	}
	return id, err
}

// SetWire records an explicit wire (replacing the consumer's wire for the contract, if
// any) and returns the stack's revision after the write. Setting the wire that is already
// there changes nothing and keeps the revision, so saved plans stay applicable; any other
// change bumps it, so plans saved before go stale. Both instances must exist; whether they
// consume and provide the contract is the caller's check (the engine's, against the
// templates), since a template can change later and wiring then reports the wire.
func (s *Store) SetWire(ctx context.Context, stack string, w model.Wire) (revision int64, changed bool, err error) {
	if w.Consumer == w.Provider {
		return 0, false, model.Invalid("provider", fmt.Sprintf("%s cannot be wired to itself", w.Consumer),
			"Choose another instance as the provider.")
	}
	err = s.tx(ctx, "wire "+w.Consumer+" "+w.Contract, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, stack)
		if err != nil {
			return err
		}
		consumer, err := instanceID(ctx, tx, id, stack, w.Consumer)
		if err != nil {
			return err
		}
		provider, err := instanceID(ctx, tx, id, stack, w.Provider)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO wires (stack_id, consumer_id, contract, provider_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (consumer_id, contract) DO UPDATE SET provider_id = EXCLUDED.provider_id, created_at = now()
			WHERE wires.provider_id <> EXCLUDED.provider_id`, id, consumer, w.Contract, provider)
		if err != nil {
			return err
		}
		if changed = tag.RowsAffected() > 0; !changed {
			return tx.QueryRow(ctx, `SELECT revision FROM stacks WHERE id = $1`, id).Scan(&revision)
		}
		revision, err = bumpRevisionTo(ctx, tx, id)
		return err
	})
	return revision, changed, err
}

// UnsetWire removes a consumer's explicit wire for a contract and returns the stack's
// revision after the write. No such wire is a not-found error and changes nothing.
func (s *Store) UnsetWire(ctx context.Context, stack, consumer, contract string) (revision int64, err error) {
	err = s.tx(ctx, "wire "+consumer+" "+contract, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, stack)
		if err != nil {
			return err
		}
		cid, err := instanceID(ctx, tx, id, stack, consumer)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM wires WHERE consumer_id = $1 AND contract = $2`, cid, contract)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return &model.Error{Kind: model.KindNotFound, Field: "contract",
				Summary: fmt.Sprintf("%s has no explicit wire for %s in stack %q", consumer, contract, stack),
				Detail:  "Only wires set with devarch wire set can be unset. See the wires with: devarch wire list " + stack}
		}
		revision, err = bumpRevisionTo(ctx, tx, id)
		return err
	})
	return revision, err
}

// AppliedDependsOn returns what each instance of a stack waited for when last applied
// (instance -> providers), for the pinned wires (wiring.PinsFromApplied). Instances never
// applied are absent.
func (s *Store) AppliedDependsOn(ctx context.Context, stackID int64) (map[string][]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT instance_name, depends_on FROM applied_instances
		WHERE stack_id = $1 AND jsonb_typeof(depends_on) = 'array' AND depends_on <> '[]'::jsonb`, stackID)
	if err != nil {
		return nil, interpret(err, "applied state")
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var name string
		var deps []string
		if err := rows.Scan(&name, &deps); err != nil {
			return nil, interpret(err, "applied state")
		}
		out[name] = deps
	}
	return out, interpret(rows.Err(), "applied state")
}
