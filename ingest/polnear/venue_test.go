package polnear

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/ingest"
)

// fixtureVenues is the venue layer of the fixture month.
var fixtureVenues = filepath.Join("testdata", "venues.jsonl")

func TestReadVenues(t *testing.T) {
	gold := loadFixture(t)
	vs, err := ReadVenues(fixtureVenues, gold)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Doc != "beta" || vs[0].Cue != [2]int{116, 120} || vs[0].Venue.Text != "reporters" || vs[0].Venue.Kind != "audience" {
		t.Fatalf("ReadVenues = %+v", vs)
	}

	line := func(doc string, cue [2]int, text string, start, end int, kind string) string {
		return `{"doc": "` + doc + `", "cue": [` + strconv.Itoa(cue[0]) + `, ` + strconv.Itoa(cue[1]) + `], "venue": {"text": "` + text +
			`", "start": ` + strconv.Itoa(start) + `, "end": ` + strconv.Itoa(end) + `, "kind": "` + kind + `", "name": "x"}}`
	}
	good := line("beta", [2]int{116, 120}, "reporters", 121, 130, "audience")
	tests := []struct {
		name, body, want string
		err              error
	}{
		{"not JSON", good + "\n{\n", "line 2", ErrMalformed},
		{"unknown field", `{"doc": "beta", "cue": [116, 120], "venue": {}, "extra": 1}`, "line 1", ErrMalformed},
		{"unknown doc", line("delta", [2]int{116, 120}, "reporters", 121, 130, "audience"), `"delta"`, ErrMalformed},
		{"unknown kind", line("beta", [2]int{116, 120}, "reporters", 121, 130, "telepathy"), `"telepathy"`, ErrMalformed},
		{"no such cue", line("beta", [2]int{117, 120}, "reporters", 121, 130, "audience"), "no attribution with the cue", ErrMalformed},
		{"wrong text", "\n" + line("beta", [2]int{116, 120}, "reporter", 121, 130, "audience"), "line 2", ErrMalformed},
		{"outside the text", line("beta", [2]int{116, 120}, "reporters", 121, 9999, "audience"), "line 1", ErrOffset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "v.jsonl")
			if err := os.WriteFile(path, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadVenues(path, gold)
			if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %v, want %v naming %s and %q", err, tt.err, path, tt.want)
			}
		})
	}
	if _, err := ReadVenues(filepath.Join(t.TempDir(), "absent.jsonl"), gold); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

func TestScoreVenues(t *testing.T) {
	gold := loadFixture(t)
	a, b := gold[0].Text, gold[1].Text
	venue := func(text, sub, kind string) *ingest.Venue {
		s := find(t, text, sub, 0)
		return &ingest.Venue{Name: sub, Kind: kind, Start: s.Start, End: s.End}
	}
	gv := func(doc string, cue [2]int, text, sub, kind string) GoldVenue {
		var v GoldVenue
		s := find(t, text, sub, 0)
		v.Doc, v.Cue = doc, cue
		v.Venue.Text, v.Venue.Start, v.Venue.End, v.Venue.Kind = sub, s.Start, s.End, kind
		return v
	}
	venues := []GoldVenue{
		gv("alpha", [2]int{71, 75}, a, "Monday", "event"),          // E1, matched by P1, whose venue is elsewhere
		gv("beta", [2]int{116, 120}, b, "reporters", "audience"),   // E2, matched by P2, right
		gv("beta", [2]int{132, 146}, b, "the budget", "statement"), // E4, matched by P3, which has none
	}
	pred := fixturePredictions(t, gold)
	pred[0].Attributions[0].Venue = venue(a, "Ana Ruiz", "event")          // wrong
	pred[0].Attributions[1].Venue = venue(a, "Monday", "event")            // P2 matches nothing
	pred[1].Attributions[0].Venue = venue(b, "the clerk", "place")         // gold E1 has no venue
	pred[1].Attributions[1].Venue = venue(b, "told reporters", "audience") // shares "reporters"
	got := ScoreVenues(gold, pred, venues)

	if want := newPRF(3, 3, 1, 1); got.PRF != want {
		t.Errorf("PRF = %+v, want %+v", got.PRF, want)
	}
	if got.Unmatched != 1 || got.AttributionFound != 3 {
		t.Errorf("unmatched %d, attribution found %d; want 1 and 3", got.Unmatched, got.AttributionFound)
	}
	var kinds []KindRecall
	for _, k := range got.ByKind {
		if k.Gold > 0 {
			kinds = append(kinds, k)
		}
	}
	wantKinds := []KindRecall{
		{Kind: "event", Gold: 1, Found: 1},
		{Kind: "statement", Gold: 1, Found: 1},
		{Kind: "audience", Gold: 1, Found: 1, Right: 1, Rec: 100},
	}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("by kind (-want +got):\n%s", diff)
	}
	type e struct {
		Article, Text string
		Miss          bool
		Note          string
	}
	var errs []e
	for _, x := range got.Errors {
		if x.Role != "venue" {
			t.Errorf("role %q", x.Role)
		}
		errs = append(errs, e{x.Article, x.Text, x.Miss, x.Note})
	}
	wantErrs := []e{
		{"alpha", "Monday", true, "event, cue said; predicted Ana Ruiz"},
		{"beta", "the budget", true, "statement, cue It is reported; no venue predicted"},
		{"alpha", "Ana Ruiz", false, "event, cue said; gold Monday"},
		{"beta", "the clerk", false, "place, cue said; gold has none"},
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}

	t.Run("no predictions", func(t *testing.T) {
		r := ScoreVenues(gold, nil, venues)
		if r.Gold != 3 || r.Pred != 0 || r.MatchedGold != 0 || r.AttributionFound != 0 || len(r.Errors) != 3 {
			t.Errorf("%+v", r)
		}
		if !strings.HasSuffix(r.Errors[0].Note, "attribution not found") {
			t.Errorf("note %q", r.Errors[0].Note)
		}
	})
}
