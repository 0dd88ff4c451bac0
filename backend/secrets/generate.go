package secrets

import (
	"crypto/rand"
	"math/big"
)

// GeneratedLength is the length of a generated password: 24 alphanumeric characters, about
// 143 bits, more than any database needs and short enough to type when debugging.
const GeneratedLength = 24

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// GeneratePassword returns a random alphanumeric password from crypto/rand. Alphanumeric
// only: the value lands in environment variables, URLs (mysql://user:PASSWORD@host) and
// shell-expanded healthchecks, where any punctuation needs quoting somewhere. Each
// character is drawn uniformly (rand.Int rejects the biased range).
func GeneratePassword() (Value, error) {
	b := make([]byte, GeneratedLength)
	max := big.NewInt(int64(len(alphanumeric)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return Value{}, err
		}
		b[i] = alphanumeric[n.Int64()]
	}
	v := ValueFromBytes(b)
	clear(b)
	return v, nil
}
