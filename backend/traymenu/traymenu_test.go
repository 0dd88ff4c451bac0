package traymenu

import (
	"fmt"
	"testing"
)

func TestBuild_OrderActionsAndCap(t *testing.T) {
	m := Build([]Stack{
		{Name: "zeta", State: Stopped, Containers: 2},
		{Name: "alpha", State: Stopped, Containers: 0},
		{Name: "shop", State: Running, Containers: 3},
		{Name: "blog", State: Partial, Containers: 2},
		{Name: "api", State: Degraded, Containers: 1},
		{Name: "gone", State: Unknown, Containers: 0},
	}, 0)
	want := []Entry{
		{Stack: "api", Label: "api — crashing", CanStart: true, CanStop: true},
		{Stack: "blog", Label: "blog — partly running", CanStart: true, CanStop: true},
		{Stack: "shop", Label: "shop — running", CanStop: true},
		{Stack: "alpha", Label: "alpha — not applied", NeedsApply: true},
		{Stack: "zeta", Label: "zeta — stopped", CanStart: true},
		{Stack: "gone", Label: "gone — state unknown"},
	}
	if len(m.Entries) != len(want) {
		t.Fatalf("%+v", m.Entries)
	}
	for i := range want {
		if m.Entries[i] != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, m.Entries[i], want[i])
		}
	}
	if !m.AnyRunning || m.More != 0 || m.MoreLabel() != "" {
		t.Fatalf("%+v", m)
	}
}

// 500 stacks: the running ones are listed first, whatever their names; the rest is "More".
func TestBuild_ManyStacks(t *testing.T) {
	var stacks []Stack
	for i := range 500 {
		stacks = append(stacks, Stack{Name: fmt.Sprintf("s%03d", i), State: Stopped, Containers: 1})
	}
	stacks[499].State = Running
	stacks[250].State = Unhealthy
	m := Build(stacks, 10)
	if len(m.Entries) != 10 || m.More != 490 || m.MoreLabel() != "More... (490 more stacks)" {
		t.Fatalf("%d entries, more %d", len(m.Entries), m.More)
	}
	if m.Entries[0].Stack != "s250" || m.Entries[1].Stack != "s499" || m.Entries[2].Stack != "s000" {
		t.Fatalf("order: %v %v %v", m.Entries[0], m.Entries[1], m.Entries[2])
	}
	if none := Build(stacks[:3], 10); none.AnyRunning {
		t.Fatal("no stack runs")
	}
	// A running stack past the cap still enables "Stop all".
	stacks[250].State, stacks[499].State = Stopped, Stopped
	stacks[300].State = Running
	if m := Build(stacks, 1); !m.AnyRunning || m.Entries[0].Stack != "s300" {
		t.Fatalf("%+v", m.Entries)
	}
}
