package graphtest

import (
	"fmt"
	"testing"

	"github.com/graphd/graphd/graph"
)

// The generated store is consistent, and some of its quotations have
// several printings.
func TestLargeStoreBuild(t *testing.T) {
	dir := t.TempDir()
	g := newGenerator(400)
	if err := g.build(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	s, err := graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	c, err := s.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if c.Articles != 400 || c.Occurrences <= c.Quotes || c.Occurrences > c.Quotes*5/4 {
		t.Errorf("counts %+v: want 400 articles, and some quotes printed twice", c)
	}
}

// The cached store is named by the key layout as well as the generator:
// a build of another layout makes a store of its own rather than open
// (and upgrade, or be refused by) this one.
func TestLargeNameHoldsLayout(t *testing.T) {
	want := fmt.Sprintf("graphd-bench-l%d-v%d-100000", graph.LayoutVersion, largeVersion)
	if got := largeName(100_000); got != want {
		t.Errorf("largeName(100000) = %q, want %q", got, want)
	}
}
