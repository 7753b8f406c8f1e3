package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind tells words from punctuation and quotation marks.
type tokKind uint8

const (
	tokWord tokKind = iota
	tokPunct
	tokQuote // a quotation block: the whole quotation stands as one token
)

// token is a word, a punctuation mark, or a whole quotation, with its span
// in code points.
type token struct {
	start, end int
	kind       tokKind
	text       string    // as printed; for a word with a possessive, without it
	lower      string    // lowercased text
	poss       bool      // the word carried a possessive ’s or s’
	capital    bool      // the word starts with an upper-case letter
	quote      int       // index of the quotation segment for tokQuote
	cls        wordClass // what the word lists say of lower
	spk        spkClass  // what speaker resolution's lists say of lower; set by its mentions pass
}

func (t token) is(words ...string) bool {
	for _, w := range words {
		if t.lower == w {
			return true
		}
	}
	return false
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' }

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// source is an article's text as runes, with the same text as a string and
// the byte offset of every rune, so that token texts are substrings of the
// string rather than new allocations.
type source struct {
	r   []rune
	s   string
	off []int32 // off[i] is the byte offset of r[i]; off[len(r)] = len(s)
}

func newSource(text string) *source { return new(source).reset(text) }

// reset makes src the source of text, reusing its buffers.
func (src *source) reset(text string) *source {
	n := utf8.RuneCountInString(text)
	src.s = text
	if cap(src.r) < n || cap(src.off) < n+1 {
		src.r, src.off = make([]rune, n), make([]int32, n+1)
	}
	src.r, src.off = src.r[:n], src.off[:n+1]
	i := 0
	for b, c := range text {
		src.r[i] = c
		src.off[i] = int32(b)
		i++
	}
	src.off[n] = int32(len(text))
	return src
}

// str returns the text of runes [i, j).
func (src *source) str(i, j int) string { return src.s[src.off[i]:src.off[j]] }

// tokenize splits r[start:end] into words and punctuation. Quotation
// segments listed in quotes (sorted, inside the range) become one tokQuote
// each.
func tokenize(src *source, start, end int, quotes []segment, qbase int) []token {
	return tokenizeAppend(make([]token, 0, (end-start)/5+4), src, start, end, quotes, qbase)
}

// tokenizeAppend is tokenize appending to toks.
func tokenizeAppend(toks []token, src *source, start, end int, quotes []segment, qbase int) []token {
	r := src.r
	qi := 0
	for i := start; i < end; {
		if qi < len(quotes) && i >= quotes[qi].open {
			q := quotes[qi]
			toks = append(toks, token{start: q.open, end: q.closeEnd, kind: tokQuote, quote: qbase + qi})
			i = q.closeEnd
			qi++
			continue
		}
		c := r[i]
		if unicode.IsSpace(c) {
			i++
			continue
		}
		if !isWordRune(c) {
			j := i + 1
			if c == '.' && j+1 < end && r[j] == '.' && r[j+1] == '.' {
				j += 2
			}
			toks = append(toks, token{start: i, end: j, kind: tokPunct, text: src.str(i, j), lower: src.str(i, j)})
			i = j
			continue
		}
		j := i
		seg := i // start of the current dot-separated piece, for U.S.
		for j < end {
			if qi < len(quotes) && j >= quotes[qi].open {
				break
			}
			c := r[j]
			if isWordRune(c) {
				j++
				continue
			}
			// Keep inner apostrophes and hyphens (don’t, one-meeting) and
			// the dots of U.S.-style abbreviations.
			if j+1 < end && isWordRune(r[j+1]) {
				if isApostrophe(c) || c == '-' || c == '‐' || c == '&' {
					j++
					continue
				}
				if c == '.' && j-seg == 1 && unicode.IsLetter(r[j+1]) && (j+2 >= end || !isWordRune(r[j+2])) {
					j++
					seg = j
					continue
				}
			}
			break
		}
		word := src.str(i, j)
		t := token{start: i, end: j, kind: tokWord}
		// A trailing dot of an abbreviation or an initial belongs to the word.
		if j < end && r[j] == '.' {
			lw := strings.ToLower(word)
			if abbreviations[lw] || (j-i == 1 && unicode.IsUpper(r[i])) || strings.Contains(lw, ".") {
				j++
				t.end = j
				word = src.str(i, j)
			}
		}
		base := word
		if n := t.end - i; n > 2 && isApostrophe(r[t.end-2]) && (r[t.end-1] == 's' || r[t.end-1] == 'S') {
			base = src.str(i, t.end-2)
			t.poss = true
		}
		if j < end && isApostrophe(r[j]) && strings.HasSuffix(base, "s") && (j+1 >= end || !isWordRune(r[j+1])) {
			// plural possessive: leaders’
			t.poss = true
			t.end = j + 1
			j++
		}
		t.text = base
		t.lower = strings.ToLower(strings.TrimSuffix(base, "."))
		if strings.Count(base, ".") > 1 {
			t.lower = strings.ToLower(base)
			t.lower = strings.TrimSuffix(t.lower, ".")
		}
		t.capital = unicode.IsUpper(r[i])
		t.cls = wordClasses[t.lower]
		toks = append(toks, t)
		i = j
	}
	return toks
}
