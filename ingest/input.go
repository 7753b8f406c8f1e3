package ingest

import (
	"context"
	"errors"
	"strings"

	"github.com/graphd/graphd/graph"
)

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
