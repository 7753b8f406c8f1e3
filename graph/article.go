package graph

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/key"
)

// Length limits of the short strings of an article, in bytes.
const (
	maxMetaBytes  = 4096 // URL, source id, title
	maxNameBytes  = 1024 // speaker, venue and outlet names, titles, cues
	maxListLen    = 100  // titles or aliases kept per speaker
	maxQuoteBytes = 64 << 10
)

// PutArticle stores an article with its quotations in one transaction and
// tells what it did. The article is recognised by its Key (URL, else
// "id:"+SourceID, else "sha256:"+Hash): the same text again writes nothing
// (Unchanged); other text under the same key replaces the article's
// quotations and keeps its id (Replaced). Speakers are matched by
// normalized name or alias, venues by normalized name and kind, outlets by
// normalized name; the ones not found are created. It is Prepare and
// PutBatch of one article.
//
// It returns an error wrapping ErrInvalid, naming the field, when the input
// does not validate or is too large to store, and ErrClosed after Close.
// On error nothing is written.
func (s *Store) PutArticle(ctx context.Context, in ArticleInput) (PutResult, error) {
	p, err := Prepare(in)
	if err != nil {
		return PutResult{}, fmt.Errorf("put article: %w", err)
	}
	res, errs := s.PutBatch(ctx, []*Prepared{p})
	return res[0], errs[0]
}

func articleKey(in ArticleInput, hash string) string {
	switch {
	case in.URL != "":
		return in.URL
	case in.SourceID != "":
		return "id:" + in.SourceID
	}
	return "sha256:" + hash
}

// validate checks in and trims its URL and source id, which make the key.
func validate(in *ArticleInput) error {
	in.URL = strings.TrimSpace(in.URL)
	in.SourceID = strings.TrimSpace(in.SourceID)
	switch {
	case strings.TrimSpace(in.Text) == "":
		return fmt.Errorf("%w: text: empty", ErrInvalid)
	case len(in.Text) > MaxTextBytes:
		return fmt.Errorf("%w: text: %d bytes, more than %d", ErrInvalid, len(in.Text), MaxTextBytes)
	case !utf8.ValidString(in.Text):
		return fmt.Errorf("%w: text: not valid UTF-8", ErrInvalid)
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"url", in.URL, maxMetaBytes}, {"sourceId", in.SourceID, maxMetaBytes}, {"title", in.Title, maxMetaBytes}, {"outlet", in.Outlet, maxNameBytes}} {
		if err := checkString(f.name, f.v, f.max); err != nil {
			return err
		}
	}
	n := utf8.RuneCountInString(in.Text)
	for i, q := range in.Quotes {
		if err := validateQuote(fmt.Sprintf("quotes[%d]", i), q, n); err != nil {
			return err
		}
	}
	return nil
}

// validateQuote checks a quotation of an article of n code points.
func validateQuote(field string, q QuoteInput, n int) error {
	if strings.TrimSpace(q.Text) == "" {
		return fmt.Errorf("%w: %s.text: empty", ErrInvalid, field)
	}
	if err := checkString(field+".text", q.Text, maxQuoteBytes); err != nil {
		return err
	}
	if !validKind(q.Kind) {
		return fmt.Errorf("%w: %s.kind: %q is not direct, partial or indirect", ErrInvalid, field, q.Kind)
	}
	for j, sp := range q.Spans {
		if err := checkSpan(fmt.Sprintf("%s.spans[%d]", field, j), sp, n); err != nil {
			return err
		}
	}
	if q.CueSpan != nil {
		if err := checkSpan(field+".cueSpan", *q.CueSpan, n); err != nil {
			return err
		}
	}
	if q.MentionSpan != nil {
		if err := checkSpan(field+".mentionSpan", *q.MentionSpan, n); err != nil {
			return err
		}
	}
	if math.IsNaN(q.Confidence) || q.Confidence < 0 || q.Confidence > 1 {
		return fmt.Errorf("%w: %s.confidence: %v not in [0, 1]", ErrInvalid, field, q.Confidence)
	}
	if err := checkString(field+".cue", q.Cue, maxNameBytes); err != nil {
		return err
	}
	if err := checkString(field+".mention", q.Mention, maxNameBytes); err != nil {
		return err
	}
	if q.CueKind != "" && !slices.Contains(CueKinds, q.CueKind) {
		return fmt.Errorf("%w: %s.cueKind: %q is not speech or stance", ErrInvalid, field, q.CueKind)
	}
	if sp := q.Speaker; sp != nil {
		if err := checkName(field+".speaker.name", sp.Name); err != nil {
			return err
		}
		if sp.Type != "" && !validSpeakerType(sp.Type) {
			return fmt.Errorf("%w: %s.speaker.type: %q is not one of %v", ErrInvalid, field, sp.Type, SpeakerTypes)
		}
		for j, t := range sp.Titles {
			if err := checkString(fmt.Sprintf("%s.speaker.titles[%d]", field, j), t, maxNameBytes); err != nil {
				return err
			}
		}
	}
	if v := q.Venue; v != nil {
		if err := checkName(field+".venue.name", v.Name); err != nil {
			return err
		}
		if !validVenueKind(v.Kind) {
			return fmt.Errorf("%w: %s.venue.kind: %q is not a venue kind", ErrInvalid, field, v.Kind)
		}
	}
	return nil
}

func checkString(field, v string, max int) error {
	switch {
	case len(v) > max:
		return fmt.Errorf("%w: %s: %d bytes, more than %d", ErrInvalid, field, len(v), max)
	case !utf8.ValidString(v):
		return fmt.Errorf("%w: %s: not valid UTF-8", ErrInvalid, field)
	}
	return nil
}

// checkName checks a name that things are matched by: it must keep a
// letter or digit when normalized.
func checkName(field, v string) error {
	if err := checkString(field, v, maxNameBytes); err != nil {
		return err
	}
	if fold.String(v) == "" {
		return fmt.Errorf("%w: %s: %q has no letters or digits", ErrInvalid, field, v)
	}
	return nil
}

func checkSpan(field string, sp Span, n int) error {
	if sp.Start < 0 || sp.Start > sp.End || sp.End > n {
		return fmt.Errorf("%w: %s: [%d, %d) not within the text's %d code points", ErrInvalid, field, sp.Start, sp.End, n)
	}
	return nil
}

func validKind(k string) bool {
	switch k {
	case KindDirect, KindPartial, KindIndirect:
		return true
	}
	return false
}

func validVenueKind(k string) bool {
	switch k {
	case VenueBroadcast, VenuePrint, VenueOnline, VenueSocial, VenueEvent,
		VenueInterview, VenueStatement, VenueAudience, VenuePlace, VenueOther:
		return true
	}
	return false
}

// clean collapses runs of white space, for names as printed.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// textOrder returns the indexes of qs ordered by where each quote starts
// in the text (its first span, else its cue, else its mention); quotes
// without any position keep their order at the end.
func textOrder(qs []QuoteInput) []int {
	pos := func(q QuoteInput) int {
		switch {
		case len(q.Spans) > 0:
			return q.Spans[0].Start
		case q.CueSpan != nil:
			return q.CueSpan.Start
		case q.MentionSpan != nil:
			return q.MentionSpan.Start
		}
		return math.MaxInt
	}
	idx := make([]int, len(qs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return pos(qs[a]) - pos(qs[b]) })
	return idx
}

// writer gathers the changes of one write transaction: records are
// written as it goes; speakers, edge counts and counters at flush. Its
// parts follow what they keep: the venues and outlet the write found or
// made (catalog), the speaker records identity resolution reads and
// changes (people), what its quotes change of the search index and the
// dashboard counts (tally), and the counters of records, numbers and
// speaker-venue edges (ledger).
type writer struct {
	txn       *badger.Txn
	rtxn      *badger.Txn // the same state without txn's writes, for the search segments and index scans
	now       time.Time
	res       *PutResult
	added     []Quote       // the quotes written, for watchers
	printings []rawPrinting // the printings written, for watchers
	plain     bool          // store quotes as they come: no identity, grouping or copies (benchmarks)
	catalog
	people
	tally
	ledger
	batch
}

// catalog is what a write found or made of venues and of the outlet of
// its article.
type catalog struct {
	venues     map[string]uuid.UUID // by lookup key
	venueNames map[uuid.UUID]string // folded names, for speaker profiles
	venueNum   map[uuid.UUID]uint32
	outlet     struct {
		id  uuid.UUID
		num uint32
	}
}

// ledger is what a write changes of the counters: records by kind, the
// last numbers handed out, and speaker-venue edges.
type ledger struct {
	counters map[string]int64
	nums     map[string]uint32 // last numbers read, by counter name
	edges    map[[2 * key.IDLen]byte]int64
}

func newWriter(txn, rtxn *badger.Txn, cache *countCache) *writer {
	return &writer{
		txn:  txn,
		rtxn: rtxn,
		now:  clock().UTC(),
		res:  &PutResult{},
		catalog: catalog{
			venues:     map[string]uuid.UUID{},
			venueNames: map[uuid.UUID]string{},
			venueNum:   map[uuid.UUID]uint32{},
		},
		people: people{
			speakers: map[uuid.UUID]*speakerRec{},
			orig:     map[uuid.UUID][]entry{},
			dirty:    map[uuid.UUID]bool{},
			byName:   map[string]uuid.UUID{},
			loaded:   map[uuid.UUID]*speakerRec{},
		},
		tally: tally{
			cache:   cache,
			written: map[string]int64{},
			counts:  map[string]int64{},
		},
		ledger: ledger{
			counters: map[string]int64{},
			nums:     map[string]uint32{},
			edges:    map[[2 * key.IDLen]byte]int64{},
		},
		batch: batch{
			matches: map[string][]byte{},
			posted:  map[string]bool{},
			blocks:  map[string][]uuid.UUID{},
			occs:    map[uuid.UUID]*printingRef{},
			gone:    map[uuid.UUID]bool{},
			quoted:  map[uuid.UUID][]printing{},
		},
	}
}

func (w *writer) putArticle(p *Prepared) (PutResult, error) {
	in, akey, hash := p.in, p.key, p.hash
	res := w.res
	rec := articleRec{
		Key: akey, SourceID: in.SourceID, URL: in.URL, Title: in.Title,
		Hash: hash, TextLen: len(in.Text), Ingested: w.now,
	}
	if !in.Published.IsZero() {
		rec.Published = in.Published.UTC()
	}
	oldLen := 0
	v, ok, err := get(w.txn, key.Lookup(key.KindArticleByKey, akey))
	if err != nil {
		return *res, err
	}
	if ok {
		id, err := uuid.FromBytes(v)
		if err != nil {
			return *res, fmt.Errorf("article key %s: %v", akey, err)
		}
		var old articleRec
		if err := load(w.txn, key.KindArticle, id, &old); err != nil {
			return *res, fmt.Errorf("article %s: %w", id, err)
		}
		if old.Hash == hash {
			text, err := readText(w.txn, id, old.TextLen)
			if err != nil {
				return *res, err
			}
			res.Article = old.article(text)
			res.Unchanged = true
			res.Quotes = countKeys(w.txn, key.Record(key.KindQuoteByArticle, id))
			return *res, nil
		}
		if err := w.deleteArticleQuotes(old); err != nil {
			return *res, err
		}
		for _, e := range articleIndex(old) {
			if err := del(w.txn, e.k); err != nil {
				return *res, err
			}
		}
		rec.ID, rec.Ingested, oldLen = old.ID, old.Ingested, old.TextLen
		res.Replaced = true
	} else {
		if rec.ID, err = newID(); err != nil {
			return *res, err
		}
		w.counters[key.CounterArticles]++
	}
	if fold.String(in.Outlet) != "" {
		rec.Outlet = clean(in.Outlet)
		if rec.OutletID, err = w.findOutlet(rec.Outlet); err != nil {
			return *res, err
		}
	}
	rec.Sketch = p.sketch
	if err := writeText(w.txn, rec.ID, in.Text, oldLen); err != nil {
		return *res, err
	}
	if err := w.putQuotes(&rec, p); err != nil {
		return *res, err
	}
	if err := store(w.txn, key.KindArticle, rec.ID, rec); err != nil {
		return *res, err
	}
	for _, e := range articleIndex(rec) {
		if err := set(w.txn, e.k, e.v); err != nil {
			return *res, err
		}
	}
	res.Article = rec.article(in.Text)
	res.Quotes = len(in.Quotes)
	return *res, nil
}

// putQuotes stores the quotations of article a, prepared in p, then
// resolves the identities of new speakers, groups each quotation with the
// quotes other articles printed, and looks for the article a copies. a's
// record is written by the caller, as finding the copy may change it.
func (w *writer) putQuotes(a *articleRec, p *Prepared) error {
	quotes := p.in.Quotes // in text order
	// Occurrence ids are UUIDv7, increasing; handing them out in text order
	// makes an article's occurrences, and the quotes it starts, list in
	// text order.
	ids := make([]uuid.UUID, len(quotes))
	for i := range ids {
		var err error
		if ids[i], err = newID(); err != nil {
			return err
		}
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	occs := make([]*occRec, 0, len(quotes))
	titles := make([][]string, 0, len(quotes))
	for i, q := range quotes {
		o, err := w.occurrence(ids[i], *a, q)
		if err != nil {
			return err
		}
		occs = append(occs, o)
		var ts []string
		if q.Speaker != nil {
			ts = q.Speaker.Titles
		}
		titles = append(titles, ts)
	}
	a.Quotes = len(occs)
	for i, q := range quotes {
		w.prepared(q.Text, p.quotes[i].words)
	}
	g := newGrouper(w, a)
	if w.plain {
		for i, o := range occs {
			if err := g.start(o, &p.quotes[i]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := w.profiles(*a, occs, titles); err != nil {
		return err
	}
	inArticle := map[uuid.UUID]bool{}
	for _, o := range occs {
		inArticle[o.SpeakerID] = true
	}
	if err := w.resolve(inArticle); err != nil {
		return err
	}
	for i, o := range occs {
		if err := g.place(o, &p.quotes[i]); err != nil {
			return err
		}
	}
	return w.findCopy(a, g.shared, g.count)
}

// occurrence prepares the occurrence of a quotation in article a, finding
// or creating its speaker and venue. The grouper writes it.
func (w *writer) occurrence(id uuid.UUID, a articleRec, in QuoteInput) (*occRec, error) {
	o := &occRec{ID: id, attribution: attribution{
		ArticleID: a.ID, OutletID: a.OutletID, OutletNum: w.outlet.num, Text: in.Text, Kind: in.Kind, Spans: in.Spans,
		Cue: in.Cue, CueSpan: in.CueSpan, CueKind: storedCueKind(in.CueKind), Mention: in.Mention, MentionSpan: in.MentionSpan,
		Confidence: in.Confidence, Published: a.Published,
	}}
	var err error
	if in.Speaker != nil {
		var created bool
		if o.SpeakerID, created, err = w.speaker(*in.Speaker); err != nil {
			return nil, err
		}
		o.SpeakerNum = w.speakers[o.SpeakerID].Num
		if created {
			w.res.NewSpeakers++
		}
	}
	if in.Venue != nil {
		var created bool
		if o.VenueID, created, err = w.venue(*in.Venue); err != nil {
			return nil, err
		}
		o.VenueNum = w.venueNum[o.VenueID]
		if created {
			w.res.NewVenues++
		}
	}
	if o.SpeakerID != uuid.Nil && o.VenueID != uuid.Nil {
		w.edges[edgeID(o.SpeakerID, o.VenueID)]++
	}
	w.counters[key.CounterOccurs]++
	return o, nil
}

// nextNum hands out the next number of the counter name.
func (w *writer) nextNum(name string) (uint32, error) {
	n, ok := w.nums[name]
	if !ok {
		last, err := readCounter(w.txn, name)
		if err != nil {
			return 0, err
		}
		n = uint32(last)
	}
	n++
	w.nums[name] = n
	return n, nil
}

// deleteArticleQuotes deletes the occurrences of a with their index
// entries, and recomputes the quotes they belonged to.
func (w *writer) deleteArticleQuotes(a articleRec) error {
	var ids []uuid.UUID
	o := badger.DefaultIteratorOptions
	o.Prefix = key.Record(key.KindQuoteByArticle, a.ID)
	it := w.txn.NewIterator(o)
	for it.Rewind(); it.Valid(); it.Next() {
		err := it.Item().Value(func(v []byte) error {
			id, ok := printingOf(v)
			if !ok {
				return fmt.Errorf("quote %x of article %s: value of %d bytes", it.Item().Key(), a.ID, len(v))
			}
			ids = append(ids, id)
			return nil
		})
		if err != nil {
			it.Close()
			return err
		}
	}
	it.Close()
	gone := map[uuid.UUID]bool{}
	var quotes []uuid.UUID
	for _, id := range ids {
		var o occRec
		if err := load(w.txn, key.KindOccurrence, id, &o); err != nil {
			return fmt.Errorf("occurrence %s of article %s: %w", id, a.ID, err)
		}
		gone[id] = true
		if !slices.Contains(quotes, o.QuoteID) {
			quotes = append(quotes, o.QuoteID)
		}
		if o.SpeakerID != uuid.Nil && o.VenueID != uuid.Nil {
			w.edges[edgeID(o.SpeakerID, o.VenueID)]--
		}
		w.counters[key.CounterOccurs]--
	}
	for _, qid := range quotes {
		var q quoteRec
		if err := load(w.txn, key.KindQuote, qid, &q); err != nil {
			return fmt.Errorf("quote %s: %w", qid, err)
		}
		all, err := loadOccurrences(w.txn, qid, 0)
		if err != nil {
			return err
		}
		var keep []occRec
		for _, o := range all {
			if !gone[o.ID] {
				keep = append(keep, o)
			}
		}
		if err := w.rewriteQuote(&q, all, keep); err != nil {
			return err
		}
	}
	for _, id := range ids {
		var o occRec
		if err := load(w.txn, key.KindOccurrence, id, &o); err != nil {
			return err
		}
		w.gone[id] = true
		delete(w.occs, id)
		for _, e := range occIndex(o) {
			if err := del(w.txn, e.k); err != nil {
				return err
			}
		}
		if err := w.dropPostings(o); err != nil {
			return err
		}
		if err := del(w.txn, key.Record(key.KindOccurrence, id)); err != nil {
			return err
		}
	}
	return nil
}

// reader returns the transaction for index scans whose entries this write
// does not change, or whose changes it skips anyway: iterators over a
// read-write transaction copy and sort its pending writes, each time.
func (w *writer) reader() *badger.Txn {
	if w.rtxn != nil {
		return w.rtxn
	}
	return w.txn
}

// loadSpeaker returns the speaker record id, cached for the write.
func (w *writer) loadSpeaker(id uuid.UUID) (*speakerRec, error) {
	if sp, ok := w.speakers[id]; ok {
		return sp, nil
	}
	if w.caches != nil {
		if c, ok := w.caches.speaker.get(id); ok {
			w.caches.stats.SpeakerHits++
			rec := c.rec.clone()
			w.speakers[id] = &rec
			w.orig[id] = c.idx
			w.loaded[id] = c.rec
			return &rec, nil
		}
		w.caches.stats.SpeakerMisses++
	}
	var rec speakerRec
	if err := load(w.txn, key.KindSpeaker, id, &rec); err != nil {
		return nil, fmt.Errorf("speaker %s: %w", id, err)
	}
	w.speakers[id] = &rec
	w.orig[id] = speakerIndex(rec)
	if w.caches != nil {
		c := rec.clone()
		w.loaded[id] = &c
	}
	return &rec, nil
}

// root returns the canonical record of id's cluster.
func (w *writer) root(id uuid.UUID) (*speakerRec, error) {
	sp, err := w.loadSpeaker(id)
	if err != nil || sp.Canon == uuid.Nil {
		return sp, err
	}
	return w.loadSpeaker(sp.Canon)
}

// speaker finds or creates the speaker of ref, adding its titles and the
// name as printed when it is new to the speaker.
func (w *writer) speaker(ref SpeakerRef) (id uuid.UUID, created bool, err error) {
	name := clean(ref.Name)
	norm := fold.String(name)
	id, ok := w.byName[norm]
	if !ok {
		v, found, err := get(w.txn, key.Lookup(key.KindSpeakerLookup, norm))
		if err != nil {
			return id, false, err
		}
		if found {
			if id, err = uuid.FromBytes(v[:min(len(v), key.IDLen)]); err != nil {
				return id, false, fmt.Errorf("speaker lookup %q: %v", norm, err)
			}
			if _, err := w.loadSpeaker(id); err != nil {
				return id, false, err
			}
		} else {
			if id, err = newID(); err != nil {
				return id, false, err
			}
			num, err := w.nextNum(key.LastSpeakerNum)
			if err != nil {
				return id, false, err
			}
			w.speakers[id] = &speakerRec{ID: id, Num: num, Type: ref.Type, Name: name, Created: w.now}
			w.dirty[id], created = true, true
			w.created = append(w.created, id)
			w.named = append(w.named, id)
			w.counters[key.CounterSpeakers]++
		}
		w.byName[norm] = id
	}
	sp := w.speakers[id]
	if sp.Type == "" && ref.Type != "" && ref.Type != SpeakerPerson {
		sp.Type = ref.Type // a name stored before types, now typed
		w.dirty[id] = true
	}
	if !strings.EqualFold(name, sp.Name) && !containsFold(sp.Aliases, name) && len(sp.Aliases) < maxListLen {
		sp.Aliases = append(sp.Aliases, name)
		w.dirty[id] = true
		w.named = append(w.named, id)
	}
	for _, t := range ref.Titles {
		if t = clean(t); t != "" && !containsFold(sp.Titles, t) && len(sp.Titles) < maxListLen {
			sp.Titles = append(sp.Titles, t)
			w.dirty[id] = true
		}
	}
	return id, created, nil
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// venue finds or creates the venue of ref.
func (w *writer) venue(ref VenueRef) (id uuid.UUID, created bool, err error) {
	name := clean(ref.Name)
	lk := key.VenueLookup(fold.String(name), ref.Kind)
	if id, ok := w.venues[string(lk)]; ok {
		return id, false, nil
	}
	v, found, err := get(w.txn, lk)
	switch {
	case err != nil:
		return id, false, err
	case found:
		if id, err = uuid.FromBytes(v); err != nil {
			return id, false, fmt.Errorf("venue lookup %q: %v", lk[1:], err)
		}
		var rec venueRec
		if err := load(w.txn, key.KindVenue, id, &rec); err != nil {
			return id, false, fmt.Errorf("venue %s: %w", id, err)
		}
		w.venueNum[id] = rec.Num
	default:
		if id, err = newID(); err != nil {
			return id, false, err
		}
		num, err := w.nextNum(key.LastVenueNum)
		if err != nil {
			return id, false, err
		}
		w.venueNum[id] = num
		rec := venueRec{ID: id, Num: num, Name: name, Kind: ref.Kind}
		if err := store(w.txn, key.KindVenue, id, rec); err != nil {
			return id, false, err
		}
		for _, e := range venueIndex(rec) {
			if err := set(w.txn, e.k, e.v); err != nil {
				return id, false, err
			}
		}
		w.counters[key.CounterVenues]++
		created = true
	}
	w.venues[string(lk)] = id
	w.venueNames[id] = fold.String(name)
	return id, created, nil
}

// findOutlet finds or creates the outlet named name, and keeps it as the
// outlet of the article being written.
func (w *writer) findOutlet(name string) (uuid.UUID, error) {
	k := key.Lookup(key.KindOutletByName, fold.String(name))
	v, found, err := get(w.txn, k)
	if err != nil {
		return uuid.Nil, err
	}
	if found {
		id, err := uuid.FromBytes(v)
		if err != nil {
			return id, fmt.Errorf("outlet lookup %q: %v", k[1:], err)
		}
		var rec outletRec
		if err := load(w.txn, key.KindOutlet, id, &rec); err != nil {
			return id, fmt.Errorf("outlet %s: %w", id, err)
		}
		w.outlet.id, w.outlet.num = id, rec.Num
		return id, nil
	}
	id, err := newID()
	if err != nil {
		return id, err
	}
	num, err := w.nextNum(key.LastOutletNum)
	if err != nil {
		return id, err
	}
	w.outlet.id, w.outlet.num = id, num
	rec := outletRec{ID: id, Num: num, Name: name}
	if err := store(w.txn, key.KindOutlet, id, rec); err != nil {
		return id, err
	}
	for _, e := range outletIndex(rec) {
		if err := set(w.txn, e.k, e.v); err != nil {
			return id, err
		}
	}
	w.counters[key.CounterOutlets]++
	return id, nil
}

// flush writes the match keys' postings, the last numbers handed out, the
// changed speakers with their index entries, the speaker→venue edge
// counts, the counts and the counters, and the search index's new
// segment, built on a goroutine of its own meanwhile.
func (w *writer) flush() error {
	seg, err := w.startPostings()
	if err != nil {
		return err
	}
	defer seg.wait()
	if err := w.writeMatches(); err != nil {
		return err
	}
	for name, n := range w.nums {
		if err := set(w.txn, key.Counter(name), uint64Bytes(uint64(n))); err != nil {
			return err
		}
	}
	if err := w.flushSpeakers(); err != nil {
		return err
	}
	if err := w.flushEdges(); err != nil {
		return err
	}
	if err := w.flushCounts(); err != nil {
		return err
	}
	if err := w.flushCounters(); err != nil {
		return err
	}
	if err := w.finishPostings(seg); err != nil {
		return err
	}
	clear(w.edges)
	clear(w.counters)
	return nil
}

// flushEdges adds the write's changes to the speaker→venue edge counts.
func (w *writer) flushEdges() error {
	for e, d := range w.edges {
		if d == 0 {
			continue
		}
		k := append(key.KindSpeakerVenue.Prefix(), e[:]...)
		n, err := readCount(w.txn, k)
		if err != nil {
			return err
		}
		if n += d; n <= 0 {
			err = del(w.txn, k)
		} else {
			err = set(w.txn, k, uint64Bytes(uint64(n)))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// flushCounters adds the write's changes to the record counters.
func (w *writer) flushCounters() error {
	for name, d := range w.counters {
		if d == 0 {
			continue
		}
		k := key.Counter(name)
		n, err := readCount(w.txn, k)
		if err != nil {
			return err
		}
		if err := set(w.txn, k, uint64Bytes(uint64(max(n+d, 0)))); err != nil {
			return err
		}
	}
	return nil
}

func readCount(txn *badger.Txn, k []byte) (int64, error) {
	b, ok, err := get(txn, k)
	if err != nil || !ok {
		return 0, err
	}
	n, err := parseUint64(b)
	if err != nil {
		return 0, fmt.Errorf("count %x: %v", k, err)
	}
	return int64(n), nil
}

func edgeID(speaker, venue uuid.UUID) [2 * key.IDLen]byte {
	var e [2 * key.IDLen]byte
	copy(e[:], speaker[:])
	copy(e[key.IDLen:], venue[:])
	return e
}

// Article returns the article with id, or an error wrapping ErrNotFound.
func (s *Store) Article(ctx context.Context, id uuid.UUID) (Article, error) {
	var a Article
	err := s.view(ctx, func(txn *badger.Txn) (err error) {
		a, err = loadArticle(txn, id)
		return err
	})
	if err != nil {
		return Article{}, fmt.Errorf("article %s: %w", id, err)
	}
	return a, nil
}

// ArticleByKey returns the article stored under key (its URL, "id:" and
// its source id, or "sha256:" and its hash), or an error wrapping
// ErrNotFound.
func (s *Store) ArticleByKey(ctx context.Context, k string) (Article, error) {
	var a Article
	err := s.view(ctx, func(txn *badger.Txn) error {
		v, ok, err := get(txn, key.Lookup(key.KindArticleByKey, k))
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		id, err := uuid.FromBytes(v)
		if err != nil {
			return fmt.Errorf("article key: %v", err)
		}
		a, err = loadArticle(txn, id)
		return err
	})
	if err != nil {
		return Article{}, fmt.Errorf("article %q: %w", k, err)
	}
	return a, nil
}

// Articles returns a page of articles, newest published first; articles
// without a date come last, and articles of the same date in the order
// they were first stored. A backward page reads the date index in
// reverse. It returns ErrBadCursor for a cursor it did not issue.
func (s *Store) Articles(ctx context.Context, page Page) ([]Article, PageInfo, error) {
	cur, back, err := page.cursor(cursorArticle)
	if err == nil && cur != nil && len(cur) != key.DateLen+key.IDLen {
		err = ErrBadCursor
	}
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("articles: %w", err)
	}
	var out []Article
	var info PageInfo
	err = s.view(ctx, func(txn *badger.Txn) error {
		total, err := readCounter(txn, key.CounterArticles)
		if err != nil {
			return err
		}
		pg := newPager[Article](cursorArticle, page, cur, back)
		prefix := key.KindArticleByDate.Prefix()
		it := iterate(txn, prefix, back)
		defer it.Close()
		for it.Seek(seekKey(prefix, cur, back)); it.Valid(); it.Next() {
			k := it.Item().Key()[1:]
			if cur != nil && bytes.Equal(k, cur) {
				continue
			}
			if !pg.room() {
				break
			}
			id, err := uuid.FromBytes(k[key.DateLen:])
			if err != nil {
				return fmt.Errorf("article date index: %v", err)
			}
			a, err := loadArticle(txn, id)
			if err != nil {
				return fmt.Errorf("article %s: %w", id, err)
			}
			pg.add(k, a)
		}
		out, info = pg.done(int(total))
		return nil
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("articles: %w", err)
	}
	return out, info, nil
}

// articlesBatch is how many articles ArticlesAll reads per transaction.
const articlesBatch = 64

// ArticlesAll calls fn with every stored article in the order they were
// first stored, for rebuilds and exports. It stops at the first error of
// fn and returns it. No transaction is held while fn runs, so fn may
// write to the store; articles written meanwhile may or may not be seen.
func (s *Store) ArticlesAll(ctx context.Context, fn func(Article) error) error {
	next := key.KindArticle.Prefix()
	for next != nil {
		var batch []Article
		err := s.view(ctx, func(txn *badger.Txn) error {
			o := badger.DefaultIteratorOptions
			o.Prefix = key.KindArticle.Prefix()
			o.PrefetchSize = 16
			it := txn.NewIterator(o)
			defer it.Close()
			start := next
			next = nil
			for it.Seek(start); it.Valid(); it.Next() {
				item := it.Item()
				if len(batch) == articlesBatch {
					next = item.KeyCopy(nil)
					break
				}
				v, err := item.ValueCopy(nil)
				if err != nil {
					return dbErr("read article", err)
				}
				var rec articleRec
				if err := decodeRecord(v, &rec); err != nil {
					return fmt.Errorf("article %x: %w", item.Key()[1:], err)
				}
				text, err := readText(txn, rec.ID, rec.TextLen)
				if err != nil {
					return err
				}
				batch = append(batch, rec.article(text))
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("all articles: %w", err)
		}
		for _, a := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(a); err != nil {
				return err
			}
		}
	}
	return nil
}
