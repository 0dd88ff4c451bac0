package secrets

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
)

// Redacted is what a Value (and anything else secret) shows instead of its content.
const Redacted = "(sensitive)"

// Value is a secret's plaintext. Every way Go has of turning a value into text or bytes by
// accident — fmt verbs (%v, %+v, %#v, %s, %q, %x, ...), encoding/json, encoding.TextMarshaler
// users, gopkg.in/yaml.v3 and log/slog — gives "(sensitive)". The plaintext comes out only
// through the explicit Reveal and Bytes calls, so a grep for those finds every place that
// handles it.
//
// The bytes sit behind a pointer on purpose: when a Value is an unexported field of another
// struct, fmt cannot call its methods and prints the raw fields instead; a nested pointer is
// printed as an address, never followed. Copies of a Value share the same bytes, which
// never change after construction. The zero Value is the empty secret.
type Value struct {
	p *[]byte
}

// NewValue returns a Value holding a copy of s.
func NewValue(s string) Value {
	b := []byte(s)
	return Value{p: &b}
}

// ValueFromBytes returns a Value holding a copy of b; the caller may clear b afterwards.
func ValueFromBytes(b []byte) Value {
	c := append([]byte(nil), b...)
	return Value{p: &c}
}

func (v Value) raw() []byte {
	if v.p == nil {
		return nil
	}
	return *v.p
}

// Reveal returns the plaintext. Call it only where the plaintext must leave DevArch's
// hands: the environment of the compose process, or an explicit "reveal" action.
func (v Value) Reveal() string { return string(v.raw()) }

// Bytes returns a copy of the plaintext; changing it does not change the Value.
func (v Value) Bytes() []byte { return append([]byte(nil), v.raw()...) }

// Len is the plaintext's length in bytes. It is not secret: the ciphertext reveals it too.
func (v Value) Len() int { return len(v.raw()) }

// IsZero reports whether the Value is empty.
func (v Value) IsZero() bool { return v.Len() == 0 }

// Equal compares two Values in constant time (for the lengths' sake, only when they are
// equal in length), so "is the new value the same as the stored one" leaks nothing by timing.
func (v Value) Equal(o Value) bool { return subtle.ConstantTimeCompare(v.raw(), o.raw()) == 1 }

// String returns "(sensitive)".
func (v Value) String() string { return Redacted }

// GoString returns "(sensitive)", for %#v.
func (v Value) GoString() string { return Redacted }

// Format makes every fmt verb, flag and width print "(sensitive)"; without it %x or %d
// would format the underlying fields.
func (v Value) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(Redacted)) }

// MarshalJSON returns the JSON string "(sensitive)".
func (v Value) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// MarshalText returns "(sensitive)"; encoders that use encoding.TextMarshaler (JSON map
// keys, XML, many config formats) therefore never see the plaintext.
func (v Value) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// MarshalYAML returns "(sensitive)" for gopkg.in/yaml.v3.
func (v Value) MarshalYAML() (any, error) { return Redacted, nil }

// LogValue makes log/slog record "(sensitive)" with every handler.
func (v Value) LogValue() slog.Value { return slog.StringValue(Redacted) }

var (
	_ fmt.Stringer   = Value{}
	_ fmt.GoStringer = Value{}
	_ fmt.Formatter  = Value{}
	_ slog.LogValuer = Value{}
)
