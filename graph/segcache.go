package graph

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/graphd/graphd/graph/key"
)

// segCache keeps in memory what searches and writes read of segments,
// which never change once written: their term dictionaries, whole, and
// the postings later writes deleted from them, by segment number; and
// the directory last read, so that it is decoded once per change. A
// reader finds a segment's dictionary with a binary search, as Lucene
// keeps its term index in memory. Segment numbers are never reused, so an
// entry never goes stale; entries of segments no directory lists any
// more are dropped when a new directory is read. A nil *segCache reads
// everything from the transaction.
type segCache struct {
	mu     sync.Mutex
	dirRaw []byte
	dir    *segDir
	dicts  map[uint64]*segDict
	dels   map[uint64]*segDels
	// What writes and merges wrote of the index since the store opened,
	// and the longest a merge held the writer (nanoseconds).
	keysSet, keysDeleted, merges, mergedPostings, longestHold atomic.Int64
}

// held notes that a merge held the writer for d.
func (c *segCache) held(d time.Duration) {
	for {
		old := c.longestHold.Load()
		if int64(d) <= old || c.longestHold.CompareAndSwap(old, int64(d)) {
			return
		}
	}
}

// wrote counts keys of the search index set and deleted.
func (c *segCache) wrote(set, deleted int) {
	if c != nil {
		c.keysSet.Add(int64(set))
		c.keysDeleted.Add(int64(deleted))
	}
}

// segDict is a segment's term dictionary.
type segDict struct {
	terms []termEntry // by word
	stems []int32     // indexes of terms by stem, then word
}

// segDels is what later writes deleted from a segment, as far as they
// were read: the writes numbered up to through.
type segDels struct {
	through uint64
	ds      []segDelete           // by suffix
	sfx     [][key.SuffixLen]byte // the suffixes of ds
}

// directory returns the directory txn sees; the caller must not change
// it.
func (c *segCache) directory(txn *badger.Txn) (*segDir, error) {
	item, err := txn.Get(key.Segments())
	if errors.Is(err, badger.ErrKeyNotFound) {
		return newSegDir(), nil
	}
	if err != nil {
		return nil, dbErr("read search segments", err)
	}
	var d *segDir
	err = item.Value(func(v []byte) error {
		if c != nil {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.dir != nil && bytes.Equal(v, c.dirRaw) {
				d = c.dir
				return nil
			}
		}
		var err error
		if d, err = decodeSegDir(v); err != nil {
			return err
		}
		if c != nil {
			c.dirRaw, c.dir = bytes.Clone(v), d
			c.evict(d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search segments: %w", err)
	}
	return d, nil
}

// evict drops what the cache holds of segments d does not list; c.mu is
// held.
func (c *segCache) evict(d *segDir) {
	keep := func(n uint64) bool {
		if d.find(n) != nil {
			return true
		}
		return slices.ContainsFunc(d.merging, func(m segMerge) bool { return m.out == n })
	}
	for n := range c.dicts {
		if !keep(n) {
			delete(c.dicts, n)
		}
	}
	for n := range c.dels {
		if !keep(n) {
			delete(c.dels, n)
		}
	}
}

// reset forgets everything, for a store whose search index was dropped.
func (c *segCache) reset() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dirRaw, c.dir, c.dicts, c.dels = nil, nil, nil, nil
}

// dict returns the term dictionary of segment num, read through txn the
// first time.
func (c *segCache) dict(txn *badger.Txn, num uint64) (*segDict, error) {
	if c != nil {
		c.mu.Lock()
		d := c.dicts[num]
		c.mu.Unlock()
		if d != nil {
			return d, nil
		}
	}
	d, err := readDict(txn, num)
	if err != nil {
		return nil, err
	}
	if c != nil {
		c.mu.Lock()
		if c.dicts == nil {
			c.dicts = map[uint64]*segDict{}
		}
		c.dicts[num] = d
		c.mu.Unlock()
	}
	return d, nil
}

func readDict(txn *badger.Txn, num uint64) (*segDict, error) {
	d := &segDict{}
	o := badger.DefaultIteratorOptions
	o.Prefix = key.Segment(key.KindSegmentTerms, num)
	it := txn.NewIterator(o)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		err := it.Item().Value(func(v []byte) error {
			var err error
			d.terms, err = decodeTerms(v, d.terms)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("search segment %d: dictionary block %q: %w", num, it.Item().Key(), err)
		}
	}
	d.stems = make([]int32, len(d.terms))
	for i := range d.stems {
		d.stems[i] = int32(i)
	}
	slices.SortFunc(d.stems, func(a, b int32) int {
		return cmp.Or(strings.Compare(d.terms[a].stem, d.terms[b].stem), strings.Compare(d.terms[a].word, d.terms[b].word))
	})
	return d, nil
}

// word returns the entry of word w.
func (d *segDict) word(w string) (termEntry, bool) {
	i, ok := slices.BinarySearchFunc(d.terms, w, func(e termEntry, w string) int { return strings.Compare(e.word, w) })
	if !ok {
		return termEntry{}, false
	}
	return d.terms[i], true
}

// stem calls fn with the entries of the words of stem s, in word order.
func (d *segDict) stem(s string, fn func(termEntry)) {
	i, _ := slices.BinarySearchFunc(d.stems, s, func(j int32, s string) int { return strings.Compare(d.terms[j].stem, s) })
	for ; i < len(d.stems) && d.terms[d.stems[i]].stem == s; i++ {
		fn(d.terms[d.stems[i]])
	}
}

// prefix calls fn with the entries of the words beginning with p, in
// word order, until fn returns false.
func (d *segDict) prefix(p string, fn func(termEntry) bool) {
	i, _ := slices.BinarySearchFunc(d.terms, p, func(e termEntry, p string) int { return strings.Compare(e.word, p) })
	for ; i < len(d.terms) && strings.HasPrefix(d.terms[i].word, p); i++ {
		if !fn(d.terms[i]) {
			return
		}
	}
}

// deletes returns the suffixes of the postings of segment g that later
// writes deleted, as the transaction txn (whose directory lists g) sees
// them: those of writes up to g.delSeq.
func (c *segCache) deletes(txn *badger.Txn, g segInfo) ([][key.SuffixLen]byte, error) {
	if g.delSeq == 0 {
		return nil, nil
	}
	var cached *segDels
	if c != nil {
		c.mu.Lock()
		cached = c.dels[g.num]
		c.mu.Unlock()
	}
	if cached == nil {
		cached = &segDels{}
	}
	if cached.through < g.delSeq {
		var err error
		if cached, err = loadDeletes(txn, g, cached); err != nil {
			return nil, err
		}
		if c != nil {
			c.mu.Lock()
			if c.dels == nil {
				c.dels = map[uint64]*segDels{}
			}
			if old := c.dels[g.num]; old == nil || old.through < cached.through {
				c.dels[g.num] = cached
			}
			c.mu.Unlock()
		}
	}
	if cached.through == g.delSeq {
		return cached.sfx, nil
	}
	// The cache has read deletions this transaction does not see.
	var out [][key.SuffixLen]byte
	for _, d := range cached.ds {
		if d.write <= g.delSeq {
			out = append(out, d.suffix)
		}
	}
	return out, nil
}

// loadDeletes returns have with the deletions of g by writes after
// have.through, up to g.delSeq, added.
func loadDeletes(txn *badger.Txn, g segInfo, have *segDels) (*segDels, error) {
	o := badger.DefaultIteratorOptions
	o.Prefix = key.Segment(key.KindSegmentDeletes, g.num)
	it := txn.NewIterator(o)
	defer it.Close()
	var more []segDelete
	for it.Seek(key.SegmentDeletes(g.num, have.through+1)); it.Valid(); it.Next() {
		write := binary.BigEndian.Uint64(it.Item().Key()[1+key.SegLen:])
		if write > g.delSeq {
			break
		}
		err := it.Item().Value(func(v []byte) error {
			var err error
			more, err = decodeDeletes(v, write, more)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("search segment %d: deletions of write %d: %w", g.num, write, err)
		}
	}
	out := &segDels{through: g.delSeq, ds: make([]segDelete, 0, len(have.ds)+len(more))}
	out.ds = append(append(out.ds, have.ds...), more...)
	slices.SortFunc(out.ds, func(a, b segDelete) int { return bytes.Compare(a.suffix[:], b.suffix[:]) })
	out.sfx = make([][key.SuffixLen]byte, len(out.ds))
	for i, d := range out.ds {
		out.sfx[i] = d.suffix
	}
	return out, nil
}

// deleted reports whether sfx is in dels, a sorted list that a stream
// reads in order: *from is where the last search ended, and moves on.
func deleted(dels [][key.SuffixLen]byte, from *int, sfx []byte) bool {
	if *from >= len(dels) {
		return false
	}
	i, ok := slices.BinarySearchFunc(dels[*from:], sfx, func(d [key.SuffixLen]byte, s []byte) int { return cmpSuffix(d[:], s) })
	*from += i
	return ok
}
