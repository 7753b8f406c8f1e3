package graph_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
	"github.com/graphd/graphd/graph/key"
)

// A batch gives the same store, byte for byte, as its articles put one by
// one, but for how the search index is cut into segments: each article's
// identity and grouping decisions see what the articles before it in the
// batch wrote, and the index holds the same postings and document
// frequencies. The generated corpus has merges, reviews, reprints,
// paraphrases, conflicts and copies across articles that end up in one
// batch.
func TestBatchSameAsOneByOne(t *testing.T) {
	c := generate(20250217, 48, 500)
	build := func(batch int) *graph.Store {
		graph.FixedIDs(t)
		s := graphtest.Open(t)
		var ps []*graph.Prepared
		put := func() {
			_, errs := s.PutBatch(t.Context(), ps)
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			ps = ps[:0]
		}
		for _, in := range c.articles {
			if batch == 0 {
				if _, err := s.PutArticle(t.Context(), in); err != nil {
					t.Fatal(err)
				}
				continue
			}
			p, err := graph.Prepare(in)
			if err != nil {
				t.Fatal(err)
			}
			if ps = append(ps, p); len(ps) == batch {
				put()
			}
		}
		put()
		if err := s.MergePostings(t.Context()); err != nil {
			t.Fatal(err)
		}
		return s
	}
	one := build(0)
	for _, n := range []int{64, 7, len(c.articles)} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			// A transaction writes one segment of the search index, so
			// batches write fewer, merged at other times: the segments'
			// keys differ, what searches read of them does not.
			skip := []byte{byte(key.KindSegments), byte(key.KindSegmentBlock), byte(key.KindSegmentTerms), byte(key.KindSegmentDeletes)}
			s := build(n)
			want, got := graph.Dump(t, one, skip...), graph.Dump(t, s, skip...)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("batches of %d differ from one by one (-want +got):\n%s", n, diff)
			}
			if diff := cmp.Diff(graph.SearchDump(t, one), graph.SearchDump(t, s)); diff != "" {
				t.Errorf("the search index of batches of %d differs from one by one (-want +got):\n%s", n, diff)
			}
		})
	}
}

// The writer's caches of committed state (speaker records, printings,
// match keys, block keys) answer what Badger would: articles written with
// the caches kept across transactions give the same store as with the
// caches emptied before every transaction.
func TestCachesSameAsBadger(t *testing.T) {
	c := generate(20250217, 48, 500)
	build := func(cold bool) (*graph.Store, graph.WriteStats) {
		graph.FixedIDs(t)
		s := graphtest.Open(t)
		for i := 0; i < len(c.articles); i += 16 {
			var ps []*graph.Prepared
			for _, in := range c.articles[i:min(i+16, len(c.articles))] {
				p, err := graph.Prepare(in)
				if err != nil {
					t.Fatal(err)
				}
				ps = append(ps, p)
			}
			if cold {
				graph.ClearCaches(s)
			}
			if _, errs := s.PutBatch(t.Context(), ps); errors.Join(errs...) != nil {
				t.Fatal(errors.Join(errs...))
			}
		}
		return s, s.WriteStats()
	}
	warm, ws := build(false)
	cold, _ := build(true)
	if ws.SpeakerHits == 0 || ws.PrintingHits == 0 {
		t.Fatalf("warm caches: %d speaker and %d printing hits, want some of each", ws.SpeakerHits, ws.PrintingHits)
	}
	if diff := cmp.Diff(graph.Dump(t, cold), graph.Dump(t, warm)); diff != "" {
		t.Errorf("kept caches give another store than cleared ones (-cold +warm):\n%s", diff)
	}
}
