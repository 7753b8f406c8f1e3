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

// Limits.First sets the largest page; a cursor past it is refused.
func TestPageLimit(t *testing.T) {
	s := newSchema(t, WithLimits(Limits{First: 2}))
	resp, _ := post(t, s, `{ quotes(first: 3) { totalCount } }`, nil)
	if len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "between 0 and 2") {
		t.Errorf("first: 3 over a limit of 2: %+v", resp)
	}
	resp, _ = post(t, s, `{ quotes(first: 2) { edges { cursor } } }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("first: 2: %+v", resp.Errors)
	}
	// A cursor of a server with larger pages (skip 3) is not taken here.
	big := newSchema(t, WithLimits(Limits{First: 5}))
	resp, _ = post(t, big, `{ quotes(first: 5) { edges { cursor } } }`, nil)
	var data struct {
		Quotes struct{ Edges []struct{ Cursor string } }
	}
	json.Unmarshal(resp.Data, &data)
	if len(data.Quotes.Edges) < 4 {
		t.Fatalf("seeded store has fewer than 4 quotes: %s", resp.Data)
	}
	after := data.Quotes.Edges[2].Cursor
	if c, err := decodeCursor(typeQuote, after); err != nil || c.skip != 3 {
		t.Fatalf("the third edge's cursor is not an offset of 3: %+v %v", c, err)
	}
	resp, _ = post(t, s, `query($a: String) { quotes(first: 1, after: $a) { totalCount } }`, map[string]any{"a": after})
	if len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "invalid cursor") {
		t.Errorf("a cursor with an offset past the page limit: %+v", resp)
	}
}
