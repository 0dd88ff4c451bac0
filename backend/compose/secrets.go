package compose

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// A secret reference in any user string: ${secret:NAME}. It is the only `$` form that is
// not escaped; see builder.escape.
const (
	secretRefOpen = "${secret:"
	// SecretEnvPrefix starts the environment variable that carries a secret to compose.
	SecretEnvPrefix = "DEVARCH_SECRET_"
)

// secretName is what a reference may look like. It is wider than the secret-name rule
// (model.ValidSecretName) so that a near-miss (${secret:db-password}) is reported as a
// bad reference, with the name it could have, rather than silently escaped text.
var secretName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// SecretEnvVar is the environment variable compose reads a secret's value from:
// DEVARCH_SECRET_ + the name upper-cased, with every character other than A-Z and 0-9
// replaced by "_" (db_password and db-password -> DEVARCH_SECRET_DB_PASSWORD). The mapping is
// not one-to-one, so Generate rejects a stack whose references map two names onto one
// variable. The engine sets these variables (and nothing else secret) in the compose
// process's environment at apply time.
func SecretEnvVar(name string) string {
	var b strings.Builder
	b.WriteString(SecretEnvPrefix)
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// SecretRefs returns the secret names a stack references anywhere in its services' specs,
// sorted and unique: the secrets the engine must decrypt and pass (as SecretEnvVar(name)) to
// compose at apply time. Malformed references are skipped here; Generate reports them.
func SecretRefs(st model.EffectiveStack) []string {
	seen := map[string]bool{}
	for _, svc := range st.Services {
		walkStrings(map[string]any(svc.Spec), func(s string) {
			for _, ref := range scanRefs(s) {
				if ref.err == "" {
					seen[ref.name] = true
				}
			}
		})
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// walkStrings calls fn for every string value inside v (map values, list items; not keys).
func walkStrings(v any, fn func(string)) {
	switch v := v.(type) {
	case string:
		fn(v)
	case model.Spec:
		walkStrings(map[string]any(v), fn)
	case map[string]any:
		for _, x := range v {
			walkStrings(x, fn)
		}
	case map[string]string:
		for _, x := range v {
			fn(x)
		}
	case []any:
		for _, x := range v {
			walkStrings(x, fn)
		}
	case []string:
		for _, x := range v {
			fn(x)
		}
	}
}

// secretRef is one ${secret:...} occurrence in a string: its byte range and name, or err
// when it is malformed.
type secretRef struct {
	start, end int // s[start:end] is the whole reference
	name       string
	err        string
}

// scanRefs finds the secret references in s, left to right.
func scanRefs(s string) []secretRef {
	var refs []secretRef
	for i := 0; ; {
		j := strings.Index(s[i:], secretRefOpen)
		if j < 0 {
			return refs
		}
		start := i + j
		nameStart := start + len(secretRefOpen)
		k := strings.IndexByte(s[nameStart:], '}')
		if k < 0 {
			return append(refs, secretRef{start: start, end: len(s), err: "is not closed with }"})
		}
		ref := secretRef{start: start, end: nameStart + k + 1, name: s[nameStart : nameStart+k]}
		switch {
		case !secretName.MatchString(ref.name):
			ref.err = fmt.Sprintf("names %q, which is not a secret name (letters, digits, '_', '-' and '.', starting with a letter or digit)", ref.name)
		case !model.ValidSecretName(ref.name):
			// Looks like a name, but no secret can have it: it could never be set.
			ref.err = fmt.Sprintf("names %q, which no secret can have (secret names are lower-case letters, digits and underscores, not starting with a digit: e.g. %s)",
				ref.name, secretNameLike(ref.name))
		}
		refs = append(refs, ref)
		i = ref.end
	}
}

// secretNameLike is the secret name closest to a near-miss: lower case, other characters
// as '_', '_' first when it would start with a digit, at most 64 characters.
func secretNameLike(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out != "" && out[0] >= '0' && out[0] <= '9' {
		out = "_" + out
	}
	if len(out) > 64 {
		out = out[:64]
	}
	return out
}

// escape makes s literal for compose: every `$` becomes `$$`, except secret references,
// which become ${DEVARCH_SECRET_NAME} interpolations. Two different names that map onto one
// variable anywhere in the stack are an error (b.secretVars spans the stack). Map keys are
// never passed here: compose does not interpolate keys.
func (b *builder) escape(path, s string) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var out strings.Builder
	last := 0
	for _, ref := range scanRefs(s) {
		if ref.err != "" {
			return "", b.invalid(path, fmt.Sprintf("invalid secret reference %q", s[ref.start:ref.end]),
				"The reference "+ref.err+". Write ${secret:NAME}, e.g. ${secret:db_password}.")
		}
		v := SecretEnvVar(ref.name)
		if other, ok := b.secretVars[v]; ok && other != ref.name {
			return "", b.invalid(path, fmt.Sprintf("secrets %q and %q cannot both be used in one stack", other, ref.name),
				fmt.Sprintf("Both reach compose as the environment variable %s. Rename one of them.", v))
		}
		b.secretVars[v] = ref.name
		out.WriteString(strings.ReplaceAll(s[last:ref.start], "$", "$$"))
		out.WriteString("${" + v + "}")
		last = ref.end
	}
	out.WriteString(strings.ReplaceAll(s[last:], "$", "$$"))
	return out.String(), nil
}
