package schema

import (
	"regexp"
	"slices"
	"strings"

	"github.com/graphd/graphd/fold"
)

// possessive is the 's that venues carry in print: "CBS's Face the
// Nation" is a venue of "CBS".
var possessive = regexp.MustCompile(`['’ʼ]s(\P{L}|$)`)

// tokens splits s, without possessives, into its folded words (package
// fold), as the store's name index has them: "Jean-Luc" is "jean" and
// "luc", "Šefčovič" is "sefcovic", "O'Brien" is "obrien".
func tokens(s string) []string {
	return strings.Fields(fold.String(possessive.ReplaceAllString(s, "$1")))
}

// nameMatches reports whether every word of query is a word of one of
// names: "Lavrov" and "Sergei Lavrov" match "Sergei Viktorovich Lavrov",
// "Lav" does not.
func nameMatches(query string, names ...string) bool {
	want := tokens(query)
	if len(want) == 0 {
		return false
	}
	for _, name := range names {
		have := tokens(name)
		if containsAll(have, want) {
			return true
		}
	}
	return false
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
