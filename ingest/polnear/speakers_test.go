package polnear

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The people fixture is a month of two short invented articles, port and
// race, with one annotator and a speakers layer: names with titles and
// courtesy titles, a couple sharing a surname, pronouns, relative
// pronouns, a role noun, generic sources, an organisation, a campaign and
// a poll.
var (
	peopleDir      = filepath.Join("testdata", "people", "month")
	peopleMetadata = filepath.Join("testdata", "people", "metadata.tsv")
	peopleSpeakers = filepath.Join("testdata", "people", "speakers.jsonl")
)

func loadPeople(t *testing.T) ([]Doc, *Speakers) {
	t.Helper()
	meta, err := ReadMetadata(peopleMetadata)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := LoadMonth(peopleDir, meta)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ReadSpeakers(peopleSpeakers)
	if err != nil {
		t.Fatal(err)
	}
	return docs, s
}

func TestReadSpeakers(t *testing.T) {
	docs, s := loadPeople(t)
	if s.Len() != 15 {
		t.Fatalf("%d lines, want 15", s.Len())
	}
	// every line keys a gold attribution, and its source is that
	// attribution's source
	n := 0
	for _, d := range docs {
		for _, a := range d.Attributions {
			g := s.lookup(d.Name, a)
			if g == nil {
				t.Errorf("%s %s: no line", d.Name, a.ID)
				continue
			}
			n++
			if src := string([]rune(d.Text)[g.Source[0]:g.Source[1]]); src != g.SourceText || a.Source[0].Start != g.Source[0] {
				t.Errorf("%s %s: source %q at %d, line says %q at %d", d.Name, a.ID, src, a.Source[0].Start, g.SourceText, g.Source[0])
			}
		}
	}
	if n != 15 {
		t.Errorf("%d attributions keyed, want 15", n)
	}
	g := s.lines[speakerKey{"race", 212, 216}]
	want := &SpeakerGold{Doc: "race", Cue: [2]int{212, 216}, Source: [2]int{209, 211}, SourceText: "He", Mention: "pronoun",
		Referent: ptr("Paul Green"), Type: "person", Names: []string{"Paul Green"}, line: 12}
	if diff := cmp.Diff(want, g, cmp.AllowUnexported(SpeakerGold{})); diff != "" {
		t.Errorf("line of race's \"He\" (-want +got):\n%s", diff)
	}
}

func ptr(s string) *string { return &s }

func TestReadSpeakersErrors(t *testing.T) {
	const ok = `{"doc": "a", "cue": [4, 8], "source": [0, 3], "mention": "name", "referent": "Ada Li", "type": "person", "names": ["Ada Li"]}` + "\n"
	tests := []struct{ name, layer, want string }{
		{"not JSON", ok + "{doc\n", "line 2"},
		{"no doc", ok + `{"cue": [4, 8], "source": [0, 3], "mention": "name", "type": "generic", "referent": null, "names": []}` + "\n", "line 2: no doc"},
		{"unknown mention", ok + `{"doc": "a", "cue": [9, 12], "source": [0, 3], "mention": "noun", "type": "generic", "referent": null, "names": []}` + "\n", `mention "noun"`},
		{"unknown type", ok + `{"doc": "a", "cue": [9, 12], "source": [0, 3], "mention": "role", "type": "animal", "referent": null, "names": []}` + "\n", `type "animal"`},
		{"empty cue", ok + `{"doc": "a", "cue": [9, 9], "source": [0, 3], "mention": "role", "type": "generic", "referent": null, "names": []}` + "\n", "cue [9 9]"},
		{"no source", ok + `{"doc": "a", "cue": [9, 12], "mention": "role", "type": "generic", "referent": null, "names": []}` + "\n", "source [0 0]"},
		{"referent without names", ok + `{"doc": "a", "cue": [9, 12], "source": [0, 3], "mention": "name", "type": "person", "referent": "Bo", "names": []}` + "\n", "needs names"},
		{"names without referent", ok + `{"doc": "a", "cue": [9, 12], "source": [0, 3], "mention": "name", "type": "person", "referent": null, "names": ["Bo"]}` + "\n", "needs names"},
		{"same cue twice", ok + "\n" + ok, "line 3: the cue [4 8] of a is also on line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "speakers.jsonl")
			if err := os.WriteFile(path, []byte(tt.layer), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadSpeakers(path)
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %v, want ErrMalformed naming the file and %q", err, tt.want)
			}
		})
	}
	if _, err := ReadSpeakers(filepath.Join(t.TempDir(), "absent.jsonl")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("absent file: err = %v", err)
	}
}

func TestFoldName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Donald Trump", "donald trump"},
		{"Mr. Trump", "trump"},
		{"Mrs. Ruth Green", "ruth green"},
		{"Ms Lena Ortiz", "lena ortiz"},
		{"François Hollande", "francois hollande"},
		{"Beto O’Rourke", "beto orourke"},
		{"U.S. Chamber of Commerce", "us chamber of commerce"},
		{"  The  New York-Times ", "the new york times"},
		{"Donald Trump’s campaign", "donald trumps campaign"},
		{"Mr.", "mr"},                         // a title alone stays
		{"Missy Elliott", "missy elliott"},    // not "Miss"
		{"Gov. Mike Pence", "gov mike pence"}, // only courtesy titles go
		{"", ""},
	}
	for _, tt := range tests {
		if got := FoldName(tt.in); got != tt.want {
			t.Errorf("FoldName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestScoreSpeakers scores made-up predictions on the people fixture: the
// gold attributions themselves, so that every one matches, given the
// speakers and types below; one attribution is left out.
func TestScoreSpeakers(t *testing.T) {
	gold, layer := loadPeople(t)
	type guess struct{ speaker, typ string }
	guesses := map[string][]guess{
		"port": {
			{"Senator Maria Vance", "person"},        // name: titles are not names
			{"Maria Vance", "person"},                // pronoun: right
			{"Mr. Vance", "person"},                  // name: a surname is not a name
			{"Ed Park", "person"},                    // relative: right
			{"Harbor Workers Union", "organization"}, // name: right, without "The"
			{"", "generic"},                          // generic: right
			{"LENA ORTIZ", "person"},                 // name: right, folded
			{"Maria Vance", "person"},                // role: the wrong person
			{"Maria Vance", "person"},                // name: the candidate, not her campaign, and the wrong type
		},
		"race": {
			{"Mrs. Ruth Green", "person"},  // name: right, the courtesy title folded away
			{"Ruth Green", "person"},       // name: the wrong Green
			{"Paul Green", "organization"}, // pronoun: right speaker, wrong type
			{"Dayton Ledger", "document"},  // name: right
			{"Officials", "group"},         // generic: given a speaker, wrong type
			// relative: left out, so not found
		},
	}
	var pred []Doc
	for _, g := range gold {
		p := Doc{Name: g.Name, Text: g.Text}
		for i, gu := range guesses[g.Name] {
			a := g.Attributions[i]
			a.Speaker, a.SpeakerType = gu.speaker, gu.typ
			p.Attributions = append(p.Attributions, a)
		}
		pred = append(pred, p)
	}
	r := ScoreSpeakers(gold, pred, layer)
	if r.Lines != 15 || r.Keyed != 15 {
		t.Errorf("lines %d, keyed %d, want 15 and 15", r.Lines, r.Keyed)
	}
	want := []SpeakerScore{
		{Class: "name", Gold: 8, Matched: 8, Right: 4, Accuracy: 50, Recall: 50},
		{Class: "pronoun", Gold: 2, Matched: 2, Right: 2, Accuracy: 100, Recall: 100},
		{Class: "relative", Gold: 2, Matched: 1, Right: 1, Accuracy: 100, Recall: 50},
		{Class: "role", Gold: 1, Matched: 1, Right: 0, Accuracy: 0, Recall: 0},
		{Class: "other"},
	}
	if diff := cmp.Diff(want, r.Classes); diff != "" {
		t.Errorf("classes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(SpeakerScore{Class: "all", Gold: 13, Matched: 12, Right: 7, Accuracy: 100 * 7.0 / 12, Recall: 100 * 7.0 / 13}, r.All); diff != "" {
		t.Errorf("all (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(SpeakerScore{Class: "generic", Gold: 2, Matched: 2, Right: 1, Accuracy: 50}, r.Generic); diff != "" {
		t.Errorf("generic (-want +got):\n%s", diff)
	}
	// types: 14 matched; wrong: the campaign (person for organization),
	// "He" (organization for person), "Officials" (group for generic)
	if r.TypesAll.Matched != 14 || r.TypesAll.Right != 11 {
		t.Errorf("types: %d right of %d, want 11 of 14", r.TypesAll.Right, r.TypesAll.Matched)
	}
	byType := map[string]TypeScore{}
	for _, ts := range r.Types {
		byType[ts.Type] = ts
	}
	if p := byType["person"]; p.Matched != 9 || p.Right != 8 || p.Got["organization"] != 1 {
		t.Errorf("person: %+v", p)
	}
	if o := byType["organization"]; o.Matched != 2 || o.Right != 1 || o.Got["person"] != 1 {
		t.Errorf("organization: %+v", o)
	}
	// errors: 6 wrong speakers or types among the named, the generic source
	// given a speaker, and the one not found
	whats := map[string]int{}
	for _, e := range r.Errors {
		whats[e.What]++
		if !strings.Contains(e.Sentence, "[["+e.SourceText+"]]") {
			t.Errorf("sentence %q does not mark %q", e.Sentence, e.SourceText)
		}
	}
	wantWhats := map[string]int{"wrong speaker": 4, "wrong speaker and type": 2, "wrong type": 1, "not found": 1}
	if diff := cmp.Diff(wantWhats, whats); diff != "" {
		t.Errorf("errors by kind (-want +got):\n%s", diff)
	}
	for _, e := range r.Errors {
		if e.SourceText == "Mr. Green" {
			if e.Sentence != "[[Mr. Green]] told the crowd that the race was close." || e.Speaker != "Ruth Green" || e.Names[0] != "Paul Green" {
				t.Errorf("Mr. Green's error: %+v", e)
			}
		}
	}
}

func TestSpeakerIn(t *testing.T) {
	tests := []struct {
		speaker, typ string
		names        []string
		want         bool
	}{
		{"Jon Tester", "person", []string{"Jon Tester", "David Vitter"}, true},
		{"Jon Tester and David Vitter", "group", []string{"Jon Tester", "David Vitter"}, true},
		{"Ann Lee, Bo Park and David Vitter", "group", []string{"David Vitter"}, true},
		{"Ann Lee; Bo Park", "group", []string{"Bo Park"}, true},
		{"Jon Tester and David Vitter", "person", []string{"David Vitter"}, false}, // a person's name is whole
		{"Ann Lee and Bo Park", "group", []string{"Cy Ray"}, false},
		{"", "generic", []string{"Cy Ray"}, false},
	}
	for _, tt := range tests {
		a := &Attribution{Speaker: tt.speaker, SpeakerType: tt.typ}
		if got := speakerIn(a, tt.names); got != tt.want {
			t.Errorf("speakerIn(%q %s, %q) = %v, want %v", tt.speaker, tt.typ, tt.names, got, tt.want)
		}
	}
}
