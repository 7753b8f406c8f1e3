package graph_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/graph"
)

func TestSearchStems(t *testing.T) {
	got := graph.SearchStems("The President’s talks: talking PEACE, president Peña.")
	want := []string{"the", "presid", "talk", "peac", "pena"}
	if !cmp.Equal(got, want) {
		t.Errorf("SearchStems: %q, want %q", got, want)
	}
	var st graph.Stemmer
	for range 2 { // the second time from memory
		if got := st.Stems("The President’s talks: talking PEACE, president Peña."); !cmp.Equal(got, want) {
			t.Errorf("Stemmer.Stems: %q, want %q", got, want)
		}
	}
	for _, tc := range []struct {
		search string
		want   []string
	}{
		{`peace "talks"`, []string{"peac", "talk"}},
		{`peace talks`, []string{"peac"}}, // the last word is a prefix too
		{`"peace talks" -war negotiat*`, []string{"peac", "talk"}},
		{`the "president"`, []string{"presid"}}, // a plain stop word is dropped
	} {
		s := graph.ParseSearch(tc.search)
		if got := s.Stems(); !cmp.Equal(got, tc.want) {
			t.Errorf("Stems of %s: %q, want %q", tc.search, got, tc.want)
		}
		// A text with the stems matches when Match says so, never
		// without them.
		for _, text := range []string{"Peace talks began.", "They talked of peace.", "War and peace talks, negotiations."} {
			has := graph.SearchStems(text)
			all := true
			for _, st := range s.Stems() {
				all = all && slices.Contains(has, st)
			}
			if s.Match(text) && !all {
				t.Errorf("%s matches %q, which lacks some of %q", tc.search, text, s.Stems())
			}
		}
	}
}
