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
