package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/devarch/devarch/backend/model"
)

// lockClass is the advisory-lock class of DevArch's cluster-wide locks ("DEVA"), shared with
// backend/database's lease and migration locks; stack locks use stackLockClass.
const lockClass = 0x44455641

// MaxLockHolders bounds how many session locks (stack operations, key rotation) one process
// holds at once. Each holder has a connection of its own, outside the pool, so holders never
// starve the queries they run; the bound keeps a burst of operations from exhausting the
// server's connections, and the one over it gets a clear error at once instead of waiting.
const MaxLockHolders = 16

// holderConn opens a dedicated connection for a session-level lock holder. A lock on a pool
// connection would take one of the pool's few connections for the whole operation, and an
// operation that then needs more pool connections (every apply does) could wait forever
// once enough holders took them all. Closing the connection frees every lock it held, on
// every exit path, including a crash of this process.
func (s *Store) holderConn(ctx context.Context, what string) (*pgx.Conn, func(), error) {
	select {
	case s.holders <- struct{}{}:
	default:
		return nil, nil, model.NewError(model.KindLocked, fmt.Sprintf("too many operations at once: %d are running in this DevArch process", MaxLockHolders),
			"Wait for one of them to finish, then try again.")
	}
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		<-s.holders
		return nil, nil, interpret(err, what)
	}
	release := func() {
		_ = conn.Close(context.Background())
		<-s.holders
	}
	return conn, release, nil
}

// advisoryHeld reports whether any session holds the two-int advisory lock (class, object)
// in this database, without taking it: probing by taking and releasing the lock would make
// a concurrent taker fail spuriously, and a probe canceled between the two statements
// would leave the lock held.
func (s *Store) advisoryHeld(ctx context.Context, class, object int64) (bool, error) {
	var held bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 2
		  AND classid = $1::bigint::oid AND objid = $2::bigint::oid
		  AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))`, class, object).Scan(&held)
	return held, err
}
