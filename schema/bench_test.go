package schema

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// BenchmarkQuotes runs a page of quotes with their speakers, venues and
// articles through the HTTP handler, as the playground would.
func BenchmarkQuotes(b *testing.B) {
	st := openStore(b)
	// 50 articles of 4 quotes by 10 speakers at 5 venues.
	for i := range 50 {
		text := `He said "one", then "two", later "three" and finally "four".`
		in := graph.ArticleInput{URL: "https://example.com/" + strconv.Itoa(i), Title: "Article " + strconv.Itoa(i), Outlet: "Example Wire", Text: text}
		for j, q := range []string{"one", "two", "three", "four"} {
			in.Quotes = append(in.Quotes, graph.QuoteInput{
				Text: q, Kind: graph.KindDirect, Confidence: 0.5,
				Speaker: &graph.SpeakerRef{Name: "Speaker " + strconv.Itoa((i+j)%10)},
				Venue:   &graph.VenueRef{Name: "Venue " + strconv.Itoa(i%5), Kind: graph.VenueEvent},
			})
		}
		if _, err := st.PutArticle(b.Context(), in); err != nil {
			b.Fatal(err)
		}
	}
	s, err := New(st, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, first := range []int{10, 100} {
		b.Run("first="+strconv.Itoa(first), func(b *testing.B) {
			body, _ := json.Marshal(Request{Query: `query($n: Int) { quotes(first: $n) { totalCount edges { cursor node {
				id text kind confidence speaker { id name } venue { name kind } article { title published } } } } }`,
				Variables: map[string]any{"n": first}})
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				s.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

// BenchmarkLarge runs the dashboard's queries through the HTTP handler on
// a store of 100,000 generated articles (about 500,000 quotations; built
// once and cached by graphtest.LargeStore), and reports the median and
// 99th percentile of their latency.
func BenchmarkLarge(b *testing.B) {
	st := graphtest.LargeStore(b, 100_000)
	s, err := New(st.Store, nil)
	if err != nil {
		b.Fatal(err)
	}
	queries := []struct{ name, query string }{
		{"search", `{ quotes(search: "peace talks", orderBy: RELEVANCE, first: 20) {
			totalCount edges { node { text kind speaker { name } article { title outlet } } } } }`},
		{"search+filters", `{ quotes(search: "ukraine", speaker: "` + st.TopSpeaker + `", kind: ["direct", "partial"],
			minConfidence: 0.5, from: "2025-01-01", to: "2025-06-30", orderBy: NEWEST, first: 20) {
			totalCount edges { node { text published speaker { name } } } } }`},
		{"stats", `{ stats { quotesBy(field: SPEAKER, from: "2025-02-01", to: "2025-02-28", first: 10) { key label count } } }`},
		{"stats-year", `{ stats { total(from: "2025-01-01", to: "2025-12-31")
			quotesBy(field: VENUE, from: "2025-01-01", to: "2025-12-31", first: 10) { key label count } } }`},
		{"timeline", `{ timeline(interval: DAY, speaker: "` + st.TopSpeaker + `", from: "2025-01-01", to: "2025-12-31") { start count } }`},
		{"timeline-all", `{ timeline(interval: WEEK) { start count } }`},
		{"latest", `{ quotes(orderBy: NEWEST, first: 15) { edges { node { id text kind confidence published
			speaker { id name } venue { name kind } article { title url outlet published } } } } }`},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			run := queryRunner(b, s, q.query)
			run() // a server answers warm: caches filled, code paged in
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				run()
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
		})
	}
}

// queryRunner returns a function that posts query to s through its HTTP
// handler and fails b unless it is answered without errors.
func queryRunner(b *testing.B, s *Schema, query string) func() {
	body, _ := json.Marshal(Request{Query: query})
	return func() {
		r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK || bytes.Contains(w.Body.Bytes(), []byte(`"errors"`)) {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
