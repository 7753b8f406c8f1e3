package graph

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTokenBytes caps a token in an index key; longer words are cut at a
// rune boundary, in the index and in queries alike.
const maxTokenBytes = 64

// fold maps lowercase Latin letters with diacritics, and a few ligatures,
// to plain ASCII. Letters of other scripts are only lowercased.
var fold = func() map[rune]string {
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

// normalize lowercases s, folds diacritics, drops apostrophes and
// periods, turns every other non-letter, non-digit into a space, and
// collapses spaces. Names and search words are compared in this form.
func normalize(s string) string {
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
			if f, ok := fold[r]; ok {
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

// tokens returns the distinct words of normalize(s), each cut to
// maxTokenBytes, in order of first appearance.
func tokens(s string) []string {
	words := strings.Fields(normalize(s))
	seen := make(map[string]bool, len(words))
	out := words[:0]
	for _, w := range words {
		w = cutToken(w)
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

func cutToken(w string) string {
	if len(w) <= maxTokenBytes {
		return w
	}
	n := maxTokenBytes
	for n > 0 && !utf8.RuneStart(w[n]) {
		n--
	}
	return w[:n]
}
