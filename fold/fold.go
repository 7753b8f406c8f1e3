// Package fold is graphd's one text normalization: the form in which
// names and words are compared, keyed and searched. Every package that
// compares names or words (graph's store and its algorithms, the GraphQL
// filters, the extractor) folds them here, so that what one package
// stores another finds.
//
// String lowercases, folds diacritics (ä→a, ł→l, ß→ss), drops apostrophes
// and periods ("O'Brien"→"obrien", "U.S."→"us"), makes every other rune
// that is not a letter or a digit a word break, and collapses spaces. A
// word is one space-separated part of that form, cut to MaxWordBytes.
// The result never holds 0x00, which ends strings inside store keys.
package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxWordBytes caps a word in an index key; longer words are cut at a
// rune boundary, in the index and in queries alike.
const MaxWordBytes = 64

// table maps lowercase Latin letters with diacritics, and a few
// ligatures, to plain ASCII. Letters of other scripts are only lowercased.
var table = func() map[rune]string {
	groups := []struct{ to, from string }{
		{"a", "àáâãäåāăąǎǟǡǻȁȃȧạảấầẩẫậắằẳẵặ"},
		{"c", "çćĉċčƈ"},
		{"d", "ďđɗḍḏ"},
		{"e", "èéêëēĕėęěȅȇȩẹẻẽếềểễệ"},
		{"g", "ĝğġģǧǵ"},
		{"h", "ĥħḥḫ"},
		{"i", "ìíîïĩīĭįıǐȉȋỉị"},
		{"j", "ĵǰ"},
		{"k", "ķǩḳ"},
		{"l", "ĺļľŀłḷ"},
		{"n", "ñńņňŉǹṅṇ"},
		{"o", "òóôõöøōŏőơǒǫǭǿȍȏȫȭȯȱọỏốồổỗộớờởỡợ"},
		{"r", "ŕŗřȑȓṛ"},
		{"s", "śŝşšșṡṣ"},
		{"t", "ţťŧțṭ"},
		{"u", "ùúûüũūŭůűųưǔǖǘǚǜȕȗụủứừửữự"},
		{"w", "ŵẁẃẅ"},
		{"y", "ýÿŷȳỳỵỷỹ"},
		{"z", "źżžẓ"},
		{"ss", "ß"},
		{"ae", "æǣǽ"},
		{"oe", "œ"},
		{"th", "þ"},
		{"dz", "ǆ"},
		{"lj", "ǉ"},
		{"nj", "ǌ"},
	}
	m := make(map[rune]string)
	for _, g := range groups {
		for _, r := range g.from {
			m[r] = g.to
		}
	}
	return m
}()

// dropped runes vanish without separating words: "O'Brien" is "obrien",
// "U.S." is "us".
func dropped(r rune) bool {
	switch r {
	case '\'', '.', '’', 'ʼ', '‘', '`', '´':
		return true
	}
	return unicode.Is(unicode.Mn, r) // combining marks of decomposed text
}

// String returns the folded form of s: lowercased, diacritics folded,
// apostrophes and periods dropped, every other rune that is not a letter
// or digit a word break, words separated by one space.
func String(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case dropped(r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			r = unicode.ToLower(r)
			if f, ok := table[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
		default:
			space = true
		}
	}
	return b.String()
}

// Words returns the words of s in order, each cut to MaxWordBytes.
func Words(s string) []string {
	ws := strings.Fields(String(s))
	for i, w := range ws {
		ws[i] = Cut(w)
	}
	return ws
}

// Tokens returns the distinct words of s, each cut to MaxWordBytes, in
// order of first appearance.
func Tokens(s string) []string {
	words := strings.Fields(String(s))
	seen := make(map[string]bool, len(words))
	out := words[:0]
	for _, w := range words {
		w = Cut(w)
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// Cut cuts a word to MaxWordBytes, at a rune boundary.
func Cut(w string) string {
	if len(w) <= MaxWordBytes {
		return w
	}
	n := MaxWordBytes
	for n > 0 && !utf8.RuneStart(w[n]) {
		n--
	}
	return w[:n]
}

// Empty reports whether String(s) is "", without building it.
func Empty(s string) bool {
	for _, r := range s {
		if !dropped(r) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}
