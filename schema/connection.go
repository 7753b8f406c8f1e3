package schema

import (
	"context"

	"github.com/graphd/graphd/graph"
)

// Page sizes of connections: maxFirst is the largest page unless
// Limits.First says otherwise.
const (
	defaultFirst = 20
	maxFirst     = 100
)

// connection is the value behind every XConnection type: a Relay cursor
// connection over one page of the store.
type connection struct {
	edges           []edge
	hasNextPage     bool
	hasPreviousPage bool   // the page starts after a cursor
	endCursor       string // "" when the page is empty
	totalCount      int
}

type edge struct {
	cursor string
	node   any
}

// fetchFunc reads one page of a list from the store.
type fetchFunc[T any] func(context.Context, graph.Page) ([]T, graph.PageInfo, error)

// paginate resolves a connection field of kind ("Quote", "Speaker", …)
// from its first and after arguments.
//
// The store issues one cursor per page, for its end. An edge's cursor is
// the cursor its page started from and its offset in that page; resuming
// from an edge costs one extra read of at most maxFirst items, to turn the
// offset into a store cursor.
func paginate[T any](ctx context.Context, kind string, args map[string]any, fetch fetchFunc[T]) (*connection, error) {
	first := defaultFirst
	if v, ok := args["first"].(int); ok {
		first = v
	}
	limit := pageLimit(ctx)
	if err := checkFirst(first, limit); err != nil {
		return nil, err
	}
	var start cursor
	if s, ok := args["after"].(string); ok && s != "" {
		c, err := decodeCursor(kind, s)
		if err != nil {
			return nil, err
		}
		if c.skip > limit {
			return nil, inputErrorf("after: invalid cursor")
		}
		start = c
	}
	after := start.after
	if start.skip > 0 {
		skipped, info, err := fetch(ctx, graph.Page{First: start.skip, After: after})
		if err != nil {
			return nil, err
		}
		if len(skipped) < start.skip || !info.HasNextPage {
			return &connection{totalCount: info.TotalCount, hasPreviousPage: true}, nil
		}
		after = info.EndCursor
	}
	if first == 0 {
		// The store reads its default page for First 0: ask for one item
		// to learn whether there is a next page and the total.
		items, info, err := fetch(ctx, graph.Page{First: 1, After: after})
		if err != nil {
			return nil, err
		}
		c := &connection{hasNextPage: len(items) > 0, hasPreviousPage: start != cursor{}, totalCount: info.TotalCount}
		if start.after != "" || start.skip > 0 {
			c.endCursor = encodeCursor(start)
		}
		return c, nil
	}
	items, info, err := fetch(ctx, graph.Page{First: first, After: after})
	if err != nil {
		return nil, err
	}
	if len(items) > first {
		items = items[:first]
	}
	c := &connection{
		edges:           make([]edge, len(items)),
		hasNextPage:     info.HasNextPage,
		hasPreviousPage: start != cursor{},
		totalCount:      info.TotalCount,
	}
	for i, it := range items {
		c.edges[i] = edge{cursor: encodeCursor(cursor{kind: kind, after: after, skip: i + 1}), node: it}
	}
	if n := len(items); n > 0 {
		if info.EndCursor != "" {
			// The store's own cursor for the last item lets the next page
			// start without a skip.
			c.edges[n-1].cursor = encodeCursor(cursor{kind: kind, after: info.EndCursor})
		}
		c.endCursor = c.edges[n-1].cursor
	}
	return c, nil
}
