package graph

import (
	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/search"
)

// SearchStems returns the distinct stems of the words of text, in the
// order they first appear: what the search index groups a quotation's
// words under. A search word matches a quotation when its stem is one of
// them (a phrase besides needs its words next to each other, and a prefix
// matches words beginning with it), so another store can answer the word
// part of a search from the stems alone.
func SearchStems(text string) []string { return (*Stemmer)(nil).Stems(text) }

// A Stemmer gives the SearchStems of many texts in a row, as an export
// does, remembering the stems of the first maxStemmed distinct words it
// meets: the English stemmer costs more than all else a word takes. The
// zero Stemmer is ready to use; a nil one remembers nothing.
type Stemmer struct {
	memo map[string]string
}

// maxStemmed bounds the words a Stemmer remembers.
const maxStemmed = 1 << 18

// Stems returns the SearchStems of text.
func (st *Stemmer) Stems(text string) []string {
	ws := fold.Words(text)
	seen := make(map[string]bool, len(ws))
	var out []string
	for _, w := range ws {
		s, ok := "", false
		if st != nil {
			s, ok = st.memo[w]
		}
		if !ok {
			s = search.Stem(w)
			if st != nil && len(st.memo) < maxStemmed {
				if st.memo == nil {
					st.memo = map[string]string{}
				}
				st.memo[w] = s
			}
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Stems returns the stems a quotation must have among its SearchStems to
// match s: those of its words and of the words of its phrases, but not
// of a prefix. A quotation with all of them matches s when Match says so
// (phrases in order, prefixes, words left out).
func (s Search) Stems() []string {
	seen := map[string]bool{}
	var out []string
	add := func(t search.Term) {
		if !t.Prefix && !seen[t.Stem] {
			seen[t.Stem] = true
			out = append(out, t.Stem)
		}
	}
	for _, t := range s.q.Terms {
		add(t)
	}
	for _, ph := range s.q.Phrases {
		for _, t := range ph {
			add(t)
		}
	}
	return out
}
