package engine

import (
	"context"
	"encoding/json"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/store"
)

// otherBindings returns the fixed host ports of the stacks but except, for port-clash
// checks: with near nil every stack's (a clone picks ports free of all of them), otherwise
// at least those of every stack that publishes a host port near publishes (the only ones a
// clash with near can involve). It reads them from the port-set cache (store.PortSets: one
// query, filtered in the database) and resolves only the stacks whose cached row is not
// current (changed since, or templates changed), storing theirs, so checking one stack
// costs the same with 5 or 500 others once the cache is warm. A stack that does not resolve
// contributes nothing (its own problem is reported on its own page) and is not cached.
func (s *Service) otherBindings(ctx context.Context, except string, near []compose.Binding) ([]compose.StackBindings, error) {
	var ranges []store.PortRange
	if near != nil {
		ranges = []store.PortRange{}
		for _, b := range near {
			ranges = append(ranges, store.PortRange{Lo: b.Pub.HostPort, Hi: b.Pub.HostPortEnd})
		}
	}
	sets, fp, err := s.Store.PortSets(ctx, except, ranges)
	if err != nil {
		return nil, err
	}
	out := make([]compose.StackBindings, 0, len(sets))
	missing := map[int64]int{} // stack id -> its index in out
	var stale []int64
	for _, p := range sets {
		var b []compose.Binding
		if p.Bindings == nil || json.Unmarshal(p.Bindings, &b) != nil {
			missing[p.StackID] = len(out)
			stale = append(stale, p.StackID)
		}
		out = append(out, compose.StackBindings{Stack: p.Stack, Bindings: b})
	}
	if len(stale) == 0 {
		return out, nil
	}
	stacks, templates, err := s.Store.LoadByIDsForResolve(ctx, stale)
	if err != nil {
		return nil, err
	}
	var put []store.PortSet
	for _, st := range stacks {
		rs, err := ResolveLoaded(st, templates)
		if err != nil {
			continue
		}
		b := compose.Bindings(rs.Effective)
		if b == nil {
			b = []compose.Binding{}
		}
		if i, ok := missing[st.ID]; ok {
			out[i].Bindings = b
		}
		raw, err := json.Marshal(b)
		if err != nil {
			continue
		}
		put = append(put, store.PortSet{StackID: st.ID, Revision: st.Revision, Bindings: raw})
	}
	// A failed write only costs the same resolution at the next check.
	_ = s.Store.PutPortSets(ctx, fp, put)
	return out, nil
}
