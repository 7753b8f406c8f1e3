package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The acceptance test of identity and quote grouping: after ingesting
// both seeds, and again after `graphd reindex`, GraphQL shows one speaker
// per person and one quote per statement, as testdata/gold/seeds.json says.
func TestIdentityEndToEnd(t *testing.T) {
	db := t.TempDir()
	if out, errOut, code := runBinary(t, "ingest", "--db", db, seeds); code != 0 {
		t.Fatalf("ingest: status %d\n%s%s", code, out, errOut)
	}
	s := startServer(t, db)
	checkIdentity(t, s)
	s.stop(t)

	out, errOut, code := runBinary(t, "reindex", "--db", db)
	if code != 0 || !strings.Contains(out, "reindexed 2 articles") {
		t.Fatalf("reindex: status %d\n%s%s", code, out, errOut)
	}
	if got := counts(t, db); !strings.HasPrefix(got, "ok: 2 articles") {
		t.Errorf("check after reindex: %q", got)
	}
	s = startServer(t, db)
	checkIdentity(t, s)
	s.stop(t)

	// Exported and imported into a new store, the graph is the same to
	// GraphQL: every printing, every merge with its evidence, the copy.
	file := filepath.Join(t.TempDir(), "seeds.jsonl")
	if _, errOut, code := runBinary(t, "export", "--db", db, "--out", file); code != 0 {
		t.Fatalf("export: status %d\n%s", code, errOut)
	}
	imported := t.TempDir()
	if out, errOut, code := runBinary(t, "import", "--db", imported, file); code != 0 || !strings.Contains(out, "printings") {
		t.Fatalf("import: status %d\n%s%s", code, out, errOut)
	}
	if got, want := counts(t, imported), counts(t, db); got != want {
		t.Errorf("check after import: %q, want %q", got, want)
	}
	s = startServer(t, imported)
	checkIdentity(t, s)
	s.stop(t)
}

type gqlSpeaker struct {
	ID      string
	Name    string
	Aliases []string
	Merges  []struct {
		Name       string
		Confidence float64
		Evidence   []struct{ Kind, Detail string }
	}
}

func checkIdentity(t *testing.T, s *server) {
	t.Helper()
	var sp struct {
		SergeiLavrov, SergeyLavrov, Peskov, Rubio, Trump, Tass, Dmitriev, Ushakov, Albares, Alvarez *gqlSpeaker
	}
	fields := `{ id name aliases merges { name confidence evidence { kind detail } } }`
	s.query(t, `{
		sergeiLavrov: speaker(name: "Sergei Lavrov") `+fields+`
		sergeyLavrov: speaker(name: "Sergey Lavrov") `+fields+`
		peskov: speaker(name: "Dmitry Peskov") `+fields+`
		rubio: speaker(name: "Marco Rubio") `+fields+`
		trump: speaker(name: "Donald Trump") `+fields+`
		tass: speaker(name: "Donald Tass") `+fields+`
		dmitriev: speaker(name: "Kirill Dmitriev") `+fields+`
		ushakov: speaker(name: "Yuri Ushakov") `+fields+`
		albares: speaker(name: "Jose Manuel Albares") `+fields+`
		alvarez: speaker(name: "Jose Manuel Alvarez") `+fields+`
	}`, &sp)
	if sp.SergeiLavrov == nil || sp.SergeyLavrov == nil || sp.SergeiLavrov.ID != sp.SergeyLavrov.ID {
		t.Fatalf("Sergei and Sergey Lavrov are not one speaker: %+v %+v", sp.SergeiLavrov, sp.SergeyLavrov)
	}
	names := append([]string{sp.SergeyLavrov.Name}, sp.SergeyLavrov.Aliases...)
	if !slices.Contains(names, "Sergei Lavrov") || !slices.Contains(names, "Sergey Lavrov") {
		t.Errorf("Lavrov's names %q lack one of the spellings", names)
	}
	if len(sp.SergeyLavrov.Merges) != 1 || len(sp.SergeyLavrov.Merges[0].Evidence) < 3 {
		t.Errorf("Lavrov's merge and its evidence: %+v", sp.SergeyLavrov.Merges)
	}
	for name, a := range map[string]*gqlSpeaker{"Trump/Tass": sp.Trump, "Peskov/Dmitriev": sp.Peskov, "Lavrov/Ushakov": sp.SergeyLavrov} {
		var b *gqlSpeaker
		switch name {
		case "Trump/Tass":
			b = sp.Tass
		case "Peskov/Dmitriev":
			b = sp.Dmitriev
		default:
			b = sp.Ushakov
		}
		if a == nil {
			t.Errorf("%s: no speaker", name)
		} else if b != nil && a.ID == b.ID {
			t.Errorf("%s are one speaker: %+v", name, a)
		}
	}
	if sp.Tass == nil {
		t.Errorf("Donald Tass is no speaker")
	}

	// One speaker each: every speaker named Peskov or Rubio is the same.
	for _, name := range []string{"Peskov", "Rubio"} {
		var list struct {
			Speakers struct{ TotalCount int }
		}
		s.query(t, `{ speakers(name: "`+name+`") { totalCount } }`, &list)
		if list.Speakers.TotalCount != 1 {
			t.Errorf("speakers(name: %q): %d, want one", name, list.Speakers.TotalCount)
		}
	}

	// Albares and Alvarez: one speaker with the evidence, or a candidate.
	if sp.Albares == nil || sp.Alvarez == nil {
		t.Fatalf("Albares %+v, Alvarez %+v", sp.Albares, sp.Alvarez)
	}
	if sp.Albares.ID == sp.Alvarez.ID {
		kinds := map[string]bool{}
		for _, m := range sp.Albares.Merges {
			for _, e := range m.Evidence {
				kinds[e.Kind] = true
			}
		}
		for _, k := range []string{"surname", "given-name", "title", "venue"} {
			if !kinds[k] {
				t.Errorf("Albares/Alvarez merged without %s evidence: %+v", k, sp.Albares.Merges)
			}
		}
	} else {
		var review struct {
			Review struct {
				Candidates struct {
					Edges []struct {
						Node struct {
							Names    []string
							Evidence []struct{ Kind string }
						}
					}
				}
			}
		}
		s.query(t, `{ review { candidates(first: 100) { edges { node { names evidence { kind } } } } } }`, &review)
		found := false
		for _, e := range review.Review.Candidates.Edges {
			if slices.Contains(e.Node.Names, "Jose Manuel Albares") && slices.Contains(e.Node.Names, "Jose Manuel Alvarez") && len(e.Node.Evidence) > 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("Albares and Alvarez are neither merged nor offered for review: %+v", review)
		}
	}

	// Every same_quote pair of the gold answers is one quote with both
	// texts among its printings.
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gold", "seeds.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		SameQuote [][2]string `json:"same_quote"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	var all struct {
		Quotes struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID          string
					FirstSeen   *string
					Article     struct{ Title string }
					Occurrences []struct {
						Text       string
						Similarity float64
						Article    struct{ Title string }
					}
				}
			}
		}
	}
	s.query(t, `{ quotes(first: 100) { totalCount edges { node { id firstSeen article { title } occurrences { text similarity article { title } } } } } }`, &all)
	if all.Quotes.TotalCount > 100 {
		t.Fatalf("%d quotes, more than a page", all.Quotes.TotalCount)
	}
	for _, pair := range g.SameQuote {
		ok := false
		for _, e := range all.Quotes.Edges {
			has := func(text string) bool {
				return slices.ContainsFunc(e.Node.Occurrences, func(o struct {
					Text       string
					Similarity float64
					Article    struct{ Title string }
				}) bool {
					return strings.Contains(o.Text, text)
				})
			}
			if has(pair[0]) && has(pair[1]) {
				ok = true
				if e.Node.FirstSeen == nil || *e.Node.FirstSeen != "2025-02-17" || !strings.HasPrefix(e.Node.Article.Title, "Kremlin and Washington") {
					t.Errorf("%q: first seen %v in %q, want 2025-02-17 in the first seed", pair[0], e.Node.FirstSeen, e.Node.Article.Title)
				}
			}
		}
		if !ok {
			t.Errorf("%q and %q are not one quote", pair[0], pair[1])
		}
	}

	// The second seed is a rewrite of the first.
	var arts struct {
		Articles struct {
			Edges []struct {
				Node struct {
					Title        string
					CopyOf       *struct{ Title string }
					CopyEvidence *struct {
						Score        float64
						SharedQuotes int
					}
					Copies []struct{ Title string }
				}
			}
		}
	}
	s.query(t, `{ articles { edges { node { title copyOf { title } copyEvidence { score sharedQuotes } copies { title } } } } }`, &arts)
	var original, copied int
	for _, e := range arts.Articles.Edges {
		n := e.Node
		switch {
		case strings.HasPrefix(n.Title, "Kremlin and Washington"):
			if n.CopyOf == nil && len(n.Copies) == 1 {
				original++
			}
		default:
			if n.CopyOf != nil && strings.HasPrefix(n.CopyOf.Title, "Kremlin and Washington") && n.CopyEvidence != nil && n.CopyEvidence.SharedQuotes >= 5 {
				copied++
			}
		}
	}
	if original != 1 || copied != 1 {
		t.Errorf("the second seed is not linked as a copy of the first: %+v", arts)
	}
}
