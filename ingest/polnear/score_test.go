package polnear

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/graphd/graphd/ingest"
)

// find returns the span, in code points, of the nth (from 0) occurrence of
// sub in text.
func find(t *testing.T, text, sub string, nth int) ingest.Span {
	t.Helper()
	from := 0
	for {
		i := strings.Index(text[from:], sub)
		if i < 0 {
			t.Fatalf("%q not found %d times", sub, nth+1)
		}
		if nth == 0 {
			s := utf8.RuneCountInString(text[:from+i])
			return ingest.Span{Start: s, End: s + utf8.RuneCountInString(sub)}
		}
		nth--
		from += i + len(sub)
	}
}

func TestTrim(t *testing.T) {
	tests := []struct{ in, want string }{
		{"“We will build it,”", "We will build it"},
		{" 'Hello.' ", "Hello"},
		{"«Oui» ;", "Oui"},
		{"„Ja“", "Ja"},
		{"‘in their heads.’", "in their heads"},
		{"\n\"We tried.\nWe failed,\"", "We tried.\nWe failed"},
		{"said:", "said"},
		{":", ""},
		{"U.S.", "U.S"},
		{"the Democrats’", "the Democrats"},
		{"plain", "plain"},
	}
	for _, tt := range tests {
		text := []rune("<" + tt.in + ">")
		s := Trim(text, ingest.Span{Start: 1, End: len(text) - 1})
		if got := string(text[s.Start:s.End]); got != tt.want {
			t.Errorf("Trim(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	text := []rune("“ab”")
	if got := Trim(text, ingest.Span{Start: -3, End: 99}); got != (ingest.Span{Start: 1, End: 3}) {
		t.Errorf("Trim clamps to %v, want [1,3)", got)
	}
	if got := Trim(text, ingest.Span{Start: 3, End: 1}); got.Start != got.End {
		t.Errorf("Trim of a reversed span = %v, want empty", got)
	}
}

func TestQuoted(t *testing.T) {
	text := `He said “yes” and ‘maybe’ and it’s Bob's "call".`
	tests := []struct {
		sub  string
		want bool
	}{
		{"“yes”", true},
		{"yes", true},       // inside the marks, as the extractor gives quotations
		{"maybe", true},     // after an opening single mark
		{"it’s Bob", false}, // apostrophes are not quotation marks
		{"He said", false},
		{"call", true},
	}
	for _, tt := range tests {
		if got := Quoted([]rune(text), []ingest.Span{find(t, text, tt.sub, 0)}); got != tt.want {
			t.Errorf("Quoted(%q) = %v, want %v", tt.sub, got, tt.want)
		}
	}
	if !Quoted([]rune(text), []ingest.Span{find(t, text, "He", 0), find(t, text, "call", 0)}) {
		t.Error("a content is quoted when any fragment is")
	}
	if Quoted([]rune("“"), []ingest.Span{{Start: 5, End: 9}}) {
		t.Error("a span outside the text is quoted")
	}
}

func TestTokenIndex(t *testing.T) {
	text := []rune("U.S. ‘90s co-op café, 3,000")
	var got []string
	idx := tokenIndex(text)
	for i, r := range text {
		switch {
		case idx[i] < 0:
		case i > 0 && idx[i-1] == idx[i]:
			got[len(got)-1] += string(r)
		default:
			if idx[i] != len(got) {
				t.Fatalf("token %d numbered %d", len(got), idx[i])
			}
			got = append(got, string(r))
		}
	}
	want := []string{"U", "S", "90s", "co", "op", "café", "3", "000"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tokens (-want +got):\n%s", diff)
	}
}

// fixturePredictions are predictions for the fixture month, written by
// hand so that the scores in TestScore can be worked out on paper.
func fixturePredictions(t *testing.T, gold []Doc) []Doc {
	t.Helper()
	a, b := gold[0].Text, gold[1].Text
	f := func(text, sub string) []ingest.Span { return []ingest.Span{find(t, text, sub, 0)} }
	return []Doc{
		{Name: "alpha", Text: a, Attributions: []Attribution{
			// all exact, the content inside the marks as the extractor gives it
			{ID: "P1", Source: f(a, "Mayor Ana Ruiz"), Cue: f(a, "said"), Content: f(a, "We will build it,")},
			// content without "that": IoU 4/5; but the source shares no token with "She"
			{ID: "P2", Source: f(a, "Ana Ruiz"), Cue: f(a, "added"), Content: f(a, "the cost would fall")},
		}},
		{Name: "beta", Text: b, Attributions: []Attribution{
			{ID: "P1", Source: f(b, "the clerk"), Cue: f(b, "said"),
				Content: append(f(b, "The vote is close,"), f(b, "but we expect a result.")...)},
			// cue too long; content exact after trimming
			{ID: "P2", Source: f(b, "the mayor"), Cue: f(b, "told reporters"), Content: f(b, "We tried.\nWe failed,")},
			// neither has a source; content IoU 4/5
			{ID: "P3", Content: f(b, "the budget is short")},
			// a second, partial copy of P1: IoU 4/9 with the gold
			{ID: "P4", Source: f(b, "the clerk"), Cue: f(b, "said"), Content: f(b, "The vote is close")},
		}},
	}
}

func TestScore(t *testing.T) {
	gold := loadFixture(t)
	pred := fixturePredictions(t, gold)
	got := Score(gold, pred)

	want := Report{
		Articles: 2,
		Roles: []RoleReport{
			// exact: gold Mayor Ana Ruiz, She, the clerk, the mayor; predicted
			// Mayor Ana Ruiz, Ana Ruiz, the clerk ×2, the mayor.
			// tokens: gold 4+4, predicted 3+4, all of them gold
			{Role: "source", Exact: newPRF(4, 5, 3, 3), Token: newPRF(8, 7, 7, 7)},
			// exact: gold said, added, said, told, It is reported; predicted
			// said, added, said, told reporters, said.
			// tokens: gold said added said told It is reported; predicted
			// said added said told reporters
			{Role: "cue", Exact: newPRF(5, 5, 3, 3), Token: newPRF(7, 5, 4, 4)},
			// exact: 6 gold fragments, 7 predicted, 4 equal after trimming.
			// tokens: gold 4+5 and 9+4+5; predicted 4+4 and 9+4+4 (P4
			// within P1), none outside the gold
			{Role: "content", Exact: newPRF(6, 7, 4, 4), Token: newPRF(27, 25, 25, 25)},
		},
		// matched: alpha E1–P1, beta E1–P1, E2–P2, E4–P3.
		// quoted gold: alpha E1, beta E1, E2; quoted predicted: alpha P1,
		// beta P1, P2, P4 (each next to a mark)
		Attributions: AttributionReport{
			All:      newPRF(5, 6, 4, 4),
			Quoted:   newPRF(3, 4, 3, 3),
			Unquoted: newPRF(2, 2, 1, 1),
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Report{}, "Errors")); diff != "" {
		t.Errorf("Score (-want +got):\n%s", diff)
	}
	// and the figures, once, from the counts
	c := got.Roles[2].Exact
	if diff := cmp.Diff([]float64{400.0 / 7, 400.0 / 6, 800.0 / 13}, []float64{c.Precision, c.Recall, c.F1},
		cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("content exact P/R/F1 (-want +got):\n%s", diff)
	}

	type e struct {
		Role, Article, Text string
		Miss                bool
	}
	var errs []e
	for _, x := range got.Errors {
		errs = append(errs, e{x.Role, x.Article, x.Text, x.Miss})
	}
	wantErrs := []e{
		{"source", "alpha", "She", true},
		{"source", "alpha", "Ana Ruiz", false},
		{"source", "beta", "the clerk", false},
		{"cue", "beta", "told", true},
		{"cue", "beta", "It is reported", true},
		{"cue", "beta", "told reporters", false},
		{"cue", "beta", "said", false},
		{"content", "alpha", "that the cost would fall", true},
		{"content", "beta", "that the budget is short", true},
		{"content", "alpha", "the cost would fall", false},
		{"content", "beta", "the budget is short", false},
		{"content", "beta", "The vote is close", false},
		{"attribution", "alpha", "that the cost would fall", true},
		{"attribution", "alpha", "the cost would fall", false},
		{"attribution", "beta", "The vote is close", false},
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	she := got.Errors[0]
	if !strings.Contains(she.Context, "Monday. [[She]] added that") || strings.Contains(she.Context, "\n") {
		t.Errorf("context %q", she.Context)
	}
	if miss := got.Errors[12]; miss.Note != "source She, cue added" {
		t.Errorf("attribution note %q", miss.Note)
	}
}

func TestScoreEdges(t *testing.T) {
	gold := loadFixture(t)
	t.Run("no predictions", func(t *testing.T) {
		r := Score(gold, nil)
		for _, rr := range r.Roles {
			if rr.Exact.Pred != 0 || rr.Exact.Recall != 0 || rr.Exact.Precision != 0 || rr.Exact.F1 != 0 {
				t.Errorf("%s: %+v", rr.Role, rr.Exact)
			}
		}
		if a := r.Attributions.All; a.Gold != 5 || a.MatchedGold != 0 {
			t.Errorf("attributions %+v", a)
		}
	})
	t.Run("gold predicted", func(t *testing.T) {
		r := Score(gold, gold)
		for _, p := range []PRF{r.Roles[0].Exact, r.Roles[1].Token, r.Roles[2].Exact, r.Attributions.All, r.Attributions.Quoted} {
			if p.Precision != 100 || p.Recall != 100 || p.F1 != 100 {
				t.Errorf("%+v, want 100", p)
			}
		}
		if len(r.Errors) != 0 {
			t.Errorf("errors %+v", r.Errors)
		}
	})
	t.Run("spans outside the text", func(t *testing.T) {
		pred := []Doc{{Name: "alpha", Attributions: []Attribution{
			{ID: "P1", Source: spans(-5, 2), Cue: spans(500, 600), Content: spans(100, 900)},
		}}}
		r := Score(gold[:1], pred)
		if r.Roles[1].Exact.Pred != 0 || r.Roles[0].Exact.Pred != 1 {
			t.Errorf("%+v", r.Roles)
		}
	})
}

func TestPredict(t *testing.T) {
	for _, d := range loadFixture(t) {
		p := Predict(d)
		if p.Name != d.Name || p.Text != d.Text {
			t.Errorf("%s: Predict changed the name or text", d.Name)
		}
		n := utf8.RuneCountInString(d.Text)
		for _, a := range p.Attributions {
			if !strings.HasPrefix(a.ID, "P") || len(a.Content) == 0 {
				t.Errorf("%s: %+v", d.Name, a)
			}
			for _, s := range append(append(a.Source, a.Cue...), a.Content...) {
				if s.Start < 0 || s.End < s.Start || s.End > n {
					t.Errorf("%s %s: span %v outside the text", d.Name, a.ID, s)
				}
			}
		}
	}
}
