package compose

import (
	"testing"

	"gopkg.in/yaml.v3"
)

// Every string must read back as the same string, whatever style the emitter chose.
func TestScalarString_ReadsBackExactly(t *testing.T) {
	cases := []string{
		"", " ", "a", "nginx:1.27", "127.0.0.1:8080:80", "8080:80", "8080", "1.5", "1e3", "0x1F", "0o17", "true", "False",
		"yes", "No", "on", "OFF", "y", "null", "~", ".inf", "-.Inf", ".NaN", "2024-01-02", "2024-01-02T10:00:00Z",
		"--host=0.0.0.0", "-c", "-", "- x", "a: b", "a:b", "a #b", "a#b", "key:", "trailing ", " leading", "#comment",
		"&anchor", "*alias", "!tag", "|", ">", "'q'", `"q"`, "%x", "@x", "`x`", "{a}", "[a]", "a,b", "?x", "x?",
		"multi\nline", "tab\there", "é unicode", "$$HOME", "${DEVARCH_SECRET_X}", "a=b", "(x)", "1:20", "+1", "1_000",
		"echo hi", "sh -c 'echo $$X'", "CMD-SHELL", "./src:/var/www/html", "data:/var/lib/mysql:ro", "=x", ",x",
	}
	for _, s := range cases {
		var got string
		doc := "v: " + scalarString(s) + "\n"
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Errorf("%q -> %q: %v", s, scalarString(s), err)
			continue
		}
		got, ok := m["v"].(string)
		if !ok || got != s {
			t.Errorf("%q emitted as %q reads back as %#v", s, scalarString(s), m["v"])
		}
	}
}
