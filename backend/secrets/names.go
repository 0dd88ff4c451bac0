package secrets

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// ValidName checks a secret name: 1 to 64 characters of lower-case letters, digits and
// underscores, not starting with a digit. The error is model.Invalid on field "name".
func ValidName(name string) error {
	if model.ValidSecretName(name) {
		return nil
	}
	shown := name
	if len(shown) > 64 {
		shown = shown[:64] + "..."
	}
	return model.Invalid("name", fmt.Sprintf("%q is not a valid secret name", shown),
		model.SecretNameHelp+" Each secret reaches containers as the variable DEVARCH_SECRET_<NAME IN UPPER CASE>.")
}

// EnvVar is the environment variable a (valid) secret name is exposed as at apply time:
// DEVARCH_SECRET_ followed by the name in upper case.
func EnvVar(name string) string { return "DEVARCH_SECRET_" + strings.ToUpper(name) }

// MinGeneratedBytes is the least randomness GenerateValue uses: 128 bits.
const MinGeneratedBytes = 16

// GenerateValue returns a strong random secret: n bytes from crypto/rand encoded as
// unpadded URL-safe base64 (letters, digits, '-' and '_': safe in URLs, environment
// variables and compose files, where '$' or quotes would need escaping). n below 16 is
// raised to 16 so no caller can ask for a weak value. It panics only if the operating
// system's random source fails, which crypto/rand itself treats as fatal.
func GenerateValue(n int) Value {
	n = max(n, MinGeneratedBytes)
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("secrets: crypto/rand failed: " + err.Error())
	}
	out := make([]byte, base64.RawURLEncoding.EncodedLen(n))
	base64.RawURLEncoding.Encode(out, b)
	clear(b)
	return Value{p: &out}
}

// MaxValueSize is the longest secret value, in bytes. Values reach compose as environment
// variables, and Linux refuses to start a process with one environment string longer than
// 128 KiB (MAX_ARG_STRLEN): 64 KiB leaves room for the variable's name and keeps a stack's
// secrets together well below the limit for the whole environment.
const MaxValueSize = 64 << 10

// ValidValue checks a secret value before it is stored: not empty, at most MaxValueSize
// bytes, and no NUL byte (an environment variable cannot carry one: the value would be cut,
// or the compose process would fail to start with a misleading message). The error never
// shows the value.
func ValidValue(v Value) error {
	switch {
	case v.IsZero():
		return model.Invalid("value", "the secret value is empty",
			"Pipe the value on standard input, e.g. printf %s \"$VALUE\" | devarch secret set STACK NAME, or use --generate.")
	case v.Len() > MaxValueSize:
		return model.Invalid("value", fmt.Sprintf("the secret value is %d bytes; the limit is %d (64 KiB)", v.Len(), MaxValueSize),
			"Secrets reach containers as environment variables, which cannot be much longer. Store a large file (a certificate bundle, say) in the project and mount it instead.")
	case bytes.IndexByte(v.raw(), 0) >= 0:
		return model.Invalid("value", "the secret value contains a NUL byte",
			"Environment variables cannot carry NUL bytes. Encode binary values (e.g. base64) before storing them.")
	}
	return nil
}
