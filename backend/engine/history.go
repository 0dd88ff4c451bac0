package engine

import (
	"context"

	"github.com/devarch/devarch/backend/store"
)

// Run returns one recorded run of a stack with its per-action results (devarch history
// STACK RUN). An unknown stack is reported as such, and a run of another stack as not
// found, so a run id is never shown under the wrong stack.
func (s *Service) Run(ctx context.Context, stack string, id int64) (store.Run, error) {
	if _, err := s.Store.GetStack(ctx, stack); err != nil {
		return store.Run{}, err
	}
	return s.Store.GetRun(ctx, stack, id)
}
