package graph_test

import (
	"errors"
	"testing"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// A page runs one way: asked both ways, every list refuses it.
func TestPageOneWay(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	put(t, s, articleA1(), articleA2())
	_, info, err := s.Articles(ctx, graph.Page{First: 1})
	if err != nil || info.EndCursor == "" {
		t.Fatalf("first page: %+v, %v", info, err)
	}
	for _, pg := range []graph.Page{{First: 1, Last: 1}, {After: info.EndCursor, Before: info.EndCursor}, {First: 1, Before: info.EndCursor}} {
		_, _, err := s.Articles(ctx, pg)
		if !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("Articles(%+v): %v, want ErrInvalid", pg, err)
		}
		if _, _, err := s.Quotes(ctx, graph.QuoteFilter{}, graph.Page{First: pg.First, Last: pg.Last}); pg.Last > 0 && !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("Quotes(%+v): %v, want ErrInvalid", pg, err)
		}
	}
	// Backward from the end, the last article is the one forward pages
	// end with.
	all, _, err := s.Articles(ctx, graph.Page{First: 10})
	if err != nil {
		t.Fatal(err)
	}
	last, info, err := s.Articles(ctx, graph.Page{Last: 1})
	if err != nil || len(last) != 1 || last[0].ID != all[len(all)-1].ID || !info.HasPreviousPage || info.HasNextPage {
		t.Errorf("last article: %+v, %+v, %v", last, info, err)
	}
}
