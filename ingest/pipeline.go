package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/graphd/graphd/graph"
)

// Store extracts the attributions of a and writes the article with them to
// s in one transaction; the store resolves the identity of new speakers
// and groups each quotation with the printings other articles gave it.
// Re-storing the same content changes nothing.
//
// The limits of CheckLimits are checked first, and the attributions found
// against MaxAttributions. ctx stops the extraction (Store then returns
// ctx.Err() and writes nothing); once the write has begun it is finished,
// so an article is stored whole or not at all. An article refused for what
// it holds gives an *InputError, whose message is meant for the person who
// sent it and which wraps ErrNoText, ErrTooLarge, ErrEncoding or
// graph.ErrInvalid.
func Store(ctx context.Context, s *graph.Store, a Article) (graph.PutResult, error) {
	if strings.TrimSpace(a.Text) == "" {
		return graph.PutResult{}, &InputError{Msg: "text: empty", Err: ErrNoText}
	}
	if err := CheckLimits(a); err != nil {
		return graph.PutResult{}, refused(err)
	}
	quotes, err := quoteInputs(ctx, a)
	switch {
	case errors.Is(err, ErrTooLarge):
		return graph.PutResult{}, refused(err)
	case err != nil:
		return graph.PutResult{}, err
	}
	in := graph.ArticleInput{
		SourceID:  a.ID,
		URL:       a.URL,
		Title:     a.Title,
		Outlet:    a.Outlet,
		Published: a.Published,
		Text:      a.Text,
		Quotes:    quotes,
	}
	res, err := s.PutArticle(context.WithoutCancel(ctx), in)
	switch {
	case errors.Is(err, graph.ErrInvalid):
		return res, refused(err)
	case err != nil:
		return res, fmt.Errorf("store article: %w", err)
	}
	return res, nil
}

// InputError is an article refused for what it holds. Msg says why in
// words for whoever sent it ("article too large: 5000 quotation marks,
// limit 4000"); Err is the error it comes from.
type InputError struct {
	Msg string
	Err error
}

func (e *InputError) Error() string { return e.Msg }

// Unwrap returns Err.
func (e *InputError) Unwrap() error { return e.Err }

// refused makes an *InputError of err, keeping of its message what follows
// the sentinel that says it is the input's fault.
func refused(err error) error {
	msg := err.Error()
	for _, s := range []error{ErrTooLarge, graph.ErrInvalid} {
		if i := strings.LastIndex(msg, s.Error()+": "); i >= 0 && errors.Is(err, s) {
			msg = msg[i+len(s.Error())+2:]
			break
		}
	}
	if errors.Is(err, ErrTooLarge) && !strings.HasPrefix(msg, "article too large") {
		msg = "article too large: " + msg
	}
	if errors.Is(err, ErrEncoding) {
		msg = "text: " + msg
	}
	return &InputError{Msg: msg, Err: err}
}

// Reindex rebuilds everything the store derives from its articles: it
// extracts every stored article again, in the order they were first
// stored, and resolves identities and groups quotations anew, applying the
// decisions people made. progress, if not nil, is called after each
// article with the number done. ctx stops it between articles and within
// an extraction.
func Reindex(ctx context.Context, s *graph.Store, progress func(done int)) error {
	err := s.Reindex(ctx, func(a graph.Article) ([]graph.QuoteInput, error) {
		return quoteInputs(ctx, Article{ID: a.SourceID, URL: a.URL, Title: a.Title, Outlet: a.Outlet, Published: a.Published, Text: a.Text})
	}, progress)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	return nil
}

// quoteInputs extracts the attributions of a as the store takes them.
func quoteInputs(ctx context.Context, a Article) ([]graph.QuoteInput, error) {
	atts, err := extractWith(ctx, defaultModel(), a.Text, MaxAttributions)
	if err != nil {
		return nil, err
	}
	var out []graph.QuoteInput
	for _, at := range atts {
		q := graph.QuoteInput{
			Text:       at.Quote,
			Kind:       at.Kind,
			CueKind:    at.CueKind,
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
	return out, nil
}
