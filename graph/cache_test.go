package graph_test

import (
	"fmt"
	"testing"

	"github.com/graphd/graphd/graph"
)

// The filter of the store's match keys answers most lookups of a new
// quotation's keys without a read, and never hides a key the store holds:
// a reprint joins the quote of its first printing whether that printing
// was committed by this process (the filter kept up by the writer's
// commits) or before the store was opened again (the filter built by a
// scan of the match index).
func TestMatchFilter(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	const said = "Russia will never accept a ceasefire imposed by the western alliance."
	article := func(n int) graph.ArticleInput {
		text := fmt.Sprintf("Report %d. Dmitry Peskov said: “%s” He spoke in Moscow.", n, said)
		return graph.ArticleInput{
			URL: fmt.Sprintf("https://example.com/filter/%d", n), Outlet: "Reuters",
			Published: date("2024-03-01"), Text: text,
			Quotes: []graph.QuoteInput{quoted(text, said, "Dmitry Peskov", "", "")},
		}
	}
	put := func(s *graph.Store, n int) graph.PutResult {
		t.Helper()
		res, err := s.PutArticle(ctx, article(n))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	s, err := graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if r := put(s, 1); r.NewQuotes != 1 {
		t.Fatalf("first printing: %d new quotes, want 1", r.NewQuotes)
	}
	ws := s.WriteStats()
	if ws.MatchAbsent == 0 || ws.MatchScans != 1 {
		t.Errorf("after a new quotation: %d keys found absent by the filter, %d scans; want some, and 1", ws.MatchAbsent, ws.MatchScans)
	}
	graph.DropMatchCache(s) // as if its bound had dropped the postings: the filter answers
	if r := put(s, 2); r.NewQuotes != 0 {
		t.Errorf("reprint in the same process: %d new quotes, want 0 (grouped with the first)", r.NewQuotes)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r := put(s, 3); r.NewQuotes != 0 {
		t.Errorf("reprint after reopening: %d new quotes, want 0 (grouped with the first)", r.NewQuotes)
	}
	if ws := s.WriteStats(); ws.MatchScans != 1 || ws.MatchAbsent != 0 {
		t.Errorf("after reopening: %d scans, %d keys found absent; want 1 and 0 (every key of the reprint is stored)", ws.MatchScans, ws.MatchAbsent)
	}
	if err := s.Check(ctx); err != nil {
		t.Error(err)
	}
}
