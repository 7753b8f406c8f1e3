package graph

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/key"
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

// A search reads the segments the directory lists. For each word of a
// search it finds, in every segment's dictionary (kept in memory by
// segCache), the words of its stem group and, for a prefix, the words
// beginning with it: their document frequencies add up over the
// segments, and each segment holding postings of a word gives a stream of
// them, without the postings later writes deleted. A segment's few
// postings of a word (at most eagerPostings) are read at once, one seek,
// and merged with the other segments' few into one list in memory; a
// segment's many are read block by block as the search goes, so that an
// intersection seeks over them.

// eagerPostings is the most postings of a word in a segment that a
// search reads at once.
const eagerPostings = 256

// segments returns the search index's directory as the plan's
// transaction sees it.
func (p *plan) segments() (*segDir, error) {
	if p.segDir == nil {
		d, err := p.segs.directory(p.txn)
		if err != nil {
			return nil, err
		}
		p.segDir = d
	}
	return p.segDir, nil
}

// inRange reports whether segment g may hold postings within the plan's
// dates.
func (p *plan) inRange(g segInfo) bool {
	lo, hi := binary.BigEndian.Uint64(p.lo), binary.BigEndian.Uint64(p.hi)
	return g.postings > 0 && g.maxDate >= lo && g.minDate <= hi
}

// wordSources is what the segments hold of one word: its document
// frequency, and the segments with postings of it and how many.
type wordSources struct {
	df     int64
	segs   []segInfo
	counts []int
	weight float64
}

// group builds the word group of t; nil when no quote has a word of it,
// wide when t is a prefix of more than maxPrefixTokens words.
func (p *plan) group(t search.Term) (g *wordGroup, wide bool, err error) {
	d, err := p.segments()
	if err != nil {
		return nil, false, err
	}
	words := map[string]*wordSources{}
	note := func(seg segInfo, e termEntry, weight float64) {
		ws := words[e.word]
		if ws == nil {
			ws = &wordSources{weight: weight}
			words[e.word] = ws
		}
		ws.df += e.df
		if e.postings > 0 && p.inRange(seg) {
			ws.segs = append(ws.segs, seg)
			ws.counts = append(ws.counts, e.postings)
		}
	}
	dicts := make([]*segDict, len(d.live))
	for i, seg := range d.live {
		if dicts[i], err = p.segs.dict(p.txn, seg.num); err != nil {
			return nil, false, err
		}
		dicts[i].stem(t.Stem, func(e termEntry) { note(seg, e, 1) })
	}
	if t.Prefix {
		// The words beginning with t.Word that some quote holds, their
		// frequencies added up over the segments first.
		prefixed := map[string]int64{}
		for _, dict := range dicts {
			dict.prefix(t.Word, func(e termEntry) bool {
				prefixed[e.word] += e.df
				return len(prefixed) <= 4*maxPrefixTokens
			})
			if len(prefixed) > 4*maxPrefixTokens {
				return nil, true, nil
			}
		}
		n := 0
		for _, df := range prefixed {
			if df > 0 {
				n++
			}
		}
		if n > maxPrefixTokens {
			return nil, true, nil
		}
		for i, seg := range d.live {
			dicts[i].prefix(t.Word, func(e termEntry) bool {
				if prefixed[e.word] > 0 && (words[e.word] == nil || words[e.word].weight != 1) {
					note(seg, e, search.PrefixWeight)
				}
				return true
			})
		}
	}
	g = &wordGroup{}
	for _, w := range sortedKeys(words) {
		ws := words[w]
		if ws.df <= 0 {
			continue // no quote holds it any more
		}
		g.df += float64(ws.df)
		st, err := p.wordStream(w, ws)
		if err != nil {
			return nil, false, err
		}
		g.streams = append(g.streams, st)
		g.weights = append(g.weights, ws.weight)
	}
	if len(g.streams) == 0 {
		return nil, false, nil
	}
	g.idf = search.IDF(p.n, g.df)
	g.st = union(1, g.streams)
	return g, false, nil
}

// wordStream returns the stream of word w's live postings in the
// segments of ws, within the plan's dates.
func (p *plan) wordStream(w string, ws *wordSources) (stream, error) {
	var few []posting
	var kids []stream
	for i, seg := range ws.segs {
		dels, err := p.segs.deletes(p.txn, seg)
		if err != nil {
			return nil, err
		}
		if ws.counts[i] > eagerPostings {
			kids = append(kids, p.segStream(seg.num, w, dels))
			continue
		}
		ps, err := p.readRun(seg.num, w, dels)
		if err != nil {
			return nil, err
		}
		if len(few) == 0 {
			few = ps
		} else {
			few = mergePostings(few, ps)
		}
	}
	if len(few) > 0 {
		kids = append(kids, &sliceStream{ps: few})
	}
	if len(kids) == 0 {
		return &sliceStream{}, nil
	}
	return union(1, kids), nil
}

// readRun returns word w's postings in segment num within the plan's
// dates, but for those in dels.
func (p *plan) readRun(num uint64, w string, dels [][key.SuffixLen]byte) ([]posting, error) {
	if p.blocks == nil {
		p.blocks = p.iterator(key.KindSegmentBlock.Prefix(), false)
	}
	it := p.blocks
	seg := key.Segment(key.KindSegmentBlock, num)
	var out []posting
	from := 0
	for it.Seek(key.SegmentBlock(num, w, append(slices.Clone(p.lo), make([]byte, key.IDLen)...))); it.ValidForPrefix(seg); it.Next() {
		item := it.Item()
		v, err := item.ValueCopy(nil)
		if err != nil {
			return nil, dbErr("read search segment", err)
		}
		n, data, err := blockRun(v, w)
		if err == nil {
			var ps []posting
			ps, err = decodeRun(data, n, nil)
			for _, q := range ps {
				if bytes.Compare(q.suffix[:key.DateLen], p.lo) < 0 || deleted(dels, &from, q.suffix[:]) {
					continue
				}
				if bytes.Compare(q.suffix[:key.DateLen], p.hi) > 0 {
					return out, nil
				}
				out = append(out, q)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("search segment %d: block %q: %w", num, item.Key(), err)
		}
		if blockWord(item.Key()) != w {
			break // the word ends in this block
		}
	}
	return out, nil
}

// blockWord is the word of a segment block's key, that of its last
// posting.
func blockWord(k []byte) string {
	return string(k[1+key.SegLen : len(k)-1-key.SuffixLen])
}

// segStream reads word's postings in one segment, block by block, forward
// only, within dates [lo, hi], skipping those in dels.
type segStream struct {
	it      *badger.Iterator // over the segment's blocks
	num     uint64
	word    string
	lo, hi  []byte
	dels    [][key.SuffixLen]byte
	dfrom   int
	ps      []posting // the word's postings in the loaded block
	i       int
	more    bool // the loaded block's last posting is the word's: it may go on in the next
	started bool
	done    bool
	buf     []byte
	err     error
}

func (p *plan) segStream(num uint64, w string, dels [][key.SuffixLen]byte) *segStream {
	return &segStream{it: p.iterator(key.Segment(key.KindSegmentBlock, num), false), num: num, word: w, lo: p.lo, hi: p.hi, dels: dels}
}

// load decodes the word's run in the block under the iterator.
func (s *segStream) load() bool {
	s.ps, s.i, s.more = s.ps[:0], 0, false
	if !s.it.Valid() {
		s.done = true
		return false
	}
	item := s.it.Item()
	s.more = blockWord(item.Key()) == s.word
	err := item.Value(func(v []byte) error {
		s.buf = append(s.buf[:0], v...)
		n, data, err := blockRun(s.buf, s.word)
		if err != nil {
			return err
		}
		s.ps, err = decodeRun(data, n, s.ps)
		return err
	})
	if err != nil {
		s.err = fmt.Errorf("search segment %d: block %q: %v", s.num, item.Key(), err)
		s.done = true
		return false
	}
	return true
}

// settle moves to the first posting from the current one on that is not
// deleted, checking the date bound.
func (s *segStream) settle() bool {
	for !s.done {
		if s.i >= len(s.ps) {
			if !s.more {
				s.done = true
				return false
			}
			s.it.Next()
			if !s.load() {
				return false
			}
			continue
		}
		c := s.ps[s.i].suffix[:]
		if bytes.Compare(c[:key.DateLen], s.hi) > 0 {
			s.done = true
			return false
		}
		if len(s.dels) > 0 && deleted(s.dels, &s.dfrom, c) {
			s.i++
			continue
		}
		return true
	}
	return false
}

func (s *segStream) seek(target []byte) bool {
	if s.done {
		return false
	}
	if s.started && cmpSuffix(s.ps[s.i].suffix[:], target) >= 0 {
		return true
	}
	if !s.started || len(s.ps) == 0 || cmpSuffix(s.ps[len(s.ps)-1].suffix[:], target) < 0 {
		// The target is often in the next block: step there, and seek
		// only if it is further.
		switch {
		case !s.started:
			s.it.Seek(key.SegmentBlock(s.num, s.word, target))
		case !s.more:
			s.done = true
			return false
		default:
			s.it.Next()
			if s.it.Valid() {
				k := s.it.Item().Key()
				if blockWord(k) == s.word && bytes.Compare(k[len(k)-key.SuffixLen:], target) < 0 {
					s.it.Seek(key.SegmentBlock(s.num, s.word, target))
				}
			}
		}
		s.started = true
		if !s.load() {
			return false
		}
	}
	s.i = gallop(s.ps, s.i, target)
	return s.settle()
}

func (s *segStream) next() bool {
	if s.done || !s.started {
		return false
	}
	s.i++
	return s.settle()
}

func (s *segStream) cur() []byte {
	if s.done || !s.started {
		return nil
	}
	return s.ps[s.i].suffix[:]
}

func (s *segStream) value() []byte {
	if s.done || !s.started {
		return nil
	}
	return s.ps[s.i].val
}

// sliceStream reads postings from memory, forward only.
type sliceStream struct {
	ps      []posting
	i       int
	started bool
}

func (s *sliceStream) seek(target []byte) bool {
	if s.started && s.i < len(s.ps) && cmpSuffix(s.ps[s.i].suffix[:], target) >= 0 {
		return true
	}
	s.started = true
	s.i = gallop(s.ps, s.i, target)
	return s.i < len(s.ps)
}

func (s *sliceStream) next() bool {
	if !s.started || s.i >= len(s.ps) {
		return false
	}
	s.i++
	return s.i < len(s.ps)
}

func (s *sliceStream) cur() []byte {
	if !s.started || s.i >= len(s.ps) {
		return nil
	}
	return s.ps[s.i].suffix[:]
}

func (s *sliceStream) value() []byte {
	if !s.started || s.i >= len(s.ps) {
		return nil
	}
	return s.ps[s.i].val
}

// gallop returns the first index from i on of a posting of ps, sorted by
// suffix, whose suffix is not before target: it steps on by doubling
// strides, as the next match in an intersection is often a few postings
// on, then searches the last stride.
func gallop(ps []posting, i int, target []byte) int {
	lo, step := i, 1
	for lo+step < len(ps) && cmpSuffix(ps[lo+step].suffix[:], target) < 0 {
		lo += step
		step *= 2
	}
	hi := min(lo+step+1, len(ps))
	k, _ := slices.BinarySearchFunc(ps[lo:hi], target, func(p posting, t []byte) int { return cmpSuffix(p.suffix[:], t) })
	return lo + k
}
