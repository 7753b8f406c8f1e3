package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/graphd/graphd/ingest"
)

// extractLine is one line of `graphd extract`: an interface others build
// on, so its fields and their meaning stay as they are. Offsets are Unicode
// code points into the text as read (for .txt the whole file, header line
// included; for HTML and JSON the article text), end exclusive.
type extractLine struct {
	Doc   string   `json:"doc"`
	Line  int      `json:"line,omitempty"` // the record's line in a JSON Lines file
	Quote string   `json:"quote"`
	Spans [][2]int `json:"spans"`
	// Content is the reported content where it differs from the quotation
	// by more than its marks and trailing punctuation: the whole reported
	// clause around a partial quotation.
	Content    [][2]int        `json:"content,omitempty"`
	Kind       string          `json:"kind"`
	Speaker    *string         `json:"speaker"`
	Source     *ingest.Mention `json:"source"`
	Cue        *ingest.Mention `json:"cue"`
	CueKind    string          `json:"cue_kind,omitempty"` // speech or stance; see ingest.Attribution.CueKind
	Venue      *ingest.Venue   `json:"venue"`
	Confidence float64         `json:"confidence"`

	// SpeakerType is person, organization, group, place, document
	// (speaker is its publisher, or null) or generic (speaker is null).
	SpeakerType string `json:"speaker_type"`
}

func runExtract(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "extract", "PATH...",
		"Print one JSON object per attribution found in the articles under PATH, with no store:\n"+
			`{"doc", "quote", "spans": [[start, end], ...], "content": [[start, end], ...], "kind", "speaker", "source", "cue", "cue_kind", "venue", "confidence", "speaker_type"}`+"\n"+
			"Offsets are Unicode code points into the file's text as read, end exclusive.")
	paths, err := f.parse(e, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		f.Usage()
		return errUsage
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	failed := 0
	err = ingest.Walk(ctx, paths, func(a ingest.Article, err error) error {
		if err != nil {
			failed++
			fmt.Fprintf(e.stderr, "graphd extract: %v\n", err)
			return nil
		}
		atts, err := ingest.ExtractContext(ctx, a)
		if err != nil {
			return err
		}
		var text []rune // the article's runes, once a content needs them
		for _, at := range atts {
			l := extractLine{
				Doc: a.Path, Line: a.Line, Quote: at.Quote, Kind: at.Kind,
				Source: at.Source, Cue: at.Cue, CueKind: at.CueKind, Venue: at.Venue, Confidence: at.Confidence, SpeakerType: at.SpeakerType,
				Spans: make([][2]int, len(at.Spans)),
			}
			for i, s := range at.Spans {
				l.Spans[i] = [2]int{s.Start, s.End}
			}
			if !sameContent(&text, a.Text, at.Content, at.Spans) {
				for _, s := range at.Content {
					l.Content = append(l.Content, [2]int{s.Start, s.End})
				}
			}
			if at.Speaker != "" {
				l.Speaker = &at.Speaker
			}
			if err := enc.Encode(l); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if failed > 0 {
		return errFailed
	}
	return nil
}

// sameContent reports whether the content spans are the quotation spans
// give or take quotation marks, spaces and , . ; : at their ends. text is
// filled from s when first needed.
func sameContent(text *[]rune, s string, content, spans []ingest.Span) bool {
	if len(content) != len(spans) {
		return false
	}
	if slices.Equal(content, spans) {
		return true
	}
	if *text == nil {
		*text = []rune(s)
	}
	trim := func(sp ingest.Span) ingest.Span {
		r := *text
		sp.Start, sp.End = max(0, sp.Start), min(len(r), sp.End)
		for sp.Start < sp.End && strings.ContainsRune(contentTrim, r[sp.Start]) {
			sp.Start++
		}
		for sp.End > sp.Start && strings.ContainsRune(contentTrim, r[sp.End-1]) {
			sp.End--
		}
		return sp
	}
	for i := range content {
		if trim(content[i]) != trim(spans[i]) {
			return false
		}
	}
	return true
}

// contentTrim are the characters a content may have around its quotation.
const contentTrim = " \n\t\u00a0\"“”‘’'«»„,.;:!?"
