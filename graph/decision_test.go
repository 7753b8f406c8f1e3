package graph_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// silvaArticles name one person two ways with too little else in common
// for a merge: a candidate for review.
func silvaArticles() []graph.ArticleInput {
	var out []graph.ArticleInput
	for i, a := range []struct{ name, title, quote string }{
		{"Ana Silva", "Portuguese Foreign Minister", "We will never accept these tariffs on our farmers and fishermen."},
		{"Anna Silva", "", "Exports rose sharply this year, the best result in a decade."},
	} {
		text := a.name + " said: “" + a.quote + "”"
		start := utf8.RuneCountInString(a.name + " said: “")
		q := graph.QuoteInput{Text: a.quote, Kind: graph.KindDirect, Confidence: 0.9,
			Spans:   []graph.Span{{Start: start, End: start + utf8.RuneCountInString(a.quote)}},
			Speaker: &graph.SpeakerRef{Name: a.name}}
		if a.title != "" {
			q.Speaker.Titles = []string{a.title}
		}
		out = append(out, graph.ArticleInput{URL: "https://silva.test/" + string(rune('a'+i)), Published: date("2025-03-01").AddDate(0, 0, i),
			Text: text, Quotes: []graph.QuoteInput{q}})
	}
	return out
}

// reindex rebuilds s from its articles, giving each the quotes it was
// first stored with.
func reindex(t *testing.T, s *graph.Store, ins []graph.ArticleInput) {
	t.Helper()
	byText := map[string][]graph.QuoteInput{}
	for _, in := range ins {
		byText[in.Text] = in.Quotes
	}
	err := s.Reindex(t.Context(), func(r *graph.Rebuild) error {
		// In batches of two, so that the articles of a batch see each other.
		var batch []*graph.Prepared
		put := func() error {
			_, errs := r.PutBatch(t.Context(), batch)
			batch = batch[:0]
			return errors.Join(errs...)
		}
		err := r.Articles(t.Context(), func(a graph.Article) error {
			p, err := r.Prepare(a, byText[a.Text])
			if err != nil {
				return err
			}
			if batch = append(batch, p); len(batch) == 2 {
				return put()
			}
			return nil
		})
		if err != nil {
			return err
		}
		return put()
	})
	if err != nil {
		t.Fatal(err)
	}
}

func oneSpeaker(t *testing.T, s *graph.Store) bool {
	t.Helper()
	a, err := s.SpeakerByName(t.Context(), "Ana Silva")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.SpeakerByName(t.Context(), "Anna Silva")
	if err != nil {
		t.Fatal(err)
	}
	return a.ID == b.ID
}

// A person's decisions hold for later ingests and across reindexes.
func TestDecisionsSurvive(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	ins := silvaArticles()
	for _, in := range ins {
		put(t, s, in)
	}
	cands, _, err := s.Candidates(ctx, graph.Page{})
	if err != nil || len(cands) != 1 || oneSpeaker(t, s) {
		t.Fatalf("candidates %+v, %v; want one, and two speakers", cands, err)
	}
	sp, err := s.ConfirmCandidate(ctx, cands[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !oneSpeaker(t, s) || len(sp.Merges) != 1 || sp.Merges[0].By != graph.ByPerson {
		t.Fatalf("after confirming: %+v", sp)
	}
	reindex(t, s, ins)
	if !oneSpeaker(t, s) {
		t.Errorf("the confirmed merge did not survive a reindex")
	}

	// Undo: two people, and no later article or reindex merges them again.
	sp, err = s.SpeakerByName(ctx, "Anna Silva")
	if err != nil || len(sp.Merges) != 1 {
		t.Fatalf("merged speaker %+v, %v", sp, err)
	}
	if _, err := s.UndoMerge(ctx, sp.Merges[0].Member); err != nil {
		t.Fatal(err)
	}
	if oneSpeaker(t, s) {
		t.Fatalf("one speaker after undoMerge")
	}
	more := silvaArticles()
	more[1].URL, more[1].Text = "https://silva.test/c", more[1].Text+" Again."
	more[1].Quotes[0].Speaker.Titles = []string{"Portuguese Foreign Minister"}
	put(t, s, more[1])
	if oneSpeaker(t, s) {
		t.Errorf("a later article merged what a person kept apart")
	}
	reindex(t, s, append(ins, more[1]))
	if oneSpeaker(t, s) {
		t.Errorf("a reindex merged what a person kept apart")
	}
	if cands, _, _ := s.Candidates(ctx, graph.Page{}); len(cands) != 0 {
		t.Errorf("candidates after the pair was kept apart: %+v", cands)
	}
}

// A role keeps the dates of the first and last articles that gave it.
func TestRoleDates(t *testing.T) {
	s := graphtest.Open(t)
	for i, d := range []string{"2025-03-05", "2025-03-01", "2025-03-09"} {
		text := "Kremlin spokesman Dmitry Peskov said: “Talks go on.”"
		q := quoted(text, "Talks go on.", "Dmitry Peskov", "", "")
		q.Speaker.Titles = []string{"Kremlin spokesman"}
		put(t, s, graph.ArticleInput{URL: "https://roles.test/" + d, Published: date(d), Text: text + string(rune('a'+i)), Quotes: []graph.QuoteInput{q}})
	}
	sp, err := s.SpeakerByName(t.Context(), "Dmitry Peskov")
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.Role{{Title: "spokesman", Organization: "Kremlin", From: date("2025-03-01"), To: date("2025-03-09")}}
	if len(sp.Roles) != 1 || sp.Roles[0] != want[0] {
		t.Errorf("roles %+v, want %+v", sp.Roles, want)
	}
}

// sayOnCNN returns a function that stores article i, in which name, of
// the title, said q on CNN; it has stored two already: Michelle Obama and
// "Obama", both first lady, which graphd merges, as she is the one Obama
// it knows.
func sayOnCNN(t *testing.T, s *graph.Store) func(i int, name, title, q string) {
	t.Helper()
	say := func(i int, name, title, q string) {
		t.Helper()
		text := fmt.Sprintf("Report %d. %s said on CNN: \"%s\"", i, name, q)
		in := quoted(text, q, name, "CNN", graph.VenueBroadcast)
		in.Speaker.Titles = []string{title}
		put(t, s, graph.ArticleInput{URL: fmt.Sprintf("https://obama.test/%d", i), Outlet: "Daily",
			Published: date("2016-09-01").AddDate(0, 0, i), Text: text, Quotes: []graph.QuoteInput{in}})
	}
	say(1, "Michelle Obama", "first lady", "When they go low, we go high.")
	say(2, "Obama", "first lady", "We are going to keep the garden growing.")
	return say
}

// TestSurnameAloneAmbiguous merges a surname alone with the one person of
// that surname graphd knows, and takes it back out, for review, when a
// second person of that surname arrives.
func TestSurnameAloneAmbiguous(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	say := sayOnCNN(t, s)
	michelle, err := s.SpeakerByName(ctx, "Michelle Obama")
	if err != nil {
		t.Fatal(err)
	}
	bare, err := s.SpeakerByName(ctx, "Obama")
	if err != nil {
		t.Fatal(err)
	}
	if bare.ID != michelle.ID {
		t.Fatalf("Obama is %s (%q), want Michelle Obama's person %s: the one Obama known", bare.ID, bare.Name, michelle.ID)
	}
	say(3, "Barack Obama", "president", "The economy is stronger than it was.")
	barack, err := s.SpeakerByName(ctx, "Barack Obama")
	if err != nil {
		t.Fatal(err)
	}
	michelle, err = s.Speaker(ctx, michelle.ID)
	if err != nil {
		t.Fatal(err)
	}
	bare, err = s.SpeakerByName(ctx, "Obama")
	if err != nil {
		t.Fatal(err)
	}
	if bare.ID == michelle.ID || bare.ID == barack.ID || barack.ID == michelle.ID {
		t.Errorf("after Barack Obama: Obama %s, Michelle %s, Barack %s, want three people", bare.ID, michelle.ID, barack.ID)
	}
	if len(michelle.Merges) != 0 {
		t.Errorf("Michelle Obama still has merges: %+v", michelle.Merges)
	}
	cs, _, err := s.Candidates(ctx, graph.Page{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cs {
		ids := []uuid.UUID{c.A, c.B}
		if slices.Contains(ids, bare.ID) && slices.Contains(ids, michelle.ID) {
			found = true
		}
	}
	if !found {
		t.Errorf("no review candidate for Obama and Michelle Obama: %+v", cs)
	}
	bs, err := s.QuotesBy(ctx, graph.BySpeaker, time.Time{}, time.Time{}, 10)
	if err != nil || len(bs) != 3 {
		t.Errorf("QuotesBy: %+v, %v; want three people with a quote each", bs, err)
	}
}

// TestSurnameAloneConfirmed leaves a cluster a person has merged into as
// it is, the surname alone in it included, when another person of that
// surname arrives.
func TestSurnameAloneConfirmed(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	say := sayOnCNN(t, s)
	say(3, "FLOTUS", "first lady", "Let's move.")
	michelle, err := s.SpeakerByName(ctx, "Michelle Obama")
	if err != nil {
		t.Fatal(err)
	}
	flotus, err := s.SpeakerByName(ctx, "FLOTUS")
	if err != nil {
		t.Fatal(err)
	}
	if bare, err := s.SpeakerByName(ctx, "Obama"); err != nil || bare.ID != michelle.ID || flotus.ID == michelle.ID {
		t.Fatalf("before: Obama %+v (%v), FLOTUS %s, Michelle %s; want Obama merged by graphd alone", bare, err, flotus.ID, michelle.ID)
	}
	if _, err := s.MergeSpeakers(ctx, michelle.ID, flotus.ID, uuid.Nil); err != nil {
		t.Fatal(err)
	}
	say(4, "Barack Obama", "president", "The economy is stronger than it was.")
	bare, err := s.SpeakerByName(ctx, "Obama")
	if err != nil {
		t.Fatal(err)
	}
	if bare.ID != michelle.ID {
		t.Errorf("Obama left the cluster of Michelle Obama, which a person has merged into")
	}
}

// Counts tells people from names: a merge makes two names one person, and
// undoing it makes them two people again; the names stay two.
func TestCountsPeopleAndNames(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	for _, in := range silvaArticles() {
		put(t, s, in)
	}
	counts := func() (people, names int) {
		t.Helper()
		c, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c.Speakers, c.Names
	}
	if p, n := counts(); p != 2 || n != 2 {
		t.Errorf("before the merge: %d people, %d names; want 2 and 2", p, n)
	}
	cands, _, err := s.Candidates(ctx, graph.Page{})
	if err != nil || len(cands) != 1 {
		t.Fatalf("candidates %+v, %v", cands, err)
	}
	sp, err := s.ConfirmCandidate(ctx, cands[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if p, n := counts(); p != 1 || n != 2 {
		t.Errorf("after the merge: %d people, %d names; want 1 and 2", p, n)
	}
	if _, err := s.UndoMerge(ctx, sp.Merges[0].Member); err != nil {
		t.Fatal(err)
	}
	if p, n := counts(); p != 2 || n != 2 {
		t.Errorf("after undoing it: %d people, %d names; want 2 and 2", p, n)
	}
}
