package runtime_test

import (
	"context"
	"net/netip"
	"slices"
	"testing"

	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// On the real engine the API listing tells each network's subnets, and NetworkSubnets
// finds a network made with a given subnet.
func TestNetworkSubnets_RealEngine(t *testing.T) {
	eng := runtimetest.RequireEngine(t)
	const name = "np-runtime-subnet"
	_, _ = eng.Run(t.Context(), []string{"network", "rm", name}, runtime.RunOptions{})
	if _, err := eng.Run(t.Context(), []string{"network", "create", "--subnet", "10.217.9.0/24", name}, runtime.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = eng.Run(context.Background(), []string{"network", "rm", name}, runtime.RunOptions{}) })
	subnets, err := eng.NetworkSubnets(t.Context(), "")
	if err != nil || !slices.Contains(subnets, netip.MustParsePrefix("10.217.9.0/24")) {
		t.Fatalf("NetworkSubnets = %v, %v", subnets, err)
	}
	if subnets, _ = eng.NetworkSubnets(t.Context(), name); slices.Contains(subnets, netip.MustParsePrefix("10.217.9.0/24")) {
		t.Fatalf("the excepted network is listed: %v", subnets)
	}
}
