package runtime

import "context"

// ListContainersCLI exposes the CLI path to tests that compare it with the API path.
func ListContainersCLI(e *Engine, ctx context.Context, labels []string) ([]Container, error) {
	return e.listContainersCLI(ctx, labels)
}
