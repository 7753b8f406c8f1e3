// Package search analyses the full-text search of quotations, with no
// store: the words of a text (package fold's, cut and numbered from 0 in
// text order) and their positions, the English stems that group words,
// the parsed search with its words, phrases, prefixes and exclusions, the
// match of a search against a text, and BM25 ranking.
package search

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"

	"github.com/graphd/graphd/fold"
)

// A search word matches every word of its stem group ("talks" finds
// "talk", "talked", "talking"), a phrase matches its words at
// consecutive positions, and a prefix matches the words that begin with
// it. graph keeps, per word and quote, the word's positions, and groups
// words by stem with how many quotes hold each word; ranking is BM25
// over those counts.

// BM25 parameters, the usual ones.
const (
	K1 = 1.2
	B  = 0.75
	// PrefixWeight scales a word that matches only as a prefix of what
	// was typed ("neg" in "negotiate"), below a word of the stem group.
	PrefixWeight = 0.7
)

// Stem returns the stem a word is grouped under: the English (Porter2)
// stem of a word of ASCII letters; any other word, and a stop word, is
// its own stem. The stemmer is pinned in go.mod: another version could
// group words differently, and the dictionary would need a rebuild.
func Stem(w string) string {
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

// Positions returns, for each distinct word of text, its positions, and
// the number of words.
func Positions(text string) (map[string][]int, int) {
	ws := fold.Words(text)
	m := make(map[string][]int, len(ws))
	for i, w := range ws {
		m[w] = append(m[w], i)
	}
	return m, len(ws)
}

// A Term is one word of a search.
type Term struct {
	Word   string // folded, cut
	Stem   string
	Prefix bool // also matches words beginning with Word
}

// A Query is a parsed search: words that must all appear, phrases that
// must appear, and phrases that must not. A single word is a phrase of
// one.
type Query struct {
	Terms   []Term
	Phrases [][]Term
	Not     [][]Term
}

// Positive reports whether q has words or phrases that must appear; a
// query without may still exclude some (Not).
func (q *Query) Positive() bool { return len(q.Terms) > 0 || len(q.Phrases) > 0 }

// MaxTerms bounds the words of one search, phrases included.
const MaxTerms = 32

// Parse reads a search:
//
//	peace talks      quotes with both words, in any form ("talk", "talking")
//	"peace talks"    the words next to each other, in this order
//	negotiat*        a word beginning so
//	-ceasefire       without the word (or -"a phrase")
//
// The last plain word is also a prefix, so a search typed halfway ("Put")
// finds ("Putin"). Stop words ("the", "of") are dropped from plain words
// unless nothing else is left; phrases keep them.
func Parse(s string) Query {
	var q Query
	mk := func(ws []string) []Term {
		ts := make([]Term, len(ws))
		for i, w := range ws {
			ts[i] = Term{Word: w, Stem: Stem(w)}
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
	for len(s) > 0 && n < MaxTerms {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			s = s[size:]
			continue
		case isQuote(r):
			if ws := phrase(); len(ws) > 0 {
				q.Phrases = append(q.Phrases, mk(ws))
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
				q.Not = append(q.Not, mk(ws)) // -"a phrase"
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
			q.Not = append(q.Not, mk(ws))
		case len(ws) > 1:
			q.Phrases = append(q.Phrases, mk(ws))
		default:
			t := mk(ws)[0]
			t.Prefix = star
			q.Terms = append(q.Terms, t)
		}
		lastPlain = !neg && len(ws) == 1 && !star
		n += len(ws)
	}
	if lastPlain {
		q.Terms[len(q.Terms)-1].Prefix = true
	}
	// Stop words say little and match nearly everything: drop the plain
	// ones when something else is left to search for.
	var keep []Term
	for _, t := range q.Terms {
		if t.Prefix || !english.IsStopWord(t.Word) {
			keep = append(keep, t)
		}
	}
	if len(keep) > 0 || len(q.Phrases) > 0 {
		q.Terms = keep
	}
	q.Terms = slices.CompactFunc(q.Terms, func(a, b Term) bool { return a == b })
	return q
}

// MatchWord reports whether the word w of a text matches t.
func (t Term) MatchWord(w string) bool {
	return w == t.Word || Stem(w) == t.Stem || t.Prefix && strings.HasPrefix(w, t.Word)
}

// Match reports whether a text, given as its Words, satisfies q.
func (q *Query) Match(ws []string) bool {
	for _, t := range q.Terms {
		if !slices.ContainsFunc(ws, t.MatchWord) {
			return false
		}
	}
	for _, ph := range q.Phrases {
		if !HasPhrase(ws, ph) {
			return false
		}
	}
	for _, ph := range q.Not {
		if HasPhrase(ws, ph) {
			return false
		}
	}
	return true
}

// HasPhrase reports whether the words ws hold the phrase ph.
func HasPhrase(ws []string, ph []Term) bool {
	for i := 0; i+len(ph) <= len(ws); i++ {
		ok := true
		for j, t := range ph {
			if ws[i+j] != t.Word && Stem(ws[i+j]) != t.Stem {
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

// BM25 is one word's share of a score: idf of its group, tf the
// (weighted) occurrences in a quote of length words, avg the mean length.
func BM25(idf, tf float64, length int, avg float64) float64 {
	if tf == 0 {
		return 0
	}
	norm := 1 - B + B*float64(length)/max(avg, 1)
	return idf * tf * (K1 + 1) / (tf + K1*norm)
}

// IDF is the inverse document frequency of a word that df of n quotes
// hold.
func IDF(n, df float64) float64 {
	df = min(df, n)
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}
