package graph_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// searchCase is one quotation of the search fixture, in an article of its
// own.
type searchCase struct {
	text, speaker, venue, outlet, kind, date string
	conf                                     float64
}

// The search fixture: quotes whose ranking and matches can be worked out
// by hand.
var searchCorpus = []searchCase{
	{"We will never accept appeasement of aggression.", "Ana Silva", "", "Wire", graph.KindDirect, "2025-02-03", 0.9},
	{"Appeasement failed then; appeasement fails now.", "Ben Cole", "BBC", "Daily", graph.KindDirect, "2025-02-10", 0.85},
	{"The peace talks in Riyadh were constructive.", "Carl Diaz", "press conference", "Wire", graph.KindDirect, "2025-02-18", 0.9},
	{"Peace talks must include Ukraine.", "Ana Silva", "BBC", "Daily", graph.KindPartial, "2025-02-18", 0.6},
	{"We talked about peace for hours.", "Ben Cole", "", "Wire", graph.KindDirect, "2025-02-19", 0.9},
	{"Talking peace while shelling cities is not peace.", "Carl Diaz", "BBC", "Daily", graph.KindDirect, "2025-03-01", 0.9},
	{"The negotiations are progressing.", "Ana Silva", "", "Wire", graph.KindIndirect, "2025-03-02", 0.5},
	{"He negotiated a ceasefire.", "Dora Ek", "press conference", "Herald", graph.KindDirect, "2025-03-05", 0.9},
	{"A ceasefire is not peace.", "Dora Ek", "", "Herald", graph.KindIndirect, "2025-03-05", 0.4},
	{"Whatever happens in the coming weeks and months, and however long the road may be, " +
		"our people, our partners and our allies will go on working every single day for a just peace.",
		"Ana Silva", "BBC", "Daily", graph.KindDirect, "2025-03-10", 0.9},
}

// Short names of the fixture's quotes, in order.
const (
	sNever = iota
	sFailed
	sRiyadh
	sInclude
	sTalked
	sTalking
	sNegotiations
	sNegotiated
	sCeasefire
	sLong
)

func putSearchCorpus(t *testing.T, s *graph.Store) {
	t.Helper()
	for i, c := range searchCorpus {
		text := fmt.Sprintf("Report %d. %s said: \"%s\"", i, c.speaker, c.text)
		q := quoted(text, c.text, c.speaker, c.venue, graph.VenueBroadcast)
		if c.venue == "press conference" {
			q.Venue.Kind = graph.VenueEvent
		}
		q.Kind, q.Confidence = c.kind, c.conf
		put(t, s, graph.ArticleInput{
			URL: fmt.Sprintf("https://search.test/%d", i), Outlet: c.outlet,
			Published: date(c.date), Text: text, Quotes: []graph.QuoteInput{q},
		})
	}
}

// which names the fixture quotes of qs by their index.
func which(qs []graph.Quote) []int {
	out := []int{}
	for _, q := range qs {
		for i, c := range searchCorpus {
			if q.Text == c.text {
				out = append(out, i)
			}
		}
	}
	return out
}

func TestSearch(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	putSearchCorpus(t, s)
	ana := speakerID(t, s, "Ana Silva")
	bbc := venueID(t, s, "BBC")
	outlets, _, err := s.Outlets(ctx, graph.Page{})
	if err != nil {
		t.Fatal(err)
	}
	outlet := map[string]uuid.UUID{}
	for _, o := range outlets {
		outlet[o.Name] = o.ID
	}
	rel := graph.OrderRelevance
	tests := []struct {
		name string
		f    graph.QuoteFilter
		want []int
	}{
		// Relevance: two occurrences in a short quote beat one.
		{"term frequency", graph.QuoteFilter{Search: "appeasement", Order: rel}, []int{sFailed, sNever}},
		// Stems: talks, talked, talking are one word.
		{"stemming", graph.QuoteFilter{Search: "talks"}, []int{sRiyadh, sInclude, sTalked, sTalking}},
		// A phrase keeps the order and adjacency of its words.
		{"phrase", graph.QuoteFilter{Search: `"peace talks"`}, []int{sRiyadh, sInclude}},
		{"phrase of stems", graph.QuoteFilter{Search: `"talking peace"`}, []int{sTalking}},
		{"phrase with a stop word", graph.QuoteFilter{Search: `"not peace"`}, []int{sTalking, sCeasefire}},
		{"phrase out of order", graph.QuoteFilter{Search: `"Riyadh talks"`}, []int{}},
		{"phrase of other forms", graph.QuoteFilter{Search: `"peace talking"`}, []int{sRiyadh, sInclude}},
		{"phrase of other forms reversed", graph.QuoteFilter{Search: `"talks peace"`}, []int{sTalking}},
		// A prefix, explicit or the last word typed.
		{"prefix", graph.QuoteFilter{Search: "negotiat*"}, []int{sNegotiations, sNegotiated}},
		{"last word is a prefix", graph.QuoteFilter{Search: "ceasef"}, []int{sNegotiated, sCeasefire}},
		{"quoted word is no prefix", graph.QuoteFilter{Search: `"ceasef"`}, []int{}},
		// Exclusion.
		{"not", graph.QuoteFilter{Search: "peace -talks"}, []int{sCeasefire, sLong}},
		{"not a phrase", graph.QuoteFilter{Search: `peace -"peace talks"`}, []int{sTalked, sTalking, sCeasefire, sLong}},
		// Stop words are dropped when something else is left.
		{"stop words", graph.QuoteFilter{Search: "the appeasement of"}, []int{sNever}},
		// Length: twice in 8 words first; then once in 5 words (two quotes,
		// tied, by date), 6, 7, and last once in 36.
		{"length", graph.QuoteFilter{Search: "peace", Order: rel}, []int{sTalking, sInclude, sCeasefire, sTalked, sRiyadh, sLong}},
		// Filters combine with the search.
		{"speaker", graph.QuoteFilter{Search: "peace", SpeakerIDs: []uuid.UUID{ana}}, []int{sInclude, sLong}},
		{"venue", graph.QuoteFilter{Search: "peace", VenueIDs: []uuid.UUID{bbc}, Order: rel}, []int{sTalking, sInclude, sLong}},
		{"outlet", graph.QuoteFilter{Search: "peace", OutletIDs: []uuid.UUID{outlet["Wire"]}}, []int{sRiyadh, sTalked}},
		{"outlets", graph.QuoteFilter{OutletIDs: []uuid.UUID{outlet["Herald"], outlet["Wire"]}}, []int{sNever, sRiyadh, sTalked, sNegotiations, sNegotiated, sCeasefire}},
		{"kind", graph.QuoteFilter{Search: "peace", Kinds: []string{graph.KindPartial, graph.KindIndirect}}, []int{sInclude, sCeasefire}},
		{"kind alone", graph.QuoteFilter{Kinds: []string{graph.KindIndirect}}, []int{sNegotiations, sCeasefire}},
		{"confidence", graph.QuoteFilter{Search: "peace", MinConfidence: 0.6}, []int{sRiyadh, sInclude, sTalked, sTalking, sLong}},
		{"confidence alone", graph.QuoteFilter{MinConfidence: 0.55, Kinds: []string{graph.KindIndirect, graph.KindPartial}}, []int{sInclude}},
		{"dates", graph.QuoteFilter{Search: "peace", From: date("2025-02-19"), To: date("2025-03-05")}, []int{sTalked, sTalking, sCeasefire}},
		{"newest first", graph.QuoteFilter{Search: "peace", Order: graph.OrderNewest}, []int{sLong, sCeasefire, sTalking, sTalked, sInclude, sRiyadh}},
		{"newest in a range", graph.QuoteFilter{From: date("2025-02-18"), To: date("2025-02-19"), Order: graph.OrderNewest}, []int{sTalked, sInclude, sRiyadh}},
		{"newest of a speaker", graph.QuoteFilter{SpeakerIDs: []uuid.UUID{ana}, Order: graph.OrderNewest}, []int{sLong, sNegotiations, sInclude, sNever}},
		{"nothing", graph.QuoteFilter{Search: "zebra", Order: rel}, []int{}},
	}
	// The postings are in a segment an article, then merged into one.
	for _, stage := range []string{"segments", "merged"} {
		if stage == "merged" {
			if err := s.CompactSearch(ctx); err != nil {
				t.Fatal(err)
			}
			if st, err := s.SearchStats(ctx); err != nil || st.Segments != 1 {
				t.Fatalf("after CompactSearch: %+v, %v", st, err)
			}
		}
		for _, tt := range tests {
			t.Run(stage+"/"+tt.name, func(t *testing.T) {
				checkSearch(t, s, tt.f, tt.want)
			})
		}
	}
}

// checkSearch checks one query of TestSearch: the matches in order, every
// page size, a page without the total, and ParseSearch's matcher.
func checkSearch(t *testing.T, s *graph.Store, f graph.QuoteFilter, want []int) {
	t.Helper()
	ctx := t.Context()
	qs, info, err := s.Quotes(ctx, f, graph.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, which(qs)); diff != "" {
		t.Errorf("Quotes(%+v) (-want +got):\n%s", f, diff)
	}
	if info.TotalCount != len(want) {
		t.Errorf("TotalCount %d, want %d", info.TotalCount, len(want))
	}
	for _, size := range []int{1, 2, 4} {
		got, totals := pageAll(t, size, func(p graph.Page) ([]graph.Quote, graph.PageInfo, error) { return s.Quotes(ctx, f, p) })
		if diff := cmp.Diff(want, which(got)); diff != "" {
			t.Errorf("pages of %d (-want +got):\n%s", size, diff)
		}
		for _, n := range totals {
			if n != len(want) {
				t.Errorf("pages of %d: TotalCount %d", size, n)
			}
		}
	}
	qs2, info2, err := s.Quotes(ctx, f, graph.Page{SkipTotal: true, First: 2})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(which(qs)[:min(2, len(qs))], which(qs2)); diff != "" {
		t.Errorf("SkipTotal page (-want +got):\n%s", diff)
	}
	if f.Order != graph.OrderRelevance && info2.TotalCount != -1 && info2.TotalCount != len(want) {
		t.Errorf("SkipTotal: TotalCount %d", info2.TotalCount)
	}
	// The store's own matcher agrees with the index.
	if f.Search != "" && len(f.SpeakerIDs)+len(f.VenueIDs)+len(f.OutletIDs)+len(f.Kinds) == 0 && f.MinConfidence == 0 && f.From.IsZero() {
		m := graph.ParseSearch(f.Search)
		for i, c := range searchCorpus {
			if got, want := m.Match(c.text), slices.Contains(want, i); got != want {
				t.Errorf("Match(%q) = %v, index says %v", c.text, got, want)
			}
		}
	}
}

// Words in many quotes fill several blocks of many segments, merged as
// writes go (an in-memory store runs every merge in the write that calls
// for it); replaced and searched, they stay right (graphtest checks every
// segment).
func TestSegments(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	const n = 300
	var urls []string
	// Each article quotes its own statement by its own person: a reprint
	// of one would be a printing of the same quote.
	for i := range n {
		said := fmt.Sprintf("Peace talks resume, round %d, report %d.", i%7, i)
		text := fmt.Sprintf("Report %d. Ana Silva%d said: \"%s\"", i, i, said)
		q := quoted(text, said, fmt.Sprintf("Ana Silva%d", i), "", "")
		url := fmt.Sprintf("https://blocks.test/%d", i)
		urls = append(urls, url)
		put(t, s, graph.ArticleInput{URL: url, Published: date("2025-01-01").AddDate(0, 0, i%40), Text: text, Quotes: []graph.QuoteInput{q}})
		if i == n/2 {
			if err := s.MergePostings(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	count := func(search string) int {
		_, info, err := s.Quotes(ctx, graph.QuoteFilter{Search: search}, graph.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return info.TotalCount
	}
	if got := count("peace talks"); got != n {
		t.Errorf("peace talks: %d, want %d", got, n)
	}
	// Replace a third of them: their postings are deleted in the
	// segments that hold them, merged or not.
	for i := 0; i < n; i += 3 {
		said := fmt.Sprintf("No comment on report %d.", i)
		text := fmt.Sprintf("Report %d again. Ana Silva%d said: \"%s\"", i, i, said)
		put(t, s, graph.ArticleInput{URL: urls[i], Text: text, Quotes: []graph.QuoteInput{quoted(text, said, fmt.Sprintf("Ana Silva%d", i), "", "")}})
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if got := count("peace talks"); got != n-n/3 {
		t.Errorf("after replacing: %d, want %d", got, n-n/3)
	}
	if err := s.MergePostings(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := count(`"round 3"`), len(slices.DeleteFunc(seq(n), func(i int) bool { return i%3 == 0 || i%7 != 3 })); got != want {
		t.Errorf("round 3: %d, want %d", got, want)
	}
	if got := count("comment"); got != n/3 {
		t.Errorf("comment: %d, want %d", got, n/3)
	}

	// A word in three blocks whose last postings are deleted, then merged
	// away (graphtest checks how the blocks are named).
	for i := range 100 {
		text := fmt.Sprintf("Report %d. Ben Cole said: \"Zebras %d.\"", i, i)
		put(t, s, graph.ArticleInput{URL: fmt.Sprintf("https://zebra.test/%d", i), Published: date("2025-03-01").AddDate(0, 0, i),
			Text: text, Quotes: []graph.QuoteInput{quoted(text, fmt.Sprintf("Zebras %d.", i), "Ben Cole", "", "")}})
	}
	if err := s.CompactSearch(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 60; i < 100; i++ {
		text := fmt.Sprintf("Report %d. Ben Cole said: \"No stripes.\"", i)
		put(t, s, graph.ArticleInput{URL: fmt.Sprintf("https://zebra.test/%d", i), Published: date("2025-03-01").AddDate(0, 0, i),
			Text: text, Quotes: []graph.QuoteInput{quoted(text, "No stripes.", "Ben Cole", "", "")}})
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if got := count("zebras"); got != 60 {
		t.Errorf("zebras: %d, want 60", got)
	}
	if err := s.CompactSearch(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := s.SearchStats(ctx)
	if err != nil || st.Segments != 1 || st.Deleted != 0 {
		t.Errorf("after CompactSearch: %+v, %v; want one segment, nothing deleted", st, err)
	}
	if got := count("zebras"); got != 60 {
		t.Errorf("zebras, compacted: %d, want 60", got)
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestSearchInvalid(t *testing.T) {
	s := graphtest.Open(t)
	for _, f := range []graph.QuoteFilter{
		{Order: graph.OrderRelevance},
		{Order: graph.OrderRelevance, Search: "-peace"},
		{Kinds: []string{"quoted"}},
		{MinConfidence: 1.5},
		{Order: 7},
	} {
		if _, _, err := s.Quotes(t.Context(), f, graph.Page{}); err == nil {
			t.Errorf("Quotes(%+v) succeeded", f)
		}
	}
}
