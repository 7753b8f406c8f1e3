package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
)

// derived lists the prefixes of everything Reindex rebuilds: all but the
// articles, their text, outlets, the article indexes that do not depend
// on quotes, people's decisions and the metadata.
var derived = [][]byte{
	key.KindQuote.Prefix(), key.KindSpeaker.Prefix(), key.KindVenue.Prefix(), key.KindOccurrence.Prefix(),
	key.KindQuoteByArticle.Prefix(), key.KindQuoteBySpeaker.Prefix(), key.KindQuoteByVenue.Prefix(), key.KindQuoteByDate.Prefix(), key.KindQuoteByOutlet.Prefix(),
	key.KindSegmentBlock.Prefix(), key.KindSegmentTerms.Prefix(), key.KindSegmentDeletes.Prefix(), key.KindRollup.Prefix(), key.KindTimeline.Prefix(),
	key.KindOccurrenceByQuote.Prefix(), key.KindOccurrenceByArticle.Prefix(), key.KindMatch.Prefix(), key.KindConflict.Prefix(),
	key.KindSpeakerByName.Prefix(), key.KindSpeakerLookup.Prefix(), key.KindSpeakerByToken.Prefix(), key.KindSpeakerByBlock.Prefix(), key.KindSpeakerMember.Prefix(), key.KindRoleSeen.Prefix(),
	key.KindVenueByName.Prefix(), key.KindVenueLookup.Prefix(), key.KindVenueByToken.Prefix(),
	key.KindArticleCopy.Prefix(), key.KindSpeakerVenue.Prefix(), key.KindCandidate.Prefix(), key.KindCandidatePair.Prefix(),
}

// derivedCounters are the counters of what Reindex rebuilds.
var derivedCounters = []string{key.CounterQuotes, key.CounterOccurs, key.CounterSpeakers, key.CounterVenues, key.CounterWords}

// Reindex rebuilds the quotations, speakers, venues, identities, quote
// groups and copy links from the stored articles, in the order they were
// first stored, as if they were ingested again. It drops everything
// derived, then calls rebuild with a Rebuild, through which rebuild writes
// every stored article anew (Rebuild.Articles lists them, PutBatch writes
// batches of them, prepared with the quotations extracted again); an
// error of rebuild stops it. People's decisions are kept and applied: a
// pair they kept apart is never merged, and the pairs they merged are
// merged again at the end. Articles, their ids and outlets are kept;
// quote, speaker and venue ids are new. The same articles and decisions
// give the same graph. Other writes wait until it is done.
func (s *Store) Reindex(ctx context.Context, rebuild func(*Rebuild) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.writable(); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	// The mark goes first and is synced: a reindex cut short leaves it,
	// and the store says so (ReindexPending, Check) until a reindex
	// finishes.
	err := s.db.Update(func(txn *badger.Txn) error { return set(txn, key.Reindexing(), []byte{1}) })
	if err == nil && !s.mem {
		err = s.db.Sync()
	}
	if err != nil {
		return fmt.Errorf("reindex: %w", dbErr("mark", err))
	}
	s.reindexPending.Store(true)
	// The search index's segments go too: a background merge under way
	// writes nothing of them after this (batched).
	s.segMu.Lock()
	s.segEpoch++
	err = s.dropDerived(ctx)
	s.segMu.Unlock()
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	var ids []uuid.UUID
	err = s.db.View(func(txn *badger.Txn) error {
		it := keysOnly(txn, key.KindArticle.Prefix())
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			ids = append(ids, key.LastID(it.Item().Key()))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reindex: %w", dbErr("list articles", err))
	}
	s.resetCaches() // the counts were dropped
	// Other writes wait: each batch's write runs every merge it calls for.
	s.mergeAll = true
	defer func() { s.mergeAll = false }()
	if err := rebuild(&Rebuild{s: s, ids: ids}); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	if err := s.updateLocked(ctx, reapplyMerges, nil); err != nil {
		return fmt.Errorf("reindex: decisions: %w", err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return del(txn, key.Reindexing()) }); err != nil {
		return fmt.Errorf("reindex: %w", dbErr("unmark", err))
	}
	s.reindexPending.Store(false)
	return nil
}

// ErrReindexPending is the error of a store whose reindex did not finish:
// it holds the articles but only some of what is derived from them.
var ErrReindexPending = errors.New("a reindex of this store did not finish: run graphd reindex on it to finish the job")

// ReindexPending reports whether a reindex of s was cut short and has not
// been finished since: until one finishes, the store holds every article
// but the quotations, speakers and counts of only some of them.
func (s *Store) ReindexPending() bool { return s.reindexPending.Load() }

// Rebuild writes the articles of a store being reindexed (Reindex).
type Rebuild struct {
	s   *Store
	ids []uuid.UUID
}

// Len is the number of stored articles.
func (r *Rebuild) Len() int { return len(r.ids) }

// Articles calls fn with each stored article, text included, in the
// order they were first stored, and stops at the first error of fn.
func (r *Rebuild) Articles(ctx context.Context, fn func(Article) error) error {
	for ids := r.ids; len(ids) > 0; {
		n := min(len(ids), articlesBatch)
		var batch []Article
		err := r.s.db.View(func(txn *badger.Txn) error {
			for _, id := range ids[:n] {
				a, err := loadArticle(txn, id)
				if err != nil {
					return fmt.Errorf("article %s: %w", id, err)
				}
				batch = append(batch, a)
			}
			return nil
		})
		if err != nil {
			return err
		}
		ids = ids[n:]
		for _, a := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// Prepare prepares stored article a with its quotations extracted again,
// for PutBatch.
func (r *Rebuild) Prepare(a Article, quotes []QuoteInput) (*Prepared, error) {
	p, err := Prepare(ArticleInput{SourceID: a.SourceID, URL: a.URL, Title: a.Title, Outlet: a.Outlet, Published: a.Published, Text: a.Text, Quotes: quotes})
	if err != nil {
		return nil, err
	}
	p.key = a.Key
	return p, nil
}

// PutBatch writes the quotations of the stored articles of batch again,
// as Store.PutBatch writes articles: one result and one error each.
func (r *Rebuild) PutBatch(ctx context.Context, batch []*Prepared) ([]PutResult, []error) {
	res := make([]PutResult, len(batch))
	errs := make([]error, len(batch))
	r.s.putLocked(ctx, batch, res, errs, true)
	return res, errs
}

// dropDerived deletes every derived key and zeroes the counters of what
// is rebuilt.
func (s *Store) dropDerived(ctx context.Context) error {
	if err := s.db.DropPrefix(derived...); err != nil {
		if !s.mem {
			return dbErr("drop derived keys", err)
		}
		// An in-memory store may refuse DropPrefix: delete key by key.
		if err := s.deleteDerived(ctx); err != nil {
			return err
		}
	}
	return s.updateLocked(ctx, func(txn *badger.Txn) error {
		for _, c := range derivedCounters {
			if err := del(txn, key.Counter(c)); err != nil {
				return err
			}
		}
		// No segments, and numbers that go on from the last handed out,
		// never reused.
		d, err := s.segs.directory(txn)
		if err != nil {
			return err
		}
		s.segs.reset()
		return set(txn, key.Segments(), (&segDir{next: d.next}).encode())
	}, nil)
}

func (s *Store) deleteDerived(ctx context.Context) error {
	for _, p := range derived {
		for {
			var keys [][]byte
			err := s.db.View(func(txn *badger.Txn) error {
				it := keysOnly(txn, p)
				defer it.Close()
				for it.Rewind(); it.Valid() && len(keys) < 10000; it.Next() {
					keys = append(keys, it.Item().KeyCopy(nil))
				}
				return nil
			})
			if err != nil {
				return dbErr("list derived keys", err)
			}
			if len(keys) == 0 {
				break
			}
			wb := s.db.NewWriteBatch()
			for _, k := range keys {
				if err := wb.Delete(k); err != nil {
					wb.Cancel()
					return dbErr("delete derived keys", err)
				}
			}
			if err := wb.Flush(); err != nil {
				return dbErr("delete derived keys", err)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// reapplyMerges merges again the speakers people decided are one.
func reapplyMerges(txn *badger.Txn) error {
	type pair struct{ a, b string }
	var pairs []pair
	it := keysOnly(txn, key.KindDecision.Prefix())
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		v, err := item.ValueCopy(nil)
		if err != nil {
			it.Close()
			return dbErr("read decision", err)
		}
		var d decisionRec
		if err := decodeRecord(v, &d); err != nil {
			it.Close()
			return err
		}
		a, b, ok := key.SplitStrings(item.Key()[1:])
		if ok && d.Action == decisionMerge && a < b {
			pairs = append(pairs, pair{a, b})
		}
	}
	it.Close()
	w := newWriter(txn, nil, nil)
	for _, p := range pairs {
		var ids [2]uuid.UUID
		found := true
		for i, n := range []string{p.a, p.b} {
			v, ok, err := get(txn, key.Lookup(key.KindSpeakerLookup, n))
			if err != nil {
				return err
			}
			if !ok || len(v) < key.IDLen {
				found = false
				break
			}
			ids[i] = uuid.UUID(v[:key.IDLen])
		}
		if !found {
			continue
		}
		a, err := w.loadSpeaker(ids[0])
		if err != nil {
			return err
		}
		b, err := w.loadSpeaker(ids[1])
		if err != nil {
			return err
		}
		ev := []Evidence{{Kind: EvidenceDecision, Detail: "confirmed by a person", Weight: 10}}
		if err := w.merge(a, b, ev, 10, ByPerson); err != nil {
			return err
		}
	}
	return w.flush()
}
