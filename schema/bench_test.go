package schema

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/graphd/graphd/graph"
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
