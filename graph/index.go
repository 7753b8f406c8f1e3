package graph

import "github.com/google/uuid"

// entry is an index key and its value.
type entry struct{ k, v []byte }

// The functions below say which index entries a record has. Writes, deletes
// and Check all use them, so the three cannot disagree.

// quoteIndex returns the index keys of q; their values are empty.
func quoteIndex(q quoteRec) [][]byte {
	toks := tokens(q.Text)
	ks := make([][]byte, 0, 4+len(toks))
	ks = append(ks,
		quoteIndexKey(pQuoteByArticle, q.ArticleID[:], q.Published, q.ID),
		quoteIndexKey(pQuoteByDate, nil, q.Published, q.ID))
	if q.SpeakerID != uuid.Nil {
		ks = append(ks, quoteIndexKey(pQuoteBySpeaker, q.SpeakerID[:], q.Published, q.ID))
	}
	if q.VenueID != uuid.Nil {
		ks = append(ks, quoteIndexKey(pQuoteByVenue, q.VenueID[:], q.Published, q.ID))
	}
	for _, t := range toks {
		ks = append(ks, quoteIndexKey(pQuoteByToken, tokenSelector(t), q.Published, q.ID))
	}
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
