package graph_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// sayKind stores article i, in which name said (or, of stance, holds) q.
func sayKind(t *testing.T, s *graph.Store, i int, name, cue, kind, q string) {
	t.Helper()
	text := fmt.Sprintf("Report %d. %s %s that \"%s\"", i, name, cue, q)
	in := quoted(text, q, name, "", "")
	in.Cue, in.CueKind = cue, kind
	put(t, s, graph.ArticleInput{URL: fmt.Sprintf("https://cues.test/%d", i), Outlet: "Daily",
		Published: date("2016-09-01").AddDate(0, 0, i), Text: text, Quotes: []graph.QuoteInput{in}})
}

// TestCueKinds stores quotations of speech and of stance and reads the
// kind back on the quote and its printings, filters on it with and
// without a search, counts it in a timeline, and checks the store.
func TestCueKinds(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	sayKind(t, s, 1, "Maria Vance", "said", graph.CueSpeech, "The port will open in May.")
	sayKind(t, s, 2, "Maria Vance", "believes", graph.CueStance, "The port should stay closed.")
	sayKind(t, s, 3, "Tom Vance", "said", "", "The port is a gift.") // no kind: speech
	sayKind(t, s, 4, "Tom Vance", "plans to argue", graph.CueStance, "The port will pay for itself.")

	all, _, err := s.Quotes(ctx, graph.QuoteFilter{}, graph.Page{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"The port will open in May.": graph.CueSpeech, "The port should stay closed.": graph.CueStance,
		"The port is a gift.": graph.CueSpeech, "The port will pay for itself.": graph.CueStance,
	}
	if len(all) != len(want) {
		t.Fatalf("%d quotes, want %d", len(all), len(want))
	}
	for _, q := range all {
		if q.CueKind != want[q.Text] {
			t.Errorf("%q: cue kind %q, want %q", q.Text, q.CueKind, want[q.Text])
		}
		occs, err := s.Occurrences(ctx, q.ID)
		if err != nil || len(occs) != 1 || occs[0].CueKind != want[q.Text] {
			t.Errorf("%q: printings %+v, %v; want one of cue kind %q", q.Text, occs, err, want[q.Text])
		}
	}

	for _, tt := range []struct {
		name string
		f    graph.QuoteFilter
		want []string
	}{
		{"stance", graph.QuoteFilter{CueKinds: []string{graph.CueStance}}, []string{"The port should stay closed.", "The port will pay for itself."}},
		{"speech", graph.QuoteFilter{CueKinds: []string{graph.CueSpeech}}, []string{"The port will open in May.", "The port is a gift."}},
		{"both", graph.QuoteFilter{CueKinds: []string{graph.CueSpeech, graph.CueStance}}, []string{"The port will open in May.", "The port should stay closed.", "The port is a gift.", "The port will pay for itself."}},
		{"stance with a search", graph.QuoteFilter{CueKinds: []string{graph.CueStance}, Search: "port will"}, []string{"The port will pay for itself."}},
		{"speech of a kind", graph.QuoteFilter{CueKinds: []string{graph.CueSpeech}, Kinds: []string{graph.KindDirect}}, []string{"The port will open in May.", "The port is a gift."}},
		{"stance of a speaker", graph.QuoteFilter{CueKinds: []string{graph.CueStance}, SpeakerIDs: []uuid.UUID{speakerID(t, s, "Tom Vance")}}, []string{"The port will pay for itself."}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			qs, info, err := s.Quotes(ctx, tt.f, graph.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, q := range qs {
				got = append(got, q.Text)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || info.TotalCount != len(tt.want) {
				t.Errorf("quotes %q (total %d), want %q", got, info.TotalCount, tt.want)
			}
			bs, err := s.Timeline(ctx, tt.f, graph.Day)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, b := range bs {
				n += b.Count
			}
			if n != len(tt.want) {
				t.Errorf("timeline counts %d, want %d", n, len(tt.want))
			}
		})
	}
	if _, _, err := s.Quotes(ctx, graph.QuoteFilter{CueKinds: []string{"shout"}}, graph.Page{}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("unknown cue kind in a filter: err = %v", err)
	}
	text := `Report 9. Ann Lee said: "Yes."`
	in := quoted(text, "Yes.", "Ann Lee", "", "")
	in.CueKind = "shout"
	if _, err := s.PutArticle(ctx, graph.ArticleInput{URL: "https://cues.test/9", Text: text, Quotes: []graph.QuoteInput{in}}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("unknown cue kind in an article: err = %v", err)
	}
}

// TestCueKindFollowsFirstPrinting gives a quotation the cue kind of its
// earliest printing: a later article printing the same words as a stance
// leaves it speech, an earlier one makes it a stance, and the filters and
// the check follow.
func TestCueKindFollowsFirstPrinting(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	sayKind(t, s, 5, "Maria Vance", "said", graph.CueSpeech, "The port will open in May.")
	sayKind(t, s, 6, "Maria Vance", "believes", graph.CueStance, "The port will open in May.")
	qs, _, err := s.Quotes(ctx, graph.QuoteFilter{}, graph.Page{})
	if err != nil || len(qs) != 1 || qs[0].Occurrences != 2 || qs[0].CueKind != graph.CueSpeech {
		t.Fatalf("quotes %+v, %v; want one of speech printed twice", qs, err)
	}
	if qs, _, _ := s.Quotes(ctx, graph.QuoteFilter{CueKinds: []string{graph.CueStance}}, graph.Page{}); len(qs) != 0 {
		t.Errorf("stances: %+v, want none", qs)
	}
	sayKind(t, s, 1, "Maria Vance", "believes", graph.CueStance, "The port will open in May.")
	qs, _, err = s.Quotes(ctx, graph.QuoteFilter{CueKinds: []string{graph.CueStance}}, graph.Page{})
	if err != nil || len(qs) != 1 || qs[0].Occurrences != 3 || qs[0].CueKind != graph.CueStance {
		t.Errorf("stances after an earlier printing of stance: %+v, %v", qs, err)
	}
}
