package graph

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

const (
	// maxFilterIDs bounds the speaker or venue ids of one QuoteFilter.
	maxFilterIDs = 256
	// maxPrefixTokens bounds how many indexed words the last word of a
	// search may expand to; a shorter prefix is checked on the quote text.
	maxPrefixTokens = 64
)

// Quote returns the quote with id, or an error wrapping ErrNotFound.
func (s *Store) Quote(ctx context.Context, id uuid.UUID) (Quote, error) {
	var q Quote
	err := s.view(ctx, func(txn *badger.Txn) error {
		var rec quoteRec
		if err := load(txn, pQuote, id, &rec); err != nil {
			return err
		}
		sp, err := canonOf(txn, rec.SpeakerID)
		q = rec.quote(sp)
		return err
	})
	if err != nil {
		return Quote{}, fmt.Errorf("quote %s: %w", id, err)
	}
	return q, nil
}

// Quotes returns a page of the quotes that f selects, ordered by their
// article's published date (quotes without a date first) and then by id,
// which is text order within an article. Every filter is served from an
// index: the article, speaker, venue and search-word indexes are
// intersected, several speakers or venues merged, and the date range
// bounds each of them. Search words must all appear in the quote, the
// last one as a prefix ("put" finds "Putin"). It returns ErrBadCursor for
// a cursor it did not issue and ErrInvalid for a filter with too many ids.
func (s *Store) Quotes(ctx context.Context, f QuoteFilter, page Page) ([]Quote, PageInfo, error) {
	after, err := decodeCursor(cursorQuote, page.After)
	if err == nil && after != nil && len(after) != suffixLen {
		err = ErrBadCursor
	}
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("quotes: %w", err)
	}
	if len(f.SpeakerIDs) > maxFilterIDs || len(f.VenueIDs) > maxFilterIDs {
		return nil, PageInfo{}, fmt.Errorf("quotes: %w: more than %d speaker or venue ids", ErrInvalid, maxFilterIDs)
	}
	lo, hi := uint64(0), uint64(math.MaxUint64)
	if !f.From.IsZero() {
		lo = encDate(f.From)
	}
	if !f.To.IsZero() {
		hi = encDate(f.To)
		lo = max(lo, 1) // a bound excludes quotes without a date
	}
	var out []Quote
	var info PageInfo
	n := page.size()
	err = s.view(ctx, func(txn *badger.Txn) error {
		if lo > hi {
			return nil
		}
		if len(f.SpeakerIDs) > 0 {
			// A canonical speaker stands for every name merged into it.
			all, err := clusterIDs(txn, f.SpeakerIDs)
			if err != nil {
				return err
			}
			f.SpeakerIDs = all
		}
		p := planQuotes(txn, f, dateBytes(hi))
		defer p.close()
		var keys [][]byte
		start := append(dateBytes(lo), make([]byte, idLen)...)
		steps := 0
		for ok := p.st != nil && p.st.seek(start); ok; ok = p.st.next() {
			if steps++; steps%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			c := p.st.cur()
			if p.check != nil {
				ok, err := quoteHasWords(txn, uuid.UUID(c[dateLen:]), p.check)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
			}
			info.TotalCount++
			if len(keys) <= n && (after == nil || bytes.Compare(c, after) > 0) {
				keys = append(keys, bytes.Clone(c))
			}
		}
		if len(keys) > n {
			keys, info.HasNextPage = keys[:n], true
		}
		words := searchWords(f.Search)
		for _, c := range keys {
			id := uuid.UUID(c[dateLen:])
			var q quoteRec
			if err := load(txn, pQuote, id, &q); err != nil {
				return fmt.Errorf("quote %s: %w", id, err)
			}
			// The index answered the search; a printing has the words.
			if len(words) > 0 {
				ok, err := quoteHasWords(txn, id, func(text string) bool { return hasWords(text, words) })
				if err != nil {
					return err
				}
				if !ok {
					s.log.Warn("search index disagrees with quote text", "quote", id, "search", f.Search)
					continue
				}
			}
			sp, err := canonOf(txn, q.SpeakerID)
			if err != nil {
				return err
			}
			out = append(out, q.quote(sp))
		}
		if len(keys) > 0 {
			info.EndCursor = encodeCursor(cursorQuote, keys[len(keys)-1])
		}
		return nil
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("quotes: %w", err)
	}
	return out, info, nil
}

// quoteHasWords reports whether the canonical text or a printing of the
// quote with id passes check.
func quoteHasWords(txn *badger.Txn, id uuid.UUID, check func(string) bool) (bool, error) {
	var q quoteRec
	if err := load(txn, pQuote, id, &q); err != nil {
		return false, fmt.Errorf("quote %s: %w", id, err)
	}
	if check(q.Text) {
		return true, nil
	}
	occs, err := loadOccurrences(txn, id, 0)
	if err != nil {
		return false, err
	}
	for _, o := range occs {
		if check(o.Text) {
			return true, nil
		}
	}
	return false, nil
}

// plan is how a QuoteFilter is answered: a stream of index suffixes and,
// when a search word could not be served by the index, a check of the text.
type plan struct {
	st    stream // nil when nothing can match
	check func(text string) bool
	its   []*badger.Iterator
}

func (p *plan) close() {
	for _, it := range p.its {
		it.Close()
	}
}

func (p *plan) index(txn *badger.Txn, prefix []byte, hi []byte) stream {
	it := keysOnly(txn, prefix)
	p.its = append(p.its, it)
	return &indexStream{it: it, prefix: prefix, hi: hi}
}

func planQuotes(txn *badger.Txn, f QuoteFilter, hi []byte) *plan {
	p := &plan{}
	var and []stream
	if f.ArticleID != uuid.Nil {
		and = append(and, p.index(txn, recordKey(pQuoteByArticle, f.ArticleID), hi))
	}
	for _, sel := range []struct {
		p   byte
		ids []uuid.UUID
	}{{pQuoteBySpeaker, f.SpeakerIDs}, {pQuoteByVenue, f.VenueIDs}} {
		if len(sel.ids) == 0 {
			continue
		}
		var or []stream
		for _, id := range uniqueIDs(sel.ids) {
			or = append(or, p.index(txn, recordKey(sel.p, id), hi))
		}
		and = append(and, union(or))
	}
	if words := searchWords(f.Search); len(words) > 0 {
		last := words[len(words)-1]
		for _, w := range words[:len(words)-1] {
			and = append(and, p.index(txn, key(pQuoteByToken, tokenSelector(w)), hi))
		}
		if toks, ok := expandToken(txn, last); ok {
			var or []stream
			for _, t := range toks {
				or = append(or, p.index(txn, key(pQuoteByToken, tokenSelector(t)), hi))
			}
			if len(or) == 0 {
				return p // no quote has a word beginning so
			}
			and = append(and, union(or))
		} else {
			p.check = func(text string) bool { return hasWords(text, words[len(words)-1:]) }
		}
	}
	switch len(and) {
	case 0:
		p.st = p.index(txn, []byte{pQuoteByDate}, hi)
	case 1:
		p.st = and[0]
	default:
		p.st = &andStream{kids: and}
	}
	return p
}

func uniqueIDs(ids []uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(out)
}

// expandToken returns the indexed words that begin with prefix, skipping
// from one word to the next without reading its entries; ok is false
// when there are more than maxPrefixTokens.
func expandToken(txn *badger.Txn, prefix string) (toks []string, ok bool) {
	it := keysOnly(txn, key(pQuoteByToken, []byte(prefix)))
	defer it.Close()
	for it.Rewind(); it.Valid(); {
		k := it.Item().Key()[1:]
		i := bytes.IndexByte(k, sep)
		if i < 0 {
			break
		}
		if len(toks) == maxPrefixTokens {
			return nil, false
		}
		tok := string(k[:i])
		toks = append(toks, tok)
		it.Seek(key(pQuoteByToken, []byte(tok), []byte{sep + 1}))
	}
	return toks, true
}

// A stream yields, in ascending order, the 24-byte suffixes (article date,
// quote id) of quote index keys. seek moves to the first suffix at or
// after target and never backwards; seek and next report whether the
// stream has a current suffix. cur is valid until the stream moves.
type stream interface {
	seek(target []byte) bool
	next() bool
	cur() []byte
}

// indexStream reads one index selector (<prefix><selector>) up to the
// date hi.
type indexStream struct {
	it      *badger.Iterator
	prefix  []byte
	hi      []byte
	c       []byte
	started bool
	buf     []byte
}

func (s *indexStream) load() bool {
	s.c = nil
	if !s.it.Valid() {
		return false
	}
	c := s.it.Item().Key()[len(s.prefix):]
	if len(c) != suffixLen || bytes.Compare(c[:dateLen], s.hi) > 0 {
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
	if s.started && (s.c == nil || bytes.Compare(s.c, target) >= 0) {
		return s.c != nil
	}
	if s.started {
		for range seekSteps {
			if !s.next() {
				return false
			}
			if bytes.Compare(s.c, target) >= 0 {
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

// unionStream merges streams, dropping duplicates.
type unionStream struct {
	kids []stream
	c    []byte
	prev []byte
}

func union(kids []stream) stream {
	if len(kids) == 1 {
		return kids[0]
	}
	return &unionStream{kids: kids}
}

func (u *unionStream) pick() bool {
	u.c = nil
	for _, k := range u.kids {
		if c := k.cur(); c != nil && (u.c == nil || bytes.Compare(c, u.c) < 0) {
			u.c = c
		}
	}
	return u.c != nil
}

func (u *unionStream) seek(target []byte) bool {
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

// andStream intersects streams by leapfrogging: each seeks to the
// largest current suffix until all agree.
type andStream struct {
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
			if y := k.cur(); bytes.Compare(y, x) > 0 {
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

func (a *andStream) seek(target []byte) bool { return a.align(a.kids[0].seek(target)) }

func (a *andStream) next() bool {
	if a.c == nil {
		return false
	}
	return a.align(a.kids[0].next())
}

func (a *andStream) cur() []byte { return a.c }

// searchWords returns the distinct words of a search, the last word typed
// last: that one is matched as a prefix, the others whole.
func searchWords(search string) []string {
	fields := strings.Fields(normalize(search))
	if len(fields) == 0 {
		return nil
	}
	last := cutToken(fields[len(fields)-1])
	words := tokens(strings.Join(fields[:len(fields)-1], " "))
	return append(words, last)
}

// hasWords reports whether text has all the words, the last as a prefix.
func hasWords(text string, words []string) bool {
	if len(words) == 0 {
		return true
	}
	have := tokens(text)
	for i, w := range words {
		if i == len(words)-1 {
			return slices.ContainsFunc(have, func(t string) bool { return strings.HasPrefix(t, w) })
		}
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
