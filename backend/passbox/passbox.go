// Package passbox encrypts the secret values a devarch.yml carries (devarch export
// --with-secrets) with a passphrase, using age (filippo.io/age) and nothing of its own.
//
// A file's values share one envelope: a fresh age X25519 identity, encrypted with the
// passphrase (age's scrypt recipient) into the file's key blob; each value is then an age
// file encrypted to that identity's recipient. Each blob is ASCII-armored ("-----BEGIN AGE
// ENCRYPTED FILE-----"), so the devarch.yml stays text and line-based, and one secret's
// value is one entry: changing it changes that entry only (when the export reuses the
// previous file's envelope, see Unlock). Both layers are plain age: `age -d` with the
// passphrase opens the key blob, and `age -d -i KEYFILE` each value.
//
// Why an envelope rather than one scrypt file per value: scrypt is deliberately slow (work
// factor 2^18: about a second and 256 MiB per derivation), and every scrypt-encrypted value
// costs one derivation to write and one to read. Ten secrets would take ten seconds to
// export and ten to import. The envelope costs one derivation per export or import, whatever
// the number of values; X25519 per value costs microseconds.
//
// Invariants:
//   - Plaintext never appears in a blob; blobs are randomized (age), so encrypting the same
//     value twice gives two different blobs.
//   - A wrong passphrase is ErrWrongPassphrase and reveals nothing; errors never hold a
//     value or a blob.
//   - Reading a blob is bounded: at most MaxBlobSize bytes of text, at most
//     secrets.MaxValueSize bytes of plaintext, and a scrypt work factor of at most
//     WorkFactor (a hostile file cannot make DevArch spend gigabytes of memory on scrypt).
package passbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/devarch/devarch/backend/secrets"
)

// WorkFactor is the scrypt work factor (log2 N) of the key blobs DevArch writes: age's own
// default, about a second on a laptop. Key blobs with a larger one are refused.
const WorkFactor = 18

// MaxBlobSize bounds one armored blob's text: a value of secrets.MaxValueSize bytes with
// age's header and armor (base64, 64-column lines) stays well below it.
const MaxBlobSize = 128 << 10

// ErrWrongPassphrase is what Unlock returns when the passphrase does not open the key blob.
var ErrWrongPassphrase = errors.New("incorrect passphrase")

// Box holds a file's envelope: the identity every value is encrypted to, and its key blob.
type Box struct {
	id  *age.X25519Identity
	key string
}

// New makes a fresh envelope for passphrase: a new identity, encrypted with the passphrase
// (one scrypt derivation). An empty passphrase is refused.
func New(passphrase secrets.Value) (*Box, error) {
	if passphrase.IsZero() {
		return nil, errEmpty
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	r, err := age.NewScryptRecipient(passphrase.Reveal())
	if err != nil {
		return nil, err
	}
	r.SetWorkFactor(WorkFactor)
	key, err := encrypt([]byte(id.String()), r)
	if err != nil {
		return nil, err
	}
	return &Box{id: id, key: key}, nil
}

var errEmpty = errors.New("the passphrase is empty")

// errDamaged is the error for a blob age cannot read: age's own messages may quote parts
// of the blob, which an error never shows.
var errDamaged = errors.New("it is damaged (not a complete age file, or changed since it was written)")

// Unlock opens a file's key blob with passphrase (one scrypt derivation): the Box then
// opens the file's values, and seals new ones with the same identity (so an export over the
// previous file keeps the blobs of unchanged values). ErrWrongPassphrase when the
// passphrase does not open it; another error when the blob is not a key blob.
func Unlock(passphrase secrets.Value, key string) (*Box, error) {
	if passphrase.IsZero() {
		return nil, errEmpty
	}
	si, err := age.NewScryptIdentity(passphrase.Reveal())
	if err != nil {
		return nil, err
	}
	si.SetMaxWorkFactor(WorkFactor)
	plain, err := decrypt(key, 128, si)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		var shape shapeError
		switch {
		case errors.As(err, &shape):
			return nil, err
		case errors.As(err, &nomatch) && strings.Contains(err.Error(), "incorrect passphrase"):
			return nil, ErrWrongPassphrase
		case strings.Contains(err.Error(), "work factor too large"):
			return nil, fmt.Errorf("the key blob asks for a scrypt work factor above %d (DevArch writes %d)", WorkFactor, WorkFactor)
		case errors.As(err, &nomatch):
			return nil, errors.New("the key blob is not encrypted with a passphrase")
		}
		return nil, errDamaged
	}
	id, err := age.ParseX25519Identity(string(plain))
	if err != nil {
		return nil, errors.New("the key blob does not hold an age identity")
	}
	return &Box{id: id, key: key}, nil
}

// Key is the envelope's key blob (armored), for the file.
func (b *Box) Key() string { return b.key }

// Seal encrypts v to the envelope's identity: an armored age file.
func (b *Box) Seal(v secrets.Value) (string, error) {
	return encrypt(v.Bytes(), b.id.Recipient())
}

// Open decrypts a value blob sealed for this envelope. The value is at most
// secrets.MaxValueSize bytes (one byte more is read, so the caller's ValidValue names the
// limit).
func (b *Box) Open(blob string) (secrets.Value, error) {
	plain, err := decrypt(blob, secrets.MaxValueSize+1, b.id)
	if err != nil {
		if _, ok := err.(shapeError); ok {
			return secrets.Value{}, err
		}
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return secrets.Value{}, errors.New("it was encrypted for another key (another export's), not this file's")
		}
		return secrets.Value{}, errDamaged
	}
	v := secrets.ValueFromBytes(plain)
	clear(plain)
	return v, nil
}

// encrypt seals plain for r and armors it.
func encrypt(plain []byte, r age.Recipient) (string, error) {
	var buf bytes.Buffer
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, r)
	if err != nil {
		return "", err
	}
	if _, err := w.Write(plain); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	if err := aw.Close(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// decrypt reads an armored age file for id, reading at most limit bytes of plaintext.
func decrypt(blob string, limit int64, id age.Identity) ([]byte, error) {
	if err := CheckArmor(blob); err != nil {
		return nil, err
	}
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(blob)), id)
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, limit))
	if err != nil {
		clear(out)
		return nil, err
	}
	return out, nil
}

// CheckArmor checks the shape of an armored blob without decrypting it: its size, and the
// armor's first and last lines. It is what a reader can say about a blob without a key.
func CheckArmor(blob string) error {
	if len(blob) > MaxBlobSize {
		return shapeError(fmt.Sprintf("the encrypted value is %d bytes; the limit is %d", len(blob), MaxBlobSize))
	}
	s := strings.TrimSpace(blob)
	if !strings.HasPrefix(s, armor.Header) || !strings.HasSuffix(s, armor.Footer) {
		return shapeError("not an armored age file (it starts with " + armor.Header + " and ends with " + armor.Footer + ")")
	}
	return nil
}

// shapeError is CheckArmor's error: about the blob's shape, never its content.
type shapeError string

func (e shapeError) Error() string { return string(e) }
