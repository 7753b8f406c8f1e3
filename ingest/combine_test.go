package ingest

import (
	"strings"
	"testing"
)

// contents returns the text of each attribution's content spans, joined by
// " / ", with its source.
func contents(text string, as []Attribution) []string {
	r := []rune(text)
	var out []string
	for _, a := range as {
		var parts []string
		for _, c := range a.Content {
			parts = append(parts, string(r[c.Start:c.End]))
		}
		src := ""
		if a.Source != nil {
			src = a.Source.Text
		}
		out = append(out, src+": "+strings.Join(parts, " / "))
	}
	return out
}

func TestHeadline(t *testing.T) {
	tests := []struct{ head, want string }{
		{"Mara Holt: Taxes Will Not Rise This Year", "Mara Holt: Taxes Will Not Rise This Year"},
		{"Bridge Will Reopen in May, Mayor Says.", "Mayor: Bridge Will Reopen in May"},
		{"The Latest: Council meets on the budget", ""},   // a rubric, not a speaker
		{"Council Meets on Budget as Deadline Nears", ""}, // no statement
	}
	for _, tt := range tests {
		t.Run(tt.head, func(t *testing.T) {
			text := tt.head + "\n\nThe council met on Monday and talked for hours about roads.\n"
			var got []string
			for _, c := range contents(text, ExtractWith(nil, Article{Text: text})) {
				if strings.Contains(tt.head, strings.SplitN(c, ": ", 2)[1]) && c != ": " {
					got = append(got, c)
				}
			}
			if g := strings.Join(got, ", "); g != tt.want {
				t.Errorf("headline attribution %q, want %q", g, tt.want)
			}
		})
	}
}

// TestOneCueOneStatement checks that the quotations one cue introduces
// are one statement, whose content runs from the first to the last.
func TestOneCueOneStatement(t *testing.T) {
	text := "Vote\n\nHolt called the plan “reckless,” “costly” and “late.”\n"
	as := ExtractWith(nil, Article{Text: text})
	if len(as) != 1 {
		t.Fatalf("%d attributions: %q", len(as), contents(text, as))
	}
	if got := contents(text, as)[0]; got != "Holt: the plan “reckless,” “costly” and “late.”" {
		t.Errorf("content %q", got)
	}
	if len(as[0].Spans) != 3 {
		t.Errorf("spans %v, want the three quotations", as[0].Spans)
	}
}

// TestContentOffItsCue checks that a content the tagger runs over its own
// source and cue keeps to the quotation.
func TestContentOffItsCue(t *testing.T) {
	d := newDoc("Vote\n\n“We tried,” she said, and the meeting ended.\n")
	d.attributeAll()
	a := d.atts[0]
	a.contents = []tspan{{d.segs[0].open, d.paras[1].end - 1}}
	d.trimOwnCue(a)
	var got []string
	for _, c := range a.contents {
		got = append(got, string(d.r[c.start:c.end]))
	}
	if g := strings.Join(got, " / "); g != "“We tried,”" {
		t.Errorf("content %q, want the quotation alone", g)
	}
	// a quotation that goes on after the cue stays in
	d = newDoc("Vote\n\n“We tried,” she said, “and we failed.”\n")
	d.attributeAll()
	a = d.atts[0]
	a.contents = []tspan{{d.segs[0].open, d.paras[1].end}}
	d.trimOwnCue(a)
	got = got[:0]
	for _, c := range a.contents {
		got = append(got, string(d.r[c.start:c.end]))
	}
	if g := strings.Join(got, " / "); g != "“We tried,” / “and we failed.”" {
		t.Errorf("content %q, want both parts of the quotation", g)
	}
}

func TestCueKind(t *testing.T) {
	for cue, want := range map[string]string{
		"said": CueSpeech, "told": CueSpeech, "according to": CueSpeech, ":": CueSpeech, "―": CueSpeech,
		"said in a statement": CueSpeech, "tweeted": CueSpeech, "talked about": CueSpeech,
		"criticized": CueStance, "plans": CueStance, "had hoped": CueStance, "in his view": CueStance,
		"the fear that": CueStance, "a call for": CueSpeech, "supports": CueStance, "believes": CueStance,
	} {
		if got := cueKind(&Mention{Text: cue}); got != want {
			t.Errorf("cueKind(%q) = %q, want %q", cue, got, want)
		}
	}
	if got := cueKind(nil); got != "" {
		t.Errorf("cueKind(nil) = %q", got)
	}
}

// TestSubjectSource checks the speaker of a cue the tagger gives no
// source: the speaker of the cue it goes on from, or the subject of its
// sentence.
func TestSubjectSource(t *testing.T) {
	tests := []struct{ text, cue, source string }{
		{"“We will win the vote,” Jane Roe said, adding that the count would take a week.", "adding", "Jane Roe"},
		{"Jane Roe voted against the plan, arguing that the count would take a week.", "arguing", "Roe"},
	}
	for _, tt := range tests {
		t.Run(tt.cue, func(t *testing.T) {
			found := false
			for _, a := range Extract(Article{Text: "Vote count\n\n" + tt.text}) {
				if a.Cue == nil || !strings.Contains(a.Cue.Text, tt.cue) {
					continue
				}
				found = true
				if a.Source == nil || !strings.Contains(a.Source.Text, tt.source) {
					t.Errorf("cue %q: source %+v, want %q", a.Cue.Text, a.Source, tt.source)
				}
			}
			if !found {
				t.Errorf("no attribution with the cue %q", tt.cue)
			}
		})
	}
}

// TestNoOneToReport checks that reported speech with no source and no
// speaker is not kept as a statement.
func TestNoOneToReport(t *testing.T) {
	text := "Budget\n\nIt is widely expected that the budget will be short by the end of the year.\n"
	for _, a := range Extract(Article{Text: text}) {
		if a.Kind == "indirect" && a.Source == nil && a.Speaker == "" {
			t.Errorf("kept %q with no one to report it (cue %+v)", a.Quote, a.Cue)
		}
	}
}

// TestWholeName checks that a source the tagger ends or starts inside a
// name is taken out to the name's ends, and no further than the cue.
func TestWholeName(t *testing.T) {
	text := "Vote\n\nJane Roe said, adding that Senator Mark Ruiz Tuesday agreed.\n"
	d := newDoc(text)
	span := func(s string) tspan {
		i := strings.Index(text, s)
		return tspan{i, i + len(s)}
	}
	pi := d.paraOf(span("Jane").start)
	p := &d.paras[pi]
	for _, tt := range []struct{ src, cue, want string }{
		{"Jane", "adding", "Jane Roe"},
		{"Roe", "adding", "Jane Roe"},
		{"Jane Roe", "said", "Jane Roe"},
		{"Mark", "agreed", "Mark Ruiz"},
		{"Senator Mark", "agreed", "Senator Mark Ruiz"},
	} {
		got := wholeName(p, span(tt.src), span(tt.cue))
		if s := text[got.start:got.end]; s != tt.want {
			t.Errorf("wholeName(%q before %q) = %q, want %q", tt.src, tt.cue, s, tt.want)
		}
	}
}
