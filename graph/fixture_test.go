package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
)

// quoted is a quotation of the first q in text, with rune spans.
func quoted(text, q, speaker, venue, venueKind string) graph.QuoteInput {
	i := strings.Index(text, q)
	if i < 0 {
		panic(fmt.Sprintf("%q not in text", q))
	}
	start := utf8.RuneCountInString(text[:i])
	in := graph.QuoteInput{
		Text:       q,
		Kind:       graph.KindDirect,
		Spans:      []graph.Span{{Start: start, End: start + utf8.RuneCountInString(q)}},
		Confidence: 0.9,
	}
	if speaker != "" {
		in.Speaker = &graph.SpeakerRef{Name: speaker}
	}
	if venue != "" {
		in.Venue = &graph.VenueRef{Name: venue, Kind: venueKind}
	}
	return in
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The fixture: three articles, A2 published before A1, A3 undated.
const (
	textA1 = `Kremlin spokesman Dmitry Peskov told reporters on Monday: "The talks are over." ` +
		`Foreign Minister Sergey Lavrov said in an interview with RIA Novosti that "Russia is ready to negotiate." ` +
		`Peskov added that "nothing has changed since the summit."`
	textA2 = `President Recep Tayyip Erdoğan told CNN: "Türkiye will host the next round of talks." ` +
		`Sergey Lavrov, speaking to CNN, said "we welcome Turkish mediation."`
	textA3 = `Erdogan said on X: "Peace is possible this year." Nobody else spoke.`
)

func articleA1() graph.ArticleInput {
	q1 := quoted(textA1, "The talks are over.", "Dmitry Peskov", "press briefing", graph.VenueEvent)
	q1.Speaker.Titles = []string{"Kremlin spokesman"}
	q2 := quoted(textA1, "Russia is ready to negotiate.", "Sergey Lavrov", "RIA Novosti", graph.VenueInterview)
	q2.Speaker.Titles = []string{"Foreign Minister"}
	q3 := quoted(textA1, "nothing has changed since the summit.", "Dmitry Peskov", "press briefing", graph.VenueEvent)
	q3.Kind = graph.KindPartial
	return graph.ArticleInput{
		URL: "https://example.com/a1", Title: "Talks over", Outlet: "Reuters",
		Published: date("2024-03-01"), Text: textA1,
		Quotes: []graph.QuoteInput{q3, q1, q2}, // out of text order on purpose
	}
}

func articleA2() graph.ArticleInput {
	return graph.ArticleInput{
		URL: "https://example.com/a2", Title: "Turkish mediation", Outlet: "TASS",
		Published: date("2024-02-15"), Text: textA2,
		Quotes: []graph.QuoteInput{
			quoted(textA2, "Türkiye will host the next round of talks.", "Recep Tayyip Erdoğan", "CNN", graph.VenueBroadcast),
			quoted(textA2, "we welcome Turkish mediation.", "Sergey Lavrov", "CNN", graph.VenueBroadcast),
		},
	}
}

func articleA3() graph.ArticleInput {
	return graph.ArticleInput{
		SourceID: "x-3", Text: textA3,
		Quotes: []graph.QuoteInput{
			quoted(textA3, "Peace is possible this year.", "Recep Tayyip Erdogan", "X", graph.VenueSocial),
		},
	}
}

// put stores the articles and fails the test on error.
func put(t testing.TB, s *graph.Store, as ...graph.ArticleInput) []graph.PutResult {
	t.Helper()
	var out []graph.PutResult
	for _, a := range as {
		res, err := s.PutArticle(context.Background(), a)
		if err != nil {
			t.Fatalf("PutArticle(%s): %v", a.URL, err)
		}
		out = append(out, res)
	}
	return out
}

// speakerID finds a speaker by exact name or fails the test.
func speakerID(t testing.TB, s *graph.Store, name string) uuid.UUID {
	t.Helper()
	sp, err := s.SpeakerByName(context.Background(), name)
	if err != nil {
		t.Fatalf("SpeakerByName(%q): %v", name, err)
	}
	return sp.ID
}

func venueID(t testing.TB, s *graph.Store, name string) uuid.UUID {
	t.Helper()
	vs, _, err := s.FindVenues(context.Background(), name, graph.Page{})
	if err != nil || len(vs) == 0 {
		t.Fatalf("FindVenues(%q) = %v, %v", name, vs, err)
	}
	return vs[0].ID
}

func quoteTexts(qs []graph.Quote) []string {
	out := []string{}
	for _, q := range qs {
		out = append(out, q.Text)
	}
	return out
}
