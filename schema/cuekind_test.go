package schema

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/graph"
)

// cueSchema is a schema over a store of two quotations of speech, one
// stored with no cue kind, and two of stance.
func cueSchema(t *testing.T) *Schema {
	t.Helper()
	st := openStore(t)
	for i, x := range []struct{ name, cue, kind, q string }{
		{"Maria Vance", "said", graph.CueSpeech, "The port will open in May."},
		{"Maria Vance", "believes", graph.CueStance, "The port should stay closed."},
		{"Tom Vance", "said", "", "The port is a gift."},
		{"Tom Vance", "plans to argue", graph.CueStance, "The port will pay for itself."},
	} {
		text := fmt.Sprintf("%s %s that %q", x.name, x.cue, x.q)
		in := graph.ArticleInput{URL: fmt.Sprintf("https://cues.test/%d", i), Text: text, Published: time.Date(2016, 9, i+1, 0, 0, 0, 0, time.UTC),
			Quotes: []graph.QuoteInput{{
				Text: x.q, Kind: graph.KindDirect, Spans: []graph.Span{*runeSpan(t, text, x.q)}, Confidence: 0.9,
				Cue: x.cue, CueKind: x.kind, Speaker: &graph.SpeakerRef{Name: x.name},
			}}}
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

func TestCueKind(t *testing.T) {
	s := cueSchema(t)
	type node struct {
		Text        string `json:"text"`
		CueKind     string `json:"cueKind"`
		Occurrences []struct {
			CueKind string `json:"cueKind"`
		} `json:"occurrences"`
	}
	type conn struct {
		TotalCount int                   `json:"totalCount"`
		Edges      []struct{ Node node } `json:"edges"`
	}
	var got struct {
		All      conn `json:"all"`
		Stance   conn `json:"stance"`
		Speech   conn `json:"speech"`
		Both     conn `json:"both"`
		Timeline []struct {
			Count int `json:"count"`
		} `json:"timeline"`
	}
	query(t, s, `{
		all: quotes { totalCount edges { node { text cueKind occurrences { cueKind } } } }
		stance: quotes(cueKind: ["stance"]) { totalCount edges { node { text cueKind } } }
		speech: quotes(cueKind: ["SPEECH"], speaker: "Tom Vance") { totalCount edges { node { text cueKind } } }
		both: quotes(cueKind: ["speech", "stance"], search: "port will") { totalCount }
		timeline(cueKind: ["stance"]) { count }
	}`, nil, &got)

	kinds := map[string]string{}
	for _, e := range got.All.Edges {
		kinds[e.Node.Text] = e.Node.CueKind
		if len(e.Node.Occurrences) != 1 || e.Node.Occurrences[0].CueKind != e.Node.CueKind {
			t.Errorf("%q: occurrences %+v, want one of %s", e.Node.Text, e.Node.Occurrences, e.Node.CueKind)
		}
	}
	want := map[string]string{"The port will open in May.": "speech", "The port should stay closed.": "stance",
		"The port is a gift.": "speech", "The port will pay for itself.": "stance"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("cue kinds (-want +got):\n%s", diff)
	}
	if got.Stance.TotalCount != 2 || len(got.Stance.Edges) != 2 || got.Stance.Edges[0].Node.CueKind != "stance" || got.Stance.Edges[1].Node.CueKind != "stance" {
		t.Errorf("quotes(cueKind: [stance]): %+v", got.Stance)
	}
	if got.Speech.TotalCount != 1 || got.Speech.Edges[0].Node.Text != "The port is a gift." {
		t.Errorf("quotes(cueKind: [SPEECH], speaker: Tom Vance): %+v", got.Speech)
	}
	if got.Both.TotalCount != 2 {
		t.Errorf("quotes(cueKind: [speech, stance], search): %+v", got.Both)
	}
	n := 0
	for _, b := range got.Timeline {
		n += b.Count
	}
	if n != 2 {
		t.Errorf("timeline(cueKind: [stance]) counts %d, want 2", n)
	}
	if resp, _ := post(t, s, `{ quotes(cueKind: ["shout"]) { totalCount } }`, nil); len(resp.Errors) == 0 || !strings.Contains(resp.Errors[0].Message, "cueKind") {
		t.Errorf("quotes(cueKind: [shout]): %+v", resp.Errors)
	}

	// /export takes the filter as a parameter
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/export?format=jsonl&cueKind=stance", nil))
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	if w.Code != http.StatusOK || len(lines) != 2 || !strings.Contains(lines[0], `"cueKind":"stance"`) {
		t.Errorf("/export?cueKind=stance: status %d:\n%s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/export?cueKind=shout", nil))
	if w.Code != http.StatusBadRequest {
		t.Errorf("/export?cueKind=shout: status %d", w.Code)
	}
}

// TestCueKindLive selects new printings by cue kind as quotes does: the
// statement's for quoteAdded, the printing's own for printingAdded.
func TestCueKindLive(t *testing.T) {
	f, err := liveFilterOf(map[string]any{"cueKind": []any{"stance"}})
	if err != nil {
		t.Fatal(err)
	}
	speech := &graph.Printing{Quote: graph.Quote{CueKind: graph.CueSpeech}, Occurrence: graph.Occurrence{CueKind: graph.CueStance}}
	if f.match(false, speech, graph.Article{}, nil) {
		t.Error("a statement of speech matches cueKind: [stance]")
	}
	if !f.match(true, speech, graph.Article{}, nil) {
		t.Error("a printing of stance does not match cueKind: [stance]")
	}
	if _, err := liveFilterOf(map[string]any{"cueKind": []any{"shout"}}); err == nil {
		t.Error("cueKind: [shout] accepted")
	}
}
