package graph

import (
	"strings"
	"unicode"
)

// table4 maps lowercase Latin letters with diacritics, and a few ligatures,
// to plain ASCII. Letters of other scripts are only lowercased.
var table4 = func() map[rune]string {
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

// dropped4 runes vanish without separating words: "O'Brien" is "obrien",
// "U.S." is "us".
func dropped4(r rune) bool {
	switch r {
	case '\'', '.', '’', 'ʼ', '‘', '`', '´':
		return true
	}
	return unicode.Is(unicode.Mn, r) // combining marks of decomposed text
}

// fold4 is the text fold of key layouts 1 to 4: fold.String's form for
// Latin letters, but letters of other scripts only lowercased and spacing
// marks word breaks. The upgrade to layout 5 finds the keys those layouts
// derived from names with it.
func fold4(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case dropped4(r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			r = unicode.ToLower(r)
			if f, ok := table4[r]; ok {
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
