package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// checkAttributions checks the invariants every extraction must keep.
func checkAttributions(t testing.TB, text string, got []Attribution) {
	t.Helper()
	r := []rune(text)
	inRange := func(what string, s, e int) {
		if s < 0 || e > len(r) || s > e {
			t.Fatalf("%s [%d,%d) out of range of %d code points", what, s, e, len(r))
		}
	}
	seen := map[Span]string{}
	for _, a := range got {
		for _, s := range a.Spans {
			if prev, ok := seen[s]; ok {
				t.Fatalf("span %v extracted twice: %q and %q", s, prev, a.Quote)
			}
			seen[s] = a.Quote
		}
	}
	for _, a := range got {
		if len(a.Spans) == 0 {
			t.Fatalf("attribution %q has no span", a.Quote)
		}
		var parts []string
		for _, s := range a.Spans {
			inRange("span", s.Start, s.End)
			parts = append(parts, string(r[s.Start:s.End]))
		}
		if strings.Join(parts, " ") != a.Quote {
			t.Fatalf("quote %q is not its spans %q", a.Quote, parts)
		}
		if a.Confidence < 0 || a.Confidence > 1 {
			t.Fatalf("confidence %v", a.Confidence)
		}
		switch a.Kind {
		case "direct", "partial", "indirect":
		default:
			t.Fatalf("kind %q", a.Kind)
		}
		for _, m := range []*Mention{a.Source, a.Cue} {
			if m != nil {
				inRange("mention", m.Start, m.End)
				if string(r[m.Start:m.End]) != m.Text {
					t.Fatalf("mention %q is not its span %q", m.Text, string(r[m.Start:m.End]))
				}
			}
		}
		if a.Venue != nil {
			inRange("venue", a.Venue.Start, a.Venue.End)
		}
		if !utf8.ValidString(a.Quote) || !utf8.ValidString(a.Speaker) {
			t.Fatal("invalid UTF-8 out")
		}
	}
}

type want struct {
	Quote, Kind, Speaker, Source, Cue, Venue, VenueKind string
	Spans                                               int
}

func summary(got []Attribution) []want {
	var out []want
	for _, a := range got {
		w := want{Quote: a.Quote, Kind: a.Kind, Speaker: a.Speaker, Spans: len(a.Spans)}
		if a.Source != nil {
			w.Source = a.Source.Text
		}
		if a.Cue != nil {
			w.Cue = a.Cue.Text
		}
		if a.Venue != nil {
			w.Venue, w.VenueKind = a.Venue.Name, a.Venue.Kind
		}
		out = append(out, w)
	}
	return out
}

// TestExtract checks the rule extractor alone; the tagger is statistical
// and measured on PolNeAR instead.
func TestExtract(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []want
	}{{
		name: "speaker after the quotation, surname resolved",
		text: "Headline\n\nKremlin spokesman Dmitry Peskov spoke on Monday.\n\n“We are ready,” Peskov told reporters.",
		want: []want{{Quote: "We are ready", Kind: "direct", Speaker: "Dmitry Peskov", Source: "Peskov", Cue: "told", Venue: "reporters", VenueKind: "audience", Spans: 1}},
	}, {
		name: "split quotation is one attribution with two spans",
		text: "Senator Jane Doe spoke.\n\n\"This is wrong,\" she said in an interview with the BBC. \"We will fight it.\"",
		want: []want{{Quote: "This is wrong We will fight it.", Kind: "direct", Speaker: "Jane Doe", Source: "she", Cue: "said", Venue: "BBC", VenueKind: "broadcast", Spans: 2}},
	}, {
		name: "cue before the speaker",
		text: "«Nothing is agreed,» said Foreign Minister Sergey Lavrov at a news conference in Moscow.",
		want: []want{{Quote: "Nothing is agreed", Kind: "direct", Speaker: "Sergey Lavrov", Source: "Foreign Minister Sergey Lavrov", Cue: "said", Venue: "news conference in Moscow", VenueKind: "event", Spans: 1}},
	}, {
		name: "partial quotations in reported speech",
		text: "Maria Lopez last week warned the council against “any deal” and accused it of “appeasement”.",
		want: []want{
			{Quote: "any deal", Kind: "partial", Speaker: "Maria Lopez", Source: "Maria Lopez", Cue: "warned", Spans: 1},
			{Quote: "appeasement", Kind: "partial", Speaker: "Maria Lopez", Source: "Maria Lopez", Cue: "warned", Spans: 1},
		},
	}, {
		name: "unclosed quotation stops at the paragraph end",
		text: "“This runs on and never closes, the writer forgot.\nNext paragraph with no quote.\n\nPresident Ana Silva said taxes would rise next year.",
		want: []want{
			{Quote: "This runs on and never closes, the writer forgot.", Kind: "direct", Spans: 1},
			{Quote: "taxes would rise next year", Kind: "indirect", Speaker: "Ana Silva", Source: "President Ana Silva", Cue: "said", Spans: 1},
		},
	}, {
		name: "quotation over two paragraphs",
		text: "Mayor John Smith said: “The first part goes here.\n\n“And the second part here.”",
		want: []want{{Quote: "The first part goes here. And the second part here.", Kind: "direct", Speaker: "John Smith", Source: "Mayor John Smith", Cue: "said", Spans: 2}},
	}, {
		name: "colon at the end of the paragraph above",
		text: "Mayor Ana Ruiz spoke after the vote. She said in a statement:\n\n“We will build the bridge this year.”\n\nThe transcript follows:\n\n“Can you say when?”",
		want: []want{
			{Quote: "We will build the bridge this year.", Kind: "direct", Speaker: "Ana Ruiz", Source: "She", Cue: "said", Venue: "statement", VenueKind: "statement", Spans: 1},
			{Quote: "Can you say when?", Kind: "direct", Spans: 1},
		},
	}, {
		name: "cue, venue and day before a colon",
		text: "Governor Tom Baker told reporters on Friday: “We will not back down.”",
		want: []want{{Quote: "We will not back down.", Kind: "direct", Speaker: "Tom Baker", Source: "Governor Tom Baker", Cue: "told", Venue: "reporters", VenueKind: "audience", Spans: 1}},
	}, {
		name: "a continuation in the next paragraph is one statement with the one it goes on from",
		text: "“We need to act,” Governor Tom Baker told CNN.\n\n“Nobody else will.”",
		want: []want{
			{Quote: "We need to act Nobody else will.", Kind: "direct", Speaker: "Tom Baker", Source: "Governor Tom Baker", Cue: "told", Venue: "CNN", VenueKind: "broadcast", Spans: 2},
		},
	}, {
		name: "single quotes in a headline",
		text: "Baker: ‘We will not back down’\n\nGovernor Tom Baker spoke on Friday.",
		want: []want{{Quote: "We will not back down", Kind: "direct", Speaker: "Tom Baker", Source: "Baker", Cue: ":", Spans: 1}},
	}, {
		name: "statement on a social network",
		text: "In a statement on X, party spokesman Ali Demir said the vote was fair.",
		want: []want{{Quote: "the vote was fair", Kind: "indirect", Speaker: "Ali Demir", Source: "party spokesman Ali Demir", Cue: "said", Venue: "X", VenueKind: "social", Spans: 1}},
	}, {
		name: "nested quotation stays inside the outer one",
		text: "“They called it ‘a fair deal’ and signed,” said Senator Ann Cole.",
		want: []want{{Quote: "They called it ‘a fair deal’ and signed", Kind: "direct", Speaker: "Ann Cole", Source: "Senator Ann Cole", Cue: "said", Spans: 1}},
	}, {
		name: "straight double quotes",
		text: "\"Prices will fall,\" Governor Tom Baker said on Monday.",
		want: []want{{Quote: "Prices will fall", Kind: "direct", Speaker: "Tom Baker", Source: "Governor Tom Baker", Cue: "said", Spans: 1}},
	}, {
		name: "apostrophes are not quotation marks",
		text: "It’s the mayor’s plan, and the voters’ choice isn’t clear.",
		want: nil,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ExtractWith(nil, Article{Text: tt.text})
			checkAttributions(t, tt.text, got)
			if diff := cmp.Diff(tt.want, summary(got)); diff != "" {
				t.Errorf("Extract mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzExtract(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "seeds", "*.txt"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Add("“a,” he said. “b")
	f.Add("'x' «y» „z“ \"w")
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return
		}
		checkAttributions(t, text, Extract(Article{Text: text}))
	})
}

// TestDoubledApostrophes: quotation marks typed as two apostrophes are read
// as double ones, a single quotation inside them too, and the text of what
// is found is the article's.
func TestDoubledApostrophes(t *testing.T) {
	text := "Budget vote\n\n''We have the votes,'' Senator Ann Cole said on Monday.\n\n" +
		"Mayor Tom Reed said: ''The council told me 'not yet.'''"
	for _, m := range []*Model{nil, DefaultModel()} {
		got := ExtractWith(m, Article{Text: text})
		checkAttributions(t, text, got)
		quotes := map[string]string{}
		for _, a := range got {
			quotes[a.Quote] = a.Speaker
		}
		want := map[string]string{
			"We have the votes":              "Ann Cole",
			"The council told me 'not yet.'": "Tom Reed",
		}
		for q, s := range want {
			if quotes[q] != s {
				t.Errorf("model %v: quotation %q by %q not found: %q", m != nil, q, s, quotes)
			}
		}
	}
}
