package graph

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/identity"
	"github.com/graphd/graphd/graph/key"
)

// A batch of articles is written in as few transactions as fit: each
// transaction holds the articles of the batch in order, one writer
// deciding for all of them, so that every identity and grouping decision
// of an article sees what the articles before it in the batch wrote,
// exactly as if each had been committed alone. What Badger's point reads
// of the transaction see anyway (records, lookups, match keys), the writer
// reads through it; what it would find by scanning an index (the speaker
// records under a block key, the printings of a quote), it keeps in
// memory as the batch goes (batch). A transaction is closed before it
// grows past maxBatchBytes; an article that does not fit Badger's limit
// on a transaction is written in the next one, and one that does not fit
// a transaction of its own is refused as too large.

// maxBatchBytes bounds the estimated size (Prepared.Size) of the articles
// of one transaction, well within what Badger takes in one (15% of a
// memtable), so that a transaction seldom has to be cut short and tried
// again.
const maxBatchBytes = memTableSize / 12

// batch is what a writer keeps in memory of the articles of its
// transaction written so far, for the articles after them.
type batch struct {
	matches map[string][]byte          // match key → postings, as read or written
	posted  map[string]bool            // match keys changed, written at flush
	blocks  map[string][]uuid.UUID     // block key → speaker records named by the batch, sorted
	occs    map[uuid.UUID]*printingRef // printings written, prepared
	gone    map[uuid.UUID]bool         // printings deleted
	quoted  map[uuid.UUID][]printing   // quote → printings added, in order
	byQ     *badger.Iterator           // over the committed printings of quotes; made once, as it costs
	caches  *caches                    // committed state kept across transactions; nil for writes of other kinds
	changes []Change                   // for watchers, once committed
	results int                        // articles written
}

// begin readies the writer for the next article of its transaction.
func (w *writer) begin() {
	*w.res = PutResult{}
	w.added, w.printings = nil, nil
	w.outlet.id, w.outlet.num = uuid.Nil, 0
	w.created, w.named = nil, nil
}

// end notes what the article just written changed that the next articles
// find by scanning: the block keys of the speaker records it created or
// named anew.
func (w *writer) end() {
	for _, id := range w.named {
		for _, b := range identity.BlockKeys(w.speakers[id].names()...) {
			w.blocks[b] = addID(w.blocks[b], id)
		}
	}
	w.named = nil
	w.results++
}

// close releases the writer's iterator.
func (w *writer) close() {
	if w.byQ != nil {
		w.byQ.Close()
		w.byQ = nil
	}
}

// PutBatch writes the prepared articles, in order, each as PutArticle
// would (unchanged, replaced or new), in as few transactions as fit: each
// decision about an article sees what the articles before it wrote, so
// that a batch gives the same graph as putting its articles one by one.
// It returns one result and one error per article, each known only once
// the article's transaction has committed: an article refused for what
// it holds (too large for a transaction: ErrInvalid) fails alone, the
// others are written; an error of the store (ErrClosed, ErrNoSpace,
// ErrReadOnly, ctx done) fails the articles not yet committed.
func (s *Store) PutBatch(ctx context.Context, batch []*Prepared) ([]PutResult, []error) {
	res := make([]PutResult, len(batch))
	errs := make([]error, len(batch))
	fail := func(from int, err error) {
		for i := from; i < len(batch); i++ {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("put article %s: %w", batch[i].key, err)
			}
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	switch {
	case s.closed:
		fail(0, ErrClosed)
	case s.noSpace:
		fail(0, s.noSpaceError())
	case s.readOnly:
		fail(0, ErrReadOnly)
	default:
		s.wmu.Lock()
		defer s.wmu.Unlock()
		s.putLocked(ctx, batch, res, errs, false)
	}
	for i, r := range res {
		if errs[i] != nil {
			continue
		}
		switch {
		case r.Unchanged:
			s.log.Debug("article unchanged", "key", batch[i].key)
		case r.Replaced:
			s.log.Info("article replaced", "key", batch[i].key, "quotes", r.Quotes)
		}
	}
	return res, errs
}

// putLocked writes batch as PutBatch does, or for a reindex rebuilds the
// quotations of stored articles; wmu is held. The CPU time the writer's
// thread spends is counted in WriteStats (Badger's commit of the
// transaction runs on a thread of its own, while the writer waits).
func (s *Store) putLocked(ctx context.Context, batch []*Prepared, res []PutResult, errs []error, reindex bool) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0 := threadCPU()
	defer func() { s.caches.stats.WriterCPU += threadCPU() - c0 }()
	for i := 0; i < len(batch); {
		n, alone, err := s.putGroup(ctx, batch[i:], res[i:], reindex)
		i += n
		switch {
		case err == nil:
		case alone:
			if errors.Is(err, errTooBig) {
				p := batch[i]
				err = fmt.Errorf("%w: article too large (%d bytes of text, %d quotes)", ErrInvalid, len(p.in.Text), len(p.quotes))
			}
			errs[i] = fmt.Errorf("put article %s: %w", batch[i].key, err)
			i++
		default:
			for ; i < len(batch); i++ {
				errs[i] = fmt.Errorf("put article %s: %w", batch[i].key, err)
			}
		}
	}
}

// putGroup commits the first articles of batch in one transaction, as many
// as fit, and tells how many. When an article fails on its own, the ones
// before it are committed without it and alone says so: it is the next.
func (s *Store) putGroup(ctx context.Context, batch []*Prepared, res []PutResult, reindex bool) (n int, alone bool, err error) {
	limit := len(batch)
	for {
		n, failed, err := s.tryGroup(ctx, batch[:limit], res, reindex)
		switch {
		case err == nil:
			return n, false, nil
		case failed < 0 || storeError(ctx, err):
			return 0, false, err
		case failed == 0:
			return 0, true, err
		}
		// Commit the articles before the one that failed, then try it alone.
		if errors.Is(err, errTooBig) {
			s.caches.stats.Splits++
		}
		limit = failed
	}
}

// storeError reports whether err is the store's rather than an article's:
// no later article could be written either.
func storeError(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, ErrClosed) || errors.Is(err, ErrNoSpace) || errors.Is(err, ErrReadOnly)
}

// tryGroup writes the articles of batch in one transaction, stopping
// before the one that would take it past maxBatchBytes, and commits it.
// It returns how many it wrote, or the error and the index of the article
// that failed (-1 when the transaction failed as a whole).
func (s *Store) tryGroup(ctx context.Context, batch []*Prepared, res []PutResult, reindex bool) (n, failed int, err error) {
	var w *writer
	err = s.commitLocked(ctx, func(txn *badger.Txn) error {
		rtxn := s.db.NewTransaction(false)
		defer rtxn.Discard()
		w = newWriter(txn, rtxn, &s.counts)
		w.caches = &s.caches
		w.presize(s.caches.sizes)
		defer w.close()
		n, failed = 0, -1
		size := 0
		for k, p := range batch {
			if k > 0 && size+p.Size() > maxBatchBytes {
				break
			}
			size += p.Size()
			w.begin()
			var r PutResult
			var err error
			done := s.step(ctx)
			if reindex {
				r, err = w.reindexArticle(p)
			} else {
				r, err = w.putArticle(p)
			}
			done()
			if err != nil {
				failed = k
				return err
			}
			res[k] = r
			if !r.Unchanged {
				a := r.Article
				a.Text = ""
				w.changes = append(w.changes, Change{Article: a, Quotes: w.added, Replaced: r.Replaced, printings: &printings{raw: w.printings}})
			}
			w.end()
			n++
		}
		done := s.step(ctx)
		err := w.flush()
		done()
		if err != nil {
			if errors.Is(err, errTooBig) {
				failed = max(n-1, 0)
			}
			return err
		}
		return nil
	}, func() {
		s.counts.put(w.written)
		s.caches.commit(w)
		s.caches.stats.Transactions++
		s.caches.stats.Articles += int64(n)
		for _, c := range w.changes {
			s.notify(c)
		}
	})
	if err != nil {
		return 0, failed, err
	}
	s.noteWrite(context.WithoutCancel(ctx))
	return n, -1, nil
}

// reindexArticle writes anew the quotations of the stored article p
// stands for, as Reindex does after dropping everything derived: the
// article keeps its id and record, its quotations are grouped and its
// speakers resolved again, and its copy is looked for again.
func (w *writer) reindexArticle(p *Prepared) (PutResult, error) {
	v, ok, err := get(w.txn, key.Lookup(key.KindArticleByKey, p.key))
	if err != nil {
		return PutResult{}, err
	}
	if !ok || len(v) != key.IDLen {
		return PutResult{}, fmt.Errorf("article %s: %w", p.key, ErrNotFound)
	}
	var rec articleRec
	if err := load(w.txn, key.KindArticle, uuid.UUID(v), &rec); err != nil {
		return PutResult{}, fmt.Errorf("article %s: %w", p.key, err)
	}
	rec.Copy = nil // its index entry is gone with the derived keys
	old := articleIndex(rec)
	rec.Sketch = p.sketch
	if err := w.putQuotes(&rec, p); err != nil {
		return PutResult{}, err
	}
	if err := store(w.txn, key.KindArticle, rec.ID, rec); err != nil {
		return PutResult{}, err
	}
	if err := rewriteEntries(w.txn, old, articleIndex(rec)); err != nil {
		return PutResult{}, err
	}
	res := *w.res
	res.Article = rec.article(p.in.Text)
	res.Quotes = len(p.quotes)
	return res, nil
}
