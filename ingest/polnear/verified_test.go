package polnear

import (
	"slices"
	"testing"

	"github.com/graphd/graphd/ingest"
)

// TestMatchesAny labels candidates as Score matches attributions: contents
// sharing half their tokens and sources sharing a token.
func TestMatchesAny(t *testing.T) {
	const text = "Jane Roe said the plan would fail badly, and Bob Lee agreed."
	tok := tokenIndex([]rune(text))
	sp := func(s, e int) []ingest.Span { return []ingest.Span{{Start: s, End: e}} }
	gold := []Attribution{{Source: sp(0, 8), Cue: sp(9, 13), Content: sp(14, 39)}}
	tests := []struct {
		name string
		p    Attribution
		want bool
	}{
		{"same", Attribution{Source: sp(0, 8), Content: sp(14, 39)}, true},
		{"surname and most of the content", Attribution{Source: sp(5, 8), Content: sp(18, 39)}, true},
		{"another source", Attribution{Source: sp(45, 52), Content: sp(14, 39)}, false},
		{"no source", Attribution{Content: sp(14, 39)}, false},
		{"too little of the content", Attribution{Source: sp(0, 8), Content: sp(32, 39)}, false},
	}
	for _, tt := range tests {
		if got := matchesAny(gold, tt.p, tok); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestFolds checks that the folds split a month into parts of the same
// size, each article in the same one whatever the order of the month.
func TestFolds(t *testing.T) {
	var docs []Doc
	for i := range 402 {
		docs = append(docs, Doc{Name: "article-" + string(rune('a'+i%26)) + string(rune('a'+i/26))})
	}
	f := folds(docs, 4)
	counts := make([]int, 4)
	for _, x := range f {
		counts[x]++
	}
	if !slices.Equal(counts, []int{101, 101, 100, 100}) {
		t.Errorf("folds of %v articles", counts)
	}
	rev := slices.Clone(docs)
	slices.Reverse(rev)
	g := folds(rev, 4)
	for i := range docs {
		if f[i] != g[len(docs)-1-i] {
			t.Fatalf("%s is in fold %d, and in %d when the month is reversed", docs[i].Name, f[i], g[len(docs)-1-i])
		}
	}
	if f := folds(docs[:2], 2); f[0] == f[1] {
		t.Errorf("two articles in one fold of two")
	}
}
