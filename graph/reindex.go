package graph

import (
	"context"

	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/similar"
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

// Reindex rebuilds the quotations, speakers, venues, identities, quote
// groups and copy links from the stored articles, in the order they were
// first stored, as if they were ingested again: extract gives the
// quotations of each article, and an error of extract stops it. People's decisions are kept and applied:
// a pair they kept apart is never merged, and the pairs they merged are
// merged again at the end. Articles, their ids and outlets are kept;
// quote, speaker and venue ids are new. The same articles and decisions
// give the same graph. progress, if not nil, is called after each article
// with the number done. Other writes wait until it is done.
func (s *Store) Reindex(ctx context.Context, extract func(Article) ([]QuoteInput, error), progress func(done int)) error {
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
	if err := s.dropDerived(ctx); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	var ids []uuid.UUID
	err := s.db.View(func(txn *badger.Txn) error {
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
	s.counts = countCache{segs: &s.segs} // the counts were dropped
	// Other writes wait: each article's write runs every merge it calls for.
	s.mergeAll = true
	defer func() { s.mergeAll = false }()
	for i, id := range ids {
		var written map[string]int64
		err := s.commitLocked(ctx, func(txn *badger.Txn) error {
			var rec articleRec
			if err := load(txn, key.KindArticle, id, &rec); err != nil {
				return err
			}
			text, err := readText(txn, id, rec.TextLen)
			if err != nil {
				return err
			}
			quotes, err := extract(rec.article(text))
			if err != nil {
				return err
			}
			in := ArticleInput{Text: text, Quotes: quotes}
			if err := validate(&in); err != nil {
				return err
			}
			rec.Copy = nil // its index entry is gone with the derived keys
			old := articleIndex(rec)
			rec.Sketch = similar.Sketch(text)
			rtxn := s.db.NewTransaction(false)
			defer rtxn.Discard()
			w := newWriter(txn, rtxn, &s.counts)
			if err := w.putQuotes(&rec, in.Quotes); err != nil {
				return err
			}
			if err := store(txn, key.KindArticle, id, rec); err != nil {
				return err
			}
			if err := rewriteEntries(txn, old, articleIndex(rec)); err != nil {
				return err
			}
			if err := w.flush(); err != nil {
				return err
			}
			written = w.written
			return nil
		}, func() { s.counts.put(written) })
		if err != nil {
			return fmt.Errorf("reindex article %s: %w", id, err)
		}
		if progress != nil {
			progress(i + 1)
		}
	}
	if err := s.updateLocked(ctx, reapplyMerges); err != nil {
		return fmt.Errorf("reindex: decisions: %w", err)
	}
	return nil
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
		for _, c := range []string{key.CounterQuotes, key.CounterOccurs, key.CounterSpeakers, key.CounterVenues, key.CounterWords} {
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
	})
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
