package search

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/fold"
)

func TestSearchParse(t *testing.T) {
	tests := []struct {
		in   string
		want Query
	}{
		{"peace", Query{Terms: []Term{{"peace", "peac", true}}}},
		{"peace talks", Query{Terms: []Term{{"peace", "peac", false}, {"talks", "talk", true}}}},
		{"peace talks*", Query{Terms: []Term{{"peace", "peac", false}, {"talks", "talk", true}}}},
		{`"peace talks" now`, Query{Terms: []Term{{"now", "now", true}}, Phrases: [][]Term{{{"peace", "peac", false}, {"talks", "talk", false}}}}},
		{`peace -"talks now"`, Query{Terms: []Term{{"peace", "peac", false}}, Not: [][]Term{{{"talks", "talk", false}, {"now", "now", false}}}}},
		{"-war peace", Query{Terms: []Term{{"peace", "peac", true}}, Not: [][]Term{{{"war", "war", false}}}}},
		{"U.S.-Russia", Query{Phrases: [][]Term{{{"us", "us", false}, {"russia", "russia", false}}}}},
		{"the of", Query{Terms: []Term{{"of", "of", true}}}},
		{`"unclosed phrase`, Query{Phrases: [][]Term{{{"unclosed", "unclos", false}, {"phrase", "phrase", false}}}}},
		{`  ""  -  * `, Query{}},
	}
	for _, tt := range tests {
		got := Parse(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func FuzzSearch(f *testing.F) {
	for _, s := range []string{"peace", `"peace talks" -war negotiat*`, `-"`, "U.S.-Russia", "\"\xff"} {
		f.Add(s, "The peace talks in Riyadh were constructive.")
	}
	f.Fuzz(func(t *testing.T, search, text string) {
		q := Parse(search)
		q.Match(fold.Words(text)) // must not panic
		for _, ph := range append(q.Phrases, q.Not...) {
			if len(ph) == 0 {
				t.Errorf("Parse(%q) has an empty phrase", search)
			}
		}
	})
}
