package graph_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

func TestQuotes(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	res := put(t, s, articleA1(), articleA2(), articleA3())
	peskov := speakerID(t, s, "Dmitry Peskov")
	lavrov := speakerID(t, s, "Sergey Lavrov")
	erdogan := speakerID(t, s, "Erdogan")
	cnn := venueID(t, s, "CNN")
	briefing := venueID(t, s, "press briefing")

	// Order is (article date, quote id): A3 undated, then A2 (Feb 15),
	// then A1 (Mar 1) in text order.
	const (
		peace   = "Peace is possible this year."
		turkiye = "Türkiye will host the next round of talks."
		welcome = "we welcome Turkish mediation."
		over    = "The talks are over."
		ready   = "Russia is ready to negotiate."
		changed = "nothing has changed since the summit."
	)
	tests := []struct {
		name   string
		filter graph.QuoteFilter
		want   []string
	}{
		{"all", graph.QuoteFilter{}, []string{peace, turkiye, welcome, over, ready, changed}},
		{"speaker", graph.QuoteFilter{SpeakerIDs: []uuid.UUID{lavrov}}, []string{welcome, ready}},
		{"speakers merged", graph.QuoteFilter{SpeakerIDs: []uuid.UUID{peskov, erdogan, peskov}}, []string{peace, turkiye, over, changed}},
		{"venue", graph.QuoteFilter{VenueIDs: []uuid.UUID{cnn}}, []string{turkiye, welcome}},
		{"venues merged", graph.QuoteFilter{VenueIDs: []uuid.UUID{briefing, cnn}}, []string{turkiye, welcome, over, changed}},
		{"speaker and venue", graph.QuoteFilter{SpeakerIDs: []uuid.UUID{lavrov}, VenueIDs: []uuid.UUID{cnn}}, []string{welcome}},
		{"article", graph.QuoteFilter{ArticleID: res[1].Article.ID}, []string{turkiye, welcome}},
		{"article and speaker", graph.QuoteFilter{ArticleID: res[0].Article.ID, SpeakerIDs: []uuid.UUID{peskov}}, []string{over, changed}},
		{"article of another speaker", graph.QuoteFilter{ArticleID: res[0].Article.ID, SpeakerIDs: []uuid.UUID{erdogan}}, nil},
		{"from", graph.QuoteFilter{From: date("2024-02-16")}, []string{over, ready, changed}},
		{"to", graph.QuoteFilter{To: date("2024-02-29")}, []string{turkiye, welcome}},
		{"from to", graph.QuoteFilter{From: date("2024-02-15"), To: date("2024-03-01")}, []string{turkiye, welcome, over, ready, changed}},
		{"empty range", graph.QuoteFilter{From: date("2024-03-02"), To: date("2024-03-01")}, nil},
		{"range and speaker", graph.QuoteFilter{From: date("2024-03-01"), SpeakerIDs: []uuid.UUID{lavrov}}, []string{ready}},
		{"search word", graph.QuoteFilter{Search: "talks"}, []string{turkiye, over}},
		{"search words", graph.QuoteFilter{Search: "the TALKS"}, []string{turkiye, over}},
		{"search all words", graph.QuoteFilter{Search: "talks over"}, []string{over}},
		{"search prefix", graph.QuoteFilter{Search: "neg"}, []string{ready}},
		{"search prefix of several words", graph.QuoteFilter{Search: "t"}, []string{peace, turkiye, welcome, over, ready, changed}},
		{"search diacritics", graph.QuoteFilter{Search: "turkiye"}, []string{turkiye}},
		{"search folds query", graph.QuoteFilter{Search: "Türk"}, []string{turkiye, welcome}},
		{"search last word is the prefix", graph.QuoteFilter{Search: "talks the"}, []string{turkiye, over}},
		{"search repeated word", graph.QuoteFilter{Search: "over talks over"}, []string{over}},
		{"search nothing", graph.QuoteFilter{Search: "zebra"}, nil},
		{"search unknown first word", graph.QuoteFilter{Search: "zebra talks"}, nil},
		{"search and speaker", graph.QuoteFilter{Search: "talks", SpeakerIDs: []uuid.UUID{peskov}}, []string{over}},
		{"search and range", graph.QuoteFilter{Search: "talks", To: date("2024-02-20")}, []string{turkiye}},
		{"unknown speaker", graph.QuoteFilter{SpeakerIDs: []uuid.UUID{uuid.New()}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, info, err := s.Quotes(ctx, tt.filter, graph.Page{})
			if err != nil {
				t.Fatal(err)
			}
			got := quoteTexts(qs)
			if tt.want == nil {
				tt.want = []string{}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("quotes (-want +got):\n%s", diff)
			}
			if info.TotalCount != len(tt.want) || info.HasNextPage {
				t.Errorf("PageInfo = %+v, want %d in all", info, len(tt.want))
			}
		})
	}
}

// A search word that prefixes more indexed words than the index expands
// is checked on the quote text instead.
func TestQuotesShortPrefix(t *testing.T) {
	s := graphtest.Open(t)
	var words []string
	for i := range 100 {
		words = append(words, fmt.Sprintf("w%03d", i))
	}
	text := strings.Join(words, " ") + ". Then someone said: \"wonderful.\""
	in := graph.ArticleInput{URL: "https://x.test/w", Text: text, Quotes: []graph.QuoteInput{
		quoted(text, strings.Join(words[:50], " "), "A", "", ""),
		quoted(text, strings.Join(words[50:], " "), "B", "", ""),
		quoted(text, "wonderful.", "C", "", ""),
		quoted(text, "Then someone said", "D", "", ""),
	}}
	put(t, s, in)
	tests := []struct {
		search string
		want   int
	}{{"w", 3}, {"w0", 2}, {"w05", 1}, {"wo", 1}, {"w049 w0", 1}, {"someone w", 0}}
	for _, tt := range tests {
		qs, info, err := s.Quotes(t.Context(), graph.QuoteFilter{Search: tt.search}, graph.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(qs) != tt.want || info.TotalCount != tt.want {
			t.Errorf("Quotes(%q) = %d quotes, total %d; want %d", tt.search, len(qs), info.TotalCount, tt.want)
		}
	}
}

// pageAll walks every page of a listing and returns the items with the
// TotalCount each page reported.
func pageAll[T any](t *testing.T, size int, list func(graph.Page) ([]T, graph.PageInfo, error)) ([]T, []int) {
	t.Helper()
	var all []T
	var totals []int
	after := ""
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("too many pages")
		}
		items, info, err := list(graph.Page{First: size, After: after})
		if err != nil {
			t.Fatal(err)
		}
		totals = append(totals, info.TotalCount)
		all = append(all, items...)
		if !info.HasNextPage {
			if len(items) > size {
				t.Fatalf("page of %d items, asked for %d", len(items), size)
			}
			return all, totals
		}
		if len(items) != size || info.EndCursor == "" {
			t.Fatalf("page of %d items with cursor %q has a next page; asked for %d", len(items), info.EndCursor, size)
		}
		after = info.EndCursor
	}
}

// corpus stores n articles of m quotes each, spread over speakers,
// venues, outlets and dates, and returns the speaker names.
func corpus(t testing.TB, s *graph.Store, n, m int) []string {
	t.Helper()
	names := []string{"Anna Smith", "Ann Lee", "Annabel Lee", "Bob Stone", "Émile Zola", "Zoë Ball", "Olaf Scholz", "Olga Petrova"}
	venues := []string{"BBC", "CNN", "press conference", "parliament", "X"}
	kinds := []string{graph.VenueBroadcast, graph.VenueBroadcast, graph.VenueEvent, graph.VenueEvent, graph.VenueSocial}
	for i := range n {
		var b strings.Builder
		var qs []string
		for j := range m {
			q := fmt.Sprintf("Statement %d of article %d on topic%d and more.", j, i, (i+j)%7)
			fmt.Fprintf(&b, "Someone said: \"%s\" ", q)
			qs = append(qs, q)
		}
		text := b.String()
		in := graph.ArticleInput{
			URL:    fmt.Sprintf("https://x.test/%d", i),
			Title:  fmt.Sprintf("Article %d", i),
			Outlet: fmt.Sprintf("Outlet %d", i%5),
			Text:   text,
		}
		if i%6 != 0 {
			in.Published = date("2024-01-01").AddDate(0, 0, (i*7)%40)
		}
		for j, q := range qs {
			k := (i + j) % len(venues)
			in.Quotes = append(in.Quotes, quoted(text, q, names[(i*3+j)%len(names)], venues[k], kinds[k]))
		}
		put(t, s, in)
	}
	return names
}

func TestPagination(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	names := corpus(t, s, 30, 5)
	anna := speakerID(t, s, "Anna Smith")
	zola := speakerID(t, s, "Zola")
	bbc := venueID(t, s, "BBC")

	quoteLists := map[string]graph.QuoteFilter{
		"all":      {},
		"speaker":  {SpeakerIDs: []uuid.UUID{anna}},
		"speakers": {SpeakerIDs: []uuid.UUID{anna, zola}},
		"venue":    {VenueIDs: []uuid.UUID{bbc}},
		"search":   {Search: "topic3 and"},
		"range":    {From: date("2024-01-10"), To: date("2024-01-30")},
		"combined": {SpeakerIDs: []uuid.UUID{anna, zola}, Search: "statement", From: date("2024-01-05")},
	}
	for name, f := range quoteLists {
		t.Run("quotes/"+name, func(t *testing.T) {
			full, info, err := s.Quotes(ctx, f, graph.Page{First: graph.MaxPageSize})
			if err != nil {
				t.Fatal(err)
			}
			if len(full) == 0 || len(full) != info.TotalCount || info.HasNextPage {
				t.Fatalf("%d quotes, PageInfo %+v", len(full), info)
			}
			for i := 1; i < len(full); i++ {
				a, b := full[i-1], full[i]
				if a.Published.After(b.Published) || a.Published.Equal(b.Published) && a.ID.String() >= b.ID.String() {
					t.Fatalf("quotes %d and %d out of order", i-1, i)
				}
			}
			for _, size := range []int{1, 3, 7, len(full), len(full) + 1} {
				got, totals := pageAll(t, size, func(p graph.Page) ([]graph.Quote, graph.PageInfo, error) {
					return s.Quotes(ctx, f, p)
				})
				if diff := cmp.Diff(ids(full), ids(got)); diff != "" {
					t.Errorf("pages of %d (-all +paged):\n%s", size, diff)
				}
				for _, n := range totals {
					if n != len(full) {
						t.Errorf("pages of %d: TotalCount %d, want %d", size, n, len(full))
					}
				}
			}
		})
	}

	t.Run("articles", func(t *testing.T) {
		got, totals := pageAll(t, 4, func(p graph.Page) ([]graph.Article, graph.PageInfo, error) { return s.Articles(ctx, p) })
		seen := map[uuid.UUID]bool{}
		for i, a := range got {
			if seen[a.ID] {
				t.Errorf("article %s twice", a.ID)
			}
			seen[a.ID] = true
			if i > 0 && !got[i-1].Published.IsZero() && !a.Published.IsZero() && a.Published.After(got[i-1].Published) {
				t.Errorf("article %d newer than the one before", i)
			}
			if i > 0 && got[i-1].Published.IsZero() && !a.Published.IsZero() {
				t.Errorf("dated article %d after an undated one", i)
			}
		}
		if len(got) != 30 || totals[0] != 30 {
			t.Errorf("%d articles, total %d", len(got), totals[0])
		}
	})
	t.Run("speakers", func(t *testing.T) {
		got, totals := pageAll(t, 3, func(p graph.Page) ([]graph.Speaker, graph.PageInfo, error) { return s.FindSpeakers(ctx, "", p) })
		var gotNames []string
		for _, sp := range got {
			gotNames = append(gotNames, sp.Name)
		}
		want := []string{"Ann Lee", "Anna Smith", "Annabel Lee", "Bob Stone", "Émile Zola", "Olaf Scholz", "Olga Petrova", "Zoë Ball"}
		if diff := cmp.Diff(want, gotNames); diff != "" {
			t.Errorf("speakers by name (-want +got):\n%s", diff)
		}
		if totals[0] != len(names) {
			t.Errorf("TotalCount %d", totals[0])
		}
	})
	t.Run("speakers named", func(t *testing.T) {
		got, totals := pageAll(t, 1, func(p graph.Page) ([]graph.Speaker, graph.PageInfo, error) { return s.FindSpeakers(ctx, "ann", p) })
		var gotNames []string
		for _, sp := range got {
			gotNames = append(gotNames, sp.Name)
		}
		if diff := cmp.Diff([]string{"Ann Lee", "Anna Smith", "Annabel Lee"}, gotNames); diff != "" {
			t.Errorf("speakers (-want +got):\n%s", diff)
		}
		if totals[0] != 3 {
			t.Errorf("TotalCount %d", totals[0])
		}
	})
	t.Run("venues", func(t *testing.T) {
		got, _ := pageAll(t, 2, func(p graph.Page) ([]graph.Venue, graph.PageInfo, error) { return s.FindVenues(ctx, "", p) })
		var gotNames []string
		for _, v := range got {
			gotNames = append(gotNames, v.Name)
		}
		if diff := cmp.Diff([]string{"BBC", "CNN", "parliament", "press conference", "X"}, gotNames); diff != "" {
			t.Errorf("venues (-want +got):\n%s", diff)
		}
	})
	t.Run("outlets", func(t *testing.T) {
		got, totals := pageAll(t, 2, func(p graph.Page) ([]graph.Outlet, graph.PageInfo, error) { return s.Outlets(ctx, p) })
		var gotNames []string
		for _, o := range got {
			gotNames = append(gotNames, o.Name)
		}
		if diff := cmp.Diff([]string{"Outlet 0", "Outlet 1", "Outlet 2", "Outlet 3", "Outlet 4"}, gotNames); diff != "" {
			t.Errorf("outlets (-want +got):\n%s", diff)
		}
		if totals[0] != 5 {
			t.Errorf("TotalCount %d", totals[0])
		}
	})
}

func ids(qs []graph.Quote) []uuid.UUID {
	out := make([]uuid.UUID, len(qs))
	for i, q := range qs {
		out[i] = q.ID
	}
	return out
}

func TestPageSize(t *testing.T) {
	s := graphtest.Open(t)
	corpus(t, s, 5, 250) // 1250 quotes
	for _, tt := range []struct{ first, want int }{{0, graph.DefaultPageSize}, {-3, graph.DefaultPageSize}, {7, 7}, {5000, graph.MaxPageSize}} {
		qs, info, err := s.Quotes(t.Context(), graph.QuoteFilter{}, graph.Page{First: tt.first})
		if err != nil {
			t.Fatal(err)
		}
		if len(qs) != tt.want || !info.HasNextPage || info.TotalCount != 1250 {
			t.Errorf("First %d: %d quotes, %+v; want %d", tt.first, len(qs), info, tt.want)
		}
	}
}

func TestBadCursor(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	put(t, s, articleA1(), articleA2())
	_, qinfo, err := s.Quotes(ctx, graph.QuoteFilter{}, graph.Page{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, sinfo, err := s.FindSpeakers(ctx, "", graph.Page{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"garbage!", "AAAA", "cQ", qinfo.EndCursor + "x", sinfo.EndCursor} {
		if _, _, err := s.Quotes(ctx, graph.QuoteFilter{}, graph.Page{After: c}); !errors.Is(err, graph.ErrBadCursor) {
			t.Errorf("Quotes after %q: err = %v, want ErrBadCursor", c, err)
		}
	}
	for _, c := range []string{"garbage!", qinfo.EndCursor} {
		if _, _, err := s.FindSpeakers(ctx, "", graph.Page{After: c}); !errors.Is(err, graph.ErrBadCursor) {
			t.Errorf("FindSpeakers after %q: err = %v, want ErrBadCursor", c, err)
		}
		if _, _, err := s.FindVenues(ctx, "x", graph.Page{After: c}); !errors.Is(err, graph.ErrBadCursor) {
			t.Errorf("FindVenues after %q: err = %v, want ErrBadCursor", c, err)
		}
		if _, _, err := s.Articles(ctx, graph.Page{After: c}); !errors.Is(err, graph.ErrBadCursor) {
			t.Errorf("Articles after %q: err = %v, want ErrBadCursor", c, err)
		}
		if _, _, err := s.Outlets(ctx, graph.Page{After: c}); !errors.Is(err, graph.ErrBadCursor) {
			t.Errorf("Outlets after %q: err = %v, want ErrBadCursor", c, err)
		}
	}
	many := make([]uuid.UUID, 300)
	if _, _, err := s.Quotes(ctx, graph.QuoteFilter{SpeakerIDs: many}, graph.Page{}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("300 speaker ids: err = %v, want ErrInvalid", err)
	}
}
