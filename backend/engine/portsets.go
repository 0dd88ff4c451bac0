package engine

import (
	"context"
	"encoding/json"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/store"
)

// otherBindings returns the fixed host ports of every stack but except, for port-clash
// checks. It reads them from the port-set cache (store.PortSets: one query for all stacks)
// and resolves only the stacks whose cached row is not current (changed since, or templates
// changed), storing theirs, so checking one stack costs the same with 5 or 500 others once
// the cache is warm. A stack that does not resolve contributes nothing (its own problem is
// reported on its own page) and is not cached.
func (s *Service) otherBindings(ctx context.Context, except string) ([]compose.StackBindings, error) {
	sets, fp, err := s.Store.PortSets(ctx, except)
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
