package graph

import (
	"context"
	"sync"

	"github.com/google/uuid"
)

// A Change is an article that PutArticle wrote, with the quotes it
// stored, in text order.
type Change struct {
	Article Article // without its text
	Quotes  []Quote // the statements it printed first
	// Printings are all the statements it printed, in text order: the
	// new statements of Quotes, and known statements printed again.
	Printings []Printing
	Replaced  bool // the article replaced one with the same key
	// Missed is how many changes the watcher lost just before this one,
	// because it fell more than its buffer behind.
	Missed int
}

// A Printing is one statement as an article printed it.
type Printing struct {
	Quote      Quote      // the statement, as the write left it
	Occurrence Occurrence // this article's printing, compared with the canonical text
	New        bool       // the printing made the statement: it is in Change.Quotes
}

// printed records, for watchers, that o prints quote q, a new statement
// or a known one.
func (w *writer) printed(q quoteRec, o occRec, isNew bool) error {
	var name string
	canon := uuid.Nil
	if o.SpeakerID != uuid.Nil {
		rec, err := w.loadSpeaker(o.SpeakerID)
		if err != nil {
			return err
		}
		root, err := w.root(o.SpeakerID)
		if err != nil {
			return err
		}
		name, canon = rec.Name, root.ID
	}
	w.printings = append(w.printings, Printing{Quote: q.quote(), Occurrence: occurrenceView(q.Text, o, name, canon, true), New: isNew})
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
