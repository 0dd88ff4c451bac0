package runtime

import (
	"context"
	"io"
)

// ListContainersCLI exposes the CLI path to tests that compare it with the API path.
func ListContainersCLI(e *Engine, ctx context.Context, labels []string) ([]Container, error) {
	return e.listContainersCLI(ctx, labels)
}

// NewRedactorForTest exposes the redacting writer.
func NewRedactorForTest(next io.Writer, values []string) interface {
	io.Writer
	Flush() error
} {
	return newRedactor(next, values)
}

// UsesEngineAPI reports whether e reads (listing, events) through the local Engine API
// socket rather than the CLI.
func UsesEngineAPI(e *Engine) bool { return e.apiSocket() != "" }

// ParseInspectForTest exposes the inspect parser to its fuzz test.
func ParseInspectForTest(b []byte) ([]ContainerState, error) { return parseInspect(b) }
