package passbox_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"filippo.io/age/armor"

	"github.com/devarch/devarch/backend/passbox"
	"github.com/devarch/devarch/backend/secrets"
)

var (
	fuzzOnce sync.Once
	fuzzBox  *passbox.Box
	fuzzBlob string
)

func fuzzSetup(f *testing.F) {
	fuzzOnce.Do(func() {
		var err error
		if fuzzBox, err = passbox.New(secrets.NewValue("fuzz")); err != nil {
			f.Fatal(err)
		}
		if fuzzBlob, err = fuzzBox.Seal(secrets.NewValue("value")); err != nil {
			f.Fatal(err)
		}
	})
}

// FuzzOpen feeds arbitrary text to the value decoder (armor, age header, payload): it
// never panics, never returns a value without an error for a blob it did not seal, and
// its errors never echo the input.
func FuzzOpen(f *testing.F) {
	fuzzSetup(f)
	f.Add(fuzzBlob)
	f.Add(strings.Replace(fuzzBlob, "A", "B", 1))
	f.Add(fuzzBox.Key())
	f.Add("")
	f.Add("-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----\n")
	f.Add("-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBB\n-----END AGE ENCRYPTED FILE-----\n")
	f.Add(encodeArmor("age-encryption.org/v1\n-> X25519 AAAA\n\n--- AAAA\n"))
	f.Fuzz(func(t *testing.T, blob string) {
		v, err := fuzzBox.Open(blob)
		if err != nil {
			if len(blob) > 60 && strings.Contains(err.Error(), blob) {
				t.Fatalf("error echoes the input: %v", err)
			}
			return
		}
		if v.Reveal() != "value" {
			// Only a blob sealed for this box opens; anything else that opens must be a
			// re-armoring of the seeded one.
			t.Fatalf("opened a blob it did not seal: %q", v.Reveal())
		}
	})
}

func decodeArmor(t testing.TB, s string) string {
	b := new(bytes.Buffer)
	if _, err := b.ReadFrom(armor.NewReader(strings.NewReader(s))); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func encodeArmor(s string) string {
	var b bytes.Buffer
	w := armor.NewWriter(&b)
	_, _ = w.Write([]byte(s))
	_ = w.Close()
	return b.String()
}
