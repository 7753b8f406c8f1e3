package schema

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

// hostileDocuments are query documents that, before graphd bounded them,
// crashed graphql-go's validation (a stack overflow) or took it minutes.
// The sizes are those measured in the field; each must now be refused,
// with its code, at once (or, within the limits, answered at once).
func hostileDocuments() []struct{ name, query, code, msg string } {
	nested := func(open, close string, size int) string {
		n := size / (len(open) + len(close))
		return strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	var aliases, ops, sameField strings.Builder
	aliases.WriteString("{")
	for i := range 1000 {
		aliases.WriteString(" a" + strconv.Itoa(i) + ": __typename")
	}
	aliases.WriteString(" }")
	for i := range 20_000 {
		ops.WriteString("query Q" + strconv.Itoa(i) + " { __typename } ")
	}
	sameField.WriteString("{")
	for range 500 {
		sameField.WriteString(" quotes(first: 1) { totalCount }")
	}
	sameField.WriteString(" }")
	return []struct{ name, query, code, msg string }{
		{"self-spreading fragment", `{__typename ...A} fragment A on Query {...A}`, codeValidation, `Cannot spread fragment "A" within itself.`},
		{"mutually spreading fragments", `{__typename ...A} fragment A on Query {...B} fragment B on Query {...A}`, codeValidation, `Cannot spread fragment "A" within itself via "B".`},
		{"nested selections, 100 KB", "{" + nested("quotes { edges { node { speaker { ", "} } } } ", 100_000) + "}", codeLimit, "query is nested too deeply"},
		{"nested selections within the nesting", "{" + strings.Repeat("quotes { edges { node { speaker { ", 9) + "name" + strings.Repeat(" } } } }", 9) + "}", codeLimit, "query is nested too deeply: more than 12 levels of fields"},
		{"nested lists, 100 KB", `{ quotes(kind: ` + nested("[", "]", 100_000) + `) { totalCount } }`, codeLimit, "query is nested too deeply"},
		{"nested objects, 100 KB", `{ quotes(search: ` + nested("{a: ", "}", 100_000) + `) { totalCount } }`, codeLimit, "query is nested too deeply"},
		{"nested object literal, 40 KB", `{ quotes(search: ` + nested("{a: ", "}", 40_000) + `) { totalCount } }`, codeLimit, "query is nested too deeply"},
		{"ofType chain, 80 KB", "{ __schema { types { " + nested("ofType { ", "} ", 80_000) + "name } } }", codeLimit, "query is nested too deeply"},
		{"1,000 aliases", aliases.String(), codeLimit, "query is too large: more than 100 aliases"},
		{"20,000 operations", ops.String(), codeLimit, "query is too large: more than 5000 tokens"},
		// graphql-go compares these fields pairwise: 125,000 pairs.
		{"500 fields of one name, with arguments", sameField.String(), "", ""},
		{"60,000 fields", "{" + strings.Repeat(" __typename", 60_000) + " }", codeLimit, "query is too large: more than 5000 tokens"},
		{"3,000 fields", "{" + strings.Repeat(" __typename", 3_000) + " }", codeLimit, "query is too large: more than 2000 fields"},
		{"fragment bomb", fragmentBomb(40), codeLimit, "query is too large: more than 2000 fields"},
	}
}

func TestHostileDocuments(t *testing.T) {
	s := newSchema(t)
	for _, tt := range hostileDocuments() {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			resp, status := post(t, s, tt.query, nil)
			if tt.code == "" {
				if status != http.StatusOK || len(resp.Errors) > 0 {
					t.Fatalf("status %d, errors %+v", status, resp.Errors)
				}
				t.Logf("%s: answered in %v", tt.name, time.Since(start))
				return
			}
			if status != http.StatusOK || len(resp.Errors) == 0 || resp.Data != nil {
				t.Fatalf("status %d, data %s, errors %+v", status, resp.Data, resp.Errors)
			}
			e := resp.Errors[0]
			if e.Extensions["code"] != tt.code || !strings.HasPrefix(e.Message, tt.msg) {
				t.Errorf("error %q (%v), want %q (%s)", e.Message, e.Extensions["code"], tt.msg, tt.code)
			}
			t.Logf("%s: %q in %v", tt.name, e.Message, time.Since(start))
		})
	}
}

// graphd's check of overlapping fields agrees with graphql-go's on
// documents graphql-go can check.
func TestMergeCheck(t *testing.T) {
	s := newSchema(t)
	for _, tt := range []struct {
		name, query string
		valid       bool
	}{
		{"same field twice", `{ counts { quotes quotes } }`, true},
		{"different fields, one name", `{ counts { a: quotes a: speakers } }`, false},
		{"different arguments", `{ quotes(first: 1) { totalCount } quotes(first: 2) { totalCount } }`, false},
		{"same arguments", `{ quotes(first: 1, kind: ["direct"]) { totalCount } quotes(kind: ["direct"], first: 1) { totalCount } }`, true},
		{"variables", `query($a: Int, $b: Int) { quotes(first: $a) { totalCount } quotes(first: $b) { totalCount } }`, false},
		{"through fragments", `{ counts { ...A ...B } } fragment A on Counts { x: quotes } fragment B on Counts { x: speakers }`, false},
		{"nested conflict", `{ quotes { edges { node { t: text } } } quotes { edges { node { t: kind } } } }`, false},
		{"nested merge", `{ quotes { edges { node { text } } } quotes { edges { node { text kind } } } }`, true},
		{"exclusive parents, same shape", `{ node(id: "x") { ... on Speaker { x: name } ... on Quote { x: text } } }`, true},
		{"exclusive parents, other shape", `{ node(id: "x") { ... on Speaker { x: name } ... on Quote { x: confidence } } }`, false},
		{"abstract parent", `{ node(id: "x") { x: id ... on Speaker { x: name } } }`, false},
		{"abstract parent, same field", `{ node(id: "x") { id ... on Speaker { id } ... on Quote { id } } }`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(tt.query)})})
			if err != nil {
				t.Fatal(err)
			}
			theirs := graphql.ValidateDocument(&s.schema, doc, nil)
			mine, err := mergeCheck(&s.schema, doc)
			if err != nil {
				t.Fatal(err)
			}
			others := graphql.ValidateDocument(&s.schema, doc, validationRules)
			if got := len(mine) == 0 && others.IsValid; got != theirs.IsValid || got != tt.valid {
				t.Errorf("valid: graphd %v (%+v), graphql-go %v (%+v), want %v", got, mine, theirs.IsValid, theirs.Errors, tt.valid)
			}
		})
	}
}

// FuzzDocument runs the whole path of a request before execution (limits
// on the text, parse, limits on the shape, validation, depth and cost) on
// arbitrary documents: nothing may crash it, every refusal has a code,
// and it ends well within the request deadline.
func FuzzDocument(f *testing.F) {
	st := openStore(f)
	s, err := New(st, nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, h := range hostileDocuments() {
		f.Add(h.query)
	}
	for _, q := range []string{
		`{ quotes(speaker: "Lavrov", first: 2) { edges { cursor node { id text } } pageInfo { endCursor } } }`,
		`query Q($n: Int) { quotes(first: $n) { ...F } } fragment F on QuoteConnection { totalCount }`,
		`{ node(id: "x") { id ... on Speaker { name } ... on Quote { text } } }`,
		`{ __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }`,
		`mutation { ingestArticle(input: {text: "He said \"yes\"."}) { created } }`,
		`subscription { quoteAdded { text } }`,
		`{ a: counts { quotes } a: counts { speakers } } # comment`,
		`{ quotes(search: """block "string" \""" end""") { totalCount } }`,
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		done := make(chan *Response, 1)
		go func() {
			_, _, bad := s.prepare(ctx, Request{Query: query}, transportPOST)
			done <- bad
		}()
		var bad *Response
		select {
		case bad = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("prepare did not end in 10 s on %q", query)
		}
		if bad != nil {
			for _, e := range bad.Errors {
				if e.code() == "" || e.code() == codeInternal || e.code() == codeTimeout {
					t.Errorf("error %+v for %q", e, query)
				}
			}
		}
	})
}

// BenchmarkHostile measures the path of a request before execution on
// each hostile document: the time and memory it takes to refuse it.
func BenchmarkHostile(b *testing.B) {
	st := openStore(b)
	s, err := New(st, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, h := range hostileDocuments() {
		b.Run(strings.NewReplacer(" ", "-", ",", "").Replace(h.name), func(b *testing.B) {
			b.SetBytes(int64(len(h.query)))
			b.ReportAllocs()
			for b.Loop() {
				s.prepare(b.Context(), Request{Query: h.query}, transportPOST)
			}
		})
	}
}
