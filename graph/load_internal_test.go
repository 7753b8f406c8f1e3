package graph

import (
	"errors"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/similar"
)

// A store whose load did not finish (the process died) is refused by Open.
func TestLoadUnfinished(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return set(txn, key.Loading(), []byte{1}) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(dir, Options{}); err == nil {
		s.Close()
		t.Fatal("Open of an unfinished load succeeded")
	} else if !errors.Is(err, ErrInvalid) {
		t.Errorf("Open: %v", err)
	}
}

// A printing of the canonical text is not diffed, and comes out as the
// diff would have it.
func TestOccurrenceViewSameText(t *testing.T) {
	for _, text := range []string{"We will never give up.", "  Two  spaces\tand a tab ", "—", "Ça va, l'été?", "x"} {
		o := occRec{attribution: attribution{Text: text, Kind: KindDirect}}
		got := occurrenceView(text, o, "", uuid.Nil, true)
		want := got
		want.Similarity, want.Fidelity = similar.Fidelity(text, text)
		want.Diff = similar.Diff(text, text)
		want.Misquote = similar.Misquotes(want.Diff)
		if got.Similarity != want.Similarity || got.Fidelity != want.Fidelity || !slices.Equal(got.Diff, want.Diff) || len(got.Misquote)+len(want.Misquote) != 0 {
			t.Errorf("%q: fast %+v, diffed %+v", text, got, want)
		}
	}
}
