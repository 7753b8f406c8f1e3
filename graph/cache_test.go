package graph_test

import (
	"errors"
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

// The scan that builds the filter after the store is opened keeps the
// postings it reads in the cache: a store whose match index fits the
// cache reads no postings from Badger after it, and groups as it did.
func TestMatchScanFillsCache(t *testing.T) {
	ctx := t.Context()
	c := generate(20250301, 48, 400)
	dir := t.TempDir()
	put := func(s *graph.Store, from, to int) {
		t.Helper()
		for i := from; i < to; i += 16 {
			var ps []*graph.Prepared
			for _, in := range c.articles[i:min(i+16, to)] {
				p, err := graph.Prepare(in)
				if err != nil {
					t.Fatal(err)
				}
				ps = append(ps, p)
			}
			if _, errs := s.PutBatch(ctx, ps); errors.Join(errs...) != nil {
				t.Fatal(errors.Join(errs...))
			}
		}
	}
	s, err := graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	put(s, 0, 200)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	put(s, 200, 400)
	ws := s.WriteStats()
	// A lookup the cache missed is the one that called for the scan,
	// found absent by the filter, or read from Badger.
	if read := ws.MatchMisses - ws.MatchAbsent - ws.MatchScans; ws.MatchScans != 1 || ws.MatchHits == 0 || read != 0 {
		t.Errorf("after reopening: %d scans, %d hits, %d postings read from Badger; want 1, some, and 0", ws.MatchScans, ws.MatchHits, read)
	}
	if err := s.Check(ctx); err != nil {
		t.Error(err)
	}
}

// Grouping reads no more printings than it needs: a reprint that matches
// a printing exactly compares with no other, and the quote's first
// printing, which the quote's record describes, is not read to join it.
func TestGroupingReadsFewPrintings(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	const said = "The harbour will reopen to container ships before the end of the winter."
	put := func(s *graph.Store, n int) graph.PutResult {
		t.Helper()
		text := fmt.Sprintf("Update %d. Maria Jensen said: “%s” She spoke in Aarhus.", n, said)
		res, err := s.PutArticle(ctx, graph.ArticleInput{
			URL: fmt.Sprintf("https://example.com/harbour/%d", n), Outlet: "Ritzau",
			Published: date(fmt.Sprintf("2024-05-0%d", n)), Text: text,
			Quotes: []graph.QuoteInput{quoted(text, said, "Maria Jensen", "", "")},
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	s, err := graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	put(s, 1)
	put(s, 2)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r := put(s, 3); r.NewQuotes != 0 {
		t.Errorf("third printing: %d new quotes, want 0", r.NewQuotes)
	}
	// The newest printing is compared first and matches exactly; the
	// first printing is neither compared nor read for the join.
	if ws := s.WriteStats(); ws.PrintingMisses != 1 {
		t.Errorf("third printing: %d printings read from Badger, want 1", ws.PrintingMisses)
	}
	if err := s.Check(ctx); err != nil {
		t.Error(err)
	}
}
