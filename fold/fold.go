// Package fold is graphd's one text normalization: the form in which
// names and words are compared, keyed and searched. Every package that
// compares names or words (graph's store and its algorithms, the GraphQL
// filters, the extractor) folds them here, so that what one package
// stores another finds.
//
// String decomposes letters as Unicode's canonical decomposition (NFD,
// from golang.org/x/text/unicode/norm) does and drops their diacritics,
// in every script (ä→a, ά→α, й→и), folds the few letters that do not
// decompose (ł→l, ß→ss), lowercases, drops apostrophes and periods
// ("O'Brien"→"obrien", "U.S."→"us"), makes every other rune that is not
// a letter, a digit or a spacing mark a word break, and collapses
// spaces. A word is one space-separated part of that form, cut to
// MaxWordBytes. The result never holds 0x00, which ends strings inside
// store keys.
package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxWordBytes caps a word in an index key; longer words are cut at a
// rune boundary, in the index and in queries alike.
const MaxWordBytes = 64

// special maps the lowercase letters that carry a diacritic or join two
// letters but have no canonical decomposition to plain letters.
var special = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th",
	'ı': "i", 'ħ': "h", 'ŧ': "t", 'ŀ': "l", 'ĳ': "ij", 'ŉ': "n", 'ſ': "s", 'ƈ': "c", 'ɗ': "d",
	'ǆ': "dz", 'ǅ': "dz", 'ǳ': "dz", 'ǲ': "dz", 'ǉ': "lj", 'ǈ': "lj", 'ǌ': "nj", 'ǋ': "nj",
}

// dropped runes vanish without separating words: apostrophes and periods
// ("O'Brien" is "obrien", "U.S." is "us") and the marks that do not take
// space of their own (diacritics, once letters are decomposed).
func dropped(r rune) bool {
	switch r {
	case '\'', '.', '’', 'ʼ', '‘', '`', '´':
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me)
}

// String returns the folded form of s: letters decomposed (canonically,
// as Unicode NFD does) and stripped of their diacritics and other marks
// that take no space, lowercased, a few letters without decomposition
// folded (ß→ss, ł→l, æ→ae, ø→o), apostrophes and periods dropped, every
// other rune that is not a letter, a digit or a spacing mark a word
// break, words separated by one space. Canonically equivalent texts fold
// alike, whatever the script: "Ελλάδα" is "ελλαδα", "Алексей" is
// "алексеи", "Šefčovič" is "sefcovic".
func String(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	emit := func(r rune) {
		switch {
		case dropped(r):
			return
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mc, r):
		default:
			space = true
			return
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		r = unicode.ToLower(r)
		if f, ok := special[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case c == '\'' || c == '.' || c == '`':
				continue
			default:
				space = true
				continue
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteByte(c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if d := norm.NFD.PropertiesString(s[i:]).Decomposition(); d != nil && r != utf8.RuneError {
			for _, dr := range string(d) {
				emit(dr)
			}
		} else {
			emit(r)
		}
		i += n
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
		if !dropped(r) && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mc, r)) {
			return false
		}
	}
	return true
}
