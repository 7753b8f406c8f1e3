package graph

import (
	"bytes"
	"slices"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/identity"
	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
)

// entry is an index key and its value.
type entry struct{ k, v []byte }

// The functions below say which index entries a record has. Writes, deletes
// and Check all use them, so the three cannot disagree.

// quoteIndex returns the index entries of q but its word postings
// (wordPostings), which live in the search index's segments. Every value
// is the quote's facets; the article's is followed by the id of the
// article's printing of it, here its first.
func quoteIndex(q quoteRec) []entry {
	f := quoteFacets(q)
	es := make([]entry, 0, 5)
	es = append(es,
		entry{key.QuoteIndex(key.KindQuoteByArticle, q.ArticleID[:], q.Published, q.ID), printingValue(f, q.First)},
		entry{key.QuoteIndex(key.KindQuoteByDate, nil, q.Published, q.ID), f})
	if q.SpeakerID != uuid.Nil {
		es = append(es, entry{key.QuoteIndex(key.KindQuoteBySpeaker, q.SpeakerID[:], q.Published, q.ID), f})
	}
	if q.VenueID != uuid.Nil {
		es = append(es, entry{key.QuoteIndex(key.KindQuoteByVenue, q.VenueID[:], q.Published, q.ID), f})
	}
	if q.OutletID != uuid.Nil {
		es = append(es, entry{key.QuoteIndex(key.KindQuoteByOutlet, q.OutletID[:], q.Published, q.ID), f})
	}
	return es
}

// quoteEntries returns every index entry of quote q printed by occs:
// those of quoteIndex, which follow its first printing (so that the
// counts kept for the dashboard, which count a statement once, agree
// with the listings by speaker, venue and outlet), and an article entry
// for each other article that printed it. A quote whose printings name
// people who cannot be one person is listed as a conflict.
func quoteEntries(q quoteRec, occs []occRec) []entry {
	es := quoteIndex(q)
	seen := make(map[string]bool, len(es))
	for _, e := range es {
		seen[string(e.k)] = true
	}
	f := quoteFacets(q)
	for _, o := range occs {
		if k := key.QuoteIndex(key.KindQuoteByArticle, o.ArticleID[:], q.Published, q.ID); !seen[string(k)] {
			seen[string(k)] = true
			es = append(es, entry{k, printingValue(f, o.ID)})
		}
	}
	if q.Conflict {
		es = append(es, entry{key.Record(key.KindConflict, q.ID), nil})
	}
	return es
}

// quoteCounts calls add with each count a quote adds one to (or, for the
// words counter, its length): the dashboard rollups and timelines. (The
// number of quotes holding each word is kept by the search index's
// segments.) Writes, deletes, bulk loads and Check all use it.
func quoteCounts(q quoteRec, add func(k []byte, n int64)) {
	termCounts(q, add)
	dimCounts(q, add)
}

// dimCounts calls add with the counts of quoteCounts but the words
// counter's.
func dimCounts(q quoteRec, add func(k []byte, n int64)) {
	for _, d := range quoteDims(q) {
		for _, k := range rollupKeys(d.dim, d.value, q.Published) {
			add(k, 1)
		}
		if !q.Published.IsZero() {
			add(key.Timeline(d.dim, d.value, dayOf(q.Published)), 1)
		}
	}
	if !q.Published.IsZero() {
		add(key.Timeline(key.DimAll, nil, dayOf(q.Published)), 1)
	}
}

// termCounts calls add with the count of quoteCounts that follows the
// words of a quote's text: the words counter.
func termCounts(q quoteRec, add func(k []byte, n int64)) {
	_, length := search.Positions(q.Text)
	add(key.Counter(key.CounterWords), int64(length))
}

// wordsCounter is the key of the words counter, which termCounts adds to.
var wordsCounter = string(key.Counter(key.CounterWords))

// firstClaim reports whether k is a lookup key that names the earliest
// record holding a folded name, speaker, venue or outlet. Two records
// share one only when their names came to fold alike in a later key
// layout than they were stored in; the later record goes without.
func firstClaim(k []byte) bool {
	switch key.Kind(k[0]) {
	case key.KindSpeakerLookup, key.KindVenueLookup, key.KindOutletByName:
		return true
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// printingValue is the value of a quote's entry under an article: the
// quote's facets and the id of the article's printing of it. An article
// prints a quote once, so the quotes of an article are its printings too,
// and no index of their own is needed.
func printingValue(facets []byte, occ uuid.UUID) []byte {
	return append(facets[:len(facets):len(facets)], occ[:]...)
}

// printingOf returns the printing id of a value of printingValue.
func printingOf(v []byte) (uuid.UUID, bool) {
	if len(v) != facetLen+key.IDLen {
		return uuid.Nil, false
	}
	return uuid.UUID(v[facetLen:]), true
}

// occIndex returns the index entries of an occurrence: under its quote,
// valued with its article and speaker record, so that a quote's printings
// are weighed without reading them. Its match keys are apart (see
// postings), and the quote's entry under its article names it
// (printingValue).
func occIndex(o occRec) []entry {
	return []entry{
		{key.Pair(key.KindOccurrenceByQuote, o.QuoteID, o.ID), append(o.ArticleID[:len(o.ArticleID):len(o.ArticleID)], o.SpeakerID[:]...)},
	}
}

// The match index keeps, under each match key, the postings of the
// newest printings that have it: a value of 32-byte <occurrence id><quote
// id> entries, oldest first, at most maxPostings. One point read finds
// them, and Badger's bloom filters make a key no printing has (the most
// common case) cheap to miss.

const postingLen = 2 * key.IDLen

// appendPosting returns postings v with occurrence o added, the oldest
// dropped past maxPostings; v is not changed.
func appendPosting(v []byte, o occRec) []byte {
	if n := len(v) / postingLen; n >= maxPostings {
		v = v[(n-maxPostings+1)*postingLen:]
	}
	out := make([]byte, 0, len(v)+postingLen)
	out = append(out, v...)
	out = append(out, o.ID[:]...)
	return append(out, o.QuoteID[:]...)
}

// speakerIndex returns the index entries of a speaker record: its place
// in name order when it is canonical (under the cluster's display name), a
// lookup entry per distinct normalized name or alias (valued with the id
// and the normalized name), a token entry per word of them (valued with
// the normalized name, to sort matches without reading records), and its
// block keys for identity resolution; and, when it is merged into another,
// its cluster's canonical record.
func speakerIndex(r speakerRec) []entry {
	norm := []byte(fold.String(r.Name))
	var es []entry
	if r.Canon == uuid.Nil {
		es = append(es, entry{key.Name(key.KindSpeakerByName, fold.String(r.display()), r.ID), nil})
	} else {
		es = append(es, entry{key.Record(key.KindSpeakerMember, r.ID), r.Canon[:]})
	}
	lookupVal := append(r.ID[:len(r.ID):len(r.ID)], norm...)
	for _, l := range r.lookups() {
		es = append(es, entry{key.Lookup(key.KindSpeakerLookup, l), lookupVal})
	}
	for _, t := range r.tokens() {
		es = append(es, entry{key.Name(key.KindSpeakerByToken, t, r.ID), norm})
	}
	for _, b := range identity.BlockKeys(r.names()...) {
		es = append(es, entry{key.Name(key.KindSpeakerByBlock, b, r.ID), nil})
	}
	return es
}

// rewriteEntries deletes the entries of old that new lacks and sets the
// entries of new that differ from old.
func rewriteEntries(txn *badger.Txn, old, new []entry) error {
	if len(old) == 0 { // a new record's entries: no comparison to make
		for _, e := range new {
			if err := set(txn, e.k, e.v); err != nil {
				return err
			}
		}
		return nil
	}
	have := make(map[string][]byte, len(old))
	for _, e := range old {
		have[string(e.k)] = e.v
	}
	want := make(map[string]bool, len(new))
	for _, e := range new {
		want[string(e.k)] = true
		if v, ok := have[string(e.k)]; ok && bytes.Equal(v, e.v) {
			continue
		}
		if err := set(txn, e.k, e.v); err != nil {
			return err
		}
	}
	for _, e := range old {
		if !want[string(e.k)] {
			if err := del(txn, e.k); err != nil {
				return err
			}
		}
	}
	return nil
}

// candidateIndex is the pair entry of a candidate: its two speaker records
// in byte order, valued with the candidate id.
func candidateIndex(r candidateRec) []entry {
	a, b := key.Ordered(r.A, r.B)
	return []entry{{key.Pair(key.KindCandidatePair, a, b), r.ID[:]}}
}

// venueIndex returns the index entries of a venue: name order, lookup by
// name and kind, and a token entry per word of the name.
func venueIndex(r venueRec) []entry {
	norm := fold.String(r.Name)
	es := []entry{
		{key.Name(key.KindVenueByName, norm, r.ID), nil},
		{key.VenueLookup(norm, r.Kind), r.ID[:]},
	}
	for _, t := range fold.Tokens(r.Name) {
		es = append(es, entry{key.Name(key.KindVenueByToken, t, r.ID), []byte(norm)})
	}
	return es
}

func outletIndex(r outletRec) []entry {
	return []entry{{key.Lookup(key.KindOutletByName, fold.String(r.Name)), r.ID[:]}}
}

func articleIndex(r articleRec) []entry {
	es := []entry{
		{key.Lookup(key.KindArticleByKey, r.Key), r.ID[:]},
		{key.ArticleByDate(r.Published, r.ID), nil},
	}
	if r.Copy != nil {
		es = append(es, entry{key.Pair(key.KindArticleCopy, r.Copy.Original, r.ID), nil})
	}
	return es
}
