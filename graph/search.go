package graph

import (
	"math"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/search"
)

// Quote kinds are one byte in index values, with stanceBit set for a
// quote whose cue is of stance.
func kindCode(kind string) byte {
	switch kind {
	case KindDirect:
		return 1
	case KindPartial:
		return 2
	case KindIndirect:
		return 3
	}
	return 0
}

// stanceBit marks a quote of stance in the kind byte of its facets. A
// quote of speech, and every quote stored before cue kinds were kept,
// has a kind byte of its kind code alone.
const stanceBit = 0x10

// kindFacet is the kind byte of q's facets.
func kindFacet(q quoteRec) byte {
	b := kindCode(q.Kind)
	if q.CueKind == CueStance {
		b |= stanceBit
	}
	return b
}

// facetLen is the size of the facets that lead every quote index value:
// the kind code and the confidence in units of 1/10000, uint16
// big-endian. Filters on kind and confidence read them from whichever
// index serves a query, without loading quotes.
const facetLen = 3

func confUnits(c float64) uint16 { return uint16(math.Round(min(max(c, 0), 1) * 10000)) }

func quoteFacets(q quoteRec) []byte {
	u := confUnits(q.Confidence)
	return []byte{kindFacet(q), byte(u >> 8), byte(u)}
}

// Search is a parsed full-text search, for matching texts outside the
// store, such as quotations as they are stored (live feeds).
type Search struct{ q search.Query }

// ParseSearch parses a search as Quotes reads QuoteFilter.Search.
func ParseSearch(s string) Search { return Search{search.Parse(s)} }

// Empty reports whether the search has nothing to look for, so that it
// matches every text.
func (s Search) Empty() bool { return !s.q.Positive() && len(s.q.Not) == 0 }

// Match reports whether text satisfies the search, as Quotes would find
// it.
func (s Search) Match(text string) bool { return s.q.Match(fold.Words(text)) }
