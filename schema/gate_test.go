package schema

import (
	"net/http"
	"testing"

	"github.com/graphd/graphd/graph/graphtest"
	"github.com/graphd/graphd/ingest"
)

// Queries hold the gate that a server's ingest waits at; mutations, which
// are writes themselves, do not.
func TestQueriesHoldTheGate(t *testing.T) {
	g := ingest.NewGate(0, 0)
	s, err := New(graphtest.Open(t), nil, WithGate(g))
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Counts struct{ Articles int } }
	query(t, s, `{ counts { articles } }`, nil, &out)
	if n := g.Stats().Queries; n != 1 {
		t.Errorf("after a query, %d entered the gate, want 1", n)
	}
	resp, status := post(t, s, `mutation { ingestArticle(input: {url: "https://news.example/x", text: "“Yes,” said Mayor Tom Baker."}) { created } }`, nil)
	if status != http.StatusOK || len(resp.Errors) > 0 {
		t.Fatalf("mutation: status %d, errors %+v", status, resp.Errors)
	}
	if n := g.Stats().Queries; n != 1 {
		t.Errorf("after a mutation, %d entered the gate, want 1", n)
	}
}
