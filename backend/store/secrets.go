package store

import (
	"context"
	"errors"
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
// and rotation must not race between a window and a CLI). The lock is held on a dedicated
// connection, so fn's own queries can never starve for pool connections behind it.
func (s *Store) WithKeyLock(ctx context.Context, fn func() error) error {
	conn, release, err := s.holderConn(ctx, "master key lock")
	if err != nil {
		return err
	}
	defer release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, lockClass, secretsLockObject); err != nil {
		return interpret(err, "master key lock")
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, $2)`, lockClass, secretsLockObject)
	return fn()
}

// InstallationID returns the database's random installation id, which names its master
// keys outside the database.
func (s *Store) InstallationID(ctx context.Context) (string, error) {
	var id string
	err := s.pool.QueryRow(ctx, `SELECT id::text FROM installation`).Scan(&id)
	return id, interpret(err, "installation id")
}

// Key entry kinds: where a key version's material lives (see migrations/0004).
const (
	KeyEntryLegacy = "legacy"
	KeyEntryScoped = "scoped"
)

// KeyVersion is one recorded master key version.
type KeyVersion struct {
	Version int
	Entry   string // KeyEntryLegacy or KeyEntryScoped
	Retired bool
	// Sealed is how many secrets are sealed with it right now.
	Sealed int
}

// CurrentKey returns the newest unretired master key version; ok is false when none exists.
func (s *Store) CurrentKey(ctx context.Context) (KeyVersion, bool, error) {
	var k KeyVersion
	err := s.pool.QueryRow(ctx, `SELECT version, entry FROM master_keys WHERE retired_at IS NULL ORDER BY version DESC LIMIT 1`).
		Scan(&k.Version, &k.Entry)
	if errors.Is(err, pgx.ErrNoRows) {
		return k, false, nil
	}
	return k, err == nil, interpret(err, "master keys")
}

// KeyVersions lists every recorded master key version with how many secrets it seals,
// oldest first. Callers that decide whether a key may be deleted read this after their own
// transaction ended, so they see what was really committed.
func (s *Store) KeyVersions(ctx context.Context) ([]KeyVersion, error) {
	rows, err := s.pool.Query(ctx, `SELECT k.version, k.entry, k.retired_at IS NOT NULL,
		(SELECT count(*) FROM secrets x WHERE x.key_version = k.version)
		FROM master_keys k ORDER BY k.version`)
	if err != nil {
		return nil, interpret(err, "master keys")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (KeyVersion, error) {
		var k KeyVersion
		err := r.Scan(&k.Version, &k.Entry, &k.Retired, &k.Sealed)
		return k, err
	})
	return out, interpret(err, "master keys")
}

// KeyEntry returns where a recorded key version lives; ok is false for an unrecorded one.
func (s *Store) KeyEntry(ctx context.Context, version int) (string, bool, error) {
	var entry string
	err := s.pool.QueryRow(ctx, `SELECT entry FROM master_keys WHERE version = $1`, version).Scan(&entry)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return entry, err == nil, interpret(err, "master keys")
}

// MarkKeyScoped records that a legacy key version now also lives in this installation's
// own entry (it was adopted).
func (s *Store) MarkKeyScoped(ctx context.Context, version int) error {
	_, err := s.pool.Exec(ctx, `UPDATE master_keys SET entry = 'scoped' WHERE version = $1`, version)
	return interpret(err, "master key")
}

// SealedWith returns one secret sealed with a key version (to check a key opens it); ok is
// false when none is.
func (s *Store) SealedWith(ctx context.Context, version int) (SealedSecret, bool, error) {
	var x SealedSecret
	err := s.pool.QueryRow(ctx, `SELECT stack_id, name, key_version, nonce, ciphertext, value_version, updated_at
		FROM secrets WHERE key_version = $1 ORDER BY stack_id, name LIMIT 1`, version).
		Scan(&x.StackID, &x.Name, &x.KeyVersion, &x.Nonce, &x.Ciphertext, &x.ValueVersion, &x.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return x, false, nil
	}
	return x, err == nil, interpret(err, "secrets")
}

// AddKeyVersion records a new master key version, kept in this installation's own entry.
func (s *Store) AddKeyVersion(ctx context.Context, version int) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO master_keys (version, entry) VALUES ($1, 'scoped')`, version)
	return interpret(err, "master key")
}

// MaxKeyVersion returns the highest version ever recorded (retired or not).
func (s *Store) MaxKeyVersion(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM master_keys`).Scan(&v)
	return v, interpret(err, "master keys")
}

// ErrKeyRetired means a secret was sealed with a key version that a rotation retired in the
// meantime: seal it again with the current key.
var ErrKeyRetired = errors.New("the master key was rotated meanwhile")

// PutSecret stores a sealed value (insert or replace), bumping its value version and the
// stack's revision, in one transaction. The key version it was sealed with is locked (FOR
// SHARE) in the same transaction and must still be current: a rotation either finished
// before (ErrKeyRetired: seal again with the new key) or waits until this commits and then
// re-encrypts the new row too. So no secret is ever left sealed with a deleted key.
func (s *Store) PutSecret(ctx context.Context, stack string, keyVersion int, seal func(stackID int64) (SealedSecret, error)) (SealedSecret, error) {
	var out SealedSecret
	err := s.tx(ctx, "secret", func(tx pgx.Tx) error {
		var v int
		err := tx.QueryRow(ctx, `SELECT version FROM master_keys WHERE version = $1 AND retired_at IS NULL FOR SHARE`, keyVersion).Scan(&v)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrKeyRetired
		}
		if err != nil {
			return err
		}
		id, err := lockStack(ctx, tx, stack)
		if err != nil {
			return err
		}
		sealed, err := seal(id)
		if err != nil {
			return err
		}
		if sealed.KeyVersion != keyVersion {
			return model.NewError(model.KindInternal, "a secret was sealed with another key version than was checked", "")
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
	if errors.Is(err, ErrKeyRetired) {
		return out, ErrKeyRetired
	}
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
// fails (or the process dies) before the commit, the transaction rolls back and every
// secret stays readable with the old key, which is kept until the caller deletes it.
//
// The current key rows are locked first (FOR UPDATE), so a PutSecret holding one FOR SHARE
// finishes before the secrets are read (and its row is re-encrypted), and one that starts
// later waits and then finds its key retired. The COMMIT itself is not cancelable: a
// cancel arriving while it is on the wire could otherwise report failure for a commit the
// server made. Whatever this returns, callers confirm from a fresh read (KeyVersions)
// which versions rows use before deleting any key.
func (s *Store) RotateSecrets(ctx context.Context, newVersion int, reseal func(SealedSecret) (SealedSecret, error)) (int, error) {
	n := 0
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, interpret(err, "secrets")
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	err = func() error {
		if _, err := tx.Exec(ctx, `SELECT version FROM master_keys WHERE retired_at IS NULL FOR UPDATE`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO master_keys (version, entry) VALUES ($1, 'scoped') ON CONFLICT (version) DO NOTHING`, newVersion); err != nil {
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
		if err := rows.Err(); err != nil {
			return err
		}
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
	}()
	if err == nil {
		err = tx.Commit(context.WithoutCancel(ctx))
	}
	if err != nil {
		var me *model.Error
		if errors.As(err, &me) {
			return 0, err
		}
		return 0, interpret(err, "secrets")
	}
	return n, nil
}
