package graph

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// upgradeBatch is how many quotes the upgrade rewrites per batch.
const upgradeBatch = 1000

// upgradeFrom1 brings a store of layout 1 to layout 2: quotes get their
// article's outlet, every quote index is rewritten with facets and
// positions, and the term dictionary, dashboard counts and word counter
// are built. It starts over from scratch if it was cut short, as the
// version is set last.
func (s *Store) upgradeFrom1() error {
	s.log.Info("upgrading the store's key layout from version 1 to 2")
	prefixes := [][]byte{
		{pQuoteByArticle}, {pQuoteBySpeaker}, {pQuoteByVenue}, {pQuoteByDate}, {pQuoteByToken},
		{pTermDict}, {pQuoteByOutlet}, {pRollup}, {pTimeline}, counterKey(counterWords),
	}
	if err := s.db.DropPrefix(prefixes...); err != nil {
		return dbErr("upgrade", err)
	}
	outlets := map[uuid.UUID]uuid.UUID{}
	err := s.db.View(func(txn *badger.Txn) error {
		o := badger.DefaultIteratorOptions
		o.Prefix = []byte{pArticle}
		it := txn.NewIterator(o)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return dbErr("upgrade", err)
			}
			var r articleRec
			if err := decodeRecord(v, &r); err != nil {
				return fmt.Errorf("article %x: %w", it.Item().Key()[1:], err)
			}
			outlets[r.ID] = r.OutletID
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	counts := map[string]int64{}
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	n := 0
	err = s.db.View(func(txn *badger.Txn) error {
		o := badger.DefaultIteratorOptions
		o.Prefix = []byte{pQuote}
		it := txn.NewIterator(o)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return dbErr("upgrade", err)
			}
			var r quoteRec
			if err := decodeRecord(v, &r); err != nil {
				return fmt.Errorf("quote %x: %w", it.Item().Key()[1:], err)
			}
			r.OutletID = outlets[r.ArticleID]
			b, err := encodeRecord(r)
			if err != nil {
				return err
			}
			if err := wb.Set(recordKey(pQuote, r.ID), b); err != nil {
				return dbErr("upgrade", err)
			}
			for _, e := range quoteIndex(r) {
				if err := wb.Set(e.k, e.v); err != nil {
					return dbErr("upgrade", err)
				}
			}
			quoteCounts(r, func(k []byte, d int64) { counts[string(k)] += d })
			if n++; n%(100*upgradeBatch) == 0 {
				s.log.Info("upgrading", "quotes", n)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	for k, c := range counts {
		if c > 0 {
			if err := wb.Set([]byte(k), uint64Bytes(uint64(c))); err != nil {
				return dbErr("upgrade", err)
			}
		}
	}
	if err := wb.Flush(); err != nil {
		return dbErr("upgrade", err)
	}
	err = s.db.Update(func(txn *badger.Txn) error { return set(txn, metaVersionKey, []byte{layoutVersion}) })
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	s.log.Info("upgraded the store's key layout", "quotes", n)
	return nil
}
