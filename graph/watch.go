package graph

import (
	"context"
	"sync"
)

// A Change is an article that PutArticle wrote, with the quotes it
// stored, in text order.
type Change struct {
	Article  Article // without its text
	Quotes   []Quote
	Replaced bool // the article replaced one with the same key
	// Missed is how many changes the watcher lost just before this one,
	// because it fell more than its buffer behind.
	Missed int
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
