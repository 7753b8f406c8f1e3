package graph

import (
	"context"
	"sync"

	"github.com/google/uuid"
)

// A Change is an article that PutArticle wrote, with the quotes it
// stored, in text order.
type Change struct {
	Article  Article // without its text
	Quotes   []Quote // the statements it printed first
	Replaced bool    // the article replaced one with the same key
	// Missed is how many changes the watcher lost just before this one,
	// because it fell more than its buffer behind.
	Missed int
	// printings are built on the first call of Printings, by whichever
	// watcher asks first, and shared by all.
	printings *printings
}

// A Printing is one statement as an article printed it.
type Printing struct {
	Quote      Quote      // the statement, as the write left it
	Occurrence Occurrence // this article's printing, compared with the canonical text
	New        bool       // the printing made the statement: it is in Change.Quotes
}

// Printings returns all the statements the article printed, in text
// order: the new statements of Quotes, and known statements printed
// again. The write keeps the records they are made of; the views, with
// their word diffs against the canonical text, are made on the first
// call, outside the write, so that writes nobody asks this of pay nothing
// for them. Every call returns the same slice, which callers must not
// change.
func (c Change) Printings() []Printing {
	if c.printings == nil {
		return nil
	}
	return c.printings.views()
}

// printings are the printings of a change: what the write recorded of
// each, and the views made of them once asked for.
type printings struct {
	once sync.Once
	raw  []rawPrinting
	out  []Printing
}

// rawPrinting is what a write records of one printing: the statement and
// the printing as the write left them, and the name and canonical speaker
// of the printing's speaker record then.
type rawPrinting struct {
	q     quoteRec
	o     occRec
	name  string
	canon uuid.UUID
	isNew bool
}

func (ps *printings) views() []Printing {
	ps.once.Do(func() {
		ps.out = make([]Printing, len(ps.raw))
		for i, r := range ps.raw {
			ps.out[i] = Printing{Quote: r.q.quote(), Occurrence: occurrenceView(r.q.Text, r.o, r.name, r.canon, true), New: r.isNew}
		}
		ps.raw = nil
	})
	return ps.out
}

// printed records, for watchers, that o prints quote q, a new statement
// or a known one. The speaker record is the write's own (the occurrence's
// speaker was found or made by it), and its Canon is its cluster's root.
func (w *writer) printed(q quoteRec, o occRec, isNew bool) error {
	p := rawPrinting{q: q, o: o, isNew: isNew}
	if o.SpeakerID != uuid.Nil {
		rec, err := w.loadSpeaker(o.SpeakerID)
		if err != nil {
			return err
		}
		p.name, p.canon = rec.Name, rec.root()
	}
	w.printings = append(w.printings, p)
	return nil
}

// watchers are the channels Watch handed out.
type watchers struct {
	mu   sync.Mutex
	subs map[*watcher]struct{}
}

type watcher struct {
	ch     chan Change
	missed int
}

// Watch returns a channel that receives every change committed after the
// call, in commit order, until ctx is done or the store is closed, when
// it is closed. The store never waits for a watcher: one that falls more
// than buffer changes behind loses changes, and the next it receives
// says how many in Missed. Unchanged re-puts are no changes.
func (s *Store) Watch(ctx context.Context, buffer int) <-chan Change {
	w := &watcher{ch: make(chan Change, max(buffer, 1))}
	s.watch.mu.Lock()
	if s.watch.subs == nil {
		s.watch.subs = map[*watcher]struct{}{}
	}
	s.watch.subs[w] = struct{}{}
	s.watch.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
		case <-s.stop:
		}
		s.watch.mu.Lock()
		if _, ok := s.watch.subs[w]; ok {
			delete(s.watch.subs, w)
			close(w.ch)
		}
		s.watch.mu.Unlock()
	}()
	return w.ch
}

// notify hands c to every watcher without blocking. Writers call it in
// commit order.
func (s *Store) notify(c Change) {
	s.watch.mu.Lock()
	defer s.watch.mu.Unlock()
	for w := range s.watch.subs {
		c := c
		c.Missed = w.missed
		select {
		case w.ch <- c:
			w.missed = 0
		default:
			w.missed++
		}
	}
}

// closeWatchers closes every watcher's channel, for Close.
func (s *Store) closeWatchers() {
	s.watch.mu.Lock()
	defer s.watch.mu.Unlock()
	for w := range s.watch.subs {
		delete(s.watch.subs, w)
		close(w.ch)
	}
}
