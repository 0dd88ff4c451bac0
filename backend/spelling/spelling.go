// Package spelling measures how far a typed name is from a known one, for "did you mean"
// hints (unknown fields and policies in resolve, unknown flags in the CLI). It is pure: no
// I/O, no state.
package spelling

// Distance is the Levenshtein distance between a and b, counted in bytes: the names it
// compares (field names, flag names, policy values) are ASCII, and a byte count keeps a typo
// inside a multi-byte character from looking closer than it is.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
