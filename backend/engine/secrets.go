package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/store"
)

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
	if err := secrets.ValidValue(value); err != nil {
		return SecretInfo{}, err
	}
	// A rotation that commits between reading the current key and storing the value retires
	// that key; PutSecret notices (it locks the key row) and the value is sealed again with
	// the new key.
	for attempt := 1; ; attempt++ {
		key, err := s.currentKey(ctx)
		if err != nil {
			return SecretInfo{}, err
		}
		if s.hooks.beforePutSecret != nil {
			s.hooks.beforePutSecret()
		}
		stored, err := s.Store.PutSecret(ctx, stack, key.Version, func(stackID int64) (store.SealedSecret, error) {
			sealed, err := secrets.Seal(key, secrets.Owner{StackID: stackID, Name: name}, value)
			if err != nil {
				return store.SealedSecret{}, err
			}
			return store.SealedSecret{StackID: stackID, Name: name, KeyVersion: sealed.KeyVersion, Nonce: sealed.Nonce, Ciphertext: sealed.Ciphertext}, nil
		})
		if errors.Is(err, store.ErrKeyRetired) && attempt < 5 {
			continue
		}
		if errors.Is(err, store.ErrKeyRetired) {
			return SecretInfo{}, model.NewError(model.KindConflict, "the master key kept changing while the secret was stored",
				"Several key rotations ran at the same moment. Try again.")
		}
		if err != nil {
			return SecretInfo{}, err
		}
		return SecretInfo{Name: name, UpdatedAt: stored.UpdatedAt, Version: stored.ValueVersion}, nil
	}
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
			return s.open(ctx, x)
		}
	}
	if _, err := s.Store.GetStack(ctx, stack); err != nil {
		return secrets.Value{}, err
	}
	return secrets.Value{}, &model.Error{Kind: model.KindNotFound, Field: "name", Summary: fmt.Sprintf("stack %q has no secret named %q", stack, name),
		Detail: "Set it with: devarch secret set " + stack + " " + name}
}

func (s *Service) open(ctx context.Context, x store.SealedSecret) (secrets.Value, error) {
	key, err := s.key(ctx, x.KeyVersion)
	if err != nil {
		return secrets.Value{}, err
	}
	return openWith(key, x)
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
func (s *Service) secretsForStack(ctx context.Context, rs ResolvedStack) (map[string]int, plan.Diagnostics, []store.SealedSecret, error) {
	stored, err := s.Store.StackSecrets(ctx, rs.Stack.Name)
	if err != nil {
		return nil, nil, nil, err
	}
	versions := map[string]int{}
	have := map[string]store.SealedSecret{}
	for _, x := range stored {
		have[x.Name] = x
	}
	var problems plan.Diagnostics
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
				d := plan.Errorf(plan.Subject{Instance: inst, Path: field},
					fmt.Sprintf("secret %s does not exist", name),
					"The field references it, and the stack has no secret of that name.")
				// The text faces print "Set it with: devarch secret set ..." after the detail;
				// the window offers a button that opens the secret's dialog.
				d.Fix = &plan.Fix{Kind: plan.FixSetSecret, Secret: name,
					Command: fmt.Sprintf("devarch secret set %s %s", rs.Stack.Name, name)}
				problems = append(problems, d)
			}
			continue
		}
		versions[name] = x.ValueVersion
		used = append(used, x)
	}
	return versions, problems, used, nil
}

// secretFieldWarnings warns about secrets referenced outside environment variables. Compose
// prints many fields' values in its own messages (an invalid extra host, a bad duration, an
// image it cannot pull), engines show labels, commands and hostnames to anyone who lists
// containers, and a command line is visible to every local user. DevArch redacts known
// values from what it shows, but the safe place for a secret is an environment variable.
func secretFieldWarnings(rs ResolvedStack) plan.Diagnostics {
	users := secretUsers(rs)
	names := make([]string, 0, len(users))
	for n := range users {
		names = append(names, n)
	}
	sort.Strings(names)
	var out plan.Diagnostics
	for _, name := range names {
		for _, u := range users[name] {
			inst, field, _ := strings.Cut(u, " ")
			if strings.HasPrefix(field, "environment.") || field == "secrets" {
				continue // the two places a secret belongs: a variable, a file (compose copies it in)
			}
			out = append(out, plan.Warningf(plan.Subject{Instance: inst, Path: field},
				fmt.Sprintf("secret %s is used outside an environment variable", name),
				fmt.Sprintf("Compose may print this field's value in its messages, and the engine shows it to anyone who can list containers. "+
					"DevArch hides the value in its own output, but prefer environment.NAME=${secret:%s}.", name)))
		}
	}
	return out
}

// secretEnv is what a compose command needs to interpolate a stack's secrets: the
// variables of its environment, and the values to redact from everything it prints.
type secretEnv struct {
	env    []string
	values []string
}

// secretEnv decrypts the referenced secrets for the compose process's environment: the
// only place values leave the database, and only into a child process's environment (and
// the redaction of its output).
func (s *Service) secretEnv(ctx context.Context, used []store.SealedSecret) (secretEnv, error) {
	out := secretEnv{env: make([]string, 0, len(used)), values: make([]string, 0, len(used))}
	for _, x := range used {
		v, err := s.open(ctx, x)
		if err != nil {
			return secretEnv{}, err
		}
		out.env = append(out.env, compose.SecretEnvVar(x.Name)+"="+v.Reveal())
		out.values = append(out.values, v.Reveal())
	}
	return out, nil
}
