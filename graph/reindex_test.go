package graph_test

import (
	"errors"
	"testing"

	"github.com/graphd/graphd/graph"
)

// A reindex cut short leaves its mark: the store, opened again, says a
// reindex is pending and check fails with ErrReindexPending, until a
// reindex finishes and gives the store it had.
func TestReindexInterrupted(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	open := func() *graph.Store {
		s, err := graph.Open(dir, graph.Options{GCInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	ins := silvaArticles()
	put(t, s, ins...)
	want, err := s.Counts(ctx)
	if err != nil || s.ReindexPending() {
		t.Fatalf("counts %+v, %v; pending %v", want, err, s.ReindexPending())
	}
	cut := errors.New("cut short")
	err = s.Reindex(ctx, func(r *graph.Rebuild) error {
		return r.Articles(ctx, func(a graph.Article) error {
			// The first article is written again, then the reindex
			// stops, as a Ctrl-C between two batches stops it.
			p, err := r.Prepare(a, ins[0].Quotes)
			if err != nil {
				return err
			}
			if _, errs := r.PutBatch(ctx, []*graph.Prepared{p}); errors.Join(errs...) != nil {
				return errors.Join(errs...)
			}
			return cut
		})
	})
	if !errors.Is(err, cut) || !s.ReindexPending() {
		t.Fatalf("reindex: %v, pending %v; want it cut short and pending", err, s.ReindexPending())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open()
	if got, _ := s.Counts(ctx); !s.ReindexPending() || got == want {
		t.Fatalf("reopened: pending %v, counts %+v; want pending and fewer than %+v", s.ReindexPending(), got, want)
	}
	if err := s.Check(ctx); !errors.Is(err, graph.ErrReindexPending) {
		t.Errorf("check of the store cut short: %v, want ErrReindexPending", err)
	}
	reindex(t, s, ins)
	if got, err := s.Counts(ctx); s.ReindexPending() || err != nil || got != want {
		t.Errorf("after a reindex: pending %v, counts %+v (%v), want %+v", s.ReindexPending(), got, err, want)
	}
	if err := s.Check(ctx); err != nil {
		t.Error(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open()
	defer s.Close()
	if s.ReindexPending() {
		t.Error("pending after a reindex finished, opened again")
	}
}
