package secrets_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
)

// leaksKey reports whether s shows raw key bytes in any common encoding.
func leaksKey(s string, raw []byte) bool {
	for _, enc := range []string{string(raw), hex.EncodeToString(raw), base64.StdEncoding.EncodeToString(raw),
		base64.RawURLEncoding.EncodeToString(raw), fmt.Sprint(raw), fmt.Sprintf("%x", raw)} {
		if strings.Contains(s, enc) {
			return true
		}
	}
	return false
}

func testKey(t *testing.T, version int, seed byte) secrets.Key {
	t.Helper()
	b := bytes.Repeat([]byte{seed}, secrets.KeySize)
	for i := range b {
		b[i] += byte(i * 7)
	}
	return secrets.NewKeyForTest(version, b)
}

var owner = secrets.Owner{StackID: 42, Name: "db_password"}

// decryptFails asserts the documented failure: KindInvalid, naming the secret, with no
// plaintext or key bytes in the message.
func decryptFails(t *testing.T, what string, err error, name string, keys ...secrets.Key) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: Open succeeded", what)
	}
	var me *model.Error
	if !errors.As(err, &me) || me.Kind != model.KindInvalid {
		t.Fatalf("%s: want a *model.Error of KindInvalid, got %T %v", what, err, err)
	}
	msg := err.Error()
	if !strings.Contains(me.Summary, "secret "+name+" cannot be decrypted") || !strings.Contains(msg, "master key") ||
		!strings.Contains(msg, "modified or moved") || me.Field != "secrets."+name {
		t.Fatalf("%s: unclear message %q (field %q)", what, msg, me.Field)
	}
	if strings.Contains(msg, plaintext) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), plaintext) {
		t.Fatalf("%s: message leaks the plaintext: %s", what, msg)
	}
	for _, k := range keys {
		if leaksKey(msg, secrets.KeyBytes(k)) || leaksKey(fmt.Sprintf("%+v %#v", err, me), secrets.KeyBytes(k)) {
			t.Fatalf("%s: message leaks key bytes: %s", what, msg)
		}
	}
}

func seal(t *testing.T, k secrets.Key, o secrets.Owner) secrets.Sealed {
	t.Helper()
	s, err := secrets.Seal(k, o, secrets.NewValue(plaintext))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSeal_RoundTrip(t *testing.T) {
	k := testKey(t, 1, 1)
	s := seal(t, k, owner)
	if s.KeyVersion != 1 || len(s.Nonce) != secrets.NonceSize || len(s.Ciphertext) != len(plaintext)+16 {
		t.Fatalf("sealed: version %d, nonce %d bytes, ciphertext %d bytes", s.KeyVersion, len(s.Nonce), len(s.Ciphertext))
	}
	if bytes.Contains(s.Ciphertext, []byte(plaintext)) {
		t.Fatal("the ciphertext contains the plaintext")
	}
	v, err := secrets.Open(k, owner, s)
	if err != nil || v.Reveal() != plaintext {
		t.Fatalf("open: %v", err)
	}
	// Empty and long values round-trip too.
	for _, p := range []string{"", strings.Repeat("x", 1<<16)} {
		s, err := secrets.Seal(k, owner, secrets.NewValue(p))
		if err != nil {
			t.Fatal(err)
		}
		if v, err := secrets.Open(k, owner, s); err != nil || v.Reveal() != p {
			t.Fatalf("open %d bytes: %v", len(p), err)
		}
	}
}

func TestSeal_FreshNonce(t *testing.T) {
	k := testKey(t, 1, 1)
	a, b := seal(t, k, owner), seal(t, k, owner)
	if bytes.Equal(a.Nonce, b.Nonce) || bytes.Equal(a.Ciphertext, b.Ciphertext) {
		t.Fatal("two seals of the same value are equal: the nonce is not fresh")
	}
	seen := map[string]bool{}
	for range 1000 {
		n := string(seal(t, k, owner).Nonce)
		if seen[n] {
			t.Fatal("a nonce repeated")
		}
		seen[n] = true
	}
}

func TestOpen_Failures(t *testing.T) {
	k1 := testKey(t, 1, 1)
	other := testKey(t, 1, 2)
	good := seal(t, k1, owner)
	clone := func() secrets.Sealed {
		return secrets.Sealed{KeyVersion: good.KeyVersion, Nonce: bytes.Clone(good.Nonce), Ciphertext: bytes.Clone(good.Ciphertext)}
	}

	_, err := secrets.Open(other, owner, good)
	decryptFails(t, "wrong key", err, owner.Name, k1, other)

	for i := range good.Ciphertext { // every byte, tag included
		s := clone()
		s.Ciphertext[i] ^= 0x01
		_, err = secrets.Open(k1, owner, s)
		decryptFails(t, fmt.Sprintf("bit flipped in ciphertext byte %d", i), err, owner.Name, k1)
	}
	s := clone()
	s.Ciphertext = s.Ciphertext[:len(s.Ciphertext)-1]
	_, err = secrets.Open(k1, owner, s)
	decryptFails(t, "truncated ciphertext", err, owner.Name, k1)

	for i := range good.Nonce {
		s := clone()
		s.Nonce[i] ^= 0x80
		_, err = secrets.Open(k1, owner, s)
		decryptFails(t, fmt.Sprintf("bit flipped in nonce byte %d", i), err, owner.Name, k1)
	}
	for _, n := range [][]byte{nil, make([]byte, 11), make([]byte, 16)} {
		s := clone()
		s.Nonce = n
		_, err = secrets.Open(k1, owner, s)
		decryptFails(t, fmt.Sprintf("nonce of %d bytes", len(n)), err, owner.Name, k1)
	}

	// Moved to another row: same key, other owner.
	for _, o := range []secrets.Owner{{StackID: 42, Name: "api_token"}, {StackID: 43, Name: "db_password"}, {StackID: 4, Name: "db_password"}} {
		_, err = secrets.Open(k1, o, good)
		decryptFails(t, fmt.Sprintf("moved to %+v", o), err, o.Name, k1)
	}

	// The key version is authenticated: the same key bytes labelled v2 do not open a v1
	// ciphertext relabelled v2.
	k2same := secrets.NewKeyForTest(2, secrets.KeyBytes(k1))
	s = clone()
	s.KeyVersion = 2
	_, err = secrets.Open(k2same, owner, s)
	decryptFails(t, "key version changed", err, owner.Name, k1)
}

func TestOpen_CallerMistakes(t *testing.T) {
	k1 := testKey(t, 1, 1)
	good := seal(t, k1, owner)
	// A key of another version than the ciphertext names is a bug in the caller.
	_, err := secrets.Open(testKey(t, 2, 1), owner, good)
	if model.KindOf(err) != model.KindInternal || !strings.Contains(err.Error(), "sealed with master key v1, not v2") {
		t.Fatalf("version mismatch: %v", err)
	}
	if _, err := secrets.Open(secrets.Key{}, owner, good); model.KindOf(err) != model.KindInternal {
		t.Fatalf("zero key: %v", err)
	}
	if _, err := secrets.Seal(secrets.Key{}, owner, secrets.NewValue(plaintext)); model.KindOf(err) != model.KindInternal {
		t.Fatalf("seal with zero key: %v", err)
	}
	if _, err := secrets.Seal(k1, secrets.Owner{StackID: 0, Name: "x"}, secrets.NewValue(plaintext)); model.KindOf(err) != model.KindInternal {
		t.Fatalf("seal without stack id: %v", err)
	}
	for _, name := range []string{"", "Bad", "a\x00b"} {
		if _, err := secrets.Seal(k1, secrets.Owner{StackID: 1, Name: name}, secrets.NewValue(plaintext)); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("seal with name %q: %v", name, err)
		}
	}
}
