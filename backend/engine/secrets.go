package engine

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/store"
)

// keys returns the master-key store (OS keychain, or the opt-in key file), resolved once.
func (s *Service) keys() (secrets.Keys, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keyStore != nil {
		return s.keyStore, nil
	}
	k, err := secrets.KeysFromEnv()
	if err != nil {
		return nil, err
	}
	s.keyStore = k
	return k, nil
}

// currentKey returns the current master key, creating version 1 on first use. Creation is
// serialized between processes by the store's key lock.
func (s *Service) currentKey(ctx context.Context) (secrets.Key, error) {
	ks, err := s.keys()
	if err != nil {
		return secrets.Key{}, err
	}
	var key secrets.Key
	err = s.Store.WithKeyLock(ctx, func() error {
		v, err := s.Store.CurrentKeyVersion(ctx)
		if err != nil {
			return err
		}
		if v > 0 {
			key, err = ks.Get(v)
			return err
		}
		max, err := s.Store.MaxKeyVersion(ctx)
		if err != nil {
			return err
		}
		if key, err = createFresh(ks, max+1); err != nil {
			return err
		}
		if err := s.Store.AddKeyVersion(ctx, max+1); err != nil {
			_ = ks.Delete(max + 1)
			return err
		}
		return nil
	})
	return key, err
}

// SecretInfo describes a secret without its value.
type SecretInfo struct {
	Name      string
	UsedBy    []string // "instance field", e.g. "db environment.MYSQL_PASSWORD"
	UpdatedAt time.Time
	Version   int
}

// SetSecret stores a secret's value, encrypted. The value is never logged or stored in
// plaintext; the stack's revision is bumped so the next plan replaces its users.
func (s *Service) SetSecret(ctx context.Context, stack, name string, value secrets.Value) (SecretInfo, error) {
	if err := secrets.ValidName(name); err != nil {
		return SecretInfo{}, err
	}
	if value.IsZero() {
		return SecretInfo{}, model.Invalid("value", "the secret value is empty", "Pipe the value on standard input, e.g. printf %s \"$VALUE\" | devarch secret set STACK NAME, or use --generate.")
	}
	key, err := s.currentKey(ctx)
	if err != nil {
		return SecretInfo{}, err
	}
	stored, err := s.Store.PutSecret(ctx, stack, func(stackID int64) (store.SealedSecret, error) {
		sealed, err := secrets.Seal(key, secrets.Owner{StackID: stackID, Name: name}, value)
		if err != nil {
			return store.SealedSecret{}, err
		}
		return store.SealedSecret{StackID: stackID, Name: name, KeyVersion: sealed.KeyVersion, Nonce: sealed.Nonce, Ciphertext: sealed.Ciphertext}, nil
	})
	if err != nil {
		return SecretInfo{}, err
	}
	return SecretInfo{Name: name, UpdatedAt: stored.UpdatedAt, Version: stored.ValueVersion}, nil
}

// secretUsers maps each referenced secret name to "instance field" users.
func secretUsers(rs ResolvedStack) map[string][]string {
	users := map[string][]string{}
	for _, svc := range rs.Effective.Services {
		for field, v := range svc.Spec {
			paths := map[string]any{field: v}
			if m, ok := v.(map[string]any); ok {
				if def, _ := model.LookupField(field); def.Kind == model.FieldMap {
					paths = map[string]any{}
					for k, mv := range m {
						paths[field+"."+k] = mv
					}
				}
			}
			for path, pv := range paths {
				one := model.EffectiveStack{Services: []model.EffectiveService{{Spec: model.Spec{"x": pv}}}}
				for _, name := range compose.SecretRefs(one) {
					users[name] = append(users[name], svc.Instance+" "+path)
				}
			}
		}
	}
	for _, u := range users {
		sort.Strings(u)
	}
	return users
}

// Secrets lists a stack's secrets (names, users, last change), never values. Referenced
// secrets that do not exist are listed too, with Version 0.
func (s *Service) Secrets(ctx context.Context, stack string) ([]SecretInfo, error) {
	rs, err := s.Resolve(ctx, stack)
	if err != nil {
		return nil, err
	}
	stored, err := s.Store.StackSecrets(ctx, stack)
	if err != nil {
		return nil, err
	}
	users := secretUsers(rs)
	var out []SecretInfo
	seen := map[string]bool{}
	for _, x := range stored {
		seen[x.Name] = true
		out = append(out, SecretInfo{Name: x.Name, UsedBy: users[x.Name], UpdatedAt: x.UpdatedAt, Version: x.ValueVersion})
	}
	for name, u := range users {
		if !seen[name] {
			out = append(out, SecretInfo{Name: name, UsedBy: u})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RevealSecret decrypts one secret: an explicit user action.
func (s *Service) RevealSecret(ctx context.Context, stack, name string) (secrets.Value, error) {
	all, err := s.Store.StackSecrets(ctx, stack)
	if err != nil {
		return secrets.Value{}, err
	}
	for _, x := range all {
		if x.Name == name {
			return s.open(x)
		}
	}
	if _, err := s.Store.GetStack(ctx, stack); err != nil {
		return secrets.Value{}, err
	}
	return secrets.Value{}, &model.Error{Kind: model.KindNotFound, Field: "name", Summary: fmt.Sprintf("stack %q has no secret named %q", stack, name),
		Detail: "Set it with: devarch secret set " + stack + " " + name}
}

func (s *Service) open(x store.SealedSecret) (secrets.Value, error) {
	ks, err := s.keys()
	if err != nil {
		return secrets.Value{}, err
	}
	key, err := ks.Get(x.KeyVersion)
	if err != nil {
		return secrets.Value{}, err
	}
	return secrets.Open(key, secrets.Owner{StackID: x.StackID, Name: x.Name}, secrets.Sealed{KeyVersion: x.KeyVersion, Nonce: x.Nonce, Ciphertext: x.Ciphertext})
}

// DeleteSecret deletes a secret no instance references.
func (s *Service) DeleteSecret(ctx context.Context, stack, name string) error {
	rs, err := s.Resolve(ctx, stack)
	if err != nil {
		return err
	}
	if u := secretUsers(rs)[name]; len(u) > 0 {
		return &model.Error{Kind: model.KindConflict, Field: "name",
			Summary: fmt.Sprintf("secret %q is used by %s", name, strings.Join(u, ", ")),
			Detail:  "Remove those references first (devarch instance set STACK NAME --unset PATH), then delete the secret."}
	}
	return s.Store.DeleteSecret(ctx, stack, name)
}

// secretsForStack returns what plan and apply need: the value version of each referenced
// secret, and plan errors for references to secrets that do not exist.
func (s *Service) secretsForStack(ctx context.Context, rs ResolvedStack) (map[string]int, []string, []store.SealedSecret, error) {
	stored, err := s.Store.StackSecrets(ctx, rs.Stack.Name)
	if err != nil {
		return nil, nil, nil, err
	}
	versions := map[string]int{}
	have := map[string]store.SealedSecret{}
	for _, x := range stored {
		have[x.Name] = x
	}
	var problems []string
	var used []store.SealedSecret
	users := secretUsers(rs)
	names := make([]string, 0, len(users))
	for n := range users {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		x, ok := have[name]
		if !ok {
			for _, u := range users[name] {
				inst, field, _ := strings.Cut(u, " ")
				problems = append(problems, fmt.Sprintf("instance %q field %s references secret %q, which does not exist: set it with devarch secret set %s %s",
					inst, field, name, rs.Stack.Name, name))
			}
			continue
		}
		versions[name] = x.ValueVersion
		used = append(used, x)
	}
	return versions, problems, used, nil
}

// secretEnv decrypts the referenced secrets for the compose process's environment: the
// only place values leave the database, and only into a child process's environment.
func (s *Service) secretEnv(used []store.SealedSecret) ([]string, error) {
	env := make([]string, 0, len(used))
	for _, x := range used {
		v, err := s.open(x)
		if err != nil {
			return nil, err
		}
		env = append(env, compose.SecretEnvVar(x.Name)+"="+v.Reveal())
	}
	return env, nil
}

// RotateKey creates a new master key and re-encrypts every secret with it in one
// transaction. An interrupted rotation rolls back: every secret stays readable with the
// old key, which is deleted only after the commit.
func (s *Service) RotateKey(ctx context.Context) (int, int, error) {
	ks, err := s.keys()
	if err != nil {
		return 0, 0, err
	}
	var newVersion, count int
	err = s.Store.WithKeyLock(ctx, func() error {
		max, err := s.Store.MaxKeyVersion(ctx)
		if err != nil {
			return err
		}
		old, err := s.Store.CurrentKeyVersion(ctx)
		if err != nil {
			return err
		}
		newVersion = max + 1
		newKey, err := createFresh(ks, newVersion)
		if err != nil {
			return err
		}
		pause := testPause()
		count, err = s.Store.RotateSecrets(ctx, newVersion, func(x store.SealedSecret) (store.SealedSecret, error) {
			v, err := s.open(x)
			if err != nil {
				return x, err
			}
			sealed, err := secrets.Seal(newKey, secrets.Owner{StackID: x.StackID, Name: x.Name}, v)
			if err != nil {
				return x, err
			}
			if pause > 0 {
				time.Sleep(pause) // test hook: lets a test kill the process mid-rotation
			}
			x.KeyVersion, x.Nonce, x.Ciphertext = sealed.KeyVersion, sealed.Nonce, sealed.Ciphertext
			return x, nil
		})
		if err != nil {
			_ = ks.Delete(newVersion)
			return err
		}
		for v := 1; v <= old; v++ {
			_ = ks.Delete(v) // retired keys: nothing is sealed with them any more
		}
		return nil
	})
	return newVersion, count, err
}

// testPause reads DEVARCH_TEST_PAUSE_ROTATION (a duration): tests use it to kill the
// process in the middle of a rotation. Unset in normal use.
func testPause() time.Duration {
	d, _ := time.ParseDuration(os.Getenv("DEVARCH_TEST_PAUSE_ROTATION"))
	return d
}

// createFresh creates a master key version. A key of that version already in the keychain
// is the leftover of an interrupted first use or rotation: the database records a version
// in the same transaction that seals with it, so an unrecorded version sealed nothing and
// is replaced.
func createFresh(ks secrets.Keys, version int) (secrets.Key, error) {
	key, err := ks.Create(version)
	if model.KindOf(err) == model.KindConflict {
		if err := ks.Delete(version); err != nil {
			return key, err
		}
		return ks.Create(version)
	}
	return key, err
}
