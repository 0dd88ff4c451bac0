package engine

import (
	"context"

	"github.com/devarch/devarch/backend/plan"
)

// Test doors into the engine's hooks (see hooks).

func SetBeforePutSecret(s *Service, fn func())    { s.hooks.beforePutSecret = fn }
func SetRotated(s *Service, fn func(error) error) { s.hooks.rotated = fn }

// Execute runs the executor alone on p for stack, with a minimal compose document and no
// secrets: what Apply runs once its checks passed. It returns the per-action results.
func Execute(ctx context.Context, s *Service, stack string, p plan.Plan, sink Sink) ([]ActionResult, error) {
	if sink == nil {
		sink = discard()
	}
	x, err := s.execute(ctx, runInput{stack: stack, doc: []byte("services: {}\n"), plan: p}, sink)
	return x.results, err
}
