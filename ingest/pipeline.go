package ingest

import (
	"context"
	"fmt"

	"github.com/graphd/graphd/graph"
)

// Store extracts the attributions of a and writes the article with them to
// s in one transaction. Re-storing the same content changes nothing.
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
	}
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
			q.Speaker = &graph.SpeakerRef{Name: at.Speaker, Titles: at.Titles}
		}
		if at.Venue != nil {
			q.Venue = &graph.VenueRef{Name: at.Venue.Name, Kind: at.Venue.Kind}
		}
		in.Quotes = append(in.Quotes, q)
	}
	res, err := s.PutArticle(ctx, in)
	if err != nil {
		return res, fmt.Errorf("store article: %w", err)
	}
	return res, nil
}
