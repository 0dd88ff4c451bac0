// Package traymenu decides what the system tray menu shows (pure: no D-Bus, no engine): one
// entry per stack with its live state and the actions that make sense for it, the busiest
// stacks first, and a cap so a user with hundreds of stacks still gets a usable menu (the
// rest are one "More..." entry that opens the window).
package traymenu

import (
	"fmt"
	"sort"
)

// Stack states, as the engine summarises a stack's containers (engine.Status*).
const (
	Running   = "running"
	Partial   = "partial"
	Degraded  = "degraded"
	Unhealthy = "unhealthy"
	Stopped   = "stopped"
	Unknown   = "unknown"
)

// Stack is one stack as the tray needs it.
type Stack struct {
	Name  string
	State string
	// Containers counts its containers: none means it was never applied (or is down), so
	// there is nothing to start from the tray; it is applied from the window.
	Containers int
}

// Entry is one stack's menu entry.
type Entry struct {
	Stack    string
	Label    string // "shop — running"
	CanStart bool
	CanStop  bool
	// NeedsApply is set for a stack with no containers: its entry offers "Open to apply".
	NeedsApply bool
}

// Menu is the whole tray menu.
type Menu struct {
	Entries []Entry
	// More counts the stacks left out by the cap (0: all are listed).
	More int
	// AnyRunning enables "Stop all stacks".
	AnyRunning bool
}

// DefaultCap is how many stacks the menu lists: more would not fit a screen's height.
const DefaultCap = 15

// stateLabel is the word a user reads for a state.
var stateLabel = map[string]string{
	Running:   "running",
	Partial:   "partly running",
	Degraded:  "crashing",
	Unhealthy: "unhealthy",
	Stopped:   "stopped",
	Unknown:   "state unknown",
}

// rank orders states: what needs attention or runs comes first.
func rank(state string) int {
	switch state {
	case Degraded, Unhealthy:
		return 0
	case Running, Partial:
		return 1
	case Stopped:
		return 2
	default:
		return 3
	}
}

// Build returns the menu for stacks: stacks that need attention, then running ones, then
// stopped ones, each group by name; at most cap entries (cap <= 0: DefaultCap).
func Build(stacks []Stack, cap int) Menu {
	if cap <= 0 {
		cap = DefaultCap
	}
	sorted := append([]Stack(nil), stacks...)
	sort.SliceStable(sorted, func(i, j int) bool {
		ri, rj := rank(sorted[i].State), rank(sorted[j].State)
		if ri != rj {
			return ri < rj
		}
		return sorted[i].Name < sorted[j].Name
	})
	var m Menu
	for i, st := range sorted {
		running := st.State == Running || st.State == Partial || st.State == Degraded || st.State == Unhealthy
		if running {
			m.AnyRunning = true
		}
		if i >= cap {
			m.More++
			continue
		}
		label, ok := stateLabel[st.State]
		if !ok {
			label = st.State
		}
		e := Entry{Stack: st.Name}
		switch {
		case st.Containers == 0 && st.State != Unknown:
			e.NeedsApply = true
			label = "not applied"
		case st.State == Unknown:
			// The engine did not answer: offer nothing that would fail.
		default:
			e.CanStart = st.State != Running
			e.CanStop = running
		}
		e.Label = fmt.Sprintf("%s — %s", st.Name, label)
		m.Entries = append(m.Entries, e)
	}
	return m
}

// MoreLabel is the label of the entry standing for the stacks left out.
func (m Menu) MoreLabel() string {
	if m.More == 0 {
		return ""
	}
	return fmt.Sprintf("More... (%d more stacks)", m.More)
}
