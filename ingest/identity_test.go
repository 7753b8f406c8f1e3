package ingest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
	"github.com/graphd/graphd/ingest"
)

// crossGold is the cross-article half of testdata/gold/seeds.json.
type crossGold struct {
	SamePerson []struct {
		Names []string `json:"names"`
		Hard  bool     `json:"hard"`
	} `json:"same_person"`
	SameQuote       [][2]string `json:"same_quote"`
	DifferentPerson [][2]string `json:"different_person"`
}

func loadCross(t testing.TB) crossGold {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "gold", "seeds.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g crossGold
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

var seedNames = []string{"000_f870fa87edc7ab14.txt", "001_3f4760cfd55c8b33.txt"}

// storeSeeds ingests the seed articles named into s, in that order.
func storeSeeds(t testing.TB, s *graph.Store, names ...string) []graph.Article {
	t.Helper()
	var out []graph.Article
	for _, name := range names {
		arts, err := ingest.ReadFile(filepath.Join("..", "testdata", "seeds", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range arts {
			res, err := ingest.Store(t.Context(), s, a)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, res.Article)
		}
	}
	return out
}

// findQuotes returns the quotes that have a printing containing text.
func findQuotes(t *testing.T, s *graph.Store, text string) map[string][]graph.Occurrence {
	t.Helper()
	out := map[string][]graph.Occurrence{}
	qs, _, err := s.Quotes(t.Context(), graph.QuoteFilter{}, graph.Page{First: graph.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		occs, err := s.Occurrences(t.Context(), q.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range occs {
			if strings.Contains(o.Text, text) {
				out[q.ID.String()] = occs
			}
		}
	}
	return out
}

// TestSeedIdentity checks identities, quote groups and the copy link
// across the two seed articles against the cross-article gold answers,
// whichever article comes first, and again after a reindex.
func TestSeedIdentity(t *testing.T) {
	t.Run("in order", func(t *testing.T) {
		s := graphtest.Open(t)
		arts := storeSeeds(t, s, seedNames...)
		checkSeeds(t, s, arts[0].ID, arts[1].ID)
		before, err := s.Counts(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if err := ingest.Reindex(t.Context(), s, nil); err != nil {
			t.Fatal(err)
		}
		checkSeeds(t, s, arts[0].ID, arts[1].ID)
		after, err := s.Counts(t.Context())
		if err != nil || after != before {
			t.Errorf("counts after reindex %+v, %v; before %+v", after, err, before)
		}
	})
	t.Run("copy first", func(t *testing.T) {
		s := graphtest.Open(t)
		arts := storeSeeds(t, s, seedNames[1], seedNames[0])
		checkSeeds(t, s, arts[1].ID, arts[0].ID)
	})
}

func checkSeeds(t *testing.T, s *graph.Store, original, copied uuid.UUID) {
	ctx := t.Context()
	g := loadCross(t)

	speaker := func(name string) graph.Speaker {
		t.Helper()
		sp, err := s.SpeakerByName(ctx, name)
		if err != nil {
			t.Fatalf("speaker %q: %v", name, err)
		}
		return sp
	}
	candidates, _, err := s.Candidates(ctx, graph.Page{First: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range g.SamePerson {
		first := speaker(p.Names[0])
		for _, n := range p.Names[1:] {
			other := speaker(n)
			if other.ID == first.ID {
				if !slices.Contains(append([]string{first.Name}, first.Aliases...), n) {
					t.Errorf("%q is merged into %+v but not among its names", n, first)
				}
				continue
			}
			offered := slices.ContainsFunc(candidates, func(c graph.Candidate) bool {
				return (c.A == first.ID && c.B == other.ID || c.A == other.ID && c.B == first.ID) && len(c.Evidence) > 0
			})
			if !p.Hard || !offered {
				t.Errorf("%q and %q: two speakers, offered for review %v", p.Names[0], n, offered)
			}
		}
		if len(p.Names) > 1 {
			t.Logf("%s: aliases %q, merges %+v", first.Name, first.Aliases, first.Merges)
		}
	}
	for _, c := range candidates {
		t.Logf("candidate %s / %s: %.2f %+v", c.NameA, c.NameB, c.Confidence, c.Evidence)
	}
	for _, p := range g.DifferentPerson {
		// A name never quoted is no speaker, and so no one else.
		a, errA := s.SpeakerByName(ctx, p[0])
		b, errB := s.SpeakerByName(ctx, p[1])
		if errA == nil && errB == nil && a.ID == b.ID {
			t.Errorf("%q and %q are one speaker", p[0], p[1])
		}
	}
	for _, pair := range g.SameQuote {
		qa, qb := findQuotes(t, s, pair[0]), findQuotes(t, s, pair[1])
		shared := false
		for id := range qa {
			if _, ok := qb[id]; ok {
				shared = true
				t.Logf("%q: %d printings", pair[0], len(qa[id]))
			}
		}
		if !shared {
			t.Errorf("%q and %q are not one quote: %d and %d quotes", pair[0], pair[1], len(qa), len(qb))
		}
	}
	copy, err := s.Article(ctx, copied)
	if err != nil {
		t.Fatal(err)
	}
	if copy.CopyOf == nil || copy.CopyOf.Original != original {
		t.Errorf("seed 001 is not linked as a copy of seed 000: %+v", copy.CopyOf)
	} else {
		t.Logf("copy: %+v", *copy.CopyOf)
	}
	c, _ := s.Counts(ctx)
	t.Logf("counts %+v", c)
}
