package corpus

import (
	"slices"
	"strings"
	"testing"
)

// The generated articles are distinct, keep the words of their source,
// and shuffle most quotations.
func TestGenerator(t *testing.T) {
	texts := Train(t)
	g := New(texts)
	seen := map[string]bool{}
	shuffled := 0
	for i := range 2 * len(texts) {
		a := g.Next()
		if seen[a.Text] {
			t.Fatalf("article %d repeats an earlier text", i)
		}
		seen[a.Text] = true
		src := texts[i%len(texts)].Text
		letters := func(s string) []rune {
			r := []rune(strings.Join(strings.Fields(s), ""))
			slices.Sort(r)
			return r
		}
		if head, _, _ := strings.Cut(a.Text, "\n"); !slices.Equal(letters(strings.TrimPrefix(a.Text, head)), letters(src[len(strings.SplitN(src, "\n", 2)[0]):])) {
			t.Fatalf("article %d: not the letters of its source", i)
		}
		if !strings.HasPrefix(a.Text, strings.SplitN(src, "\n", 2)[0]) {
			t.Fatalf("article %d: headline %q", i, strings.SplitN(a.Text, "\n", 2)[0])
		}
		if a.Text[len(strings.SplitN(a.Text, "\n", 2)[0]):] != src[len(strings.SplitN(src, "\n", 2)[0]):] {
			shuffled++
		}
	}
	if shuffled < len(texts) {
		t.Errorf("%d of %d articles have a quotation shuffled", shuffled, 2*len(texts))
	}
}
