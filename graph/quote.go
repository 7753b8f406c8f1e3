package graph

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
)

const (
	// maxFilterIDs bounds the speaker, venue or outlet ids of one QuoteFilter.
	maxFilterIDs = 256
	// maxPrefixTokens bounds how many indexed words a prefix may expand
	// to; a shorter prefix is checked on the quote text.
	maxPrefixTokens = 64
	// maxSearchBytes bounds a search.
	maxSearchBytes = 4096
)

// Quote returns the quote with id, or an error wrapping ErrNotFound.
func (s *Store) Quote(ctx context.Context, id uuid.UUID) (Quote, error) {
	var q Quote
	err := s.view(ctx, func(txn *badger.Txn) (err error) {
		var rec quoteRec
		if err := load(txn, key.KindQuote, id, &rec); err != nil {
			return err
		}
		q = rec.quote()
		q.SpeakerID, err = rootOf(txn, rec.SpeakerID)
		return err
	})
	if err != nil {
		return Quote{}, fmt.Errorf("quote %s: %w", id, err)
	}
	return q, nil
}

// validate checks a filter; the error wraps ErrInvalid.
func (f QuoteFilter) validate() error {
	switch {
	case len(f.SpeakerIDs) > maxFilterIDs || len(f.VenueIDs) > maxFilterIDs || len(f.OutletIDs) > maxFilterIDs:
		return fmt.Errorf("%w: more than %d speaker, venue or outlet ids", ErrInvalid, maxFilterIDs)
	case math.IsNaN(f.MinConfidence) || f.MinConfidence < 0 || f.MinConfidence > 1:
		return fmt.Errorf("%w: minimum confidence %v not in [0, 1]", ErrInvalid, f.MinConfidence)
	case len(f.Search) > maxSearchBytes:
		return fmt.Errorf("%w: search longer than %d bytes", ErrInvalid, maxSearchBytes)
	case f.Order < OrderDate || f.Order > OrderRelevance:
		return fmt.Errorf("%w: unknown order %d", ErrInvalid, f.Order)
	}
	for _, k := range f.Kinds {
		if !validKind(k) {
			return fmt.Errorf("%w: kind %q is not direct, partial or indirect", ErrInvalid, k)
		}
	}
	for _, t := range f.SpeakerTypes {
		if !validSpeakerType(t) {
			return fmt.Errorf("%w: speaker type %q is not one of %v", ErrInvalid, t, SpeakerTypes)
		}
	}
	for _, k := range f.CueKinds {
		if !slices.Contains(CueKinds, k) {
			return fmt.Errorf("%w: cue kind %q is not speech or stance", ErrInvalid, k)
		}
	}
	if f.Order == OrderRelevance {
		if q := search.Parse(f.Search); !q.Positive() {
			return fmt.Errorf("%w: relevance order needs a search", ErrInvalid)
		}
	}
	return nil
}

// dates returns the encoded bounds of the filter's date range.
func (f QuoteFilter) dates() (lo, hi uint64) {
	lo, hi = 0, math.MaxUint64
	if !f.From.IsZero() {
		lo = key.Date(f.From)
	}
	if !f.To.IsZero() {
		hi = key.Date(f.To)
		lo = max(lo, 1) // a bound excludes quotes without a date
	}
	return lo, hi
}

// Quotes returns a page of the quotes that f selects, in f.Order. Every
// filter is served from an index: the article, speaker, venue, outlet
// and word indexes are intersected, several speakers, venues or outlets
// merged, and the date range bounds each of them; kind and confidence are
// read from the index entries themselves. A search is parsed as
// ParseSearch says. Quotes reads quote records only for the page it
// returns (and, for a search with a very short prefix, to check the
// text); ranking by relevance scores every match from the word index. A
// backward page runs the same plan in the other direction. It returns
// ErrBadCursor for a cursor it did not issue and ErrInvalid for a filter
// Quotes refuses (too many ids, an unknown kind, a confidence out of [0,
// 1], relevance order without a search) or a page asking for both
// directions.
func (s *Store) Quotes(ctx context.Context, f QuoteFilter, page Page) ([]Quote, PageInfo, error) {
	if err := f.validate(); err != nil {
		return nil, PageInfo{}, fmt.Errorf("quotes: %w", err)
	}
	if f.Order == OrderRelevance {
		return s.rankedQuotes(ctx, f, page)
	}
	cur, back, err := page.cursor(cursorQuote)
	if err == nil && cur != nil && len(cur) != key.SuffixLen {
		err = ErrBadCursor
	}
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("quotes: %w", err)
	}
	var out []Quote
	var info PageInfo
	err = s.view(ctx, func(txn *badger.Txn) error {
		p, f, err := planSpeakers(txn, &s.segs, f, back)
		if err != nil {
			return err
		}
		defer p.close()
		total, counted := -1, false
		if !page.SkipTotal {
			total, counted, err = countedTotal(txn, f)
			if err != nil {
				return err
			}
		}
		// Counting every match starts from the beginning; without it the
		// scan starts at the cursor.
		start := p.start()
		if cur != nil && (page.SkipTotal || counted) {
			start = cur
		}
		pg := newPager[[]byte](cursorQuote, page, cur, back)
		matches := 0
		err = p.each(ctx, start, func(c []byte) (bool, error) {
			matches++
			if cur != nil && p.dir*bytes.Compare(c, cur) <= 0 {
				return true, nil
			}
			if pg.room() {
				pg.add(c, nil)
			}
			return !pg.more || !(page.SkipTotal || counted), nil
		})
		if err != nil {
			return err
		}
		switch {
		case counted:
		case page.SkipTotal:
			total = -1
		default:
			total = matches
		}
		_, info = pg.done(total)
		for _, c := range pg.keys {
			id := uuid.UUID(c[key.DateLen:])
			var q quoteRec
			if err := load(txn, key.KindQuote, id, &q); err != nil {
				return fmt.Errorf("quote %s: %w", id, err)
			}
			out = append(out, q.quote())
		}
		return canonQuotes(txn, out)
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("quotes: %w", err)
	}
	return out, info, nil
}

// planSpeakers plans f with every speaker standing for everyone merged
// with them, and returns the plan with the filter it was made for; a
// reverse plan runs against f.Order. segs caches the search index.
func planSpeakers(txn *badger.Txn, segs *segCache, f QuoteFilter, reverse bool) (*plan, QuoteFilter, error) {
	f, err := expandSpeakers(txn, f)
	if err != nil {
		return nil, f, err
	}
	p, err := planQuotes(txn, segs, f, reverse)
	return p, f, err
}

// expandSpeakers returns f with each speaker id standing for every
// speaker record of its cluster: a canonical speaker is all the names
// merged into it.
func expandSpeakers(txn *badger.Txn, f QuoteFilter) (QuoteFilter, error) {
	if len(f.SpeakerIDs) == 0 {
		return f, nil
	}
	all, err := clusterIDs(txn, f.SpeakerIDs)
	if err != nil {
		return f, err
	}
	f.SpeakerIDs = all
	return f, nil
}

// canonQuotes sets the speaker of each quote to its canonical speaker.
func canonQuotes(txn *badger.Txn, qs []Quote) error {
	roots := map[uuid.UUID]uuid.UUID{}
	for i := range qs {
		id := qs[i].SpeakerID
		sp, ok := roots[id]
		if !ok {
			var err error
			if sp, err = rootOf(txn, id); err != nil {
				return fmt.Errorf("speaker %s: %w", id, err)
			}
			roots[id] = sp
		}
		qs[i].SpeakerID = sp
	}
	return nil
}

// countedTotal answers how many quotes f selects from the counts kept on
// write, when f filters on one dimension at most and on whole UTC days.
func countedTotal(txn *badger.Txn, f QuoteFilter) (int, bool, error) {
	sels, ok := f.counted()
	if !ok {
		return 0, false, nil
	}
	wholeDay := func(t time.Time) bool { return t.Equal(t.Truncate(24 * time.Hour)) }
	if !f.From.IsZero() && !wholeDay(f.From) || !f.To.IsZero() && !wholeDay(f.To.Add(time.Nanosecond)) {
		return 0, false, nil
	}
	total := 0
	if f.From.IsZero() && f.To.IsZero() {
		if len(sels) == 1 && bytes.Equal(sels[0], key.TimelineSelector(key.DimAll, nil)) {
			n, err := readCounter(txn, key.CounterQuotes)
			return int(n), true, err
		}
		// The all-time rollup of each value, undated quotes included.
		for _, sel := range sels {
			dim, value := sel[1], sel[2:]
			if dim == key.DimKind {
				value = value[:len(value)-1]
			}
			n, err := readCount(txn, key.Rollup(dim, key.LevelAll, 0, value))
			if err != nil {
				return 0, false, err
			}
			total += int(n)
		}
		return total, true, nil
	}
	lo, hi, ok, err := dayRange(txn, f.From, f.To)
	if err != nil || !ok {
		return 0, true, err
	}
	for _, sel := range sels {
		it := keysOnly(txn, sel)
		for it.Seek(append(slices.Clone(sel), key.Period(lo)...)); it.Valid(); it.Next() {
			item := it.Item()
			if key.ParsePeriod(item.Key()[len(sel):]) > hi {
				break
			}
			var n uint64
			err := item.Value(func(v []byte) (err error) { n, err = parseUint64(v); return err })
			if err != nil {
				it.Close()
				return 0, false, fmt.Errorf("timeline count %x: %v", item.Key(), err)
			}
			total += int(n)
		}
		it.Close()
	}
	return total, true, nil
}

// scanQuotes calls fn with the index suffix (date, quote id) of every
// quote f selects, in date order.
func (s *Store) scanQuotes(ctx context.Context, txn *badger.Txn, f QuoteFilter, fn func(suffix []byte)) error {
	p, err := planQuotes(txn, &s.segs, f, false)
	if err != nil {
		return err
	}
	defer p.close()
	return p.each(ctx, p.start(), func(c []byte) (bool, error) { fn(c); return true, nil })
}

// rankedQuotes is Quotes in relevance order: every match is scored, the
// best after the cursor kept (for a backward page, the worst of those
// better than the cursor).
func (s *Store) rankedQuotes(ctx context.Context, f QuoteFilter, page Page) ([]Quote, PageInfo, error) {
	cur, back, err := page.cursor(cursorRanked)
	if err == nil && cur != nil && len(cur) != 8+key.SuffixLen {
		err = ErrBadCursor
	}
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("quotes: %w", err)
	}
	var out []Quote
	var info PageInfo
	n := page.size()
	err = s.view(ctx, func(txn *badger.Txn) error {
		p, _, err := planSpeakers(txn, &s.segs, f, false)
		if err != nil {
			return err
		}
		defer p.close()
		top := rankHeap{backward: back}
		matches := 0
		err = p.each(ctx, p.start(), func(c []byte) (bool, error) {
			matches++
			r := ranked{score: p.score(), suffix: c}
			if cur != nil && !top.beyond(r, cur) {
				return true, nil
			}
			if len(top.rs) <= n {
				r.suffix = bytes.Clone(c)
				heap.Push(&top, r)
			} else if top.first(r, top.rs[0]) {
				r.suffix = append(top.rs[0].suffix[:0], c...)
				top.rs[0] = r
				heap.Fix(&top, 0)
			}
			return true, nil
		})
		if err != nil {
			return err
		}
		kept := make([]ranked, len(top.rs))
		for i := len(top.rs) - 1; i >= 0; i-- {
			kept[i] = heap.Pop(&top).(ranked)
		}
		pg := newPager[ranked](cursorRanked, page, cur, back)
		for _, r := range kept {
			if !pg.room() {
				break
			}
			pg.add(r.cursor(), r)
		}
		var best []ranked
		best, info = pg.done(matches)
		for _, r := range best {
			id := uuid.UUID(r.suffix[key.DateLen:])
			var q quoteRec
			if err := load(txn, key.KindQuote, id, &q); err != nil {
				return fmt.Errorf("quote %s: %w", id, err)
			}
			out = append(out, q.quote())
		}
		return canonQuotes(txn, out)
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("quotes: %w", err)
	}
	return out, info, nil
}

// ranked is a scored match. Better means a higher score, then an earlier
// suffix.
type ranked struct {
	score  float64
	suffix []byte
}

func (r ranked) better(o ranked) bool {
	if r.score != o.score {
		return r.score > o.score
	}
	return bytes.Compare(r.suffix, o.suffix) < 0
}

func (r ranked) cursor() []byte {
	return append(binary.BigEndian.AppendUint64(nil, math.Float64bits(r.score)), r.suffix...)
}

// uncursor is the match a cursor payload c of cursorRanked stands for.
func uncursor(c []byte) ranked {
	return ranked{math.Float64frombits(binary.BigEndian.Uint64(c[:8])), c[8:]}
}

// rankHeap keeps the matches met first in the scan's direction (the best
// going forward, the worst going backward), the last of them on top.
type rankHeap struct {
	rs       []ranked
	backward bool
}

// first reports whether r comes before o in the scan's direction.
func (h *rankHeap) first(r, o ranked) bool {
	if h.backward {
		return o.better(r)
	}
	return r.better(o)
}

// beyond reports whether r comes after the cursor payload c in the
// scan's direction.
func (h *rankHeap) beyond(r ranked, c []byte) bool { return h.first(uncursor(c), r) }

func (h rankHeap) Len() int           { return len(h.rs) }
func (h rankHeap) Less(i, j int) bool { return h.first(h.rs[j], h.rs[i]) }
func (h rankHeap) Swap(i, j int)      { h.rs[i], h.rs[j] = h.rs[j], h.rs[i] }
func (h *rankHeap) Push(x any)        { h.rs = append(h.rs, x.(ranked)) }
func (h *rankHeap) Pop() any {
	old := h.rs
	x := old[len(old)-1]
	h.rs = old[:len(old)-1]
	return x
}

// plan is how a QuoteFilter is answered: a stream of index suffixes,
// checks on the facets and facts of its entries, the word groups of the
// search (scored, and checked for phrases and exclusions), and the
// search words that the index could not serve, checked on the text.
type plan struct {
	txn      *badger.Txn
	dir      int  // the order of results: 1 ascending, -1 descending
	buffered bool // dir is -1 but the streams run forward: matches are reversed in memory
	lo, hi   []byte
	st       stream // nil when nothing can match
	kinds    []byte
	minConf  uint16
	// stance is 1 to keep only quotes of stance, -1 only quotes of speech,
	// 0 both
	stance int
	// Speaker, venue and outlet filters that the facts of a word
	// posting answer, by number; nil when not so checked.
	speakers, venues, outlets []uint32
	groups                    []*wordGroup   // every required group, scored
	phrases                   [][]*wordGroup // required phrases of two words or more
	not                       [][]*wordGroup // excluded phrases
	textOnly                  []search.Term  // checked on the text
	n, avg                    float64        // quotes and mean words, for BM25
	its                       []*badger.Iterator
	segs                      *segCache        // nil to read segments from txn alone
	segDir                    *segDir          // the search index's segments, once read
	blocks                    *badger.Iterator // over every segment block, for short runs read at once
	pos                       [][]int          // scratch
	facts                     facts            // scratch

	// types are the speaker types the quote's speaker must have; types of
	// speaker records read so far are kept in typeOf
	types  []string
	typeOf map[uuid.UUID]string
}

func (p *plan) close() {
	for _, it := range p.its {
		it.Close()
	}
}

// scanDir is the direction the streams run.
func (p *plan) scanDir() int {
	if p.buffered {
		return 1
	}
	return p.dir
}

// start is the first suffix in the plan's order.
func (p *plan) start() []byte {
	if p.dir < 0 {
		return append(slices.Clone(p.hi), bytes.Repeat([]byte{0xff}, key.IDLen)...)
	}
	return append(slices.Clone(p.lo), make([]byte, key.IDLen)...)
}

func (p *plan) iterator(prefix []byte, reverse bool) *badger.Iterator {
	o := badger.DefaultIteratorOptions
	o.PrefetchValues = false
	o.Prefix = prefix
	o.Reverse = reverse
	it := p.txn.NewIterator(o)
	p.its = append(p.its, it)
	return it
}

func (p *plan) index(prefix []byte) *indexStream {
	return &indexStream{it: p.iterator(prefix, p.scanDir() < 0), prefix: prefix, dir: p.scanDir(), lo: p.lo, hi: p.hi}
}

func (p *plan) union(prefix key.Kind, ids []uuid.UUID) stream {
	var or []stream
	for _, id := range uniqueIDs(ids) {
		or = append(or, p.index(key.Record(prefix, id)))
	}
	return union(p.scanDir(), or)
}

// A wordGroup is the words that one word of a search matches: its stem
// group, and for a prefix the words beginning with it.
type wordGroup struct {
	streams []stream // per word, its postings in every segment merged
	weights []float64
	df      float64
	idf     float64
	st      stream
}

// factsRatio is how much longer the shortest word list of a search must
// be than a filter's list for the filter to be served by intersecting
// its index rather than by the facts of the word postings.
const factsRatio = 8

// planQuotes plans how to answer f, in f.Order or, if reverse, against
// it; segs caches the search index.
func planQuotes(txn *badger.Txn, segs *segCache, f QuoteFilter, reverse bool) (*plan, error) {
	lo, hi := f.dates()
	p := &plan{txn: txn, segs: segs, dir: 1, lo: key.DateBytes(lo), hi: key.DateBytes(hi)}
	q := search.Parse(f.Search)
	searching := q.Positive() || len(q.Not) > 0
	if f.Order == OrderNewest {
		p.dir = -1
	}
	if reverse {
		p.dir = -p.dir
	}
	// Word lists are read forward only; the matches of a search in
	// descending order are collected up to the cursor and reversed.
	p.buffered = searching && p.dir < 0
	if lo > hi {
		return p, nil
	}
	for _, k := range f.Kinds {
		p.kinds = append(p.kinds, kindCode(k))
	}
	if len(f.SpeakerTypes) > 0 {
		p.types, p.typeOf = f.SpeakerTypes, map[uuid.UUID]string{}
	}
	p.stance = f.stance()
	if f.MinConfidence > 0 {
		p.minConf = confUnits(f.MinConfidence)
	}
	var and []stream
	if f.ArticleID != uuid.Nil {
		and = append(and, p.index(key.Record(key.KindQuoteByArticle, f.ArticleID)))
	}
	if searching {
		n, err := readCounter(txn, key.CounterQuotes)
		if err != nil {
			return nil, err
		}
		w, err := readCounter(txn, key.CounterWords)
		if err != nil {
			return nil, err
		}
		p.n, p.avg = float64(n), float64(w)/max(float64(n), 1)
		for _, t := range q.Terms {
			g, wide, err := p.group(t)
			if err != nil {
				return nil, err
			}
			switch {
			case wide:
				p.textOnly = append(p.textOnly, t)
				continue
			case g == nil:
				return p, nil // no quote has the word
			}
			p.groups = append(p.groups, g)
			and = append(and, g.st)
		}
		for _, ph := range q.Phrases {
			var gs []*wordGroup
			for _, t := range ph {
				g, _, err := p.group(t)
				if err != nil {
					return nil, err
				}
				if g == nil {
					return p, nil
				}
				gs = append(gs, g)
				p.groups = append(p.groups, g)
				and = append(and, g.st)
			}
			if len(gs) > 1 {
				p.phrases = append(p.phrases, gs)
			}
		}
		for _, ph := range q.Not {
			var gs []*wordGroup
			for _, t := range ph {
				g, _, err := p.group(t)
				if err != nil {
					return nil, err
				}
				if g == nil {
					gs = nil // a word no quote has: nothing is excluded
					break
				}
				gs = append(gs, g)
			}
			if gs != nil {
				p.not = append(p.not, gs)
			}
		}
	}
	shortest := math.Inf(1)
	for _, g := range p.groups {
		shortest = min(shortest, g.df)
	}
	for _, d := range []struct {
		prefix, rec key.Kind
		dim         byte
		ids         []uuid.UUID
		nums        *[]uint32
	}{
		{key.KindQuoteBySpeaker, key.KindSpeaker, key.DimSpeaker, f.SpeakerIDs, &p.speakers},
		{key.KindQuoteByVenue, key.KindVenue, key.DimVenue, f.VenueIDs, &p.venues},
		{key.KindQuoteByOutlet, key.KindOutlet, key.DimOutlet, f.OutletIDs, &p.outlets},
	} {
		if len(d.ids) == 0 {
			continue
		}
		size := 0.0
		for _, id := range uniqueIDs(d.ids) {
			n, err := readCount(txn, key.Rollup(d.dim, key.LevelAll, 0, id[:]))
			if err != nil {
				return nil, err
			}
			size += float64(n)
		}
		if len(p.groups) == 0 || size*factsRatio < shortest {
			and = append(and, p.union(d.prefix, d.ids))
			continue
		}
		nums, err := recordNums(txn, d.rec, d.ids)
		if err != nil {
			return nil, err
		}
		if len(nums) == 0 {
			return p, nil // none of them exists
		}
		*d.nums = nums
	}
	switch len(and) {
	case 0:
		p.st = p.index(key.KindQuoteByDate.Prefix())
	case 1:
		p.st = and[0]
	default:
		p.st = &andStream{dir: p.scanDir(), kids: and}
	}
	return p, nil
}

// recordNums returns the numbers of the speakers, venues or outlets
// (record prefix rec) with ids; ids with no record are left out.
func recordNums(txn *badger.Txn, rec key.Kind, ids []uuid.UUID) ([]uint32, error) {
	var out []uint32
	for _, id := range uniqueIDs(ids) {
		var r struct {
			Num uint32 `json:"num"`
		}
		err := load(txn, rec, id, &r)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("record %s: %w", id, err)
		}
		out = append(out, r.Num)
	}
	slices.Sort(out)
	return out, nil
}

// each calls fn with every match from start on, in the plan's order,
// until fn returns false. In a buffered plan it collects the matches
// first and calls fn with them reversed; fn must not keep c.
func (p *plan) each(ctx context.Context, start []byte, fn func(c []byte) (bool, error)) error {
	if p.st == nil {
		return nil
	}
	var all []byte
	steps := 0
	from := start
	if p.buffered {
		from = append(slices.Clone(p.lo), make([]byte, key.IDLen)...)
	}
	for ok := p.st.seek(from); ok; ok = p.st.next() {
		if steps++; steps%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		c := p.st.cur()
		if p.buffered && bytes.Compare(c, start) > 0 {
			break
		}
		match, err := p.match(c)
		if err != nil {
			return err
		}
		if !match {
			continue
		}
		if p.buffered {
			all = append(all, c...)
			continue
		}
		more, err := fn(c)
		if err != nil || !more {
			return err
		}
	}
	for i := len(all) - key.SuffixLen; i >= 0; i -= key.SuffixLen {
		more, err := fn(all[i : i+key.SuffixLen])
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// match applies the checks the streams do not: facets and facts,
// phrases, exclusions and words checked on the text.
func (p *plan) match(c []byte) (bool, error) {
	if p.kinds != nil || p.minConf > 0 || p.stance != 0 {
		v := p.st.value()
		if len(v) < facetLen {
			return false, fmt.Errorf("index entry of quote %x: no facets", c[key.DateLen:])
		}
		if p.kinds != nil && !slices.Contains(p.kinds, v[0]&^stanceBit) {
			return false, nil
		}
		if stance := v[0]&stanceBit != 0; p.stance > 0 && !stance || p.stance < 0 && stance {
			return false, nil
		}
		if binary.BigEndian.Uint16(v[1:3]) < p.minConf {
			return false, nil
		}
	}
	if p.speakers != nil || p.venues != nil || p.outlets != nil {
		f := &p.facts
		if !decodeFacts(p.groups[0].st.value(), f, false) {
			return false, fmt.Errorf("word posting of quote %x: %w", c[key.DateLen:], errBadBlock)
		}
		for _, x := range []struct {
			set []uint32
			n   uint32
		}{{p.speakers, f.speaker}, {p.venues, f.venue}, {p.outlets, f.outlet}} {
			if _, ok := slices.BinarySearch(x.set, x.n); x.set != nil && !ok {
				return false, nil
			}
		}
	}
	for _, ph := range p.phrases {
		if !p.phraseAt(c, ph) {
			return false, nil
		}
	}
	for _, ph := range p.not {
		present := true
		for _, g := range ph {
			if !g.st.seek(c) || !bytes.Equal(g.st.cur(), c) {
				present = false
				break
			}
		}
		if present && (len(ph) == 1 || p.phraseAt(c, ph)) {
			return false, nil
		}
	}
	if len(p.textOnly) > 0 || p.types != nil {
		var q quoteRec
		if err := load(p.txn, key.KindQuote, key.SuffixQuote(c), &q); err != nil {
			return false, fmt.Errorf("quote %x: %w", c[key.DateLen:], err)
		}
		if p.types != nil {
			t, err := p.speakerTypeOf(q.SpeakerID)
			if err != nil || !slices.Contains(p.types, t) {
				return false, err
			}
		}
		ws := fold.Words(q.Text)
		for _, t := range p.textOnly {
			if !slices.ContainsFunc(ws, t.MatchWord) {
				return false, nil
			}
		}
	}
	return true, nil
}

// stance is what a filter keeps of cue kinds: 1 stance only, -1 speech
// only, 0 both.
func (f QuoteFilter) stance() int {
	speech, stance := slices.Contains(f.CueKinds, CueSpeech), slices.Contains(f.CueKinds, CueStance)
	switch {
	case stance && !speech:
		return 1
	case speech && !stance:
		return -1
	}
	return 0
}

// speakerTypeOf returns the type of speaker record id, SpeakerGeneric for
// none. The speaker records of one cluster share a type: identity
// resolution never merges two of different types.
func (p *plan) speakerTypeOf(id uuid.UUID) (string, error) {
	if id == uuid.Nil {
		return SpeakerGeneric, nil
	}
	if t, ok := p.typeOf[id]; ok {
		return t, nil
	}
	var r speakerRec
	if err := load(p.txn, key.KindSpeaker, id, &r); err != nil {
		return "", fmt.Errorf("speaker %s: %w", id, err)
	}
	t := speakerType(r.Type)
	p.typeOf[id] = t
	return t, nil
}

// occurrences adds up g's words in the quote at c, whose streams are
// there: their positions into pos[:0] when pos is not nil, the weighted
// count, and the quote's length in words.
func (p *plan) occurrences(g *wordGroup, c []byte, pos []int) ([]int, float64, int) {
	pos = pos[:0]
	tf, length := 0.0, 0
	f := &p.facts
	for i, s := range g.streams {
		if cur := s.cur(); cur == nil || !bytes.Equal(cur, c) {
			continue
		}
		if decodeFacts(s.value(), f, true) {
			length = f.length
			tf += g.weights[i] * float64(len(f.positions))
			pos = append(pos, f.positions...)
		}
	}
	slices.Sort(pos)
	return pos, tf, length
}

// phraseAt reports whether the groups' words stand next to each other in
// order in the quote at c.
func (p *plan) phraseAt(c []byte, gs []*wordGroup) bool {
	for len(p.pos) < len(gs) {
		p.pos = append(p.pos, nil)
	}
	for i, g := range gs {
		p.pos[i], _, _ = p.occurrences(g, c, p.pos[i])
	}
	for _, start := range p.pos[0] {
		ok := true
		for i := 1; i < len(gs) && ok; i++ {
			_, ok = slices.BinarySearch(p.pos[i], start+i)
		}
		if ok {
			return true
		}
	}
	return false
}

// score is the BM25 score of the current match.
func (p *plan) score() float64 {
	c := p.st.cur()
	total := 0.0
	var scratch []int
	for _, g := range p.groups {
		var tf float64
		var length int
		scratch, tf, length = p.occurrences(g, c, scratch)
		total += search.BM25(g.idf, tf, length, p.avg)
	}
	return total
}

func uniqueIDs(ids []uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(out)
}

// A stream yields, in its direction (dir 1 ascending, -1 descending), the
// 24-byte suffixes (article date, quote id) of quote index keys. seek
// moves to the first suffix at or beyond target in that direction and
// never backwards; seek and next report whether the stream has a current
// suffix. cur and value (the current entry's value) are valid until the
// stream moves.
type stream interface {
	seek(target []byte) bool
	next() bool
	cur() []byte
	value() []byte
}

// indexStream reads one index selector (<prefix><selector>) within the
// dates [lo, hi].
type indexStream struct {
	it      *badger.Iterator
	prefix  []byte
	dir     int
	lo, hi  []byte
	c       []byte
	started bool
	buf     []byte
	v       []byte
	vok     bool
}

func (s *indexStream) load() bool {
	s.c, s.vok = nil, false
	if !s.it.Valid() {
		return false
	}
	c := s.it.Item().Key()[len(s.prefix):]
	if len(c) != key.SuffixLen {
		return false
	}
	if s.dir > 0 && bytes.Compare(c[:key.DateLen], s.hi) > 0 || s.dir < 0 && bytes.Compare(c[:key.DateLen], s.lo) < 0 {
		return false
	}
	s.c = c
	return true
}

// seekSteps is how many entries a stream steps through before it seeks:
// a Badger seek costs as much as dozens of steps, and in an intersection
// the next match is often near.
const seekSteps = 8

func (s *indexStream) seek(target []byte) bool {
	if s.started && (s.c == nil || s.dir*cmpSuffix(s.c, target) >= 0) {
		return s.c != nil
	}
	if s.started {
		for range seekSteps {
			if !s.next() {
				return false
			}
			if s.dir*cmpSuffix(s.c, target) >= 0 {
				return true
			}
		}
	}
	s.started = true
	s.buf = append(append(s.buf[:0], s.prefix...), target...)
	s.it.Seek(s.buf)
	return s.load()
}

func (s *indexStream) next() bool {
	if s.c == nil {
		return false
	}
	s.it.Next()
	return s.load()
}

func (s *indexStream) cur() []byte { return s.c }

func (s *indexStream) value() []byte {
	if s.c == nil {
		return nil
	}
	if !s.vok {
		var err error
		if s.v, err = s.it.Item().ValueCopy(s.v[:0]); err != nil {
			return nil
		}
		s.vok = true
	}
	return s.v
}

// unionStream merges streams, dropping duplicates.
type unionStream struct {
	dir  int
	kids []stream
	c    []byte
	prev []byte
}

func union(dir int, kids []stream) stream {
	if len(kids) == 1 {
		return kids[0]
	}
	return &unionStream{dir: dir, kids: kids}
}

func (u *unionStream) pick() bool {
	u.c = nil
	for _, k := range u.kids {
		if c := k.cur(); c != nil && (u.c == nil || u.dir*cmpSuffix(c, u.c) < 0) {
			u.c = c
		}
	}
	return u.c != nil
}

func (u *unionStream) seek(target []byte) bool {
	if u.c != nil && u.dir*cmpSuffix(u.c, target) >= 0 {
		return true
	}
	for _, k := range u.kids {
		k.seek(target)
	}
	return u.pick()
}

func (u *unionStream) next() bool {
	if u.c == nil {
		return false
	}
	u.prev = append(u.prev[:0], u.c...)
	for _, k := range u.kids {
		if kc := k.cur(); kc != nil && bytes.Equal(kc, u.prev) {
			k.next()
		}
	}
	return u.pick()
}

func (u *unionStream) cur() []byte { return u.c }

func (u *unionStream) value() []byte {
	for _, k := range u.kids {
		if c := k.cur(); c != nil && bytes.Equal(c, u.c) {
			return k.value()
		}
	}
	return nil
}

// andStream intersects streams by leapfrogging: each seeks to the
// furthest current suffix until all agree.
type andStream struct {
	dir  int
	kids []stream
	c    []byte
}

func (a *andStream) align(ok bool) bool {
	a.c = nil
	for ok {
		x := a.kids[0].cur()
		agreed := true
		for _, k := range a.kids[1:] {
			if !k.seek(x) {
				return false
			}
			if y := k.cur(); a.dir*cmpSuffix(y, x) > 0 {
				ok = a.kids[0].seek(y)
				agreed = false
				break
			}
		}
		if agreed {
			a.c = x
			return true
		}
	}
	return false
}

func (a *andStream) seek(target []byte) bool {
	if a.c != nil && a.dir*cmpSuffix(a.c, target) >= 0 {
		return true
	}
	return a.align(a.kids[0].seek(target))
}

func (a *andStream) next() bool {
	if a.c == nil {
		return false
	}
	return a.align(a.kids[0].next())
}

func (a *andStream) cur() []byte { return a.c }

func (a *andStream) value() []byte { return a.kids[0].value() }
