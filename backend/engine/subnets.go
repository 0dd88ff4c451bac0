package engine

import (
	"context"
	"net/netip"
	"os"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/netpool"
	"github.com/devarch/devarch/backend/runtime"
)

// subnetSource is the store's source of stack subnets (store.SubnetSource): the pool from
// DEVARCH_NETWORK_POOL and DEVARCH_NETWORK_SLICE, read at each allocation (a bad value fails
// that stack creation, naming the variable), and what a new subnet must not overlap: the
// host's routes and the engine's networks that are not DevArch stacks'. The overlap check is
// made here, when a subnet is chosen, so a subnet is never handed out clashing with what
// exists then; a route or network that appears later and clashes makes compose fail to
// create the network, naming both ranges.
//
// An engine that cannot be reached is no reason to refuse a stack: its networks are then
// unknown (on Linux their bridges still show in the routes).
func (s *Service) subnetSource(ctx context.Context) (netpool.Pool, []netip.Prefix, error) {
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
	if eng, err := s.Engine(ctx); err == nil {
		if foreign, err := eng.ForeignSubnets(ctx); err == nil {
			avoid = append(avoid, foreign...)
		}
	}
	return pool, avoid, nil
}
