package wiring

import (
	"fmt"
	"strings"
)

// Render resolves the references in a provided value (model.Provide): ${host} becomes the
// provider's name on the stack network, ${env.NAME} the provider's effective value of NAME.
// Substituted text is inserted as is and never scanned again, so a provider variable that
// holds a secret reference reaches the consumer as that same reference (compose resolves
// it; no password is copied). Any other ${...}, an unclosed "${", or a variable the
// provider does not set is an error: the text would otherwise reach the consumer verbatim.
func Render(value, host string, env map[string]string) (string, error) {
	if !strings.Contains(value, "${") {
		return value, nil
	}
	var b strings.Builder
	rest := value
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		b.WriteString(rest[:i])
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return "", fmt.Errorf(`"${" is not closed`)
		}
		ref := rest[i+2 : i+j]
		rest = rest[i+j+1:]
		name, isEnv := strings.CutPrefix(ref, "env.")
		switch {
		case ref == "host":
			b.WriteString(host)
		case isEnv:
			v, ok := env[name]
			if !ok {
				return "", fmt.Errorf("${env.%s} names a variable %s does not set", name, host)
			}
			b.WriteString(v)
		default:
			return "", fmt.Errorf("unknown reference ${%s} (a value may use ${host} and ${env.NAME})", ref)
		}
	}
}
