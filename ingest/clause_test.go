package ingest

import (
	"strings"
	"testing"
)

// tspanTexts returns the text of each span, joined by " / ".
func tspanTexts(d *doc, cs []tspan) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, string(d.r[c.start:c.end]))
	}
	return strings.Join(parts, " / ")
}

// find returns the span of the first occurrence of s in d's text.
func find(t *testing.T, d *doc, s string) tspan {
	t.Helper()
	i := strings.Index(string(d.r), s)
	if i < 0 {
		t.Fatalf("%q not in the text", s)
	}
	start := len([]rune(string(d.r)[:i]))
	return tspan{start, start + len([]rune(s))}
}

// TestTrimNarrative checks that after a quotation closed before its
// speaker and cue, the rest of the cue's sentence is the writer's, unless
// it opens another quotation of the same statement.
func TestTrimNarrative(t *testing.T) {
	tests := []struct {
		name, text, cue, src string
		cons                 []string
		want                 string
	}{
		{"narrative after the cue", "“We tried,” she said after the vote, and the hall emptied.", "said", "she",
			[]string{"“We tried,”", "after the vote, and the hall emptied"}, "“We tried,”"},
		{"a participle of the writer's", "“We tried,” Holt said, looking at the empty hall.", "said", "Holt",
			[]string{"“We tried,”", "looking at the empty hall"}, "“We tried,”"},
		{"a second quotation of the statement", "“We tried,” she said, but “the vote was lost.”", "said", "she",
			[]string{"“We tried,”", "but “the vote was lost.”"}, "“We tried,” / “the vote was lost.”"},
		{"a quotation another verb reports", "“We tried,” she said, adding that “the vote was lost.”", "said", "she",
			[]string{"“We tried,”", "adding that “the vote was lost.”"}, "“We tried,”"},
		{"the next sentence stays", "“We tried,” Holt said on Monday. “Nobody came.”", "said", "Holt",
			[]string{"“We tried,”", "on Monday", "“Nobody came.”"}, "“We tried,” / “Nobody came.”"},
		{"a quotation in a fronted phrase is not the statement", "Bemoaning the “rigged vote,” Holt accused the board of bias.", "accused", "Holt",
			[]string{"the board of bias"}, "the board of bias"},
		{"reported speech before its cue", "The vote was lost, Holt said after the count.", "said", "Holt",
			[]string{"The vote was lost", "after the count"}, "The vote was lost / after the count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDoc("Vote\n\n" + tt.text + "\n")
			var cons []tspan
			for _, c := range tt.cons {
				cons = append(cons, find(t, d, c))
			}
			c := find(t, d, " "+tt.cue)
			c.start++
			got := d.trimNarrative(c, find(t, d, tt.src), cons)
			if g := tspanTexts(d, got); g != tt.want {
				t.Errorf("content %q, want %q", g, tt.want)
			}
		})
	}
}

// TestDropClaimed checks that a cue's content does not run into a later
// sentence whose quotation has a cue of its own.
func TestDropClaimed(t *testing.T) {
	d := newDoc("Vote\n\n“We tried,” Holt said. “You failed” the voters, she added, citing the count. “Nobody came.”\n")
	cons := []tspan{find(t, d, "“We tried,”"), find(t, d, "“You failed” the voters"), find(t, d, "“Nobody came.”")}
	got := d.dropClaimed(find(t, d, "said"), cons)
	if g := tspanTexts(d, got); g != "“We tried,” / “Nobody came.”" {
		t.Errorf("content %q, want the first and last quotations", g)
	}
}

// TestWholeQuotations checks that a statement's quotations are all of its
// content, whole, and that one going on from another is made one with it.
func TestWholeQuotations(t *testing.T) {
	t.Run("a quotation cut short", func(t *testing.T) {
		d := newDoc("Vote\n\n“We tried to count every vote, and we failed,” Holt said.\n")
		d.attributeAll()
		d.atts[0].contents = []tspan{find(t, d, "and we failed")}
		d.wholeQuotations()
		if g := tspanTexts(d, d.atts[0].contents); g != "“We tried to count every vote, and we failed,”" {
			t.Errorf("content %q", g)
		}
	})
	t.Run("a quotation going on in the next sentence", func(t *testing.T) {
		d := newDoc("Vote\n\n“We tried,” Holt said on Monday. “Nobody came.”\n")
		d.attributeAll()
		if len(d.atts) != 1 {
			t.Fatalf("%d attributions by the rules, want 1", len(d.atts))
		}
		d.atts[0].contents = []tspan{find(t, d, "“We tried,”")}
		d.wholeQuotations()
		if g := tspanTexts(d, d.atts[0].contents); g != "“We tried,” / “Nobody came.”" {
			t.Errorf("content %q", g)
		}
	})
	t.Run("a quotation left where a content ends", func(t *testing.T) {
		d := newDoc("Vote\n\nHolt asked a few questions, including, “Who pays? Who gains?”\n")
		a := &attr{para: 1, person: -1, how: "tagger", contents: []tspan{find(t, d, "a few questions, including")}}
		d.atts = []*attr{a}
		d.wholeQuotations()
		if g := tspanTexts(d, a.contents); g != "a few questions, including, “Who pays? Who gains?”" {
			t.Errorf("content %q", g)
		}
	})
	t.Run("a quotation in a fronted phrase stays out", func(t *testing.T) {
		d := newDoc("Vote\n\nBemoaning the “rigged vote,” Holt accused the board of bias.\n")
		d.attributeAll()
		var a *attr
		for _, b := range d.atts {
			if len(b.segs) > 0 {
				a = b
			}
		}
		if a == nil {
			t.Skip("the rules attribute no quotation here")
		}
		a.contents = []tspan{find(t, d, "the board of bias")}
		d.wholeQuotations()
		if g := tspanTexts(d, a.contents); g != "the board of bias" {
			t.Errorf("content %q", g)
		}
	})
}

// TestContinuationParagraph checks that a paragraph of quotation with no
// cue of its own after a statement is that statement's, unless a cue of
// another statement follows it in its paragraph.
func TestContinuationParagraph(t *testing.T) {
	text := "Vote\n\n“We tried,” Holt said.\n\n“Nobody came.”\n\n“They stayed home,” ― Jane Roe\n"
	as := ExtractWith(nil, Article{Text: text})
	var got []string
	for _, a := range as {
		got = append(got, a.Speaker+": "+a.Quote)
	}
	if g := strings.Join(got, " | "); g != "Holt: We tried Nobody came. | Jane Roe: They stayed home" {
		t.Errorf("statements %q", g)
	}
}

// TestSentenceAfterQuestion checks that a quotation ending in a question
// mark is in one sentence with the speaker and cue after it, and that one
// ending in a period is not in one with a cue that introduces the next.
func TestSentenceAfterQuestion(t *testing.T) {
	tests := []struct{ text, want string }{
		{"“Does anyone know the plan?” Holt asked. “Nobody does.”", "Holt asked: Does anyone know the plan? Nobody does."},
		{"“Who pays?” the mayor of Dayton asked on Monday.", "the mayor of Dayton asked: Who pays?"},
		{"Mike Holt spoke first. He says the plan is “a mess.” He adds, “Who pays?”", "He says: a mess. | He adds: Who pays?"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			text := "Vote\n\n" + tt.text + "\n"
			var got []string
			for _, a := range ExtractWith(nil, Article{Text: text}) {
				s := ""
				if a.Source != nil {
					s = a.Source.Text
				}
				if a.Cue != nil {
					s += " " + a.Cue.Text
				}
				got = append(got, s+": "+a.Quote)
			}
			if g := strings.Join(got, " | "); g != tt.want {
				t.Errorf("got %q, want %q", g, tt.want)
			}
		})
	}
}

// TestParenthesisAfterName checks that a party and state after a name
// neither ends the sentence nor hides the cue.
func TestParenthesisAfterName(t *testing.T) {
	tests := []struct{ text, want string }{
		{"“The count was fair,” said Rep. Jane Roe (D-N.C.), head of the caucus. “We checked twice.”", "Jane Roe: The count was fair We checked twice."},
		{"“The count was fair,” Rep. Jane Roe (R-Utah) said after the vote.", "Jane Roe: The count was fair"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			text := "Vote\n\n" + tt.text + "\n"
			var got []string
			for _, a := range ExtractWith(nil, Article{Text: text}) {
				got = append(got, a.Speaker+": "+a.Quote)
			}
			if g := strings.Join(got, " | "); g != tt.want {
				t.Errorf("got %q, want %q", g, tt.want)
			}
		})
	}
}

// TestTitleQuotation checks that a quoted title is nobody's statement.
func TestTitleQuotation(t *testing.T) {
	for _, text := range []string{
		"Roe said on CBS's “Face the Nation” that taxes will rise.",
		"The 30-second spot, titled “Arrogant,” ran on Monday.",
		"On “Meet the Press,” Roe said taxes will rise.",
	} {
		t.Run(text, func(t *testing.T) {
			full := "Vote\n\n" + text + "\n"
			for _, a := range ExtractWith(nil, Article{Text: full}) {
				if a.Kind != "indirect" && a.Speaker != "" {
					t.Errorf("title %q attributed to %q", a.Quote, a.Speaker)
				}
			}
		})
	}
}

// TestStraightMarkBlock checks that a paragraph opened by a straight mark
// and never closed does not run into a paragraph opened by a curly one.
func TestStraightMarkBlock(t *testing.T) {
	d := newDoc("Vote\n\n\"The hall was empty.\n\n“We tried,” she said.\n")
	for _, s := range d.segs {
		if s.next >= 0 || s.prev >= 0 {
			t.Errorf("segment %q linked to another paragraph's", string(d.r[s.open:s.closeEnd]))
		}
	}
	d = newDoc("Vote\n\n“The hall was empty.\n\n“We tried,” she said.\n")
	if d.segs[0].next != 1 {
		t.Errorf("a quotation going on in the next paragraph is not linked")
	}
}
