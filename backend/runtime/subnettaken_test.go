package runtime_test

import (
	"testing"

	"github.com/devarch/devarch/backend/runtime"
)

func TestSubnetTaken(t *testing.T) {
	for _, c := range []struct {
		out  string
		want bool
	}{
		{" Network devarch-shop  Creating\nfailed to create network devarch-shop: Error response from daemon: Pool overlaps with other one on this address space", true},
		{"Error: subnet 10.200.0.0/24 is already used on the host or by another config", true},
		{"Bind for 0.0.0.0:80 failed: port is already allocated", false},
		{"container devarch-shop-migrate exited (3)", false},
		{"Error: network devarch-shop-net: subnet is fine, pool exhausted", false},
		{"", false},
	} {
		if got := runtime.SubnetTaken(c.out); got != c.want {
			t.Errorf("SubnetTaken(%q) = %v, want %v", c.out, got, c.want)
		}
	}
}
