package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/store"
)

// Master keys: this file decides which key seals and opens what, and when a key may be
// deleted. The rules, in the order they protect the user's secrets:
//
//   - Keys are named by the database's installation id (secrets.Entry), so data homes and
//     external databases sharing one keychain or key file never touch each other's keys.
//   - DevArch deletes only entries of its own installation, and only a version the
//     database, read afresh after every transaction ended, shows as retired and sealing
//     nothing. An error never deletes a key on its own say-so: a COMMIT can succeed and
//     still report failure.
//   - Keys written before installation ids ("legacy", unscoped) are copied to this
//     installation's own entry at first use, after checking they open its secrets, and
//     never replaced or deleted: another data home may still use them.

// keyring is this installation's view of the master-key store.
type keyring struct {
	keys         secrets.Keys
	installation string
}

func (kr keyring) entry(version int) secrets.Entry {
	return secrets.Entry{Installation: kr.installation, Version: version}
}

// installationID is the database's installation id, read once.
func (s *Service) installationID(ctx context.Context) (string, error) {
	s.mu.Lock()
	id := s.installation
	s.mu.Unlock()
	if id != "" {
		return id, nil
	}
	id, err := s.Store.InstallationID(ctx)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.installation = id
	s.mu.Unlock()
	return id, nil
}

// keyring returns the master-key store (OS keychain, or the opt-in key file) and the
// installation id, resolved once.
func (s *Service) keyring(ctx context.Context) (keyring, error) {
	id, err := s.installationID(ctx)
	if err != nil {
		return keyring{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keyStore != nil {
		return keyring{s.keyStore, id}, nil
	}
	k, err := secrets.KeysFromEnv()
	if err != nil {
		return keyring{}, err
	}
	s.keyStore = k
	return keyring{k, id}, nil
}

// key returns the key of a recorded version, adopting a legacy entry on first use.
func (s *Service) key(ctx context.Context, version int) (secrets.Key, error) {
	kr, err := s.keyring(ctx)
	if err != nil {
		return secrets.Key{}, err
	}
	k, err := kr.keys.Get(kr.entry(version))
	if model.KindOf(err) != model.KindNotFound {
		return k, err
	}
	where, recorded, qerr := s.Store.KeyEntry(ctx, version)
	if qerr != nil {
		return secrets.Key{}, qerr
	}
	if !recorded || where != store.KeyEntryLegacy {
		return secrets.Key{}, s.missingKey(err, version)
	}
	return s.adopt(ctx, kr, version)
}

// SetSharedStore tells the service that its database is an external one
// (DEVARCH_DATABASE_URL), which other clients (a team's machines, a CI runner) may share.
// Every client of a shared store needs the same master keys: a key missing here means this
// client lacks the team's key, not that the key is lost, so the error says where to get it
// instead of suggesting to delete the secrets, which the other clients still read.
func (s *Service) SetSharedStore(shared bool) {
	s.mu.Lock()
	s.shared = shared
	s.mu.Unlock()
}

// missingKey is the error for a recorded key version this client's key store lacks (err,
// KindNotFound): as it is, or for a shared store with the way out for a team's client. It
// refuses before anything is sealed or re-sealed, so nothing changed.
func (s *Service) missingKey(err error, version int) error {
	s.mu.Lock()
	shared := s.shared
	s.mu.Unlock()
	var e *model.Error
	if !shared || !errors.As(err, &e) {
		return err
	}
	return model.Wrap(model.KindNotFound, err, e.Summary,
		fmt.Sprintf("This client uses an external database (DEVARCH_DATABASE_URL) that other clients may share, and every client of it needs the same master keys. "+
			"Point DEVARCH_MASTER_KEY_FILE at the team's key file (a copy, mode 0600, of the file the clients that set these secrets use; it holds master key v%d of this installation), "+
			"or restore the key from a backup of that file or keychain. Do not delete or set these secrets again from here while other clients can still read them. Nothing was changed.", version))
}

// adopt copies the legacy (unscoped) key of a version into this installation's own entry
// and records that. It first checks that the key opens a secret sealed with that version:
// before installation ids, another data home could have replaced the shared entry, and
// adopting its key would hide the loss behind a confusing error later.
func (s *Service) adopt(ctx context.Context, kr keyring, version int) (secrets.Key, error) {
	legacy, err := kr.keys.Get(secrets.Entry{Version: version})
	if err != nil {
		return secrets.Key{}, err
	}
	x, sealed, err := s.Store.SealedWith(ctx, version)
	if err != nil {
		return secrets.Key{}, err
	}
	if sealed {
		if _, err := openWith(legacy, x); err != nil {
			return secrets.Key{}, model.NewError(model.KindInternal,
				fmt.Sprintf("master key v%d in the %s does not open this installation's secrets", version, kr.keys.Describe()),
				"Before installation ids, DevArch named keys master-key-vN for every data home, so another data home (another DEVARCH_HOME or DEVARCH_DATABASE_URL) replaced this one's key. "+
					"Restore the key from a backup of the keychain or key file; if it is lost, delete the affected secrets (devarch secret delete STACK NAME) and set them again. Keys are now named per installation, so this cannot happen again.")
		}
	}
	if err := kr.keys.Adopt(kr.entry(version), legacy); err != nil {
		return secrets.Key{}, err
	}
	if err := s.Store.MarkKeyScoped(ctx, version); err != nil {
		return secrets.Key{}, err
	}
	return legacy, nil
}

// currentKey returns the current master key, creating this installation's first one on
// first use. Creation is serialized between processes by the store's key lock.
func (s *Service) currentKey(ctx context.Context) (secrets.Key, error) {
	if cur, ok, err := s.Store.CurrentKey(ctx); err != nil {
		return secrets.Key{}, err
	} else if ok {
		return s.key(ctx, cur.Version)
	}
	kr, err := s.keyring(ctx)
	if err != nil {
		return secrets.Key{}, err
	}
	var key secrets.Key
	err = s.Store.WithKeyLock(ctx, func() error {
		cur, ok, err := s.Store.CurrentKey(ctx)
		if err != nil {
			return err
		}
		if ok { // another process created it while we waited for the lock
			key, err = s.key(ctx, cur.Version)
			return err
		}
		max, err := s.Store.MaxKeyVersion(ctx)
		if err != nil {
			return err
		}
		if key, err = createKey(kr, max+1); err != nil {
			return err
		}
		if err := s.Store.AddKeyVersion(ctx, max+1); err != nil {
			s.deleteUnusedKeys(ctx, kr)
			return err
		}
		return nil
	})
	return key, err
}

// createKey creates this installation's key of an unrecorded version. An entry of that
// version already stored is the leftover of an interrupted creation or rotation of this
// installation: the database records a version in the same transaction that seals with it,
// and secrets.key_version references master_keys, so an unrecorded version sealed nothing
// and is replaced. Entries of other installations have other names and are never seen here.
func createKey(kr keyring, version int) (secrets.Key, error) {
	e := kr.entry(version)
	key, err := kr.keys.Create(e)
	if model.KindOf(err) == model.KindConflict {
		if err := kr.keys.Delete(e); err != nil {
			return key, err
		}
		return kr.keys.Create(e)
	}
	return key, err
}

// deleteUnusedKeys deletes this installation's entries that nothing can need any more:
// versions the database shows as retired and sealing no secret, and the version just above
// the highest recorded one (a key created for a transaction that did not commit). It reads
// the database afresh, with a context of its own, so a canceled command or an ambiguous
// commit cannot make it delete a key in use. When the database cannot be read, nothing is
// deleted; a later rotation cleans up.
func (s *Service) deleteUnusedKeys(ctx context.Context, kr keyring) {
	fresh, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	versions, err := s.Store.KeyVersions(fresh)
	if err != nil {
		return
	}
	max := 0
	for _, v := range versions {
		max = v.Version
		if v.Retired && v.Sealed == 0 && v.Entry == store.KeyEntryScoped {
			_ = kr.keys.Delete(kr.entry(v.Version))
		}
	}
	_ = kr.keys.Delete(kr.entry(max + 1))
}

// RotateKey creates a new master key and re-encrypts every secret with it in one
// transaction. Afterwards, and whatever the transaction reported, the database is read
// afresh: if the new version is current the rotation happened (even when the commit
// reported an error) and the retired keys are deleted; otherwise every secret is still
// sealed with the old key and only the unused new key is deleted.
func (s *Service) RotateKey(ctx context.Context) (int, int, error) {
	kr, err := s.keyring(ctx)
	if err != nil {
		return 0, 0, err
	}
	var newVersion, count int
	err = s.Store.WithKeyLock(ctx, func() error {
		max, err := s.Store.MaxKeyVersion(ctx)
		if err != nil {
			return err
		}
		// Every key that seals something is read (and a legacy one adopted, after checking it
		// opens its secrets) before the transaction starts: inside it, the key rows are locked.
		before, err := s.Store.KeyVersions(ctx)
		if err != nil {
			return err
		}
		old := map[int]secrets.Key{}
		for _, v := range before {
			if v.Sealed > 0 || !v.Retired {
				if old[v.Version], err = s.key(ctx, v.Version); err != nil {
					return err
				}
			}
		}
		newVersion = max + 1
		newKey, err := createKey(kr, newVersion)
		if err != nil {
			return err
		}
		_, rerr := s.Store.RotateSecrets(ctx, newVersion, func(x store.SealedSecret) (store.SealedSecret, error) {
			k, ok := old[x.KeyVersion]
			if !ok { // sealed with a key that sealed nothing when the rotation began: impossible under the locks
				return x, model.NewError(model.KindInternal, fmt.Sprintf("secret %s is sealed with an unexpected key version %d", x.Name, x.KeyVersion), "Try the rotation again.")
			}
			v, err := openWith(k, x)
			if err != nil {
				return x, err
			}
			sealed, err := secrets.Seal(newKey, secrets.Owner{StackID: x.StackID, Name: x.Name}, v)
			if err != nil {
				return x, err
			}
			x.KeyVersion, x.Nonce, x.Ciphertext = sealed.KeyVersion, sealed.Nonce, sealed.Ciphertext
			return x, nil
		})
		if s.hooks.rotated != nil {
			rerr = s.hooks.rotated(rerr)
		}
		fresh, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		defer cancel()
		versions, verr := s.Store.KeyVersions(fresh)
		if verr != nil {
			// Unknown outcome: delete nothing. The next rotation cleans up.
			if rerr != nil {
				return rerr
			}
			return verr
		}
		committed := false
		for _, v := range versions {
			if v.Version == newVersion && !v.Retired {
				committed, count = true, v.Sealed
			}
		}
		s.deleteUnusedKeys(ctx, kr)
		if !committed {
			if rerr == nil {
				rerr = model.NewError(model.KindInternal, "the rotation did not take effect", "Every secret is still sealed with the previous key. Try again.")
			}
			return rerr
		}
		return nil
	})
	return newVersion, count, err
}

// openWith opens a stored secret with key.
func openWith(key secrets.Key, x store.SealedSecret) (secrets.Value, error) {
	return secrets.Open(key, secrets.Owner{StackID: x.StackID, Name: x.Name},
		secrets.Sealed{KeyVersion: x.KeyVersion, Nonce: x.Nonce, Ciphertext: x.Ciphertext})
}
