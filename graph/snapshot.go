package graph

import (
	"context"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// A Snapshot is a consistent read-only view of the store as it was when
// Snapshot was called, for reading much of it at once: exports. It holds
// one Badger read transaction. It is not safe for concurrent use.
//
// Close it when done. Until then the store's Close waits, and the
// snapshot's long reads return ErrClosed once Close has started; while
// holding a snapshot, read the store through it only, or a Close that
// is waiting would wait for ever.
type Snapshot struct {
	s      *Store
	txn    *badger.Txn
	closed bool
}

// Snapshot opens a snapshot of the store. It returns ErrClosed after
// Close.
func (s *Store) Snapshot(ctx context.Context) (*Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, ErrClosed
	}
	return &Snapshot{s: s, txn: s.db.NewTransaction(false)}, nil
}

// Close releases the snapshot. It may be called more than once.
func (sn *Snapshot) Close() {
	if sn.closed {
		return
	}
	sn.closed = true
	sn.txn.Discard()
	sn.s.mu.RUnlock()
}

// live returns an error once the snapshot or its store is closing.
func (sn *Snapshot) live(ctx context.Context) error {
	if sn.closed || sn.s.closing.Load() {
		return ErrClosed
	}
	return ctx.Err()
}

// Counts returns the number of records of each type.
func (sn *Snapshot) Counts() (Counts, error) {
	var c Counts
	for _, f := range []struct {
		name string
		n    *int
	}{{counterArticles, &c.Articles}, {counterQuotes, &c.Quotes}, {counterSpeakers, &c.Speakers}, {counterVenues, &c.Venues}, {counterOutlets, &c.Outlets}} {
		n, err := readCounter(sn.txn, f.name)
		if err != nil {
			return Counts{}, fmt.Errorf("counts: %w", err)
		}
		*f.n = int(n)
	}
	return c, nil
}

// Quotes calls fn with every quote f selects, oldest first or, for
// OrderNewest, newest first (relevance is not an order here), and stops
// at fn's first error, which it returns.
func (sn *Snapshot) Quotes(ctx context.Context, f QuoteFilter, fn func(Quote) error) error {
	if f.Order == OrderRelevance {
		f.Order = OrderDate
	}
	if err := f.validate(); err != nil {
		return fmt.Errorf("quotes: %w", err)
	}
	if err := sn.live(ctx); err != nil {
		return err
	}
	p, err := planQuotes(sn.txn, f)
	if err != nil {
		return fmt.Errorf("quotes: %w", err)
	}
	defer p.close()
	n := 0
	var rec quoteRec
	err = p.each(ctx, p.start(), func(c []byte) (bool, error) {
		if n++; n%1024 == 1 {
			if err := sn.live(ctx); err != nil {
				return false, err
			}
		}
		rec = quoteRec{}
		if err := load(sn.txn, pQuote, uuid.UUID(c[dateLen:]), &rec); err != nil {
			return false, fmt.Errorf("quote %x: %w", c[dateLen:], err)
		}
		return true, fn(rec.quote())
	})
	return err
}

// Article returns the article with id, with its text; ErrNotFound when
// there is none.
func (sn *Snapshot) Article(id uuid.UUID) (Article, error) {
	a, err := loadArticle(sn.txn, id)
	if err != nil {
		return Article{}, fmt.Errorf("article %s: %w", id, err)
	}
	return a, nil
}

// Speaker returns the speaker with id; ErrNotFound when there is none.
func (sn *Snapshot) Speaker(id uuid.UUID) (Speaker, error) {
	var r speakerRec
	if err := load(sn.txn, pSpeaker, id, &r); err != nil {
		return Speaker{}, fmt.Errorf("speaker %s: %w", id, err)
	}
	return r.speaker(), nil
}

// Venue returns the venue with id; ErrNotFound when there is none.
func (sn *Snapshot) Venue(id uuid.UUID) (Venue, error) {
	var r venueRec
	if err := load(sn.txn, pVenue, id, &r); err != nil {
		return Venue{}, fmt.Errorf("venue %s: %w", id, err)
	}
	return r.venue(), nil
}

// Outlet returns the outlet with id; ErrNotFound when there is none.
func (sn *Snapshot) Outlet(id uuid.UUID) (Outlet, error) {
	var r outletRec
	if err := load(sn.txn, pOutlet, id, &r); err != nil {
		return Outlet{}, fmt.Errorf("outlet %s: %w", id, err)
	}
	return r.outlet(), nil
}

// eachOf decodes every record with prefix p, in id order.
func eachOf[R any](ctx context.Context, sn *Snapshot, p byte, fn func(*R) error) error {
	o := badger.DefaultIteratorOptions
	o.Prefix = []byte{p}
	it := sn.txn.NewIterator(o)
	defer it.Close()
	n := 0
	for it.Rewind(); it.Valid(); it.Next() {
		if n++; n%1024 == 1 {
			if err := sn.live(ctx); err != nil {
				return err
			}
		}
		var r R
		err := it.Item().Value(func(v []byte) error { return decodeRecord(v, &r) })
		if err != nil {
			return fmt.Errorf("record %x: %w", it.Item().Key(), err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return nil
}

// Articles calls fn with every article and its text, in the order they
// were first stored, and stops at fn's first error.
func (sn *Snapshot) Articles(ctx context.Context, fn func(Article) error) error {
	return eachOf(ctx, sn, pArticle, func(r *articleRec) error {
		text, err := readText(sn.txn, r.ID, r.TextLen)
		if err != nil {
			return err
		}
		return fn(r.article(text))
	})
}

// Speakers calls fn with every speaker, in the order they were created.
func (sn *Snapshot) Speakers(ctx context.Context, fn func(Speaker) error) error {
	return eachOf(ctx, sn, pSpeaker, func(r *speakerRec) error { return fn(r.speaker()) })
}

// Venues calls fn with every venue, in the order they were created.
func (sn *Snapshot) Venues(ctx context.Context, fn func(Venue) error) error {
	return eachOf(ctx, sn, pVenue, func(r *venueRec) error { return fn(r.venue()) })
}

// Outlets calls fn with every outlet, in the order they were created.
func (sn *Snapshot) Outlets(ctx context.Context, fn func(Outlet) error) error {
	return eachOf(ctx, sn, pOutlet, func(r *outletRec) error { return fn(r.outlet()) })
}
