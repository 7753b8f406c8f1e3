package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// metaLoadingKey marks a store that a Loader is filling; Open refuses it
// until the Loader's Close removes the mark.
var metaLoadingKey = []byte{pMeta, 'l', 'o', 'a', 'd', 'i', 'n', 'g'}

// A Loader writes whole records, ids and all, into an empty store: the
// way back from an export (graphd import), and the way to build a large
// store fast. It writes in large batches without reading anything back,
// keeping counts, speaker→venue edges and the dashboard counts in memory
// until Close writes them.
//
// Records must come before what refers to them: an outlet before its
// articles, an article, speaker and venue before their quotes. The
// Loader checks ids, references, names, spans, kinds and confidences as
// PutArticle would, and returns ErrInvalid when one fails.
//
// A load is not one transaction. The store is marked as loading until
// Close succeeds, and Open refuses a store whose load did not finish:
// remove it and load again. The Loader holds the store's write lock
// until Close or Abort; it is not safe for concurrent use.
type Loader struct {
	s   *Store
	ctx context.Context
	wb  *badger.WriteBatch

	counters map[string]int64
	counts   map[string]int64
	edges    map[[2 * idLen]byte]int64

	articles map[uuid.UUID]loadedArticle
	speakers map[uuid.UUID]uint32 // by id, their numbers
	venues   map[uuid.UUID]uint32
	outlets  map[uuid.UUID]loadedOutlet
	quotes   map[uuid.UUID]bool
	names    map[string]uuid.UUID // lookup keys taken, as strings
	nums     map[string]uint32    // last numbers handed out
	words    map[string][]posting

	done bool
}

type loadedArticle struct {
	published time.Time
	outlet    uuid.UUID
	outletNum uint32
	runes     int
}

type loadedOutlet struct {
	name string
	num  uint32
}

// Load starts loading into the store, which must be empty; ErrInvalid
// otherwise.
func (s *Store) Load(ctx context.Context) (*Loader, error) {
	s.mu.RLock()
	if s.closed || s.readOnly {
		s.mu.RUnlock()
		if s.readOnly {
			return nil, ErrReadOnly
		}
		return nil, ErrClosed
	}
	s.wmu.Lock()
	unlock := func() { s.wmu.Unlock(); s.mu.RUnlock() }
	err := s.db.Update(func(txn *badger.Txn) error {
		for _, p := range []byte{pArticle, pQuote, pSpeaker, pVenue, pOutlet} {
			if countKeys(txn, []byte{p}) > 0 {
				return fmt.Errorf("%w: the store is not empty", ErrInvalid)
			}
		}
		return set(txn, metaLoadingKey, []byte{1})
	})
	if err != nil {
		unlock()
		return nil, fmt.Errorf("load: %w", err)
	}
	return &Loader{
		s: s, ctx: ctx, wb: s.db.NewWriteBatch(),
		counters: map[string]int64{}, counts: map[string]int64{}, edges: map[[2 * idLen]byte]int64{},
		articles: map[uuid.UUID]loadedArticle{}, speakers: map[uuid.UUID]uint32{}, venues: map[uuid.UUID]uint32{},
		outlets: map[uuid.UUID]loadedOutlet{}, quotes: map[uuid.UUID]bool{}, names: map[string]uuid.UUID{},
		nums: map[string]uint32{}, words: map[string][]posting{},
	}, nil
}

func (l *Loader) set(k, v []byte) error {
	if err := l.wb.Set(k, v); err != nil {
		return dbErr("load", err)
	}
	return nil
}

func (l *Loader) record(p byte, id uuid.UUID, v any) error {
	b, err := encodeRecord(v)
	if err != nil {
		return err
	}
	return l.set(recordKey(p, id), b)
}

func (l *Loader) entries(es []entry) error {
	for _, e := range es {
		if err := l.set(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// claim takes the lookup key k for id; ErrInvalid when another has it.
func (l *Loader) claim(what string, k []byte, id uuid.UUID) error {
	if other, ok := l.names[string(k)]; ok && other != id {
		return fmt.Errorf("%w: %s %q is also %s", ErrInvalid, what, k[1:], other)
	}
	l.names[string(k)] = id
	return nil
}

func (l *Loader) check(what string, id uuid.UUID, seen bool) error {
	if l.done {
		return fmt.Errorf("load: %w", ErrClosed)
	}
	if err := l.ctx.Err(); err != nil {
		return err
	}
	switch {
	case id == uuid.Nil:
		return fmt.Errorf("load %s: %w: no id", what, ErrInvalid)
	case seen:
		return fmt.Errorf("load %s %s: %w: loaded twice", what, id, ErrInvalid)
	}
	return nil
}

// Outlet loads an outlet.
func (l *Loader) Outlet(o Outlet) error {
	_, seen := l.outlets[o.ID]
	if err := l.check("outlet", o.ID, seen); err != nil {
		return err
	}
	if err := checkName("name", o.Name); err != nil {
		return fmt.Errorf("load outlet %s: %w", o.ID, err)
	}
	r := outletRec{ID: o.ID, Name: clean(o.Name)}
	if err := l.claim("outlet", key(pOutletByName, []byte(normalize(r.Name))), o.ID); err != nil {
		return fmt.Errorf("load outlet %s: %w", o.ID, err)
	}
	l.nums[lastOutletNum]++
	r.Num = l.nums[lastOutletNum]
	l.outlets[o.ID] = loadedOutlet{r.Name, r.Num}
	l.counters[counterOutlets]++
	if err := l.record(pOutlet, o.ID, r); err != nil {
		return err
	}
	return l.entries(outletIndex(r))
}

// Speaker loads a speaker with its aliases and titles.
func (l *Loader) Speaker(sp Speaker) error {
	if err := l.check("speaker", sp.ID, l.speakers[sp.ID] != 0); err != nil {
		return err
	}
	r := speakerRec{ID: sp.ID, Name: clean(sp.Name)}
	err := checkName("name", sp.Name)
	for i, a := range sp.Aliases {
		if err == nil {
			err = checkName(fmt.Sprintf("aliases[%d]", i), a)
		}
		r.Aliases = append(r.Aliases, clean(a))
	}
	for i, t := range sp.Titles {
		if err == nil {
			err = checkString(fmt.Sprintf("titles[%d]", i), t, maxNameBytes)
		}
		r.Titles = append(r.Titles, clean(t))
	}
	if err == nil && (len(r.Aliases) > maxListLen || len(r.Titles) > maxListLen) {
		err = fmt.Errorf("%w: more than %d aliases or titles", ErrInvalid, maxListLen)
	}
	for _, n := range r.lookups() {
		if err == nil {
			err = l.claim("speaker name", key(pSpeakerLookup, []byte(n)), sp.ID)
		}
	}
	if err != nil {
		return fmt.Errorf("load speaker %s: %w", sp.ID, err)
	}
	l.nums[lastSpeakerNum]++
	r.Num = l.nums[lastSpeakerNum]
	l.speakers[sp.ID] = r.Num
	l.counters[counterSpeakers]++
	if err := l.record(pSpeaker, sp.ID, r); err != nil {
		return err
	}
	return l.entries(speakerIndex(r))
}

// Venue loads a venue.
func (l *Loader) Venue(v Venue) error {
	if err := l.check("venue", v.ID, l.venues[v.ID] != 0); err != nil {
		return err
	}
	err := checkName("name", v.Name)
	if err == nil && !validVenueKind(v.Kind) {
		err = fmt.Errorf("%w: kind %q is not a venue kind", ErrInvalid, v.Kind)
	}
	r := venueRec{ID: v.ID, Name: clean(v.Name), Kind: v.Kind}
	if err == nil {
		err = l.claim("venue", venueLookupKey(normalize(r.Name), r.Kind), v.ID)
	}
	if err != nil {
		return fmt.Errorf("load venue %s: %w", v.ID, err)
	}
	l.nums[lastVenueNum]++
	r.Num = l.nums[lastVenueNum]
	l.venues[v.ID] = r.Num
	l.counters[counterVenues]++
	if err := l.record(pVenue, v.ID, r); err != nil {
		return err
	}
	return l.entries(venueIndex(r))
}

// Article loads an article with its text. Its Key, Hash and Ingested are
// kept as given; an empty Hash is computed, one that does not match the
// text is refused.
func (l *Loader) Article(a Article) error {
	_, seen := l.articles[a.ID]
	if err := l.check("article", a.ID, seen); err != nil {
		return err
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("load article %s: %w: %s", a.ID, ErrInvalid, fmt.Sprintf(format, args...))
	}
	in := ArticleInput{SourceID: a.SourceID, URL: a.URL, Title: a.Title, Outlet: a.Outlet, Text: a.Text}
	if err := validate(&in); err != nil {
		return fmt.Errorf("load article %s: %w", a.ID, err)
	}
	sum := sha256.Sum256([]byte(a.Text))
	hash := hex.EncodeToString(sum[:])
	switch {
	case a.Hash == "":
		a.Hash = hash
	case !strings.EqualFold(a.Hash, hash):
		return fail("hash %s does not match the text", a.Hash)
	}
	if a.Key == "" {
		a.Key = articleKey(in, hash)
	}
	if _, ok := l.outlets[a.OutletID]; a.OutletID != uuid.Nil && !ok {
		return fail("outlet %s not loaded", a.OutletID)
	}
	if (a.OutletID == uuid.Nil) != (normalize(a.Outlet) == "") {
		return fail("outlet name %q and id %s disagree", a.Outlet, a.OutletID)
	}
	if err := l.claim("article key", key(pArticleByKey, []byte(a.Key)), a.ID); err != nil {
		return fmt.Errorf("load article %s: %w", a.ID, err)
	}
	r := articleRec{
		ID: a.ID, Key: a.Key, SourceID: in.SourceID, URL: in.URL, Title: a.Title,
		OutletID: a.OutletID, Hash: strings.ToLower(a.Hash), TextLen: len(a.Text), Ingested: a.Ingested.UTC(),
	}
	if a.OutletID != uuid.Nil {
		r.Outlet = l.outlets[a.OutletID].name
	}
	if !a.Published.IsZero() {
		r.Published = a.Published.UTC()
	}
	l.articles[a.ID] = loadedArticle{published: r.Published, outlet: r.OutletID, outletNum: l.outlets[r.OutletID].num, runes: utf8.RuneCountInString(a.Text)}
	l.counters[counterArticles]++
	if err := l.record(pArticle, a.ID, r); err != nil {
		return err
	}
	for i := range chunks(len(a.Text)) {
		if err := l.set(textKey(a.ID, i), []byte(a.Text[i*textChunk:min(len(a.Text), (i+1)*textChunk)])); err != nil {
			return err
		}
	}
	return l.entries(articleIndex(r))
}

// Quote loads a quote. Its date and outlet are its article's.
func (l *Loader) Quote(q Quote) error {
	if err := l.check("quote", q.ID, l.quotes[q.ID]); err != nil {
		return err
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("load quote %s: %w: %s", q.ID, ErrInvalid, fmt.Sprintf(format, args...))
	}
	a, ok := l.articles[q.ArticleID]
	switch {
	case !ok:
		return fail("article %s not loaded", q.ArticleID)
	case q.SpeakerID != uuid.Nil && l.speakers[q.SpeakerID] == 0:
		return fail("speaker %s not loaded", q.SpeakerID)
	case q.VenueID != uuid.Nil && l.venues[q.VenueID] == 0:
		return fail("venue %s not loaded", q.VenueID)
	}
	r := quoteRec{
		ID: q.ID, ArticleID: q.ArticleID, SpeakerID: q.SpeakerID, VenueID: q.VenueID, OutletID: a.outlet,
		SpeakerNum: l.speakers[q.SpeakerID], VenueNum: l.venues[q.VenueID], OutletNum: a.outletNum,
		Text: q.Text, Kind: q.Kind, Spans: q.Spans, Cue: q.Cue, CueSpan: q.CueSpan,
		Mention: q.Mention, MentionSpan: q.MentionSpan, Confidence: q.Confidence, Published: a.published,
	}
	in := QuoteInput{Text: q.Text, Kind: q.Kind, Spans: q.Spans, Cue: q.Cue, CueSpan: q.CueSpan,
		Mention: q.Mention, MentionSpan: q.MentionSpan, Confidence: q.Confidence}
	if err := validateQuote("quote", in, a.runes); err != nil {
		return fmt.Errorf("load quote %s: %w", q.ID, err)
	}
	l.quotes[q.ID] = true
	// A loaded quote is its own one printing; the match index, which only
	// ever keeps the newest printings, is left to later writes.
	occ, err := firstPrinting(&r)
	if err != nil {
		return err
	}
	if err := l.record(pOccur, occ.ID, occ); err != nil {
		return err
	}
	if err := l.entries(occIndex(occ)); err != nil {
		return err
	}
	l.counters[counterOccurs]++
	if err := l.record(pQuote, q.ID, r); err != nil {
		return err
	}
	if err := l.entries(quoteIndex(r)); err != nil {
		return err
	}
	quoteCounts(r, func(k []byte, n int64) { l.counts[string(k)] += n })
	for w, p := range wordPostings(r) {
		l.words[w] = append(l.words[w], p)
	}
	if r.SpeakerID != uuid.Nil && r.VenueID != uuid.Nil {
		l.edges[edgeID(r.SpeakerID, r.VenueID)]++
	}
	l.counters[counterQuotes]++
	return nil
}

// Close writes the counts and edges, flushes everything to the store and
// clears the loading mark. After an error the load is unfinished.
func (l *Loader) Close() error {
	if l.done {
		return fmt.Errorf("load: %w", ErrClosed)
	}
	l.done = true
	defer l.s.wmu.Unlock()
	defer l.s.mu.RUnlock()
	err := func() error {
		for name, n := range l.counters {
			if err := l.set(counterKey(name), uint64Bytes(uint64(n))); err != nil {
				return err
			}
		}
		for name, n := range l.nums {
			if err := l.set(counterKey(name), uint64Bytes(uint64(n))); err != nil {
				return err
			}
		}
		if err := writeWordBlocks(l.words, l.set); err != nil {
			return err
		}
		for e, n := range l.edges {
			if err := l.set(key(pSpeakerVenue, e[:]), uint64Bytes(uint64(n))); err != nil {
				return err
			}
		}
		for k, n := range l.counts {
			if n > 0 {
				if err := l.set([]byte(k), uint64Bytes(uint64(n))); err != nil {
					return err
				}
			}
		}
		if err := l.wb.Flush(); err != nil {
			return dbErr("load", err)
		}
		l.s.counts = countCache{}
		return l.s.db.Update(func(txn *badger.Txn) error { return del(txn, metaLoadingKey) })
	}()
	if err != nil {
		l.wb.Cancel()
		return fmt.Errorf("load: %w", err)
	}
	return nil
}

// writeWordBlocks writes the word index of postings gathered in memory.
func writeWordBlocks(words map[string][]posting, set func(k, v []byte) error) error {
	for w, ps := range words {
		slices.SortFunc(ps, posting.less)
		parts := splitBlocks(ps)
		for i, k := range blockKeys(w, parts, true) {
			if err := set(k, encodeBlock(parts[i])); err != nil {
				return err
			}
		}
	}
	return nil
}

// Abort gives up a load, leaving the store marked as unfinished. It is a
// no-op after Close.
func (l *Loader) Abort() {
	if l.done {
		return
	}
	l.done = true
	l.wb.Cancel()
	l.s.wmu.Unlock()
	l.s.mu.RUnlock()
}
