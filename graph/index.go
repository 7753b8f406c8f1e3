package graph

import (
	"slices"

	"github.com/google/uuid"
)

// entry is an index key and its value.
type entry struct{ k, v []byte }

// The functions below say which index entries a record has. Writes, deletes
// and Check all use them, so the three cannot disagree.

// quoteIndex returns the index entries of q but its word postings
// (wordPostings), which live in blocks. Every value is the quote's facets.
func quoteIndex(q quoteRec) []entry {
	f := quoteFacets(q)
	es := make([]entry, 0, 5)
	es = append(es,
		entry{quoteIndexKey(pQuoteByArticle, q.ArticleID[:], q.Published, q.ID), f},
		entry{quoteIndexKey(pQuoteByDate, nil, q.Published, q.ID), f})
	if q.SpeakerID != uuid.Nil {
		es = append(es, entry{quoteIndexKey(pQuoteBySpeaker, q.SpeakerID[:], q.Published, q.ID), f})
	}
	if q.VenueID != uuid.Nil {
		es = append(es, entry{quoteIndexKey(pQuoteByVenue, q.VenueID[:], q.Published, q.ID), f})
	}
	if q.OutletID != uuid.Nil {
		es = append(es, entry{quoteIndexKey(pQuoteByOutlet, q.OutletID[:], q.Published, q.ID), f})
	}
	return es
}

// quoteCounts calls add with each count a quote adds one to (or, for the
// words counter, its length): the term dictionary, the dashboard
// rollups and timelines. Writes, deletes, bulk loads and Check all use
// it.
func quoteCounts(q quoteRec, add func(k []byte, n int64)) {
	pos, length := postings(q.Text)
	for w := range pos {
		add(termKey(stem(w), w), 1)
	}
	add(counterKey(counterWords), int64(length))
	for _, d := range quoteDims(q) {
		for _, k := range rollupKeys(d.dim, d.value, q.Published) {
			add(k, 1)
		}
		if !q.Published.IsZero() {
			add(timelineKey(d.dim, d.value, dayOf(q.Published)), 1)
		}
	}
	if !q.Published.IsZero() {
		add(timelineKey(dimAll, nil, dayOf(q.Published)), 1)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// speakerIndex returns the index entries of a speaker: its place in name
// order, a lookup entry per distinct normalized name or alias (valued with
// the id and the normalized name), and a token entry per word of them
// (valued with the normalized name, to sort matches without reading
// records).
func speakerIndex(r speakerRec) []entry {
	norm := []byte(normalize(r.Name))
	es := []entry{{nameKey(pSpeakerByName, string(norm), r.ID), nil}}
	lookupVal := append(r.ID[:len(r.ID):len(r.ID)], norm...)
	for _, l := range r.lookups() {
		es = append(es, entry{key(pSpeakerLookup, []byte(l)), lookupVal})
	}
	for _, t := range r.tokens() {
		es = append(es, entry{nameKey(pSpeakerByToken, t, r.ID), norm})
	}
	return es
}

// venueIndex returns the index entries of a venue: name order, lookup by
// name and kind, and a token entry per word of the name.
func venueIndex(r venueRec) []entry {
	norm := normalize(r.Name)
	es := []entry{
		{nameKey(pVenueByName, norm, r.ID), nil},
		{venueLookupKey(norm, r.Kind), r.ID[:]},
	}
	for _, t := range tokens(r.Name) {
		es = append(es, entry{nameKey(pVenueByToken, t, r.ID), []byte(norm)})
	}
	return es
}

func outletIndex(r outletRec) []entry {
	return []entry{{key(pOutletByName, []byte(normalize(r.Name))), r.ID[:]}}
}

func articleIndex(r articleRec) []entry {
	return []entry{
		{key(pArticleByKey, []byte(r.Key)), r.ID[:]},
		{articleDateKey(r.Published, r.ID), nil},
	}
}
