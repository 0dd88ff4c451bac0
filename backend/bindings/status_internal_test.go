package bindings

import (
	"testing"

	"github.com/devarch/devarch/backend/engine"
)

// The window never says "stopped" for a stack that has no container, nor "running" for one
// whose instances are not all created.
func TestWindowStatus(t *testing.T) {
	for _, c := range []struct {
		status                string
		containers, instances int
		want                  string
	}{
		{engine.StatusStopped, 0, 0, StatusNew},
		{engine.StatusStopped, 0, 3, StatusNew},
		{engine.StatusStopped, 2, 2, engine.StatusStopped},
		{engine.StatusRunning, 1, 4, engine.StatusPartial},
		{engine.StatusRunning, 4, 4, engine.StatusRunning},
		{engine.StatusDegraded, 1, 4, engine.StatusDegraded},
		{engine.StatusUnknown, 0, 4, engine.StatusUnknown},
	} {
		if got := windowStatus(c.status, c.containers, c.instances); got != c.want {
			t.Errorf("windowStatus(%q, %d, %d) = %q, want %q", c.status, c.containers, c.instances, got, c.want)
		}
	}
}
