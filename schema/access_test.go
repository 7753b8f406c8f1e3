package schema

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const (
	writeToken = "write-token-0123456789abcdef"
	readToken  = "read-token-0123456789abcdef"
)

// In process, Schema.Do is trusted: the token is a concern of requests
// over HTTP.
func TestDoInProcessIsTrusted(t *testing.T) {
	s := newSchema(t, WithAccess(Access{WriteToken: writeToken, ReadToken: readToken}))
	const m = `mutation { ingestArticle(input: {url: "https://news.example/x", text: "“Yes,” said Mayor Tom Baker."}) { created } }`
	if resp := s.Do(t.Context(), Request{Query: m}); len(resp.Errors) > 0 {
		t.Errorf("in-process mutation: %+v", resp.Errors)
	}
	resp, status := post(t, s, m, nil)
	if status != http.StatusUnauthorized || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != codeUnauthenticated {
		t.Errorf("mutation over HTTP without a token: %d %+v", status, resp)
	}
}

func TestTokenLevels(t *testing.T) {
	s := &Schema{}
	WithAccess(Access{WriteToken: writeToken, ReadToken: readToken})(s)
	for _, c := range []struct {
		token string
		want  level
	}{
		{writeToken, levelWrite},
		{readToken, levelRead},
		{"", levelNone},
		{writeToken + "x", levelNone},
		{writeToken[:len(writeToken)-1], levelNone},
	} {
		if got := s.access.level(c.token); got != c.want {
			t.Errorf("level(%q) = %d, want %d", c.token, got, c.want)
		}
	}
	// Only a write token: reads are open, writes need it.
	w := &Schema{}
	WithAccess(Access{WriteToken: writeToken})(w)
	if !w.access.allows(levelNone, levelRead) || w.access.allows(levelNone, levelWrite) || !w.access.allows(levelWrite, levelWrite) {
		t.Error("a write token alone: reads should be open and writes need it")
	}
	if w.access.level("") != levelNone {
		t.Error("an empty token matches the unset read token")
	}
	// No tokens: everything is open.
	var open accessControl
	if !open.allows(levelNone, levelWrite) {
		t.Error("no tokens: writes should be open")
	}
}

func TestBearer(t *testing.T) {
	for h, want := range map[string]string{
		"Bearer abc":    "abc",
		"bearer  abc  ": "abc",
		"Basic abc":     "",
		"Bearer":        "",
		"abc":           "",
	} {
		if got, _ := bearer(h); got != want {
			t.Errorf("bearer(%q) = %q, want %q", h, got, want)
		}
	}
}

// /readyz says 503 once the server shuts down, or when the store is
// closed; /healthz goes on answering.
func TestReadiness(t *testing.T) {
	s := newSchema(t, WithBuild(Build{Version: "v0.9.0", Commit: "abc"}))
	get := func(path string) (int, string) {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil))
		return w.Code, w.Body.String()
	}
	if code, body := get("/readyz"); code != 200 || !strings.Contains(body, `"status":"ready","version":"v0.9.0","commit":"abc"`) {
		t.Errorf("/readyz: %d %s", code, body)
	}
	s.Shutdown()
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "shutting down") {
		t.Errorf("/readyz during shutdown: %d %s", code, body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz during shutdown: %d", code)
	}
	s2 := newSchema(t)
	s2.store.Close()
	w := httptest.NewRecorder()
	s2.ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/readyz", nil))
	if w.Code != 503 || !strings.Contains(w.Body.String(), "store unavailable") {
		t.Errorf("/readyz with the store closed: %d %s", w.Code, w.Body.String())
	}
}

// Operation names and error codes are bounded as labels.
func TestLabelSetBounded(t *testing.T) {
	l := newLabelSet(3)
	var got []string
	for i := range 5 {
		got = append(got, l.label(fmt.Sprint("Op", i)))
	}
	got = append(got, l.label("Op1"))
	if want := "Op0 Op1 Op2 other other Op1"; strings.Join(got, " ") != want {
		t.Errorf("labels %v, want %s", got, want)
	}
}

// Limits.First sets the largest page, of first and last alike. A cursor
// is an item's position, whatever the page it came in: one from a server
// with larger pages pages on, and back, on one with smaller pages.
func TestPageLimit(t *testing.T) {
	s := newSchema(t, WithLimits(Limits{First: 2}))
	for _, q := range []string{`{ quotes(first: 3) { totalCount } }`, `{ quotes(last: 3) { totalCount } }`} {
		resp, _ := post(t, s, q, nil)
		if len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "between 0 and 2") {
			t.Errorf("%s over a limit of 2: %+v", q, resp)
		}
	}
	type page struct {
		Quotes struct {
			Edges []struct {
				Cursor string
				Node   struct{ ID string }
			}
		}
	}
	read := func(s *Schema, q string, vars map[string]any) page {
		t.Helper()
		resp, _ := post(t, s, q, vars)
		if len(resp.Errors) > 0 {
			t.Fatalf("%s: %+v", q, resp.Errors)
		}
		var p page
		if err := json.Unmarshal(resp.Data, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, q := range []string{`{ quotes(first: 2) { edges { cursor node { id } } } }`, `{ quotes(last: 2) { edges { cursor node { id } } } }`} {
		if n := len(read(s, q, nil).Quotes.Edges); n != 2 {
			t.Errorf("%s: %d edges, want 2", q, n)
		}
	}
	big, err := New(s.store, testLogger(t), WithLimits(Limits{First: 5}))
	if err != nil {
		t.Fatal(err)
	}
	all := read(big, `{ quotes(first: 5) { edges { cursor node { id } } } }`, nil).Quotes.Edges
	if len(all) < 5 {
		t.Fatalf("seeded store has fewer than 5 quotes: %+v", all)
	}
	next := read(s, `query($c: String) { quotes(first: 2, after: $c) { edges { node { id } } } }`,
		map[string]any{"c": all[2].Cursor}).Quotes.Edges
	if len(next) != 2 || next[0].Node.ID != all[3].Node.ID || next[1].Node.ID != all[4].Node.ID {
		t.Errorf("after the third edge of a page of 5: %+v, want the fourth and fifth of %+v", next, all)
	}
	prev := read(s, `query($c: String) { quotes(last: 2, before: $c) { edges { node { id } } } }`,
		map[string]any{"c": all[3].Cursor}).Quotes.Edges
	if len(prev) != 2 || prev[0].Node.ID != all[1].Node.ID || prev[1].Node.ID != all[2].Node.ID {
		t.Errorf("before the fourth edge of a page of 5: %+v, want the second and third of %+v", prev, all)
	}
}
