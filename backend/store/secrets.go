package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/devarch/devarch/backend/model"
)

// SealedSecret is a stored secret: ciphertext only. The plaintext never reaches the
// database.
type SealedSecret struct {
	StackID      int64
	Name         string
	KeyVersion   int
	Nonce        []byte
	Ciphertext   []byte
	ValueVersion int
	UpdatedAt    time.Time
}

// secretsLockObject serializes master-key creation and rotation between processes.
const secretsLockObject = 3

// WithKeyLock runs fn while holding the cluster-wide master-key lock (first key creation
// and rotation must not race between a window and a CLI).
func (s *Store) WithKeyLock(ctx context.Context, fn func() error) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return interpret(err, "master key lock")
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, 0x44455641, secretsLockObject); err != nil {
		return interpret(err, "master key lock")
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, $2)`, 0x44455641, secretsLockObject)
	return fn()
}

// CurrentKeyVersion returns the newest unretired master key version, or 0 when none.
func (s *Store) CurrentKeyVersion(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM master_keys WHERE retired_at IS NULL`).Scan(&v)
	return v, interpret(err, "master keys")
}

// AddKeyVersion records a new master key version (its material lives in the keychain).
func (s *Store) AddKeyVersion(ctx context.Context, version int) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO master_keys (version) VALUES ($1)`, version)
	return interpret(err, "master key")
}

// MaxKeyVersion returns the highest version ever recorded (retired or not).
func (s *Store) MaxKeyVersion(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM master_keys`).Scan(&v)
	return v, interpret(err, "master keys")
}

// PutSecret stores a sealed value (insert or replace), bumping its value version and the
// stack's revision, in one transaction.
func (s *Store) PutSecret(ctx context.Context, stack string, seal func(stackID int64) (SealedSecret, error)) (SealedSecret, error) {
	var out SealedSecret
	err := s.tx(ctx, "secret", func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, stack)
		if err != nil {
			return err
		}
		sealed, err := seal(id)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO secrets (stack_id, name, key_version, nonce, ciphertext)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (stack_id, name) DO UPDATE SET key_version = EXCLUDED.key_version, nonce = EXCLUDED.nonce,
			  ciphertext = EXCLUDED.ciphertext, value_version = secrets.value_version + 1, updated_at = now()
			RETURNING value_version, updated_at`, id, sealed.Name, sealed.KeyVersion, sealed.Nonce, sealed.Ciphertext).
			Scan(&sealed.ValueVersion, &sealed.UpdatedAt)
		if err != nil {
			return err
		}
		out = sealed
		return bumpRevision(ctx, tx, id)
	})
	return out, err
}

// StackSecrets returns a stack's sealed secrets, sorted by name.
func (s *Store) StackSecrets(ctx context.Context, stack string) ([]SealedSecret, error) {
	rows, err := s.pool.Query(ctx, `SELECT s.stack_id, s.name, s.key_version, s.nonce, s.ciphertext, s.value_version, s.updated_at
		FROM secrets s JOIN stacks st ON st.id = s.stack_id WHERE st.name = $1 ORDER BY s.name`, stack)
	if err != nil {
		return nil, interpret(err, "secrets")
	}
	defer rows.Close()
	var out []SealedSecret
	for rows.Next() {
		var x SealedSecret
		if err := rows.Scan(&x.StackID, &x.Name, &x.KeyVersion, &x.Nonce, &x.Ciphertext, &x.ValueVersion, &x.UpdatedAt); err != nil {
			return nil, interpret(err, "secrets")
		}
		out = append(out, x)
	}
	return out, interpret(rows.Err(), "secrets")
}

// DeleteSecret removes a secret (the caller checked it is unreferenced), bumping the
// stack's revision.
func (s *Store) DeleteSecret(ctx context.Context, stack, name string) error {
	return s.tx(ctx, "secret "+name, func(tx pgx.Tx) error {
		id, err := lockStack(ctx, tx, stack)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM secrets WHERE stack_id = $1 AND name = $2`, id, name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return &model.Error{Kind: model.KindNotFound, Field: "name", Summary: fmt.Sprintf("stack %q has no secret named %q", stack, name),
				Detail: "List them with: devarch secret list " + stack}
		}
		return bumpRevision(ctx, tx, id)
	})
}

// RotateSecrets re-encrypts every secret of every stack with a new master key version in
// one transaction: reseal gets each row and returns it sealed with the new key. If anything
// fails (or the process dies) the transaction rolls back and every secret stays readable
// with the old key, which is kept until the caller deletes it after commit.
func (s *Store) RotateSecrets(ctx context.Context, newVersion int, reseal func(SealedSecret) (SealedSecret, error)) (int, error) {
	n := 0
	err := s.tx(ctx, "secrets", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO master_keys (version) VALUES ($1) ON CONFLICT (version) DO NOTHING`, newVersion); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT stack_id, name, key_version, nonce, ciphertext, value_version, updated_at FROM secrets ORDER BY stack_id, name FOR UPDATE`)
		if err != nil {
			return err
		}
		var all []SealedSecret
		for rows.Next() {
			var x SealedSecret
			if err := rows.Scan(&x.StackID, &x.Name, &x.KeyVersion, &x.Nonce, &x.Ciphertext, &x.ValueVersion, &x.UpdatedAt); err != nil {
				rows.Close()
				return err
			}
			all = append(all, x)
		}
		rows.Close()
		for _, x := range all {
			y, err := reseal(x)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE secrets SET key_version = $3, nonce = $4, ciphertext = $5 WHERE stack_id = $1 AND name = $2`,
				x.StackID, x.Name, y.KeyVersion, y.Nonce, y.Ciphertext); err != nil {
				return err
			}
			n++
		}
		_, err = tx.Exec(ctx, `UPDATE master_keys SET retired_at = now() WHERE version <> $1 AND retired_at IS NULL`, newVersion)
		return err
	})
	return n, err
}
