// Package graphtest gives tests a fresh graph.Store that checks its own
// consistency when the test ends.
package graphtest

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/graphd/graphd/graph"
)

// Open returns a fresh in-memory store. When the test ends it runs
// Check, failing the test on any inconsistency, and closes the store.
// Badger's warnings and errors go to the test log.
func Open(t testing.TB) *graph.Store {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := graph.Open("", graph.Options{Logger: log})
	if err != nil {
		t.Fatalf("graphtest: %v", err)
	}
	t.Cleanup(func() {
		// The test's context is done by now.
		if err := s.Check(context.Background()); err != nil && !errors.Is(err, graph.ErrClosed) {
			t.Errorf("graphtest: %v", err)
		}
		if err := s.Close(); err != nil && !errors.Is(err, graph.ErrClosed) {
			t.Errorf("graphtest: %v", err)
		}
	})
	return s
}
