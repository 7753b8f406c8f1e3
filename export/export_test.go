package export_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/graphd/graphd/export"
	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// quoted is a quotation of the first q in text.
func quoted(text, q, speaker, venue, venueKind string) graph.QuoteInput {
	i := strings.Index(text, q)
	if i < 0 {
		panic(fmt.Sprintf("%q not in %q", q, text))
	}
	start := utf8.RuneCountInString(text[:i])
	in := graph.QuoteInput{Text: q, Kind: graph.KindDirect, Confidence: 0.85,
		Spans: []graph.Span{{Start: start, End: start + utf8.RuneCountInString(q)}}}
	if speaker != "" {
		in.Speaker = &graph.SpeakerRef{Name: speaker, Titles: []string{"minister; of things"}}
		c := strings.Index(text, "said")
		if c >= 0 {
			cs := utf8.RuneCountInString(text[:c])
			in.Cue, in.CueSpan = "said", &graph.Span{Start: cs, End: cs + 4}
		}
	}
	if venue != "" {
		in.Venue = &graph.VenueRef{Name: venue, Kind: venueKind}
	}
	return in
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture fills a store with what an export must carry: quotations with
// and without speaker and venue, text that needs escaping in every
// format, an undated article, an article without quotations, a speaker,
// a venue and an outlet that no quotation reaches any more, quotations
// printed by several articles (the same words, and a longer cut that
// becomes the canonical text), an article that copies another, and two
// names of one person merged by a person's decision.
func fixture(t testing.TB) *graph.Store {
	t.Helper()
	s := graphtest.Open(t)
	put := func(in graph.ArticleInput) {
		t.Helper()
		if _, err := s.PutArticle(t.Context(), in); err != nil {
			t.Fatal(err)
		}
	}
	t1 := "Ana Silva said: \"We will <never> give up \"what is ours\" & that's final.\"\nLine two.\tTab; end 🕊"
	put(graph.ArticleInput{URL: "https://example.com/a?x=1&y=<2>", Title: "Talks & \"tariffs\"", Outlet: "Wire & Co",
		Published: day("2025-02-17"), Text: t1, Quotes: []graph.QuoteInput{
			quoted(t1, "We will <never> give up \"what is ours\" & that's final.", "Ana Silva", "CNN", graph.VenueBroadcast),
			quoted(t1, "Line two.\tTab; end 🕊", "", "", ""),
		}})
	t2 := "Ben Cole said: \"Peace is possible\" at a press conference. Control \x01 char."
	q2 := quoted(t2, "Peace is possible", "Ben Cole", "press conference", graph.VenueEvent)
	q2.Kind, q2.Confidence = graph.KindPartial, 0.6
	put(graph.ArticleInput{SourceID: "src-2", Title: "Undated", Text: t2, Quotes: []graph.QuoteInput{q2}})
	t3 := "Ana Silva said: \"Talks resume Monday.\""
	put(graph.ArticleInput{URL: "https://example.com/c", Title: "Monday", Outlet: "Daily", Published: time.Date(2025, 3, 1, 14, 30, 0, 0, time.UTC),
		Text: t3, Quotes: []graph.QuoteInput{quoted(t3, "Talks resume Monday.", "Ana Silva", "X", graph.VenueSocial)}})
	put(graph.ArticleInput{URL: "https://example.com/none", Title: "No quotes", Outlet: "Daily", Published: day("2025-03-02"), Text: "Nobody said anything."})
	// Replaced: Carl Diaz, the venue "radio" and the outlet "Herald"
	// keep existing without a quotation.
	t5 := "Carl Diaz said: \"Gone soon.\""
	put(graph.ArticleInput{URL: "https://example.com/e", Outlet: "Herald", Text: t5, Quotes: []graph.QuoteInput{quoted(t5, "Gone soon.", "Carl Diaz", "radio", graph.VenueBroadcast)}})
	put(graph.ArticleInput{URL: "https://example.com/e", Outlet: "Daily", Text: "Replaced, without quotations."})
	// A copy of the first article, naming Ana Silva otherwise.
	t6 := strings.Replace(t1, "Ana Silva", "Anna Silva", 1) + " Reprinted."
	put(graph.ArticleInput{URL: "https://example.com/f", Title: "Talks (copy)", Outlet: "Daily", Published: day("2025-02-18"), Text: t6,
		Quotes: []graph.QuoteInput{
			quoted(t6, "We will <never> give up \"what is ours\" & that's final.", "Anna Silva", "CNN", graph.VenueBroadcast),
			quoted(t6, "Line two.\tTab; end 🕊", "", "", ""),
		}})
	// More of what Ana Silva said on Monday, undated.
	t7 := "Ana Silva said: \"Talks resume Monday, and we hope for progress.\""
	put(graph.ArticleInput{URL: "https://example.com/g", Title: "Monday, more", Text: t7,
		Quotes: []graph.QuoteInput{quoted(t7, "Talks resume Monday, and we hope for progress.", "Ana Silva", "", "")}})
	ctx := t.Context()
	ana, err1 := s.SpeakerByName(ctx, "Ana Silva")
	anna, err2 := s.SpeakerByName(ctx, "Anna Silva")
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	a, b := ana.ID, anna.ID
	if a == b { // merged on the evidence: a person keeps them apart, then merges them
		b = ana.Merges[0].Member
		if _, err := s.UndoMerge(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.MergeSpeakers(ctx, a, b, uuid.Nil); err != nil {
		t.Fatal(err)
	}
	return s
}

func exportOf(t testing.TB, s *graph.Store, f export.Format, o export.Options) ([]byte, export.Counts) {
	t.Helper()
	var buf bytes.Buffer
	c, err := export.Write(t.Context(), s, &buf, f, o)
	if err != nil {
		t.Fatalf("export %s: %v", f, err)
	}
	return buf.Bytes(), c
}

// The whole graph: 4 quotes in 7 printings, 4 speaker records (3
// people), 4 venues, 7 articles, 3 outlets.
var wantFull = export.Counts{Quotes: 4, Printings: 7, Speakers: 4, Venues: 4, Articles: 7, Outlets: 3}

// JSON Lines, imported into an empty store, gives the same graph: the
// same records, indexes and counts, and the same export.
func TestJSONLRoundTrip(t *testing.T) {
	src := fixture(t)
	first, c := exportOf(t, src, export.JSONL, export.Options{})
	if c != wantFull {
		t.Errorf("counts %+v, want %+v", c, wantFull)
	}
	dst := graphtest.Open(t)
	ic, err := export.Import(t.Context(), dst, bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	if ic != wantFull {
		t.Errorf("import counts %+v, want %+v", ic, wantFull)
	}
	again, _ := exportOf(t, dst, export.JSONL, export.Options{})
	if diff := cmp.Diff(string(first), string(again)); diff != "" {
		t.Errorf("export after import differs (-first +again):\n%s", diff)
	}
	a, err1 := src.Counts(t.Context())
	b, err2 := dst.Counts(t.Context())
	if err := errors.Join(err1, err2); err != nil || a != b {
		t.Errorf("Counts %+v and %+v (%v)", a, b, err)
	}
	// The same searches and stats answer alike.
	ctx := t.Context()
	for _, f := range []graph.QuoteFilter{{Search: "talks", Order: graph.OrderRelevance}, {Kinds: []string{graph.KindPartial}}} {
		qa, _, err1 := src.Quotes(ctx, f, graph.Page{})
		qb, _, err2 := dst.Quotes(ctx, f, graph.Page{})
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(qa, qb); diff != "" {
			t.Errorf("Quotes(%+v) (-source +imported):\n%s", f, diff)
		}
	}
	// Every quote has its printings back, with their ids; the two names
	// of Ana Silva are one speaker, merged by a person as before; the
	// copy is a copy; the decision holds.
	qs, _, err := src.Quotes(ctx, graph.QuoteFilter{}, graph.Page{})
	if err != nil {
		t.Fatal(err)
	}
	printed := 0
	for _, q := range qs {
		oa, err1 := src.Occurrences(ctx, q.ID)
		ob, err2 := dst.Occurrences(ctx, q.ID)
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(oa, ob); diff != "" {
			t.Errorf("printings of %q (-source +imported):\n%s", q.Text, diff)
		}
		if len(ob) > 1 {
			printed++
		}
	}
	if printed != 3 {
		t.Errorf("%d quotes printed more than once after import, want 3", printed)
	}
	for _, name := range []string{"Ana Silva", "Anna Silva"} {
		a, err1 := src.SpeakerByName(ctx, name)
		b, err2 := dst.SpeakerByName(ctx, name)
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a, b); diff != "" || len(b.Merges) != 1 || b.Merges[0].By != graph.ByPerson {
			t.Errorf("speaker %s (-source +imported):\n%s\n%+v", name, diff, b)
		}
	}
	orig, _, err := dst.Quotes(ctx, graph.QuoteFilter{Search: "final"}, graph.Page{})
	if err != nil || len(orig) != 1 {
		t.Fatalf("the first quotation: %v, %v", orig, err)
	}
	if cs, err := dst.Copies(ctx, orig[0].ArticleID); err != nil || len(cs) != 1 || cs[0].URL != "https://example.com/f" {
		t.Errorf("copies of the first article after import: %+v, %v", cs, err)
	}
	if _, err := dst.MergeSpeakers(ctx, orig[0].SpeakerID, orig[0].SpeakerID, uuid.Nil); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("merging a speaker with itself: %v", err)
	}
	// Every line is JSON; quotation lines carry what Quotebank's do.
	for i, line := range bytes.Split(bytes.TrimSpace(first), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if _, ok := m["quoteID"]; ok {
			for _, k := range []string{"quotation", "speaker", "date", "numOccurrences", "urls", "occurrences"} {
				if _, ok := m[k]; !ok {
					t.Errorf("line %d lacks %q", i+1, k)
				}
			}
		}
	}
	// Importing twice, or into a store with articles, fails whole.
	if _, err := export.Import(ctx, dst, bytes.NewReader(first)); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("import into a full store: %v", err)
	}
	// A filtered export holds what its quotations reach, whole: the
	// cluster of each speaker record and the article a copy copies; it
	// imports (and graphtest checks the store it makes).
	part, pc := exportOf(t, src, export.JSONL, export.Options{Filter: graph.QuoteFilter{Search: "final"}})
	ic, err = export.Import(ctx, graphtest.Open(t), bytes.NewReader(part))
	if err != nil || ic != pc || pc != (export.Counts{Quotes: 1, Printings: 2, Speakers: 2, Venues: 1, Articles: 2, Outlets: 2}) {
		t.Errorf("import of a filtered export: %+v (exported %+v), %v", ic, pc, err)
	}
}

// What import refuses: it names the line, and leaves the store empty.
func TestImportRefuses(t *testing.T) {
	src := fixture(t)
	full, _ := exportOf(t, src, export.JSONL, export.Options{})
	noText, _ := exportOf(t, src, export.JSONL, export.Options{NoText: true})
	lines := strings.Split(strings.TrimSpace(string(full)), "\n")
	var first struct {
		Speakers []struct{ ID string }
		Articles []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || len(first.Speakers) != 2 {
		t.Fatalf("the first line's speakers: %+v, %v", first, err)
	}
	tests := []struct {
		name, in, want string
	}{
		{"not JSON", lines[0] + "\n{\"quoteID\": ", "line 2:"},
		{"a value of the wrong type", "{\"quoteID\": 3}\n", "line 1:"},
		{"an unknown key", strings.Replace(lines[0], `"quoteID"`, `"quoteText":1,"quoteID"`, 1), `line 1: cannot import: json: unknown field "quoteText"`},
		{"neither quotation nor record", "{}", "line 1: cannot import: neither a quotation nor a record"},
		{"no text", string(noText), "line 1: cannot import: article"},
		// The first line holds Ana Silva's records: without it the later
		// lines name speakers and articles the file does not hold.
		{"a quotation of an article not loaded", strings.Join(lines[1:], "\n"), "line 1: cannot import: load quote"},
		{"a merge into a speaker not loaded", strings.Replace(string(full), `"canonical":"`+first.Speakers[0].ID, `"canonical":"`+uuid.NewString(), 1),
			"line 1: cannot import: speaker " + first.Speakers[1].ID + " is linked to speaker"},
		{"a copy of an article not loaded", strings.Replace(string(full), `"original":"`+first.Articles[0].ID, `"original":"`+uuid.NewString(), 1),
			"line 1: cannot import: article " + first.Articles[1].ID + " copies article"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := graphtest.Open(t)
			_, err := export.Import(t.Context(), dst, strings.NewReader(tt.in))
			if !errors.Is(err, export.ErrImport) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want ErrImport with %q", err, tt.want)
			}
			if c, err := dst.Counts(t.Context()); err != nil || c != (graph.Counts{}) {
				t.Errorf("after a failed import: %+v, %v", c, err)
			}
			if _, err := export.Import(t.Context(), dst, bytes.NewReader(full)); err != nil {
				t.Errorf("an import after the failed one: %v", err)
			}
		})
	}
}

// An export of a graphd that wrote one printing a quotation, and the
// speaker record as the quotation's speaker, imports.
func TestImportOneprinting(t *testing.T) {
	const old = `{"quoteID":"01a1fd11-0000-7000-8000-000000000001","quotation":"Peace is possible","speaker":{"id":"01a1fd11-0000-7000-8000-000000000002","name":"Ben Cole","titles":["minister"]},"date":"2025-02-17","numOccurrences":1,"urls":["https://example.com/b"],"occurrences":[{"articleID":"01a1fd11-0000-7000-8000-000000000003","url":"https://example.com/b","date":"2025-02-17","quotation":"Peace is possible","kind":"partial","confidence":0.6,"spans":[[16,33]],"cue":"said","cueSpan":[9,13],"venue":{"id":"01a1fd11-0000-7000-8000-000000000004","name":"press conference","kind":"event"}}],"articles":[{"id":"01a1fd11-0000-7000-8000-000000000003","key":"https://example.com/b","url":"https://example.com/b","published":"2025-02-17T00:00:00Z","hash":"","ingested":"2025-02-18T00:00:00Z","text":"Ben Cole said: \"Peace is possible\" today."}]}
{"quoteID":"01a1fd11-0000-7000-8000-000000000005","quotation":"today","speaker":{"id":"01a1fd11-0000-7000-8000-000000000002","name":"Ben Cole","titles":["minister"]},"date":"2025-02-17","numOccurrences":1,"urls":["https://example.com/b"],"occurrences":[{"articleID":"01a1fd11-0000-7000-8000-000000000003","quotation":"today","kind":"partial","confidence":0.5,"spans":[[36,41]],"venue":null}]}
`
	s := graphtest.Open(t)
	c, err := export.Import(t.Context(), s, strings.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	if c != (export.Counts{Quotes: 2, Printings: 2, Speakers: 1, Venues: 1, Articles: 1}) {
		t.Errorf("counts %+v", c)
	}
	occs, err := s.Occurrences(t.Context(), uuid.MustParse("01a1fd11-0000-7000-8000-000000000001"))
	if err != nil || len(occs) != 1 || occs[0].Speaker != "Ben Cole" || occs[0].Match != "first" {
		t.Errorf("the printing: %+v, %v", occs, err)
	}
}

// nquadRE is the N-Quads grammar of RDF 1.1 (www.w3.org/TR/n-quads),
// one statement a line, with absolute IRIs.
var nquadRE = func() *regexp.Regexp {
	const (
		uchar   = `\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}`
		echar   = `\\[tbnrf"'\\]`
		iri     = `<[A-Za-z][A-Za-z0-9+.\-]*:(?:[^\x00-\x20<>"{}|^` + "`" + `\\]|` + uchar + `)*>`
		blank   = `_:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?`
		str     = `"(?:[^"\\\n\r]|` + echar + `|` + uchar + `)*"`
		literal = str + `(?:\^\^` + iri + `|@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)?`
		term    = `(?:` + iri + `|` + blank + `)`
	)
	return regexp.MustCompile(`^(` + term + `) (` + iri + `) (` + iri + `|` + blank + `|` + literal + `)(?: (` + term + `))? \.$`)
}()

func TestNQuads(t *testing.T) {
	s := fixture(t)
	out, c := exportOf(t, s, export.NQuads, export.Options{})
	if c != wantFull {
		t.Errorf("counts %+v, want %+v", c, wantFull)
	}
	types := map[string]int{}
	preds := map[string]int{}
	printings := map[[2]string]bool{} // quotation and the article graph it is printed in
	sc := bufio.NewScanner(bytes.NewReader(out))
	n := 0
	for sc.Scan() {
		n++
		m := nquadRE.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("line %d is not an N-Quads statement: %s", n, sc.Text())
		}
		preds[m[2]]++
		if m[2] == "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" {
			types[m[3]]++
			if m[3] == "<https://schema.org/Quotation>" && m[4] != "" {
				printings[[2]string{m[1], m[4]}] = true
			}
		}
	}
	// 7 printings in their articles' graphs, and the 3 quotations
	// printed more than once in the default graph with their canonical
	// text.
	want := map[string]int{
		"<https://schema.org/Quotation>": 7 + 3, "<https://schema.org/Person>": 4, "<urn:graphd:Venue>": 4,
		"<https://schema.org/NewsArticle>": 7, "<https://schema.org/NewsMediaOrganization>": 3,
	}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("rdf:type counts (-want +got):\n%s", diff)
	}
	if len(printings) != 7 {
		t.Errorf("%d printings, want 7", len(printings))
	}
	wantPreds := map[string]int{"<https://schema.org/spokenByCharacter>": 5, "<https://schema.org/isPartOf>": 7, "<https://schema.org/publisher>": 5,
		"<https://schema.org/text>": 7 + 3, "<http://www.w3.org/2002/07/owl#sameAs>": 1, "<https://schema.org/isBasedOn>": 1,
		"<urn:graphd:match>": 3, "<urn:graphd:similarity>": 1}
	for p, n := range wantPreds {
		if preds[p] != n {
			t.Errorf("%s: %d statements, want %d", p, preds[p], n)
		}
	}
	// A filter exports what it selects and what that reaches.
	out, c = exportOf(t, s, export.NQuads, export.Options{Filter: graph.QuoteFilter{Search: "peace"}})
	if c != (export.Counts{Quotes: 1, Printings: 1, Speakers: 1, Venues: 1, Articles: 1}) || bytes.Count(out, []byte("schema.org/Quotation>")) != 1 {
		t.Errorf("filtered: counts %+v\n%s", c, out)
	}
}

// graphmlDoc is what the tests read of GraphML.
type graphmlDoc struct {
	XMLName xml.Name `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
	Keys    []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []struct {
			ID   string `xml:"id,attr"`
			Data []struct {
				Key   string `xml:"key,attr"`
				Value string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			ID     string `xml:"id,attr"`
			Source string `xml:"source,attr"`
			Target string `xml:"target,attr"`
			Data   []struct {
				Key   string `xml:"key,attr"`
				Value string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

func TestGraphML(t *testing.T) {
	s := fixture(t)
	out, c := exportOf(t, s, export.GraphML, export.Options{})
	if c != wantFull {
		t.Errorf("counts %+v, want %+v", c, wantFull)
	}
	var doc graphmlDoc
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("GraphML does not parse: %v\n%s", err, out)
	}
	keys := map[string]string{}
	for _, k := range doc.Keys {
		keys[k.ID] = k.For
	}
	types := map[string]int{}
	nodes := map[string]string{}
	for _, n := range doc.Graph.Nodes {
		for _, d := range n.Data {
			if keys[d.Key] != "node" {
				t.Errorf("node %s: data key %q not declared for nodes", n.ID, d.Key)
			}
			if d.Key == "type" {
				types[d.Value]++
				nodes[n.ID] = d.Value
			}
		}
	}
	if diff := cmp.Diff(map[string]int{"Quote": 4, "Speaker": 4, "Venue": 4, "Article": 7, "Outlet": 3}, types); diff != "" {
		t.Errorf("nodes by type (-want +got):\n%s", diff)
	}
	edges := map[string]int{}
	ids := map[string]bool{}
	printed := 0
	for _, e := range doc.Graph.Edges {
		if ids[e.ID] {
			t.Errorf("edge id %s twice", e.ID)
		}
		ids[e.ID] = true
		if _, err := uuid.Parse(e.ID); err == nil { // a printing
			printed++
		}
		if nodes[e.Source] == "" || nodes[e.Target] == "" {
			t.Errorf("edge %s → %s names a node that is not there", e.Source, e.Target)
		}
		for _, d := range e.Data {
			if keys[d.Key] != "edge" {
				t.Errorf("edge data key %q not declared for edges", d.Key)
			}
			if d.Key == "edgeType" {
				edges[nodes[e.Source]+" "+d.Value+" "+nodes[e.Target]]++
			}
		}
	}
	want := map[string]int{"Speaker SAID Quote": 4, "Quote IN Article": 7, "Quote AT Venue": 4, "Article PUBLISHED_BY Outlet": 5,
		"Article COPY_OF Article": 1, "Speaker MERGED_INTO Speaker": 1}
	if diff := cmp.Diff(want, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	if printed != 7 {
		t.Errorf("%d edges are printings, want 7", printed)
	}
	if doc.Graph.EdgeDefault != "directed" {
		t.Errorf("edgedefault %q", doc.Graph.EdgeDefault)
	}
	// The text came through, escaped and back.
	if !bytes.Contains(out, []byte("&lt;never&gt;")) {
		t.Error("markup in a quotation is not escaped")
	}
}

func TestCSV(t *testing.T) {
	s := fixture(t)
	files := map[string]*bytes.Buffer{}
	var order []string
	c, err := export.WriteCSV(t.Context(), s, func(name string) (io.Writer, error) {
		order = append(order, name)
		files[name] = &bytes.Buffer{}
		return files[name], nil
	}, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c != wantFull {
		t.Errorf("counts %+v, want %+v", c, wantFull)
	}
	if diff := cmp.Diff(export.CSVFiles, order); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	checkCSV(t, files, map[string]int{"speakers.csv": 4, "venues.csv": 4, "outlets.csv": 3, "articles.csv": 7, "quotes.csv": 4,
		"printings.csv": 7, "relationships.csv": 4 + 4 + 5 + 1 + 1}) // SAID, AT, PUBLISHED_BY, COPY_OF, MERGED_INTO
}

// checkCSV parses the files as neo4j-admin would: headers, row counts,
// unique ids and relationships between ids that exist.
func checkCSV(t *testing.T, files map[string]*bytes.Buffer, rows map[string]int) {
	t.Helper()
	headers := map[string][]string{
		"speakers.csv": {"id:ID", "name", "type", "aliases:string[]", "titles:string[]", ":LABEL"},
		"venues.csv":   {"id:ID", "name", "kind", ":LABEL"},
		"outlets.csv":  {"id:ID", "name", ":LABEL"},
		"articles.csv": {"id:ID", "url", "title", "published", "outlet", "hash", ":LABEL"},
		"quotes.csv":   {"id:ID", "text", "kind", "confidence:float", "published", "cue", "cueKind", "mention", ":LABEL"},
		"printings.csv": {":START_ID", ":END_ID", ":TYPE", "id", "match", "speakerName", "kind", "confidence:float", "cue", "cueKind", "mention",
			"text", "similarity:float", "fidelity:float", "misquote:string[]"},
		"relationships.csv": {":START_ID", ":END_ID", ":TYPE"},
	}
	ids := map[string]string{}
	for _, name := range export.CSVFiles {
		buf, ok := files[name]
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if diff := cmp.Diff(headers[name], recs[0]); diff != "" {
			t.Errorf("%s header (-want +got):\n%s", name, diff)
		}
		if len(recs)-1 != rows[name] {
			t.Errorf("%s: %d rows, want %d", name, len(recs)-1, rows[name])
		}
		for _, r := range recs[1:] {
			if len(r) != len(recs[0]) {
				t.Errorf("%s: row of %d fields", name, len(r))
				continue
			}
			if name == "relationships.csv" || name == "printings.csv" {
				if ids[r[0]] == "" || ids[r[1]] == "" {
					t.Errorf("relationship %v between unknown ids", r)
				}
				if _, err := uuid.Parse(r[3%len(r)]); name == "printings.csv" && (err != nil || r[2] != "IN") {
					t.Errorf("printing %v: %v", r, err)
				}
				continue
			}
			if _, err := uuid.Parse(r[0]); err != nil || ids[r[0]] != "" {
				t.Errorf("%s: id %q bad or twice", name, r[0])
			}
			ids[r[0]] = r[len(r)-1]
		}
	}
}

// A CSV export over HTTP is a zip of the files.
func TestCSVZip(t *testing.T) {
	s := fixture(t)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	_, err := export.WriteCSV(t.Context(), s, func(name string) (io.Writer, error) { return zw.Create(name) },
		export.Options{Filter: graph.QuoteFilter{Search: "talks"}})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*bytes.Buffer{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = bytes.NewBuffer(b)
	}
	// "talks" is one quotation by Ana Silva, printed on X in an article
	// of Daily and in an undated article of no outlet: Ana Silva's
	// records (Anna Silva is merged into her), X, Daily, two articles;
	// SAID, AT, PUBLISHED_BY and MERGED_INTO.
	checkCSV(t, files, map[string]int{"speakers.csv": 2, "venues.csv": 1, "outlets.csv": 1, "articles.csv": 2, "quotes.csv": 1,
		"printings.csv": 2, "relationships.csv": 4})
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]export.Format{"jsonl": export.JSONL, "NQuads": export.NQuads, "nq": export.NQuads, "graphml": export.GraphML, "csv": export.CSV} {
		if f, err := export.ParseFormat(in); err != nil || f != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, f, err)
		}
	}
	if _, err := export.ParseFormat("xls"); !errors.Is(err, export.ErrFormat) {
		t.Errorf("ParseFormat(xls): %v", err)
	}
	if !slices.Contains(export.Formats, export.CSV) {
		t.Error("Formats lacks csv")
	}
}
