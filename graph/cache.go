package graph

import (
	"bytes"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/ristretto/v2/z"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
	"github.com/graphd/graphd/graph/similar"
)

// The writer keeps what it reads most in memory, bounded: the postings of
// match keys (the most read keys of a write: several a quotation, most of
// them absent), the first speaker records under each identity block key,
// and the printings that new quotations are compared with, prepared for
// comparison. Each holds committed state only: the writer adds what a
// batch wrote once its transaction has committed, and a write by any
// other path (a person's decision, a load, a reindex) empties them all.
// A cache never changes a decision: it answers what Badger would.
//
// Most match keys a write looks up are absent (a new quotation's word
// pairs), and a cache of what was read cannot answer a key never read
// before. So the writer keeps a Bloom filter of every match key in the
// store, built from the match index by one scan of its keys on the first
// lookup and kept up by the writer's commits: a key the filter has never
// seen is absent without a read. A key deleted since stays in the filter
// and is read (the filter errs only towards reading); when the keys added
// pass what the filter was sized for, it is built again, twice as large.

// Sizes of the writer's caches, in entries.
const (
	matchCacheSize    = 1 << 18
	stemCacheSize     = 1 << 16
	matchFilterMin    = 1 << 16 // match keys the filter is sized for at least
	matchFilterFP     = 0.01    // its rate of false positives, when full
	blockKeyCacheSize = 1 << 15
	occCacheSize      = 1 << 15
	speakerCacheSize  = 1 << 12
)

// WriteStats counts what the writer did since the store was opened: the
// transactions it committed and the articles in them, and the lookups
// of its caches, hits answered from memory and misses read from Badger.
type WriteStats struct {
	Transactions   int64 // transactions of article writes committed
	Articles       int64 // articles they wrote, unchanged ones included
	Splits         int64 // batches cut short because the next article did not fit the transaction
	MatchHits      int64 // postings of match keys
	MatchMisses    int64
	MatchAbsent    int64 // match keys the filter of the store's keys found absent, without a read (of the misses of the cache)
	MatchScans     int64 // scans of the match index that built the filter
	BlockHits      int64 // speaker records under identity block keys
	BlockMisses    int64
	PrintingHits   int64 // printings compared with a new quotation, prepared
	PrintingMisses int64
	SpeakerHits    int64 // speaker records, decoded
	SpeakerMisses  int64
	// WriterCPU is the CPU time of the writer's thread in PutBatch (on
	// Linux; 0 elsewhere), not counting Badger's commit, which runs on
	// a thread of its own while the writer waits.
	WriterCPU time.Duration
}

// WriteStats returns the counts of the writer's transactions and cache
// lookups.
func (s *Store) WriteStats() WriteStats {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.caches.stats
}

// lru is a map bounded to about size entries that keeps the recently used
// ones: two generations, the older dropped whole when the newer fills,
// an entry found in the older moved to the newer.
type lru[K comparable, V any] struct {
	size     int
	cur, old map[K]V
}

func (c *lru[K, V]) get(k K) (V, bool) {
	if v, ok := c.cur[k]; ok {
		return v, true
	}
	v, ok := c.old[k]
	if ok {
		c.put(k, v)
	}
	return v, ok
}

func (c *lru[K, V]) put(k K, v V) {
	if c.cur == nil {
		c.cur = make(map[K]V)
	}
	if _, ok := c.cur[k]; !ok && len(c.cur) >= c.size/2 {
		c.old, c.cur = c.cur, make(map[K]V, c.size/2)
	}
	c.cur[k] = v
}

func (c *lru[K, V]) del(k K) {
	delete(c.cur, k)
	delete(c.old, k)
}

func (c *lru[K, V]) clear() { c.cur, c.old = nil, nil }

func (c *lru[K, V]) len() int { return len(c.cur) + len(c.old) }

// printingRef is a printing as grouping compares it: its record and its
// text prepared for comparison, made once.
type printingRef struct {
	rec  occRec
	text similar.Text
}

// caches are the writer's caches; wmu guards them.
type caches struct {
	match   lru[string, []byte]           // match key → postings; nil when absent
	block   lru[string, []uuid.UUID]      // block key → the first maxBlockScan speaker records, in key order
	occ     lru[uuid.UUID, *printingRef]  // occurrence id → the printing, prepared
	keys    *matchFilter                  // the match keys in the store; nil until built
	stems   lru[string, string]           // search word → its stem, for the segments' dictionaries
	speaker lru[uuid.UUID, cachedSpeaker] // speaker records, decoded
	sizes   writerSizes                   // of the last transaction's maps
	stats   WriteStats
}

// cachedSpeaker is a committed speaker record, decoded, with its index
// entries; neither is ever changed (a writer takes a copy of the record).
type cachedSpeaker struct {
	rec *speakerRec
	idx []entry
}

// clone returns a copy of r that shares nothing a writer changes.
func (r speakerRec) clone() speakerRec {
	c := r
	c.Aliases = slices.Clone(r.Aliases)
	c.Titles = slices.Clone(r.Titles)
	c.Roles = slices.Clone(r.Roles)
	c.Venues = slices.Clone(r.Venues)
	c.Co = slices.Clone(r.Co)
	c.Members = slices.Clone(r.Members)
	if r.Link != nil {
		l := *r.Link
		l.Evidence = slices.Clone(r.Link.Evidence)
		c.Link = &l
	}
	return c
}

// writerSizes are the sizes of the maps a writer fills over a
// transaction, which the next transaction's writer is made with, so that
// they do not grow step by step.
type writerSizes struct {
	counts, terms, adds, words, matches, occs int
}

// presize makes the maps of w with room for n.
func (w *writer) presize(n writerSizes) {
	if n.counts > 0 {
		w.counts = make(map[string]int64, n.counts)
		w.written = make(map[string]int64, n.counts)
	}
	if n.terms > 0 {
		w.terms = make(map[string]int64, n.terms)
		w.adds = make(map[[key.SuffixLen]byte]quoteRec, n.adds)
		w.removes = map[[key.SuffixLen]byte]quoteRec{}
	}
	if n.words > 0 {
		w.words = make(map[string]*searchWords, n.words)
	}
	if n.matches > 0 {
		w.matches = make(map[string][]byte, n.matches)
		w.posted = make(map[string]bool, n.matches)
	}
	if n.occs > 0 {
		w.occs = make(map[uuid.UUID]*printingRef, n.occs)
	}
}

// matchFilter is a Bloom filter of the match keys in the store.
type matchFilter struct {
	bloom    *z.Bloom
	n, limit int // keys added, and how many it was sized for
}

func newMatchFilter(n int) *matchFilter {
	limit := max(matchFilterMin, 2*n)
	return &matchFilter{bloom: z.NewBloomFilter(float64(limit), matchFilterFP), limit: limit}
}

func (f *matchFilter) add(k string) {
	if f.bloom.AddIfNotHas(z.MemHashString(k)) {
		f.n++
	}
}

// absent reports whether k is certainly not in the store.
func (f *matchFilter) absent(k string) bool { return !f.bloom.Has(z.MemHashString(k)) }

func newCaches() caches {
	return caches{
		match:   lru[string, []byte]{size: matchCacheSize},
		block:   lru[string, []uuid.UUID]{size: blockKeyCacheSize},
		occ:     lru[uuid.UUID, *printingRef]{size: occCacheSize},
		stems:   lru[string, string]{size: stemCacheSize},
		speaker: lru[uuid.UUID, cachedSpeaker]{size: speakerCacheSize},
	}
}

// clear empties the caches after a write they did not follow.
func (c *caches) clear() {
	c.match.clear()
	c.block.clear()
	c.occ.clear()
	c.speaker.clear()
	c.keys = nil
}

// commit adds what writer w wrote, now committed, to the caches.
func (c *caches) commit(w *writer) {
	for k, v := range w.matches {
		c.match.put(k, v)
		if c.keys != nil && len(v) > 0 {
			c.keys.add(k)
		}
	}
	if c.keys != nil && c.keys.n > c.keys.limit {
		c.keys = nil // built again, larger, on the next lookup
	}
	for k, ids := range w.blocks {
		if base, ok := c.block.get(k); ok {
			c.block.put(k, mergeIDs(base, ids, maxBlockScan))
		}
	}
	for id := range w.gone {
		c.occ.del(id)
	}
	for id, p := range w.occs {
		c.occ.put(id, p)
	}
	// The speakers it wrote as written, the others it read as read.
	for _, id := range w.stored {
		c.speaker.put(id, cachedSpeaker{rec: w.speakers[id], idx: w.orig[id]})
	}
	stored := make(map[uuid.UUID]bool, len(w.stored))
	for _, id := range w.stored {
		stored[id] = true
	}
	for id, rec := range w.loaded {
		if !stored[id] {
			c.speaker.put(id, cachedSpeaker{rec: rec, idx: w.orig[id]})
		}
	}
	c.sizes = writerSizes{counts: len(w.counts), terms: len(w.terms), adds: len(w.adds), words: len(w.words), matches: len(w.matches), occs: len(w.occs)}
}

// mergeIDs merges the sorted id lists a and b, without duplicates, keeping
// the first n.
func mergeIDs(a, b []uuid.UUID, n int) []uuid.UUID {
	out := make([]uuid.UUID, 0, min(n, len(a)+len(b)))
	i, j := 0, 0
	for len(out) < n && (i < len(a) || j < len(b)) {
		switch {
		case j == len(b) || i < len(a) && bytes.Compare(a[i][:], b[j][:]) < 0:
			out = append(out, a[i])
			i++
		case i == len(a) || bytes.Compare(a[i][:], b[j][:]) > 0:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// addID inserts id into the sorted list ids, if absent.
func addID(ids []uuid.UUID, id uuid.UUID) []uuid.UUID {
	i, found := slices.BinarySearchFunc(ids, id, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	if found {
		return ids
	}
	return slices.Insert(ids, i, id)
}

// stem returns search.Stem(word), from the cache of the words stemmed
// before when the writer has one. Stems are pure: the cache is never
// emptied.
func (w *writer) stem(word string) string {
	if w.caches == nil {
		return search.Stem(word)
	}
	s, ok := w.caches.stems.get(word)
	if !ok {
		s = search.Stem(word)
		w.caches.stems.put(word, s)
	}
	return s
}

// scanMatchKeys builds the filter of the match keys in the store from
// the match index, reading txn, which holds no writes of its own to the
// index (the writer sets match keys only as its transaction ends). The
// scan reads every block of the index anyway; when fill is set (the
// cache of postings is empty: the store was just opened, or its caches
// emptied) it also keeps the postings of the first matchCacheSize keys
// in that cache, which then holds the whole index of a store with no
// more keys than that, and writes read no postings from Badger.
func (c *caches) scanMatchKeys(txn *badger.Txn, fill bool) error {
	var hashes []uint64
	prefix := key.KindMatch.Prefix()
	it := keysOnly(txn, prefix)
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		k := item.Key()[len(prefix):]
		hashes = append(hashes, z.MemHash(k))
		if fill && len(hashes) <= matchCacheSize {
			v, err := item.ValueCopy(nil)
			if err != nil {
				it.Close()
				return dbErr("read", err)
			}
			c.match.put(string(k), v)
		}
	}
	it.Close()
	f := newMatchFilter(len(hashes))
	for _, h := range hashes {
		if f.bloom.AddIfNotHas(h) {
			f.n++
		}
	}
	c.keys = f
	c.stats.MatchScans++
	return nil
}
