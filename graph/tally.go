package graph

import (
	"slices"

	"github.com/graphd/graphd/graph/key"
)

// A write keeps what its quotes change of the search index and of the
// counts kept for search and the dashboard in its tally, and writes them
// at flush: word postings as fresh postings (fresh.go), counts added to
// their committed values.

// tally is what a write changes of the search index and the counts kept
// for search and the dashboard.
type tally struct {
	cache   *countCache
	written map[string]int64 // the counts this write sets, for the cache once committed
	counts  map[string]int64 // deltas of the counts keys of quoteCounts
	words   map[string]*wordChange
}

func (t *tally) count(k []byte, n int64) { t.counts[string(k)] += n }

func (t *tally) word(word string) *wordChange {
	c := t.words[word]
	if c == nil {
		c = &wordChange{}
		t.words[word] = c
	}
	return c
}

// countQuote adds quote q to the search index and the counts (sign 1), or
// takes it out (sign -1).
func (t *tally) countQuote(q quoteRec, sign int64) {
	quoteCounts(q, func(k []byte, n int64) { t.count(k, sign*n) })
	for word, p := range wordPostings(q) {
		c := t.word(word)
		if sign > 0 {
			c.add = append(c.add, p)
			continue
		}
		// A posting added by this transaction (an earlier article of its
		// batch) is taken back; one committed before is removed.
		if i := slices.IndexFunc(c.add, func(a posting) bool { return a.suffix == p.suffix }); i >= 0 {
			c.add = slices.Delete(c.add, i, i+1)
		} else {
			c.remove = append(c.remove, p.suffix)
		}
	}
}

// writePostings writes the word postings a write added, as fresh
// postings, and removes those it deleted, from the fresh ones or from the
// blocks.
func (w *writer) writePostings() error {
	fromBlocks := map[string]*wordChange{}
	for _, word := range sortedKeys(w.words) {
		c := w.words[word]
		for _, sfx := range c.remove {
			k := key.FreshPosting(word, sfx)
			ok, err := has(w.rtxn, k)
			switch {
			case err != nil:
				return err
			case ok:
				if err := del(w.txn, k); err != nil {
					return err
				}
			default:
				b := fromBlocks[word]
				if b == nil {
					b = &wordChange{}
					fromBlocks[word] = b
				}
				b.remove = append(b.remove, sfx)
			}
		}
		for _, p := range c.add {
			if err := set(w.txn, key.FreshPosting(word, p.suffix), p.val); err != nil {
				return err
			}
		}
	}
	return applyWordChanges(w.txn, w.rtxn, fromBlocks)
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
