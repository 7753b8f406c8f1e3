package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Tests of graphd as a service: access control, CORS, health, metrics,
// the access log, the connection cap, pprof and versions, each on the
// real binary on a free port.

// service is a `graphd serve` (or demo) started by launch, with its log.
type service struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	url  string // base + "/graphql"

	mu    sync.Mutex
	log   bytes.Buffer  // stderr so far
	lines chan string   // stderr, line by line, for waitLog
	done  chan struct{} // closed when stderr ends
}

// launch starts the binary with args and the extra environment, and
// waits until it listens. It fails the test if the process exits first.
func launch(t *testing.T, env []string, args ...string) *service {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &service{cmd: cmd, lines: make(chan string, 10000), done: make(chan struct{})}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			s.mu.Lock()
			s.log.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			select {
			case s.lines <- sc.Text():
			default:
			}
		}
	}()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
			s.url = m[1]
			s.base = strings.TrimSuffix(s.url, "/graphql")
			go io.Copy(io.Discard, out)
			return s
		}
	}
	<-s.done
	cmd.Wait()
	t.Fatalf("graphd %v exited before listening:\n%s", args, s.stderr())
	return nil
}

func (s *service) stderr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// stop sends SIGTERM and waits for a clean exit and the end of the log.
func (s *service) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-s.done
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("graphd after SIGTERM: %v\n%s", err, s.stderr())
	}
}

// waitLog waits for a log line holding every one of parts.
func (s *service) waitLog(t *testing.T, parts ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for {
		select {
		case l := <-s.lines:
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(l, p)
			}
			if ok {
				return l
			}
		case <-ctx.Done():
			t.Fatalf("no log line with %q:\n%s", parts, s.stderr())
			return ""
		}
	}
}

// reply is an HTTP answer with its GraphQL body decoded.
type reply struct {
	status int
	header http.Header
	body   string
	Data   map[string]json.RawMessage
	Errors []struct {
		Message    string
		Extensions struct{ Code string }
	}
}

func (r reply) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Extensions.Code
}

// testClient gives up on an answer that does not come, such as a stream
// that should have been refused.
var testClient = &http.Client{Timeout: 20 * time.Second}

// runRefused runs the binary, which should refuse to start, giving up
// after a while if it starts after all.
func runRefused(t *testing.T, args ...string) (stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	var e bytes.Buffer
	cmd.Stderr = &e
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Errorf("graphd %v did not refuse to start", args)
		return e.String(), -1
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return e.String(), ee.ExitCode()
	}
	return e.String(), 0
}

// do sends a request with the given headers (name, value pairs).
func do(t *testing.T, method, url, body string, header ...string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, body: string(b)}
	json.Unmarshal(b, &r)
	return r
}

func gql(query string) string {
	b, _ := json.Marshal(map[string]any{"query": query})
	return string(b)
}

func bearerHeader(token string) []string { return []string{"Authorization", "Bearer " + token} }

const (
	ingestMutation = `mutation { ingestArticle(input: {url: "https://news.example/t", title: "T", text: "“We are ready,” Foreign Minister Ana Silva told reporters."}) { created quotes } }`
	countArticles  = `{ articles { totalCount } }`
	testReadToken  = "test-read-token-9a41c7e2d05b8f36"
)

func totalArticles(t *testing.T, s *service, header ...string) string {
	t.Helper()
	r := do(t, "POST", s.url, gql(countArticles), header...)
	if r.status != 200 {
		t.Fatalf("count articles: %d %s", r.status, r.body)
	}
	return string(r.Data["articles"])
}

// wsClient speaks graphql-transport-ws to a served binary.
type wsClient struct {
	t   *testing.T
	ctx context.Context
	c   *websocket.Conn
}

func dialWS(t *testing.T, s *service, opts *websocket.DialOptions) (*wsClient, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	if opts == nil {
		opts = &websocket.DialOptions{}
	}
	opts.Subprotocols = []string{"graphql-transport-ws"}
	c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.url, "http"), opts)
	if err != nil {
		return nil, resp, err
	}
	t.Cleanup(func() { c.CloseNow() })
	return &wsClient{t: t, ctx: ctx, c: c}, resp, nil
}

func (w *wsClient) send(v any) {
	w.t.Helper()
	b, _ := json.Marshal(v)
	if err := w.c.Write(w.ctx, websocket.MessageText, b); err != nil {
		w.t.Fatal(err)
	}
}

// read returns the next message, or the close status the connection
// ended with.
func (w *wsClient) read() (map[string]any, websocket.StatusCode) {
	w.t.Helper()
	_, b, err := w.c.Read(w.ctx)
	if err != nil {
		if cs := websocket.CloseStatus(err); cs != -1 {
			return nil, cs
		}
		w.t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	return m, -1
}

// A mutation without the token is refused with 401 and changes nothing;
// with it, it runs; reads stay open. Over WebSocket the token may come in
// connection_init. The refusals are logged, the token never.
func TestWritesNeedToken(t *testing.T) {
	db := t.TempDir()
	s := launch(t, []string{"GRAPHD_TOKEN=" + testToken}, "serve", "--db", db, "--addr", "127.0.0.1:0")

	for _, c := range []struct {
		name   string
		header []string
	}{
		{"no token", nil},
		{"wrong token", bearerHeader("not-the-token-0000000000000000")},
		{"other scheme", []string{"Authorization", "Basic " + testToken}},
	} {
		r := do(t, "POST", s.url, gql(ingestMutation), c.header...)
		if r.status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: %d %q %s, want 401 UNAUTHENTICATED with a Bearer challenge", c.name, r.status, r.header.Get("WWW-Authenticate"), r.body)
		}
	}
	if got := totalArticles(t, s); got != `{"totalCount":0}` {
		t.Errorf("after refused mutations the store holds %s", got)
	}

	// Over WebSocket: without a token the mutation is an error message,
	// and the store is unchanged.
	ws, _, err := dialWS(t, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.send(map[string]any{"type": "connection_init"})
	if m, _ := ws.read(); m["type"] != "connection_ack" {
		t.Fatalf("connection_init: %v", m)
	}
	ws.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": ingestMutation}})
	if m, _ := ws.read(); m["type"] != "error" || !strings.Contains(fmt.Sprint(m["payload"]), "UNAUTHENTICATED") {
		t.Errorf("mutation over WebSocket without a token: %v", m)
	}
	if got := totalArticles(t, s); got != `{"totalCount":0}` {
		t.Errorf("after a refused WebSocket mutation the store holds %s", got)
	}

	// With the token in connection_init it runs.
	ws, _, err = dialWS(t, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + testToken}})
	if m, _ := ws.read(); m["type"] != "connection_ack" {
		t.Fatalf("connection_init with the token: %v", m)
	}
	ws.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": ingestMutation}})
	if m, _ := ws.read(); m["type"] != "next" || !strings.Contains(fmt.Sprint(m["payload"]), "created:true") {
		t.Errorf("mutation over WebSocket with the token: %v", m)
	}
	// A wrong token in connection_init closes the connection.
	ws, _, err = dialWS(t, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer wrong-token-000000000000"}})
	if _, cs := ws.read(); cs != 4403 {
		t.Errorf("connection_init with a wrong token: close status %d, want 4403", cs)
	}

	// Over HTTP with the token: the same content again is unchanged.
	r := do(t, "POST", s.url, gql(ingestMutation), bearerHeader(testToken)...)
	if r.status != 200 || string(r.Data["ingestArticle"]) != `{"created":false,"quotes":1}` {
		t.Errorf("mutation with the token: %d %s", r.status, r.body)
	}
	if got := totalArticles(t, s); got != `{"totalCount":1}` {
		t.Errorf("after the mutations with the token the store holds %s", got)
	}
	s.stop(t)
	if log := s.stderr(); !strings.Contains(log, `msg="access refused" reason="no token"`) ||
		!strings.Contains(log, `reason="token matches no token of the server"`) {
		t.Errorf("refusals are not logged:\n%s", log)
	} else if strings.Contains(log, testToken) || strings.Contains(log, "not-the-token") {
		t.Errorf("the log holds a token:\n%s", log)
	}
	if got := counts(t, db); !strings.HasPrefix(got, "ok: 1 article,") {
		t.Errorf("check after the test: %q", got)
	}
}

// With a read token, reads need it (or the write token); the read token
// cannot write; pages and probes stay open.
func TestReadToken(t *testing.T) {
	dir := t.TempDir()
	readFile := filepath.Join(dir, "read-token")
	if err := os.WriteFile(readFile, []byte(testReadToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := launch(t, []string{"GRAPHD_TOKEN=" + testToken},
		"serve", "--db", filepath.Join(dir, "db"), "--addr", "127.0.0.1:0", "--read-token-file", readFile)

	if r := do(t, "POST", s.url, gql(countArticles)); r.status != 401 || r.code() != "UNAUTHENTICATED" {
		t.Errorf("query without a token: %d %s", r.status, r.body)
	}
	if r := do(t, "GET", s.url+"?query="+url.QueryEscape(countArticles), ""); r.status != 401 {
		t.Errorf("GET query without a token: %d %s", r.status, r.body)
	}
	for _, tok := range []string{testReadToken, testToken} {
		if got := totalArticles(t, s, bearerHeader(tok)...); got != `{"totalCount":0}` {
			t.Errorf("query with a token: %s", got)
		}
	}
	r := do(t, "POST", s.url, gql(ingestMutation), bearerHeader(testReadToken)...)
	if r.status != 403 || r.code() != "FORBIDDEN" || !strings.Contains(r.header.Get("WWW-Authenticate"), "insufficient_scope") {
		t.Errorf("mutation with the read token: %d %q %s", r.status, r.header.Get("WWW-Authenticate"), r.body)
	}
	for _, path := range []string{"/events", "/export", "/metrics"} {
		if r := do(t, "GET", s.base+path, ""); r.status != 401 {
			t.Errorf("%s without a token: %d", path, r.status)
		}
	}
	if r := do(t, "GET", s.base+"/export?format=jsonl", "", bearerHeader(testReadToken)...); r.status != 200 {
		t.Errorf("/export with the read token: %d %s", r.status, r.body)
	}
	for _, path := range []string{"/healthz", "/readyz", "/"} {
		if r := do(t, "GET", s.base+path, ""); r.status != 200 {
			t.Errorf("%s without a token: %d", path, r.status)
		}
	}
	// A WebSocket without the read token is closed at connection_init;
	// with it in the upgrade's header, it runs queries.
	ws, _, err := dialWS(t, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.send(map[string]any{"type": "connection_init"})
	if _, cs := ws.read(); cs != 4403 {
		t.Errorf("WebSocket without the read token: close status %d, want 4403", cs)
	}
	ws, _, err = dialWS(t, s, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + testReadToken}}})
	if err != nil {
		t.Fatal(err)
	}
	ws.send(map[string]any{"type": "connection_init"})
	if m, _ := ws.read(); m["type"] != "connection_ack" {
		t.Fatalf("connection_init: %v", m)
	}
	ws.send(map[string]any{"id": "q", "type": "subscribe", "payload": map[string]any{"query": countArticles}})
	if m, _ := ws.read(); m["type"] != "next" {
		t.Errorf("query over WebSocket with the read token: %v", m)
	}
	s.stop(t)
}

// serve and demo refuse an address other than loopback without a token,
// saying how to set one; --insecure or a token lets them start.
func TestExposedAddressNeedsToken(t *testing.T) {
	db := t.TempDir()
	for _, cmd := range []string{"serve", "demo"} {
		errOut, code := runRefused(t, cmd, "--db", db, "--addr", "0.0.0.0:0")
		if code != 1 || !strings.Contains(errOut, "refusing to serve 0.0.0.0:0 without a token") ||
			!strings.Contains(errOut, "--token-file") || !strings.Contains(errOut, "--insecure") {
			t.Errorf("%s on 0.0.0.0 without a token: status %d\n%s", cmd, code, errOut)
		}
	}
	s := launch(t, nil, "serve", "--db", db, "--addr", "0.0.0.0:0", "--insecure")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(s.base, "http://"))
	if r := do(t, "GET", "http://127.0.0.1:"+port+"/healthz", ""); r.status != 200 {
		t.Errorf("--insecure server: /healthz %d", r.status)
	}
	s.waitLog(t, "serving without a token", "--insecure")
	s.stop(t)
	s = launch(t, []string{"GRAPHD_TOKEN=" + testToken}, "serve", "--db", db, "--addr", "0.0.0.0:0")
	s.stop(t)

	// Bad tokens are refused with a reason.
	short := filepath.Join(t.TempDir(), "short")
	os.WriteFile(short, []byte("abc\n"), 0o600)
	if errOut, code := runRefused(t, "serve", "--db", db, "--addr", "127.0.0.1:0", "--token-file", short); code != 1 || !strings.Contains(errOut, "at least 16") {
		t.Errorf("short token: %d %s", code, errOut)
	}
}

// Preflights from an allowed origin pass with Authorization among the
// headers allowed; from another origin they are refused without CORS
// headers.
func TestCORS(t *testing.T) {
	const allowed, other = "http://dash.example:3000", "https://evil.example"
	s := launch(t, []string{"GRAPHD_TOKEN=" + testToken}, "serve", "--db", t.TempDir(), "--addr", "127.0.0.1:0",
		"--cors-origin", allowed, "--cors-origin", "https://second.example")
	preflight := func(path, origin string) reply {
		return do(t, "OPTIONS", s.base+path, "", "Origin", origin,
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type")
	}
	for _, path := range []string{"/graphql", "/events", "/export"} {
		r := preflight(path, allowed)
		h := r.header
		if r.status != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != allowed ||
			!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") ||
			!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") {
			t.Errorf("preflight of %s from %s: %d %v", path, allowed, r.status, h)
		}
		r = preflight(path, other)
		if r.status != http.StatusForbidden || r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight of %s from %s: %d %v", path, other, r.status, r.header)
		}
	}
	r := do(t, "POST", s.url, gql(ingestMutation), "Origin", allowed, "Authorization", "Bearer "+testToken)
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != allowed {
		t.Errorf("mutation from %s: %d %v", allowed, r.status, r.header)
	}
	r = do(t, "POST", s.url, gql(countArticles), "Origin", other)
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("query from %s carries %q", other, r.header.Get("Access-Control-Allow-Origin"))
	}
	// WebSockets: the allowed origin connects, another does not.
	if _, _, err := dialWS(t, s, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {allowed}}}); err != nil {
		t.Errorf("WebSocket from %s: %v", allowed, err)
	}
	if _, resp, err := dialWS(t, s, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {other}}}); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("WebSocket from %s: %v", other, err)
	}
	s.stop(t)

	if errOut, code := runRefused(t, "serve", "--db", t.TempDir(), "--addr", "127.0.0.1:0", "--cors-origin", "dash.example/path"); code != 1 || !strings.Contains(errOut, "not an origin") {
		t.Errorf("bad origin: %d %s", code, errOut)
	}
}

// /healthz and /readyz answer, and so does `graphd health`, which fails
// against a closed port.
func TestHealth(t *testing.T) {
	s := launch(t, []string{"GRAPHD_TOKEN=" + testToken}, "serve", "--db", t.TempDir(), "--addr", "127.0.0.1:0")
	var h struct{ Status, Version string }
	r := do(t, "GET", s.base+"/healthz", "")
	if json.Unmarshal([]byte(r.body), &h); r.status != 200 || h.Status != "ok" || h.Version == "" {
		t.Errorf("/healthz: %d %s", r.status, r.body)
	}
	r = do(t, "GET", s.base+"/readyz", "")
	if json.Unmarshal([]byte(r.body), &h); r.status != 200 || h.Status != "ready" {
		t.Errorf("/readyz: %d %s", r.status, r.body)
	}
	addr := strings.TrimPrefix(s.base, "http://")
	out, errOut, code := runBinary(t, "health", "--addr", addr)
	if code != 0 || !strings.Contains(out, "is ready") {
		t.Errorf("graphd health: %d %q %q", code, out, errOut)
	}
	// Through GRAPHD_ADDR, with the host of every interface.
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(binary, "health")
	cmd.Env = append(os.Environ(), "GRAPHD_ADDR=0.0.0.0:"+port)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("graphd health with GRAPHD_ADDR=0.0.0.0:%s: %v %s", port, err, b)
	}
	s.stop(t)
	_, errOut, code = runBinary(t, "health", "--addr", addr)
	if code != 1 || !strings.Contains(errOut, "connection refused") {
		t.Errorf("graphd health against a closed port: %d %q", code, errOut)
	}
}

// metricValue reads a sample of family name with the given labels.
func metricValue(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	t.Helper()
	f := fams[name]
	if f == nil {
		return 0
	}
	for _, m := range f.Metric {
		match := true
		for _, l := range m.Label {
			if v, ok := labels[l.GetName()]; ok && v != l.GetValue() {
				match = false
			}
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Untyped != nil:
			return m.Untyped.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return 0
}

func scrape(t *testing.T, s *service) map[string]*dto.MetricFamily {
	t.Helper()
	r := do(t, "GET", s.base+"/metrics", "")
	if r.status != 200 {
		t.Fatalf("/metrics: %d %s", r.status, r.body)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, r.body)
	}
	return fams
}

// /metrics parses as the Prometheus text format; its counters move with
// queries, errors and ingests; the access log has a line per request
// without the query text.
func TestMetricsAndAccessLog(t *testing.T) {
	s := launch(t, []string{"GRAPHD_TOKEN=" + testToken}, "serve", "--db", t.TempDir(), "--addr", "127.0.0.1:0")
	named := map[string]string{"operation": "query", "name": "ProbeCount", "status": "200"}
	before := scrape(t, s)
	const secret = "SecretWordOfTheQuery"
	r := do(t, "POST", s.url, gql(`query ProbeCount { quotes(search: "`+secret+`") { totalCount } }`))
	if r.status != 200 {
		t.Fatalf("query: %d %s", r.status, r.body)
	}
	do(t, "POST", s.url, gql(`{ nope }`))
	do(t, "POST", s.url, gql(ingestMutation), bearerHeader(testToken)...)
	after := scrape(t, s)
	for _, name := range []string{"graphd_graphql_requests_total", "graphd_graphql_request_duration_seconds",
		"graphd_http_requests_total", "graphd_websocket_connections", "graphd_subscriptions",
		"graphd_ingest_articles_total", "graphd_ingest_quotations_total", "graphd_store_size_bytes",
		"graphd_build_info", "graphd_connections_open", "badger_get_num_user", "go_goroutines"} {
		if after[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		delta  float64
	}{
		{"graphd_graphql_requests_total", named, 1},
		{"graphd_graphql_request_duration_seconds", map[string]string{"operation": "query"}, 1},
		{"graphd_graphql_requests_total", map[string]string{"operation": "mutation", "name": "anonymous", "status": "200"}, 1},
		{"graphd_ingest_articles_total", map[string]string{"result": "created"}, 1},
		{"graphd_ingest_quotations_total", nil, 1},
		{"graphd_http_requests_total", map[string]string{"route": "/graphql", "method": "POST", "status": "200"}, 2},
	} {
		if d := metricValue(t, after, c.name, c.labels) - metricValue(t, before, c.name, c.labels); d < c.delta {
			t.Errorf("%s%v moved by %v, want %v", c.name, c.labels, d, c.delta)
		}
	}
	if n := metricValue(t, after, "graphd_graphql_errors_total", nil); n < 1 {
		t.Errorf("graphd_graphql_errors_total: %v after a query with an unknown field", n)
	}
	s.stop(t)
	line := ""
	for _, l := range strings.Split(s.stderr(), "\n") {
		if strings.Contains(l, "msg=http") && strings.Contains(l, "name=ProbeCount") {
			line = l
		}
	}
	for _, want := range []string{"level=INFO", "method=POST", "path=/graphql", "status=200", "took=", "bytes=", "op=query"} {
		if !strings.Contains(line, want) {
			t.Errorf("access log line %q lacks %q", line, want)
		}
	}
	if strings.Contains(s.stderr(), secret) {
		t.Errorf("the log holds the query text:\n%s", s.stderr())
	}
}

// Over --max-connections a connection is answered 503 at once, not left
// hanging; the connections within the cap go on working.
func TestMaxConnections(t *testing.T) {
	s := launch(t, []string{"GRAPHD_TOKEN=" + testToken}, "serve", "--db", t.TempDir(), "--addr", "127.0.0.1:0", "--max-connections", "2")
	addr := strings.TrimPrefix(s.base, "http://")
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	resp, err := client.Get(s.base + "/healthz")
	if err != nil {
		t.Fatalf("over the cap: %v (want a 503)", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "too many connections") {
		t.Errorf("over the cap: %d %s", resp.StatusCode, b)
	}
	// A held connection is served.
	fmt.Fprintf(held[0], "GET /healthz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", addr)
	held[0].SetReadDeadline(time.Now().Add(10 * time.Second))
	if resp, err := http.ReadResponse(bufio.NewReader(held[0]), nil); err != nil || resp.StatusCode != 200 {
		t.Errorf("a connection within the cap: %v %v", resp, err)
	}
	s.stop(t)
}

// The cap counts a connection until it is closed, hijacked ones too.
func TestCapListenerCounts(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	ln := capConnections(inner, 1, slog.New(slog.DiscardHandler), prometheus.NewRegistry()).(*capListener)
	dial := func() net.Conn {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	dial()
	first, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	refused := dial() // over the cap: Accept answers it and waits for the next
	fmt.Fprint(refused, "GET / HTTP/1.1\r\nHost: graphd\r\n\r\n")
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	refused.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(refused), nil)
	if err != nil || resp.StatusCode != 503 {
		t.Fatalf("over the cap: %v %v", resp, err)
	}
	if n := ln.open.Load(); n != 1 {
		t.Errorf("open: %d, want 1", n)
	}
	first.Close()
	first.Close() // closing twice gives the place back once
	if n := ln.open.Load(); n != 0 {
		t.Errorf("open after close: %d, want 0", n)
	}
	dial()
	select {
	case c := <-accepted:
		if c == nil {
			t.Fatal("Accept failed")
		}
		c.Close()
	case <-time.After(20 * time.Second):
		t.Error("no connection accepted once a place was free")
		inner.Close()
	}
}

// pprof is off unless asked for, only on loopback, and on a listener of
// its own.
func TestPprof(t *testing.T) {
	db := t.TempDir()
	s := launch(t, []string{"GRAPHD_TOKEN=" + testToken}, "serve", "--db", db, "--addr", "127.0.0.1:0")
	if r := do(t, "GET", s.base+"/debug/pprof/", ""); r.status != 404 {
		t.Errorf("/debug/pprof/ without --pprof: %d", r.status)
	}
	s.stop(t)
	if errOut, code := runRefused(t, "serve", "--db", db, "--addr", "127.0.0.1:0", "--pprof", "0.0.0.0:0"); code != 1 || !strings.Contains(errOut, "not a loopback address") {
		t.Errorf("--pprof on every interface: %d %s", code, errOut)
	}
	s = launch(t, []string{"GRAPHD_TOKEN=" + testToken}, "serve", "--db", db, "--addr", "127.0.0.1:0", "--pprof", "127.0.0.1:0")
	line := s.waitLog(t, "serving pprof")
	_, url, _ := strings.Cut(line, "url=")
	if r := do(t, "GET", url+"goroutine?debug=1", ""); r.status != 200 || !strings.Contains(r.body, "goroutine profile") {
		t.Errorf("pprof at %s: %d", url, r.status)
	}
	if r := do(t, "GET", s.base+"/debug/pprof/", ""); r.status != 404 {
		t.Errorf("/debug/pprof/ on the public listener: %d", r.status)
	}
	s.stop(t)
}

// The limits are flags with environment fallbacks.
func TestLimitFlags(t *testing.T) {
	s := launch(t, []string{"GRAPHD_TOKEN=" + testToken, "GRAPHD_MAX_PAGE_SIZE=5"}, "serve", "--db", t.TempDir(), "--addr", "127.0.0.1:0", "--max-depth", "3", "--max-aliases", "2")
	if r := do(t, "POST", s.url, gql(`{ quotes(first: 6) { totalCount } }`)); !strings.Contains(r.body, "between 0 and 5") {
		t.Errorf("first: 6 with GRAPHD_MAX_PAGE_SIZE=5: %s", r.body)
	}
	if r := do(t, "POST", s.url, gql(`{ quotes(first: 5) { totalCount } }`)); r.status != 200 || len(r.Errors) > 0 {
		t.Errorf("first: 5: %s", r.body)
	}
	if r := do(t, "POST", s.url, gql(`{ quotes { edges { node { speaker { name } } } } }`)); r.code() != "QUERY_LIMIT" {
		t.Errorf("depth 4 with --max-depth 3: %s", r.body)
	}
	if r := do(t, "POST", s.url, gql(`{ a: version b: version c: version }`)); r.code() != "QUERY_LIMIT" || !strings.Contains(r.body, "more than 2 aliases") {
		t.Errorf("3 aliases with --max-aliases 2: %s", r.body)
	}
	if r := do(t, "POST", s.url, gql(`{ a: version b: version }`)); r.status != 200 || len(r.Errors) > 0 {
		t.Errorf("2 aliases with --max-aliases 2: %s", r.body)
	}
	s.stop(t)
	if errOut, code := runRefused(t, "serve", "--db", t.TempDir(), "--addr", "127.0.0.1:0", "--max-cost", "0"); code != 1 || !strings.Contains(errOut, "--max-cost") {
		t.Errorf("--max-cost 0: %d %s", code, errOut)
	}
	// The store reads at most 1,000 items for a page: a larger page
	// would be a promise the server cannot keep.
	if errOut, code := runRefused(t, "serve", "--db", t.TempDir(), "--addr", "127.0.0.1:0", "--max-page-size", "1001"); code != 1 || !strings.Contains(errOut, "--max-page-size") {
		t.Errorf("--max-page-size 1001: %d %s", code, errOut)
	}
	// The bounds of live connections are flags as well.
	if errOut, code := runRefused(t, "serve", "--db", t.TempDir(), "--addr", "127.0.0.1:0", "--max-websockets", "0"); code != 1 || !strings.Contains(errOut, "--max-websockets") {
		t.Errorf("--max-websockets 0: %d %s", code, errOut)
	}
	// So is how long ingest waits for queries.
	if errOut, code := runRefused(t, "serve", "--db", t.TempDir(), "--addr", "127.0.0.1:0", "--ingest-yield", "-1s"); code != 1 || !strings.Contains(errOut, "--ingest-yield") {
		t.Errorf("--ingest-yield -1s: %d %s", code, errOut)
	}
}

// A build stamped with -ldflags tells its version and commit on the
// command line, at /healthz and in the version query field.
func TestVersionStamped(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "graphd")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", "-X main.version=v1.2.3-test -X main.commit=0123abcd", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil || !strings.HasPrefix(string(out), "graphd v1.2.3-test (commit 0123abcd, go") {
			t.Errorf("graphd %v: %v %q", args, err, out)
		}
	}
	saved := binary
	binary = bin
	defer func() { binary = saved }()
	s := launch(t, []string{"GRAPHD_TOKEN=" + testToken}, "serve", "--db", t.TempDir(), "--addr", "127.0.0.1:0")
	if r := do(t, "GET", s.base+"/healthz", ""); !strings.Contains(r.body, `"version":"v1.2.3-test","commit":"0123abcd"`) {
		t.Errorf("/healthz: %s", r.body)
	}
	if r := do(t, "POST", s.url, gql(`{ version }`)); string(r.Data["version"]) != `"v1.2.3-test"` {
		t.Errorf("version field: %s", r.body)
	}
	s.stop(t)
}
