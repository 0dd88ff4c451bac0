package resolve

import (
	"math"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

// TestResolve_ValidateText: strings DevArch cannot pass on exactly are refused in overrides
// and in templates alike, at the value's path (a bad key at its mapping's path), naming the
// character and saying what to do.
func TestResolve_ValidateText(t *testing.T) {
	tests := []struct {
		name      string
		spec      model.Spec
		wantField string // "" = valid
		wantIn    []string
	}{
		{name: "tab, newline, unicode and line separators are text", spec: model.Spec{
			"environment": map[string]any{"A": "a\tb\nc", "B": "é 日本 🚀 \u00a0 \u2028 \u2029 \ufeff", "C": ""},
			"command":     []any{"sh", "-c", "printf 'x\\n'\n"},
		}},
		{name: "DEL in an environment value", spec: model.Spec{"environment": map[string]any{"X": "a\x7fb"}},
			wantField: "environment.X", wantIn: []string{"environment.X: contains the character U+007F (delete) at position 2", "remove it"}},
		{name: "NEL", spec: model.Spec{"environment": map[string]any{"X": "a\u0085b"}},
			wantField: "environment.X", wantIn: []string{"U+0085 (next line, NEL)"}},
		{name: "C1 control", spec: model.Spec{"labels": map[string]any{"x": "\u009f"}},
			wantField: "labels.x", wantIn: []string{"U+009F at position 1"}},
		{name: "carriage return says why", spec: model.Spec{"environment": map[string]any{"X": "line\r\n"}},
			wantField: "environment.X", wantIn: []string{"U+000D (carriage return) at position 5", "Windows line endings", "LF"}},
		{name: "NUL", spec: model.Spec{"image": "nginx\x00"},
			wantField: "image", wantIn: []string{"U+0000 (NUL)"}},
		{name: "escape sequence", spec: model.Spec{"command": []any{"echo", "\x1b[31mred"}},
			wantField: "command[1]", wantIn: []string{"U+001B (escape)"}},
		{name: "noncharacter", spec: model.Spec{"environment": map[string]any{"X": "a\uFFFEb"}},
			wantField: "environment.X", wantIn: []string{"U+FFFE (noncharacter)", "not text"}},
		{name: "U+FFFF", spec: model.Spec{"hostname": "\uFFFF"},
			wantField: "hostname", wantIn: []string{"U+FFFF"}},
		{name: "invalid UTF-8", spec: model.Spec{"environment": map[string]any{"X": "ok\xffno"}},
			wantField: "environment.X", wantIn: []string{"not UTF-8 text", "Byte 3 (0xFF)"}},
		{name: "control in a list item", spec: model.Spec{"ports": []any{"80:80", "81\x01"}},
			wantField: "ports[1]", wantIn: []string{"U+0001"}},
		{name: "control deep in an any value", spec: model.Spec{"deploy": map[string]any{"resources": map[string]any{"limits": map[string]any{"memory": "1g\x7f"}}}},
			wantField: "deploy.resources.limits.memory", wantIn: []string{"U+007F"}},
		{name: "control in healthcheck test", spec: model.Spec{"healthcheck": map[string]any{"test": []any{"CMD", "a\x85"}}},
			wantField: "healthcheck.test[1]", wantIn: []string{"not UTF-8"}},
		{name: "control in a keyed-map key", spec: model.Spec{"labels": map[string]any{"a\x01": "x"}},
			wantField: "labels", wantIn: []string{`labels: has a key "a\x01" that contains the character U+0001`}},
		{name: "control in an object key", spec: model.Spec{"deploy": map[string]any{"re\u0085sources": map[string]any{}}},
			wantField: "deploy", wantIn: []string{`has a key "re\u0085sources" that contains the character U+0085`}},
		{name: "control in a nested key", spec: model.Spec{"ulimits": map[string]any{"nofile": map[string]any{"so\x7ft": 1}}},
			wantField: "ulimits.nofile", wantIn: []string{"U+007F"}},
		{name: "invalid UTF-8 key", spec: model.Spec{"environment": map[string]any{"\xfe": "x"}},
			wantField: "environment", wantIn: []string{"not UTF-8"}},
		{name: "environment key with =", spec: model.Spec{"environment": map[string]any{"A=B": "x"}},
			wantField: "environment", wantIn: []string{`key "A=B" is not a valid name`, "'='"}},
		{name: "label key with a space", spec: model.Spec{"labels": map[string]any{"a b": "x"}},
			wantField: "labels", wantIn: []string{`key "a b" is not a valid name`}},
		{name: "environment key starting with x-", spec: model.Spec{"environment": map[string]any{"x-api-key": "x"}},
			wantField: "environment", wantIn: []string{`key "x-api-key" starts with x-`, "extension fields", "X- in capitals"}},
		{name: "X- in capitals is a name", spec: model.Spec{"environment": map[string]any{"X-API-KEY": "x"}, "labels": map[string]any{"ax-": "y"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, template := range []bool{false, true} {
				var err error
				if template {
					err = ValidateTemplateSpec(tc.spec)
				} else {
					err = ValidateOverrides(tc.spec)
				}
				if tc.wantField == "" {
					if err != nil {
						t.Fatalf("template=%v: want valid, got %v", template, err)
					}
					continue
				}
				checkInvalid(t, err, tc.wantField, tc.wantIn...)
			}
		})
	}
}

// TestResolve_ValidateNumbers: numbers must survive storage as float64 exactly and be finite.
// Keyed-map values are text, so any integer is kept there exactly.
func TestResolve_ValidateNumbers(t *testing.T) {
	tests := []struct {
		name      string
		spec      model.Spec
		wantField string
		wantIn    []string
	}{
		{name: "2^53 fits", spec: model.Spec{"deploy": map[string]any{"n": int64(1 << 53), "m": -(1 << 53)}, "healthcheck": map[string]any{"test": "true", "retries": 1 << 53}}},
		{name: "large floats are floats", spec: model.Spec{"deploy": map[string]any{"big": 1e21}}},
		{name: "int64 beyond 2^53", spec: model.Spec{"deploy": map[string]any{"n": int64(1<<53 + 1)}},
			wantField: "deploy.n", wantIn: []string{"the integer 9007199254740993 is too large to store exactly", "Quote the value"}},
		{name: "uint64 beyond 2^53", spec: model.Spec{"ulimits": map[string]any{"nofile": uint64(math.MaxUint64)}},
			wantField: "ulimits.nofile", wantIn: []string{"18446744073709551615"}},
		{name: "float retries beyond 2^53", spec: model.Spec{"healthcheck": map[string]any{"retries": 1e20}},
			wantField: "healthcheck.retries", wantIn: []string{"the integer 100000000000000000000 is too large"}},
		{name: "int retries beyond 2^53", spec: model.Spec{"healthcheck": map[string]any{"retries": -(1<<53 + 1)}},
			wantField: "healthcheck.retries", wantIn: []string{"too large"}},
		{name: "+Inf in an object", spec: model.Spec{"deploy": map[string]any{"a": math.Inf(1)}},
			wantField: "deploy.a", wantIn: []string{"is not a finite number", "Infinity and NaN"}},
		{name: "NaN in a list", spec: model.Spec{"healthcheck": map[string]any{"test": []any{math.NaN()}}},
			wantField: "healthcheck.test[0]", wantIn: []string{"not a finite number"}},
		{name: "-Inf float32", spec: model.Spec{"logging": map[string]any{"options": map[string]any{"x": float32(math.Inf(-1))}}},
			wantField: "logging.options.x", wantIn: []string{"not a finite number"}},
		{name: "Inf as an environment value", spec: model.Spec{"environment": map[string]any{"X": math.Inf(1)}},
			wantField: "environment.X", wantIn: []string{"not a finite number"}},
		{name: "big integers in keyed maps are text", spec: model.Spec{"environment": map[string]any{"X": int64(1<<62 + 1), "Y": uint64(math.MaxUint64)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateOverrides(tc.spec)
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			checkInvalid(t, err, tc.wantField, tc.wantIn...)
			checkInvalid(t, ValidateTemplateSpec(tc.spec), tc.wantField, tc.wantIn...)
		})
	}
	got, err := NormalizeOverrides(model.Spec{"environment": map[string]any{"X": int64(1<<62 + 1), "Y": uint64(math.MaxUint64)}})
	if err != nil {
		t.Fatal(err)
	}
	if env := got["environment"].(map[string]any); env["X"] != "4611686018427387905" || env["Y"] != "18446744073709551615" {
		t.Errorf("big integers in a keyed map = %#v, want their exact digits", env)
	}
}

// TestResolve_NotAnObjectIsGuarded: the error for setting a key of a field whose override
// is not an object never indexes an empty validation result, even for a value validation
// accepts.
func TestResolve_NotAnObjectIsGuarded(t *testing.T) {
	def, _ := model.LookupField("environment")
	err := notAnObject(def, "environment.X", map[string]any{"A": "1"})
	checkInvalid(t, err, "environment.X", "has no keys", "environment={APP_ENV: local}")
	err = notAnObject(def, "environment.X", []any{"A=1"})
	checkInvalid(t, err, "environment", "must be a map")
	if !strings.Contains(err.Error(), "environment") {
		t.Error(err)
	}
}
