package schema

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/graph"
)

// typedSchema is a schema over a store of one quotation by each of a
// person, two organisations and a document, and one by a speaker stored
// with no type.
func typedSchema(t *testing.T) *Schema {
	t.Helper()
	st := openStore(t)
	for i, sp := range []struct{ name, typ, q string }{
		{"Maria Vance", graph.SpeakerPerson, "The port will open."},
		{"Harbor Workers Union", graph.SpeakerOrganization, "We oppose the plan."},
		{"Riverton City Council", graph.SpeakerOrganization, "The vote is Tuesday."},
		{"Dayton Ledger", graph.SpeakerDocument, "The race is tied."},
		{"Tom Vance", "", "I have no stake in it."},
	} {
		text := fmt.Sprintf("%s said: %q", sp.name, sp.q)
		in := graph.ArticleInput{URL: fmt.Sprintf("https://types.test/%d", i), Text: text, Quotes: []graph.QuoteInput{{
			Text: sp.q, Kind: graph.KindDirect, Spans: []graph.Span{*runeSpan(t, text, sp.q)}, Confidence: 0.9,
			Speaker: &graph.SpeakerRef{Name: sp.name, Type: sp.typ},
		}}}
		if _, err := st.PutArticle(t.Context(), in); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(st, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSpeakerType(t *testing.T) {
	s := typedSchema(t)
	type node struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	var got struct {
		All struct {
			Edges []struct{ Node node } `json:"edges"`
		} `json:"all"`
		Orgs struct {
			TotalCount int                   `json:"totalCount"`
			Edges      []struct{ Node node } `json:"edges"`
		} `json:"orgs"`
		Quotes struct {
			TotalCount int `json:"totalCount"`
			Edges      []struct {
				Node struct {
					Text    string `json:"text"`
					Speaker node   `json:"speaker"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"quotes"`
		Stats struct {
			QuotesBy []struct {
				Key   string  `json:"key"`
				Label string  `json:"label"`
				Count int     `json:"count"`
				Node  *string `json:"node"`
			} `json:"quotesBy"`
		} `json:"stats"`
	}
	query(t, s, `{
		all: speakers { edges { node { name type } } }
		orgs: speakers(type: [ORGANIZATION, DOCUMENT], first: 2) { totalCount edges { node { name type } } }
		quotes(type: [ORGANIZATION]) { totalCount edges { node { text speaker { name type } } } }
		stats { quotesBy(field: SPEAKER_TYPE) { key label count node { id } } }
	}`, nil, &got)

	types := map[string]string{}
	for _, e := range got.All.Edges {
		types[e.Node.Name] = e.Node.Type
	}
	wantTypes := map[string]string{"Maria Vance": "PERSON", "Harbor Workers Union": "ORGANIZATION",
		"Riverton City Council": "ORGANIZATION", "Dayton Ledger": "DOCUMENT", "Tom Vance": "PERSON"}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("speaker types (-want +got):\n%s", diff)
	}
	if got.Orgs.TotalCount != 3 || len(got.Orgs.Edges) != 2 || got.Orgs.Edges[0].Node.Name != "Dayton Ledger" {
		t.Errorf("speakers(type: [ORGANIZATION, DOCUMENT], first: 2): %+v", got.Orgs)
	}
	if got.Quotes.TotalCount != 2 || len(got.Quotes.Edges) != 2 {
		t.Fatalf("quotes(type: [ORGANIZATION]): %+v", got.Quotes)
	}
	for _, e := range got.Quotes.Edges {
		if e.Node.Speaker.Type != "ORGANIZATION" {
			t.Errorf("quote %q of %+v", e.Node.Text, e.Node.Speaker)
		}
	}
	var buckets []string
	for _, b := range got.Stats.QuotesBy {
		buckets = append(buckets, fmt.Sprintf("%s %s %d %v", b.Key, b.Label, b.Count, b.Node))
	}
	want := []string{"organization organization 2 <nil>", "person person 2 <nil>", "document document 1 <nil>"}
	if diff := cmp.Diff(want, buckets); diff != "" {
		t.Errorf("quotesBy(field: SPEAKER_TYPE) (-want +got):\n%s", diff)
	}

	resp, _ := post(t, s, `{ quotes(type: [ANIMAL]) { totalCount } }`, nil)
	if len(resp.Errors) == 0 {
		t.Error("quotes(type: [ANIMAL]) gave no error")
	}
}
