package ingest

import (
	"context"
	"fmt"

	"github.com/graphd/graphd/graph"
)

// Store extracts the attributions of a and writes the article with them to
// s in one transaction; the store resolves the identity of new speakers
// and groups each quotation with the printings other articles gave it.
// Re-storing the same content changes nothing.
func Store(ctx context.Context, s *graph.Store, a Article) (graph.PutResult, error) {
	if a.Text == "" {
		return graph.PutResult{}, ErrNoText
	}
	in := graph.ArticleInput{
		SourceID:  a.ID,
		URL:       a.URL,
		Title:     a.Title,
		Outlet:    a.Outlet,
		Published: a.Published,
		Text:      a.Text,
		Quotes:    quoteInputs(a),
	}
	res, err := s.PutArticle(ctx, in)
	if err != nil {
		return res, fmt.Errorf("store article: %w", err)
	}
	return res, nil
}

// Reindex rebuilds everything the store derives from its articles: it
// extracts every stored article again, in the order they were first
// stored, and resolves identities and groups quotations anew, applying the
// decisions people made. progress, if not nil, is called after each
// article with the number done.
func Reindex(ctx context.Context, s *graph.Store, progress func(done int)) error {
	err := s.Reindex(ctx, func(a graph.Article) []graph.QuoteInput {
		return quoteInputs(Article{ID: a.SourceID, URL: a.URL, Title: a.Title, Outlet: a.Outlet, Published: a.Published, Text: a.Text})
	}, progress)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	return nil
}

// quoteInputs extracts the attributions of a as the store takes them.
func quoteInputs(a Article) []graph.QuoteInput {
	var out []graph.QuoteInput
	for _, at := range Extract(a) {
		q := graph.QuoteInput{
			Text:       at.Quote,
			Kind:       at.Kind,
			Confidence: at.Confidence,
		}
		for _, sp := range at.Spans {
			q.Spans = append(q.Spans, graph.Span{Start: sp.Start, End: sp.End})
		}
		if at.Cue != nil {
			q.Cue = at.Cue.Text
			q.CueSpan = &graph.Span{Start: at.Cue.Start, End: at.Cue.End}
		}
		if at.Source != nil {
			q.Mention = at.Source.Text
			q.MentionSpan = &graph.Span{Start: at.Source.Start, End: at.Source.End}
		}
		if at.Speaker != "" {
			q.Speaker = &graph.SpeakerRef{Name: at.Speaker, Titles: at.Titles, Type: at.SpeakerType}
		}
		if at.Venue != nil {
			q.Venue = &graph.VenueRef{Name: at.Venue.Name, Kind: at.Venue.Kind}
		}
		out = append(out, q)
	}
	return out
}
