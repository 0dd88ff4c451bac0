package secrets_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
)

func TestValidName(t *testing.T) {
	for _, ok := range []string{"a", "_", "db_password", "_x9", "a" + strings.Repeat("0", 63)} {
		if err := secrets.ValidName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "9a", "DB_PASSWORD", "Db", "db-password", "db.password", "db password", "é", "a\x00", "a" + strings.Repeat("0", 64)} {
		err := secrets.ValidName(bad)
		var me *model.Error
		if !errors.As(err, &me) || me.Kind != model.KindInvalid || me.Field != "name" {
			t.Fatalf("%q: want model.Invalid on name, got %v", bad, err)
		}
		if !strings.Contains(me.Detail, "lower-case letters, digits and underscores") || !strings.Contains(me.Detail, "1 to 64") {
			t.Fatalf("%q: the message does not state the rule: %v", bad, err)
		}
	}
	if got := secrets.EnvVar("db_password"); got != "DEVARCH_SECRET_DB_PASSWORD" {
		t.Fatal(got)
	}
}

func TestGenerateValue(t *testing.T) {
	for _, n := range []int{-1, 0, 8, 16, 32, 64} {
		v := secrets.GenerateValue(n)
		raw, err := base64.RawURLEncoding.DecodeString(v.Reveal())
		if err != nil {
			t.Fatalf("n=%d: not URL-safe base64: %v", n, err)
		}
		if want := max(n, 16); len(raw) != want {
			t.Fatalf("n=%d: %d random bytes, want %d", n, len(raw), want)
		}
		if strings.ContainsAny(v.Reveal(), "+/=$\"' ") {
			t.Fatalf("n=%d: unsafe characters", n)
		}
	}
	if secrets.GenerateValue(32).Equal(secrets.GenerateValue(32)) {
		t.Fatal("two generated values are equal")
	}
}
