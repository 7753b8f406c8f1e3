package graph

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/similar"
)

// layoutVersion is stored under key.Version. Open upgrades a store of
// version 1 to 5 and refuses others.
// Version 2 gave quote indexes facets and the word index blocks; version
// 3 made a quote a statement with one occurrence per article, and added
// speaker identity; version 4 indexes the speaker records merged into
// another (key.KindSpeakerMember), so that counts fold into people;
// version 5 folds names and words with package fold, which strips the
// diacritics of every script, where version 4 folded Latin letters only;
// version 6 writes quotes and occurrences in a binary form, drops the
// index of occurrences by article and most exact match keys, and keeps
// the search index in segments (segment.go) instead of word blocks,
// fresh postings and a term dictionary updated in place.
const layoutVersion = 6

// LayoutVersion is the key layout version of the stores this package
// writes; Open upgrades a store of an earlier one when it may write, and
// a read-only Open of one returns ErrOldLayout. Caches of generated
// stores are named by it, so that builds of different layouts never share
// one.
const LayoutVersion = layoutVersion

var counterNames = []string{key.CounterArticles, key.CounterQuotes, key.CounterOccurs, key.CounterSpeakers, key.CounterVenues, key.CounterOutlets, key.CounterWords}

// upgradeFrom1 brings a store of layout 1 to layout 2: speakers, venues
// and outlets get numbers, quotes their article's outlet and those
// numbers, every quote index is rewritten with facets, the word index
// with blocks of postings, and the term dictionary, dashboard counts and
// word counter are built, all in memory first. It starts over from
// scratch if it was cut short, as the version is set last.
func (s *Store) upgradeFrom1() error {
	s.log.Info("upgrading the store's key layout from version 1 to 2")
	prefixes := [][]byte{
		key.KindQuoteByArticle.Prefix(), key.KindQuoteBySpeaker.Prefix(), key.KindQuoteByVenue.Prefix(), key.KindQuoteByDate.Prefix(), key.KindWordBlock.Prefix(),
		key.KindTerm.Prefix(), key.KindQuoteByOutlet.Prefix(), key.KindFreshPosting.Prefix(), key.KindRollup.Prefix(), key.KindTimeline.Prefix(), key.Counter(key.CounterWords),
	}
	if err := s.db.DropPrefix(prefixes...); err != nil {
		return dbErr("upgrade", err)
	}
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	put := func(k, v []byte) error {
		if err := wb.Set(k, v); err != nil {
			return dbErr("upgrade", err)
		}
		return nil
	}
	nums := map[uuid.UUID]uint32{}
	outlets := map[uuid.UUID]uuid.UUID{} // article → outlet
	counts := map[string]int64{}
	words := map[string][]posting{}
	n := 0
	err := s.db.View(func(txn *badger.Txn) error {
		// Numbers in creation order; records rewritten with them.
		number := func(p key.Kind, last string, fn func(v []byte, num uint32) (any, uuid.UUID, error)) error {
			o := badger.DefaultIteratorOptions
			o.Prefix = p.Prefix()
			it := txn.NewIterator(o)
			defer it.Close()
			num := uint32(0)
			for it.Rewind(); it.Valid(); it.Next() {
				v, err := it.Item().ValueCopy(nil)
				if err != nil {
					return dbErr("upgrade", err)
				}
				num++
				rec, id, err := fn(v, num)
				if err != nil {
					return fmt.Errorf("record %x: %w", it.Item().Key(), err)
				}
				nums[id] = num
				b, err := encodeRecord(rec)
				if err != nil {
					return err
				}
				if err := put(key.Record(p, id), b); err != nil {
					return err
				}
			}
			return put(key.Counter(last), uint64Bytes(uint64(num)))
		}
		err := number(key.KindSpeaker, key.LastSpeakerNum, func(v []byte, num uint32) (any, uuid.UUID, error) {
			var r speakerRec
			err := decodeRecord(v, &r)
			r.Num = num
			return r, r.ID, err
		})
		if err == nil {
			err = number(key.KindVenue, key.LastVenueNum, func(v []byte, num uint32) (any, uuid.UUID, error) {
				var r venueRec
				err := decodeRecord(v, &r)
				r.Num = num
				return r, r.ID, err
			})
		}
		if err == nil {
			err = number(key.KindOutlet, key.LastOutletNum, func(v []byte, num uint32) (any, uuid.UUID, error) {
				var r outletRec
				err := decodeRecord(v, &r)
				r.Num = num
				return r, r.ID, err
			})
		}
		if err != nil {
			return err
		}
		o := badger.DefaultIteratorOptions
		o.Prefix = key.KindArticle.Prefix()
		it := txn.NewIterator(o)
		for it.Rewind(); it.Valid(); it.Next() {
			var r articleRec
			if err := it.Item().Value(func(v []byte) error { return decodeRecord(v, &r) }); err != nil {
				it.Close()
				return fmt.Errorf("article %x: %w", it.Item().Key()[1:], err)
			}
			outlets[r.ID] = r.OutletID
		}
		it.Close()
		o.Prefix = key.KindQuote.Prefix()
		it = txn.NewIterator(o)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var r quoteRec
			if err := it.Item().Value(func(v []byte) error { return decodeRecord(v, &r) }); err != nil {
				return fmt.Errorf("quote %x: %w", it.Item().Key()[1:], err)
			}
			r.OutletID = outlets[r.ArticleID]
			r.SpeakerNum, r.VenueNum, r.OutletNum = nums[r.SpeakerID], nums[r.VenueID], nums[r.OutletID]
			b, err := encodeRecord(r)
			if err != nil {
				return err
			}
			if err := put(key.Record(key.KindQuote, r.ID), b); err != nil {
				return err
			}
			for _, e := range quoteIndex(r) {
				if err := put(e.k, e.v); err != nil {
					return err
				}
			}
			quoteCounts(r, func(k []byte, d int64) { counts[string(k)] += d })
			for w, p := range wordPostings(r) {
				words[w] = append(words[w], p)
			}
			if n++; n%100_000 == 0 {
				s.log.Info("upgrading", "quotes", n)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	if err := writeWordBlocks(words, put); err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	for k, c := range counts {
		if c > 0 {
			if err := put([]byte(k), uint64Bytes(uint64(c))); err != nil {
				return fmt.Errorf("upgrade: %w", err)
			}
		}
	}
	if err := wb.Flush(); err != nil {
		return dbErr("upgrade", err)
	}
	err = s.db.Update(func(txn *badger.Txn) error { return set(txn, key.Version(), []byte{2}) })
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	s.log.Info("upgraded the store's key layout", "quotes", n)
	return s.upgradeFrom2()
}

// upgradeFrom2 brings a store of layout 2 to layout 4, then 5: every quote
// becomes a statement with one printing, its occurrence. Speakers stay
// apart and quotes ungrouped (so there is no merged record for layout 4 to
// index); `graphd reindex` resolves identities and groups them.
func (s *Store) upgradeFrom2() error {
	s.log.Info("upgrading the store's key layout from version 2 to 4")
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	n := 0
	err := s.eachRecord(key.KindQuote, func(k, v []byte) error {
		var q quoteRec
		if err := decodeRecord(v, &q); err != nil {
			return fmt.Errorf("quote %x: %w", k[1:], err)
		}
		if q.Count > 0 { // printed already, by a write of layout 3
			n += q.Count
			return nil
		}
		occ, err := firstPrinting(&q)
		if err != nil {
			return err
		}
		for _, r := range []struct {
			p  key.Kind
			id uuid.UUID
			v  any
		}{{key.KindQuote, q.ID, q}, {key.KindOccurrence, occ.ID, occ}} {
			b, err := encodeRecord(r.v)
			if err != nil {
				return err
			}
			if err := wb.Set(key.Record(r.p, r.id), b); err != nil {
				return dbErr("upgrade", err)
			}
		}
		for _, e := range occIndex(occ) {
			if err := wb.Set(e.k, e.v); err != nil {
				return dbErr("upgrade", err)
			}
		}
		n++
		return nil
	})
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	if err := wb.Set(key.Counter(key.CounterOccurs), uint64Bytes(uint64(n))); err != nil {
		return dbErr("upgrade", err)
	}
	if err := wb.Flush(); err != nil {
		return dbErr("upgrade", err)
	}
	err = s.db.Update(func(txn *badger.Txn) error { return set(txn, key.Version(), []byte{4}) })
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	s.log.Info("upgraded the store's key layout", "quotes", n)
	return s.upgradeFrom4()
}

// firstPrinting makes quote q, stored before quotes had printings, the
// statement of one new occurrence, and returns it.
func firstPrinting(q *quoteRec) (occRec, error) {
	id, err := newID()
	if err != nil {
		return occRec{}, err
	}
	o := occRec{ID: id, QuoteID: q.ID, attribution: q.attribution, Match: similar.First, Score: 1}
	q.First, q.Canon, q.Count = id, id, 1
	if q.SpeakerID != uuid.Nil {
		q.Speakers = []uuid.UUID{q.SpeakerID}
	}
	return o, nil
}

// upgradeFrom3 brings a store of layout 3 to layout 4, then 5: every
// speaker record merged into another gets its entry in the member index.
func (s *Store) upgradeFrom3() error {
	s.log.Info("upgrading the store's key layout from version 3 to 4")
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	n := 0
	err := s.eachRecord(key.KindSpeaker, func(k, v []byte) error {
		var r speakerRec
		if err := decodeRecord(v, &r); err != nil {
			return fmt.Errorf("speaker %x: %w", k[1:], err)
		}
		if r.Canon == uuid.Nil {
			return nil
		}
		n++
		if err := wb.Set(key.Record(key.KindSpeakerMember, r.ID), r.Canon[:]); err != nil {
			return dbErr("upgrade", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	if err := wb.Flush(); err != nil {
		return dbErr("upgrade", err)
	}
	err = s.db.Update(func(txn *badger.Txn) error { return set(txn, key.Version(), []byte{4}) })
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	s.log.Info("upgraded the store's key layout", "merged speaker records", n)
	return s.upgradeFrom4()
}

// eachRecord calls fn with the key and value of every record under prefix
// p, in one read transaction.
func (s *Store) eachRecord(p key.Kind, fn func(k, v []byte) error) error {
	return s.db.View(func(txn *badger.Txn) error {
		o := badger.DefaultIteratorOptions
		o.Prefix = p.Prefix()
		it := txn.NewIterator(o)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return dbErr("upgrade", err)
			}
			if err := fn(it.Item().Key(), v); err != nil {
				return err
			}
		}
		return nil
	})
}
