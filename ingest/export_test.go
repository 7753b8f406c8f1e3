package ingest

import (
	"context"

	"github.com/graphd/graphd/graph"
)

// PrepareArticle extracts a and prepares it for the store, as a
// pipeline's workers do (prepareArticle).
func PrepareArticle(ctx context.Context, a Article) (*graph.Prepared, error) {
	return prepareArticle(ctx, a)
}
