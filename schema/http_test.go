package schema

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
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
)

func TestHTTP(t *testing.T) {
	s := newSchema(t, WithLimits(Limits{Body: 4096}))
	const counts = `{ counts { speakers } }`
	get := func(q url.Values) *http.Request {
		return httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/graphql?"+q.Encode(), nil)
	}
	postAs := func(ctype, body string) *http.Request {
		r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(body))
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		return r
	}
	tests := []struct {
		name   string
		req    *http.Request
		status int
		data   string // the data, compact JSON; "" for none
		err    string // the first error's message starts with it
	}{
		{"GET query", get(url.Values{"query": {counts}}), 200, `{"counts":{"speakers":5}}`, ""},
		{"GET with variables", get(url.Values{"query": {`query($n: String) { speaker(name: $n) { name } }`}, "variables": {`{"n":"Peskov"}`}}), 200, `{"speaker":{"name":"Dmitry Peskov"}}`, ""},
		{"GET named operation", get(url.Values{"query": {`query A { counts { venues } } query B { counts { outlets } }`}, "operationName": {"B"}}), 200, `{"counts":{"outlets":2}}`, ""},
		{"GET mutation", get(url.Values{"query": {`mutation { ingestArticle(input: {text: "x"}) { created } }`}}), 405, "", "mutations must be sent with POST"},
		{"GET without query", get(nil), 400, "", "query is required"},
		{"GET bad variables", get(url.Values{"query": {counts}, "variables": {`[1]`}}), 400, "", "variables: not a JSON object"},
		{"POST JSON", postAs("application/json", `{"query":"`+counts+`"}`), 200, `{"counts":{"speakers":5}}`, ""},
		{"POST JSON with charset", postAs("application/json; charset=utf-8", `{"query":"`+counts+`","variables":null}`), 200, `{"counts":{"speakers":5}}`, ""},
		{"POST variables as a string", postAs("application/json", `{"query":"query($n: String) { speaker(name: $n) { name } }","variables":"{\"n\":\"Lavrov\"}"}`), 200, `{"speaker":{"name":"Sergei Lavrov"}}`, ""},
		{"POST application/graphql", postAs("application/graphql", counts), 200, `{"counts":{"speakers":5}}`, ""},
		{"POST form", postAs("application/x-www-form-urlencoded", "query="+counts), 415, "", "Content-Type must be application/json"},
		{"POST no content type", postAs("", counts), 415, "", "Content-Type must be application/json"},
		{"POST bad JSON", postAs("application/json", `{"query":`), 400, "", "request body is not a JSON object"},
		{"POST too large", postAs("application/json", `{"query":"`+counts+strings.Repeat(" ", 5000)+`"}`), 413, "", "request body larger than 4096 bytes"},
		// GraphQL over HTTP: a well-formed request that cannot run is
		// answered 200 in application/json.
		{"syntax error", postAs("application/graphql", `{ counts { `), 200, "", "Syntax Error"},
		{"unknown field", postAs("application/graphql", `{ nope }`), 200, "", `Cannot query field "nope"`},
		{"several operations, no name", postAs("application/graphql", `query A { counts { venues } } query B { counts { outlets } }`), 200, "", "operationName is required"},
		{"unknown operation", postAs("application/json", `{"query":"query A { counts { venues } }","operationName":"B"}`), 200, "", `unknown operation "B"`},
		{"variable of the wrong type", postAs("application/json", `{"query":"query($n: Int) { quotes(first: $n) { totalCount } }","variables":{"n":"ten"}}`), 200, "", `Variable "$n" got invalid value`},
		{"bad extensions", postAs("application/json", `{"query":"`+counts+`","extensions":[1]}`), 400, "", "extensions: not a JSON object"},
		{"operationName not a string", postAs("application/json", `{"query":"`+counts+`","operationName":1}`), 400, "", "request body is not a JSON object"},
		{"PUT", httptest.NewRequestWithContext(t.Context(), http.MethodPut, "/graphql", nil), 405, "", "method PUT not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, status := serve(t, s, tt.req)
			if status != tt.status {
				t.Errorf("status %d, want %d (errors %+v)", status, tt.status, resp.Errors)
			}
			var data bytes.Buffer
			if len(resp.Data) > 0 {
				data.Write(resp.Data)
			}
			if got := data.String(); got != tt.data {
				t.Errorf("data %s, want %s", got, tt.data)
			}
			switch {
			case tt.err == "" && len(resp.Errors) > 0:
				t.Errorf("errors %+v, want none", resp.Errors)
			case tt.err != "" && (len(resp.Errors) == 0 || !strings.HasPrefix(resp.Errors[0].Message, tt.err)):
				t.Errorf("errors %+v, want %q", resp.Errors, tt.err)
			}
		})
	}

	// 405s say what is allowed.
	w := httptest.NewRecorder()
	s.ServeHTTP(w, get(url.Values{"query": {`mutation { ingestArticle(input: {text: "x"}) { created } }`}}))
	if got := w.Header().Get("Allow"); got != "POST" {
		t.Errorf("GET mutation: Allow %q, want POST", got)
	}
	w = httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), http.MethodDelete, "/graphql", nil))
	if got := w.Header().Get("Allow"); got != "GET, POST" {
		t.Errorf("DELETE: Allow %q, want GET, POST", got)
	}
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
}

func TestPlaygroundMissing(t *testing.T) {
	s := newSchema(t)
	s.assets = &assets{files: map[string]*asset{}}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/", nil))
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	if body := w.Body.String(); !strings.Contains(body, "go generate ./schema") {
		t.Errorf("GET / does not say how to build the playground:\n%s", body)
	}
}

func TestPlaygroundAssets(t *testing.T) {
	s := newSchema(t)
	if s.assets.index == nil {
		t.Skip("the playground is not built: run go generate ./schema")
	}
	get := func(path string, hdr ...string) *httptest.ResponseRecorder {
		t.Helper()
		r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w
	}
	w := get("/")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/html; charset=utf-8" || w.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET /: %d %v", w.Code, w.Header())
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("GET /: Content-Security-Policy %q", csp)
	}
	index := w.Body.String()
	if w := get("/", "If-None-Match", w.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Errorf("GET / with its ETag: %d, want 304", w.Code)
	}
	if len(s.assets.files) == 0 {
		t.Fatal("no assets")
	}
	for name, a := range s.assets.files {
		if strings.HasSuffix(name, ".LEGAL.txt") {
			continue
		}
		if !strings.Contains(index, "assets/"+name) {
			t.Errorf("index.html does not load %s", name)
		}
		for _, remote := range []string{"http://", "https://", "//cdn", "//fonts."} {
			if strings.HasSuffix(name, ".css") && strings.Contains(string(a.body), "url("+remote) {
				t.Errorf("%s loads from %s", name, remote)
			}
		}
		w := get("/assets/"+name, "Accept-Encoding", "gzip, br")
		if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("GET /assets/%s: %d %v", name, w.Code, w.Header())
		}
		wantType := map[bool]string{true: "text/javascript; charset=utf-8", false: "text/css; charset=utf-8"}[strings.HasSuffix(name, ".js")]
		if got := w.Header().Get("Content-Type"); got != wantType {
			t.Errorf("GET /assets/%s: Content-Type %q, want %q", name, got, wantType)
		}
		if w.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("GET /assets/%s: not gzipped", name)
			continue
		}
		zr, err := gzip.NewReader(w.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(body, a.body) {
			t.Errorf("GET /assets/%s: gzipped body differs (%v)", name, err)
		}
		if w := get("/assets/"+name, "Accept-Encoding", "identity"); w.Header().Get("Content-Encoding") != "" || !bytes.Equal(w.Body.Bytes(), a.body) {
			t.Errorf("GET /assets/%s without gzip: %v", name, w.Header())
		}
	}
	if w := get("/assets/nope.js"); w.Code != http.StatusNotFound {
		t.Errorf("GET /assets/nope.js: %d", w.Code)
	}
	if w := get("/nope"); w.Code != http.StatusNotFound {
		t.Errorf("GET /nope: %d", w.Code)
	}
}

// FuzzRequest sends arbitrary queries and variables through the handler:
// whatever comes in, the answer is JSON with status 200, 400 or 405 and no
// internal error.
func FuzzRequest(f *testing.F) {
	st := openStore(f)
	seedStore(f, st)
	s, err := New(st, nil, WithLimits(Limits{Timeout: 5 * time.Second}))
	if err != nil {
		f.Fatal(err)
	}
	for _, q := range []string{
		`{ quotes(speaker: "Lavrov", from: "2025-02-17", to: "2025-02-18", first: 2) { edges { cursor node { id text } } pageInfo { endCursor } } }`,
		`{ node(id: "U3BlYWtlcjo") { id } }`,
		`{ speakers(name: "ŠEF", first: 1, after: "YzE6U3BlYWtlcjox") { totalCount } }`,
		`query($id: ID!) { article(id: $id) { quotes { totalCount } } }`,
		`{ venues(name: "press") { edges { node { quotes(first: 0) { pageInfo { hasNextPage } } } } } }`,
		`mutation { ingestArticle(input: {text: "He said \"yes\".", published: "2025-01-01"}) { created } }`,
	} {
		f.Add(q, `{"id":"QXJ0aWNsZTowMTk0ZjFjMi03YTNiLTdjNGQtOGU1Zi0wMTIzNDU2Nzg5YWI"}`)
	}
	f.Fuzz(func(t *testing.T, query, vars string) {
		body, err := json.Marshal(map[string]any{"query": query, "variables": json.RawMessage(vars)})
		if err != nil {
			body, _ = json.Marshal(map[string]any{"query": query})
		}
		r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusMethodNotAllowed:
		default:
			t.Fatalf("status %d for %q: %s", w.Code, query, w.Body)
		}
		var resp gqlResponse
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatalf("response to %q is not JSON: %v\n%s", query, err, w.Body)
		}
		for _, e := range resp.Errors {
			if e.Message == "internal error" {
				t.Fatalf("internal error for %q %s", query, vars)
			}
		}
	})
}

// application/graphql-response+json is answered when accepted, with the
// status codes of GraphQL over HTTP; every error has a code and no empty
// locations.
func TestGraphQLResponseMedia(t *testing.T) {
	s := newSchema(t)
	do := func(accept, body string) (*httptest.ResponseRecorder, gqlResponse) {
		t.Helper()
		r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		var resp gqlResponse
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%s: %v", w.Body, err)
		}
		for _, e := range resp.Errors {
			if e.Extensions["code"] == nil {
				t.Errorf("%s: error without a code: %+v", body, e)
			}
		}
		if strings.Contains(w.Body.String(), `"locations":[]`) {
			t.Errorf("%s: empty locations in %s", body, w.Body)
		}
		return w, resp
	}
	const gql = "application/graphql-response+json"
	for _, tt := range []struct {
		name, accept, body string
		media              string
		status             int
		code               string
	}{
		{"no Accept", "", `{"query":"{ __typename }"}`, "application/json", 200, ""},
		{"any", "*/*", `{"query":"{ __typename }"}`, "application/json", 200, ""},
		{"graphql-response", gql, `{"query":"{ __typename }"}`, gql, 200, ""},
		{"preferred", gql + ", application/json;q=0.9", `{"query":"{ __typename }"}`, gql, 200, ""},
		{"json preferred", gql + ";q=0.5, application/json", `{"query":"{ __typename }"}`, "application/json", 200, ""},
		{"parse error", gql, `{"query":"{"}`, gql, 400, "GRAPHQL_PARSE_FAILED"},
		{"parse error, json", "application/json", `{"query":"{"}`, "application/json", 200, "GRAPHQL_PARSE_FAILED"},
		{"validation error", gql, `{"query":"{ nope }"}`, gql, 400, "GRAPHQL_VALIDATION_FAILED"},
		{"variable error", gql, `{"query":"query($n: Int!) { quotes(first: $n) { totalCount } }","variables":{"n":"x"}}`, gql, 400, "BAD_USER_INPUT"},
		{"unknown operation", gql, `{"query":"query A { __typename }","operationName":"B"}`, gql, 400, "OPERATION_RESOLUTION_FAILURE"},
		{"limit", gql, `{"query":"{ ` + aliases(101, "__typename") + ` }"}`, gql, 400, "QUERY_LIMIT"},
		{"no query", gql, `{}`, gql, 400, "BAD_REQUEST"},
		{"no query, json", "application/json", `{}`, "application/json", 400, "BAD_REQUEST"},
		{"field error keeps data", gql, `{"query":"{ node(id: \"x\") { id } }"}`, gql, 200, "BAD_USER_INPUT"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, resp := do(tt.accept, tt.body)
			if w.Code != tt.status || w.Header().Get("Content-Type") != tt.media {
				t.Errorf("status %d %s, want %d %s (%s)", w.Code, w.Header().Get("Content-Type"), tt.status, tt.media, w.Body)
			}
			code := ""
			if len(resp.Errors) > 0 {
				code, _ = resp.Errors[0].Extensions["code"].(string)
			}
			if code != tt.code {
				t.Errorf("code %q, want %q (%s)", code, tt.code, w.Body)
			}
			if tt.status == 400 && tt.media == gql && resp.Data != nil {
				t.Errorf("data %s in a request error", resp.Data)
			}
		})
	}
}

// Automatic persisted queries: a hash alone is unknown, then the query
// with its hash runs and is kept, then the hash alone runs it; over GET
// and POST. A hash that is not the query's is refused.
func TestPersistedQueries(t *testing.T) {
	s := newSchema(t)
	const q = `{ counts { speakers } }`
	sum := sha256.Sum256([]byte(q))
	hash := hex.EncodeToString(sum[:])
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hash + `"}}`
	get := func(v url.Values) (gqlResponse, int) {
		return serve(t, s, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/graphql?"+v.Encode(), nil))
	}
	resp, status := get(url.Values{"extensions": {ext}})
	if status != 200 || len(resp.Errors) != 1 || resp.Errors[0].Message != "PersistedQueryNotFound" || resp.Errors[0].Extensions["code"] != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("hash alone, first: %d %+v", status, resp.Errors)
	}
	resp, status = get(url.Values{"extensions": {ext}, "query": {q}})
	if status != 200 || string(resp.Data) != `{"counts":{"speakers":5}}` {
		t.Fatalf("hash with query: %d %s %+v", status, resp.Data, resp.Errors)
	}
	resp, status = get(url.Values{"extensions": {ext}})
	if status != 200 || string(resp.Data) != `{"counts":{"speakers":5}}` {
		t.Fatalf("hash alone, after: %d %s %+v", status, resp.Data, resp.Errors)
	}
	r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(`{"extensions":`+ext+`}`))
	r.Header.Set("Content-Type", "application/json")
	if resp, status := serve(t, s, r); status != 200 || string(resp.Data) != `{"counts":{"speakers":5}}` {
		t.Fatalf("POST hash alone: %d %s %+v", status, resp.Data, resp.Errors)
	}
	resp, status = get(url.Values{"extensions": {ext}, "query": {`{ counts { venues } }`}})
	if status != 400 || len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "does not match") {
		t.Errorf("mismatched hash: %d %+v", status, resp.Errors)
	}
	resp, status = get(url.Values{"extensions": {`{"persistedQuery":{"version":2,"sha256Hash":"` + hash + `"}}`}})
	if status != 400 || len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "version") {
		t.Errorf("version 2: %d %+v", status, resp.Errors)
	}
}

// The cache of persisted queries keeps its bound, forgetting the least
// recently used.
func TestPersistedQueriesBound(t *testing.T) {
	c := newPersistedQueries(3 * (10 + 1 + 100))
	for _, k := range []string{"a", "b", "c"} {
		c.add(k, strings.Repeat(k, 10))
	}
	c.get("a")
	c.add("d", strings.Repeat("d", 10))
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		if _, ok := c.get(k); ok != want {
			t.Errorf("%s kept: %v, want %v", k, ok, want)
		}
	}
	if c.size > c.max {
		t.Errorf("size %d over %d", c.size, c.max)
	}
}

// WithAuthorize sees every operation, on every transport, before it runs;
// its refusals are 401 and 403 with their codes.
func TestAuthorize(t *testing.T) {
	var seen []string
	var mu sync.Mutex
	s := newSchema(t, WithAuthorize(func(ctx context.Context, op Operation) error {
		mu.Lock()
		seen = append(seen, op.Transport+" "+op.Type+" "+op.Name)
		mu.Unlock()
		switch {
		case op.Type == "mutation":
			return fmt.Errorf("%w: mutations need a write token", ErrUnauthenticated)
		case op.Name == "Secret":
			return fmt.Errorf("%w: not for you", ErrForbidden)
		}
		return nil
	}))
	if resp, status := post(t, s, `query Counts { counts { speakers } }`, nil); status != 200 || len(resp.Errors) > 0 {
		t.Errorf("query: %d %+v", status, resp.Errors)
	}
	resp, status := post(t, s, `mutation { ingestArticle(input: {text: "x"}) { created } }`, nil)
	if status != 401 || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UNAUTHENTICATED" || resp.Errors[0].Message != "authentication required: mutations need a write token" {
		t.Errorf("mutation: %d %+v", status, resp.Errors)
	}
	if resp, status := post(t, s, `query Secret { counts { speakers } }`, nil); status != 403 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("forbidden query: %d %+v", status, resp.Errors)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	w := dialWS(t, srv)
	w.init()
	w.subscribe("m", `mutation { ingestArticle(input: {text: "x"}) { created } }`)
	if m := w.read(); m.Type != "error" || !strings.Contains(string(m.Payload), "UNAUTHENTICATED") {
		t.Errorf("mutation over a WebSocket: %+v", m)
	}
	w.subscribeAndWait("s", `subscription Live { quoteAdded { text } }`)
	ev, err := http.Get(srv.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	ev.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	want := []string{"POST query Counts", "POST mutation ", "POST query Secret", "websocket mutation ", "websocket subscription Live", "events subscription Events"}
	if !slices.Equal(seen, want) {
		t.Errorf("operations seen:\n%q\nwant\n%q", seen, want)
	}
}
