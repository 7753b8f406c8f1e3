package graph

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"

	"github.com/graphd/graphd/fold"
)

// Search works on the words of a quotation: normalize's form cut to
// fold.MaxWordBytes, numbered from 0 in text order. The word index (0x14)
// keeps, per word and quote, the word's positions; the term dictionary
// (0x15) groups words by their English stem, with how many quotes hold
// each word. A query word matches every word of its stem group ("talks"
// finds "talk", "talked", "talking"), a phrase matches its words at
// consecutive positions, and a prefix matches the words that begin with
// it. Ranking is BM25 over those counts.

// BM25 parameters, the usual ones.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
	// prefixWeight scales a word that matches only as a prefix of what
	// was typed ("neg" in "negotiate"), below a word of the stem group.
	prefixWeight = 0.7
)

// stem returns the stem a word is grouped under: the English (Porter2)
// stem of a word of ASCII letters; any other word, and a stop word, is
// its own stem. The stemmer is pinned in go.mod: another version could
// group words differently, and the dictionary would need a rebuild.
func stem(w string) string {
	if len(w) <= 2 {
		return w
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return w
		}
	}
	return english.Stem(w, false)
}

func isStopWord(w string) bool { return english.IsStopWord(w) }

// Quote kinds are one byte in index values.
func kindCode(kind string) byte {
	switch kind {
	case KindDirect:
		return 1
	case KindPartial:
		return 2
	case KindIndirect:
		return 3
	}
	return 0
}

// facetLen is the size of the facets that lead every quote index value:
// the kind code and the confidence in units of 1/10000, uint16
// big-endian. Filters on kind and confidence read them from whichever
// index serves a query, without loading quotes.
const facetLen = 3

func confUnits(c float64) uint16 { return uint16(math.Round(min(max(c, 0), 1) * 10000)) }

func quoteFacets(q quoteRec) []byte {
	u := confUnits(q.Confidence)
	return []byte{kindCode(q.Kind), byte(u >> 8), byte(u)}
}

// postings returns, for each distinct word of text, its positions, and
// the number of words.
func postings(text string) (map[string][]int, int) {
	ws := fold.Words(text)
	m := make(map[string][]int, len(ws))
	for i, w := range ws {
		m[w] = append(m[w], i)
	}
	return m, len(ws)
}

// A searchTerm is one word of a search.
type searchTerm struct {
	word   string // normalized, cut
	stem   string
	prefix bool // also matches words beginning with word
}

// A searchQuery is a parsed search: words that must all appear, phrases
// that must appear, and phrases that must not. A single word is a phrase
// of one.
type searchQuery struct {
	terms   []searchTerm
	phrases [][]searchTerm
	not     [][]searchTerm
}

func (q *searchQuery) empty() bool { return len(q.terms) == 0 && len(q.phrases) == 0 }

// maxSearchTerms bounds the words of one search, phrases included.
const maxSearchTerms = 32

// parseSearch reads a search:
//
//	peace talks      quotes with both words, in any form ("talk", "talking")
//	"peace talks"    the words next to each other, in this order
//	negotiat*        a word beginning so
//	-ceasefire       without the word (or -"a phrase")
//
// The last plain word is also a prefix, so a search typed halfway ("Put")
// finds ("Putin"). Stop words ("the", "of") are dropped from plain words
// unless nothing else is left; phrases keep them.
func parseSearch(s string) searchQuery {
	var q searchQuery
	mk := func(ws []string) []searchTerm {
		ts := make([]searchTerm, len(ws))
		for i, w := range ws {
			ts[i] = searchTerm{word: w, stem: stem(w)}
		}
		return ts
	}
	isQuote := func(r rune) bool { return r == '"' || r == '“' || r == '”' }
	// phrase reads a phrase from s, which starts with its opening quote.
	phrase := func() []string {
		_, size := utf8.DecodeRuneInString(s)
		rest := s[size:]
		end := strings.IndexFunc(rest, isQuote)
		if end < 0 {
			end = len(rest)
		}
		s = rest[end:]
		if _, size := utf8.DecodeRuneInString(s); len(s) > 0 {
			s = s[size:]
		}
		return fold.Words(rest[:end])
	}
	lastPlain := false // the last thing in s was a plain word
	n := 0
	for len(s) > 0 && n < maxSearchTerms {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			s = s[size:]
			continue
		case isQuote(r):
			if ws := phrase(); len(ws) > 0 {
				q.phrases = append(q.phrases, mk(ws))
				n += len(ws)
				lastPlain = false
			}
			continue
		}
		end := strings.IndexFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || isQuote(r) })
		if end < 0 {
			end = len(s)
		}
		field := s[:end]
		s = s[end:]
		neg := strings.HasPrefix(field, "-")
		field = strings.TrimLeft(field, "-")
		if r, _ := utf8.DecodeRuneInString(s); neg && field == "" && isQuote(r) {
			if ws := phrase(); len(ws) > 0 {
				q.not = append(q.not, mk(ws)) // -"a phrase"
				n += len(ws)
				lastPlain = false
			}
			continue
		}
		star := strings.HasSuffix(field, "*")
		ws := fold.Words(strings.TrimRight(field, "*"))
		switch {
		case len(ws) == 0:
			continue
		case neg:
			q.not = append(q.not, mk(ws))
		case len(ws) > 1:
			q.phrases = append(q.phrases, mk(ws))
		default:
			t := mk(ws)[0]
			t.prefix = star
			q.terms = append(q.terms, t)
		}
		lastPlain = !neg && len(ws) == 1 && !star
		n += len(ws)
	}
	if lastPlain {
		q.terms[len(q.terms)-1].prefix = true
	}
	// Stop words say little and match nearly everything: drop the plain
	// ones when something else is left to search for.
	var keep []searchTerm
	for _, t := range q.terms {
		if t.prefix || !isStopWord(t.word) {
			keep = append(keep, t)
		}
	}
	if len(keep) > 0 || len(q.phrases) > 0 {
		q.terms = keep
	}
	q.terms = slices.CompactFunc(q.terms, func(a, b searchTerm) bool { return a == b })
	return q
}

// matchWord reports whether the word w of a text matches t.
func (t searchTerm) matchWord(w string) bool {
	return w == t.word || stem(w) == t.stem || t.prefix && strings.HasPrefix(w, t.word)
}

// match reports whether a text, given as its words, satisfies q.
func (q *searchQuery) match(ws []string) bool {
	for _, t := range q.terms {
		if !slices.ContainsFunc(ws, t.matchWord) {
			return false
		}
	}
	for _, ph := range q.phrases {
		if !hasPhrase(ws, ph) {
			return false
		}
	}
	for _, ph := range q.not {
		if hasPhrase(ws, ph) {
			return false
		}
	}
	return true
}

func hasPhrase(ws []string, ph []searchTerm) bool {
	for i := 0; i+len(ph) <= len(ws); i++ {
		ok := true
		for j, t := range ph {
			if ws[i+j] != t.word && stem(ws[i+j]) != t.stem {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// Search is a parsed full-text search, for matching texts outside the
// store, such as quotations as they are stored (live feeds).
type Search struct{ q searchQuery }

// ParseSearch parses a search as Quotes reads QuoteFilter.Search.
func ParseSearch(s string) Search { return Search{parseSearch(s)} }

// Empty reports whether the search has nothing to look for, so that it
// matches every text.
func (s Search) Empty() bool { return s.q.empty() && len(s.q.not) == 0 }

// Match reports whether text satisfies the search, as Quotes would find
// it.
func (s Search) Match(text string) bool { return s.q.match(fold.Words(text)) }

// bm25 is one word's share of a score: idf of its group, tf the
// (weighted) occurrences in a quote of length words, avg the mean length.
func bm25(idf, tf float64, length int, avg float64) float64 {
	if tf == 0 {
		return 0
	}
	norm := 1 - bm25B + bm25B*float64(length)/max(avg, 1)
	return idf * tf * (bm25K1 + 1) / (tf + bm25K1*norm)
}

func idf(n, df float64) float64 {
	df = min(df, n)
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}
