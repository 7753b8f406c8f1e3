package graph_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
	"github.com/graphd/graphd/graph/key"
)

// TestKeysPerQuotation counts the keys the generated corpus writes, by
// kind, a quotation (printing); go test -v shows them. It fails when the
// keys of the graph itself (all but the search index and the counts kept
// for search and dashboards) pass the budget of the key layout.
func TestKeysPerQuotation(t *testing.T) {
	c := generate(20250217, 48, 500)
	s := graphtest.Open(t)
	counts := graph.CountKeys(t)
	var ps []*graph.Prepared
	for _, in := range c.articles {
		p, err := graph.Prepare(in)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	for len(ps) > 0 {
		n := min(len(ps), 64)
		if _, errs := s.PutBatch(t.Context(), ps[:n]); errors.Join(errs...) != nil {
			t.Fatal(errors.Join(errs...))
		}
		ps = ps[n:]
	}
	got, err := s.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	q := float64(got.Occurrences)
	search := map[key.Kind]bool{key.KindSegments: true, key.KindSegmentBlock: true, key.KindSegmentTerms: true, key.KindSegmentDeletes: true,
		key.KindRollup: true, key.KindTimeline: true, key.KindCounter: true}
	var b strings.Builder
	var graphSets, allSets, allDels int
	for k := range 256 {
		if counts.Sets[k]+counts.Deletes[k] == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %#02x  %6.2f sets  %6.2f deletes  %7.1f bytes\n", k, float64(counts.Sets[k])/q, float64(counts.Deletes[k])/q, float64(counts.Bytes[k])/q)
		allSets += counts.Sets[k]
		allDels += counts.Deletes[k]
		if !search[key.Kind(k)] {
			graphSets += counts.Sets[k]
		}
	}
	t.Logf("%d articles, %d printings; a printing: %.1f sets, %.1f deletes in all, %.1f sets of the graph itself\n%s",
		got.Articles, got.Occurrences, float64(allSets)/q, float64(allDels)/q, float64(graphSets)/q, b.String())
	// Layout 5 wrote 16.2 sets of the graph itself a printing here, its
	// quote and occurrence records 1,129 bytes.
	if n := float64(graphSets) / q; n > 14 {
		t.Errorf("%.1f sets of the graph itself a printing, more than 14", n)
	}
	if n := float64(counts.Bytes[key.KindQuote]+counts.Bytes[key.KindOccurrence]) / q; n > 600 {
		t.Errorf("quote and occurrence records of %.0f bytes a printing, more than 600", n)
	}
}
