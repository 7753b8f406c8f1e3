package schema

import (
	"slices"
	"strings"
	"testing"

	"github.com/graphd/graphd/graph"
)

// reviewArticles are written through the store with their speakers given,
// so the test is about identity, not extraction: Ana Silva and Anna Silva
// (a name variant, nothing else in common: a candidate), one quotation
// printed under another name (a conflict), and a printing that turns a
// word into its opposite (a misquote).
var reviewArticles = []struct {
	url, published, speaker, title, text string
}{
	{"https://a.test/1", "2025-03-01", "Ana Silva", "Portuguese Foreign Minister", "We will never accept these tariffs on our farmers and fishermen."},
	{"https://a.test/2", "2025-03-02", "Anna Silva", "", "Exports rose sharply this year, the best result in a decade."},
	{"https://a.test/3", "2025-03-03", "Pedro Costa", "", "We will never accept these tariffs on our farmers and fishermen."},
	{"https://a.test/4", "2025-03-04", "Ana Silva", "", "We will always accept these tariffs on our farmers and fishermen."},
}

func reviewSchema(t *testing.T) *Schema {
	t.Helper()
	st := openStore(t)
	for _, a := range reviewArticles {
		pub, err := parseTime("published", a.published, false)
		if err != nil {
			t.Fatal(err)
		}
		text := a.speaker + " said: “" + a.text + "”"
		q := graph.QuoteInput{
			Text: a.text, Kind: graph.KindDirect, Spans: []graph.Span{*runeSpan(t, text, a.text)}, Confidence: 0.9,
			Speaker: &graph.SpeakerRef{Name: a.speaker},
		}
		if a.title != "" {
			q.Speaker.Titles = []string{a.title}
		}
		in := graph.ArticleInput{URL: a.url, Title: a.url, Published: pub, Text: text, Quotes: []graph.QuoteInput{q}}
		if _, err := st.PutArticle(t.Context(), in); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(st, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type speakerOut struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
	Roles   []struct {
		Title, Organization, From, To string
	} `json:"roles"`
	Merges []struct {
		ID, Name, MatchedWith, DecidedBy string
		Evidence                         []struct{ Kind string }
	} `json:"merges"`
}

const speakerOutFields = `id name aliases roles { title organization from to } merges { id name matchedWith decidedBy evidence { kind } }`

func TestReviewAndDecisions(t *testing.T) {
	s := reviewSchema(t)

	var review struct {
		Review struct {
			Candidates struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID         string
						Names      []string
						Confidence float64
						Evidence   []struct {
							Kind   string
							Weight float64
						}
						Speakers []struct{ ID, Name string }
					}
				}
			}
			Conflicts struct {
				Edges []struct {
					Node struct {
						Quote struct{ Text string }
						Sides []struct {
							Name     string
							Articles []struct{ URL string }
						}
					}
				}
			}
		}
	}
	query(t, s, `{ review {
		candidates { totalCount edges { node { id names confidence evidence { kind weight } speakers { id name } } } }
		conflicts { edges { node { quote { text } sides { name articles { url } } } } } } }`, nil, &review)
	cands := review.Review.Candidates
	if cands.TotalCount != 1 || len(cands.Edges) != 1 {
		t.Fatalf("candidates: %+v", cands)
	}
	cand := cands.Edges[0].Node
	if !slices.Equal(cand.Names, []string{"Anna Silva", "Ana Silva"}) && !slices.Equal(cand.Names, []string{"Ana Silva", "Anna Silva"}) {
		t.Errorf("candidate names %q", cand.Names)
	}
	if len(cand.Evidence) < 2 || cand.Confidence <= 0 || len(cand.Speakers) != 2 {
		t.Errorf("candidate %+v", cand)
	}
	conflicts := review.Review.Conflicts.Edges
	if len(conflicts) != 1 || len(conflicts[0].Node.Sides) != 2 {
		t.Fatalf("conflicts: %+v", conflicts)
	}
	names := []string{conflicts[0].Node.Sides[0].Name, conflicts[0].Node.Sides[1].Name}
	if !slices.Contains(names, "Ana Silva") || !slices.Contains(names, "Pedro Costa") {
		t.Errorf("conflict sides %q", names)
	}

	// The misquote: never → always, by the same speaker.
	var quotes struct {
		Quotes struct {
			Edges []struct {
				Node struct {
					Text, FirstSeen string
					OccurrenceCount int
					Article         struct{ URL string }
					Conflicts       []struct{ Name string }
					Occurrences     []struct {
						Text, SpeakerName, Match string
						Similarity, Fidelity     float64
						Misquote                 bool
						MisquoteReasons          []string
						Diff                     []struct{ Op, Text string }
						Article                  struct{ URL string }
					}
				}
			}
		}
	}
	query(t, s, `{ quotes(search: "tariffs") { edges { node { text firstSeen occurrenceCount article { url } conflicts { name }
		occurrences { text speakerName match similarity fidelity misquote misquoteReasons diff { op text } article { url } } } } } }`, nil, &quotes)
	if len(quotes.Quotes.Edges) != 1 {
		t.Fatalf("tariff quotes: %+v", quotes)
	}
	q := quotes.Quotes.Edges[0].Node
	if q.OccurrenceCount != 3 || len(q.Occurrences) != 3 || q.FirstSeen != "2025-03-01" || q.Article.URL != "https://a.test/1" || len(q.Conflicts) != 2 {
		t.Fatalf("tariff quote: %+v", q)
	}
	last := q.Occurrences[2]
	if !last.Misquote || last.Match != "paraphrase" || last.Fidelity >= 1 || !strings.Contains(strings.Join(last.MisquoteReasons, ";"), "never → always") {
		t.Errorf("misquoted occurrence: %+v", last)
	}
	if want := []struct{ Op, Text string }{{"equal", "We will"}, {"delete", "never"}, {"insert", "always"}, {"equal", "accept these tariffs on our farmers and fishermen."}}; !slices.Equal(last.Diff, want) {
		t.Errorf("diff %+v, want %+v", last.Diff, want)
	}
	if first := q.Occurrences[0]; first.Misquote || first.Similarity != 1 || first.Fidelity != 1 || first.Match != "first" {
		t.Errorf("first occurrence: %+v", first)
	}

	// Confirm the candidate: one speaker with both names and a decision.
	var confirmed struct{ ConfirmMerge speakerOut }
	query(t, s, `mutation($c: ID!) { confirmMerge(candidate: $c) { `+speakerOutFields+` } }`, map[string]any{"c": cand.ID}, &confirmed)
	sp := confirmed.ConfirmMerge
	names = append([]string{sp.Name}, sp.Aliases...)
	if !slices.Contains(names, "Anna Silva") || !slices.Contains(names, "Ana Silva") || len(sp.Merges) != 1 || sp.Merges[0].DecidedBy != "person" {
		t.Fatalf("after confirmMerge: %+v", sp)
	}
	if len(sp.Roles) != 1 || sp.Roles[0].Title != "Foreign Minister" || sp.Roles[0].Organization != "Portugal" || sp.Roles[0].From != "2025-03-01" {
		t.Errorf("roles %+v", sp.Roles)
	}
	var byName struct{ A, B speakerOut }
	query(t, s, `{ a: speaker(name: "Anna Silva") { id } b: speaker(name: "Ana Silva") { id } }`, nil, &byName)
	if byName.A.ID != sp.ID || byName.B.ID != sp.ID {
		t.Errorf("speaker by either name: %+v, want %s", byName, sp.ID)
	}
	query(t, s, `{ review { candidates { totalCount } } }`, nil, &review)
	if review.Review.Candidates.TotalCount != 0 {
		t.Errorf("candidates after confirmMerge: %d", review.Review.Candidates.TotalCount)
	}

	// Undo it: two speakers again, and the pair is not offered again.
	var undone struct{ UndoMerge []speakerOut }
	query(t, s, `mutation($m: ID!) { undoMerge(merge: $m) { `+speakerOutFields+` } }`, map[string]any{"m": sp.Merges[0].ID}, &undone)
	if len(undone.UndoMerge) != 2 || undone.UndoMerge[0].ID == undone.UndoMerge[1].ID || len(undone.UndoMerge[0].Aliases) != 0 {
		t.Fatalf("after undoMerge: %+v", undone)
	}
	query(t, s, `{ a: speaker(name: "Anna Silva") { id } b: speaker(name: "Ana Silva") { id } }`, nil, &byName)
	if byName.A.ID == byName.B.ID {
		t.Errorf("one speaker after undoMerge: %+v", byName)
	}

	resp, _ := post(t, s, `mutation { undoMerge(merge: "`+encodeID(typeMerge, [16]byte{1})+`") { id } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != codeNotFound {
		t.Errorf("undoMerge of an unknown merge: %+v", resp.Errors)
	}
	resp, _ = post(t, s, `mutation { confirmMerge { id } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != codeBadInput {
		t.Errorf("confirmMerge without arguments: %+v", resp.Errors)
	}
}

func TestRejectCandidate(t *testing.T) {
	s := reviewSchema(t)
	var review struct {
		Review struct {
			Candidates struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	query(t, s, `{ review { candidates { edges { node { id } } } } }`, nil, &review)
	if len(review.Review.Candidates.Edges) != 1 {
		t.Fatalf("candidates: %+v", review)
	}
	id := review.Review.Candidates.Edges[0].Node.ID
	var rejected struct{ RejectCandidate struct{ Names []string } }
	query(t, s, `mutation($c: ID!) { rejectCandidate(candidate: $c) { names } }`, map[string]any{"c": id}, &rejected)
	if len(rejected.RejectCandidate.Names) != 2 {
		t.Errorf("rejected: %+v", rejected)
	}
	query(t, s, `{ review { candidates { edges { node { id } } } } }`, nil, &review)
	if len(review.Review.Candidates.Edges) != 0 {
		t.Errorf("candidates after reject: %+v", review)
	}
	var node struct{ Node *struct{ ID string } }
	query(t, s, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}, &node)
	if node.Node != nil {
		t.Errorf("node(rejected candidate) = %+v; it is gone", node.Node)
	}
}
