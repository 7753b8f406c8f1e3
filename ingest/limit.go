package ingest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// The extractor's rules look at a sentence, a paragraph and the people
// named so far, and some of them compare each quotation or attribution
// with the others of the article. On a news article that is nothing; on a
// text of megabytes, or of one line, it would grow with the square of the
// text. So the extractor reads at most maxChunkBytes at a time: a longer
// article is cut into pieces at line ends (within a very long line at a
// sentence end, else at a space), each extracted alone, and the context
// is checked between pieces. No news article comes near the size of a
// piece; across pieces, a pronoun or a surname alone does not reach back,
// and a quotation cut by a piece's end is read as two.
const maxChunkBytes = 64 << 10

// Limits on what one article may hold, checked before the heavy work. The
// store writes an article with its quotations in one transaction, which
// takes between about 1,500 and 8,000 quotations, fewer the longer they
// are (each word is indexed); no news article comes near these limits.
const (
	// MaxQuoteMarks is the most double quotation marks (straight, curly,
	// low-9 and guillemets) an article may hold; two make a quotation.
	// They are counted before extraction.
	MaxQuoteMarks = 4_000
	// MaxAttributions is the most attributions an article may hold.
	// Extraction stops as soon as it finds more.
	MaxAttributions = 1_000
)

// ExtractContext is Extract that stops when ctx is done, returning
// ctx.Err(). Its time grows in proportion to the text.
func ExtractContext(ctx context.Context, a Article) ([]Attribution, error) {
	return extractWith(ctx, defaultModel(), a.Text, 0)
}

// CheckLimits tells whether a may be extracted and stored: it returns an
// error wrapping ErrTooLarge for a text over MaxArticleBytes or with more
// than MaxQuoteMarks quotation marks, and one wrapping ErrEncoding for a
// text that is not UTF-8. It reads the text once and is cheap next to
// extraction.
func CheckLimits(a Article) error {
	if len(a.Text) > MaxArticleBytes {
		return fmt.Errorf("%w: %d bytes of text, limit %d", ErrTooLarge, len(a.Text), MaxArticleBytes)
	}
	if err := CheckUTF8([]byte(a.Text)); err != nil {
		return err
	}
	if n := countQuoteMarks(a.Text); n > MaxQuoteMarks {
		return fmt.Errorf("%w: %d quotation marks, limit %d", ErrTooLarge, n, MaxQuoteMarks)
	}
	return nil
}

// countQuoteMarks counts the double quotation marks of s.
func countQuoteMarks(s string) int {
	n := 0
	for _, c := range s {
		if c == '"' || isDoubleOpen(c) || isDoubleClose(c) {
			n++
		}
	}
	return n
}

// extractWith extracts the attributions of text with m (nil: the rules
// alone), a piece of at most maxChunkBytes at a time. With limit > 0 it
// stops with an error wrapping ErrTooLarge as soon as it has found more
// than limit attributions.
func extractWith(ctx context.Context, m *Model, text string, limit int) ([]Attribution, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []Attribution
	runes := 0 // code points before text[start:]
	for start := 0; start < len(text); {
		end := chunkEnd(text, start)
		atts := extractText(m, text[start:end], start == 0)
		if runes > 0 {
			for i := range atts {
				atts[i].shift(runes)
			}
		}
		out = append(out, atts...)
		runes += utf8.RuneCountInString(text[start:end])
		start = end
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if limit > 0 && len(out) > limit {
			return nil, fmt.Errorf("%w: more than %d attributions, limit %d", ErrTooLarge, limit, limit)
		}
	}
	return out, nil
}

// chunkEnd returns where the piece of text starting at start ends: after
// the last line end within maxChunkBytes, else after the last sentence end,
// else after the last space, else at a code point boundary.
func chunkEnd(text string, start int) int {
	end := start + maxChunkBytes
	if end >= len(text) {
		return len(text)
	}
	piece := text[start:end]
	half := len(piece) / 2
	if i := strings.LastIndexByte(piece, '\n'); i >= half {
		return start + i + 1
	}
	best := -1
	for _, e := range []string{". ", "? ", "! ", ".” ", ".\" "} {
		if i := strings.LastIndex(piece, e); i >= half && i+len(e) > best {
			best = i + len(e)
		}
	}
	if best > 0 {
		return start + best
	}
	if i := strings.LastIndexAny(piece, " \t\r"); i >= half {
		return start + i + 1
	}
	for end > start+1 && !utf8.RuneStart(text[end]) {
		end--
	}
	return end
}

// shift moves every offset of at by n code points. Attributions of one
// piece may share a venue or a span list, so at gets copies of its own.
func (at *Attribution) shift(n int) {
	at.Spans = slices.Clone(at.Spans)
	for i := range at.Spans {
		at.Spans[i].Start += n
		at.Spans[i].End += n
	}
	at.Content = slices.Clone(at.Content)
	for i := range at.Content {
		at.Content[i].Start += n
		at.Content[i].End += n
	}
	if at.Source != nil {
		m := *at.Source
		m.Start, m.End = m.Start+n, m.End+n
		at.Source = &m
	}
	if at.Cue != nil {
		m := *at.Cue
		m.Start, m.End = m.Start+n, m.End+n
		at.Cue = &m
	}
	if at.Venue != nil {
		v := *at.Venue
		v.Start, v.End = v.Start+n, v.End+n
		at.Venue = &v
	}
}
