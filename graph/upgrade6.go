package graph

import (
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
	"github.com/graphd/graphd/graph/similar"
)

// upgradeFrom5 brings a store of layout 5 to layout 6, in two parts that
// can each run again, and sets the version last: an upgrade cut short
// does again what it had not finished when the store is next opened.
// First the records and their indexes (recordsFrom5), then the search
// index (segmentsFrom5).
func (s *Store) upgradeFrom5() error {
	s.log.Info("upgrading the store's key layout from version 5 to 6: binary quote and occurrence records, fewer index entries, the search index in segments")
	nq, no, err := s.recordsFrom5()
	if err != nil {
		return err
	}
	info, err := s.segmentsFrom5()
	if err != nil {
		return err
	}
	if err := s.setVersion(6); err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	s.log.Info("upgraded the store's key layout", "quotes", nq, "occurrences", no, "postings", info.postings, "words", info.terms)
	return nil
}

// recordsFrom5 writes fewer and smaller keys a quotation: quote and
// occurrence records are rewritten in the binary form (wire.go); the
// index of occurrences by article (0x19) is dropped, as each quote's
// entry under an article (0x10) now names the article's printing; the
// match index is rebuilt, an exact key ("=") only for a quotation without
// content words. Every step can run again: a record is read in either
// form, and the match index is dropped and rebuilt whole.
func (s *Store) recordsFrom5() (nq, no int, err error) {
	if err := s.db.DropPrefix(key.KindOccurrenceByArticle.Prefix(), key.KindMatch.Prefix()); err != nil {
		return 0, 0, dbErr("upgrade", err)
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
	err = s.eachRecord(key.KindOccurrence, func(k, v []byte) error {
		var o occRec
		if err := decodeRecord(v, &o); err != nil {
			return fmt.Errorf("occurrence %x: %w", k[1:], err)
		}
		for _, mk := range similar.MatchKeys(o.Text) {
			matches[mk] = newestPostings(matches[mk], o)
		}
		byQuote[o.QuoteID] = append(byQuote[o.QuoteID], occRec{ID: o.ID, attribution: attribution{ArticleID: o.ArticleID}})
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
		return 0, 0, fmt.Errorf("upgrade: %w", err)
	}
	if err := wb.Flush(); err != nil {
		return 0, 0, dbErr("upgrade", err)
	}
	return nq, no, nil
}

// segmentsFrom5 writes the search index as segments: the word blocks and
// fresh postings of layout 5, read in (word, quote) order, become the
// first segment, each word held by as many quotes as it has postings
// (layout 5 kept a posting for every word of every quote, in a block or
// fresh, never both); then the blocks, fresh postings and term dictionary
// are dropped. The segment is written in batches and listed in the
// directory last, so an upgrade cut short before that builds it again,
// and one cut short after it only drops what is left of layout 5.
func (s *Store) segmentsFrom5() (segInfo, error) {
	var built bool
	err := s.db.View(func(txn *badger.Txn) (err error) {
		built, err = has(txn, key.Segments())
		return err
	})
	if err != nil {
		return segInfo{}, fmt.Errorf("upgrade: %w", err)
	}
	var info segInfo
	if !built {
		if err := s.db.DropPrefix(key.KindSegmentBlock.Prefix(), key.KindSegmentTerms.Prefix(), key.KindSegmentDeletes.Prefix()); err != nil {
			return segInfo{}, dbErr("upgrade", err)
		}
		if info, err = s.segmentFrom5(); err != nil {
			return segInfo{}, fmt.Errorf("upgrade: %w", err)
		}
		d := &segDir{next: 2}
		if info.postings > 0 || info.terms > 0 {
			d.live = []segInfo{info}
		}
		if err := s.db.Update(func(txn *badger.Txn) error { return set(txn, key.Segments(), d.encode()) }); err != nil {
			return segInfo{}, fmt.Errorf("upgrade: %w", err)
		}
	}
	if err := s.db.DropPrefix(key.KindWordBlock.Prefix(), key.KindTerm.Prefix(), key.KindFreshPosting.Prefix()); err != nil {
		return segInfo{}, dbErr("upgrade", err)
	}
	return info, nil
}

// segmentFrom5 writes the word blocks and fresh postings of layout 5 as
// segment 1, streaming both in key order.
func (s *Store) segmentFrom5() (segInfo, error) {
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	b := newSegBuilder(1, func(k, v []byte) error {
		if err := wb.Set(k, v); err != nil {
			return dbErr("upgrade", err)
		}
		return nil
	})
	var info segInfo
	err := s.db.View(func(txn *badger.Txn) error {
		blocks := newPostings5(txn, key.KindWordBlock)
		defer blocks.close()
		fresh := newPostings5(txn, key.KindFreshPosting)
		defer fresh.close()
		word, n := "", 0
		term := func() error {
			if n == 0 {
				return nil
			}
			return b.term(termEntry{word: word, stem: search.Stem(word), df: int64(n), postings: n})
		}
		for {
			bw, bp, bok := blocks.cur()
			fw, fp, fok := fresh.cur()
			if blocks.err != nil || fresh.err != nil {
				return fmt.Errorf("word index of layout 5: %w", firstErr(blocks.err, fresh.err))
			}
			if !bok && !fok {
				break
			}
			// The smaller of the two; of a posting in both, the fresh one.
			w, p := fw, fp
			switch {
			case !fok:
				w, p = bw, bp
				blocks.next()
			case !bok:
				fresh.next()
			default:
				c := strings.Compare(bw, fw)
				if c == 0 {
					c = cmpSuffix(bp.suffix[:], fp.suffix[:])
				}
				switch {
				case c < 0:
					w, p = bw, bp
					blocks.next()
				case c > 0:
					fresh.next()
				default:
					blocks.next()
					fresh.next()
				}
			}
			if w != word {
				if err := term(); err != nil {
					return err
				}
				word, n = w, 0
			}
			if err := b.add(w, p); err != nil {
				return err
			}
			n++
		}
		if err := term(); err != nil {
			return err
		}
		var err error
		info, err = b.finish()
		return err
	})
	if err != nil {
		return segInfo{}, err
	}
	if err := wb.Flush(); err != nil {
		return segInfo{}, dbErr("upgrade", err)
	}
	return info, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// postings5 reads the word blocks (KindWordBlock) or the fresh postings
// (KindFreshPosting) of layout 5 in key order: by word, then suffix.
type postings5 struct {
	it   *badger.Iterator
	kind key.Kind
	word string
	ps   []posting
	i    int
	err  error
}

func newPostings5(txn *badger.Txn, k key.Kind) *postings5 {
	o := badger.DefaultIteratorOptions
	o.Prefix = k.Prefix()
	p := &postings5{it: txn.NewIterator(o), kind: k}
	p.it.Rewind()
	p.load()
	return p
}

func (p *postings5) load() {
	p.ps, p.i = p.ps[:0], 0
	if !p.it.Valid() {
		return
	}
	item := p.it.Item()
	w, sfx, ok := key.SplitWord(item.Key()[1:])
	if !ok {
		p.err = fmt.Errorf("key %q malformed", item.Key())
		return
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		p.err = dbErr("read word index", err)
		return
	}
	p.word = w
	if p.kind == key.KindFreshPosting {
		p.ps = append(p.ps, posting{suffix: sfx, val: v})
		return
	}
	if p.ps, err = decodeBlock(v, p.ps); err != nil {
		p.err = fmt.Errorf("block %q: %w", item.Key(), err)
	}
}

func (p *postings5) cur() (string, posting, bool) {
	for p.err == nil && p.i >= len(p.ps) {
		if !p.it.Valid() {
			return "", posting{}, false
		}
		p.it.Next()
		p.load()
	}
	if p.err != nil {
		return "", posting{}, false
	}
	return p.word, p.ps[p.i], true
}

func (p *postings5) next() { p.i++ }

func (p *postings5) close() { p.it.Close() }
