package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/graphd/graphd/graph"
)

var (
	benchSpeakers = []string{"Sergey Lavrov", "Dmitry Peskov", "Recep Tayyip Erdoğan", "Olaf Scholz", "Emmanuel Macron",
		"Ursula von der Leyen", "Antony Blinken", "Volodymyr Zelenskyy", "Xi Jinping", "Narendra Modi"}
	benchVenues = []struct{ name, kind string }{{"CNN", graph.VenueBroadcast}, {"press conference", graph.VenueEvent},
		{"RIA Novosti", graph.VenueInterview}, {"X", graph.VenueSocial}, {"parliament", graph.VenueEvent}}
)

// benchArticle is a news article of about 400 bytes a quote, with n
// quotes by a rotating cast; seq makes its URL and text unique.
func benchArticle(seq, n int) graph.ArticleInput {
	var b strings.Builder
	var qs []string
	fmt.Fprintf(&b, "MOSCOW, story %d. Diplomats met again on Tuesday as talks over the ceasefire resumed.\n\n", seq)
	for j := range n {
		q := fmt.Sprintf("We have made progress on point %d, but the other side must show it is serious about item %d of the plan", j, seq%97)
		fmt.Fprintf(&b, "In a statement that followed hours of negotiations behind closed doors, the official said: \"%s.\" "+
			"Analysts cautioned that similar assurances had been given before and that the timetable remained uncertain.\n\n", q)
		qs = append(qs, q+".")
	}
	text := b.String()
	in := graph.ArticleInput{
		URL: fmt.Sprintf("https://news.test/%d", seq), Title: fmt.Sprintf("Talks resume, day %d", seq),
		Outlet: "Reuters", Published: date("2024-01-01").AddDate(0, 0, seq%365), Text: text,
	}
	for j, q := range qs {
		v := benchVenues[(seq+j)%len(benchVenues)]
		qi := quoted(text, q, benchSpeakers[(seq+j)%len(benchSpeakers)], v.name, v.kind)
		qi.Speaker.Titles = []string{"official"}
		in.Quotes = append(in.Quotes, qi)
	}
	return in
}

func BenchmarkPutArticle(b *testing.B) {
	for _, n := range []int{15, 100} {
		b.Run(fmt.Sprintf("quotes=%d", n), func(b *testing.B) {
			s, err := graph.Open(b.TempDir(), graph.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := b.Context()
			b.SetBytes(int64(len(benchArticle(0, n).Text)))
			b.ReportAllocs()
			seq := 0
			for b.Loop() {
				in := benchArticle(seq, n)
				seq++
				if _, err := s.PutArticle(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkQuotesBySpeaker(b *testing.B) {
	s, err := graph.Open(b.TempDir(), graph.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := b.Context()
	const articles = 1000
	for i := range articles {
		if _, err := s.PutArticle(ctx, benchArticle(i, 15)); err != nil {
			b.Fatal(err)
		}
	}
	var ids []uuid.UUID
	for _, name := range benchSpeakers[:3] {
		sp, err := s.SpeakerByName(ctx, name)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, sp.ID)
	}
	for _, bc := range []struct {
		name string
		f    graph.QuoteFilter
	}{
		{"one", graph.QuoteFilter{SpeakerIDs: ids[:1]}},
		{"three", graph.QuoteFilter{SpeakerIDs: ids}},
		{"one+search", graph.QuoteFilter{SpeakerIDs: ids[:1], Search: "progress point 1"}},
		{"one+range", graph.QuoteFilter{SpeakerIDs: ids[:1], From: date("2024-03-01"), To: date("2024-03-31")}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var info graph.PageInfo
			for b.Loop() {
				var qs []graph.Quote
				qs, info, err = s.Quotes(ctx, bc.f, graph.Page{})
				if err != nil || len(qs) == 0 {
					b.Fatal(len(qs), err)
				}
			}
			b.ReportMetric(float64(info.TotalCount), "matches")
		})
	}
}
