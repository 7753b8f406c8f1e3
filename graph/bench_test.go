package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

var (
	benchSpeakers = []string{"Sergey Lavrov", "Dmitry Peskov", "Recep Tayyip Erdoğan", "Olaf Scholz", "Emmanuel Macron",
		"Ursula von der Leyen", "Antony Blinken", "Volodymyr Zelenskyy", "Xi Jinping", "Narendra Modi"}
	benchVenues = []struct{ name, kind string }{{"CNN", graph.VenueBroadcast}, {"press conference", graph.VenueEvent},
		{"RIA Novosti", graph.VenueInterview}, {"X", graph.VenueSocial}, {"parliament", graph.VenueEvent}}
)

// benchArticle is a news article of about 400 bytes a quote, with n
// quotes by a rotating cast; seq makes its URL and text unique. Its
// quotations come again every 97 articles, as printed before.
func benchArticle(seq, n int) graph.ArticleInput { return benchArticleEdited(seq, n, false) }

// benchArticleEdited is benchArticle; with edited, the quotations of
// every other round of 97 articles are reworded a little, so that their
// printings differ from the statement's words, and each comes again from
// the same speaker on the same day.
func benchArticleEdited(seq, n int, edited bool) graph.ArticleInput {
	var b strings.Builder
	var qs []string
	fmt.Fprintf(&b, "MOSCOW, story %d. Diplomats met again on Tuesday as talks over the ceasefire resumed.\n\n", seq)
	cast := seq
	form := "We have made progress on point %d, but the other side must show it is serious about item %d of the plan"
	if edited {
		cast = seq % 97
	}
	if edited && seq/97%2 == 1 {
		form = "We have made real progress on point %d, but the other side must show that it is serious about item %d of the plan"
	}
	for j := range n {
		q := fmt.Sprintf(form, j, seq%97)
		fmt.Fprintf(&b, "In a statement that followed hours of negotiations behind closed doors, the official said: \"%s.\" "+
			"Analysts cautioned that similar assurances had been given before and that the timetable remained uncertain.\n\n", q)
		qs = append(qs, q+".")
	}
	text := b.String()
	in := graph.ArticleInput{
		URL: fmt.Sprintf("https://news.test/%d", seq), Title: fmt.Sprintf("Talks resume, day %d", seq),
		Outlet: "Reuters", Published: date("2024-01-01").AddDate(0, 0, cast%365), Text: text,
	}
	for j, q := range qs {
		v := benchVenues[(cast+j)%len(benchVenues)]
		qi := quoted(text, q, benchSpeakers[(cast+j)%len(benchSpeakers)], v.name, v.kind)
		qi.Speaker.Titles = []string{"official"}
		in.Quotes = append(in.Quotes, qi)
	}
	return in
}

// BenchmarkPutArticle stores articles one by one. "edited" articles
// reprint known statements in other words; "watched" ones are written
// with a watcher that takes every change but asks for no printings, as
// the live feed does with no subscriber.
func BenchmarkPutArticle(b *testing.B) {
	for _, bc := range []struct {
		name            string
		n               int
		edited, watched bool
	}{
		{"quotes=15", 15, false, false},
		{"quotes=100", 100, false, false},
		{"quotes=15,edited", 15, true, false},
		{"quotes=15,edited,watched", 15, true, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s, err := graph.Open(b.TempDir(), graph.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := b.Context()
			if bc.watched {
				ch := s.Watch(ctx, 1024)
				go func() {
					for range ch {
					}
				}()
			}
			b.SetBytes(int64(len(benchArticle(0, bc.n).Text)))
			b.ReportAllocs()
			seq := 0
			for b.Loop() {
				in := benchArticleEdited(seq, bc.n, bc.edited)
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

// largeArticles is the size of the store of BenchmarkLarge.
const largeArticles = 100_000

// latencies records how long each iteration of a benchmark took and
// reports the median and the 99th percentile.
type latencies []time.Duration

func (l *latencies) time(f func()) {
	t := time.Now()
	f()
	*l = append(*l, time.Since(t))
}

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(l[len(l)/2]), "p50-ms")
	b.ReportMetric(ms(l[min(len(l)-1, len(l)*99/100)]), "p99-ms")
}

// BenchmarkLarge runs dashboard queries on a store of 100,000 generated
// articles (about 500,000 quotes), built once and cached by graphtest.
func BenchmarkLarge(b *testing.B) {
	st := graphtest.LargeStore(b, largeArticles)
	ctx := b.Context()
	sp, err := st.SpeakerByName(ctx, st.TopSpeaker)
	if err != nil {
		b.Fatal(err)
	}
	month := func(m int) (time.Time, time.Time) {
		from := time.Date(2025, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		return from, from.AddDate(0, 1, 0).Add(-time.Nanosecond)
	}
	feb, febEnd := month(2)
	searches := []struct {
		name string
		f    graph.QuoteFilter
	}{
		{"search/two-words", graph.QuoteFilter{Search: "peace talks", Order: graph.OrderRelevance}},
		{"search/two-words+month", graph.QuoteFilter{Search: "peace talks", From: feb, To: febEnd, Order: graph.OrderRelevance}},
		{"search/word+speaker", graph.QuoteFilter{Search: "ukraine", SpeakerIDs: []uuid.UUID{sp.ID}, Order: graph.OrderRelevance}},
		{"search/phrase", graph.QuoteFilter{Search: `"peace talks"`, Order: graph.OrderRelevance}},
		{"search/prefix+confidence", graph.QuoteFilter{Search: "negotiat*", MinConfidence: 0.8, Order: graph.OrderNewest}},
		{"search/common-word", graph.QuoteFilter{Search: "peace", Order: graph.OrderRelevance}},
		{"latest", graph.QuoteFilter{Order: graph.OrderNewest}},
	}
	for _, bc := range searches {
		b.Run(bc.name, func(b *testing.B) {
			var lat latencies
			var info graph.PageInfo
			st.Quotes(ctx, bc.f, graph.Page{First: 20}) // warm
			for b.Loop() {
				lat.time(func() {
					_, info, err = st.Quotes(ctx, bc.f, graph.Page{First: 20})
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			lat.report(b)
			b.ReportMetric(float64(info.TotalCount), "matches")
		})
	}
	stats := []struct {
		name     string
		dim      graph.Dimension
		from, to time.Time
	}{
		{"stats/speakers-month", graph.BySpeaker, feb, febEnd},
		{"stats/speakers-year", graph.BySpeaker, date("2025-01-01"), date("2025-12-31")},
		{"stats/speakers-ragged", graph.BySpeaker, date("2024-02-10"), date("2025-11-20")},
		{"stats/venues-all", graph.ByVenue, time.Time{}, time.Time{}},
	}
	for _, bc := range stats {
		b.Run(bc.name, func(b *testing.B) {
			var lat latencies
			st.QuotesBy(ctx, bc.dim, bc.from, bc.to, 10) // warm
			for b.Loop() {
				lat.time(func() { _, err = st.QuotesBy(ctx, bc.dim, bc.from, bc.to, 10) })
				if err != nil {
					b.Fatal(err)
				}
			}
			lat.report(b)
		})
	}
	timelines := []struct {
		name string
		f    graph.QuoteFilter
		iv   graph.Interval
	}{
		{"timeline/speaker-days", graph.QuoteFilter{SpeakerIDs: []uuid.UUID{sp.ID}}, graph.Day},
		{"timeline/all-weeks", graph.QuoteFilter{}, graph.Week},
		{"timeline/search-months", graph.QuoteFilter{Search: "peace talks"}, graph.Month},
	}
	for _, bc := range timelines {
		b.Run(bc.name, func(b *testing.B) {
			var lat latencies
			st.Timeline(ctx, bc.f, bc.iv) // warm
			for b.Loop() {
				lat.time(func() { _, err = st.Timeline(ctx, bc.f, bc.iv) })
				if err != nil {
					b.Fatal(err)
				}
			}
			lat.report(b)
		})
	}
}
