package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// newService is an engine on a fresh migrated database with master keys in a key file of
// its own (returned, to look at which keys it holds).
func newService(t *testing.T) (*engine.Service, *pgxpool.Pool, string) {
	t.Helper()
	pool := dbtest.MigratedDatabase(t)
	keyFile := filepath.Join(t.TempDir(), "master.key")
	t.Setenv(secrets.EnvMasterKeyFile, keyFile)
	return engine.New(store.New(pool), runtime.Options{}, t.TempDir()), pool, keyFile
}

func reveal(t *testing.T, svc *engine.Service, stack, name string) string {
	t.Helper()
	v, err := svc.RevealSecret(t.Context(), stack, name)
	if err != nil {
		t.Fatalf("reveal %s/%s: %v", stack, name, err)
	}
	return v.Reveal()
}

// keyVersions lists the versions the key file holds.
func keyVersions(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		name, _, _ := strings.Cut(line, " ")
		out = append(out, name[strings.LastIndexByte(name, '/')+1:])
	}
	return out
}

// A rotation that commits between SetSecret reading the current key and storing the value
// retires (and deletes) that key. Before the fix the value was stored sealed with the
// deleted key and could never be read again; now the store notices and the value is sealed
// again with the new key.
func TestSetSecret_RotationInBetween(t *testing.T) {
	svc, _, keyFile := newService(t)
	ctx := t.Context()
	if _, err := svc.CreateStack(ctx, "s", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetSecret(ctx, "s", "a", secrets.NewValue("value-a")); err != nil {
		t.Fatal(err)
	}
	rotated := false
	engine.SetBeforePutSecret(svc, func() {
		if rotated {
			return
		}
		rotated = true
		if _, _, err := svc.RotateKey(ctx); err != nil {
			t.Errorf("rotation: %v", err)
		}
	})
	if _, err := svc.SetSecret(ctx, "s", "b", secrets.NewValue("value-b")); err != nil {
		t.Fatal(err)
	}
	if !rotated {
		t.Fatal("the hook did not run")
	}
	if got := reveal(t, svc, "s", "b"); got != "value-b" {
		t.Fatalf("b = %q", got)
	}
	if got := reveal(t, svc, "s", "a"); got != "value-a" {
		t.Fatalf("a = %q", got)
	}
	if v := keyVersions(t, keyFile); len(v) != 1 || v[0] != "v2" {
		t.Fatalf("the key file holds %v, want only v2", v)
	}
}

// A COMMIT can succeed and still report an error (the connection dropped after the server
// committed). The rotation then took effect: the new key must be kept and the old one
// deleted. Before the fix the new key was deleted on any error, losing every secret.
func TestRotateKey_CommitReportedFailed(t *testing.T) {
	svc, _, keyFile := newService(t)
	ctx := t.Context()
	if _, err := svc.CreateStack(ctx, "s", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		if _, err := svc.SetSecret(ctx, "s", n, secrets.NewValue("value-"+n)); err != nil {
			t.Fatal(err)
		}
	}
	engine.SetRotated(svc, func(err error) error {
		if err == nil {
			return errors.New("unexpected EOF while reading the COMMIT reply")
		}
		return err
	})
	version, count, err := svc.RotateKey(ctx)
	if err != nil || version != 2 || count != 2 {
		t.Fatalf("a rotation that committed is a rotation that happened: v%d, %d secrets, %v", version, count, err)
	}
	for _, n := range []string{"a", "b"} {
		if got := reveal(t, svc, "s", n); got != "value-"+n {
			t.Fatalf("%s = %q", n, got)
		}
	}
	if v := keyVersions(t, keyFile); len(v) != 1 || v[0] != "v2" {
		t.Fatalf("the key file holds %v, want only v2", v)
	}
}

// A rotation that really fails (here: one secret cannot be opened) rolls back: every other
// secret stays readable with the old key, which is kept, and the unused new key is deleted.
func TestRotateKey_FailureKeepsTheOldKey(t *testing.T) {
	svc, pool, keyFile := newService(t)
	ctx := t.Context()
	if _, err := svc.CreateStack(ctx, "s", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		if _, err := svc.SetSecret(ctx, "s", n, secrets.NewValue("value-"+n)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `UPDATE secrets SET ciphertext = '\x00' || ciphertext WHERE name = 'b'`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.RotateKey(ctx); err == nil || !strings.Contains(err.Error(), "cannot be decrypted") {
		t.Fatalf("want the damaged secret named: %v", err)
	}
	if got := reveal(t, svc, "s", "a"); got != "value-a" {
		t.Fatalf("a = %q", got)
	}
	if v := keyVersions(t, keyFile); len(v) != 1 || v[0] != "v1" {
		t.Fatalf("the key file holds %v, want only v1", v)
	}
	var current int
	_ = pool.QueryRow(ctx, `SELECT max(version) FROM master_keys WHERE retired_at IS NULL`).Scan(&current)
	if current != 1 {
		t.Fatalf("current key v%d after a failed rotation", current)
	}
}

// Secret values are checked when set: empty, too long for an environment variable, or
// holding a NUL byte is refused with the rule named, and nothing is stored.
func TestSetSecret_Limits(t *testing.T) {
	svc, pool, _ := newService(t)
	ctx := t.Context()
	if _, err := svc.CreateStack(ctx, "s", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ value, want string }{
		{"", "empty"},
		{"a\x00b", "NUL"},
		{strings.Repeat("x", secrets.MaxValueSize+1), "the limit is 65536"},
	} {
		_, err := svc.SetSecret(ctx, "s", "x", secrets.NewValue(c.value))
		if model.KindOf(err) != model.KindInvalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("value of %d bytes: %v", len(c.value), err)
		}
	}
	var n int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM secrets`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d secrets stored by refused writes", n)
	}
}

// A client of a shared store (SetSharedStore) without the team's master key is told to
// point DEVARCH_MASTER_KEY_FILE at the team's key file, never to delete the secrets (the
// other clients still read them); a client of its own database keeps the lost-key advice.
// Either way nothing is sealed.
func TestMissingKey_SharedStoreNamesTheTeamKeyFile(t *testing.T) {
	svc, pool, keyFile := newService(t)
	if _, err := svc.CreateStack(t.Context(), "shop", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetSecret(t.Context(), "shop", "token", secrets.NewValue("v1")); err != nil {
		t.Fatal(err)
	}
	for _, shared := range []bool{false, true} {
		// Another client: same database, a key file without the key.
		t.Setenv(secrets.EnvMasterKeyFile, filepath.Join(t.TempDir(), "other.key"))
		other := engine.New(store.New(pool), runtime.Options{}, t.TempDir())
		other.SetSharedStore(shared)
		_, err := other.RevealSecret(t.Context(), "shop", "token")
		var e *model.Error
		if !errors.As(err, &e) {
			t.Fatalf("shared=%v: %v", shared, err)
		}
		msg := e.Summary + "\n" + e.Detail
		if model.KindOf(err) != model.KindNotFound || !strings.Contains(msg, "master key v1 is not in the key file") {
			t.Fatalf("shared=%v: %v", shared, msg)
		}
		team := strings.Contains(msg, "DEVARCH_MASTER_KEY_FILE at the team's key file") && strings.Contains(msg, "Nothing was changed")
		if team != shared || strings.Contains(msg, "delete those secrets") == shared {
			t.Fatalf("shared=%v: wrong advice:\n%s", shared, msg)
		}
		if _, err := other.SetSecret(t.Context(), "shop", "more", secrets.NewValue("x")); model.KindOf(err) != model.KindNotFound {
			t.Fatalf("shared=%v: set without the key: %v", shared, err)
		}
	}
	t.Setenv(secrets.EnvMasterKeyFile, keyFile)
	if got := reveal(t, svc, "shop", "token"); got != "v1" {
		t.Fatalf("the owner's secret: %q", got)
	}
}
