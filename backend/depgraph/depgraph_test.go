package depgraph

import (
	"reflect"
	"testing"
)

func TestOrder(t *testing.T) {
	names := []string{"admin", "app", "cache", "db", "worker"}
	deps := map[string][]string{"app": {"cache", "db"}, "worker": {"app"}, "admin": {"worker"}}
	order, blocked := Order(names, deps)
	if want := []string{"cache", "db", "app", "worker", "admin"}; !reflect.DeepEqual(order, want) || blocked != nil {
		t.Fatalf("order %v blocked %v, want %v", order, blocked, want)
	}
}

func TestOrder_Cycle(t *testing.T) {
	names := []string{"a", "b", "c", "d"}
	deps := map[string][]string{"b": {"c"}, "c": {"b"}, "d": {"c"}}
	order, blocked := Order(names, deps)
	if !reflect.DeepEqual(order, []string{"a"}) || !reflect.DeepEqual(blocked, []string{"b", "c", "d"}) {
		t.Fatalf("order %v blocked %v", order, blocked)
	}
	// From d, which only waits behind the cycle, and from c: the same cycle, from its smallest name.
	for _, start := range []string{"d", "c", "b"} {
		if got := Cycle(start, deps, blocked); !reflect.DeepEqual(got, []string{"b", "c", "b"}) {
			t.Errorf("Cycle(%s) = %v", start, got)
		}
	}
	if Cycle("a", deps, blocked) != nil {
		t.Error("a is not blocked")
	}
}
