package spelling

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"restart", "restart", 0},
		{"restrat", "restart", 2}, {"image", "imag", 1}, {"ports", "port", 1},
		{"kitten", "sitting", 3}, {"json", "jsno", 2},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// FuzzDistance: a metric on any input: zero only for equal strings, symmetric, at most the
// longer length, at least the length difference.
func FuzzDistance(f *testing.F) {
	f.Add("restart", "restrat")
	f.Add("", "x")
	f.Add("é", "e")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 200 || len(b) > 200 {
			return
		}
		d := Distance(a, b)
		if (d == 0) != (a == b) {
			t.Fatalf("Distance(%q, %q) = %d", a, b, d)
		}
		if d != Distance(b, a) {
			t.Fatalf("not symmetric for %q, %q", a, b)
		}
		if d > max(len(a), len(b)) || d < max(len(a)-len(b), len(b)-len(a)) {
			t.Fatalf("Distance(%q, %q) = %d out of bounds", a, b, d)
		}
	})
}
