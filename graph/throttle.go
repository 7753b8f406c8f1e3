package graph

import "context"

// SetThrottle has the writer call step before it writes each article,
// and the function step returns once the article is written (before its
// transaction commits), so that something else may go ahead of writes:
// a server's queries (ingest.Gate). step may wait; it is called with the
// writer held, so it must not wait on a write. nil removes it.
func (s *Store) SetThrottle(step func(ctx context.Context) (done func())) {
	if step == nil {
		s.throttle.Store(nil)
		return
	}
	s.throttle.Store(&step)
}

// step begins one article's step of the writer (SetThrottle).
func (s *Store) step(ctx context.Context) (done func()) {
	if f := s.throttle.Load(); f != nil {
		return (*f)(ctx)
	}
	return func() {}
}
