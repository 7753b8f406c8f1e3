package schema

import (
	"context"
	"errors"
	"fmt"

	"github.com/graphd/graphd/graph"
)

// Page sizes of connections: maxFirst is the largest page unless
// Limits.First says otherwise (pageLimit).
const (
	defaultFirst = 20
	maxFirst     = 100
)

// MaxPageSize is the most Limits.First may be: the most items the store
// reads for one page.
const MaxPageSize = graph.MaxPageSize

// The largest page of a connection is a limit of the server, which the
// resolvers read from the context execute and start give them.
type pageLimitKey struct{}

func withPageLimit(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, pageLimitKey{}, n)
}

// pageLimit is the largest page a connection may serve in ctx.
func pageLimit(ctx context.Context) int {
	if n, ok := ctx.Value(pageLimitKey{}).(int); ok && n > 0 {
		return n
	}
	return maxFirst
}

// connection is the value behind every XConnection type: a Relay cursor
// connection over one page of the store.
type connection struct {
	edges           []edge
	hasNextPage     bool
	hasPreviousPage bool
	startCursor     string // "" when the page is empty
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
// from its first and after arguments, or last and before, as the Relay
// cursor connections specification reads: a page runs forward from the
// start or after a cursor, or backward from the end or before one, and
// its edges come in the list's order either way. The store gives every
// item a cursor, so that any edge's cursor pages on from it (after) or
// back from it (before). Arguments of both directions together are an
// input error.
func paginate[T any](ctx context.Context, kind string, args map[string]any, fetch fetchFunc[T]) (*connection, error) {
	first, hasFirst := args["first"].(int)
	last, hasLast := args["last"].(int)
	after, _ := args["after"].(string)
	before, _ := args["before"].(string)
	switch {
	case hasFirst && hasLast:
		return nil, inputErrorf("first and last: give one; first pages forward (with after), last backward (with before)")
	case after != "" && before != "":
		return nil, inputErrorf("after and before: give one cursor; after pages forward (with first), before backward (with last)")
	case hasFirst && before != "":
		return nil, inputErrorf("first and before: page backward with last and before, or forward with first and after")
	case hasLast && after != "":
		return nil, inputErrorf("last and after: page forward with first and after, or backward with last and before")
	}
	backward := hasLast || before != ""
	limit := pageLimit(ctx)
	n, arg, at := min(defaultFirst, limit), "first", after
	switch {
	case backward:
		arg, at = "before", before
		if hasLast {
			n = last
		}
		if err := checkPageSize("last", n, limit); err != nil {
			return nil, err
		}
	case hasFirst:
		n = first
		fallthrough
	default:
		if err := checkPageSize("first", n, limit); err != nil {
			return nil, err
		}
		arg = "after"
	}
	var pos string
	if at != "" {
		c, err := decodeCursor(kind, arg, at)
		if err != nil {
			return nil, err
		}
		pos = c.pos
	}
	// A page of 0 asks the store for one item, to learn whether there is
	// one and the total.
	size := max(n, 1)
	pg := graph.Page{First: size, After: pos}
	if backward {
		pg = graph.Page{Last: size, Before: pos}
	}
	items, info, err := fetch(ctx, pg)
	if errors.Is(err, graph.ErrBadCursor) {
		return nil, inputErrorf("%s: invalid cursor", arg)
	}
	if err != nil {
		return nil, err
	}
	c := &connection{totalCount: info.TotalCount, hasNextPage: info.HasNextPage, hasPreviousPage: info.HasPreviousPage}
	if n == 0 {
		// No edges: the page sits at its cursor, and the list goes on
		// past it if the store found an item there.
		if backward {
			c.hasPreviousPage, c.hasNextPage = len(items) > 0, before != ""
			c.startCursor, c.endCursor = before, before
		} else {
			c.hasNextPage, c.hasPreviousPage = len(items) > 0, after != ""
			c.startCursor, c.endCursor = after, after
		}
		return c, nil
	}
	if len(items) > n || len(info.Cursors) != len(items) {
		return nil, fmt.Errorf("store page of %d items with %d cursors for a page of %d", len(items), len(info.Cursors), n)
	}
	c.edges = make([]edge, len(items))
	for i, it := range items {
		c.edges[i] = edge{cursor: encodeCursor(cursor{kind: kind, pos: info.Cursors[i]}), node: it}
	}
	if len(c.edges) > 0 {
		c.startCursor, c.endCursor = c.edges[0].cursor, c.edges[len(c.edges)-1].cursor
	}
	return c, nil
}
