package schema

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
)

// pagingSchema is a store for paging through every connection: a few
// dozen quotations by speakers of twelve surnames, each given by two
// names that may be one person (review candidates) and a third who
// cannot be, saying the same as the first (attribution conflicts); at
// seven venues in five outlets, dated on shared days or undated, and one
// long article of many quotations.
func pagingSchema(t *testing.T) (*Schema, *graph.Store, uuid.UUID) {
	t.Helper()
	st := openStore(t)
	surnames := []string{"Silva", "Costa", "Kovac", "Ivanova", "Hansen", "Moreau", "Novak", "Berg", "Rossi", "Weber", "Dubois", "Larsen"}
	venues := []string{"BBC", "CBS", "press conference", "Radio One", "reporters", "X", "a statement"}
	outlets := []string{"Wire", "Daily", "Herald", "Post", "Times"}
	day := func(i int) time.Time {
		if i%5 == 4 {
			return time.Time{} // undated
		}
		return time.Date(2025, 2, 1+i%9, 0, 0, 0, 0, time.UTC)
	}
	put := func(url string, pub time.Time, outlet string, said ...[3]string) uuid.UUID {
		t.Helper()
		var text strings.Builder
		var quotes []graph.QuoteInput
		for _, s := range said {
			name, title, words := s[0], s[1], s[2]
			prefix := text.String() + name + " told " + venues[len(quotes)%len(venues)] + ": “"
			text.WriteString(name + " told " + venues[len(quotes)%len(venues)] + ": “" + words + "” ")
			start := len([]rune(prefix))
			q := graph.QuoteInput{Text: words, Kind: []string{graph.KindDirect, graph.KindPartial, graph.KindIndirect}[len(url)%3],
				Spans: []graph.Span{{Start: start, End: start + len([]rune(words))}}, Confidence: 0.9,
				Speaker: &graph.SpeakerRef{Name: name},
				Venue:   &graph.VenueRef{Name: venues[(len(quotes)+len(url))%len(venues)], Kind: graph.VenueOther}}
			if title != "" {
				q.Speaker.Titles = []string{title}
			}
			quotes = append(quotes, q)
		}
		in := graph.ArticleInput{URL: url, Title: url, Outlet: outlet, Published: pub, Text: text.String(), Quotes: quotes}
		res, err := st.PutArticle(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		return res.Article.ID
	}
	for i, sn := range surnames {
		tariffs := fmt.Sprintf("We will never accept these %s tariffs on our farmers and fishermen.", strings.ToLower(sn))
		exports := fmt.Sprintf("Exports of %s cheese rose sharply this year, the best result in a decade.", strings.ToLower(sn))
		put(fmt.Sprintf("https://paging.test/%d/a", i), day(i), outlets[i%len(outlets)],
			[3]string{"Ana " + sn, "Foreign Minister", tariffs})
		put(fmt.Sprintf("https://paging.test/%d/b", i), day(i+1), outlets[(i+1)%len(outlets)],
			[3]string{"Anna " + sn, "", exports})
		put(fmt.Sprintf("https://paging.test/%d/c", i), day(i+2), outlets[(i+2)%len(outlets)],
			[3]string{"Pedro " + sn, "", tariffs})
	}
	var long [][3]string
	for i := range 9 {
		long = append(long, [3]string{"Ana Silva", "", fmt.Sprintf("Point %d of the plan is about tariffs and the talks, as agreed.", i+1)})
	}
	longID := put("https://paging.test/long", day(3), "Wire", long...)
	s, err := New(st, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return s, st, longID
}

// connPage is one page of a connection as a test reads it.
type connPage struct {
	TotalCount *int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
	Edges []struct {
		Cursor string          `json:"cursor"`
		Node   json.RawMessage `json:"node"`
	} `json:"edges"`
}

// ids are the page's nodes, each as the JSON of its id.
func (p connPage) ids() []string {
	out := []string{}
	for _, e := range p.Edges {
		out = append(out, string(e.Node))
	}
	return out
}

// connCase is a connection to page through: the query, with %s where
// the page arguments go, and the path to the connection in the data.
type connCase struct {
	name   string
	field  string // the schema field, Type.field
	query  string
	path   []string
	minLen int
	node   string // the selection of a node that tells it apart; "id" if empty
}

// fetchPage runs q with the connPage arguments args and decodes the
// connection at path.
func fetchPage(t *testing.T, s *Schema, c connCase, args string, vars map[string]any, total bool) connPage {
	t.Helper()
	node := c.node
	if node == "" {
		node = "id"
	}
	fields := `pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ` + node + ` } }`
	if total {
		fields = "totalCount " + fields
	}
	q := withVars(strings.Replace(fmt.Sprintf(c.query, args), "FIELDS", fields, 1))
	var data map[string]any
	query(t, s, q, vars, &data)
	var v any = data
	for _, k := range c.path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: no %s in %v", c.name, k, data)
		}
		v = m[k]
	}
	raw, _ := json.Marshal(v)
	var p connPage
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// withVars declares the variables that the selection q uses.
func withVars(q string) string {
	types := map[string]string{"first": "Int", "last": "Int", "n": "Int", "after": "String", "before": "String", "c": "String"}
	var decl []string
	for _, m := range variableRE.FindAllStringSubmatch(q, -1) {
		d := "$" + m[1] + ": " + types[m[1]]
		if !slices.Contains(decl, d) {
			decl = append(decl, d)
		}
	}
	if len(decl) == 0 {
		return q
	}
	return "query(" + strings.Join(decl, ", ") + ") " + q
}

var variableRE = regexp.MustCompile(`\$(\w+)`)

// checkEnds checks that a connPage's start and end cursors are its edges'.
func checkEnds(t *testing.T, what string, p connPage) {
	t.Helper()
	if len(p.Edges) == 0 {
		if p.PageInfo.StartCursor != nil || p.PageInfo.EndCursor != nil {
			t.Errorf("%s: an empty connPage with cursors %v, %v", what, p.PageInfo.StartCursor, p.PageInfo.EndCursor)
		}
		return
	}
	if p.PageInfo.StartCursor == nil || *p.PageInfo.StartCursor != p.Edges[0].Cursor {
		t.Errorf("%s: startCursor is not the first edge's cursor", what)
	}
	if p.PageInfo.EndCursor == nil || *p.PageInfo.EndCursor != p.Edges[len(p.Edges)-1].Cursor {
		t.Errorf("%s: endCursor is not the last edge's cursor", what)
	}
}

// TestBackwardPaging pages through every connection of the schema
// forward with first and after, and backward with last and before, and
// checks that they agree: the same items, the backward pages in reverse
// order; that hasPreviousPage and hasNextPage, the start and end cursors
// and totalCount say what the Relay specification says; and that every
// edge's cursor, from either direction, pages on with after and back
// with before.
func TestBackwardPaging(t *testing.T) {
	s, st, longID := pagingSchema(t)
	ctx := t.Context()
	silva, err := st.SpeakerByName(ctx, "Ana Silva")
	if err != nil {
		t.Fatal(err)
	}
	venues, _, err := st.FindVenues(ctx, "press conference", graph.Page{})
	if err != nil || len(venues) == 0 {
		t.Fatalf("venue: %v, %v", venues, err)
	}
	speakerID, venueID, articleID := encodeID(typeSpeaker, silva.ID), encodeID(typeVenue, venues[0].ID), encodeID(typeArticle, longID)

	cases := []connCase{
		{"quotes by date", "Query.quotes", `{ quotes(%s) { FIELDS } }`, []string{"quotes"}, 30, ""},
		{"quotes newest first", "Query.quotes", `{ quotes(orderBy: NEWEST, %s) { FIELDS } }`, []string{"quotes"}, 30, ""},
		{"quotes of a search by date", "Query.quotes", `{ quotes(search: "tariffs", %s) { FIELDS } }`, []string{"quotes"}, 15, ""},
		{"quotes of a search newest first", "Query.quotes", `{ quotes(search: "tariffs", orderBy: NEWEST, %s) { FIELDS } }`, []string{"quotes"}, 15, ""},
		{"quotes by relevance", "Query.quotes", `{ quotes(search: "tariffs farmers", orderBy: RELEVANCE, %s) { FIELDS } }`, []string{"quotes"}, 10, ""},
		{"quotes of a range and kinds", "Query.quotes", `{ quotes(from: "2025-02-02", to: "2025-02-07", kind: ["direct", "partial"], %s) { FIELDS } }`, []string{"quotes"}, 5, ""},
		{"speakers", "Query.speakers", `{ speakers(%s) { FIELDS } }`, []string{"speakers"}, 30, ""},
		{"speakers by name", "Query.speakers", `{ speakers(name: "an", %s) { FIELDS } }`, []string{"speakers"}, 10, ""},
		{"venues", "Query.venues", `{ venues(%s) { FIELDS } }`, []string{"venues"}, 7, ""},
		{"venues by name", "Query.venues", `{ venues(name: "r", %s) { FIELDS } }`, []string{"venues"}, 2, ""},
		{"articles", "Query.articles", `{ articles(%s) { FIELDS } }`, []string{"articles"}, 37, ""},
		{"outlets", "Query.outlets", `{ outlets(%s) { FIELDS } }`, []string{"outlets"}, 5, ""},
		{"a speaker's quotes", "Speaker.quotes", `{ node(id: "` + speakerID + `") { ... on Speaker { quotes(%s) { FIELDS } } } }`, []string{"node", "quotes"}, 10, ""},
		{"a venue's quotes", "Venue.quotes", `{ node(id: "` + venueID + `") { ... on Venue { quotes(%s) { FIELDS } } } }`, []string{"node", "quotes"}, 5, ""},
		{"an article's quotes", "Article.quotes", `{ node(id: "` + articleID + `") { ... on Article { quotes(%s) { FIELDS } } } }`, []string{"node", "quotes"}, 9, ""},
		{"review candidates", "Review.candidates", `{ review { candidates(%s) { FIELDS } } }`, []string{"review", "candidates"}, 5, ""},
		{"review conflicts", "Review.conflicts", `{ review { conflicts(%s) { FIELDS } } }`, []string{"review", "conflicts"}, 5, "quote { id }"},
	}

	// Every connection of the schema is paged through here.
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.field] = true
	}
	var schemaTypes struct {
		Schema struct {
			Types []struct {
				Name   string
				Fields []struct {
					Name string
					Type struct {
						Name   *string
						OfType *struct{ Name *string }
					}
				}
			}
		} `json:"__schema"`
	}
	query(t, s, `{ __schema { types { name fields { name type { name ofType { name } } } } } }`, nil, &schemaTypes)
	for _, ty := range schemaTypes.Schema.Types {
		if strings.HasPrefix(ty.Name, "__") {
			continue
		}
		for _, f := range ty.Fields {
			name := f.Type.Name
			if name == nil && f.Type.OfType != nil {
				name = f.Type.OfType.Name
			}
			if name != nil && strings.HasSuffix(*name, "Connection") && !covered[ty.Name+"."+f.Name] {
				t.Errorf("connection %s.%s is not paged through by this test", ty.Name, f.Name)
			}
		}
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			all := fetchPage(t, s, c, "first: 100", nil, true)
			want := all.ids()
			if len(want) < c.minLen || all.PageInfo.HasNextPage || *all.TotalCount != len(want) {
				t.Fatalf("the whole list: %d items (want at least %d), hasNextPage %v, totalCount %d",
					len(want), c.minLen, all.PageInfo.HasNextPage, *all.TotalCount)
			}
			t.Logf("%d items", len(want))
			last := fetchPage(t, s, c, "last: 100", nil, true)
			if diff := cmp.Diff(want, last.ids()); diff != "" || last.PageInfo.HasPreviousPage || last.PageInfo.HasNextPage {
				t.Errorf("last: 100 (-first: 100 +last: 100):\n%s\nhasPreviousPage %v, hasNextPage %v", diff, last.PageInfo.HasPreviousPage, last.PageInfo.HasNextPage)
			}
			for _, total := range []bool{true, false} {
				if !total && !strings.Contains(c.field, "quotes") {
					continue // only quotes count apart from paging
				}
				for _, size := range []int{1, 3, 7} {
					t.Run(fmt.Sprintf("pages of %d, totalCount %v", size, total), func(t *testing.T) {
						pageBothWays(t, s, c, want, size, total)
					})
				}
			}
			// Any edge's cursor pages on from it and back from it, whichever
			// way it was paged to.
			for i, e := range all.Edges {
				back := fetchPage(t, s, c, "last: 3, before: $before", map[string]any{"before": e.Cursor}, true)
				if diff := cmp.Diff(want[max(0, i-3):i], back.ids()); diff != "" {
					t.Errorf("last 3 before edge %d (-want +got):\n%s", i, diff)
				}
				if back.PageInfo.HasPreviousPage != (i > 3) || !back.PageInfo.HasNextPage {
					t.Errorf("last 3 before edge %d: hasPreviousPage %v, hasNextPage %v", i, back.PageInfo.HasPreviousPage, back.PageInfo.HasNextPage)
				}
				checkEnds(t, fmt.Sprintf("before edge %d", i), back)
			}
			for i, e := range last.Edges {
				on := fetchPage(t, s, c, "first: 3, after: $after", map[string]any{"after": e.Cursor}, true)
				if diff := cmp.Diff(want[i+1:min(len(want), i+4)], on.ids()); diff != "" {
					t.Errorf("first 3 after the backward connPage's edge %d (-want +got):\n%s", i, diff)
				}
			}
			// last: 0 tells whether there is anything before.
			zero := fetchPage(t, s, c, "last: 0", nil, true)
			if len(zero.Edges) != 0 || !zero.PageInfo.HasPreviousPage || *zero.TotalCount != len(want) {
				t.Errorf("last: 0 = %+v", zero)
			}
		})
	}
}

// pageBothWays pages through c by size forward and backward and checks
// that the pages agree.
func pageBothWays(t *testing.T, s *Schema, c connCase, want []string, size int, total bool) {
	t.Helper()
	var forward [][]string
	var after any
	for n := 0; ; n++ {
		if n > len(want)+1 {
			t.Fatal("forward pages do not end")
		}
		p := fetchPage(t, s, c, "first: $first, after: $after", map[string]any{"first": size, "after": after}, total)
		checkEnds(t, fmt.Sprintf("forward connPage %d", n), p)
		if p.PageInfo.HasPreviousPage != (n > 0) {
			t.Errorf("forward connPage %d: hasPreviousPage %v", n, p.PageInfo.HasPreviousPage)
		}
		if total && *p.TotalCount != len(want) {
			t.Errorf("forward connPage %d: totalCount %d, want %d", n, *p.TotalCount, len(want))
		}
		forward = append(forward, p.ids())
		if !p.PageInfo.HasNextPage {
			break
		}
		after = *p.PageInfo.EndCursor
	}
	var backward [][]string
	var before any
	for n := 0; ; n++ {
		if n > len(want)+1 {
			t.Fatal("backward pages do not end")
		}
		p := fetchPage(t, s, c, "last: $last, before: $before", map[string]any{"last": size, "before": before}, total)
		checkEnds(t, fmt.Sprintf("backward connPage %d", n), p)
		if p.PageInfo.HasNextPage != (n > 0) {
			t.Errorf("backward connPage %d: hasNextPage %v", n, p.PageInfo.HasNextPage)
		}
		if total && *p.TotalCount != len(want) {
			t.Errorf("backward connPage %d: totalCount %d, want %d", n, *p.TotalCount, len(want))
		}
		if len(p.Edges) > size {
			t.Errorf("backward connPage %d: %d edges, more than %d", n, len(p.Edges), size)
		}
		backward = append(backward, p.ids())
		if !p.PageInfo.HasPreviousPage {
			break
		}
		before = *p.PageInfo.StartCursor
	}
	if got := slices.Concat(forward...); !slices.Equal(got, want) {
		t.Errorf("forward pages of %d:\n%s", size, cmp.Diff(want, got))
	}
	slices.Reverse(backward)
	if got := slices.Concat(backward...); !slices.Equal(got, want) {
		t.Errorf("backward pages of %d, in reverse order (-forward +backward):\n%s", size, cmp.Diff(want, got))
	}
	// Pages of the same size from either end match where the list
	// divides evenly: the backward pages are the forward ones reversed.
	if len(want)%size == 0 && !cmp.Equal(forward, backward) {
		t.Errorf("pages of %d: forward %v, backward reversed %v", size, forward, backward)
	}
}

// TestPageArguments: arguments of both directions together, and bad
// sizes and cursors, are refused with a message naming them.
func TestPageArguments(t *testing.T) {
	s := newSchema(t)
	var all struct{ Quotes quoteConn }
	query(t, s, `{ quotes(first: 1) { `+quoteConnFields+` } }`, nil, &all)
	cur := all.Quotes.Edges[0].Cursor
	tests := []struct {
		name, args string
		want       string
	}{
		{"first and last", "first: 2, last: 2", "first and last: give one; first pages forward (with after), last backward (with before)"},
		{"after and before", "after: $c, before: $c", "after and before: give one cursor"},
		{"first and before", "first: 2, before: $c", "first and before: page backward with last and before"},
		{"last and after", "last: 2, after: $c", "last and after: page forward with first and after"},
		{"negative last", "last: -1", "last: must be between 0 and 100, not -1"},
		{"large last", "last: 101", "last: must be between 0 and 100, not 101"},
		{"bad before", `before: "xyz"`, "before: invalid cursor"},
		{"before of another list", `before: "` + encodeCursor(cursor{kind: typeSpeaker, pos: "x"}) + `"`, "before: invalid cursor: not a cursor of this list"},
		{"forged store cursor", `before: "` + encodeCursor(cursor{kind: typeQuote, pos: "bogus"}) + `"`, "before: invalid cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, status := post(t, s, withVars(`{ quotes(`+tt.args+`) { totalCount } }`), map[string]any{"c": cur})
			if status != http.StatusOK || len(resp.Errors) != 1 {
				t.Fatalf("status %d, errors %+v", status, resp.Errors)
			}
			if e := resp.Errors[0]; !strings.HasPrefix(e.Message, tt.want) || e.Extensions["code"] != codeBadInput {
				t.Errorf("error %q (%v), want %q (%s)", e.Message, e.Extensions["code"], tt.want, codeBadInput)
			}
		})
	}
}

// TestCostOfLast: the cost estimate reads last as it reads first.
func TestCostOfLast(t *testing.T) {
	s := newSchema(t)
	nested := `{ quotes(last: %s) { edges { node { speaker { quotes(last: %s) { edges { node { text article { title url } venue { name } } } } } } } } }`
	for _, tt := range []struct {
		n    string
		vars map[string]any
		ok   bool
	}{
		{"100", nil, false},
		{"$n", map[string]any{"n": 100}, false},
		{"10", nil, true},
	} {
		resp, _ := post(t, s, withVars(fmt.Sprintf(nested, tt.n, tt.n)), tt.vars)
		costly := len(resp.Errors) == 1 && strings.HasPrefix(resp.Errors[0].Message, "query is too costly")
		if costly == tt.ok {
			t.Errorf("last: %s nested twice: errors %+v; want too costly %v", tt.n, resp.Errors, !tt.ok)
		}
	}
}
