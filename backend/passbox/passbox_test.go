package passbox_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/devarch/devarch/backend/passbox"
	"github.com/devarch/devarch/backend/secrets"
)

func TestSealOpenRoundTrip(t *testing.T) {
	pass := secrets.NewValue("correct horse battery staple")
	box, err := passbox.New(pass)
	if err != nil {
		t.Fatal(err)
	}
	const plain = "sk_live_51HxQ-plaintext-marker"
	blob, err := box.Seal(secrets.NewValue(plain))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(blob, plain) || strings.Contains(box.Key(), plain) {
		t.Fatal("plaintext in a blob")
	}
	if !strings.HasPrefix(blob, "-----BEGIN AGE ENCRYPTED FILE-----\n") || !strings.HasSuffix(blob, "-----END AGE ENCRYPTED FILE-----\n") {
		t.Fatalf("blob is not one armored age file ending in one newline:\n%q", blob)
	}
	again, err := box.Seal(secrets.NewValue(plain))
	if err != nil {
		t.Fatal(err)
	}
	if again == blob {
		t.Fatal("two encryptions of the same value gave the same blob: age is randomized")
	}
	// A fresh Box from the key blob and the passphrase (what an import does) opens it.
	opened, err := passbox.Unlock(pass, box.Key())
	if err != nil {
		t.Fatal(err)
	}
	v, err := opened.Open(blob)
	if err != nil {
		t.Fatal(err)
	}
	if v.Reveal() != plain {
		t.Fatalf("opened %q", v.Reveal())
	}
}

func TestWrongPassphrase(t *testing.T) {
	box, err := passbox.New(secrets.NewValue("right"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = passbox.Unlock(secrets.NewValue("wrong"), box.Key())
	if !errors.Is(err, passbox.ErrWrongPassphrase) {
		t.Fatalf("got %v, want ErrWrongPassphrase", err)
	}
	if _, err := passbox.New(secrets.Value{}); err == nil {
		t.Fatal("an empty passphrase was accepted")
	}
	if _, err := passbox.Unlock(secrets.Value{}, box.Key()); err == nil {
		t.Fatal("an empty passphrase was accepted")
	}
}

// A value blob of another envelope (another export) does not open, and says so without
// showing the blob.
func TestOtherEnvelope(t *testing.T) {
	a, _ := passbox.New(secrets.NewValue("p"))
	b, _ := passbox.New(secrets.NewValue("p"))
	blob, err := a.Seal(secrets.NewValue("v"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Open(blob)
	if err == nil {
		t.Fatal("a blob of another envelope opened")
	}
	if strings.Contains(err.Error(), "AGE ENCRYPTED") {
		t.Fatalf("error shows the blob: %v", err)
	}
}

// A key blob with a scrypt work factor above WorkFactor is refused before scrypt runs.
func TestWorkFactorBounded(t *testing.T) {
	// age's scrypt stanza is "-> scrypt SALT LOGN"; rewrite 18 to 22 inside the armor.
	box, _ := passbox.New(secrets.NewValue("p"))
	key := decodeArmor(t, box.Key())
	hostile := strings.Replace(key, " 18\n", " 22\n", 1)
	if hostile == key {
		t.Fatal("no work factor in the header")
	}
	_, err := passbox.Unlock(secrets.NewValue("p"), encodeArmor(hostile))
	if err == nil || !strings.Contains(err.Error(), "work factor") {
		t.Fatalf("got %v, want a work factor error", err)
	}
}

func TestValueSizeBounded(t *testing.T) {
	box, _ := passbox.New(secrets.NewValue("p"))
	blob, err := box.Seal(secrets.NewValue(strings.Repeat("x", secrets.MaxValueSize+10)))
	if err != nil {
		t.Fatal(err)
	}
	v, err := box.Open(blob)
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() != secrets.MaxValueSize+1 {
		t.Fatalf("read %d bytes, want the limit plus one", v.Len())
	}
	if err := passbox.CheckArmor(strings.Repeat("A", passbox.MaxBlobSize+1)); err == nil {
		t.Fatal("an oversized blob passed")
	}
}

// BenchmarkEnvelope10 writes and reads 10 values the way DevArch does (one scrypt
// derivation each way); BenchmarkScryptPerValue10, the alternative of one scrypt-encrypted
// age file per value (ten derivations each way), is measured in the same run for the ratio.
func BenchmarkEnvelope10(b *testing.B) {
	pass := secrets.NewValue("bench")
	for b.Loop() {
		box, err := passbox.New(pass)
		if err != nil {
			b.Fatal(err)
		}
		blobs := make([]string, 10)
		for i := range blobs {
			if blobs[i], err = box.Seal(secrets.NewValue("value")); err != nil {
				b.Fatal(err)
			}
		}
		open, err := passbox.Unlock(pass, box.Key())
		if err != nil {
			b.Fatal(err)
		}
		for _, blob := range blobs {
			if _, err := open.Open(blob); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkScryptPerValue10(b *testing.B) {
	for b.Loop() {
		for range 10 {
			r, _ := age.NewScryptRecipient("bench")
			r.SetWorkFactor(passbox.WorkFactor)
			var buf bytes.Buffer
			w, err := age.Encrypt(&buf, r)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = w.Write([]byte("value"))
			_ = w.Close()
			id, _ := age.NewScryptIdentity("bench")
			if _, err := age.Decrypt(&buf, id); err != nil {
				b.Fatal(err)
			}
		}
	}
}
