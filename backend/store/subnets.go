package store

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/jackc/pgx/v5"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/netpool"
)

// SubnetSource tells where stack subnets come from: the pool (DEVARCH_NETWORK_POOL and
// DEVARCH_NETWORK_SLICE, parsed) and the prefixes a new subnet must not overlap besides other
// stacks' (the host's routes, the engine's other networks). It runs before the transaction
// that takes a subnet, so no transaction waits on the engine. An error (a bad setting) fails
// the stack creation and changes nothing.
type SubnetSource func(ctx context.Context) (netpool.Pool, []netip.Prefix, error)

// SetSubnetSource sets where subnets come from; nil (the default) is the default pool with
// nothing to avoid but other stacks. Set it before the store is used concurrently.
func (s *Store) SetSubnetSource(src SubnetSource) { s.subnets = src }

func (s *Store) subnetSource(ctx context.Context) (netpool.Pool, []netip.Prefix, error) {
	if s.subnets == nil {
		return netpool.Default(), nil, nil
	}
	return s.subnets(ctx)
}

// subnetLockKey is the transaction-level advisory lock that serializes subnet choices, so
// two stacks created at once never pick the same slice (the exclusion constraint
// stacks_subnet_disjoint would refuse the second anyway; the lock turns that into a wait).
const subnetLockKey = 0x64657673 // "devs"

// assignSubnet gives stack id a free slice of pool, in tx: one that overlaps no other
// stack's subnet and nothing in avoid, searched from a place that depends on the
// installation and the stack (netpool.StartFor), not from the pool's first slice, so that
// two databases on one engine seldom pick the same slice at the same moment. A full pool is
// a KindConflict error naming the pool, how many stacks it holds and the fix.
func assignSubnet(ctx context.Context, tx pgx.Tx, id int64, pool netpool.Pool, avoid []netip.Prefix) (string, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(subnetLockKey)); err != nil {
		return "", err
	}
	rows, err := tx.Query(ctx, `SELECT subnet::text FROM stacks WHERE subnet IS NOT NULL AND id <> $1`, id)
	if err != nil {
		return "", err
	}
	used, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", err
	}
	taken := make([]netip.Prefix, 0, len(used)+len(avoid))
	for _, u := range used {
		if p, err := netip.ParsePrefix(u); err == nil {
			taken = append(taken, p)
		}
	}
	taken = append(taken, avoid...)
	var installation string
	if err := tx.QueryRow(ctx, `SELECT id::text FROM installation`).Scan(&installation); err != nil {
		return "", err
	}
	free, ok := pool.FreeFrom(pool.StartFor(fmt.Sprintf("%s/%d", installation, id)), taken)
	if !ok {
		return "", &model.Error{Kind: model.KindConflict, Field: "network", Err: pool.Exhausted(len(used)),
			Summary: fmt.Sprintf("no free subnet for the stack's network in %s", pool),
			Detail:  pool.Exhausted(len(used)).Error() + "."}
	}
	if _, err := tx.Exec(ctx, `UPDATE stacks SET subnet = $2 WHERE id = $1`, id, free.String()); err != nil {
		return "", err
	}
	return free.String(), nil
}

// EnsureSubnet returns the stack's subnet, first assigning one when it has none (a stack
// made before subnets were assigned: the next plan gives it one, see migration 0010).
func (s *Store) EnsureSubnet(ctx context.Context, name string) (string, error) {
	var subnet string
	err := s.pool.QueryRow(ctx, `SELECT coalesce(subnet::text, '') FROM stacks WHERE name = $1`, name).Scan(&subnet)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", stackNotFound(name)
	}
	if err != nil || subnet != "" {
		return subnet, interpret(err, "stack "+name)
	}
	pool, avoid, err := s.subnetSource(ctx)
	if err != nil {
		return "", err
	}
	err = s.tx(ctx, "stack "+name, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(subnet::text, '') FROM stacks WHERE id = $1`, id).Scan(&subnet); err != nil || subnet != "" {
			return err
		}
		subnet, err = assignSubnet(ctx, tx, id, pool, avoid)
		return err
	})
	return subnet, err
}

// ReassignSubnet moves the stack from subnet old to a free slice of pool (see assignSubnet) that
// overlaps nothing in avoid (nor old), and returns it; the caller checked old clashes and
// the stack's network does not exist. When the stack's subnet is no longer old (another
// process moved it), that one is returned unchanged.
func (s *Store) ReassignSubnet(ctx context.Context, name, old string, pool netpool.Pool, avoid []netip.Prefix) (string, error) {
	var subnet string
	err := s.tx(ctx, "stack "+name, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(subnet::text, '') FROM stacks WHERE id = $1`, id).Scan(&subnet); err != nil || subnet != old {
			return err
		}
		if p, err := netip.ParsePrefix(old); err == nil {
			avoid = append(avoid[:len(avoid):len(avoid)], p)
		}
		subnet, err = assignSubnet(ctx, tx, id, pool, avoid)
		return err
	})
	return subnet, err
}
