package engine

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/netpool"
	"github.com/devarch/devarch/backend/plan"
	"github.com/devarch/devarch/backend/runtime"
)

// subnetSource is the store's source of stack subnets (store.SubnetSource): the pool from
// DEVARCH_NETWORK_POOL and DEVARCH_NETWORK_SLICE, read at each allocation (a bad value fails
// that stack creation, naming the variable), and what a new subnet must not overlap: the
// host's routes and the engine's networks. The check is made when a subnet is chosen, and
// again at each plan while the stack's network does not exist yet (see planSubnet).
//
// An engine that cannot be reached is no reason to refuse a stack: its networks are then
// unknown (on Linux their bridges still show in the routes).
//
// A new stack's subnet avoids the default engine's networks; a stack on another engine has
// its subnet checked against that engine's at each plan (planSubnet).
func (s *Service) subnetSource(ctx context.Context) (netpool.Pool, []netip.Prefix, error) {
	return s.subnetAvoiding(ctx, "", "")
}

// subnetAvoiding is subnetSource for the engine of a docker context, with the engine's
// network named except left out of what to avoid. The host's routes are this machine's: a
// remote engine's host has its own, which DevArch cannot read; its networks are avoided.
func (s *Service) subnetAvoiding(ctx context.Context, dockerContext, except string) (netpool.Pool, []netip.Prefix, error) {
	pool, err := netpool.Parse(os.Getenv(netpool.EnvPool), os.Getenv(netpool.EnvSlice))
	if err != nil {
		return netpool.Pool{}, nil, &model.Error{Kind: model.KindInvalid, Field: "network", Err: err,
			Summary: "the stack network pool setting is invalid", Detail: err.Error() + "."}
	}
	routes, err := runtime.HostRoutes()
	if err != nil {
		return netpool.Pool{}, nil, err
	}
	avoid := netpool.Routes(routes)
	if eng, err := s.engineOn(ctx, dockerContext); err == nil {
		if nets, err := eng.NetworkSubnets(ctx, except); err == nil {
			avoid = append(avoid, nets...)
		}
	}
	return pool, avoid, nil
}

// planSubnet makes sure the stack has a subnet before its plan: a stack made before subnets
// were assigned gets one now (migration 0010), and while the stack's network does not exist
// its subnet is checked again against the host's routes and the engine's networks, which
// may have changed since it was chosen (a VPN came up, another DevArch installation on the
// same engine took it): a clash moves the stack to a free slice, and the returned warning
// says so. An existing network keeps its subnet; only `devarch down` releases it.
func (s *Service) planSubnet(ctx context.Context, stack string) ([]plan.Diagnostic, error) {
	subnet, err := s.Store.EnsureSubnet(ctx, stack)
	if err != nil {
		return nil, err
	}
	st, err := s.Store.GetStackRow(ctx, stack)
	if err != nil {
		return nil, err
	}
	eng, err := s.engineOn(ctx, st.Context)
	if err != nil {
		return nil, err
	}
	own, err := eng.ListNetworks(ctx, []string{model.LabelStack + "=" + stack})
	if err != nil {
		return nil, err
	}
	network := model.NetworkName(stack)
	for _, n := range own {
		if n.Name == network {
			return nil, nil
		}
	}
	cur, err := netip.ParsePrefix(subnet)
	if err != nil {
		return nil, err
	}
	pool, avoid, err := s.subnetAvoiding(ctx, st.Context, network)
	if err != nil {
		return nil, err
	}
	if st.Placed && st.PlacedOn != st.Context {
		// A move: the network the stack leaves on its old engine has this very subnet, and
		// when that engine is on this machine its bridge shows in the routes. The move
		// removes it before creating the new one, so it is no clash.
		avoid = slices.DeleteFunc(avoid, func(p netip.Prefix) bool { return p == cur })
	}
	clash, ok := netpool.Overlap(cur, avoid)
	if !ok {
		return nil, nil
	}
	moved, err := s.Store.ReassignSubnet(ctx, stack, subnet, pool, avoid)
	if err != nil {
		return nil, err
	}
	return []plan.Diagnostic{plan.Warningf(plan.Subject{},
		fmt.Sprintf(subnetMoveSummary+"%s to %s", subnet, moved),
		fmt.Sprintf("%s now overlaps %s (a host route or another network on the engine), so the stack's network gets a free slice of the pool instead.", subnet, clash))}, nil
}

// subnetMoveSummary begins the warning planSubnet returns.
const subnetMoveSummary = "the stack's network moves from "

// subnetMove is the summary of p's warning that the stack's network moved to another
// subnet, "" when it has none.
func subnetMove(p plan.Plan) string {
	for _, d := range p.Diagnostics {
		if strings.HasPrefix(d.Summary, subnetMoveSummary) {
			return d.Summary
		}
	}
	return ""
}

// withoutSubnetMoves is p without planSubnet's warnings: the plan made when the subnet moved
// says so, the same plan computed again under apply's lock does not (the subnet has moved),
// and they are still the same plan.
func withoutSubnetMoves(p plan.Plan) plan.Plan {
	out := p
	out.Diagnostics = nil
	for _, d := range p.Diagnostics {
		if !strings.HasPrefix(d.Summary, subnetMoveSummary) {
			out.Diagnostics = append(out.Diagnostics, d)
		}
	}
	return out
}
