package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/graphd/graphd/graph/key"
)

// A write does not rewrite the word blocks of every word of its quotes,
// which would cost a block read and write per word: it adds each posting
// as a key of its own,
//
//	0x17 <word> 0x00 <date> <quote id>    a fresh posting; value as in a block
//
// and every mergeEvery writes the store moves the fresh postings into
// their blocks, a word's many postings in one block write. Readers read a
// word's blocks and fresh postings together; a posting is in one or the
// other, never both.

// mergeEvery is how many article writes go between merges.
const mergeEvery = 256

// mergeKeys bounds the fresh postings one merge transaction moves, to
// keep it under Badger's transaction size.
const mergeKeys = 10_000

// noteWrites counts n article writes and merges the fresh postings every
// mergeEvery writes; writers are serialized, wmu is held.
func (s *Store) noteWrites(ctx context.Context, n int) {
	before := s.writes
	if s.writes += n; s.writes/mergeEvery == before/mergeEvery {
		return
	}
	if err := s.mergeFresh(ctx); err != nil && !errors.Is(err, ErrClosed) {
		s.log.Warn("merging fresh postings into word blocks", "err", err.Error())
	}
}

// MergePostings moves every fresh posting into its word's blocks now.
// The store does it on its own every few hundred writes; a bulk writer
// may call it when done, so that searches read blocks only.
func (s *Store) MergePostings(ctx context.Context) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.writable(); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.mergeFresh(ctx)
}

// mergeFresh moves the fresh postings into blocks, ten thousand a
// transaction. Each transaction is whole: a crash leaves every posting in
// a block or fresh.
func (s *Store) mergeFresh(ctx context.Context) error {
	// Each batch starts after the last: the ones before are deleted, and
	// an iterator would step over their tombstones.
	from := key.KindFreshPosting.Prefix()
	// A batch whose block rewrites are too large for one transaction is
	// tried again at half the size.
	limit := mergeKeys
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		changes := map[string]*wordChange{}
		var keys [][]byte
		err := s.db.View(func(txn *badger.Txn) error {
			o := badger.DefaultIteratorOptions
			o.Prefix = key.KindFreshPosting.Prefix()
			o.PrefetchValues = false
			it := txn.NewIterator(o)
			defer it.Close()
			for it.Seek(from); it.Valid(); it.Next() {
				k := it.Item().Key()
				word, sfx, ok := key.SplitWord(k[1:])
				if !ok {
					return fmt.Errorf("fresh posting key %q malformed", k)
				}
				if len(keys) == limit {
					break
				}
				c := changes[word]
				if c == nil {
					c = &wordChange{}
					changes[word] = c
				}
				v, err := it.Item().ValueCopy(nil)
				if err != nil {
					return dbErr("read fresh posting", err)
				}
				p := posting{suffix: sfx, val: v}
				c.add = append(c.add, p)
				keys = append(keys, bytes.Clone(k))
			}
			return nil
		})
		if err != nil || len(changes) == 0 {
			return err
		}
		if err := s.checkSpace(); err != nil {
			return err
		}
		err = s.db.Update(func(txn *badger.Txn) error {
			rtxn := s.db.NewTransaction(false)
			defer rtxn.Discard()
			for _, k := range keys {
				if err := del(txn, k); err != nil {
					return err
				}
			}
			return applyWordChanges(txn, rtxn, changes)
		})
		if errors.Is(err, badger.ErrTxnTooBig) && limit > 1 {
			limit /= 2
			s.log.Info("merging fresh postings: a batch too large for one transaction, halved", "postings", limit)
			continue
		}
		if err != nil {
			return dbErr("merge fresh postings", err)
		}
		if len(keys) < limit {
			return nil
		}
		from = append(keys[len(keys)-1], 0)
	}
}

// countCache remembers the committed values of count keys (the term
// dictionary, the dashboard counts), so that a write reads the counts of
// common words and busy days from memory instead of from Badger. Only
// article writes use it, and they are serialized; writes that change
// counts otherwise (loads, upgrades) are done before any article write.
// It is cleared when it grows past countCacheMax entries.
type countCache struct {
	m map[string]int64
}

const countCacheMax = 1 << 18

func (c *countCache) get(k string) (int64, bool) {
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
