package graph

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/similar"
)

// upgradeFrom5 brings a store of layout 5 to layout 6, which writes fewer
// and smaller keys a quotation: quote and occurrence records are
// rewritten in the binary form (wire.go); the index of occurrences by
// article (0x19) is dropped, as each quote's entry under an article
// (0x10) now names the article's printing; the match index is rebuilt,
// an exact key ("=") only for a quotation without content words. Every
// step can run again, and the version is set last: an upgrade cut short
// starts over.
func (s *Store) upgradeFrom5() error {
	s.log.Info("upgrading the store's key layout from version 5 to 6: binary quote and occurrence records, fewer index entries")
	if err := s.db.DropPrefix(key.KindOccurrenceByArticle.Prefix(), key.KindMatch.Prefix()); err != nil {
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
	byQuote := map[uuid.UUID][]occRec{}
	matches := map[string][]byte{}
	nq, no := 0, 0
	err := s.eachRecord(key.KindOccurrence, func(k, v []byte) error {
		var o occRec
		if err := decodeRecord(v, &o); err != nil {
			return fmt.Errorf("occurrence %x: %w", k[1:], err)
		}
		for _, mk := range similar.MatchKeys(o.Text) {
			matches[mk] = newestPostings(matches[mk], o)
		}
		byQuote[o.QuoteID] = append(byQuote[o.QuoteID], occRec{ID: o.ID, ArticleID: o.ArticleID})
		no++
		return put(k, encodeOcc(&o))
	})
	if err == nil {
		err = s.eachRecord(key.KindQuote, func(k, v []byte) error {
			var q quoteRec
			if err := decodeRecord(v, &q); err != nil {
				return fmt.Errorf("quote %x: %w", k[1:], err)
			}
			for _, e := range quoteEntries(q, byQuote[q.ID]) {
				if key.Kind(e.k[0]) == key.KindQuoteByArticle {
					if err := put(e.k, e.v); err != nil {
						return err
					}
				}
			}
			nq++
			return put(k, encodeQuote(&q))
		})
	}
	for _, mk := range sortedKeys(matches) {
		if err == nil {
			err = put(key.Match(mk), matches[mk])
		}
	}
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	if err := wb.Flush(); err != nil {
		return dbErr("upgrade", err)
	}
	if err := s.setVersion(6); err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	s.log.Info("upgraded the store's key layout", "quotes", nq, "occurrences", no)
	return nil
}
