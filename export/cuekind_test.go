package export_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/export"
	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// cueStore holds a quotation of speech, one of stance, and one stored
// with no cue kind, speech.
func cueStore(t *testing.T) *graph.Store {
	t.Helper()
	s := graphtest.Open(t)
	for i, x := range []struct{ name, cue, kind, q string }{
		{"Ana Silva", "said", graph.CueSpeech, "The bridge opens in May."},
		{"Ben Ortiz", "believes", graph.CueStance, "The bridge should wait."},
		{"Cleo Park", "said", "", "The bridge is late."},
	} {
		text := x.name + " " + x.cue + " that \"" + x.q + "\""
		in := quoted(text, x.q, x.name, "", "")
		in.Cue, in.CueKind = x.cue, x.kind
		if _, err := s.PutArticle(t.Context(), graph.ArticleInput{URL: "https://cues.test/" + string(rune('a'+i)), Text: text, Quotes: []graph.QuoteInput{in}}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestCueKindsExported says speech or stance of each printing in every
// format; an export filtered on stance holds the stance alone; an import
// keeps the kinds and reads a line with none as speech.
func TestCueKindsExported(t *testing.T) {
	s := cueStore(t)

	nq, _ := exportOf(t, s, export.NQuads, export.Options{})
	if n, m := bytes.Count(nq, []byte(`<urn:graphd:cueKind> "speech"`)), bytes.Count(nq, []byte(`<urn:graphd:cueKind> "stance"`)); n != 2 || m != 1 {
		t.Errorf("N-Quads: %d printings of speech and %d of stance, want 2 and 1:\n%s", n, m, nq)
	}

	gm, _ := exportOf(t, s, export.GraphML, export.Options{})
	for _, want := range []string{`<key id="cueKind" for="node" attr.name="cueKind" attr.type="string"/>`,
		`<key id="printingCueKind" for="edge" attr.name="cueKind" attr.type="string"/>`,
		`<data key="cueKind">stance</data>`, `<data key="printingCueKind">stance</data>`, `<data key="cueKind">speech</data>`} {
		if !bytes.Contains(gm, []byte(want)) {
			t.Errorf("GraphML lacks %s", want)
		}
	}

	files := map[string]*bytes.Buffer{}
	if _, err := export.WriteCSV(t.Context(), s, func(name string) (io.Writer, error) {
		files[name] = &bytes.Buffer{}
		return files[name], nil
	}, export.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"quotes.csv", "printings.csv"} {
		recs, err := csv.NewReader(files[name]).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := -1
		for i, h := range recs[0] {
			if h == "cueKind" {
				col = i
			}
		}
		if col < 0 {
			t.Fatalf("%s has no cueKind column: %v", name, recs[0])
		}
		kinds := map[string]int{}
		for _, r := range recs[1:] {
			kinds[r[col]]++
		}
		if diff := cmp.Diff(map[string]int{"speech": 2, "stance": 1}, kinds); diff != "" {
			t.Errorf("%s cue kinds (-want +got):\n%s", name, diff)
		}
	}

	stance, c := exportOf(t, s, export.JSONL, export.Options{Filter: graph.QuoteFilter{CueKinds: []string{graph.CueStance}}})
	if c.Quotes != 1 || !bytes.Contains(stance, []byte(`"cueKind":"stance"`)) || !bytes.Contains(stance, []byte("should wait")) {
		t.Errorf("JSON Lines of stances (%+v):\n%s", c, stance)
	}

	jl, _ := exportOf(t, s, export.JSONL, export.Options{})
	if n := bytes.Count(jl, []byte(`"cueKind":"speech"`)); n != 2 {
		t.Errorf("JSON Lines: %d printings of speech, want 2:\n%s", n, jl)
	}
	dst := graphtest.Open(t)
	if _, err := export.Import(t.Context(), dst, bytes.NewReader(jl)); err != nil {
		t.Fatal(err)
	}
	again, _ := exportOf(t, dst, export.JSONL, export.Options{})
	if diff := cmp.Diff(string(jl), string(again)); diff != "" {
		t.Errorf("export after import differs (-first +again):\n%s", diff)
	}
	qs, _, err := dst.Quotes(t.Context(), graph.QuoteFilter{CueKinds: []string{graph.CueStance}}, graph.Page{})
	if err != nil || len(qs) != 1 || qs[0].Text != "The bridge should wait." {
		t.Errorf("imported stances: %+v, %v", qs, err)
	}

	// a line of an earlier version, with no cue kind: speech
	old := strings.ReplaceAll(string(jl), `"cueKind":"stance",`, "")
	dst = graphtest.Open(t)
	if _, err := export.Import(t.Context(), dst, strings.NewReader(old)); err != nil {
		t.Fatal(err)
	}
	if qs, _, err := dst.Quotes(t.Context(), graph.QuoteFilter{CueKinds: []string{graph.CueStance}}, graph.Page{}); err != nil || len(qs) != 0 {
		t.Errorf("stances imported from lines with no cue kind: %+v, %v", qs, err)
	}
	if bad := strings.Replace(string(jl), `"cueKind":"stance"`, `"cueKind":"shout"`, 1); bad != string(jl) {
		if _, err := export.Import(t.Context(), graphtest.Open(t), strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "cueKind") {
			t.Errorf("an unknown cue kind imported: %v", err)
		}
	}
}
