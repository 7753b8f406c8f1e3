package graph

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
)

// A write keeps what its quotes change of the search index and of the
// counts kept for search and the dashboard in its tally, and writes them
// at flush: the search index as one new segment (segment.go) holding the
// postings of the quotes it added and the changes to the words' document
// frequencies, with the postings of the quotes it took out marked
// deleted in the segments that hold them; the counts added to their
// committed values. A batch of many articles in one transaction gives one
// segment.

// tally is what a write changes of the search index and the counts kept
// for search and the dashboard.
type tally struct {
	cache   *countCache
	written map[string]int64 // the counts this write sets, for the cache once committed
	counts  map[string]int64 // deltas of the counts keys of quoteCounts
	adds    map[[key.SuffixLen]byte]quoteRec
	removes map[[key.SuffixLen]byte]quoteRec // quotes taken out, as the index holds them
	terms   map[string]int64                 // changes to the words' document frequencies
	words   map[string]*searchWords          // texts prepared for the index (Prepare's), by text
}

// prepared makes the words of texts prepared beforehand known to the
// tally, so that a quote with one of those texts is not split into words
// again.
func (t *tally) prepared(text string, sw *searchWords) {
	if t.words == nil {
		t.words = map[string]*searchWords{}
	}
	t.words[text] = sw
}

// searchWords returns the words of text, as prepared or made now.
func (t *tally) searchWords(text string) *searchWords {
	if sw := t.words[text]; sw != nil {
		return sw
	}
	pos, n := search.Positions(text)
	return &searchWords{pos: pos, length: n}
}

func (t *tally) count(k []byte, n int64) { t.counts[string(k)] += n }

// countQuote adds quote q to the search index and the counts (sign 1), or
// takes it out (sign -1), as the index and the counts hold it: a quote
// whose searched fields change is taken out as it was and added as it
// is. A quote added and taken out by the same write cancels out.
func (t *tally) countQuote(q quoteRec, sign int64) {
	sw := t.searchWords(q.Text)
	t.counts[wordsCounter] += sign * int64(sw.length) // termCounts, from the words at hand
	dimCounts(q, func(k []byte, n int64) { t.count(k, sign*n) })
	if t.terms == nil {
		t.terms = map[string]int64{}
		t.adds = map[[key.SuffixLen]byte]quoteRec{}
		t.removes = map[[key.SuffixLen]byte]quoteRec{}
	}
	for w := range sw.pos {
		t.terms[w] += sign
	}
	sfx := [key.SuffixLen]byte(key.Suffix(q.Published, q.ID))
	switch _, added := t.adds[sfx]; {
	case sign > 0:
		t.adds[sfx] = q
	case added:
		delete(t.adds, sfx)
	default:
		t.removes[sfx] = q
	}
}

// segWrite is the search index's part of a write's flush: the new
// segment's blocks are built (postings sorted and encoded, the
// dictionary with its stems) on a goroutine of their own while the
// writer's thread does the rest of the flush, and set in the
// transaction after it.
type segWrite struct {
	segs      *segCache
	committed *segDir // the directory as committed
	d         *segDir // the directory the write commits
	num       uint64  // the write's segment number
	done      chan struct{}
	// set by the goroutine, read once done is closed
	kvs  [][2][]byte // the segment's blocks, in the order built
	info segInfo
	made bool // the segment holds postings or terms
	err  error
}

// startPostings begins writing what the write changed of the search
// index: it reads the directory and starts building the new segment of
// the quotes the write added, with its changes to document frequencies;
// finishPostings completes it. It returns nil when the write changes
// nothing of the index. Until finishPostings returns, the write's
// additions, terms and search words must not change, and the writer's
// stem cache belongs to the build.
func (w *writer) startPostings() (*segWrite, error) {
	changed := len(w.adds) > 0 || len(w.removes) > 0
	for _, n := range w.terms {
		changed = changed || n != 0
	}
	if !changed {
		return nil, nil
	}
	var segs *segCache
	if w.cache != nil {
		segs = w.cache.segs
	}
	committed, err := segs.directory(w.txn)
	if err != nil {
		return nil, err
	}
	sw := &segWrite{segs: segs, committed: committed, d: committed.clone(), done: make(chan struct{})}
	sw.num = sw.d.next
	sw.d.next++
	go func() {
		defer close(sw.done)
		sw.info, sw.made, sw.err = w.buildSegment(sw.num, func(k, v []byte) error {
			sw.kvs = append(sw.kvs, [2][]byte{k, v})
			return nil
		})
	}()
	return sw, nil
}

// wait waits for the segment's build to end.
func (sw *segWrite) wait() {
	if sw != nil {
		<-sw.done
	}
}

// finishPostings writes the segment sw built, the postings of the quotes
// the write took out as deletions of the segments that hold them, and
// the directory that lists them.
func (w *writer) finishPostings(sw *segWrite) error {
	if sw == nil {
		return nil
	}
	if err := w.deleteFromSegments(sw.segs, sw.committed, sw.d, sw.num); err != nil {
		return err
	}
	sw.wait()
	if sw.err != nil {
		return sw.err
	}
	for _, kv := range sw.kvs {
		sw.segs.wrote(1, 0)
		if err := set(w.txn, kv[0], kv[1]); err != nil {
			return err
		}
	}
	if sw.made {
		sw.d.live = append(sw.d.live, sw.info) // the newest number: the list stays in order
	}
	sw.segs.wrote(1, 0)
	return set(w.txn, key.Segments(), sw.d.encode())
}

// buildSegment builds segment num of the quotes the write added and its
// changes to document frequencies, handing put its blocks in order. It
// reads the write's additions, terms and search words and uses the stem
// cache, nothing else of the writer: it runs beside the writer's thread.
func (w *writer) buildSegment(num uint64, put func(k, v []byte) error) (segInfo, bool, error) {
	// The quotes in suffix order, then each word's postings in that
	// order: the postings come out sorted by word and suffix with one
	// sort of the quotes and one of the words.
	qs := make([]*quoteRec, 0, len(w.adds))
	sfxs := make([][key.SuffixLen]byte, 0, len(w.adds))
	for sfx := range w.adds {
		sfxs = append(sfxs, sfx)
	}
	slices.SortFunc(sfxs, func(a, b [key.SuffixLen]byte) int { return cmpSuffix(a[:], b[:]) })
	for _, sfx := range sfxs {
		q := w.adds[sfx]
		qs = append(qs, &q)
	}
	byWord := map[string][]posting{}
	for i, q := range qs {
		sw := w.searchWords(q.Text)
		for word, ps := range sw.pos {
			byWord[word] = append(byWord[word], posting{suffix: sfxs[i], val: encodeFacts(*q, sw.length, ps)})
		}
	}
	words := make([]string, 0, len(byWord)+len(w.terms))
	for word, n := range w.terms {
		if n != 0 || len(byWord[word]) > 0 {
			words = append(words, word)
		}
	}
	posted := make([]string, 0, len(byWord))
	for word := range byWord {
		posted = append(posted, word)
		if _, ok := w.terms[word]; !ok {
			words = append(words, word)
		}
	}
	if len(posted) == 0 && len(words) == 0 {
		return segInfo{}, false, nil
	}
	slices.Sort(posted)
	b := newSegBuilder(num, put)
	for _, word := range posted {
		for _, p := range byWord[word] {
			if err := b.add(word, p); err != nil {
				return segInfo{}, false, err
			}
		}
	}
	slices.Sort(words)
	for _, word := range words {
		if err := b.term(termEntry{word: word, stem: w.stem(word), df: w.terms[word], postings: len(byWord[word])}); err != nil {
			return segInfo{}, false, err
		}
	}
	info, err := b.finish()
	return info, err == nil, err
}

// deleteFromSegments marks deleted the postings of the quotes the write
// took out, in the segments of committed that hold them, as write num;
// d, the directory the write will commit, counts them.
func (w *writer) deleteFromSegments(segs *segCache, committed, d *segDir, num uint64) error {
	if len(w.removes) == 0 {
		return nil
	}
	rd := w.reader()
	o := badger.DefaultIteratorOptions
	o.PrefetchValues = false
	o.Prefix = key.KindSegmentBlock.Prefix()
	it := rd.NewIterator(o)
	defer it.Close()
	pending := map[uint64][]segDelete{}
	sfxs := make([][key.SuffixLen]byte, 0, len(w.removes))
	for sfx := range w.removes {
		sfxs = append(sfxs, sfx)
	}
	slices.SortFunc(sfxs, func(a, b [key.SuffixLen]byte) int { return bytes.Compare(a[:], b[:]) })
	for _, sfx := range sfxs {
		q := w.removes[sfx]
		pos := w.searchWords(q.Text).pos
		if len(pos) == 0 {
			continue // a quote without words has no postings
		}
		word := ""
		for wd := range pos {
			if word == "" || wd < word {
				word = wd
			}
		}
		g, err := holder(rd, it, segs, committed, pending, word, sfx)
		if err != nil {
			return err
		}
		if g == 0 {
			continue // not in the index: Check tells
		}
		pending[g] = append(pending[g], segDelete{suffix: sfx, postings: len(pos), write: num})
	}
	for _, g := range sortedNums(pending) {
		ds := pending[g]
		slices.SortFunc(ds, func(a, b segDelete) int { return bytes.Compare(a.suffix[:], b.suffix[:]) })
		segs.wrote(1, 0)
		if err := set(w.txn, key.SegmentDeletes(g, num), encodeDeletes(ds)); err != nil {
			return err
		}
		info := d.find(g)
		for _, x := range ds {
			info.deleted += x.postings
		}
		info.delSeq = num
	}
	return nil
}

// holder returns the number of the live segment that holds word's live
// posting of the quote with suffix sfx, newest first; 0 for none.
// pending are the deletions the write has made so far.
func holder(rd *badger.Txn, it *badger.Iterator, segs *segCache, d *segDir, pending map[uint64][]segDelete, word string, sfx [key.SuffixLen]byte) (uint64, error) {
	date := binary.BigEndian.Uint64(sfx[:key.DateLen])
	for i := len(d.live) - 1; i >= 0; i-- {
		g := d.live[i]
		if g.postings == 0 || date < g.minDate || date > g.maxDate {
			continue
		}
		dict, err := segs.dict(rd, g.num)
		if err != nil {
			return 0, err
		}
		if e, ok := dict.word(word); !ok || e.postings == 0 {
			continue
		}
		ok, err := segHas(it, g.num, word, sfx[:])
		if err != nil || !ok {
			if err != nil {
				return 0, err
			}
			continue
		}
		dels, err := segs.deletes(rd, g)
		if err != nil {
			return 0, err
		}
		from := 0
		if deleted(dels, &from, sfx[:]) || slices.ContainsFunc(pending[g.num], func(x segDelete) bool { return x.suffix == sfx }) {
			continue
		}
		return g.num, nil
	}
	return 0, nil
}

// segHas reports whether segment num holds a posting of word for the
// quote with suffix sfx; it is an iterator over segment blocks.
func segHas(it *badger.Iterator, num uint64, word string, sfx []byte) (bool, error) {
	it.Seek(key.SegmentBlock(num, word, sfx))
	if !it.ValidForPrefix(key.Segment(key.KindSegmentBlock, num)) {
		return false, nil
	}
	var found bool
	err := it.Item().Value(func(v []byte) error {
		n, data, err := blockRun(v, word)
		if err != nil || n == 0 {
			return err
		}
		ps, err := decodeRun(data, n, nil)
		if err != nil {
			return err
		}
		_, found = slices.BinarySearchFunc(ps, sfx, func(p posting, s []byte) int { return cmpSuffix(p.suffix[:], s) })
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("search segment %d: block %q: %w", num, it.Item().Key(), err)
	}
	return found, nil
}

func sortedNums[V any](m map[uint64]V) []uint64 {
	ns := make([]uint64, 0, len(m))
	for n := range m {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return ns
}

// flushCounts adds the write's changes to the counts of quoteCounts,
// read from the cache of committed counts when it has them, and notes
// what it wrote for the cache.
func (w *writer) flushCounts() error {
	for _, k := range sortedKeys(w.counts) {
		d := w.counts[k]
		if d == 0 {
			continue
		}
		n, ok := w.cache.get(k)
		if !ok {
			var err error
			if n, err = readCount(w.txn, []byte(k)); err != nil {
				return err
			}
		}
		n += d
		var err error
		if n <= 0 {
			err = del(w.txn, []byte(k))
		} else {
			err = set(w.txn, []byte(k), uint64Bytes(uint64(n)))
		}
		if err != nil {
			return err
		}
		w.written[k] = max(n, 0)
	}
	return nil
}

// countCache remembers the committed values of count keys (the
// dashboard counts), so that a write reads the counts of busy days from
// memory instead of from Badger, and carries the store's cache of search
// segments. Only article writes use the counts, and they are serialized;
// writes that change counts otherwise (loads, upgrades) are done before
// any article write. The counts are cleared when they grow past
// countCacheMax entries.
type countCache struct {
	m    map[string]int64
	segs *segCache
}

const countCacheMax = 1 << 18

func (c *countCache) get(k string) (int64, bool) {
	if c == nil {
		return 0, false
	}
	n, ok := c.m[k]
	return n, ok
}

// put records counts that a committed write set.
func (c *countCache) put(counts map[string]int64) {
	if c.m == nil || len(c.m)+len(counts) > countCacheMax {
		c.m = make(map[string]int64, len(counts))
	}
	for k, n := range counts {
		c.m[k] = n
	}
}
