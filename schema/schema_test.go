package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// seed is the test graph: three articles by two outlets, quoting five
// speakers, two of them named Lavrov, at three venues.
var seed = []struct {
	url, title, outlet, published, text string
	quotes                              []seedQuote
}{
	{
		url:       "https://example.com/2025/02/17/talks",
		title:     "Lavrov rules out concessions before talks",
		outlet:    "Example Wire",
		published: "2025-02-17",
		text: `Russia's foreign minister Sergei Lavrov said on Monday: "We will not give up what is ours." ` +
			`Kremlin spokesman Dmitry Peskov told Channel One that "the talks are a first step." ` +
			`"Nobody is talking about a ceasefire yet," Lavrov added at the press conference.`,
		quotes: []seedQuote{
			{text: "We will not give up what is ours.", speaker: "Sergei Lavrov", titles: []string{"foreign minister"}, cue: "said", mention: "Sergei Lavrov", venue: "press conference", venueKind: graph.VenueEvent},
			{text: "the talks are a first step.", speaker: "Dmitry Peskov", titles: []string{"Kremlin spokesman"}, cue: "told", mention: "Dmitry Peskov", venue: "Channel One", venueKind: graph.VenueBroadcast, kind: graph.KindPartial},
			{text: "Nobody is talking about a ceasefire yet,", speaker: "Sergei Lavrov", cue: "added", mention: "Lavrov", venue: "press conference", venueKind: graph.VenueEvent},
		},
	},
	{
		url:       "https://example.com/2025/02/18/farm",
		title:     "A farmer named Lavrov",
		outlet:    "Example Daily",
		published: "2025-02-18",
		text: `Pavel Lavrov, who farms near Tver, said: "The harvest was the best in ten years." ` +
			`His neighbour Olga Lavrentyeva said "prices have never been lower."`,
		quotes: []seedQuote{
			{text: "The harvest was the best in ten years.", speaker: "Pavel Lavrov", cue: "said", mention: "Pavel Lavrov"},
			{text: "prices have never been lower.", speaker: "Olga Lavrentyeva", cue: "said", mention: "Olga Lavrentyeva", kind: graph.KindPartial},
		},
	},
	{
		url:       "https://example.com/2025/03/01/trade",
		title:     "Šefčovič on tariffs",
		outlet:    "Example Wire",
		published: "2025-03-01T14:30:00Z",
		text:      `Trade commissioner Maroš Šefčovič said in an interview with Example Radio: "Tariffs are taxes on our own consumers."`,
		quotes: []seedQuote{
			{text: "Tariffs are taxes on our own consumers.", speaker: "Maroš Šefčovič", titles: []string{"trade commissioner"}, cue: "said", mention: "Maroš Šefčovič", venue: "Example Radio", venueKind: graph.VenueInterview},
		},
	},
}

type seedQuote struct {
	text, kind, speaker, cue, mention, venue, venueKind string
	titles                                              []string
}

// runeSpan finds sub in text as a span of code points.
func runeSpan(t testing.TB, text, sub string) *graph.Span {
	t.Helper()
	i := strings.Index(text, sub)
	if i < 0 {
		t.Fatalf("%q not in the text", sub)
	}
	start := utf8.RuneCountInString(text[:i])
	return &graph.Span{Start: start, End: start + utf8.RuneCountInString(sub)}
}

// openStore opens an in-memory store that checks itself and closes when
// the test ends.
func openStore(t testing.TB) *graph.Store {
	t.Helper()
	return graphtest.Open(t)
}

// seedStore writes the seed articles with their quotes, bypassing the
// extractor so that the tests do not depend on what it finds.
func seedStore(t testing.TB, st *graph.Store) {
	t.Helper()
	for _, a := range seed {
		pub, err := parseTime("published", a.published, false)
		if err != nil {
			t.Fatal(err)
		}
		in := graph.ArticleInput{URL: a.url, Title: a.title, Outlet: a.outlet, Published: pub, Text: a.text}
		for _, q := range a.quotes {
			kind := q.kind
			if kind == "" {
				kind = graph.KindDirect
			}
			qi := graph.QuoteInput{
				Text:        q.text,
				Kind:        kind,
				Spans:       []graph.Span{*runeSpan(t, a.text, q.text)},
				Cue:         q.cue,
				CueSpan:     runeSpan(t, a.text, q.cue),
				Mention:     q.mention,
				MentionSpan: runeSpan(t, a.text, q.mention),
				Confidence:  0.9,
				Speaker:     &graph.SpeakerRef{Name: q.speaker, Titles: q.titles},
			}
			if q.venue != "" {
				qi.Venue = &graph.VenueRef{Name: q.venue, Kind: q.venueKind}
			}
			in.Quotes = append(in.Quotes, qi)
		}
		if _, err := st.PutArticle(t.Context(), in); err != nil {
			t.Fatalf("seed %s: %v", a.url, err)
		}
	}
}

// newSchema returns a schema over a seeded in-memory store, logging to
// the test.
func newSchema(t testing.TB, opts ...Option) *Schema {
	t.Helper()
	st := openStore(t)
	seedStore(t, st)
	s, err := New(st, testLogger(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// gqlError is an error of a response as the tests read it.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// post sends a GraphQL request through the HTTP handler and returns the
// response with its status.
func post(t *testing.T, s *Schema, query string, vars map[string]any) (gqlResponse, int) {
	t.Helper()
	body, err := json.Marshal(Request{Query: query, Variables: vars})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return serve(t, s, r)
}

func serve(t *testing.T, s *Schema, r *http.Request) (gqlResponse, int) {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", r.Method, r.URL, ct)
	}
	var resp gqlResponse
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatalf("%s %s: response %q: %v", r.Method, r.URL, w.Body.String(), err)
	}
	return resp, w.Code
}

// query runs a query that must succeed and decodes its data into out.
func query(t *testing.T, s *Schema, q string, vars map[string]any, out any) {
	t.Helper()
	resp, status := post(t, s, q, vars)
	if status != http.StatusOK || len(resp.Errors) > 0 {
		t.Fatalf("query %s: status %d, errors %+v", q, status, resp.Errors)
	}
	if err := json.Unmarshal(resp.Data, out); err != nil {
		t.Fatalf("query %s: data %s: %v", q, resp.Data, err)
	}
}

// texts are the quote texts of a quote connection.
type quoteConn struct {
	TotalCount int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage     bool    `json:"hasNextPage"`
		EndCursor       *string `json:"endCursor"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
	} `json:"pageInfo"`
	Edges []struct {
		Cursor string `json:"cursor"`
		Node   struct {
			Text string `json:"text"`
		} `json:"node"`
	} `json:"edges"`
}

func (c quoteConn) texts() []string {
	out := []string{}
	for _, e := range c.Edges {
		out = append(out, e.Node.Text)
	}
	return out
}

const quoteConnFields = `totalCount pageInfo { hasNextPage endCursor hasPreviousPage startCursor } edges { cursor node { text } }`

func TestQuotesFilters(t *testing.T) {
	s := newSchema(t)
	const (
		ours    = "We will not give up what is ours."
		step    = "the talks are a first step."
		nobody  = "Nobody is talking about a ceasefire yet,"
		harvest = "The harvest was the best in ten years."
		prices  = "prices have never been lower."
		tariffs = "Tariffs are taxes on our own consumers."
	)
	tests := []struct {
		name string
		args string
		want []string
	}{
		{"all", ``, []string{ours, step, nobody, harvest, prices, tariffs}},
		{"full name", `speaker: "Sergei Lavrov"`, []string{ours, nobody}},
		{"surname takes every speaker with it", `speaker: "Lavrov"`, []string{ours, nobody, harvest}},
		{"case and diacritics", `speaker: "sefcovic"`, []string{tariffs}},
		{"prefix is not a name", `speaker: "Lav"`, []string{}},
		{"nobody", `speaker: "Nobody Atall"`, []string{}},
		{"venue", `venue: "press conference"`, []string{ours, nobody}},
		{"venue word", `venue: "radio"`, []string{tariffs}},
		{"speaker and venue", `speaker: "Peskov", venue: "Channel One"`, []string{step}},
		{"speaker and other venue", `speaker: "Peskov", venue: "press conference"`, []string{}},
		{"search", `search: "ceasefire"`, []string{nobody}},
		{"from date", `from: "2025-02-18"`, []string{harvest, prices, tariffs}},
		{"to date includes the day", `to: "2025-02-18"`, []string{ours, step, nobody, harvest, prices}},
		{"one day", `from: "2025-02-17", to: "2025-02-17"`, []string{ours, step, nobody}},
		{"to RFC 3339", `to: "2025-03-01T14:29:59Z"`, []string{ours, step, nobody, harvest, prices}},
		{"from RFC 3339 with offset", `from: "2025-03-01T15:30:00+01:00"`, []string{tariffs}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := `{ quotes` + maybeArgs(tt.args) + ` { ` + quoteConnFields + ` } }`
			var data struct{ Quotes quoteConn }
			query(t, s, q, nil, &data)
			if diff := cmp.Diff(tt.want, data.Quotes.texts()); diff != "" {
				t.Errorf("%s: texts (-want +got):\n%s", q, diff)
			}
			if data.Quotes.TotalCount != len(tt.want) {
				t.Errorf("%s: totalCount %d, want %d", q, data.Quotes.TotalCount, len(tt.want))
			}
		})
	}
}

func maybeArgs(args string) string {
	if args == "" {
		return ""
	}
	return "(" + args + ")"
}

func TestQuoteFields(t *testing.T) {
	s := newSchema(t)
	var data struct {
		Quotes struct {
			Edges []struct {
				Node map[string]any
			}
		}
	}
	query(t, s, `{ quotes(speaker: "Peskov") { edges { node {
		text kind spans { start end } cue cueSpan { start end } confidence mention published
		speaker { name titles aliases }
		venue { name kind }
		article { title url published outlet contentHash }
	} } } }`, nil, &data)
	if len(data.Quotes.Edges) != 1 {
		t.Fatalf("got %d quotes, want 1", len(data.Quotes.Edges))
	}
	text := seed[0].text
	sp := runeSpan(t, text, "the talks are a first step.")
	cue := runeSpan(t, text, "told")
	got := data.Quotes.Edges[0].Node
	delete(got["article"].(map[string]any), "contentHash")
	want := map[string]any{
		"text":       "the talks are a first step.",
		"kind":       "partial",
		"spans":      []any{map[string]any{"start": float64(sp.Start), "end": float64(sp.End)}},
		"cue":        "told",
		"cueSpan":    map[string]any{"start": float64(cue.Start), "end": float64(cue.End)},
		"confidence": 0.9,
		"mention":    "Dmitry Peskov",
		"published":  "2025-02-17",
		"speaker":    map[string]any{"name": "Dmitry Peskov", "titles": []any{"Kremlin spokesman"}, "aliases": []any{}},
		"venue":      map[string]any{"name": "Channel One", "kind": "broadcast"},
		"article": map[string]any{
			"title":     seed[0].title,
			"url":       seed[0].url,
			"published": "2025-02-17",
			"outlet":    "Example Wire",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("quote (-want +got):\n%s", diff)
	}

	// A quote whose article says no venue has a null venue; an RFC 3339
	// date that is not midnight is given in full.
	var data2 struct {
		Quotes struct {
			Edges []struct {
				Node struct {
					Venue     *struct{ Name string }
					Published string
				}
			}
		}
	}
	query(t, s, `{ quotes(speaker: "Pavel Lavrov") { edges { node { venue { name } published } } } }`, nil, &data2)
	if len(data2.Quotes.Edges) != 1 || data2.Quotes.Edges[0].Node.Venue != nil {
		t.Errorf("Pavel Lavrov's quote: %+v, want one with no venue", data2.Quotes.Edges)
	}
	query(t, s, `{ quotes(speaker: "Šefčovič") { edges { node { venue { name } published } } } }`, nil, &data2)
	if len(data2.Quotes.Edges) != 1 || data2.Quotes.Edges[0].Node.Published != "2025-03-01T14:30:00Z" {
		t.Errorf("Šefčovič's quote: %+v, want published 2025-03-01T14:30:00Z", data2.Quotes.Edges)
	}
}

func TestSpeaker(t *testing.T) {
	s := newSchema(t)
	type speaker struct {
		ID     string
		Name   string
		Titles []string
		Quotes quoteConn
		Venues []struct{ Name, Kind string }
	}
	const fields = `{ id name titles quotes(first: 10) { ` + quoteConnFields + ` } venues { name kind } }`
	var byName struct{ Speaker *speaker }
	query(t, s, `{ speaker(name: "Sergei Lavrov") `+fields+` }`, nil, &byName)
	if byName.Speaker == nil {
		t.Fatal("speaker(name: Sergei Lavrov) is null")
	}
	sp := byName.Speaker
	if diff := cmp.Diff([]string{"We will not give up what is ours.", "Nobody is talking about a ceasefire yet,"}, sp.Quotes.texts()); diff != "" {
		t.Errorf("quotes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]struct{ Name, Kind string }{{"press conference", "event"}}, sp.Venues); diff != "" {
		t.Errorf("venues (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"foreign minister"}, sp.Titles); diff != "" {
		t.Errorf("titles (-want +got):\n%s", diff)
	}

	var byID struct{ Speaker *speaker }
	query(t, s, `query($id: ID) { speaker(id: $id) `+fields+` }`, map[string]any{"id": sp.ID}, &byID)
	if diff := cmp.Diff(sp, byID.Speaker); diff != "" {
		t.Errorf("speaker by id differs from by name (-name +id):\n%s", diff)
	}

	var none struct{ Speaker *speaker }
	query(t, s, `{ speaker(name: "Nobody Atall") { id } }`, nil, &none)
	if none.Speaker != nil {
		t.Errorf("speaker(name: Nobody Atall) = %+v, want null", none.Speaker)
	}
}

func TestSpeakersAndVenues(t *testing.T) {
	s := newSchema(t)
	names := func(field, args string) []string {
		t.Helper()
		var data map[string]struct {
			TotalCount int
			Edges      []struct{ Node struct{ Name string } }
		}
		query(t, s, `{ `+field+maybeArgs(args)+` { totalCount edges { node { name } } } }`, nil, &data)
		out := []string{}
		for _, e := range data[field].Edges {
			out = append(out, e.Node.Name)
		}
		if data[field].TotalCount != len(out) {
			t.Errorf("%s(%s): totalCount %d, %d edges", field, args, data[field].TotalCount, len(out))
		}
		return out
	}
	tests := []struct {
		field, args string
		want        []string
	}{
		{"speakers", ``, []string{"Dmitry Peskov", "Maroš Šefčovič", "Olga Lavrentyeva", "Pavel Lavrov", "Sergei Lavrov"}},
		{"speakers", `name: "lav"`, []string{"Olga Lavrentyeva", "Pavel Lavrov", "Sergei Lavrov"}},
		{"speakers", `name: "Sergei Lavrov"`, []string{"Sergei Lavrov"}},
		{"speakers", `name: "nobody"`, []string{}},
		{"venues", ``, []string{"Channel One", "Example Radio", "press conference"}},
		{"venues", `name: "chan"`, []string{"Channel One"}},
	}
	for _, tt := range tests {
		got := names(tt.field, tt.args)
		// The store orders names; the tests care about the set.
		if diff := cmp.Diff(tt.want, got, cmpSorted); diff != "" {
			t.Errorf("%s(%s) (-want +got):\n%s", tt.field, tt.args, diff)
		}
	}
}

var cmpSorted = cmp.Transformer("sorted", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

func TestArticlesOutletsCounts(t *testing.T) {
	s := newSchema(t)
	var data struct {
		Articles struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Title, Outlet, Published string
					Quotes                   struct{ TotalCount int }
				}
			}
		}
		Outlets struct {
			Edges []struct{ Node struct{ Name string } }
		}
		Counts graph.Counts
	}
	query(t, s, `{
		articles { totalCount edges { node { title outlet published quotes { totalCount } } } }
		outlets { edges { node { name } } }
		counts { articles quotes speakers venues outlets }
	}`, nil, &data)
	type art struct {
		Title, Outlet, Published string
		Quotes                   int
	}
	var got []art
	for _, e := range data.Articles.Edges {
		got = append(got, art{e.Node.Title, e.Node.Outlet, e.Node.Published, e.Node.Quotes.TotalCount})
	}
	want := []art{
		{seed[0].title, "Example Wire", "2025-02-17", 3},
		{seed[1].title, "Example Daily", "2025-02-18", 2},
		{seed[2].title, "Example Wire", "2025-03-01T14:30:00Z", 1},
	}
	less := func(a, b art) bool { return a.Title < b.Title }
	if diff := cmp.Diff(want, got, cmpSortSlice(less)); diff != "" {
		t.Errorf("articles (-want +got):\n%s", diff)
	}
	var outlets []string
	for _, e := range data.Outlets.Edges {
		outlets = append(outlets, e.Node.Name)
	}
	if diff := cmp.Diff([]string{"Example Daily", "Example Wire"}, outlets, cmpSorted); diff != "" {
		t.Errorf("outlets (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(graph.Counts{Articles: 3, Quotes: 6, Speakers: 5, Venues: 3, Outlets: 2}, data.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

func cmpSortSlice[T any](less func(a, b T) bool) cmp.Option {
	return cmp.Transformer("sorted", func(in []T) []T {
		out := append([]T(nil), in...)
		for i := range out {
			for j := i + 1; j < len(out); j++ {
				if less(out[j], out[i]) {
					out[i], out[j] = out[j], out[i]
				}
			}
		}
		return out
	})
}

func TestPagination(t *testing.T) {
	s := newSchema(t)
	var all struct{ Quotes quoteConn }
	query(t, s, `{ quotes(first: 100) { `+quoteConnFields+` } }`, nil, &all)
	want := all.Quotes.texts()
	if len(want) != 6 || all.Quotes.PageInfo.HasNextPage {
		t.Fatalf("first 100: %d quotes, hasNextPage %v", len(want), all.Quotes.PageInfo.HasNextPage)
	}

	for _, size := range []int{1, 2, 4, 6} {
		t.Run("endCursor/"+strconv.Itoa(size), func(t *testing.T) {
			var got []string
			var after any
			for page := 0; ; page++ {
				if page > 10 {
					t.Fatal("pages do not end")
				}
				var data struct{ Quotes quoteConn }
				query(t, s, `query($first: Int, $after: String) { quotes(first: $first, after: $after) { `+quoteConnFields+` } }`,
					map[string]any{"first": size, "after": after}, &data)
				c := data.Quotes
				if c.TotalCount != 6 {
					t.Errorf("page %d: totalCount %d, want 6", page, c.TotalCount)
				}
				if len(c.Edges) > size {
					t.Errorf("page %d: %d edges, more than %d", page, len(c.Edges), size)
				}
				got = append(got, c.texts()...)
				if len(c.Edges) > 0 && (c.PageInfo.EndCursor == nil || *c.PageInfo.EndCursor != c.Edges[len(c.Edges)-1].Cursor) {
					t.Errorf("page %d: endCursor %v is not the last edge's cursor", page, c.PageInfo.EndCursor)
				}
				if len(c.Edges) > 0 && (c.PageInfo.StartCursor == nil || *c.PageInfo.StartCursor != c.Edges[0].Cursor) {
					t.Errorf("page %d: startCursor %v is not the first edge's cursor", page, c.PageInfo.StartCursor)
				}
				if c.PageInfo.HasPreviousPage != (page > 0) {
					t.Errorf("page %d: hasPreviousPage %v", page, c.PageInfo.HasPreviousPage)
				}
				if !c.PageInfo.HasNextPage {
					break
				}
				after = *c.PageInfo.EndCursor
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pages of %d (-want +got):\n%s", size, diff)
			}
		})
	}

	// Every edge's cursor resumes right after that edge.
	for i, e := range all.Quotes.Edges {
		var data struct{ Quotes quoteConn }
		query(t, s, `query($after: String) { quotes(first: 2, after: $after) { `+quoteConnFields+` } }`,
			map[string]any{"after": e.Cursor}, &data)
		end := min(i+3, len(want))
		if diff := cmp.Diff(want[i+1:end], data.Quotes.texts()); diff != "" {
			t.Errorf("after edge %d (-want +got):\n%s", i, diff)
		}
		if data.Quotes.PageInfo.HasNextPage != (end < len(want)) {
			t.Errorf("after edge %d: hasNextPage %v", i, data.Quotes.PageInfo.HasNextPage)
		}
	}

	// Nested connections page too.
	var sp struct {
		Speaker struct{ Quotes quoteConn }
	}
	query(t, s, `{ speaker(name: "Sergei Lavrov") { quotes(first: 1) { `+quoteConnFields+` } } }`, nil, &sp)
	if c := sp.Speaker.Quotes; len(c.Edges) != 1 || !c.PageInfo.HasNextPage || c.TotalCount != 2 {
		t.Fatalf("first page of Lavrov's quotes: %+v", c)
	}
	query(t, s, `query($after: String) { speaker(name: "Sergei Lavrov") { quotes(first: 1, after: $after) { `+quoteConnFields+` } } }`,
		map[string]any{"after": *sp.Speaker.Quotes.PageInfo.EndCursor}, &sp)
	if diff := cmp.Diff([]string{"Nobody is talking about a ceasefire yet,"}, sp.Speaker.Quotes.texts()); diff != "" || sp.Speaker.Quotes.PageInfo.HasNextPage {
		t.Errorf("second page of Lavrov's quotes (-want +got):\n%s", diff)
	}

	// first: 0 tells the total and whether there is anything.
	var zero struct{ Quotes quoteConn }
	query(t, s, `{ quotes(first: 0) { `+quoteConnFields+` } }`, nil, &zero)
	if len(zero.Quotes.Edges) != 0 || !zero.Quotes.PageInfo.HasNextPage || zero.Quotes.TotalCount != 6 {
		t.Errorf("first: 0 = %+v", zero.Quotes)
	}
}

func TestNode(t *testing.T) {
	s := newSchema(t)
	var data struct {
		Quotes struct {
			Edges []struct {
				Node struct {
					ID      string
					Speaker struct{ ID string }
					Venue   struct{ ID string }
					Article struct {
						ID       string
						OutletID string
					}
				}
			}
		}
	}
	query(t, s, `{ quotes(speaker: "Peskov") { edges { node { id speaker { id } venue { id } article { id outletId } } } } }`, nil, &data)
	n := data.Quotes.Edges[0].Node
	tests := []struct {
		id, typename, field string
		want                any
	}{
		{n.ID, "Quote", "text", "the talks are a first step."},
		{n.Speaker.ID, "Speaker", "name", "Dmitry Peskov"},
		{n.Venue.ID, "Venue", "name", "Channel One"},
		{n.Article.ID, "Article", "title", seed[0].title},
		{n.Article.OutletID, "Outlet", "name", "Example Wire"},
	}
	for _, tt := range tests {
		var got struct{ Node map[string]any }
		query(t, s, `query($id: ID!) { node(id: $id) { __typename id
			... on Quote { text } ... on Speaker { name } ... on Venue { name } ... on Article { title } ... on Outlet { name } } }`,
			map[string]any{"id": tt.id}, &got)
		want := map[string]any{"__typename": tt.typename, "id": tt.id, tt.field: tt.want}
		if diff := cmp.Diff(want, got.Node); diff != "" {
			t.Errorf("node(%s) (-want +got):\n%s", tt.id, diff)
		}
		// The typed lookups take the same id.
		field := strings.ToLower(tt.typename)
		var typed map[string]map[string]any
		query(t, s, `query($id: ID!) { `+field+`(id: $id) { id } }`, map[string]any{"id": tt.id}, &typed)
		if typed[field]["id"] != tt.id {
			t.Errorf("%s(id: %s) = %v", field, tt.id, typed[field])
		}
	}

	// A well-formed id of nothing is null, not an error.
	var none struct{ Node any }
	query(t, s, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": encodeID(typeSpeaker, [16]byte{1})}, &none)
	if none.Node != nil {
		t.Errorf("node of an unknown id = %v, want null", none.Node)
	}
}

func TestBadInput(t *testing.T) {
	s := newSchema(t)
	speakerID := encodeID(typeSpeaker, [16]byte{1})
	tests := []struct {
		name, query string
		vars        map[string]any
		want        string // the message starts with it
	}{
		{"garbage id", `{ node(id: "nope") { id } }`, nil, `invalid id "nope"`},
		{"empty id", `{ node(id: "") { id } }`, nil, "invalid id: empty"},
		{"id of another type", `query($id: ID!) { quote(id: $id) { id } }`, map[string]any{"id": speakerID}, "id: invalid id: a Speaker id, not a Quote id"},
		{"bad cursor", `{ quotes(after: "xyz") { totalCount } }`, nil, "after: invalid cursor"},
		{"cursor of another list", `query($c: String) { quotes(after: $c) { totalCount } }`, map[string]any{"c": encodeCursor(cursor{kind: typeSpeaker, pos: "x"})}, "after: invalid cursor: not a cursor of this list"},
		{"forged store cursor", `query($c: String) { quotes(after: $c) { totalCount } }`, map[string]any{"c": encodeCursor(cursor{kind: typeQuote, pos: "bogus"})}, "after: invalid cursor"},
		{"bad from", `{ quotes(from: "yesterday") { totalCount } }`, nil, `from: not an ISO 8601 date: "yesterday"`},
		{"bad to", `{ quotes(to: "2025-02-30") { totalCount } }`, nil, `to: not an ISO 8601 date: "2025-02-30"`},
		{"from after to", `{ quotes(from: "2025-03-01", to: "2025-02-01") { totalCount } }`, nil, "from: later than to"},
		{"first too large", `{ quotes(first: 1000) { totalCount } }`, nil, "first: must be between 0 and 100, not 1000"},
		{"first negative", `{ speakers(first: -1) { totalCount } }`, nil, "first: must be between 0 and 100, not -1"},
		{"speaker without id or name", `{ speaker { id } }`, nil, "speaker: give id or name"},
		{"speaker with both", `query($id: ID) { speaker(id: $id, name: "x") { id } }`, map[string]any{"id": speakerID}, "speaker: give id or name, not both"},
		{"empty speaker name", `{ quotes(speaker: " ") { totalCount } }`, nil, "speaker: must not be empty"},
		{"empty text", `mutation { ingestArticle(input: {text: "  "}) { created } }`, nil, "input.text: must not be empty"},
		{"bad published", `mutation { ingestArticle(input: {text: "x", published: "17/02/2025"}) { created } }`, nil, "input.published: not an ISO 8601 date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, status := post(t, s, tt.query, tt.vars)
			if status != http.StatusOK {
				t.Errorf("status %d, want 200", status)
			}
			if len(resp.Errors) != 1 {
				t.Fatalf("errors %+v, want one", resp.Errors)
			}
			e := resp.Errors[0]
			if !strings.HasPrefix(e.Message, tt.want) {
				t.Errorf("message %q, want it to start with %q", e.Message, tt.want)
			}
			if e.Extensions["code"] != codeBadInput {
				t.Errorf("code %v, want %s", e.Extensions["code"], codeBadInput)
			}
			if len(e.Path) == 0 {
				t.Errorf("error has no path")
			}
		})
	}
}

func TestInternalErrorsAreHidden(t *testing.T) {
	st := openStore(t)
	seedStore(t, st)
	var logs bytes.Buffer
	s, err := New(st, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	resp, status := post(t, s, `{ counts { quotes } speakers { totalCount } }`, nil)
	if status != http.StatusOK {
		t.Errorf("status %d, want 200", status)
	}
	if len(resp.Errors) == 0 {
		t.Fatal("no errors from a closed store")
	}
	for _, e := range resp.Errors {
		if e.Message != "internal error" || e.Extensions["code"] != codeInternal {
			t.Errorf("error %+v, want internal error", e)
		}
	}
	if string(resp.Data) != "null" {
		t.Errorf("data %s, want null", resp.Data)
	}
	if !strings.Contains(logs.String(), "closed") {
		t.Errorf("the log does not tell the cause: %s", logs.String())
	}
}

func TestIngestArticle(t *testing.T) {
	s := newSchema(t)
	const m = `mutation($in: ArticleInput!) { ingestArticle(input: $in) {
		created unchanged replaced quotes article { id title url outlet published contentHash } } }`
	type result struct {
		Created, Unchanged, Replaced bool
		Quotes                       int
		Article                      struct {
			ID, Title, URL, Outlet, Published, ContentHash string
		}
	}
	in := map[string]any{
		"url":       "https://example.com/2025/04/02/new",
		"title":     "New article",
		"outlet":    "Example Wire",
		"published": "2025-04-02",
		"text":      `The minister said: "We are ready to talk." Nothing else was said.`,
	}
	ingestOnce := func() result {
		t.Helper()
		var data struct{ IngestArticle result }
		query(t, s, m, map[string]any{"in": in}, &data)
		return data.IngestArticle
	}
	first := ingestOnce()
	if !first.Created || first.Unchanged || first.Replaced {
		t.Errorf("first ingest: %+v, want created", first)
	}
	if first.Article.Title != "New article" || first.Article.Published != "2025-04-02" || first.Article.Outlet != "Example Wire" || len(first.Article.ContentHash) != 64 {
		t.Errorf("first ingest: article %+v", first.Article)
	}

	again := ingestOnce()
	if again.Created || !again.Unchanged || again.Replaced {
		t.Errorf("re-ingest: %+v, want unchanged", again)
	}
	if again.Article.ID != first.Article.ID {
		t.Errorf("re-ingest: article id %s, want %s", again.Article.ID, first.Article.ID)
	}

	in["text"] = `The minister said: "We are ready to talk, but not today."`
	changed := ingestOnce()
	if changed.Created || changed.Unchanged || !changed.Replaced {
		t.Errorf("ingest of new text at the same URL: %+v, want replaced", changed)
	}

	var counts struct{ Counts graph.Counts }
	query(t, s, `{ counts { articles } }`, nil, &counts)
	if counts.Counts.Articles != len(seed)+1 {
		t.Errorf("articles after ingest: %d, want %d", counts.Counts.Articles, len(seed)+1)
	}
	var node struct{ Node struct{ Title string } }
	query(t, s, `query($id: ID!) { node(id: $id) { ... on Article { title } } }`, map[string]any{"id": first.Article.ID}, &node)
	if node.Node.Title != "New article" {
		t.Errorf("node(ingested article) title %q", node.Node.Title)
	}
}

func TestTimeout(t *testing.T) {
	s := newSchema(t, WithLimits(Limits{Timeout: time.Nanosecond}))
	resp, status := post(t, s, `{ quotes { totalCount } }`, nil)
	if status != http.StatusOK || len(resp.Errors) == 0 {
		t.Fatalf("status %d, errors %+v; want 200 with an error", status, resp.Errors)
	}
	if e := resp.Errors[0]; e.Message != "request timed out" || e.Extensions["code"] != codeTimeout {
		t.Errorf("error %+v, want request timed out", e)
	}
}

func TestDo(t *testing.T) {
	s := newSchema(t)
	resp := s.Do(context.Background(), Request{Query: `{ counts { speakers } }`})
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	b, _ := json.Marshal(resp)
	if got, want := string(b), `{"data":{"counts":{"speakers":5}}}`; got != want {
		t.Errorf("Do = %s, want %s", got, want)
	}
}

func TestFieldOrder(t *testing.T) {
	s := newSchema(t)
	resp, _ := post(t, s, `{ z: counts { venues articles } quotes(first: 1, speaker: "Peskov") { edges { node { text ...q kind b: text } } totalCount } }
		fragment q on Quote { speaker { name } article { title } }`, nil)
	want := `{"z":{"venues":3,"articles":3},"quotes":{"edges":[{"node":{"text":"the talks are a first step.","speaker":{"name":"Dmitry Peskov"},"article":{"title":"Lavrov rules out concessions before talks"},"kind":"partial","b":"the talks are a first step."}}],"totalCount":1}}`
	if got := string(resp.Data); got != want {
		t.Errorf("data\n%s\nwant\n%s", got, want)
	}
}
