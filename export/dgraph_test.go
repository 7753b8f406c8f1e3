package export_test

import (
	"bufio"
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/export"
	"github.com/graphd/graphd/graph"
)

// dgraphExport writes the Dgraph export of s and returns its files.
func dgraphExport(t *testing.T, s *graph.Store, o export.Options) (map[string]*bytes.Buffer, export.Counts) {
	t.Helper()
	files := map[string]*bytes.Buffer{}
	var order []string
	c, err := export.WriteDgraph(t.Context(), s, func(name string) (io.Writer, error) {
		order = append(order, name)
		files[name] = &bytes.Buffer{}
		return files[name], nil
	}, o)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(export.DgraphFiles, order); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	return files, c
}

// A Dgraph schema as the loaders read it: predicates with their type
// and directives, and types with their predicates.
type dgraphSchema struct {
	preds map[string]string // predicate → "type @directives"
	types map[string][]string
}

var (
	predRE = regexp.MustCompile(`^([A-Za-z]+\.[A-Za-z]+): ((?:\[)?(?:string|uid|float|int|bool|datetime)(?:\])?(?: @[a-z]+(?:\([a-z, ]+\))?)*) \.$`)
	typeRE = regexp.MustCompile(`^type ([A-Za-z]+) \{$`)
)

func parseDgraphSchema(t *testing.T, text string) dgraphSchema {
	t.Helper()
	s := dgraphSchema{preds: map[string]string{}, types: map[string][]string{}}
	typ := ""
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case typ != "" && line == "}":
			typ = ""
		case typ != "":
			if _, ok := s.preds[line]; !ok {
				t.Errorf("schema line %d: type %s names %s, which is not declared", i+1, typ, line)
			}
			s.types[typ] = append(s.types[typ], line)
		case typeRE.MatchString(line):
			typ = typeRE.FindStringSubmatch(line)[1]
		case predRE.MatchString(line):
			m := predRE.FindStringSubmatch(line)
			if !strings.HasPrefix(m[1], strings.Split(m[1], ".")[0]+".") {
				t.Errorf("schema line %d: %s", i+1, line)
			}
			s.preds[m[1]] = m[2]
		default:
			t.Errorf("schema line %d is not a predicate or a type: %q", i+1, line)
		}
	}
	return s
}

// dgraphLineRE is an N-Quad as graphd writes them for Dgraph: a blank
// node, a predicate, and a blank node with optional facets or a literal
// with an optional xs: type.
var dgraphLineRE = regexp.MustCompile(`^(_:[0-9a-f-]{36}(?:\.[a-z]+[0-9]+)?) <([A-Za-z.]+)> (?:(_:[0-9a-f-]{36}(?:\.[a-z]+[0-9]+)?)(?: \(([^)]*)\))?|("(?:[^"\\]|\\.)*")(?:\^\^<xs:([a-zA-Z]+)>)?) \.$`)

// dgraphNode is a node of the export: its type and its values by
// predicate, literals unquoted as Dgraph's loaders unquote them
// (strconv.Unquote), edges as the blank nodes they name.
type dgraphNode struct {
	typ    string
	values map[string][]string
}

func parseDgraphRDF(t *testing.T, text string, schema dgraphSchema) (map[string]*dgraphNode, map[string]string) {
	t.Helper()
	nodes := map[string]*dgraphNode{}
	facets := map[string]string{} // "subject predicate" → facets
	node := func(n string) *dgraphNode {
		if nodes[n] == nil {
			nodes[n] = &dgraphNode{values: map[string][]string{}}
		}
		return nodes[n]
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for i := 1; sc.Scan(); i++ {
		m := dgraphLineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("line %d is not an N-Quad for Dgraph: %s", i, sc.Text())
		}
		subj, pred, obj, facet, lit, typ := m[1], m[2], m[3], m[4], m[5], m[6]
		n := node(subj)
		if pred == "dgraph.type" {
			v, _ := strconv.Unquote(lit)
			n.typ = v
			continue
		}
		decl, ok := schema.preds[pred]
		if !ok {
			t.Errorf("line %d: predicate %s is not in the schema", i, pred)
		}
		if obj != "" {
			if !strings.Contains(decl, "uid") {
				t.Errorf("line %d: an edge of %s, declared %s", i, pred, decl)
			}
			n.values[pred] = append(n.values[pred], obj)
			if facet != "" {
				facets[subj+" "+pred] = facet
			}
			continue
		}
		v, err := strconv.Unquote(lit)
		if err != nil {
			t.Errorf("line %d: %s does not unquote: %v", i, lit, err)
		}
		switch typ {
		case "":
			if !strings.HasPrefix(strings.TrimPrefix(decl, "["), "string") {
				t.Errorf("line %d: a string for %s, declared %s", i, pred, decl)
			}
		case "float":
			if _, err := strconv.ParseFloat(v, 64); err != nil || !strings.HasPrefix(decl, "float") {
				t.Errorf("line %d: float %q for %s, declared %s", i, v, pred, decl)
			}
		case "dateTime":
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil || !strings.HasPrefix(decl, "datetime") {
				t.Errorf("line %d: datetime %q for %s, declared %s", i, v, pred, decl)
			}
		case "boolean":
			if v != "true" || !strings.HasPrefix(decl, "bool") {
				t.Errorf("line %d: bool %q for %s, declared %s", i, v, pred, decl)
			}
		default:
			t.Errorf("line %d: type xs:%s", i, typ)
		}
		n.values[pred] = append(n.values[pred], v)
	}
	return nodes, facets
}

// The Dgraph export: a schema of declared predicates and types, and
// N-Quads whose every node has a type, every predicate is of its node's
// type and declared with the type of its values, and every edge reaches
// a node; every printing, merged name, copy and venue is there.
func TestDgraph(t *testing.T) {
	if f, err := export.ParseFormat("Dgraph"); f != export.Dgraph || err != nil || f.Files() == nil {
		t.Errorf("ParseFormat(Dgraph) = %q, %v", f, err)
	}
	s := fixture(t)
	files, c := dgraphExport(t, s, export.Options{})
	if c != wantFull {
		t.Errorf("counts %+v, want %+v", c, wantFull)
	}
	if got := files["graphd.schema"].String(); got != export.DgraphSchema {
		t.Errorf("the schema file is not DgraphSchema")
	}
	schema := parseDgraphSchema(t, export.DgraphSchema)
	for _, p := range []string{"Quote.speaker", "Quote.venue", "Quote.article", "Quote.occurrences", "Occurrence.speaker",
		"Occurrence.venue", "Occurrence.article", "Article.outlet", "Article.copyOf"} {
		if !strings.Contains(schema.preds[p], "@reverse") {
			t.Errorf("%s: %s, without @reverse", p, schema.preds[p])
		}
	}
	for p, want := range map[string]string{"Speaker.name": "exact, term", "Speaker.aliases": "exact, term", "Quote.text": "fulltext",
		"Quote.firstSeen": "day", "Article.published": "day", "Quote.stems": "term"} {
		if !strings.Contains(schema.preds[p], "@index("+want+")") {
			t.Errorf("%s: %s, want @index(%s)", p, schema.preds[p], want)
		}
	}
	nodes, facets := parseDgraphRDF(t, files["graphd.rdf"].String(), schema)
	byType := map[string]int{}
	for name, n := range nodes {
		if n.typ == "" {
			t.Errorf("node %s has no dgraph.type", name)
			continue
		}
		byType[n.typ]++
		fields := schema.types[n.typ]
		for p, vs := range n.values {
			if !strings.HasPrefix(p, n.typ+".") || !strings.Contains(strings.Join(fields, " ")+" ", p+" ") {
				t.Errorf("%s node %s has %s", n.typ, name, p)
			}
			if len(vs) > 1 && !strings.HasPrefix(schema.preds[p], "[") {
				t.Errorf("%s node %s has %d values of %s, declared %s", n.typ, name, len(vs), p, schema.preds[p])
			}
			if strings.Contains(schema.preds[p], "uid") {
				for _, v := range vs {
					if nodes[v] == nil || nodes[v].typ == "" {
						t.Errorf("%s of %s reaches %s, which is not a node", p, name, v)
					}
				}
			}
		}
		if id := n.values[n.typ+".id"]; len(id) > 0 && "_:"+id[0] != name {
			t.Errorf("node %s has the id %s", name, id)
		}
	}
	// 3 people, Ana Silva with Anna Silva merged into her by decision;
	// 4 quotes in 7 printings; every article and outlet.
	want := map[string]int{"Speaker": 3, "Merge": 1, "Evidence": 1, "Role": 3, "Quote": 4, "Occurrence": 7, "Venue": 4, "Article": 7, "Outlet": 3}
	if diff := cmp.Diff(want, byType); diff != "" {
		t.Errorf("nodes by type (-want +got):\n%s", diff)
	}
	var ana *dgraphNode
	texts := map[string]bool{}
	for _, n := range nodes {
		switch n.typ {
		case "Speaker":
			if len(n.values["Speaker.merges"]) > 0 {
				ana = n
			}
		case "Quote":
			texts[n.values["Quote.text"][0]] = true
			if want := strings.Join(graph.SearchStems(n.values["Quote.text"][0]), " "); n.values["Quote.stems"][0] != want {
				t.Errorf("Quote.stems %q, want %q", n.values["Quote.stems"], want)
			}
		}
	}
	if ana == nil || len(ana.values["Speaker.merges"]) != 1 ||
		!cmp.Equal(append(ana.values["Speaker.name"], ana.values["Speaker.aliases"]...), []string{"Anna Silva", "Ana Silva"}) {
		t.Fatalf("Ana Silva: %+v", ana)
	}
	merge := nodes[ana.values["Speaker.merges"][0]]
	if name := merge.values["Merge.name"][0]; name != "Ana Silva" && name != "Anna Silva" || merge.values["Merge.decidedBy"][0] != graph.ByPerson {
		t.Errorf("the merge: %+v", merge.values)
	}
	// Text that needs escaping comes back as it was.
	for _, text := range []string{"We will <never> give up \"what is ours\" & that's final.", "Line two.\tTab; end 🕊"} {
		if !texts[text] {
			t.Errorf("no quote reads %q: %v", text, texts)
		}
	}
	var copies int
	for k, f := range facets {
		if strings.HasSuffix(k, " Article.copyOf") {
			copies++
			if !regexp.MustCompile(`^score=[0-9.]+\.[0-9]*, sharedQuotes=[0-9]+, textOverlap=[0-9]*\.[0-9]+$`).MatchString(f) {
				t.Errorf("copy facets %q", f)
			}
		}
	}
	if copies != 1 {
		t.Errorf("%d copies with facets, want 1", copies)
	}

	// A filter exports what it selects and what that reaches.
	files, c = dgraphExport(t, s, export.Options{Filter: graph.QuoteFilter{Search: "peace"}})
	if c != (export.Counts{Quotes: 1, Printings: 1, Speakers: 1, Venues: 1, Articles: 1}) {
		t.Errorf("filtered: counts %+v", c)
	}
	nodes, _ = parseDgraphRDF(t, files["graphd.rdf"].String(), schema)
	byType = map[string]int{}
	for _, n := range nodes {
		byType[n.typ]++
	}
	if diff := cmp.Diff(map[string]int{"Speaker": 1, "Role": 1, "Quote": 1, "Occurrence": 1, "Venue": 1, "Article": 1}, byType); diff != "" {
		t.Errorf("filtered: nodes by type (-want +got):\n%s", diff)
	}
}
