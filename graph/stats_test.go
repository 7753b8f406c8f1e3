package graph_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// The counts below are worked out by hand from searchCorpus.
func TestQuotesBy(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	putSearchCorpus(t, s)
	type row struct {
		Label string
		Count int
	}
	tests := []struct {
		name     string
		dim      graph.Dimension
		from, to string
		n        int
		want     []row
	}{
		{"speakers", graph.BySpeaker, "", "", 10, []row{{"Ana Silva", 4}, {"Ben Cole", 2}, {"Carl Diaz", 2}, {"Dora Ek", 2}}},
		{"top speaker", graph.BySpeaker, "", "", 1, []row{{"Ana Silva", 4}}},
		{"speakers in February", graph.BySpeaker, "2025-02-01", "2025-02-28", 10, []row{{"Ana Silva", 2}, {"Ben Cole", 2}, {"Carl Diaz", 1}}},
		{"speakers across months", graph.BySpeaker, "2025-02-18", "2025-03-05", 10, []row{{"Ana Silva", 2}, {"Carl Diaz", 2}, {"Dora Ek", 2}, {"Ben Cole", 1}}},
		{"speakers in a year", graph.BySpeaker, "2025-01-01", "2025-12-31", 2, []row{{"Ana Silva", 4}, {"Ben Cole", 2}}},
		// Long ragged ranges are counted as the years less the days outside.
		{"speakers over a ragged year", graph.BySpeaker, "2025-01-02", "2025-12-30", 10, []row{{"Ana Silva", 4}, {"Ben Cole", 2}, {"Carl Diaz", 2}, {"Dora Ek", 2}}},
		{"speakers over most of a year", graph.BySpeaker, "2025-02-04", "2025-12-30", 10, []row{{"Ana Silva", 3}, {"Ben Cole", 2}, {"Carl Diaz", 2}, {"Dora Ek", 2}}},
		{"kinds over most of a year", graph.ByKind, "2025-02-11", "2025-12-30", 10, []row{{"direct", 5}, {"indirect", 2}, {"partial", 1}}},
		{"speakers from", graph.BySpeaker, "2025-03-05", "", 10, []row{{"Dora Ek", 2}, {"Ana Silva", 1}}},
		{"speakers to", graph.BySpeaker, "", "2025-02-10", 10, []row{{"Ana Silva", 1}, {"Ben Cole", 1}}},
		{"venues", graph.ByVenue, "", "", 10, []row{{"BBC", 4}, {"press conference", 2}}},
		{"outlets", graph.ByOutlet, "", "", 10, []row{{"Wire", 4}, {"Daily", 4}, {"Herald", 2}}},
		{"kinds", graph.ByKind, "", "", 10, []row{{"direct", 7}, {"indirect", 2}, {"partial", 1}}},
		{"kinds in March", graph.ByKind, "2025-03-01", "2025-03-31", 10, []row{{"direct", 3}, {"indirect", 2}}},
		{"empty range", graph.BySpeaker, "2024-01-01", "2024-12-31", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var from, to time.Time
			if tt.from != "" {
				from = date(tt.from)
			}
			if tt.to != "" {
				to = date(tt.to)
			}
			bs, err := s.QuotesBy(ctx, tt.dim, from, to, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, b := range bs {
				got = append(got, row{b.Label, b.Count})
			}
			// Ties go by id, which is creation order here, but Wire and
			// Daily were created in that order too.
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("QuotesBy (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := s.QuotesBy(ctx, graph.BySpeaker, date("2025-03-01"), date("2025-02-01"), 5); err == nil {
		t.Error("QuotesBy with from after to succeeded")
	}
	if _, err := s.QuotesBy(ctx, graph.BySpeaker, time.Time{}, time.Time{}, 0); err == nil {
		t.Error("QuotesBy of 0 groups succeeded")
	}
}

func TestTimeline(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	putSearchCorpus(t, s)
	ana := speakerID(t, s, "Ana Silva")
	bbc := venueID(t, s, "BBC")
	type row struct {
		Start string
		Count int
	}
	tests := []struct {
		name string
		f    graph.QuoteFilter
		iv   graph.Interval
		want []row
	}{
		{"days", graph.QuoteFilter{From: date("2025-02-17"), To: date("2025-02-20")}, graph.Day,
			[]row{{"2025-02-17", 0}, {"2025-02-18", 2}, {"2025-02-19", 1}, {"2025-02-20", 0}}},
		// Weeks start on Monday; 2 March 2025 is a Sunday.
		{"weeks", graph.QuoteFilter{}, graph.Week,
			[]row{{"2025-02-03", 1}, {"2025-02-10", 1}, {"2025-02-17", 3}, {"2025-02-24", 2}, {"2025-03-03", 2}, {"2025-03-10", 1}}},
		{"months", graph.QuoteFilter{}, graph.Month, []row{{"2025-02-01", 5}, {"2025-03-01", 5}}},
		{"speaker", graph.QuoteFilter{SpeakerIDs: []uuid.UUID{ana}}, graph.Month, []row{{"2025-02-01", 2}, {"2025-03-01", 2}}},
		{"kind", graph.QuoteFilter{Kinds: []string{graph.KindIndirect}}, graph.Month, []row{{"2025-02-01", 0}, {"2025-03-01", 2}}},
		{"search", graph.QuoteFilter{Search: "peace"}, graph.Month, []row{{"2025-02-01", 3}, {"2025-03-01", 3}}},
		{"speaker and venue", graph.QuoteFilter{SpeakerIDs: []uuid.UUID{ana}, VenueIDs: []uuid.UUID{bbc}}, graph.Month, []row{{"2025-02-01", 1}, {"2025-03-01", 1}}},
		{"confidence", graph.QuoteFilter{MinConfidence: 0.85, From: date("2025-03-01"), To: date("2025-03-03")}, graph.Day,
			[]row{{"2025-03-01", 1}, {"2025-03-02", 0}, {"2025-03-03", 0}}},
		{"before the data", graph.QuoteFilter{From: date("2024-12-30"), To: date("2025-01-01")}, graph.Day,
			[]row{{"2024-12-30", 0}, {"2024-12-31", 0}, {"2025-01-01", 0}}},
		{"from only", graph.QuoteFilter{From: date("2025-03-09")}, graph.Day, []row{{"2025-03-09", 0}, {"2025-03-10", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bs, err := s.Timeline(ctx, tt.f, tt.iv)
			if err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, b := range bs {
				got = append(got, row{b.Start.Format(time.DateOnly), b.Count})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Timeline (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := s.Timeline(ctx, graph.QuoteFilter{From: date("1900-01-01"), To: date("2025-03-01")}, graph.Day); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("a timeline of 45,000 days: %v, want ErrInvalid", err)
	}
	if bs, err := s.Timeline(ctx, graph.QuoteFilter{From: date("1900-01-01"), To: date("2025-03-01")}, graph.Month); err != nil || len(bs) != 1503 {
		t.Errorf("a timeline of 125 years by month: %d buckets, %v", len(bs), err)
	}
}

// Replacing and re-putting articles keeps every count right; graphtest
// checks them all against the quotes when the test ends.
func TestCountsFollowReplace(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	putSearchCorpus(t, s)
	text := "Report 0 again. Ben Cole said: \"Appeasement, appeasement, appeasement.\""
	q := quoted(text, "Appeasement, appeasement, appeasement.", "Ben Cole", "", "")
	put(t, s, graph.ArticleInput{URL: "https://search.test/0", Outlet: "Herald", Published: date("2025-04-01"), Text: text, Quotes: []graph.QuoteInput{q}})
	bs, err := s.QuotesBy(ctx, graph.BySpeaker, time.Time{}, time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if bs[0].Label != "Ana Silva" || bs[0].Count != 3 || bs[1].Label != "Ben Cole" || bs[1].Count != 3 {
		t.Errorf("after replace: %+v", bs)
	}
	qs, _, err := s.Quotes(ctx, graph.QuoteFilter{Search: "appeasement", Order: graph.OrderRelevance}, graph.Page{})
	if err != nil || len(qs) != 2 || qs[0].Text != q.Text {
		t.Errorf("search after replace: %v %v", which(qs), err)
	}
}

// TestQuotesByPerson counts the names merged into one person as one, and
// apart again when the merge is undone.
func TestQuotesByPerson(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	putSearchCorpus(t, s)
	type row struct {
		Label string
		Count int
	}
	speakers := func() []row {
		t.Helper()
		bs, err := s.QuotesBy(ctx, graph.BySpeaker, time.Time{}, time.Time{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []row
		for _, b := range bs {
			sp, err := s.Speaker(ctx, b.ID)
			if err != nil {
				t.Fatalf("bucket %q: %v", b.Label, err)
			}
			if sp.ID != b.ID {
				t.Errorf("bucket %q: key %s is not the person's canonical record %s", b.Label, b.ID, sp.ID)
			}
			got = append(got, row{b.Label, b.Count})
		}
		return got
	}
	ben, err := s.SpeakerByName(ctx, "Ben Cole")
	if err != nil {
		t.Fatal(err)
	}
	carl, err := s.SpeakerByName(ctx, "Carl Diaz")
	if err != nil {
		t.Fatal(err)
	}
	person, err := s.MergeSpeakers(ctx, carl.ID, ben.ID, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	// the person shows one of the two names
	if person.Name != "Ben Cole" && person.Name != "Carl Diaz" {
		t.Fatalf("merged person %q", person.Name)
	}
	want := []row{{"Ana Silva", 4}, {person.Name, 4}, {"Dora Ek", 2}}
	if diff := cmp.Diff(want, speakers()); diff != "" {
		t.Errorf("after the merge (-want +got):\n%s", diff)
	}
	// a range counts the merged names' quotes of those days only
	bs, err := s.QuotesBy(ctx, graph.BySpeaker, date("2025-02-18"), date("2025-03-05"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 3 || bs[0].Label != person.Name || bs[0].Count != 3 {
		t.Errorf("merged speakers from February 18 to March 5: %+v, want %s first with 3", bs, person.Name)
	}
	// the timeline of either name is the person's
	for _, id := range []uuid.UUID{ben.ID, carl.ID} {
		tl, err := s.Timeline(ctx, graph.QuoteFilter{SpeakerIDs: []uuid.UUID{id}}, graph.Month)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, b := range tl {
			total += b.Count
		}
		if total != 4 {
			t.Errorf("timeline of %s: %d quotes, want the person's 4", id, total)
		}
	}
	merged, err := s.Speaker(ctx, ben.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(merged.Merges) != 1 {
		t.Fatalf("merges: %+v", merged.Merges)
	}
	if _, err := s.UndoMerge(ctx, merged.Merges[0].Member); err != nil {
		t.Fatal(err)
	}
	want = []row{{"Ana Silva", 4}, {"Ben Cole", 2}, {"Carl Diaz", 2}, {"Dora Ek", 2}}
	if diff := cmp.Diff(want, speakers()); diff != "" {
		t.Errorf("after the merge was undone (-want +got):\n%s", diff)
	}
}

// Undated counts the statements whose article has no date, which no
// date range or timeline holds.
func TestUndated(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	putSearchCorpus(t, s)
	if n, err := s.Undated(ctx); err != nil || n != 0 {
		t.Errorf("Undated of a dated corpus = %d, %v; want 0", n, err)
	}
	for i, text := range []string{"Nobody knows when this was said.", "Nor this, a second time."} {
		q := quoted("Ana Silva said: \""+text+"\"", text, "Ana Silva", "", "")
		put(t, s, graph.ArticleInput{URL: fmt.Sprintf("https://undated.test/%d", i), Text: "Ana Silva said: \"" + text + "\"", Quotes: []graph.QuoteInput{q}})
	}
	n, err := s.Undated(ctx)
	if err != nil || n != 2 {
		t.Errorf("Undated = %d, %v; want 2", n, err)
	}
	all, err := s.QuotesBy(ctx, graph.ByKind, time.Time{}, time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	dated, err := s.QuotesBy(ctx, graph.ByKind, date("2000-01-01"), date("2100-01-01"), 10)
	if err != nil {
		t.Fatal(err)
	}
	sum := func(bs []graph.Bucket) (n int) {
		for _, b := range bs {
			n += b.Count
		}
		return n
	}
	if sum(all)-sum(dated) != n {
		t.Errorf("all time %d less dated %d is not the %d undated", sum(all), sum(dated), n)
	}
}
