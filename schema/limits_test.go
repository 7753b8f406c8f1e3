package schema

import (
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/parser"
)

func TestLimits(t *testing.T) {
	s := newSchema(t)
	deep := `{ quotes { edges { node { speaker { quotes { edges { node { article { quotes { edges { node { venue { quotes { edges { node { text } } } } } } } } } } } } } } } }`
	tests := []struct {
		name, query string
		vars        map[string]any
		want        string // "" for a query within the limits
	}{
		{"shallow", `{ quotes { edges { node { text speaker { name } } } } }`, nil, ""},
		{"too deep", deep, nil, "query is nested too deeply: more than 12 levels of fields"},
		{"too deep through a fragment", `{ quotes { ...q } } fragment q on QuoteConnection { edges { node { speaker { quotes { edges { node { article { quotes { edges { node { venue { quotes { edges { node { text } } } } } } } } } } } } } } }`, nil, "query is nested too deeply"},
		{"large pages nested twice", `{ quotes(first: 100) { edges { node { speaker { quotes(first: 100) { edges { node { text article { title url } venue { name } } } } } } } } }`, nil, "query is too costly"},
		{"large pages through variables", `query($n: Int) { quotes(first: $n) { edges { node { speaker { quotes(first: $n) { edges { node { text article { title url } venue { name } } } } } } } } }`, map[string]any{"n": 100}, "query is too costly"},
		{"small pages nested twice", `{ quotes(first: 10) { edges { node { speaker { quotes(first: 10) { edges { node { text article { title url } venue { name } } } } } } } } }`, nil, ""},
		{"many aliases", `{ ` + aliases(90, `quotes(first: 100) { edges { node { text kind speaker { name } } } }`) + ` }`, nil, "query is too costly"},
		{"too many aliases", `{ ` + aliases(101, `__typename`) + ` }`, nil, "query is too large: more than 100 aliases"},
		{"fragment bomb", fragmentBomb(20), nil, "query is too large: more than 2000 fields with its fragments expanded"},
		{"fragment bomb within the fields", fragmentBomb(8), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, status := post(t, s, tt.query, tt.vars)
			if tt.want == "" {
				if status != http.StatusOK || len(resp.Errors) > 0 {
					t.Fatalf("status %d, errors %+v; want it within the limits", status, resp.Errors)
				}
				return
			}
			// application/json answers a request that did not run 200.
			if status != http.StatusOK {
				t.Errorf("status %d, want 200", status)
			}
			if len(resp.Errors) != 1 || !strings.HasPrefix(resp.Errors[0].Message, tt.want) {
				t.Fatalf("errors %+v, want %q", resp.Errors, tt.want)
			}
			if resp.Errors[0].Extensions["code"] != codeLimit {
				t.Errorf("code %v, want %s", resp.Errors[0].Extensions["code"], codeLimit)
			}
			if resp.Data != nil {
				t.Errorf("data %s, want none", resp.Data)
			}
		})
	}
}

func aliases(n int, field string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("a")
		b.WriteString(strings.Repeat("x", i))
		b.WriteString(": ")
		b.WriteString(field)
		b.WriteString(" ")
	}
	return b.String()
}

// fragmentBomb is a short query whose fragments, spread twice at each of
// n levels, stand for 2^n fields.
func fragmentBomb(n int) string {
	var b strings.Builder
	b.WriteString("{ counts { ...f0 } }\n")
	for i := range n {
		b.WriteString("fragment f")
		b.WriteString(strconv.Itoa(i))
		b.WriteString(" on Counts { ")
		if i == n-1 {
			b.WriteString("quotes ")
		} else {
			b.WriteString("...f" + strconv.Itoa(i+1) + " ... on Counts { ...f" + strconv.Itoa(i+1) + " } ")
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// GraphiQL loads the schema with graphql-js's introspection query, whose
// ofType chains are nine deep: it must pass the limits.
func TestIntrospectionWithinLimits(t *testing.T) {
	s := newSchema(t)
	q, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	resp, status := post(t, s, string(q), nil)
	if status != http.StatusOK || len(resp.Errors) > 0 {
		t.Fatalf("introspection: status %d, errors %+v", status, resp.Errors)
	}
	for _, typ := range []string{`"name":"Quote"`, `"name":"SpeakerConnection"`, `"name":"ingestArticle"`, `"name":"Node"`} {
		if !strings.Contains(string(resp.Data), typ) {
			t.Errorf("introspection lacks %s", typ)
		}
	}
}

// The cost estimate ignores ofType fields past maxWrapping, which holds
// only while no type of the schema is wrapped deeper.
func TestMaxWrapping(t *testing.T) {
	s := newSchema(t)
	depth := func(t graphql.Type) int {
		n := 0
		for {
			switch w := t.(type) {
			case *graphql.NonNull:
				t = w.OfType
			case *graphql.List:
				t = w.OfType
			default:
				return n
			}
			n++
		}
	}
	for name, typ := range s.schema.TypeMap() {
		var fields graphql.FieldDefinitionMap
		switch typ := typ.(type) {
		case *graphql.Object:
			fields = typ.Fields()
		case *graphql.Interface:
			fields = typ.Fields()
		default:
			continue
		}
		for fname, f := range fields {
			if d := depth(f.Type); d > maxWrapping {
				t.Errorf("%s.%s: %s is wrapped %d deep, more than maxWrapping", name, fname, f.Type, d)
			}
			for _, a := range f.Args {
				if d := depth(a.Type); d > maxWrapping {
					t.Errorf("%s.%s(%s): %s is wrapped %d deep, more than maxWrapping", name, fname, a.Name(), a.Type, d)
				}
			}
		}
	}
}

// The cost estimate reads page sizes as the resolvers take them under
// Limits.First: a page without first or last is the default size or the
// largest page, whichever is smaller, and a larger first counts as the
// largest page.
func TestCostReadsThePageLimit(t *testing.T) {
	s := newSchema(t)
	for _, c := range []struct {
		query string
		first int
		want  int // quotes, then edges, node and text once per item
	}{
		{`{ quotes { edges { node { text } } } }`, 100, 1 + 3*20},
		{`{ quotes { edges { node { text } } } }`, 5, 1 + 3*5},
		{`{ quotes(first: 50) { edges { node { text } } } }`, 10, 1 + 3*10},
		{`{ quotes(last: 50) { edges { node { text } } } }`, 100, 1 + 3*50},
	} {
		doc, err := parser.Parse(parser.ParseParams{Source: c.query})
		if err != nil {
			t.Fatal(err)
		}
		op, err := operation(doc, "")
		if err != nil {
			t.Fatal(err)
		}
		l := DefaultLimits()
		l.First = c.first
		m, err := checkLimits(t.Context(), &s.schema, doc, op, nil, l)
		if err != nil || m.cost != c.want {
			t.Errorf("%s with pages of at most %d: cost %d (%v), want %d", c.query, c.first, m.cost, err, c.want)
		}
	}
}
