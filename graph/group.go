package graph

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/identity"
	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/similar"
)

// This file groups the printings of a quotation across articles into one
// quote, keeps each quote's record and index entries in step with its
// occurrences, and links an article to the article it copies.

const (
	// maxPostings bounds the entries read under one match key, newest
	// first, so that a common word pair costs no more than a rare one.
	maxPostings = 8
	// maxGroupCandidates bounds the quotes one occurrence is compared with.
	maxGroupCandidates = 4
	// closeDays is how far apart two dated printings of a paraphrase may be.
	closeDays = 30
)

// Thresholds of the paraphrase score, by how sure the speakers are the
// same. Short quotations need more: two words in common mean little.
const (
	paraSameSpeaker    = 0.50 // one canonical speaker
	paraCompatSpeaker  = 0.55 // names that may be one person
	paraUnknownSpeaker = 0.65 // one side has no speaker
	conflictScore      = 0.90 // text this alike joins even under other speakers, as a conflict
	minParaStems       = 2    // fewer content words never make a paraphrase
)

// Speaker agreement between two occurrences.
const (
	speakersApart   = iota // names that cannot be one person
	speakersUnknown        // one side has no speaker
	speakersMaybe          // names that may be one person
	speakersSame           // one canonical speaker
)

// grouper places the occurrences of one article in quotes.
type grouper struct {
	w      *writer
	a      *articleRec
	mine   map[uuid.UUID]bool // occurrence ids of this article
	used   map[uuid.UUID]bool // quotes this article already prints
	shared map[uuid.UUID]int  // other article → quotes it shares with this one
	count  int                // occurrences of this article
	keys   []string           // match keys of the occurrence being placed
	text   *similar.Text      // and its text, prepared
}

func newGrouper(w *writer, a *articleRec) *grouper {
	return &grouper{w: w, a: a, mine: map[uuid.UUID]bool{}, used: map[uuid.UUID]bool{}, shared: map[uuid.UUID]int{}}
}

type groupCand struct {
	quote uuid.UUID
	hits  int
	exact bool
	occs  []uuid.UUID
}

// candidates finds the quotes whose printings share match keys with p,
// through the match index, most shared keys first.
func (g *grouper) candidates(keys []string) ([]*groupCand, error) {
	byQuote := map[uuid.UUID]*groupCand{}
	var order []*groupCand
	for _, k := range keys {
		v, err := g.w.postings(k)
		if err != nil {
			return nil, err
		}
		// Newest first.
		for i := len(v) - postingLen; i >= 0; i -= postingLen {
			oid, qid := uuid.UUID(v[i:i+key.IDLen]), uuid.UUID(v[i+key.IDLen:i+postingLen])
			if g.mine[oid] || g.used[qid] {
				continue
			}
			c := byQuote[qid]
			if c == nil {
				c = &groupCand{quote: qid}
				byQuote[qid] = c
				order = append(order, c)
			}
			c.hits++
			c.exact = c.exact || strings.HasPrefix(k, "=")
			if len(c.occs) < 2 && !slices.Contains(c.occs, oid) {
				c.occs = append(c.occs, oid)
			}
		}
	}
	out := order[:0]
	for _, c := range order {
		if c.exact || c.hits >= 1 {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b *groupCand) int {
		switch {
		case a.exact != b.exact:
			if a.exact {
				return -1
			}
			return 1
		case a.hits != b.hits:
			return b.hits - a.hits
		}
		return bytes.Compare(a.quote[:], b.quote[:])
	})
	return out[:min(len(out), maxGroupCandidates)], nil
}

// postings returns the postings of match key k as this write sees them:
// as an earlier article of the batch left them, else from the cache of
// committed postings, else from Badger.
func (w *writer) postings(k string) ([]byte, error) {
	if v, ok := w.matches[k]; ok {
		return v, nil
	}
	if w.caches != nil {
		if v, ok := w.caches.match.get(k); ok {
			w.caches.stats.MatchHits++
			w.matches[k] = v
			return v, nil
		}
		w.caches.stats.MatchMisses++
		if w.caches.keys == nil {
			if err := w.caches.scanMatchKeys(w.reader(), w.caches.match.len() == 0); err != nil {
				return nil, err
			}
			if v, ok := w.caches.match.get(k); ok {
				w.matches[k] = v
				return v, nil
			}
		}
		if w.caches.keys.absent(k) {
			w.caches.stats.MatchAbsent++
			w.matches[k] = nil
			return nil, nil
		}
	}
	v, _, err := get(w.txn, key.Match(k))
	if err != nil {
		return nil, err
	}
	w.matches[k] = v
	return v, nil
}

// post appends occurrence o to the postings of its match keys.
func (w *writer) post(o occRec, keys []string) error {
	for _, k := range keys {
		v, err := w.postings(k)
		if err != nil {
			return err
		}
		w.matches[k] = appendPosting(v, o)
		w.posted[k] = true
	}
	return nil
}

// dropPostings removes occurrence o from the postings of its match keys.
func (w *writer) dropPostings(o occRec) error {
	for _, k := range similar.MatchKeys(o.Text) {
		v, err := w.postings(k)
		if err != nil || v == nil {
			return err
		}
		var keep []byte
		for i := 0; i+postingLen <= len(v); i += postingLen {
			if !bytes.Equal(v[i:i+key.IDLen], o.ID[:]) {
				keep = append(keep, v[i:i+postingLen]...)
			}
		}
		w.matches[k] = keep
		w.posted[k] = true
	}
	return nil
}

// writeMatches writes the match keys the batch changed, once each.
func (w *writer) writeMatches() error {
	for _, k := range sortedKeys(w.posted) {
		var err error
		if v := w.matches[k]; len(v) == 0 {
			err = del(w.txn, key.Match(k))
		} else {
			err = set(w.txn, key.Match(k), v)
		}
		if err != nil {
			return err
		}
	}
	clear(w.posted)
	return nil
}

// place puts occurrence o in the quote it is a printing of, or in a new
// one, and writes it. pq is its text prepared.
func (g *grouper) place(o *occRec, pq *preparedQuote) error {
	g.mine[o.ID] = true
	g.count++
	p := &pq.text
	g.keys, g.text = pq.keys, p
	cands, err := g.candidates(g.keys)
	if err != nil {
		return err
	}
	// The same words printed before: the common case of wire copy, and
	// nothing can match better.
	for _, c := range cands {
		if !c.exact {
			break
		}
		for _, oid := range c.occs {
			if other, err := g.w.printing(oid); err != nil {
				return err
			} else if other != nil && other.text.Norm == p.Norm {
				return g.join(o, other.rec.QuoteID, similar.Match{How: similar.Exact, Score: 1})
			}
		}
	}
	var best *occRec
	bestMatch := similar.Match{}
compare:
	for _, c := range cands {
		for _, oid := range c.occs {
			if bestMatch.Score >= 1 {
				// No score passes 1, and a later candidate must score
				// more than the best to replace it: the rest are not
				// read.
				break compare
			}
			other, err := g.w.printing(oid)
			if err != nil {
				return err
			} else if other == nil {
				continue
			}
			m := similar.Compare(p, &other.text)
			if m.How == "" || m.Score <= bestMatch.Score || m.How == similar.Paraphrase && m.Score < paraSameSpeaker {
				continue // no speakers could make it a match: skip reading them
			}
			ok, err := g.accept(o, p, &other.rec, &other.text, m)
			if err != nil {
				return err
			}
			if ok {
				rec := other.rec
				best, bestMatch = &rec, m
			}
		}
	}
	if best == nil {
		return g.start(o, pq)
	}
	return g.join(o, best.QuoteID, bestMatch)
}

// printing returns occurrence oid as this write sees it, with its text
// prepared for comparison: the match index may name an occurrence this
// write has since deleted (an article replaced), and then it is nil.
// Printings are immutable while they exist, so a prepared one is kept
// and never prepared again.
func (w *writer) printing(oid uuid.UUID) (*printingRef, error) {
	if w.gone[oid] {
		return nil, nil
	}
	if p, ok := w.occs[oid]; ok {
		return p, nil
	}
	if w.caches != nil {
		if p, ok := w.caches.occ.get(oid); ok {
			w.caches.stats.PrintingHits++
			return p, nil
		}
		w.caches.stats.PrintingMisses++
	}
	var o occRec
	err := load(w.txn, key.KindOccurrence, oid, &o)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("occurrence %s: %w", oid, err)
	}
	p := &printingRef{rec: o, text: similar.Prepare(o.Text)}
	if w.caches != nil {
		w.caches.occ.put(oid, p) // committed: not written by this batch
	}
	return p, nil
}

// firstPrinting returns what join needs of quote q's first printing,
// for a new printing whose folded words are ow: its id and date, which q
// holds as the first printing's (Check verifies it), and its folded
// words, which are those of q's text while that text is the first
// printing's. The printing itself is read only when its words are needed
// and q holds another text: a quote's first printing is seldom one the
// writer has just compared, and reading it is a random read into the
// store.
func (w *writer) firstPrinting(q *quoteRec, ow []string) (*printingRef, error) {
	if w.gone[q.First] {
		return nil, fmt.Errorf("first occurrence %s of quote %s: %w", q.First, q.ID, ErrNotFound)
	}
	if p, ok := w.occs[q.First]; ok {
		return p, nil
	}
	if w.caches != nil {
		if p, ok := w.caches.occ.get(q.First); ok {
			w.caches.stats.PrintingHits++
			return p, nil
		}
	}
	if q.Canon == uuid.Nil || q.Canon == q.First {
		return &printingRef{rec: occRec{ID: q.First, QuoteID: q.ID, attribution: q.attribution}, text: similar.Text{Words: strings.Fields(fold.String(q.Text))}}, nil
	}
	if len(ow) <= len(strings.Fields(fold.String(q.Text))) {
		// extendQuote compares the first printing's words with ow only
		// when ow is longer than the canonical text.
		return &printingRef{rec: occRec{ID: q.First, QuoteID: q.ID, attribution: q.attribution}}, nil
	}
	fp, err := w.printing(q.First)
	if err != nil {
		return nil, err
	}
	if fp == nil {
		return nil, fmt.Errorf("first occurrence %s of quote %s: %w", q.First, q.ID, ErrNotFound)
	}
	return fp, nil
}

// accept decides whether o joins the quote of other, given how their
// texts match and how their speakers and dates agree.
func (g *grouper) accept(o *occRec, p *similar.Text, other *occRec, op *similar.Text, m similar.Match) (bool, error) {
	agree, err := g.w.speakersAgree(o.SpeakerID, other.SpeakerID)
	if err != nil {
		return false, err
	}
	switch m.How {
	case similar.Exact:
		return true, nil
	case similar.Contained:
		return agree != speakersApart || min(len(p.Words), len(op.Words)) >= 5, nil
	}
	if len(p.Stems) < minParaStems || len(op.Stems) < minParaStems || !datesClose(o.Published, other.Published) {
		return false, nil
	}
	var threshold float64
	switch agree {
	case speakersSame:
		threshold = paraSameSpeaker
	case speakersMaybe:
		threshold = paraCompatSpeaker
	case speakersUnknown:
		threshold = paraUnknownSpeaker
	default:
		if len(p.Stems) < 4 || len(op.Stems) < 4 {
			return false, nil
		}
		threshold = conflictScore
	}
	if o.Kind == KindIndirect || other.Kind == KindIndirect {
		threshold += 0.1
	}
	return m.Score >= threshold, nil
}

func datesClose(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return true
	}
	d := a.Sub(b)
	return d < closeDays*24*time.Hour && d > -closeDays*24*time.Hour
}

// speakersAgree says how the speaker records a and b agree.
func (w *writer) speakersAgree(a, b uuid.UUID) (int, error) {
	if a == uuid.Nil || b == uuid.Nil {
		return speakersUnknown, nil
	}
	ra, err := w.root(a)
	if err != nil {
		return 0, err
	}
	rb, err := w.root(b)
	if err != nil {
		return 0, err
	}
	if ra.ID == rb.ID {
		return speakersSame, nil
	}
	sa, err := w.loadSpeaker(a)
	if err != nil {
		return 0, err
	}
	sb, err := w.loadSpeaker(b)
	if err != nil {
		return 0, err
	}
	if identity.Compatible(sa.Name, sb.Name) {
		return speakersMaybe, nil
	}
	return speakersApart, nil
}

// start makes o the first occurrence of a new quote; pq is its text
// prepared.
func (g *grouper) start(o *occRec, pq *preparedQuote) error {
	id, err := newID()
	if err != nil {
		return err
	}
	o.QuoteID, o.Match, o.Score = id, similar.First, 1
	if err := g.w.putOccurrence(*o, &pq.text); err != nil {
		return err
	}
	if !g.w.plain { // the baseline of the benchmark stores no match keys
		if err := g.w.post(*o, pq.keys); err != nil {
			return err
		}
	}
	q := quoteRec{ID: id}
	g.used[id] = true
	g.w.counters[key.CounterQuotes]++
	g.w.res.NewQuotes++
	if err := g.w.rewriteQuote(&q, nil, []occRec{*o}); err != nil {
		return err
	}
	g.w.added = append(g.w.added, q.quote())
	return g.w.printed(q, *o, true)
}

// sampleSize bounds the printings of a quote that a new printing is
// weighed against for identity evidence and copies: a quotation printed
// by thousands of articles costs no more than one printed by fifty.
const sampleSize = 20

// join adds o to quote qid. A speaker of another article whose name may
// be o's gains a shared quotation as evidence of being the same person.
func (g *grouper) join(o *occRec, qid uuid.UUID, m similar.Match) error {
	var q quoteRec
	if err := load(g.w.txn, key.KindQuote, qid, &q); err != nil {
		return fmt.Errorf("quote %s: %w", qid, err)
	}
	old, err := g.w.samplePrintings(qid)
	if err != nil {
		return err
	}
	o.QuoteID, o.Match, o.Score = qid, m.How, similar.Round3(m.Score)
	if err := g.w.putOccurrence(*o, g.text); err != nil {
		return err
	}
	if err := g.w.post(*o, g.keys); err != nil {
		return err
	}
	g.used[qid] = true
	articles := map[uuid.UUID]bool{}
	speakers := map[uuid.UUID]bool{}
	for _, other := range old {
		if other.article != o.ArticleID && !articles[other.article] {
			articles[other.article] = true
			g.shared[other.article]++
		}
		if o.SpeakerID != uuid.Nil && other.speaker != uuid.Nil && !speakers[other.speaker] {
			speakers[other.speaker] = true
			if err := g.w.sharedQuote(o.SpeakerID, other.speaker); err != nil {
				return err
			}
		}
	}
	fp, err := g.w.firstPrinting(&q, g.text.Words)
	if err != nil {
		return err
	}
	first := fp.rec
	if earlier(*o, first) < 0 {
		// o is the new first printing: the date of every entry changes.
		all, err := loadOccurrences(g.w.txn, qid, 0)
		if err != nil {
			return err
		}
		all = slices.DeleteFunc(all, func(x occRec) bool { return x.ID == o.ID })
		if err := g.w.rewriteQuote(&q, all, append(slices.Clip(all), *o)); err != nil {
			return err
		}
	} else if err := g.w.extendQuote(&q, fp, *o, g.text.Words); err != nil {
		return err
	}
	return g.w.printed(q, *o, false)
}

// extendQuote adds o, a printing later than the first, to q: its index
// entries, and what it changes of the canonical text and the conflict.
// ow are o's folded words, and first is q's first printing, prepared.
func (w *writer) extendQuote(q *quoteRec, first *printingRef, o occRec, ow []string) error {
	before := *q
	q.Count++
	canon := first.text.Words // the words of q.Text
	if q.Canon != uuid.Nil && q.Canon != first.rec.ID {
		canon = strings.Fields(fold.String(q.Text))
	}
	if len(ow) > len(canon) && similar.Contains(ow, first.text.Words) {
		q.Text, q.Canon = o.Text, o.ID
	}
	if o.SpeakerID != uuid.Nil && !slices.Contains(q.Speakers, o.SpeakerID) {
		if !q.Conflict {
			for _, sp := range q.Speakers {
				agree, err := w.speakersAgree(o.SpeakerID, sp)
				if err != nil {
					return err
				}
				q.Conflict = q.Conflict || agree == speakersApart
			}
		}
		if len(q.Speakers) < maxQuoteSpeakers {
			q.Speakers = append(q.Speakers, o.SpeakerID)
		}
	}
	if err := store(w.txn, key.KindQuote, q.ID, q); err != nil {
		return err
	}
	if !sameSearched(before, *q) {
		w.countQuote(before, -1)
		w.countQuote(*q, 1)
		// The facets of every entry follow the canonical text's quote.
		if err := rewriteEntries(w.txn, quoteIndex(before), quoteIndex(*q)); err != nil {
			return err
		}
	}
	es := quoteEntries(*q, []occRec{o})
	for _, e := range es {
		if err := set(w.txn, e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// maxQuoteSpeakers bounds the speaker records a quote lists for conflicts.
const maxQuoteSpeakers = 16

// putOccurrence writes o, whose text prepared is text, and keeps it for
// the later articles of the batch.
func (w *writer) putOccurrence(o occRec, text *similar.Text) error {
	if err := store(w.txn, key.KindOccurrence, o.ID, o); err != nil {
		return err
	}
	w.occs[o.ID] = &printingRef{rec: o, text: *text}
	w.quoted[o.QuoteID] = append(w.quoted[o.QuoteID], printing{o.ArticleID, o.SpeakerID, o.ID})
	for _, e := range occIndex(o) {
		if err := set(w.txn, e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// printing is an occurrence as its quote's index gives it.
type printing struct{ article, speaker, id uuid.UUID }

// samplePrintings returns the article and speaker record of the first
// sampleSize printings of quote qid, from the index alone: those
// committed, then those the batch added.
func (w *writer) samplePrintings(qid uuid.UUID) ([]printing, error) {
	if w.byQ == nil {
		o := badger.DefaultIteratorOptions
		o.Prefix = key.KindOccurrenceByQuote.Prefix()
		o.PrefetchValues = false
		w.byQ = w.reader().NewIterator(o)
	}
	prefix := key.Record(key.KindOccurrenceByQuote, qid)
	var out []printing
	it := w.byQ
	for it.Seek(prefix); it.ValidForPrefix(prefix) && len(out) < sampleSize; it.Next() {
		oid := key.LastID(it.Item().Key())
		if w.gone[oid] {
			continue
		}
		err := it.Item().Value(func(v []byte) error {
			if len(v) != 2*key.IDLen {
				return fmt.Errorf("printing of quote %s: value of %d bytes", qid, len(v))
			}
			out = append(out, printing{uuid.UUID(v[:key.IDLen]), uuid.UUID(v[key.IDLen:]), oid})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, p := range w.quoted[qid] {
		if len(out) == sampleSize {
			break
		}
		if !w.gone[p.id] {
			out = append(out, p)
		}
	}
	return out, nil
}

// loadOccurrences reads the occurrences of quote qid, the first limit
// stored (all for 0).
func loadOccurrences(txn *badger.Txn, qid uuid.UUID, limit int) ([]occRec, error) {
	prefix := key.Record(key.KindOccurrenceByQuote, qid)
	it := keysOnly(txn, prefix)
	var ids []uuid.UUID
	for it.Rewind(); it.Valid() && (limit == 0 || len(ids) < limit); it.Next() {
		k := it.Item().Key()
		ids = append(ids, key.LastID(k))
	}
	it.Close()
	out := make([]occRec, 0, len(ids))
	for _, id := range ids {
		var o occRec
		if err := load(txn, key.KindOccurrence, id, &o); err != nil {
			return nil, fmt.Errorf("occurrence %s of quote %s: %w", id, qid, err)
		}
		out = append(out, o)
	}
	return out, nil
}

// earlier orders occurrences by their article's date, undated ones after
// dated ones, then by id (the order they were stored).
func earlier(a, b occRec) int {
	switch {
	case a.Published.IsZero() != b.Published.IsZero():
		if a.Published.IsZero() {
			return 1
		}
		return -1
	case !a.Published.Equal(b.Published):
		return a.Published.Compare(b.Published)
	}
	return bytes.Compare(a.ID[:], b.ID[:])
}

// statement is the record of quote id printed by sorted (its printings,
// earliest first), with the text of canon among them: the attribution
// of the first printing, and the first few distinct speaker records.
func statement(id uuid.UUID, sorted []occRec, canon occRec, conflict bool) quoteRec {
	first := sorted[0]
	q := quoteRec{ID: id, attribution: first.attribution, First: first.ID, Canon: canon.ID, Count: len(sorted), Conflict: conflict}
	q.Text = canon.Text
	for _, o := range sorted {
		if o.SpeakerID != uuid.Nil && !slices.Contains(q.Speakers, o.SpeakerID) && len(q.Speakers) < maxQuoteSpeakers {
			q.Speakers = append(q.Speakers, o.SpeakerID)
		}
	}
	return q
}

// rewriteQuote derives quote q from its occurrences now, after it had old,
// and rewrites its record and index entries; with none left it deletes q.
func (w *writer) rewriteQuote(q *quoteRec, old, now []occRec) error {
	before := *q
	var oldEntries []entry
	if len(old) > 0 {
		oldEntries = quoteEntries(before, old)
	}
	if len(now) == 0 {
		w.counters[key.CounterQuotes]--
		w.countQuote(before, -1)
		for _, e := range oldEntries {
			if err := del(w.txn, e.k); err != nil {
				return err
			}
		}
		return del(w.txn, key.Record(key.KindQuote, q.ID))
	}
	sorted := slices.Clone(now)
	slices.SortFunc(sorted, earlier)
	first := sorted[0]
	canon := first
	var fw []string
	if len(sorted) > 1 {
		fw = strings.Fields(fold.String(first.Text))
	}
	for _, o := range sorted[1:] {
		ow := strings.Fields(fold.String(o.Text))
		if len(ow) > len(strings.Fields(fold.String(canon.Text))) && similar.Contains(ow, fw) {
			canon = o
		}
	}
	conflict, err := w.conflicting(sorted)
	if err != nil {
		return err
	}
	*q = statement(q.ID, sorted, canon, conflict)
	if err := store(w.txn, key.KindQuote, q.ID, q); err != nil {
		return err
	}
	if len(old) == 0 {
		w.countQuote(*q, 1)
	} else if !sameSearched(before, *q) {
		w.countQuote(before, -1)
		w.countQuote(*q, 1)
	}
	return rewriteEntries(w.txn, oldEntries, quoteEntries(*q, now))
}

// sameSearched reports whether quotes a and b agree in what of a quote
// the search index and the counts follow.
func sameSearched(a, b quoteRec) bool {
	return a.Text == b.Text && a.Kind == b.Kind && a.CueKind == b.CueKind && a.Confidence == b.Confidence &&
		key.Date(a.Published) == key.Date(b.Published) && a.SpeakerID == b.SpeakerID &&
		a.VenueID == b.VenueID && a.OutletID == b.OutletID && a.SpeakerNum == b.SpeakerNum &&
		a.VenueNum == b.VenueNum && a.OutletNum == b.OutletNum
}

// maxConflictOccurrences bounds the printings compared for a conflict.
const maxConflictOccurrences = 50

// conflicting reports whether articles give occs to people who cannot be
// one person.
func (w *writer) conflicting(occs []occRec) (bool, error) {
	var ids []uuid.UUID
	for _, o := range occs[:min(len(occs), maxConflictOccurrences)] {
		if o.SpeakerID != uuid.Nil && !slices.Contains(ids, o.SpeakerID) {
			ids = append(ids, o.SpeakerID)
		}
	}
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			agree, err := w.speakersAgree(ids[i], ids[j])
			if err != nil {
				return false, err
			}
			if agree == speakersApart {
				return true, nil
			}
		}
	}
	return false, nil
}

// Copy detection thresholds.
const (
	copyMinShared  = 2   // quotations both articles print
	copyMinShare   = 0.3 // of the smaller article's quotations
	copyMinOverlap = 0.5 // or this text overlap
	// maxCopyCandidates bounds the articles weighed as the original or a copy.
	maxCopyCandidates = 8
)

// findCopy links article a with the article it copies, or the article
// that copies it, among those that share quotations with it: a copy
// shares many of its quotations, or much of its wording.
func (w *writer) findCopy(a *articleRec, shared map[uuid.UUID]int, count int) error {
	// Articles sharing one quotation are many and seldom copies: weigh the
	// few that share the most.
	others := make([]uuid.UUID, 0, len(shared))
	for id, n := range shared {
		if n >= copyMinShared {
			others = append(others, id)
		}
	}
	slices.SortFunc(others, func(x, y uuid.UUID) int {
		if shared[x] != shared[y] {
			return shared[y] - shared[x]
		}
		return bytes.Compare(x[:], y[:])
	})
	others = others[:min(len(others), maxCopyCandidates)]
	var best *articleRec
	var bestCopy copyRec
	for _, id := range others {
		var other articleRec
		if err := load(w.txn, key.KindArticle, id, &other); err != nil {
			return fmt.Errorf("article %s: %w", id, err)
		}
		n := shared[id]
		nOther := other.Quotes
		share := float64(n) / float64(max(1, min(count, nOther)))
		overlap := similar.Overlap(a.Sketch, other.Sketch)
		if share < copyMinShare && overlap < copyMinOverlap {
			continue
		}
		score := similar.Round3(0.6*min(share, 1) + 0.4*min(1, overlap*2))
		if best == nil || score > bestCopy.Score {
			o := other
			best, bestCopy = &o, copyRec{Score: score, Shared: n, Overlap: similar.Round3(overlap)}
		}
	}
	if best == nil {
		return nil
	}
	if articleFirst(*best, *a) {
		bestCopy.Original = best.ID
		a.Copy = &bestCopy
		return nil
	}
	if best.Copy != nil && best.Copy.Score >= bestCopy.Score {
		return nil
	}
	oldIdx := articleIndex(*best)
	bestCopy.Original = a.ID
	best.Copy = &bestCopy
	if err := store(w.txn, key.KindArticle, best.ID, best); err != nil {
		return err
	}
	return rewriteEntries(w.txn, oldIdx, articleIndex(*best))
}

// articleFirst reports whether a came out before b: dated before undated,
// then by date, then stored first.
func articleFirst(a, b articleRec) bool {
	switch {
	case a.Published.IsZero() != b.Published.IsZero():
		return !a.Published.IsZero()
	case !a.Published.Equal(b.Published):
		return a.Published.Before(b.Published)
	}
	return bytes.Compare(a.ID[:], b.ID[:]) < 0
}
