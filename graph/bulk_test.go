package graph_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/graphd/graphd/graph"
)

// leftBeside lists what a build left beside the store at dir.
func leftBeside(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".graphd-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// ReindexBeside holds the old store read-only while it builds the new
// one: readers open it, writers and a second build are refused. A build
// that fails leaves the old store as it was, one that succeeds swaps in
// a store of the same counts, and neither leaves anything beside it.
func TestReindexBeside(t *testing.T) {
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "store")
	s, err := graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	ins := silvaArticles()
	put(t, s, ins...)
	want, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	cut := errors.New("cut short")
	err = graph.ReindexBeside(ctx, dir, graph.BulkOptions{}, func(st *graph.Store) error {
		if c, err := st.Counts(ctx); err != nil || c.Articles != want.Articles || c.Quotes != 0 {
			t.Errorf("staging store: %+v, %v; want the %d articles and nothing derived", c, err, want.Articles)
		}
		if w, err := graph.Open(dir, graph.Options{GCInterval: -1}); !errors.Is(err, graph.ErrLocked) {
			t.Errorf("open for writing during a reindex: %v, want ErrLocked", err)
			if err == nil {
				w.Close()
			}
		}
		r, err := graph.Open(dir, graph.Options{ReadOnly: true})
		if err != nil {
			t.Errorf("open for reading during a reindex: %v", err)
		} else {
			if c, err := r.Counts(ctx); err != nil || c != want {
				t.Errorf("read during a reindex: %+v, %v, want %+v", c, err, want)
			}
			r.Close()
		}
		if err := graph.ReindexBeside(ctx, dir, graph.BulkOptions{}, func(*graph.Store) error { return nil }); !errors.Is(err, graph.ErrBuilding) {
			t.Errorf("a second reindex at once: %v, want ErrBuilding", err)
		}
		return cut
	})
	if !errors.Is(err, cut) {
		t.Fatalf("reindex: %v, want the error of fill", err)
	}
	if l := leftBeside(t, dir); len(l) > 0 {
		t.Errorf("a failed reindex left %v", l)
	}

	err = graph.ReindexBeside(ctx, dir, graph.BulkOptions{}, func(st *graph.Store) error {
		reindex(t, st, ins)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if l := leftBeside(t, dir); len(l) > 0 {
		t.Errorf("a reindex left %v", l)
	}
	s, err = graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.Counts(ctx); err != nil || got != want {
		t.Errorf("after the reindex: %+v, %v, want %+v", got, err, want)
	}
	if err := s.Check(ctx); err != nil {
		t.Errorf("check after the reindex: %v", err)
	}
}

// BulkLoad builds a new store, refuses one that holds anything, and
// leaves the target empty when its fill fails.
func TestBulkLoad(t *testing.T) {
	ctx := t.Context()
	ins := silvaArticles()
	dir := filepath.Join(t.TempDir(), "a", "store")
	var want graph.Counts
	err := graph.BulkLoad(ctx, dir, graph.BulkOptions{}, func(st *graph.Store) error {
		put(t, st, ins...)
		var err error
		want, err = st.Counts(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := graph.BulkLoad(ctx, dir, graph.BulkOptions{}, func(*graph.Store) error { return nil }); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("bulk load into a store that holds articles: %v, want ErrInvalid", err)
	}
	s, err := graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Counts(ctx); err != nil || got != want || want.Articles != len(ins) {
		t.Errorf("after the bulk load: %+v, %v, want %+v", got, err, want)
	}
	if err := s.Check(ctx); err != nil {
		t.Errorf("check after the bulk load: %v", err)
	}
	s.Close()

	failed := filepath.Join(t.TempDir(), "store")
	cut := errors.New("cut short")
	err = graph.BulkLoad(ctx, failed, graph.BulkOptions{}, func(st *graph.Store) error {
		put(t, st, ins[0])
		return cut
	})
	if !errors.Is(err, cut) {
		t.Fatalf("bulk load: %v, want the error of fill", err)
	}
	if l := leftBeside(t, failed); len(l) > 0 {
		t.Errorf("a failed bulk load left %v", l)
	}
	s, err = graph.Open(failed, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.Counts(ctx); err != nil || got.Articles != 0 {
		t.Errorf("after a failed bulk load: %+v, %v, want an empty store", got, err)
	}
	if _, err := os.Stat(filepath.Join(failed, "MANIFEST")); err != nil {
		t.Error(err)
	}
}
