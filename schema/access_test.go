package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	dto "github.com/prometheus/client_model/go"
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

// Limits.First sets the largest page, of first and last alike, and of a
// page that gives neither when it is under the default size. A cursor
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
	// Without first or last, a page is the default size or the largest
	// page, whichever is smaller.
	for _, q := range []string{`{ quotes { edges { cursor node { id } } } }`,
		`{ quotes(first: 2) { edges { cursor node { id } } } }`, `{ quotes(last: 2) { edges { cursor node { id } } } }`} {
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

// dialWSWith opens a WebSocket to srv with the given request headers.
func dialWSWith(t *testing.T, srv *httptest.Server, header http.Header) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{wsProtocol}, HTTPHeader: header})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return &wsClient{t, c}
}

// counted is the number of operations the metrics counted with these
// labels.
func counted(t *testing.T, s *Schema, op, name, status string) float64 {
	t.Helper()
	var m dto.Metric
	if err := s.metrics.requests.WithLabelValues(op, name, status).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// The tokens decide every operation through the one Authorize function,
// on POST, GET, a WebSocket and /events, in either media type, after
// validation; a function WithAuthorize gives is asked after them, of the
// operations they let through. The metrics count each operation with the
// status it was answered with, on every transport.
func TestTokensAndMetricsOnEveryTransport(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	s := newSchema(t, WithAccess(Access{WriteToken: writeToken, ReadToken: readToken}),
		WithAuthorize(func(ctx context.Context, op Operation) error {
			mu.Lock()
			asked = append(asked, op.Transport+" "+op.Type+" "+op.Name)
			mu.Unlock()
			return nil
		}))
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	const mutation = `mutation Put { ingestArticle(input: {url: "https://news.example/t", text: "“Yes,” said Mayor Tom Baker."}) { created } }`
	type answer struct {
		status                 int
		media, challenge, code string
	}
	send := func(method, path, body, accept, token string) answer {
		t.Helper()
		var rd io.Reader
		if body != "" {
			b, _ := json.Marshal(map[string]string{"query": body})
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, rd)
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r gqlResponse
		json.NewDecoder(resp.Body).Decode(&r)
		a := answer{status: resp.StatusCode, media: resp.Header.Get("Content-Type"), challenge: resp.Header.Get("WWW-Authenticate")}
		if len(r.Errors) > 0 {
			a.code, _ = r.Errors[0].Extensions["code"].(string)
		}
		return a
	}
	for _, c := range []struct {
		name                         string
		method, path, body, accept   string
		token                        string
		status                       int
		code, media, challengeSuffix string
	}{
		{"query without the read token, graphql-response+json", "POST", "/graphql", `query Q { counts { speakers } }`, mediaGraphQLJSON, "",
			401, codeUnauthenticated, mediaGraphQLJSON, `realm="graphd"`},
		{"query without the read token, json", "POST", "/graphql", `query Q { counts { speakers } }`, mediaJSON, "",
			401, codeUnauthenticated, mediaJSON, `realm="graphd"`},
		{"mutation with the read token, graphql-response+json", "POST", "/graphql", mutation, mediaGraphQLJSON, readToken,
			403, codeForbidden, mediaGraphQLJSON, `error="insufficient_scope"`},
		{"mutation with the read token, json", "POST", "/graphql", mutation, mediaJSON, readToken,
			403, codeForbidden, mediaJSON, `error="insufficient_scope"`},
		{"GET query with a wrong token", "GET", "/graphql?query=" + url.QueryEscape(`query Q { counts { speakers } }`), "", mediaGraphQLJSON, "wrong-token-0000000000",
			401, codeUnauthenticated, mediaGraphQLJSON, `error="invalid_token"`},
		{"invalid document without a token: its validation error", "POST", "/graphql", `query Bad { nope }`, mediaGraphQLJSON, "",
			400, codeValidation, mediaGraphQLJSON, ""},
		{"/events without the read token", "GET", "/events", "", "", "",
			401, codeUnauthenticated, mediaJSON, `realm="graphd"`},
		{"/metrics without the read token", "GET", "/metrics", "", "", "",
			401, codeUnauthenticated, mediaJSON, `realm="graphd"`},
		{"query with the read token", "POST", "/graphql", `query Q { counts { speakers } }`, mediaGraphQLJSON, readToken,
			200, "", mediaGraphQLJSON, ""},
		{"mutation with the write token", "POST", "/graphql", mutation, mediaJSON, writeToken,
			200, "", mediaJSON, ""},
	} {
		a := send(c.method, c.path, c.body, c.accept, c.token)
		if a.status != c.status || a.code != c.code || !strings.HasPrefix(a.media, c.media) ||
			(c.challengeSuffix == "") != (a.challenge == "") || !strings.HasSuffix(a.challenge, c.challengeSuffix) {
			t.Errorf("%s: %d %q %q %q, want %d %q %q %q", c.name, a.status, a.code, a.media, a.challenge,
				c.status, c.code, c.media, c.challengeSuffix)
		}
	}

	// A WebSocket with the read token reads, and may not write; with a
	// wrong token it is closed at connection_init; the token may come in
	// connection_init's payload.
	ws := dialWSWith(t, srv, http.Header{"Authorization": {"Bearer " + readToken}})
	ws.init()
	ws.subscribe("w", mutation)
	if m := ws.read(); m.Type != "error" || !strings.Contains(string(m.Payload), codeForbidden) {
		t.Errorf("mutation over a WebSocket with the read token: %+v", m)
	}
	ws.subscribe("q", `query WsQuery { counts { speakers } }`)
	if m := ws.read(); m.Type != "next" {
		t.Errorf("query over a WebSocket with the read token: %+v", m)
	}
	if m := ws.read(); m.Type != "complete" {
		t.Errorf("after the query's result: %+v", m)
	}
	ws.subscribeAndWait("s", `subscription Live { quoteAdded { text } }`)
	bad := dialWSWith(t, srv, http.Header{"Authorization": {"Bearer wrong-token-0000000000"}})
	bad.send(map[string]any{"type": "connection_init"})
	if code := bad.closed(); code != wsCloseForbidden {
		t.Errorf("WebSocket with a wrong token: closed with %d, want %d", code, wsCloseForbidden)
	}
	init := dialWSWith(t, srv, nil)
	init.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + writeToken}})
	if m := init.read(); m.Type != "connection_ack" {
		t.Fatalf("connection_init with the write token: %+v", m)
	}
	init.subscribe("m", mutation)
	if m := init.read(); m.Type != "next" {
		t.Errorf("mutation over a WebSocket with the write token in connection_init: %+v", m)
	}

	// /events with the read token starts, and is counted as it does.
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+readToken)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Errorf("/events with the read token: %d", resp.StatusCode)
	}
	cancel()
	resp.Body.Close()

	mu.Lock()
	want := []string{"POST query Q", "POST mutation Put", "websocket query WsQuery",
		"websocket subscription Live", "websocket mutation Put", "events subscription Events"}
	if !slices.Equal(asked, want) {
		t.Errorf("the Authorize function of WithAuthorize was asked:\n%q\nwant\n%q", asked, want)
	}
	mu.Unlock()

	for _, c := range []struct {
		op, name, status string
		want             float64
	}{
		{"query", "Q", "401", 3}, // twice over POST, once over GET
		{"query", "Q", "200", 1},
		{"mutation", "Put", "403", 3}, // twice over POST, once over a WebSocket
		{"mutation", "Put", "200", 2}, // over POST, and over a WebSocket
		{"none", "", "400", 1},        // the invalid document, as graphql-response+json
		{"subscription", "Events", "401", 1},
		{"subscription", "Events", "200", 1},
		{"query", "WsQuery", "200", 1},
		{"subscription", "Live", "200", 1},
	} {
		if got := counted(t, s, c.op, c.name, c.status); got != c.want {
			t.Errorf("operations counted as %s %s %s: %v, want %v", c.op, c.name, c.status, got, c.want)
		}
	}
}
