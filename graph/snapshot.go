package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
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
	// Article records and texts, and occurrence records, which exports
	// read mostly in key order; and an iterator over the printings of
	// quotes, read in key order when the quotes are.
	articles, texts, occs cursor
	byQuote               *badger.Iterator
	names                 map[uuid.UUID]printedName // speaker records read by Occurrences
	ids                   []uuid.UUID               // scratch
}

// A cursor reads the keys of one prefix mostly in key order, as exports
// do: it steps a forward iterator to a key ahead, keeping the values it
// steps over for when they are read (an export reads the article of a
// later printing before the articles in between), and reads a key behind
// or far ahead with a point read, which Badger's bloom filters make much
// cheaper than moving the iterator there and back. After a few point
// reads in a row it moves the iterator: the reads in order went on
// elsewhere.
type cursor struct {
	it     *badger.Iterator
	points int               // point reads since the iterator last served one
	kept   map[string][]byte // values stepped over and not read yet
	order  []string          // their keys, oldest first
	bytes  int               // of the values kept
}

const (
	cursorSteps  = 64      // keys a cursor steps over to reach one
	cursorPoints = 4       // point reads in a row that move a cursor's iterator
	cursorKept   = 8 << 20 // bytes of values stepped over a cursor keeps
)

func (c *cursor) close() {
	if c.it != nil {
		c.it.Close()
	}
}

// keep keeps the value at the iterator, stepped over, dropping the oldest
// kept beyond cursorSteps values or cursorKept bytes. A key read from the
// kept values stays in order until it comes up for dropping; order is cut
// at 4 × cursorSteps keys, so that it cannot grow with them.
func (c *cursor) keep() error {
	item := c.it.Item()
	if item.ValueSize() > cursorKept/4 {
		return nil
	}
	k := string(item.Key())
	if _, ok := c.kept[k]; ok {
		return nil // stepped over again, after a seek back
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return dbErr("read", err)
	}
	if c.kept == nil {
		c.kept = map[string][]byte{}
	}
	c.kept[k] = v
	c.order = append(c.order, k)
	c.bytes += len(v)
	for len(c.order) > 0 && (len(c.kept) > cursorSteps || c.bytes > cursorKept || len(c.order) > 4*cursorSteps) {
		old := c.order[0]
		c.order = c.order[1:]
		if v, ok := c.kept[old]; ok {
			c.bytes -= len(v)
			delete(c.kept, old)
		}
	}
	return nil
}

// get calls fn with the value of k, a key of prefix p; ok is false when k
// is absent.
func (c *cursor) get(txn *badger.Txn, p key.Kind, k []byte, fn func([]byte) error) (ok bool, err error) {
	if v, ok := c.kept[string(k)]; ok {
		delete(c.kept, string(k))
		c.bytes -= len(v)
		return true, fn(v)
	}
	if c.it == nil {
		c.it = txn.NewIterator(badger.IteratorOptions{Prefix: p.Prefix()})
		c.it.Seek(k)
		return c.here(k, fn)
	}
	it := c.it
	cmp := 1
	if it.Valid() {
		cmp = bytes.Compare(it.Item().Key(), k)
	}
	if cmp <= 0 {
		for i := 0; cmp < 0 && i < cursorSteps; i++ {
			if err := c.keep(); err != nil {
				return false, err
			}
			if it.Next(); !it.Valid() {
				return false, nil // k is past every key
			}
			cmp = bytes.Compare(it.Item().Key(), k)
		}
		if cmp >= 0 {
			return c.here(k, fn)
		}
	}
	if c.points++; c.points >= cursorPoints {
		it.Seek(k)
		return c.here(k, fn)
	}
	return c.point(txn, k, fn)
}

// here reads the iterator's value if it is at k.
func (c *cursor) here(k []byte, fn func([]byte) error) (bool, error) {
	c.points = 0
	if !c.it.Valid() || !bytes.Equal(c.it.Item().Key(), k) {
		return false, nil
	}
	return true, value(c.it.Item(), fn)
}

func (c *cursor) point(txn *badger.Txn, k []byte, fn func([]byte) error) (bool, error) {
	item, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, dbErr("read", err)
	}
	return true, value(item, fn)
}

// value calls fn with the value of item.
func value(item *badger.Item, fn func([]byte) error) error {
	var ferr error
	err := item.Value(func(v []byte) error { ferr = fn(v); return nil })
	if err != nil {
		return dbErr("read", err)
	}
	return ferr
}

// printedName is a speaker record's name and canonical speaker.
type printedName struct {
	name  string
	canon uuid.UUID
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
	for _, c := range []*cursor{&sn.articles, &sn.texts, &sn.occs} {
		c.close()
	}
	if sn.byQuote != nil {
		sn.byQuote.Close()
	}
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
	c, err := readCounts(sn.txn)
	if err != nil {
		return Counts{}, fmt.Errorf("counts: %w", err)
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
	// A speaker stands for everyone merged with them, as in Store.Quotes.
	p, _, err := planSpeakers(sn.txn, &sn.s.segs, f, false)
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
		if err := load(sn.txn, key.KindQuote, uuid.UUID(c[key.DateLen:]), &rec); err != nil {
			return false, fmt.Errorf("quote %x: %w", c[key.DateLen:], err)
		}
		return true, fn(rec.quote())
	})
	return err
}

// AllQuotes calls fn with every quote in the order they were stored,
// reading the records in key order and decoding them on every core,
// which is much faster than Quotes for a whole store; it stops at fn's
// first error.
func (sn *Snapshot) AllQuotes(ctx context.Context, fn func(Quote) error) error {
	const batch = 512
	type chunk struct {
		raw  [][]byte
		recs []quoteRec
		err  error
		done chan struct{}
	}
	workers := max(runtime.GOMAXPROCS(0), 1)
	todo := make(chan *chunk, workers)
	ordered := make(chan *chunk, 2*workers)
	stop := make(chan struct{})
	halt := sync.OnceFunc(func() { close(stop) })
	defer halt()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range todo {
				c.recs = make([]quoteRec, len(c.raw))
				for i, v := range c.raw {
					if err := decodeRecord(v, &c.recs[i]); err != nil {
						c.err = fmt.Errorf("quote record: %w", err)
						break
					}
				}
				close(c.done)
			}
		})
	}
	// The reader hands chunks to the workers and, in order, to fn.
	readErr := make(chan error, 1)
	go func() {
		var err error
		defer func() { readErr <- err }()
		defer close(ordered)
		defer close(todo)
		o := badger.DefaultIteratorOptions
		o.Prefix = key.KindQuote.Prefix()
		it := sn.txn.NewIterator(o)
		defer it.Close()
		c := &chunk{done: make(chan struct{})}
		send := func() bool {
			select {
			case ordered <- c:
			case <-stop:
				return false
			}
			select {
			case todo <- c:
			case <-stop:
				return false
			}
			c = &chunk{done: make(chan struct{})}
			return true
		}
		n := 0
		for it.Rewind(); it.Valid(); it.Next() {
			if n++; n%4096 == 1 {
				if err = sn.live(ctx); err != nil {
					return
				}
			}
			var v []byte
			if v, err = it.Item().ValueCopy(nil); err != nil {
				err = dbErr("read quote", err)
				return
			}
			if c.raw = append(c.raw, v); len(c.raw) == batch && !send() {
				return
			}
		}
		if len(c.raw) > 0 {
			send()
		}
	}()
	// Hand the records to fn in order; after an error, drain, so that the
	// reader is done with the transaction before this returns.
	var err error
	for c := range ordered {
		if err != nil {
			continue
		}
		<-c.done
		err = c.err
		for i := 0; err == nil && i < len(c.recs); i++ {
			err = fn(c.recs[i].quote())
		}
		if err != nil {
			halt()
		}
	}
	wg.Wait()
	if rerr := <-readErr; err == nil {
		err = rerr
	}
	return err
}

// ArticleMeta returns the article with id without its text;
// ErrNotFound when there is none.
func (sn *Snapshot) ArticleMeta(id uuid.UUID) (Article, error) {
	r, err := sn.articleRec(id)
	if err != nil {
		return Article{}, fmt.Errorf("article %s: %w", id, err)
	}
	return r.article(""), nil
}

// Article returns the article with id, with its text; ErrNotFound when
// there is none.
func (sn *Snapshot) Article(id uuid.UUID) (Article, error) {
	r, err := sn.articleRec(id)
	if err != nil {
		return Article{}, fmt.Errorf("article %s: %w", id, err)
	}
	var b strings.Builder
	b.Grow(r.TextLen)
	for i := range chunks(r.TextLen) {
		ok, err := sn.texts.get(sn.txn, key.KindText, key.Text(id, i), func(v []byte) error { b.Write(v); return nil })
		if err == nil && !ok {
			err = fmt.Errorf("text chunk %d missing", i)
		}
		if err != nil {
			return Article{}, fmt.Errorf("article %s: %w", id, err)
		}
	}
	return r.article(b.String()), nil
}

func (sn *Snapshot) articleRec(id uuid.UUID) (articleRec, error) {
	var r articleRec
	ok, err := sn.articles.get(sn.txn, key.KindArticle, key.Record(key.KindArticle, id), func(v []byte) error { return decodeRecord(v, &r) })
	if err == nil && !ok {
		err = ErrNotFound
	}
	return r, err
}

// Speaker returns the speaker that speaker record id is a name of, as
// Store.Speaker does: the canonical speaker, with the names, titles and
// roles of everyone merged into it; an error wrapping ErrNotFound when
// there is none.
func (sn *Snapshot) Speaker(id uuid.UUID) (Speaker, error) {
	sp, err := speakerView(sn.txn, id)
	if err != nil {
		return Speaker{}, fmt.Errorf("speaker %s: %w", id, err)
	}
	return sp, nil
}

// SpeakerRecord returns the speaker record with id as stored, with the
// links that make its cluster; an error wrapping ErrNotFound when there
// is none.
func (sn *Snapshot) SpeakerRecord(id uuid.UUID) (SpeakerRecord, error) {
	var r speakerRec
	if err := load(sn.txn, key.KindSpeaker, id, &r); err != nil {
		return SpeakerRecord{}, fmt.Errorf("speaker %s: %w", id, err)
	}
	return sn.speakerRecord(&r)
}

// speakerRecord is the domain form of r, the last dates of its roles
// read from their keys.
func (sn *Snapshot) speakerRecord(r *speakerRec) (SpeakerRecord, error) {
	out := SpeakerRecord{
		ID: r.ID, Type: r.Type, Name: r.Name, Aliases: r.Aliases, Titles: r.Titles, Venues: r.Venues, QuotedWith: r.Co,
		Created: r.Created, Canonical: r.Canon, Parent: r.Parent, Members: r.Members, Display: r.Display,
	}
	for i, role := range r.Roles {
		seen, err := roleSeen(sn.txn, r.ID, i)
		if err != nil {
			return SpeakerRecord{}, fmt.Errorf("speaker %s: %w", r.ID, err)
		}
		if seen.After(role.To) {
			role.To = seen
		}
		out.Roles = append(out.Roles, Role{Title: role.Title, Organization: role.Org, From: role.From, To: role.To})
	}
	if l := r.Link; l != nil {
		out.Merge = &MergeLink{Evidence: l.Evidence, Confidence: l.Confidence, By: l.By, At: l.At}
	}
	return out, nil
}

// Occurrences returns the printings of q, a quote read from this
// snapshot, earliest first, each compared with q's canonical text, as
// Store.Occurrences does, but for their word diffs. Quotes taken in key
// order (AllQuotes) have their printings read in key order too.
func (sn *Snapshot) Occurrences(q Quote) ([]Occurrence, error) {
	if sn.byQuote == nil {
		sn.byQuote = keysOnly(sn.txn, key.KindOccurrenceByQuote.Prefix())
		sn.names = map[uuid.UUID]printedName{}
	}
	prefix := key.Record(key.KindOccurrenceByQuote, q.ID)
	it := sn.byQuote
	// Stepping from the printings of the quote before is the common case.
	if !it.ValidForPrefix(prefix) {
		for i := 0; i < 8 && it.Valid() && bytes.Compare(it.Item().Key(), prefix) < 0; i++ {
			it.Next()
		}
		if !it.ValidForPrefix(prefix) {
			it.Seek(prefix)
		}
	}
	sn.ids = sn.ids[:0]
	for ; it.ValidForPrefix(prefix); it.Next() {
		sn.ids = append(sn.ids, uuid.UUID(it.Item().Key()[len(prefix):]))
	}
	occs := make([]occRec, len(sn.ids))
	var k [1 + key.IDLen]byte
	k[0] = byte(key.KindOccurrence)
	for i, id := range sn.ids {
		copy(k[1:], id[:])
		ok, err := sn.occs.get(sn.txn, key.KindOccurrence, k[:], func(v []byte) error { return decodeRecord(v, &occs[i]) })
		if err == nil && !ok {
			err = ErrNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("occurrence %s of quote %s: %w", id, q.ID, err)
		}
	}
	slices.SortFunc(occs, earlier)
	out := make([]Occurrence, len(occs))
	for i, o := range occs {
		var n printedName
		if o.SpeakerID != uuid.Nil {
			var ok bool
			if n, ok = sn.names[o.SpeakerID]; !ok {
				rec, root, err := loadRoot(sn.txn, o.SpeakerID)
				if err != nil {
					return nil, fmt.Errorf("occurrence %s of quote %s: speaker %s: %w", o.ID, q.ID, o.SpeakerID, err)
				}
				n = printedName{rec.Name, root.ID}
				sn.names[o.SpeakerID] = n
			}
		}
		out[i] = occurrenceView(q.Text, o, n.name, n.canon, false)
	}
	return out, nil
}

// Venue returns the venue with id; ErrNotFound when there is none.
func (sn *Snapshot) Venue(id uuid.UUID) (Venue, error) {
	var r venueRec
	if err := load(sn.txn, key.KindVenue, id, &r); err != nil {
		return Venue{}, fmt.Errorf("venue %s: %w", id, err)
	}
	return r.venue(), nil
}

// Outlet returns the outlet with id; ErrNotFound when there is none.
func (sn *Snapshot) Outlet(id uuid.UUID) (Outlet, error) {
	var r outletRec
	if err := load(sn.txn, key.KindOutlet, id, &r); err != nil {
		return Outlet{}, fmt.Errorf("outlet %s: %w", id, err)
	}
	return r.outlet(), nil
}

// eachOf decodes every record with prefix p, in id order.
func eachOf[R any](ctx context.Context, sn *Snapshot, p key.Kind, fn func(*R) error) error {
	o := badger.DefaultIteratorOptions
	o.Prefix = p.Prefix()
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

// Articles calls fn with every article, with its text when withText, in
// the order they were first stored, and stops at fn's first error.
func (sn *Snapshot) Articles(ctx context.Context, withText bool, fn func(Article) error) error {
	return eachOf(ctx, sn, key.KindArticle, func(r *articleRec) error {
		text := ""
		if withText {
			var err error
			if text, err = readText(sn.txn, r.ID, r.TextLen); err != nil {
				return err
			}
		}
		return fn(r.article(text))
	})
}

// ArticleIDs calls fn with the id of every article, in the order they
// were first stored, reading keys only.
func (sn *Snapshot) ArticleIDs(ctx context.Context, fn func(uuid.UUID) error) error {
	it := keysOnly(sn.txn, key.KindArticle.Prefix())
	defer it.Close()
	n := 0
	for it.Rewind(); it.Valid(); it.Next() {
		if n++; n%4096 == 1 {
			if err := sn.live(ctx); err != nil {
				return err
			}
		}
		if err := fn(key.LastID(it.Item().Key())); err != nil {
			return err
		}
	}
	return nil
}

// SpeakerRecords calls fn with every speaker record, in the order they
// were created.
func (sn *Snapshot) SpeakerRecords(ctx context.Context, fn func(SpeakerRecord) error) error {
	return eachOf(ctx, sn, key.KindSpeaker, func(r *speakerRec) error {
		sr, err := sn.speakerRecord(r)
		if err != nil {
			return err
		}
		return fn(sr)
	})
}

// CandidateRecords calls fn with every review candidate as stored, in
// the order they were offered, open or not: Store.Candidates leaves out
// those merged or rejected since.
func (sn *Snapshot) CandidateRecords(ctx context.Context, fn func(CandidateRecord) error) error {
	return eachOf(ctx, sn, key.KindCandidate, func(r *candidateRec) error {
		return fn(CandidateRecord{ID: r.ID, A: r.A, B: r.B, Evidence: r.Evidence, Confidence: r.Confidence, Shared: r.Shared, Created: r.Created})
	})
}

// Decisions calls fn with every decision people made on two names, once
// each, in the order of the names.
func (sn *Snapshot) Decisions(ctx context.Context, fn func(Decision) error) error {
	o := badger.DefaultIteratorOptions
	o.Prefix = key.KindDecision.Prefix()
	it := sn.txn.NewIterator(o)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if err := sn.live(ctx); err != nil {
			return err
		}
		a, b, ok := key.SplitStrings(it.Item().Key()[1:])
		if !ok {
			return fmt.Errorf("decision key %q malformed", it.Item().Key())
		}
		if a >= b { // kept both ways: once is enough
			continue
		}
		var d decisionRec
		if err := it.Item().Value(func(v []byte) error { return decodeRecord(v, &d) }); err != nil {
			return fmt.Errorf("decision %q: %w", it.Item().Key(), err)
		}
		if err := fn(Decision{Names: [2]string{a, b}, Action: d.Action, At: d.At}); err != nil {
			return err
		}
	}
	return nil
}

// Venues calls fn with every venue, in the order they were created.
func (sn *Snapshot) Venues(ctx context.Context, fn func(Venue) error) error {
	return eachOf(ctx, sn, key.KindVenue, func(r *venueRec) error { return fn(r.venue()) })
}

// Outlets calls fn with every outlet, in the order they were created.
func (sn *Snapshot) Outlets(ctx context.Context, fn func(Outlet) error) error {
	return eachOf(ctx, sn, key.KindOutlet, func(r *outletRec) error { return fn(r.outlet()) })
}
