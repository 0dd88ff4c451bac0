package secrets

import "testing"

// Generated passwords are alphanumeric, of the documented length, and differ.
func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		v, err := GeneratePassword()
		if err != nil {
			t.Fatal(err)
		}
		s := v.Reveal()
		if len(s) != GeneratedLength {
			t.Fatalf("length %d, want %d", len(s), GeneratedLength)
		}
		for _, c := range s {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
				t.Fatalf("%q has a non-alphanumeric character %q", s, c)
			}
		}
		if seen[s] {
			t.Fatalf("%q generated twice", s)
		}
		seen[s] = true
		if err := ValidValue(v); err != nil {
			t.Fatal(err)
		}
	}
}
