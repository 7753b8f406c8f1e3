package ingest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gold is testdata/gold/seeds.json: hand-made reference answers for the
// two seed articles in testdata/seeds.
type gold struct {
	Articles map[string]struct {
		Quotes []struct {
			Quote       string   `json:"quote"`
			Speaker     string   `json:"speaker"`
			SpeakerAlso []string `json:"speaker_also"`
			Venue       *string  `json:"venue"`
			Kind        string   `json:"kind"`
			Hard        bool     `json:"hard"`
		} `json:"quotes"`
		MustNotContain []string `json:"must_not_contain"`
	} `json:"articles"`
}

func loadGold(t testing.TB) gold {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "gold", "seeds.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g gold
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// spanTexts returns the text of each span of at.
func spanTexts(text []rune, at Attribution) []string {
	var out []string
	for _, s := range at.Spans {
		out = append(out, string(text[s.Start:s.End]))
	}
	return out
}

// TestSeeds checks the extractor against the gold answers of the seeds:
// every quotation not marked hard is found with the right resolved speaker
// and venue, at least 28 of all 31 have the right speaker, and no quotation
// swallows text it must not contain.
func TestSeeds(t *testing.T) {
	g := loadGold(t)
	total, right, kinds := 0, 0, 0
	for name, want := range g.Articles {
		arts, err := ReadFile(filepath.Join("..", "testdata", "seeds", name))
		if err != nil {
			t.Fatal(err)
		}
		text := []rune(arts[0].Text)
		got := Extract(arts[0])
		checkAttributions(t, arts[0].Text, got)
		for _, at := range got {
			for _, bad := range want.MustNotContain {
				if strings.Contains(at.Quote, bad) {
					t.Errorf("%s: quotation %q contains %q", name, at.Quote, bad)
				}
			}
		}
		for _, w := range want.Quotes {
			total++
			speakers := append([]string{w.Speaker}, w.SpeakerAlso...)
			var found *Attribution
			speakerOK := false
			for i := range got {
				at := &got[i]
				hit := false
				for _, s := range spanTexts(text, *at) {
					if strings.HasPrefix(s, w.Quote) {
						hit = true
					}
				}
				if !hit {
					continue
				}
				ok := false
				for _, s := range speakers {
					if at.Speaker == s {
						ok = true
					}
				}
				if found == nil || ok && !speakerOK {
					found, speakerOK = at, ok
				}
			}
			switch {
			case found == nil:
				if !w.Hard {
					t.Errorf("%s: quotation %q not found", name, w.Quote)
				} else {
					t.Logf("%s: hard quotation %q not found", name, w.Quote)
				}
				continue
			case !speakerOK && !w.Hard:
				t.Errorf("%s: %q: speaker %q, want %q", name, w.Quote, found.Speaker, speakers)
			case !speakerOK:
				t.Logf("%s: hard %q: speaker %q, want %q", name, w.Quote, found.Speaker, speakers)
			}
			if speakerOK {
				right++
			}
			if found.Kind == w.Kind {
				kinds++
			}
			if w.Venue != nil && !w.Hard {
				if found.Venue == nil || !strings.EqualFold(found.Venue.Name, *w.Venue) {
					t.Errorf("%s: %q: venue %+v, want %q", name, w.Quote, found.Venue, *w.Venue)
				}
			}
		}
	}
	t.Logf("speakers right: %d of %d; kinds right: %d of %d", right, total, kinds, total)
	if right < 28 {
		t.Errorf("speakers right: %d of %d, want at least 28", right, total)
	}
}
