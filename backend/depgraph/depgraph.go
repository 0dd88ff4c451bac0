// Package depgraph orders a stack's instances by what they wait for, deterministically, and
// names a cycle when there is one. It is pure. The plan (depends_on) and the wiring (wires)
// both order instances this way, so the same graph gives the same start order and the same
// cycle text everywhere.
package depgraph

import "slices"

// Order returns names in dependency order: a name comes after every name it waits for
// (deps[n], names of the graph only), ties broken by name (Kahn's algorithm with a sorted
// ready list), so the order is a function of the graph alone. names must be sorted and
// distinct. Names on or behind a cycle cannot be placed: they are returned in name order as
// blocked (and appended to nothing: the caller decides).
func Order(names []string, deps map[string][]string) (order, blocked []string) {
	waiting := make(map[string]int, len(names)) // how many names each still waits for
	dependents := map[string][]string{}
	for _, n := range names {
		for _, d := range deps[n] {
			waiting[n]++
			dependents[d] = append(dependents[d], n)
		}
	}
	var ready []string
	for _, n := range names {
		if waiting[n] == 0 {
			ready = append(ready, n)
		}
	}
	for len(ready) > 0 {
		n := ready[0] // ready is kept sorted; take the smallest
		ready = ready[1:]
		order = append(order, n)
		for _, m := range dependents[n] {
			if waiting[m]--; waiting[m] == 0 {
				i, _ := slices.BinarySearch(ready, m)
				ready = slices.Insert(ready, i, m)
			}
		}
	}
	for _, n := range names {
		if waiting[n] > 0 {
			blocked = append(blocked, n)
		}
	}
	return order, blocked
}

// Cycle walks from start among the blocked names, always to the smallest blocked name it
// waits for (deps[n] sorted), until a name repeats; that loop is a cycle. Every blocked name
// waits for another blocked one, so the walk always finds one (not necessarily through
// start, which may only wait behind it). The cycle starts and ends at its smallest name
// (a -> b -> a), so one cycle always reads the same.
func Cycle(start string, deps map[string][]string, blocked []string) []string {
	pos := map[string]int{}
	var path []string
	for cur := start; ; {
		if i, seen := pos[cur]; seen {
			loop := path[i:]
			m := slices.Index(loop, slices.Min(loop))
			loop = append(slices.Clone(loop[m:]), loop[:m]...)
			return append(loop, loop[0])
		}
		pos[cur] = len(path)
		path = append(path, cur)
		next := ""
		for _, d := range deps[cur] {
			if slices.Contains(blocked, d) {
				next = d
				break
			}
		}
		if next == "" {
			return nil // start was not blocked
		}
		cur = next
	}
}
