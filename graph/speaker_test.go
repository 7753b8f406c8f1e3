package graph_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

func TestFindSpeakers(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	put(t, s, articleA1(), articleA2(), articleA3())
	in := graph.ArticleInput{URL: "https://x.test/names", Text: "Ann said a. Anna Smith said b. Annabel Lee said c. Mary-Ann O'Neill said d."}
	for _, n := range []string{"Annabel Lee", "Anna Smith", "Ann", "Mary-Ann O'Neill"} {
		in.Quotes = append(in.Quotes, quoted(in.Text, n, n, "", ""))
	}
	put(t, s, in)

	tests := []struct {
		query string
		want  []string
	}{
		{"Sergey Lavrov", []string{"Sergey Lavrov"}},
		{"sergey lavrov", []string{"Sergey Lavrov"}},
		{"Lavrov", []string{"Sergey Lavrov"}},
		{"lavr", []string{"Sergey Lavrov"}},
		{"Sergey", []string{"Sergey Lavrov"}},
		{"serg lav", []string{"Sergey Lavrov"}},
		{"lavrov sergey", []string{"Sergey Lavrov"}},
		{"lavrov dmitry", nil},
		{"Erdogan", []string{"Recep Tayyip Erdoğan"}},
		{"ERDOĞAN", []string{"Recep Tayyip Erdoğan"}},
		{"recep tayyip erdogan", []string{"Recep Tayyip Erdoğan"}},
		{"tayyip", []string{"Recep Tayyip Erdoğan"}},
		// Exact first, then by name.
		{"ann", []string{"Ann", "Anna Smith", "Annabel Lee", "Mary-Ann O'Neill"}},
		{"anna", []string{"Anna Smith", "Annabel Lee"}},
		{"oneill", []string{"Mary-Ann O'Neill"}},
		{"O'Neill", []string{"Mary-Ann O'Neill"}},
		{"mary ann", []string{"Mary-Ann O'Neill"}},
		{"d", []string{"Dmitry Peskov"}},
		{"nobody", nil},
		{"!!", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			sps, info, err := s.FindSpeakers(ctx, tt.query, graph.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, sp := range sps {
				got = append(got, sp.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FindSpeakers(%q) (-want +got):\n%s", tt.query, diff)
			}
			if info.TotalCount != len(tt.want) || info.HasNextPage {
				t.Errorf("PageInfo = %+v", info)
			}
		})
	}
}

func TestSpeakerByName(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	put(t, s, articleA1(), articleA2(), articleA3())
	text := `Maria Lavrova said "one". Olga Lavrova said "two". Olga Lavrova said "three". ` +
		`Ivan Petrov said "four". Anna Petrov said "five".`
	put(t, s, graph.ArticleInput{URL: "https://x.test/lavrova", Text: text, Quotes: []graph.QuoteInput{
		quoted(text, "one", "Maria Lavrova", "", ""),
		quoted(text, "two", "Olga Lavrova", "", ""),
		quoted(text, "three", "Olga Lavrova", "", ""),
		quoted(text, "four", "Ivan Petrov", "", ""),
		quoted(text, "five", "Anna Petrov", "", ""),
	}})
	tests := []struct {
		name, want string
	}{
		{"Dmitry Peskov", "Dmitry Peskov"},
		{"  dmitry   PESKOV ", "Dmitry Peskov"},
		{"Recep Tayyip Erdogan", "Recep Tayyip Erdoğan"}, // the alias
		{"Peskov", "Dmitry Peskov"},                      // the only one so named
		{"erdoğan", "Recep Tayyip Erdoğan"},
		{"Lavrova", "Olga Lavrova"}, // the most quoted
		{"Lavrov", "Sergey Lavrov"}, // a whole word, not a prefix
		{"Petrov", ""},              // tied
		{"Dmitry Lavrov", ""},
		{"Peskov Dmitry", "Dmitry Peskov"},
		{"Pes", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp, err := s.SpeakerByName(ctx, tt.name)
			if tt.want == "" {
				if !errors.Is(err, graph.ErrNotFound) {
					t.Errorf("SpeakerByName(%q) = %q, %v; want ErrNotFound", tt.name, sp.Name, err)
				}
				return
			}
			if err != nil || sp.Name != tt.want {
				t.Errorf("SpeakerByName(%q) = %q, %v; want %q", tt.name, sp.Name, err, tt.want)
			}
		})
	}
}

func TestAddSpeakerAlias(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	put(t, s, articleA1(), articleA2())
	peskov := speakerID(t, s, "Dmitry Peskov")
	sp, err := s.AddSpeakerAlias(ctx, peskov, "Dmitri  Peskow")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Dmitri Peskow"}, sp.Aliases); diff != "" {
		t.Errorf("aliases (-want +got):\n%s", diff)
	}
	// Adding it again changes nothing.
	if sp, err = s.AddSpeakerAlias(ctx, peskov, "dmitri peskow"); err != nil || len(sp.Aliases) != 1 {
		t.Errorf("again: %v, %v", sp.Aliases, err)
	}
	// The alias now finds the speaker, in lookups and in PutArticle.
	if got, err := s.SpeakerByName(ctx, "Dmitri Peskow"); err != nil || got.ID != peskov {
		t.Errorf("SpeakerByName(alias) = %v, %v", got.ID, err)
	}
	if got, _, err := s.FindSpeakers(ctx, "peskow", graph.Page{}); err != nil || len(got) != 1 || got[0].ID != peskov {
		t.Errorf("FindSpeakers(alias word) = %v, %v", got, err)
	}
	text := `Dmitri Peskow said: "Nothing to add."`
	res := put(t, s, graph.ArticleInput{URL: "https://x.test/peskow", Text: text, Quotes: []graph.QuoteInput{
		quoted(text, "Nothing to add.", "Dmitri Peskow", "", ""),
	}})[0]
	if res.NewSpeakers != 0 {
		t.Errorf("NewSpeakers = %d, want the alias to match", res.NewSpeakers)
	}
	lavrov := speakerID(t, s, "Sergey Lavrov")
	for _, alias := range []string{"Dmitri Peskow", "dmitry peskov", "", "--"} {
		if _, err := s.AddSpeakerAlias(ctx, lavrov, alias); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("AddSpeakerAlias(lavrov, %q): err = %v, want ErrInvalid", alias, err)
		}
	}
}

func TestSpeakerVenues(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	put(t, s, articleA1(), articleA2(), articleA3())
	text := `Lavrov told CNN: "Again." Lavrov told CNN: "And again."`
	put(t, s, graph.ArticleInput{URL: "https://x.test/cnn", Text: text, Quotes: []graph.QuoteInput{
		quoted(text, "Again.", "Sergey Lavrov", "CNN", graph.VenueBroadcast),
		quoted(text, "And again.", "Sergey Lavrov", "CNN", graph.VenueBroadcast),
	}})
	vs, err := s.SpeakerVenues(ctx, speakerID(t, s, "Sergey Lavrov"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, v.Name+"/"+v.Kind)
	}
	if diff := cmp.Diff([]string{"CNN/broadcast", "RIA Novosti/interview"}, got); diff != "" {
		t.Errorf("SpeakerVenues (-want +got):\n%s", diff)
	}
	// A replaced article takes its edges with it.
	a1 := articleA1()
	a1.Text += " Update."
	a1.Quotes = a1.Quotes[:1]
	put(t, s, a1)
	if vs, err = s.SpeakerVenues(ctx, speakerID(t, s, "Sergey Lavrov")); err != nil || len(vs) != 1 {
		t.Errorf("after replace: %v, %v", vs, err)
	}
}

func TestFindVenues(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	put(t, s, articleA1(), articleA2(), articleA3())
	text := `He said on CNN International: "Yes." She told the CNN town hall: "No." He told CNN: "Maybe."`
	put(t, s, graph.ArticleInput{URL: "https://x.test/v", Text: text, Quotes: []graph.QuoteInput{
		quoted(text, "Yes.", "", "CNN International", graph.VenueBroadcast),
		quoted(text, "No.", "", "CNN town hall", graph.VenueEvent),
		quoted(text, "Maybe.", "", "cnn", graph.VenueInterview), // same name, other kind
	}})
	tests := []struct {
		query string
		want  []string
	}{
		{"CNN", []string{"CNN/broadcast", "cnn/interview", "CNN International/broadcast", "CNN town hall/event"}},
		{"town", []string{"CNN town hall/event"}},
		{"hall cnn", []string{"CNN town hall/event"}},
		{"ria novosti", []string{"RIA Novosti/interview"}},
		{"nov", []string{"RIA Novosti/interview"}},
		{"x", []string{"X/social"}},
		{"zzz", nil},
	}
	for _, tt := range tests {
		vs, info, err := s.FindVenues(ctx, tt.query, graph.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range vs {
			got = append(got, v.Name+"/"+v.Kind)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("FindVenues(%q) (-want +got):\n%s", tt.query, diff)
		}
		if info.TotalCount != len(tt.want) {
			t.Errorf("FindVenues(%q): TotalCount %d", tt.query, info.TotalCount)
		}
	}
}
