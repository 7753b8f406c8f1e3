package graph_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// sayTyped stores article i, in which name, a speaker of type typ and of
// the titles, said q on CNN.
func sayTyped(t *testing.T, s *graph.Store, i int, name, typ, q string, titles ...string) {
	t.Helper()
	text := fmt.Sprintf("Report %d. %s said on CNN: \"%s\"", i, name, q)
	in := quoted(text, q, name, "CNN", graph.VenueBroadcast)
	in.Speaker.Type, in.Speaker.Titles = typ, titles
	put(t, s, graph.ArticleInput{URL: fmt.Sprintf("https://types.test/%d", i), Outlet: "Daily",
		Published: date("2016-09-01").AddDate(0, 0, i), Text: text, Quotes: []graph.QuoteInput{in}})
}

// TestSpeakerTypes stores speakers of several types and reads them back
// by type: the speaker, the speakers and quotes filtered on it, and the
// quotes counted by it.
func TestSpeakerTypes(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	sayTyped(t, s, 1, "Maria Vance", graph.SpeakerPerson, "The port will open.")
	sayTyped(t, s, 2, "Harbor Workers Union", graph.SpeakerOrganization, "We oppose the plan.")
	sayTyped(t, s, 3, "Dayton Ledger", graph.SpeakerDocument, "The race is tied.")
	sayTyped(t, s, 4, "Harbor Workers Union", graph.SpeakerOrganization, "We will strike.")
	sayTyped(t, s, 5, "Tom Vance", "", "I have no stake in it.") // no type: a person

	for name, want := range map[string]string{
		"Maria Vance": graph.SpeakerPerson, "Harbor Workers Union": graph.SpeakerOrganization,
		"Dayton Ledger": graph.SpeakerDocument, "Tom Vance": graph.SpeakerPerson,
	} {
		sp, err := s.SpeakerByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if sp.Type != want {
			t.Errorf("%s: type %q, want %q", name, sp.Type, want)
		}
	}

	sps, info, err := s.FindSpeakersOfType(ctx, "", []string{graph.SpeakerOrganization, graph.SpeakerDocument}, graph.Page{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(sps) != 1 || sps[0].Name != "Dayton Ledger" || !info.HasNextPage || info.TotalCount != 2 {
		t.Fatalf("organisations and documents, first page: %+v %+v", sps, info)
	}
	sps, info, err = s.FindSpeakersOfType(ctx, "", []string{graph.SpeakerOrganization, graph.SpeakerDocument}, graph.Page{First: 1, After: info.EndCursor})
	if err != nil || len(sps) != 1 || sps[0].Name != "Harbor Workers Union" || info.HasNextPage {
		t.Fatalf("second page: %+v %+v %v", sps, info, err)
	}
	// backwards: the last of the type, then the one before it
	sps, info, err = s.FindSpeakersOfType(ctx, "", []string{graph.SpeakerOrganization, graph.SpeakerDocument}, graph.Page{Last: 1})
	if err != nil || len(sps) != 1 || sps[0].Name != "Harbor Workers Union" || !info.HasPreviousPage || info.TotalCount != 2 {
		t.Fatalf("organisations and documents, last page: %+v %+v %v", sps, info, err)
	}
	sps, info, err = s.FindSpeakersOfType(ctx, "", []string{graph.SpeakerOrganization, graph.SpeakerDocument}, graph.Page{Last: 1, Before: info.StartCursor})
	if err != nil || len(sps) != 1 || sps[0].Name != "Dayton Ledger" || info.HasPreviousPage {
		t.Fatalf("the page before: %+v %+v %v", sps, info, err)
	}
	if sps, _, err := s.FindSpeakersOfType(ctx, "vance", []string{graph.SpeakerPerson}, graph.Page{Last: 1}); err != nil || len(sps) != 1 || sps[0].Name != "Tom Vance" {
		t.Errorf("the last person named Vance: %+v %v", sps, err)
	}
	if sps, _, err := s.FindSpeakersOfType(ctx, "vance", []string{graph.SpeakerPerson}, graph.Page{}); err != nil || len(sps) != 2 {
		t.Errorf("people named Vance: %+v %v", sps, err)
	}
	if _, _, err := s.FindSpeakersOfType(ctx, "", []string{"animal"}, graph.Page{}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("unknown type: err = %v", err)
	}

	qs, info, err := s.Quotes(ctx, graph.QuoteFilter{SpeakerTypes: []string{graph.SpeakerOrganization}}, graph.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || info.TotalCount != 2 {
		t.Errorf("quotes of organisations: %d, total %d, want 2", len(qs), info.TotalCount)
	}
	qs, _, err = s.Quotes(ctx, graph.QuoteFilter{SpeakerTypes: []string{graph.SpeakerPerson}, Search: "stake"}, graph.Page{})
	if err != nil || len(qs) != 1 || qs[0].Text != "I have no stake in it." {
		t.Errorf("quotes of people with \"stake\": %+v %v", qs, err)
	}
	if _, _, err := s.Quotes(ctx, graph.QuoteFilter{SpeakerTypes: []string{"animal"}}, graph.Page{}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("unknown type in a quote filter: err = %v", err)
	}

	bs, err := s.QuotesBy(ctx, graph.BySpeakerType, time.Time{}, time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.Bucket{{Label: graph.SpeakerOrganization, Count: 2}, {Label: graph.SpeakerPerson, Count: 2}, {Label: graph.SpeakerDocument, Count: 1}}
	if !slices.Equal(bs, want) {
		t.Errorf("quotes by speaker type: %+v, want %+v", bs, want)
	}
}

// TestIdentityKeepsTypesApart never merges names of different types:
// "Jordan" the organisation is not Michael Jordan, though "Jordan" the
// person, a surname alone of the same title, is.
func TestIdentityKeepsTypesApart(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	sayTyped(t, s, 1, "Michael Jordan", graph.SpeakerPerson, "We will win the series.", "team captain")
	sayTyped(t, s, 2, "Jordan", graph.SpeakerOrganization, "The border stays closed.", "team captain")
	michael, err := s.SpeakerByName(ctx, "Michael Jordan")
	if err != nil {
		t.Fatal(err)
	}
	country, err := s.SpeakerByName(ctx, "Jordan")
	if err != nil {
		t.Fatal(err)
	}
	if country.ID == michael.ID || country.Type != graph.SpeakerOrganization {
		t.Errorf("Jordan, an organisation, is %s of type %q; Michael Jordan is %s", country.ID, country.Type, michael.ID)
	}
	cs, _, err := s.Candidates(ctx, graph.Page{})
	if err != nil || len(cs) != 0 {
		t.Errorf("review candidates %+v, %v; want none across types", cs, err)
	}

	// the same names, both people: one person
	s = graphtest.Open(t)
	sayTyped(t, s, 1, "Michael Jordan", graph.SpeakerPerson, "We will win the series.", "team captain")
	sayTyped(t, s, 2, "Jordan", graph.SpeakerPerson, "The border stays closed.", "team captain")
	michael, err = s.SpeakerByName(ctx, "Michael Jordan")
	if err != nil {
		t.Fatal(err)
	}
	if bare, err := s.SpeakerByName(ctx, "Jordan"); err != nil || bare.ID != michael.ID {
		t.Errorf("Jordan, a person, is %s (%v), want Michael Jordan %s", bare.ID, err, michael.ID)
	}
}

// TestSpeakerTypeStoredBefore reads a speaker record stored with no type,
// as stores written before speakers had types hold them, as a person, and
// gives it the type of the first reference that has one.
func TestSpeakerTypeStoredBefore(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	sayTyped(t, s, 1, "Dayton Ledger", "", "The race is tied.")
	sp, err := s.SpeakerByName(ctx, "Dayton Ledger")
	if err != nil || sp.Type != graph.SpeakerPerson {
		t.Fatalf("untyped: %+v %v, want a person", sp, err)
	}
	sayTyped(t, s, 2, "Dayton Ledger", graph.SpeakerDocument, "The race is close.")
	if sp, err = s.SpeakerByName(ctx, "Dayton Ledger"); err != nil || sp.Type != graph.SpeakerDocument {
		t.Errorf("typed later: %+v %v, want a document", sp, err)
	}
}
