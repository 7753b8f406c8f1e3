package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/similar"
)

// A Loader writes whole records, ids and all, into an empty store: the
// way back from an export (graphd import), and the way to build a large
// store fast. It writes in large batches without reading anything back,
// keeping counts, speaker→venue edges, the dashboard counts and the match
// index in memory until Close writes them.
//
// Records must come before what refers to them: an outlet before its
// articles, an article, speaker record and venue before the quotes
// printed there or attributed to them, speaker records before the
// candidates that compare them. The links within a cluster of speaker
// records and between an article and the one it copies may point
// forward: Close checks them. The Loader checks ids, references, names,
// spans, kinds and confidences as PutArticle would, and returns
// ErrInvalid when one fails.
//
// A load is not one transaction. The store is marked as loading until
// Close succeeds, and Open refuses a store whose load did not finish (the
// process died). A load that fails, or is given up with Abort, deletes
// what it wrote, leaving the store empty again. The Loader holds the
// store's write lock until Close or Abort; it is not safe for concurrent
// use.
type Loader struct {
	s    *Store
	ctx  context.Context
	wb   *badger.WriteBatch
	sets int // keys set, for checking the free space now and then

	counters map[string]int64
	counts   map[string]int64
	edges    map[[2 * key.IDLen]byte]int64

	articles   map[uuid.UUID]*loadedArticle
	speakers   map[uuid.UUID]*loadedSpeaker
	venues     map[uuid.UUID]uint32
	outlets    map[uuid.UUID]loadedOutlet
	quotes     map[uuid.UUID]bool
	occs       map[uuid.UUID]bool
	candidates map[uuid.UUID]bool
	names      map[string]uuid.UUID // lookup keys taken, as strings
	decided    map[string]bool      // decision keys, either way
	nums       map[string]uint32    // last numbers handed out
	words      map[string][]posting
	matches    map[string][]byte // match key → postings, the newest maxPostings by occurrence id

	done bool
}

type loadedArticle struct {
	rec       articleRec // written by Close, when the printings are counted
	outletNum uint32
	runes     int
}

type loadedSpeaker struct {
	num           uint32
	canon, parent uuid.UUID
	members       []uuid.UUID
}

type loadedOutlet struct {
	name string
	num  uint32
}

// Load starts loading into the store, which must be empty; ErrInvalid
// otherwise.
func (s *Store) Load(ctx context.Context) (*Loader, error) {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, ErrClosed
	}
	if err := s.writable(); err != nil {
		s.mu.RUnlock()
		return nil, err
	}
	s.wmu.Lock()
	unlock := func() { s.wmu.Unlock(); s.mu.RUnlock() }
	err := s.db.Update(func(txn *badger.Txn) error {
		for _, p := range []key.Kind{key.KindArticle, key.KindQuote, key.KindSpeaker, key.KindVenue, key.KindOutlet} {
			if countKeys(txn, p.Prefix()) > 0 {
				return fmt.Errorf("%w: the store is not empty", ErrInvalid)
			}
		}
		return set(txn, key.Loading(), []byte{1})
	})
	if err != nil {
		unlock()
		return nil, fmt.Errorf("load: %w", err)
	}
	return &Loader{
		s: s, ctx: ctx, wb: s.db.NewWriteBatch(),
		counters: map[string]int64{}, counts: map[string]int64{}, edges: map[[2 * key.IDLen]byte]int64{},
		articles: map[uuid.UUID]*loadedArticle{}, speakers: map[uuid.UUID]*loadedSpeaker{}, venues: map[uuid.UUID]uint32{},
		outlets: map[uuid.UUID]loadedOutlet{}, quotes: map[uuid.UUID]bool{}, occs: map[uuid.UUID]bool{},
		candidates: map[uuid.UUID]bool{}, decided: map[string]bool{}, names: map[string]uuid.UUID{}, nums: map[string]uint32{},
		words: map[string][]posting{}, matches: map[string][]byte{},
	}, nil
}

func (l *Loader) set(k, v []byte) error {
	if l.sets++; l.sets%4096 == 0 {
		if err := l.s.checkSpace(); err != nil {
			return err
		}
	}
	if err := l.wb.Set(k, v); err != nil {
		return dbErr("load", err)
	}
	return nil
}

func (l *Loader) record(p key.Kind, id uuid.UUID, v any) error {
	b, err := encodeRecord(v)
	if err != nil {
		return err
	}
	return l.set(key.Record(p, id), b)
}

func (l *Loader) entries(es []entry) error {
	for _, e := range es {
		if err := l.set(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// claim takes the lookup key k for id; ErrInvalid when another has it,
// unless it is a folded name an earlier record may hold (firstClaim).
func (l *Loader) claim(what string, k []byte, id uuid.UUID) error {
	if other, ok := l.names[string(k)]; ok && other != id {
		if firstClaim(k) {
			return nil
		}
		return fmt.Errorf("%w: %s %q is also %s", ErrInvalid, what, k[1:], other)
	}
	l.names[string(k)] = id
	return nil
}

// owned drops from es the lookup keys an earlier record of the load
// claimed (firstClaim).
func (l *Loader) owned(id uuid.UUID, es []entry) []entry {
	return slices.DeleteFunc(es, func(e entry) bool {
		other, ok := l.names[string(e.k)]
		return firstClaim(e.k) && ok && other != id
	})
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
	if err := l.claim("outlet", key.Lookup(key.KindOutletByName, fold.String(r.Name)), o.ID); err != nil {
		return fmt.Errorf("load outlet %s: %w", o.ID, err)
	}
	l.nums[key.LastOutletNum]++
	r.Num = l.nums[key.LastOutletNum]
	l.outlets[o.ID] = loadedOutlet{r.Name, r.Num}
	l.counters[key.CounterOutlets]++
	if err := l.record(key.KindOutlet, o.ID, r); err != nil {
		return err
	}
	return l.entries(l.owned(o.ID, outletIndex(r)))
}

// Speaker loads a speaker record of one name that was never merged, with
// its aliases and titles; its roles and merges are not loaded. See
// SpeakerRecord.
func (l *Loader) Speaker(sp Speaker) error {
	return l.SpeakerRecord(SpeakerRecord{ID: sp.ID, Type: sp.Type, Name: sp.Name, Aliases: sp.Aliases, Titles: sp.Titles})
}

// Bounds on what a loaded speaker record carries beyond its names.
const (
	maxEvidence = 64 // items of evidence of one merge or candidate
)

// SpeakerRecord loads a speaker record as Snapshot.SpeakerRecord gives
// it: its names, titles, roles and identity profile, and its place in a
// cluster. A record merged into another names its canonical record and
// the record it was matched with, and has the merge's evidence; a
// canonical record lists its members. Close checks that the clusters
// hold together.
func (l *Loader) SpeakerRecord(sp SpeakerRecord) error {
	if err := l.check("speaker", sp.ID, l.speakers[sp.ID] != nil); err != nil {
		return err
	}
	r := speakerRec{ID: sp.ID, Type: sp.Type, Name: clean(sp.Name), Canon: sp.Canonical, Parent: sp.Parent, Created: sp.Created.UTC()}
	err := checkName("name", sp.Name)
	if err == nil && sp.Type != "" && !validSpeakerType(sp.Type) {
		err = fmt.Errorf("%w: type %q is not one of %v", ErrInvalid, sp.Type, SpeakerTypes)
	}
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
	for i, ro := range sp.Roles {
		if err == nil {
			err = checkString(fmt.Sprintf("roles[%d].title", i), ro.Title, maxNameBytes)
		}
		if err == nil {
			err = checkString(fmt.Sprintf("roles[%d].organization", i), ro.Organization, maxNameBytes)
		}
		rr := roleRec{Title: ro.Title, Org: ro.Organization}
		if !ro.From.IsZero() {
			rr.From = ro.From.UTC()
		}
		if !ro.To.IsZero() {
			rr.To = ro.To.UTC()
		}
		r.Roles = append(r.Roles, rr)
	}
	for _, list := range []struct {
		field string
		in    []string
		out   *[]string
	}{{"venues", sp.Venues, &r.Venues}, {"quotedWith", sp.QuotedWith, &r.Co}} {
		if err == nil && len(list.in) > maxProfileList {
			err = fmt.Errorf("%w: %s: more than %d", ErrInvalid, list.field, maxProfileList)
		}
		for i, v := range list.in {
			if err == nil {
				err = checkString(fmt.Sprintf("%s[%d]", list.field, i), v, maxNameBytes)
			}
		}
		*list.out = list.in
	}
	if err == nil && (len(r.Aliases) > maxListLen || len(r.Titles) > maxListLen || len(r.Roles) > maxListLen || len(sp.Members) > maxClusterSize) {
		err = fmt.Errorf("%w: more than %d aliases, titles or roles, or more than %d members", ErrInvalid, maxListLen, maxClusterSize)
	}
	if err == nil {
		err = checkString("display", sp.Display, maxNameBytes)
	}
	if err == nil {
		err = checkCluster(sp)
	}
	if err == nil && sp.Merge != nil {
		m := sp.Merge
		err = checkEvidence("merge", m.Evidence, m.Confidence)
		r.Link = &linkRec{Evidence: m.Evidence, Confidence: m.Confidence, By: m.By, At: m.At.UTC()}
		if err == nil && m.By != ByAuto && m.By != ByPerson {
			err = fmt.Errorf("%w: merge.by: %q is neither %s nor %s", ErrInvalid, m.By, ByAuto, ByPerson)
		}
	}
	if sp.Canonical == uuid.Nil {
		r.Members, r.Display = sp.Members, clean(sp.Display)
	}
	for _, n := range r.lookups() {
		if err == nil {
			err = l.claim("speaker name", key.Lookup(key.KindSpeakerLookup, n), sp.ID)
		}
	}
	if err != nil {
		return fmt.Errorf("load speaker %s: %w", sp.ID, err)
	}
	l.nums[key.LastSpeakerNum]++
	r.Num = l.nums[key.LastSpeakerNum]
	l.speakers[sp.ID] = &loadedSpeaker{num: r.Num, canon: r.Canon, parent: r.Parent, members: r.Members}
	if r.Canon == uuid.Nil {
		l.counters[key.CounterSpeakers]++
	}
	if err := l.record(key.KindSpeaker, sp.ID, r); err != nil {
		return err
	}
	return l.entries(l.owned(sp.ID, speakerIndex(r)))
}

// checkCluster checks the links of one record, alone: a member has a
// canonical record, a parent and a merge, a canonical record none of
// them but may have members and a display name.
func checkCluster(sp SpeakerRecord) error {
	switch {
	case sp.Canonical == sp.ID || sp.Parent == sp.ID || slices.Contains(sp.Members, sp.ID):
		return fmt.Errorf("%w: merged with itself", ErrInvalid)
	case sp.Canonical != uuid.Nil && (sp.Parent == uuid.Nil || sp.Merge == nil):
		return fmt.Errorf("%w: merged into %s without a parent and the merge's evidence", ErrInvalid, sp.Canonical)
	case sp.Canonical != uuid.Nil && (len(sp.Members) > 0 || sp.Display != ""):
		return fmt.Errorf("%w: merged into %s, yet has members or a display name", ErrInvalid, sp.Canonical)
	case sp.Canonical == uuid.Nil && (sp.Parent != uuid.Nil || sp.Merge != nil):
		return fmt.Errorf("%w: a parent or merge without a canonical speaker", ErrInvalid)
	}
	return nil
}

func checkEvidence(field string, ev []Evidence, conf float64) error {
	if len(ev) > maxEvidence {
		return fmt.Errorf("%w: %s.evidence: more than %d", ErrInvalid, field, maxEvidence)
	}
	for i, e := range ev {
		f := fmt.Sprintf("%s.evidence[%d]", field, i)
		if err := checkString(f+".kind", e.Kind, maxNameBytes); err != nil {
			return err
		}
		if err := checkString(f+".detail", e.Detail, maxNameBytes); err != nil {
			return err
		}
		if math.IsNaN(e.Weight) || math.IsInf(e.Weight, 0) {
			return fmt.Errorf("%w: %s.weight: %v", ErrInvalid, f, e.Weight)
		}
	}
	if math.IsNaN(conf) || conf < 0 || conf > 1 {
		return fmt.Errorf("%w: %s.confidence: %v not in [0, 1]", ErrInvalid, field, conf)
	}
	return nil
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
		err = l.claim("venue", key.VenueLookup(fold.String(r.Name), r.Kind), v.ID)
	}
	if err != nil {
		return fmt.Errorf("load venue %s: %w", v.ID, err)
	}
	l.nums[key.LastVenueNum]++
	r.Num = l.nums[key.LastVenueNum]
	l.venues[v.ID] = r.Num
	l.counters[key.CounterVenues]++
	if err := l.record(key.KindVenue, v.ID, r); err != nil {
		return err
	}
	return l.entries(l.owned(v.ID, venueIndex(r)))
}

// Article loads an article with its text, and the link to the article it
// copies (CopyOf; its Copy is the article itself), which may come later.
// Its Key, Hash and Ingested are kept as given; an empty Hash is
// computed, one that does not match the text is refused.
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
	if (a.OutletID == uuid.Nil) != (fold.String(a.Outlet) == "") {
		return fail("outlet name %q and id %s disagree", a.Outlet, a.OutletID)
	}
	if err := l.claim("article key", key.Lookup(key.KindArticleByKey, a.Key), a.ID); err != nil {
		return fmt.Errorf("load article %s: %w", a.ID, err)
	}
	r := articleRec{
		ID: a.ID, Key: a.Key, SourceID: in.SourceID, URL: in.URL, Title: a.Title,
		OutletID: a.OutletID, Hash: strings.ToLower(a.Hash), TextLen: len(a.Text), Ingested: a.Ingested.UTC(),
		Sketch: similar.Sketch(a.Text),
	}
	if c := a.CopyOf; c != nil {
		switch {
		case c.Original == uuid.Nil || c.Original == a.ID:
			return fail("copy of %s", c.Original)
		case math.IsNaN(c.Score) || c.Score < 0 || c.Score > 1 || math.IsNaN(c.TextOverlap) || c.TextOverlap < 0 || c.TextOverlap > 1 || c.SharedQuotes < 0:
			return fail("copy evidence %v, %v, %d out of range", c.Score, c.TextOverlap, c.SharedQuotes)
		}
		r.Copy = &copyRec{Original: c.Original, Score: c.Score, Shared: c.SharedQuotes, Overlap: c.TextOverlap}
	}
	if a.OutletID != uuid.Nil {
		r.Outlet = l.outlets[a.OutletID].name
	}
	if !a.Published.IsZero() {
		r.Published = a.Published.UTC()
	}
	l.articles[a.ID] = &loadedArticle{rec: r, outletNum: l.outlets[r.OutletID].num, runes: utf8.RuneCountInString(a.Text)}
	l.counters[key.CounterArticles]++
	for i := range chunks(len(a.Text)) {
		if err := l.set(key.Text(a.ID, i), []byte(a.Text[i*textChunk:min(len(a.Text), (i+1)*textChunk)])); err != nil {
			return err
		}
	}
	return l.entries(articleIndex(r))
}

// Quote loads a quote as its own one printing, in its article. Its date
// and outlet are its article's.
func (l *Loader) Quote(q Quote) error {
	return l.Statement(q, []Occurrence{{
		ArticleID: q.ArticleID, SpeakerRecord: q.SpeakerID, VenueID: q.VenueID, Text: q.Text, Kind: q.Kind,
		Spans: q.Spans, Cue: q.Cue, CueSpan: q.CueSpan, CueKind: q.CueKind, Mention: q.Mention, MentionSpan: q.MentionSpan,
		Confidence: q.Confidence, Match: similar.First, Score: 1,
	}})
}

// Statement loads a quote with its printings, one an article, as
// Snapshot.Occurrences gives them. From q it takes the id, the canonical
// text (which must be the text of a printing) and the conflict flag;
// everything else of the quote follows from its earliest printing, as it
// does for a quote PutArticle stores. Of each printing it takes the id
// (uuid.Nil for a new one), the article, the speaker record
// (SpeakerRecord, or SpeakerID when that is uuid.Nil), the venue, what
// the article printed and how it joined the quote (Match and Score); the
// date, outlet and comparisons with the canonical text follow.
func (l *Loader) Statement(q Quote, occs []Occurrence) error {
	if err := l.check("quote", q.ID, l.quotes[q.ID]); err != nil {
		return err
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("load quote %s: %w: %s", q.ID, ErrInvalid, fmt.Sprintf(format, args...))
	}
	if len(occs) == 0 {
		return fail("no printings")
	}
	recs := make([]occRec, len(occs))
	printed := map[uuid.UUID]bool{}
	for i, o := range occs {
		field := fmt.Sprintf("occurrences[%d]", i)
		a, ok := l.articles[o.ArticleID]
		sp := o.SpeakerRecord
		if sp == uuid.Nil {
			sp = o.SpeakerID
		}
		switch {
		case !ok:
			return fail("%s: article %s not loaded", field, o.ArticleID)
		case printed[o.ArticleID]:
			return fail("%s: a second printing in article %s", field, o.ArticleID)
		case sp != uuid.Nil && l.speakers[sp] == nil:
			return fail("%s: speaker %s not loaded", field, sp)
		case o.VenueID != uuid.Nil && l.venues[o.VenueID] == 0:
			return fail("%s: venue %s not loaded", field, o.VenueID)
		case o.Match != similar.First && o.Match != similar.Exact && o.Match != similar.Contained && o.Match != similar.Paraphrase:
			return fail("%s: match %q is not first, exact, contained or paraphrase", field, o.Match)
		case math.IsNaN(o.Score) || o.Score < 0 || o.Score > 1:
			return fail("%s: score %v not in [0, 1]", field, o.Score)
		case o.ID != uuid.Nil && (l.occs[o.ID] || slices.ContainsFunc(recs[:i], func(r occRec) bool { return r.ID == o.ID })):
			return fail("%s: occurrence %s loaded twice", field, o.ID)
		}
		printed[o.ArticleID] = true
		in := QuoteInput{Text: o.Text, Kind: o.Kind, Spans: o.Spans, Cue: o.Cue, CueSpan: o.CueSpan, CueKind: o.CueKind,
			Mention: o.Mention, MentionSpan: o.MentionSpan, Confidence: o.Confidence}
		if err := validateQuote(field, in, a.runes); err != nil {
			return fmt.Errorf("load quote %s: %w", q.ID, err)
		}
		id := o.ID
		if id == uuid.Nil {
			var err error
			if id, err = newID(); err != nil {
				return err
			}
		}
		recs[i] = occRec{ID: id, QuoteID: q.ID, Match: o.Match, Score: o.Score, attribution: attribution{
			ArticleID: o.ArticleID, SpeakerID: sp, VenueID: o.VenueID, OutletID: a.rec.OutletID,
			OutletNum: a.outletNum, Text: o.Text, Kind: o.Kind, Spans: o.Spans, Cue: o.Cue, CueSpan: o.CueSpan,
			CueKind: storedCueKind(o.CueKind), Mention: o.Mention, MentionSpan: o.MentionSpan, Confidence: o.Confidence, Published: a.rec.Published,
		}}
		if sp != uuid.Nil {
			recs[i].SpeakerNum = l.speakers[sp].num
		}
		recs[i].VenueNum = l.venues[o.VenueID]
	}
	sorted := slices.Clone(recs)
	slices.SortFunc(sorted, earlier)
	ci := slices.IndexFunc(sorted, func(o occRec) bool { return o.Text == q.Text })
	if ci < 0 {
		return fail("its text is the text of none of its printings")
	}
	r := statement(q.ID, sorted, sorted[ci], q.Conflict)
	l.quotes[q.ID] = true
	for _, o := range recs {
		l.occs[o.ID] = true
		l.articles[o.ArticleID].rec.Quotes++
		if err := l.record(key.KindOccurrence, o.ID, o); err != nil {
			return err
		}
		if err := l.entries(occIndex(o)); err != nil {
			return err
		}
		l.counters[key.CounterOccurs]++
		if o.SpeakerID != uuid.Nil && o.VenueID != uuid.Nil {
			l.edges[edgeID(o.SpeakerID, o.VenueID)]++
		}
		for _, k := range similar.MatchKeys(o.Text) {
			l.matches[k] = newestPostings(l.matches[k], o)
		}
	}
	if err := l.record(key.KindQuote, q.ID, r); err != nil {
		return err
	}
	if err := l.entries(quoteEntries(r, recs)); err != nil {
		return err
	}
	quoteCounts(r, func(k []byte, n int64) { l.counts[string(k)] += n })
	for w, p := range wordPostings(r) {
		l.words[w] = append(l.words[w], p)
	}
	l.counters[key.CounterQuotes]++
	return nil
}

// newestPostings adds o to postings v, kept in occurrence id order (the
// order printings are written in) and cut to the newest maxPostings.
func newestPostings(v []byte, o occRec) []byte {
	i := 0
	for i < len(v) && bytes.Compare(v[i:i+key.IDLen], o.ID[:]) < 0 {
		i += postingLen
	}
	v = slices.Insert(v, i, append(o.ID[:len(o.ID):len(o.ID)], o.QuoteID[:]...)...)
	if len(v) > maxPostings*postingLen {
		v = v[postingLen:]
	}
	return v
}

// CandidateRecord loads a review candidate, as Snapshot.CandidateRecords
// gives it; its speaker records must be loaded.
func (l *Loader) CandidateRecord(c CandidateRecord) error {
	if err := l.check("candidate", c.ID, l.candidates[c.ID]); err != nil {
		return err
	}
	r := candidateRec{ID: c.ID, A: c.A, B: c.B, Evidence: c.Evidence, Confidence: c.Confidence, Shared: c.Shared, Created: c.Created.UTC()}
	a, b := key.Ordered(c.A, c.B)
	err := checkEvidence("candidate", c.Evidence, c.Confidence)
	switch {
	case err != nil:
	case l.speakers[c.A] == nil || l.speakers[c.B] == nil:
		err = fmt.Errorf("%w: speaker %s or %s not loaded", ErrInvalid, c.A, c.B)
	case c.A == c.B || c.Shared < 0:
		err = fmt.Errorf("%w: a speaker compared with itself, or %d shared quotations", ErrInvalid, c.Shared)
	default:
		err = l.claim("candidate pair", key.Pair(key.KindCandidatePair, a, b), c.ID)
	}
	if err != nil {
		return fmt.Errorf("load candidate %s: %w", c.ID, err)
	}
	l.candidates[c.ID] = true
	if err := l.record(key.KindCandidate, c.ID, r); err != nil {
		return err
	}
	return l.entries(candidateIndex(r))
}

// Decision loads a person's decision on two normalized names, as
// Snapshot.Decisions gives it.
func (l *Loader) Decision(d Decision) error {
	if l.done {
		return fmt.Errorf("load: %w", ErrClosed)
	}
	a, b := d.Names[0], d.Names[1]
	var err error
	switch {
	case a == "" || b == "" || fold.String(a) != a || fold.String(b) != b || len(a) > maxNameBytes || len(b) > maxNameBytes:
		err = fmt.Errorf("%w: names %q and %q are not normalized names", ErrInvalid, a, b)
	case a == b:
		err = fmt.Errorf("%w: a name decided on with itself", ErrInvalid)
	case d.Action != decisionMerge && d.Action != decisionApart:
		err = fmt.Errorf("%w: action %q is neither %s nor %s", ErrInvalid, d.Action, decisionMerge, decisionApart)
	case l.decided[string(key.Decision(a, b))]:
		err = fmt.Errorf("%w: decided twice", ErrInvalid)
	}
	if err != nil {
		return fmt.Errorf("load decision on %q and %q: %w", a, b, err)
	}
	l.decided[string(key.Decision(a, b))], l.decided[string(key.Decision(b, a))] = true, true
	v, err := encodeRecord(decisionRec{Action: d.Action, At: d.At.UTC()})
	if err != nil {
		return err
	}
	if err := l.set(key.Decision(a, b), v); err != nil {
		return err
	}
	return l.set(key.Decision(b, a), v)
}

// links checks what records may point forward to: every cluster of
// speaker records holds together, and every copied article was loaded.
func (l *Loader) links() error {
	ids := make([]uuid.UUID, 0, len(l.speakers))
	for id := range l.speakers {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	for _, id := range ids {
		sp := l.speakers[id]
		fail := func(format string, args ...any) error {
			return fmt.Errorf("load speaker %s: %w: %s", id, ErrInvalid, fmt.Sprintf(format, args...))
		}
		if sp.canon == uuid.Nil {
			for i, m := range sp.members {
				if ms := l.speakers[m]; ms == nil || ms.canon != id || slices.Index(sp.members, m) != i {
					return fail("member %s is not loaded, not merged into it, or listed twice", m)
				}
			}
			continue
		}
		root, parent := l.speakers[sp.canon], l.speakers[sp.parent]
		switch {
		case root == nil || parent == nil:
			return fail("canonical speaker %s or parent %s not loaded", sp.canon, sp.parent)
		case root.canon != uuid.Nil || !slices.Contains(root.members, id):
			return fail("canonical speaker %s is merged itself or does not list it", sp.canon)
		case sp.parent != sp.canon && parent.canon != sp.canon:
			return fail("parent %s is in another cluster", sp.parent)
		}
		// The parents lead to the canonical record.
		at := sp.parent
		for steps := 0; at != sp.canon; steps++ {
			if steps > len(root.members) {
				return fail("its parents go round in a circle")
			}
			at = l.speakers[at].parent
		}
	}
	for id, a := range l.articles {
		if c := a.rec.Copy; c != nil && l.articles[c.Original] == nil {
			return fmt.Errorf("load article %s: %w: the article it copies, %s, not loaded", id, ErrInvalid, c.Original)
		}
	}
	return nil
}

// Close checks the links between records, writes the article records,
// counts, edges and indexes kept in memory, flushes everything to the
// store and clears the loading mark. When the links do not hold, or
// anything fails, it deletes what the load wrote, as Abort does, and
// returns the error.
func (l *Loader) Close() error {
	if l.done {
		return fmt.Errorf("load: %w", ErrClosed)
	}
	l.done = true
	defer l.s.wmu.Unlock()
	defer l.s.mu.RUnlock()
	err := l.links()
	if err != nil {
		l.wb.Cancel()
		return errors.Join(err, l.s.clearLoad())
	}
	err = func() error {
		for _, a := range l.articles {
			if err := l.record(key.KindArticle, a.rec.ID, a.rec); err != nil {
				return err
			}
		}
		for name, n := range l.counters {
			if err := l.set(key.Counter(name), uint64Bytes(uint64(n))); err != nil {
				return err
			}
		}
		for name, n := range l.nums {
			if err := l.set(key.Counter(name), uint64Bytes(uint64(n))); err != nil {
				return err
			}
		}
		if err := writeIndex(l.words, l.set); err != nil {
			return err
		}
		for e, n := range l.edges {
			if err := l.set(append(key.KindSpeakerVenue.Prefix(), e[:]...), uint64Bytes(uint64(n))); err != nil {
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
		for k, v := range l.matches {
			if err := l.set(key.Match(k), v); err != nil {
				return err
			}
		}
		if err := l.wb.Flush(); err != nil {
			return dbErr("load", err)
		}
		l.s.resetCaches()
		l.s.segs.reset()
		return l.s.db.Update(func(txn *badger.Txn) error { return del(txn, key.Loading()) })
	}()
	if err != nil {
		l.wb.Cancel()
		return fmt.Errorf("load: %w", errors.Join(err, l.s.clearLoad()))
	}
	return nil
}

// Abort gives up a load and deletes what it wrote, leaving the store
// empty and usable again. It is a no-op after Close.
func (l *Loader) Abort() error {
	if l.done {
		return nil
	}
	l.done = true
	defer l.s.wmu.Unlock()
	defer l.s.mu.RUnlock()
	l.wb.Cancel()
	return l.s.clearLoad()
}

// clearLoad deletes every key but the layout version, the loading mark
// last, from a store a Loader was filling: a load starts from an empty
// store. The caller holds the write lock.
func (s *Store) clearLoad() error {
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	err := s.db.View(func(txn *badger.Txn) error {
		it := keysOnly(txn, nil)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			if bytes.Equal(k, key.Version()) || bytes.Equal(k, key.Loading()) {
				continue
			}
			if err := wb.Delete(bytes.Clone(k)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = wb.Flush()
	}
	if err == nil {
		err = s.db.Update(func(txn *badger.Txn) error { return txn.Delete(key.Loading()) })
	}
	if err != nil {
		return dbErr("clear an unfinished load", err)
	}
	s.resetCaches()
	s.segs.reset()
	return nil
}
