package graph_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

func TestPutArticle(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	in := articleA1()
	res, err := s.PutArticle(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(in.Text))
	want := graph.PutResult{
		Article: graph.Article{
			Key: in.URL, URL: in.URL, Title: in.Title, Outlet: "Reuters",
			Published: in.Published, Hash: hex.EncodeToString(sum[:]), Text: in.Text,
		},
		Quotes: 3, NewSpeakers: 2, NewVenues: 2, NewQuotes: 3,
	}
	ignore := cmp.FilterPath(func(p cmp.Path) bool {
		n := p.Last().String()
		return n == ".ID" || n == ".OutletID" || n == ".Ingested"
	}, cmp.Ignore())
	if diff := cmp.Diff(want, res, ignore); diff != "" {
		t.Errorf("PutArticle result (-want +got):\n%s", diff)
	}
	if res.Article.ID.Version() != 7 || res.Article.OutletID == uuid.Nil || res.Article.Ingested.IsZero() {
		t.Errorf("article id %v, outlet %v, ingested %v", res.Article.ID, res.Article.OutletID, res.Article.Ingested)
	}

	got, err := s.Article(ctx, res.Article.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(res.Article, got); diff != "" {
		t.Errorf("Article (-put +got):\n%s", diff)
	}
	got, err = s.ArticleByKey(ctx, in.URL)
	if err != nil || got.ID != res.Article.ID {
		t.Errorf("ArticleByKey = %v, %v", got.ID, err)
	}
	o, err := s.Outlet(ctx, res.Article.OutletID)
	if err != nil || o.Name != "Reuters" {
		t.Errorf("Outlet = %+v, %v", o, err)
	}

	qs, info, err := s.Quotes(ctx, graph.QuoteFilter{ArticleID: res.Article.ID}, graph.Page{})
	if err != nil {
		t.Fatal(err)
	}
	wantTexts := []string{"The talks are over.", "Russia is ready to negotiate.", "nothing has changed since the summit."}
	if diff := cmp.Diff(wantTexts, quoteTexts(qs)); diff != "" {
		t.Errorf("quotes in text order (-want +got):\n%s", diff)
	}
	if info.TotalCount != 3 || info.HasNextPage {
		t.Errorf("PageInfo = %+v", info)
	}
	peskov, err := s.Speaker(ctx, qs[0].SpeakerID)
	if err != nil {
		t.Fatal(err)
	}
	wantPeskov := graph.Speaker{ID: peskov.ID, Type: graph.SpeakerPerson, Name: "Dmitry Peskov", Titles: []string{"Kremlin spokesman"},
		Roles: []graph.Role{{Title: "spokesman", Organization: "Kremlin", From: in.Published, To: in.Published}}}
	if diff := cmp.Diff(wantPeskov, peskov); diff != "" {
		t.Errorf("speaker (-want +got):\n%s", diff)
	}
	q, err := s.Quote(ctx, qs[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	wantQ := graph.Quote{
		ID: qs[2].ID, ArticleID: res.Article.ID, SpeakerID: peskov.ID, VenueID: qs[0].VenueID,
		OutletID: res.Article.OutletID, Text: "nothing has changed since the summit.", Kind: graph.KindPartial, CueKind: graph.CueSpeech,
		Spans: in.Quotes[0].Spans, Confidence: 0.9, Published: in.Published, Occurrences: 1,
	}
	if diff := cmp.Diff(wantQ, q); diff != "" {
		t.Errorf("Quote (-want +got):\n%s", diff)
	}
	v, err := s.Venue(ctx, q.VenueID)
	if err != nil || v != (graph.Venue{ID: q.VenueID, Name: "press briefing", Kind: graph.VenueEvent}) {
		t.Errorf("Venue = %+v, %v", v, err)
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(graph.Counts{Articles: 1, Quotes: 3, Occurrences: 3, Speakers: 2, Names: 2, Venues: 2, Outlets: 1}, c); diff != "" {
		t.Errorf("Counts (-want +got):\n%s", diff)
	}
}

func TestPutArticleKey(t *testing.T) {
	text := "Someone said something."
	sum := sha256.Sum256([]byte(text))
	tests := []struct {
		name string
		in   graph.ArticleInput
		want string
	}{
		{"url", graph.ArticleInput{URL: "https://x.test/1", SourceID: "s1", Text: text}, "https://x.test/1"},
		{"source id", graph.ArticleInput{SourceID: "s1", Text: text}, "id:s1"},
		{"hash", graph.ArticleInput{Text: text}, "sha256:" + hex.EncodeToString(sum[:])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := graphtest.Open(t)
			res, err := s.PutArticle(t.Context(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if res.Article.Key != tt.want {
				t.Errorf("Key = %q, want %q", res.Article.Key, tt.want)
			}
			if a, err := s.ArticleByKey(t.Context(), tt.want); err != nil || a.ID != res.Article.ID {
				t.Errorf("ArticleByKey(%q) = %v, %v", tt.want, a.ID, err)
			}
		})
	}
}

func TestPutArticleAgain(t *testing.T) {
	a1 := articleA1()
	changed := articleA1()
	changed.Text = strings.Replace(changed.Text, "Monday", "Tuesday", 1)
	changed.Published = date("2024-03-02")
	changed.Quotes = changed.Quotes[1:] // the two first in text order

	tests := []struct {
		name      string
		second    graph.ArticleInput
		want      graph.PutResult
		wantTexts []string
		counts    graph.Counts
	}{
		{
			name:      "same text",
			second:    a1,
			want:      graph.PutResult{Unchanged: true, Quotes: 3},
			wantTexts: []string{"The talks are over.", "Russia is ready to negotiate.", "nothing has changed since the summit."},
			counts:    graph.Counts{Articles: 1, Quotes: 3, Occurrences: 3, Speakers: 2, Names: 2, Venues: 2, Outlets: 1},
		},
		{
			name:      "other text",
			second:    changed,
			want:      graph.PutResult{Replaced: true, Quotes: 2},
			wantTexts: []string{"The talks are over.", "Russia is ready to negotiate."},
			counts:    graph.Counts{Articles: 1, Quotes: 2, Occurrences: 2, Speakers: 2, Names: 2, Venues: 2, Outlets: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			s := graphtest.Open(t)
			first := put(t, s, a1)[0]
			old, _, err := s.Quotes(ctx, graph.QuoteFilter{ArticleID: first.Article.ID}, graph.Page{})
			if err != nil {
				t.Fatal(err)
			}
			res := put(t, s, tt.second)[0]
			got := graph.PutResult{Unchanged: res.Unchanged, Replaced: res.Replaced, Quotes: res.Quotes, NewSpeakers: res.NewSpeakers, NewVenues: res.NewVenues}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("second PutArticle (-want +got):\n%s", diff)
			}
			if res.Article.ID != first.Article.ID || !res.Article.Ingested.Equal(first.Article.Ingested) {
				t.Errorf("article id, ingested = %v, %v; want kept %v, %v", res.Article.ID, res.Article.Ingested, first.Article.ID, first.Article.Ingested)
			}
			stored, err := s.Article(ctx, first.Article.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Text != tt.second.Text || !stored.Published.Equal(tt.second.Published) {
				t.Errorf("stored article has text %q published %v", stored.Text, stored.Published)
			}
			qs, _, err := s.Quotes(ctx, graph.QuoteFilter{ArticleID: first.Article.ID}, graph.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantTexts, quoteTexts(qs)); diff != "" {
				t.Errorf("quotes (-want +got):\n%s", diff)
			}
			for _, q := range qs {
				if !q.Published.Equal(tt.second.Published) {
					t.Errorf("quote %s published %v, want %v", q.ID, q.Published, tt.second.Published)
				}
			}
			if tt.want.Replaced {
				for _, q := range old {
					if _, err := s.Quote(ctx, q.ID); !errors.Is(err, graph.ErrNotFound) {
						t.Errorf("old quote %s: err = %v, want ErrNotFound", q.ID, err)
					}
				}
				// The old date no longer finds the quotes.
				byDate, _, err := s.Quotes(ctx, graph.QuoteFilter{From: date("2024-03-01"), To: date("2024-03-01")}, graph.Page{})
				if err != nil || len(byDate) != 0 {
					t.Errorf("quotes of the old date = %v, %v", quoteTexts(byDate), err)
				}
			}
			c, err := s.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.counts, c); diff != "" {
				t.Errorf("Counts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPutArticleInvalid(t *testing.T) {
	valid := articleA1
	tests := []struct {
		name   string
		modify func(*graph.ArticleInput)
		field  string
	}{
		{"no text", func(a *graph.ArticleInput) { a.Text = " \n" }, "text"},
		{"huge text", func(a *graph.ArticleInput) { a.Text = strings.Repeat("x", graph.MaxTextBytes+1) }, "text"},
		{"bad utf8", func(a *graph.ArticleInput) { a.Text += "\xff" }, "text"},
		{"long url", func(a *graph.ArticleInput) { a.URL = strings.Repeat("u", 5000) }, "url"},
		{"quote without text", func(a *graph.ArticleInput) { a.Quotes[1].Text = "" }, "quotes[1].text"},
		{"bad kind", func(a *graph.ArticleInput) { a.Quotes[2].Kind = "shouted" }, "quotes[2].kind"},
		{"no kind", func(a *graph.ArticleInput) { a.Quotes[0].Kind = "" }, "quotes[0].kind"},
		{"span past end", func(a *graph.ArticleInput) { a.Quotes[0].Spans[0].End = 1 << 20 }, "quotes[0].spans[0]"},
		{"negative span", func(a *graph.ArticleInput) { a.Quotes[1].Spans[0].Start = -1 }, "quotes[1].spans[0]"},
		{"reversed span", func(a *graph.ArticleInput) {
			a.Quotes[1].Spans = append(a.Quotes[1].Spans, graph.Span{Start: 9, End: 8})
		}, "quotes[1].spans[1]"},
		{"cue span", func(a *graph.ArticleInput) { a.Quotes[0].CueSpan = &graph.Span{Start: 0, End: 1 << 20} }, "quotes[0].cueSpan"},
		{"mention span", func(a *graph.ArticleInput) { a.Quotes[0].MentionSpan = &graph.Span{Start: 5, End: 4} }, "quotes[0].mentionSpan"},
		{"confidence", func(a *graph.ArticleInput) { a.Quotes[2].Confidence = 1.5 }, "quotes[2].confidence"},
		{"negative confidence", func(a *graph.ArticleInput) { a.Quotes[2].Confidence = -0.1 }, "quotes[2].confidence"},
		{"speaker without name", func(a *graph.ArticleInput) { a.Quotes[1].Speaker.Name = " -- " }, "quotes[1].speaker.name"},
		{"venue without name", func(a *graph.ArticleInput) { a.Quotes[1].Venue.Name = "" }, "quotes[1].venue.name"},
		{"venue kind", func(a *graph.ArticleInput) { a.Quotes[1].Venue.Kind = "telepathy" }, "quotes[1].venue.kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			s := graphtest.Open(t)
			in := valid()
			tt.modify(&in)
			_, err := s.PutArticle(ctx, in)
			if !errors.Is(err, graph.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.field+":") {
				t.Errorf("err = %v, want it to name %s", err, tt.field)
			}
			assertEmpty(t, s)
		})
	}
}

// assertEmpty fails unless s holds nothing at all.
func assertEmpty(t *testing.T, s *graph.Store) {
	t.Helper()
	c, err := s.Counts(t.Context())
	if err != nil || c != (graph.Counts{}) {
		t.Errorf("Counts = %+v, %v; want nothing written", c, err)
	}
	n := 0
	if err := s.ArticlesAll(t.Context(), func(graph.Article) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("ArticlesAll saw %d articles, %v", n, err)
	}
	for _, name := range []string{"", "peskov"} {
		if sp, _, err := s.FindSpeakers(t.Context(), name, graph.Page{}); err != nil || len(sp) != 0 {
			t.Errorf("FindSpeakers(%q) = %v, %v", name, sp, err)
		}
	}
}

// An in-memory store holds less in one transaction than an on-disk one;
// an article past that is refused whole.
func TestPutArticleTooLarge(t *testing.T) {
	s := graphtest.Open(t)
	fits := graph.ArticleInput{URL: "https://x.test/fits", Text: strings.Repeat("Words, words, words. ", 4<<20/21)}
	if _, err := s.PutArticle(t.Context(), fits); err != nil {
		t.Fatalf("4 MiB article in memory: %v", err)
	}
	s = graphtest.Open(t)
	in := graph.ArticleInput{URL: "https://x.test/big", Text: strings.Repeat("Words, words, words. ", 6<<20/21)}
	_, err := s.PutArticle(t.Context(), in)
	if !errors.Is(err, graph.ErrInvalid) || !strings.Contains(err.Error(), "too large") {
		t.Fatalf("err = %v, want ErrInvalid article too large", err)
	}
	assertEmpty(t, s)
}

func TestPutArticleLargeOnDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 8 MiB")
	}
	s, err := graph.Open(t.TempDir(), graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	text := strings.Repeat("Words, words, words. ", graph.MaxTextBytes/21)
	q := quoted(text, "Words, words, words.", "Hamlet", "", "")
	res, err := s.PutArticle(t.Context(), graph.ArticleInput{URL: "https://x.test/big", Text: text, Quotes: []graph.QuoteInput{q}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Article(t.Context(), res.Article.ID)
	if err != nil || len(a.Text) != len(text) {
		t.Fatalf("Article: %d bytes, %v", len(a.Text), err)
	}
	if err := s.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestSpeakerMatching(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	res := put(t, s, articleA1(), articleA2(), articleA3())
	if got := []int{res[0].NewSpeakers, res[1].NewSpeakers, res[2].NewSpeakers}; !cmp.Equal(got, []int{2, 1, 0}) {
		t.Errorf("new speakers per article = %v, want [2 1 0]", got)
	}
	if got := []int{res[0].NewVenues, res[1].NewVenues, res[2].NewVenues}; !cmp.Equal(got, []int{2, 1, 1}) {
		t.Errorf("new venues per article = %v, want [2 1 1]", got)
	}
	erdogan, err := s.SpeakerByName(ctx, "erdogan")
	if err != nil {
		t.Fatal(err)
	}
	want := graph.Speaker{ID: erdogan.ID, Type: graph.SpeakerPerson, Name: "Recep Tayyip Erdoğan", Aliases: []string{"Recep Tayyip Erdogan"}}
	if diff := cmp.Diff(want, erdogan); diff != "" {
		t.Errorf("speaker (-want +got):\n%s", diff)
	}
	// Titles are unioned, case-insensitively.
	in := articleA3()
	in.SourceID = "x-4"
	in.Text += " Again."
	in.Quotes[0].Speaker.Titles = []string{"President", "president", "  Head of   State "}
	put(t, s, in)
	in.SourceID = "x-5"
	in.Text += " Again."
	in.Quotes[0].Speaker.Titles = []string{"PRESIDENT", "Chairman"}
	put(t, s, in)
	erdogan, err = s.Speaker(ctx, erdogan.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"President", "Head of State", "Chairman"}, erdogan.Titles); diff != "" {
		t.Errorf("titles (-want +got):\n%s", diff)
	}
}

func TestArticles(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	put(t, s, articleA3(), articleA1(), articleA2())
	as, info, err := s.Articles(ctx, graph.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, a := range as {
		keys = append(keys, a.Key)
	}
	// Newest published first, undated last.
	want := []string{"https://example.com/a1", "https://example.com/a2", "id:x-3"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("Articles (-want +got):\n%s", diff)
	}
	if info.TotalCount != 3 || info.HasNextPage {
		t.Errorf("PageInfo = %+v", info)
	}
	keys = nil
	err = s.ArticlesAll(ctx, func(a graph.Article) error { keys = append(keys, a.Key); return nil })
	if err != nil {
		t.Fatal(err)
	}
	// In the order first stored.
	if diff := cmp.Diff([]string{"id:x-3", "https://example.com/a1", "https://example.com/a2"}, keys); diff != "" {
		t.Errorf("ArticlesAll (-want +got):\n%s", diff)
	}
	stop := errors.New("stop")
	n := 0
	if err := s.ArticlesAll(ctx, func(graph.Article) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("ArticlesAll stopping: %v after %d", err, n)
	}
}

// ArticlesAll holds no transaction while fn runs, so fn may write.
func TestArticlesAllRewrite(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	for i := range 150 {
		put(t, s, graph.ArticleInput{SourceID: string(rune('a'+i%26)) + strings.Repeat("x", i), Text: "Text number " + strings.Repeat("i", i+1)})
	}
	n := 0
	err := s.ArticlesAll(ctx, func(a graph.Article) error {
		n++
		_, err := s.PutArticle(ctx, graph.ArticleInput{SourceID: a.SourceID, Text: a.Text + " (revised)"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 150 {
		t.Errorf("ArticlesAll saw %d articles, want 150", n)
	}
}

func TestNotFound(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	put(t, s, articleA1())
	id := uuid.Must(uuid.NewV7())
	for name, err := range map[string]error{
		"Article":       second(s.Article(ctx, id)),
		"ArticleByKey":  second(s.ArticleByKey(ctx, "https://nowhere.test")),
		"Speaker":       second(s.Speaker(ctx, id)),
		"SpeakerByName": second(s.SpeakerByName(ctx, "Nobody Atall")),
		"Quote":         second(s.Quote(ctx, id)),
		"Venue":         second(s.Venue(ctx, id)),
		"Outlet":        second(s.Outlet(ctx, id)),
		"SpeakerVenues": second(s.SpeakerVenues(ctx, id)),
		"AddAlias":      second(s.AddSpeakerAlias(ctx, id, "Someone")),
	} {
		if !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("%s: err = %v, want ErrNotFound", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestClosed(t *testing.T) {
	s, err := graph.Open("", graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, err := range map[string]error{
		"Close":      s.Close(),
		"PutArticle": second(s.PutArticle(ctx, articleA1())),
		"Article":    second(s.Article(ctx, uuid.Nil)),
		"Counts":     second(s.Counts(ctx)),
		"Check":      s.Check(ctx),
	} {
		if !errors.Is(err, graph.ErrClosed) {
			t.Errorf("%s after Close: err = %v, want ErrClosed", name, err)
		}
	}
}
