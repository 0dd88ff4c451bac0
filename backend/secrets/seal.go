package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
	"log/slog"

	"github.com/devarch/devarch/backend/model"
)

// KeySize is the master key length: 32 bytes selects AES-256.
const KeySize = 32

// NonceSize is the GCM nonce length: the standard 96 bits, random per Seal. With random
// nonces a key is good for about 2^32 seals before a collision becomes a real risk, far
// beyond what a local developer tool writes; rotation resets the count anyway.
const NonceSize = 12

// Key is one version of DevArch's master key. The 32 key bytes are unexported and no
// method prints, marshals or logs them: every rendering is "(master key vN)". Like Value,
// the bytes sit behind a pointer so that printing a struct holding a Key in an unexported
// field shows an address, not the key. The zero Key has no bytes and cannot seal or open.
//
// Keys come only from a Keys implementation (keychain or key file), which reads or creates
// them; nothing else in DevArch needs to construct one.
type Key struct {
	Version int
	bytes   *[KeySize]byte
}

func newKey(version int, material []byte) (Key, error) {
	if err := checkVersion(version); err != nil {
		return Key{}, err
	}
	if len(material) != KeySize {
		return Key{}, model.NewError(model.KindInternal, fmt.Sprintf("master key v%d has %d bytes, not %d", version, len(material), KeySize), "")
	}
	var b [KeySize]byte
	copy(b[:], material)
	return Key{Version: version, bytes: &b}, nil
}

// generateKey draws a new key from crypto/rand.
func generateKey(version int) (Key, error) {
	var b [KeySize]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Key{}, model.Wrap(model.KindInternal, err, "cannot draw random bytes for a master key", err.Error())
	}
	defer clear(b[:])
	return newKey(version, b[:])
}

// String returns "(master key vN)"; the key bytes are never shown.
func (k Key) String() string { return fmt.Sprintf("(master key v%d)", k.Version) }

// GoString returns "(master key vN)", for %#v.
func (k Key) GoString() string { return k.String() }

// Format makes every fmt verb print "(master key vN)".
func (k Key) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(k.String())) }

// MarshalJSON returns the JSON string "(master key vN)".
func (k Key) MarshalJSON() ([]byte, error) { return []byte(`"` + k.String() + `"`), nil }

// MarshalText returns "(master key vN)".
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// MarshalYAML returns "(master key vN)" for gopkg.in/yaml.v3.
func (k Key) MarshalYAML() (any, error) { return k.String(), nil }

// LogValue makes log/slog record "(master key vN)".
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

func (k Key) usable() bool { return k.bytes != nil && k.Version >= 1 }

func (k Key) gcm() (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.bytes[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Owner is the row a secret belongs to. It holds the stack's id, not its name, so renaming
// a stack keeps its secrets readable; the secret name is part of it so that two secrets of
// one stack cannot be swapped.
type Owner struct {
	StackID int64
	Name    string
}

// Sealed is a secret at rest: what the secrets table stores. KeyVersion names the master
// key that opens it (secrets.key_version), Nonce is 12 random bytes (secrets.nonce) and
// Ciphertext is the AES-GCM output including its 16-byte tag (secrets.ciphertext). None of
// it is sensitive on its own.
type Sealed struct {
	KeyVersion int
	Nonce      []byte
	Ciphertext []byte
}

// aadPrefix versions the additional-data layout: a future layout gets a new prefix, so an
// old ciphertext can never be mistaken for a new one.
const aadPrefix = "devarch-secret/v1"

// additionalData binds a ciphertext to its owner and key version. The fields are
// NUL-separated and the name cannot contain NUL (ValidName), so distinct owners always give
// distinct bytes.
func additionalData(owner Owner, keyVersion int) []byte {
	return fmt.Appendf(nil, "%s\x00stack=%d\x00name=%s\x00key=%d", aadPrefix, owner.StackID, owner.Name, keyVersion)
}

func checkOwner(owner Owner) error {
	if err := ValidName(owner.Name); err != nil {
		return err
	}
	if owner.StackID < 1 {
		return model.NewError(model.KindInternal, fmt.Sprintf("secret %s has no stack id", owner.Name),
			"A secret is sealed for a stored stack; its id is positive.")
	}
	return nil
}

// Seal encrypts plaintext for owner under key with AES-256-GCM and a fresh random nonce.
// The result opens only with the same key, owner and key version.
//
// Errors: KindInvalid for a bad secret name (see ValidName), KindInternal for a missing
// key or stack id (a caller bug) or a failing random source.
func Seal(key Key, owner Owner, plaintext Value) (Sealed, error) {
	if err := checkOwner(owner); err != nil {
		return Sealed{}, err
	}
	if !key.usable() {
		return Sealed{}, model.NewError(model.KindInternal, fmt.Sprintf("cannot seal secret %s: no master key", owner.Name),
			"Seal was given a zero Key; get one from Keys.Get or Keys.Create.")
	}
	aead, err := key.gcm()
	if err != nil {
		return Sealed{}, model.Wrap(model.KindInternal, err, "cannot set up AES-GCM", err.Error())
	}
	nonce := make([]byte, NonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return Sealed{}, model.Wrap(model.KindInternal, err, "cannot draw a random nonce", err.Error())
	}
	ct := aead.Seal(nil, nonce, plaintext.raw(), additionalData(owner, key.Version))
	return Sealed{KeyVersion: key.Version, Nonce: nonce, Ciphertext: ct}, nil
}

// Open decrypts s, which must have been sealed for owner under key.
//
// Errors:
//   - KindInternal when key is not the version s names (the caller must fetch the key by
//     s.KeyVersion) or is the zero Key: both are caller bugs.
//   - KindInvalid when authentication fails: the stored data is unusable, which is not a bug
//     in DevArch but a state the user must repair (restore the right master key, or set the
//     secret again). Field is "secrets.<name>". GCM cannot tell a wrong key from a modified
//     or moved ciphertext, so the message names all three causes. It never contains the
//     plaintext, the key or the ciphertext.
func Open(key Key, owner Owner, s Sealed) (Value, error) {
	if err := checkOwner(owner); err != nil {
		return Value{}, err
	}
	if !key.usable() {
		return Value{}, model.NewError(model.KindInternal, fmt.Sprintf("cannot open secret %s: no master key", owner.Name),
			"Open was given a zero Key; get one from Keys.Get(sealed.KeyVersion).")
	}
	if key.Version != s.KeyVersion {
		return Value{}, model.NewError(model.KindInternal,
			fmt.Sprintf("cannot open secret %s: it was sealed with master key v%d, not v%d", owner.Name, s.KeyVersion, key.Version),
			"Fetch the key the ciphertext names: Keys.Get(sealed.KeyVersion).")
	}
	aead, err := key.gcm()
	if err != nil {
		return Value{}, model.Wrap(model.KindInternal, err, "cannot set up AES-GCM", err.Error())
	}
	var pt []byte
	if len(s.Nonce) == NonceSize { // GCM panics on a nonce of another length.
		pt, err = aead.Open(nil, s.Nonce, s.Ciphertext, additionalData(owner, s.KeyVersion))
	} else {
		err = fmt.Errorf("nonce has %d bytes, want %d", len(s.Nonce), NonceSize)
	}
	if err != nil {
		return Value{}, &model.Error{
			Kind:    model.KindInvalid,
			Field:   "secrets." + owner.Name,
			Summary: fmt.Sprintf("secret %s cannot be decrypted", owner.Name),
			Detail: fmt.Sprintf("either master key v%d is not the key it was sealed with (the key was replaced, or restored from another machine), "+
				"or its stored ciphertext was modified or moved from another stack or secret. "+
				"Restore the original master key, or set the secret again (devarch secret set STACK %s).", s.KeyVersion, owner.Name),
			Err: err,
		}
	}
	return Value{p: &pt}, nil
}
