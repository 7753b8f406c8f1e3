package schema

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The new arguments of quotes on the seed graph, whose answers can be
// read off it by hand.
func TestQuotesSearchAndFacets(t *testing.T) {
	s := newSchema(t)
	tests := []struct {
		name, args string
		want       []string
		total      int
	}{
		{"search ranked", `search: "talk", orderBy: RELEVANCE`, []string{"the talks are a first step.", "Nobody is talking about a ceasefire yet,"}, 2},
		{"phrase", `search: "\"first step\""`, []string{"the talks are a first step."}, 1},
		{"kind", `kind: ["partial"]`, []string{"the talks are a first step.", "prices have never been lower."}, 2},
		{"kind and speaker", `kind: "partial", speaker: "Peskov"`, []string{"the talks are a first step."}, 1},
		{"confidence", `minConfidence: 0.95`, []string{}, 0},
		{"outlet", `outlet: "Daily"`, []string{"The harvest was the best in ten years.", "prices have never been lower."}, 2},
		{"no such outlet", `outlet: "Nowhere"`, []string{}, 0},
		{"newest", `orderBy: NEWEST, first: 2`, []string{"Tariffs are taxes on our own consumers.", "prices have never been lower."}, 6},
		{"newest of an outlet in a range", `outlet: "Example Wire", to: "2025-02-28", orderBy: NEWEST`,
			[]string{"Nobody is talking about a ceasefire yet,", "the talks are a first step.", "We will not give up what is ours."}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data struct {
				Quotes struct {
					TotalCount int
					Edges      []struct{ Node struct{ Text string } }
				}
			}
			query(t, s, `{ quotes(`+tt.args+`) { totalCount edges { node { text } } } }`, nil, &data)
			got := []string{}
			for _, e := range data.Quotes.Edges {
				got = append(got, e.Node.Text)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("quotes(%s) (-want +got):\n%s", tt.args, diff)
			}
			if data.Quotes.TotalCount != tt.total {
				t.Errorf("totalCount %d, want %d", data.Quotes.TotalCount, tt.total)
			}
		})
	}
	for _, bad := range []string{`orderBy: RELEVANCE`, `kind: "quoted"`, `minConfidence: 2`, `outletId: "nope"`} {
		resp, status := post(t, s, `{ quotes(`+bad+`) { totalCount } }`, nil)
		if status != http.StatusOK || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != codeBadInput {
			t.Errorf("quotes(%s): status %d, errors %+v; want one BAD_USER_INPUT", bad, status, resp.Errors)
		}
	}
}

// A page without totalCount is the same page.
func TestQuotesWithoutTotal(t *testing.T) {
	s := newSchema(t)
	var with, without struct {
		Quotes struct {
			Edges    []struct{ Node struct{ Text string } }
			PageInfo struct {
				HasNextPage bool
				EndCursor   string
			}
		}
	}
	query(t, s, `{ quotes(first: 2, speaker: "Lavrov") { totalCount edges { node { text } } pageInfo { hasNextPage endCursor } } }`, nil, &with)
	query(t, s, `{ quotes(first: 2, speaker: "Lavrov") { edges { node { text } } pageInfo { hasNextPage endCursor } } }`, nil, &without)
	if diff := cmp.Diff(with, without); diff != "" {
		t.Errorf("page without totalCount differs (-with +without):\n%s", diff)
	}
}

// Counts worked out by hand from the seed graph: Sergei Lavrov twice,
// the others once; press conference twice; Example Wire four times.
func TestStats(t *testing.T) {
	s := newSchema(t)
	type bucket struct {
		Label string
		Count int
	}
	tests := []struct {
		name, args string
		want       []bucket
	}{
		{"speakers", `field: SPEAKER`, []bucket{{"Sergei Lavrov", 2}, {"Dmitry Peskov", 1}, {"Pavel Lavrov", 1}, {"Olga Lavrentyeva", 1}, {"Maroš Šefčovič", 1}}},
		{"top speaker", `field: SPEAKER, first: 1`, []bucket{{"Sergei Lavrov", 2}}},
		{"speakers in a range", `field: SPEAKER, from: "2025-02-18", to: "2025-02-28"`, []bucket{{"Pavel Lavrov", 1}, {"Olga Lavrentyeva", 1}}},
		{"venues", `field: VENUE`, []bucket{{"press conference", 2}, {"Channel One", 1}, {"Example Radio", 1}}},
		{"outlets", `field: OUTLET`, []bucket{{"Example Wire", 4}, {"Example Daily", 2}}},
		{"kinds", `field: KIND`, []bucket{{"direct", 4}, {"partial", 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data struct {
				Stats struct {
					QuotesBy []struct {
						Key   string
						Label string
						Count int
						Node  *struct{ ID string }
					}
				}
			}
			query(t, s, `{ stats { quotesBy(`+tt.args+`) { key label count node { id } } } }`, nil, &data)
			var got []bucket
			for _, b := range data.Stats.QuotesBy {
				got = append(got, bucket{b.Label, b.Count})
				if b.Node != nil && b.Node.ID != b.Key {
					t.Errorf("bucket %q: key %q, node id %q", b.Label, b.Key, b.Node.ID)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("quotesBy(%s) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
	var totals struct {
		Stats struct{ All, March int }
	}
	query(t, s, `{ stats { all: total march: total(from: "2025-03-01", to: "2025-03-31") } }`, nil, &totals)
	if totals.Stats.All != 6 || totals.Stats.March != 1 {
		t.Errorf("totals %+v, want 6 and 1", totals.Stats)
	}
	// A key of quotesBy is an id that quotes takes.
	var top struct {
		Stats struct{ QuotesBy []struct{ Key string } }
	}
	query(t, s, `{ stats { quotesBy(field: SPEAKER, first: 1) { key } } }`, nil, &top)
	var byKey struct{ Quotes struct{ TotalCount int } }
	query(t, s, `query($id: ID) { quotes(speakerId: $id) { totalCount } }`, map[string]any{"id": top.Stats.QuotesBy[0].Key}, &byKey)
	if byKey.Quotes.TotalCount != 2 {
		t.Errorf("quotes of the top speaker by key: %d", byKey.Quotes.TotalCount)
	}
	resp, _ := post(t, s, `{ stats { quotesBy(field: SPEAKER, first: 0) { key } } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != codeBadInput {
		t.Errorf("quotesBy(first: 0): errors %+v", resp.Errors)
	}
}

func TestTimeline(t *testing.T) {
	s := newSchema(t)
	type point struct {
		Start string
		Count int
	}
	tests := []struct {
		name, args string
		want       []point
	}{
		{"days", `interval: DAY, from: "2025-02-16", to: "2025-02-19"`, []point{{"2025-02-16", 0}, {"2025-02-17", 3}, {"2025-02-18", 2}, {"2025-02-19", 0}}},
		{"months", `interval: MONTH`, []point{{"2025-02-01", 5}, {"2025-03-01", 1}}},
		{"weeks", `interval: WEEK`, []point{{"2025-02-17", 5}, {"2025-02-24", 1}}},
		// "Lavrov" is Sergei and Pavel Lavrov.
		{"speaker", `interval: MONTH, speaker: "Lavrov"`, []point{{"2025-02-01", 3}, {"2025-03-01", 0}}},
		{"search", `interval: DAY, search: "talks", from: "2025-02-17", to: "2025-02-18"`, []point{{"2025-02-17", 2}, {"2025-02-18", 0}}},
		{"nobody", `interval: MONTH, speaker: "Nobody Atall"`, []point{{"2025-02-01", 0}, {"2025-03-01", 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data struct{ Timeline []point }
			query(t, s, `{ timeline(`+tt.args+`) { start count } }`, nil, &data)
			if diff := cmp.Diff(tt.want, data.Timeline); diff != "" {
				t.Errorf("timeline(%s) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
	resp, _ := post(t, s, `{ timeline(interval: DAY, from: "1000-01-01", to: "2025-03-01") { start } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != codeBadInput {
		t.Errorf("a timeline of too many days: %+v", resp.Errors)
	}
}
