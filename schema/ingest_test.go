package schema

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	dto "github.com/prometheus/client_model/go"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

// ingestReply is a line of the answer of POST /ingest.
type ingestReply struct {
	Line       int    `json:"line"`
	ID         string `json:"id"`
	Article    string `json:"article"`
	Result     string `json:"result"`
	Statements int    `json:"statements"`
	Printings  int    `json:"printings"`
	Error      string `json:"error"`
	Field      string `json:"field"`
	Code       string `json:"code"`
}

// postIngest posts body to /ingest with the headers (name, value pairs)
// and returns the response; the caller reads and closes its body.
func postIngest(t *testing.T, srv *httptest.Server, body io.Reader, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/ingest", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// replies reads the lines of an answer of POST /ingest to its end.
func replies(t *testing.T, r io.Reader) []ingestReply {
	t.Helper()
	var out []ingestReply
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var l ingestReply
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("answer line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return out
}

func jsonLine(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

func metricOf(t *testing.T, c interface{ Write(*dto.Metric) error }) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// A stream of good and bad lines: each line gets its result, in order,
// a bad one its own error naming its field, and the lines after it are
// stored; the store holds what was acknowledged and the metrics count it.
func TestIngestStream(t *testing.T) {
	s := newSchema(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	before, err := s.store.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	baker := map[string]any{"id": "b1", "url": "https://news.example/baker", "title": "Baker", "outlet": "Example Wire",
		"published": "2025-02-18", "text": "“We will rebuild the bridge,” said Mayor Tom Baker. “It will take a year,” he added."}
	body := jsonLine(t, baker) +
		`{"id": "b2", "title": "No date", "published": "soon", "text": "“Yes,” said Ann Lee."}` + "\n" +
		"\n" +
		`{"id": "b3", "title": 7, "text": "t"}` + "\n" +
		`not json at all` + "\n" +
		`{"id": "b4", "title": "No text"}` + "\n" +
		jsonLine(t, map[string]any{"id": "b5", "text": strings.Repeat(`"`, ingest.MaxQuoteMarks+1)}) +
		jsonLine(t, map[string]any{"id": "b6", "url": strings.Repeat("u", 5000), "text": "“Fine,” said Ann Lee."}) +
		jsonLine(t, baker) +
		jsonLine(t, map[string]any{"id": 7, "url": "https://news.example/baker", "text": "“We will not rebuild it,” said Mayor Tom Baker."})
	resp := postIngest(t, srv, strings.NewReader(body))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("status %d, %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	got := replies(t, resp.Body)
	for i := range got {
		got[i].Article = strings.Repeat("*", min(1, len(got[i].Article))) // an id: there or not
	}
	want := []ingestReply{
		{Line: 1, ID: "b1", Article: "*", Result: "created", Statements: 2, Printings: 2},
		{Line: 2, Error: `malformed input: field published: cannot parse date "soon"`, Field: "published", Code: codeBadInput},
		{Line: 4, Error: "malformed input: field title: want a string, have a number", Field: "title", Code: codeBadInput},
		{Line: 5, Error: "malformed input: invalid character 'o' in literal null (expecting 'u')", Code: codeBadInput},
		{Line: 6, Error: "article has no text", Field: "text", Code: codeBadInput},
		{Line: 7, ID: "b5", Error: fmt.Sprintf("article too large: %d quotation marks, limit %d", ingest.MaxQuoteMarks+1, ingest.MaxQuoteMarks), Field: "text", Code: codeBadInput},
		{Line: 8, ID: "b6", Error: "url: 5000 bytes, more than 4096", Field: "url", Code: codeBadInput},
		{Line: 9, ID: "b1", Article: "*", Result: "unchanged"},
		{Line: 10, ID: "7", Article: "*", Result: "replaced", Statements: 1, Printings: 1},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("results (-want +got):\n%s", d)
	}
	after, err := s.store.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if after.Articles != before.Articles+1 {
		t.Errorf("articles %d → %d, want one more", before.Articles, after.Articles)
	}
	m := s.metrics
	if c, u, r, e := metricOf(t, m.articles.WithLabelValues("created")), metricOf(t, m.articles.WithLabelValues("unchanged")),
		metricOf(t, m.articles.WithLabelValues("replaced")), metricOf(t, m.ingestErrs); c != 1 || u != 1 || r != 1 || e != 6 {
		t.Errorf("metrics: created %v, unchanged %v, replaced %v, errors %v; want 1, 1, 1, 6", c, u, r, e)
	}
}

// The endpoint needs the write token, and JSON Lines.
func TestIngestNeedsTokenAndJSONLines(t *testing.T) {
	s := newSchema(t, WithAccess(Access{WriteToken: writeToken, ReadToken: readToken}))
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	line := `{"text": "“Yes,” said Mayor Tom Baker."}` + "\n"
	for _, c := range []struct {
		token  string
		status int
		code   string
	}{
		{"", http.StatusUnauthorized, codeUnauthenticated},
		{readToken, http.StatusForbidden, codeForbidden},
		{"not-a-token-of-the-server", http.StatusUnauthorized, codeUnauthenticated},
		{writeToken, http.StatusOK, ""},
	} {
		var h []string
		if c.token != "" {
			h = []string{"Authorization", "Bearer " + c.token}
		}
		resp := postIngest(t, srv, strings.NewReader(line), h...)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != c.status || (c.code != "" && !strings.Contains(string(body), c.code)) {
			t.Errorf("token %q: %d %s, want %d %s", c.token, resp.StatusCode, body, c.status, c.code)
		}
		// A stream refused is not read to its end, which may never come:
		// its connection is closed.
		if resp.Close != (c.status != http.StatusOK) {
			t.Errorf("token %q: connection closed %v", c.token, resp.Close)
		}
	}
	resp := postIngest(t, srv, strings.NewReader(line), "Authorization", "Bearer "+writeToken, "Content-Type", "application/x-www-form-urlencoded")
	if body, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(string(body), "application/x-ndjson") {
		t.Errorf("form media type: %d %s", resp.StatusCode, body)
	}
	// GET /check is the operator's too.
	for token, status := range map[string]int{"": http.StatusUnauthorized, readToken: http.StatusForbidden, writeToken: http.StatusOK} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/check", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var res checkResult
		json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if resp.StatusCode != status || status == http.StatusOK && (res.Status != "ok" || res.Counts == nil || res.Counts.Articles != len(seed)+1) {
			t.Errorf("GET /check with %q: %d %+v, want %d", token, resp.StatusCode, res, status)
		}
	}
}

// An export ends with a trailer of its counts, which tells a complete
// export from one cut short.
func TestExportTrailer(t *testing.T) {
	s := newSchema(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Get(srv.URL + "/export?format=jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Trailer.Get(trailerCounts) != "" {
		t.Errorf("counts before the body was read")
	}
	io.Copy(io.Discard, resp.Body)
	if got, want := resp.Trailer.Get(trailerCounts), "statements=6 printings=6 names=5 venues=3 articles=3 outlets=2"; got != want || resp.Trailer.Get(trailerError) != "" {
		t.Errorf("trailer %q (error %q), want %q", got, resp.Trailer.Get(trailerError), want)
	}
}

// The request and the answer stream at once: a client that sends a line
// and waits for its result before sending the next gets it.
func TestIngestInteractive(t *testing.T) {
	s := newSchema(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	resp := postIngest(t, srv, pr)
	sc := bufio.NewScanner(resp.Body)
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(pw, `{"id": "i%d", "text": "“Item %d is in,” said Reporter Ann Lee."}`+"\n", i, i)
		if !sc.Scan() {
			t.Fatalf("no result for line %d: %v", i, sc.Err())
		}
		var r ingestReply
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil || r.Line != i || r.Result != "created" {
			t.Fatalf("result of line %d: %s (%v)", i, sc.Text(), err)
		}
	}
	pw.Close()
	if sc.Scan() {
		t.Errorf("a line after the last result: %s", sc.Text())
	}
}

// gatedWriter is the default write path behind a gate: it takes an
// article only once the test lets it.
type gatedWriter struct {
	s    *Schema
	gate chan struct{}
}

func (g *gatedWriter) write(ctx context.Context, in <-chan ingest.Article, done func(graph.PutResult, error)) error {
	gated := make(chan ingest.Article)
	go func() {
		defer close(gated)
		for a := range in {
			select {
			case <-g.gate:
			case <-ctx.Done():
				return
			}
			gated <- a
		}
	}()
	return g.s.writePipeline(ctx, gated, done)
}

// countingBody counts the bytes the server reads of a request body.
type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// A client that sends faster than the write path takes is held back: the
// server reads a line only once the write path took the one before, so
// what it has read of a large stream stays within a line or two of what
// was written, whatever the client sends; once the write path takes
// everything, every line is answered.
func TestIngestBackPressure(t *testing.T) {
	g := &gatedWriter{gate: make(chan struct{})}
	s := newSchema(t, WithWriter(func(ctx context.Context, in <-chan ingest.Article, done func(graph.PutResult, error)) error {
		return g.write(ctx, in, done)
	}))
	g.s = s
	var read atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = countingBody{r.Body, &read}
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	pr, pw := io.Pipe()
	resp := postIngest(t, srv, pr)
	// Lines of 64 KiB whose article is short: the padding is a field
	// graphd ignores.
	line := `{"text": "“Yes,” said Mayor Tom Baker.", "pad": "` + strings.Repeat("p", 64<<10) + `"}` + "\n"
	const n = 1000 // 64 MiB
	go func() {
		defer pw.Close()
		for range n {
			if _, err := io.WriteString(pw, line); err != nil {
				return
			}
		}
	}()
	for k := 1; k <= 50; k++ {
		g.gate <- struct{}{} // the write path takes article k
		// The reader may have gone on to line k+1, and its buffer past it.
		if got, bound := read.Load(), int64((k+2)*len(line)+64<<10); got > bound {
			t.Fatalf("the server read %d bytes of the stream when the write path had taken %d articles, want at most %d", got, k, bound)
		}
	}
	close(g.gate) // take everything
	got := replies(t, resp.Body)
	if len(got) != n || got[n-1].Line != n || got[n-1].Result != "unchanged" {
		t.Errorf("%d results, the last %+v; want %d, the last unchanged", len(got), got[len(got)-1], n)
	}
}

// A stream cut by the server's shutdown answers what it read and says
// from which line on nothing was stored.
func TestIngestShutdown(t *testing.T) {
	s := newSchema(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	resp := postIngest(t, srv, pr)
	sc := bufio.NewScanner(resp.Body)
	fmt.Fprintln(pw, `{"id": "s1", "text": "“First,” said Reporter Ann Lee."}`)
	if !sc.Scan() || !strings.Contains(sc.Text(), `"result":"created"`) {
		t.Fatalf("first result: %s", sc.Text())
	}
	s.Shutdown()
	var last ingestReply
	for sc.Scan() {
		json.Unmarshal(sc.Bytes(), &last)
	}
	if last.Line != 0 || last.Code != codeUnavailable || !strings.Contains(last.Error, "nothing was stored from line 2 on") {
		t.Errorf("the stream's last line: %+v", last)
	}
	// A new stream is refused while the server shuts down.
	resp = postIngest(t, srv, strings.NewReader(`{"text": "t"}`+"\n"))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a stream during shutdown: %d", resp.StatusCode)
	}
}

// A write path that stops (here: the disk full after the first article)
// ends the stream with the error, after the results of what it stored.
func TestIngestWriterStops(t *testing.T) {
	var s *Schema
	s = newSchema(t, WithWriter(func(ctx context.Context, in <-chan ingest.Article, done func(graph.PutResult, error)) error {
		first := true
		for a := range in {
			if !first {
				return fmt.Errorf("put article: %w", &graph.SpaceError{Dir: "/data", Free: 1 << 20, Keep: 125 << 20})
			}
			first = false
			res, err := ingest.Store(ctx, s.store, a)
			done(res, err)
		}
		return nil
	}))
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	var body strings.Builder
	for i := range 5 {
		fmt.Fprintf(&body, `{"id": "w%d", "text": "“Item %d,” said Reporter Ann Lee."}`+"\n", i, i)
	}
	got := replies(t, postIngest(t, srv, strings.NewReader(body.String())).Body)
	if len(got) != 2 || got[0].Result != "created" || got[1].Line != 0 || got[1].Code != codeNoSpace ||
		!strings.Contains(got[1].Error, "nothing was stored from line 2 on") {
		t.Errorf("results %+v", got)
	}
}

// Over the cap of streams, one more is refused at once, and a client
// silent for IngestIdle has its stream ended.
func TestIngestLimits(t *testing.T) {
	s := newSchema(t, WithLimits(Limits{Ingests: 1, IngestIdle: 300 * time.Millisecond}))
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	first := postIngest(t, srv, pr) // open: its headers came, so it holds the slot
	second := postIngest(t, srv, strings.NewReader(`{"text": "t"}`+"\n"))
	body, _ := io.ReadAll(second.Body)
	if second.StatusCode != http.StatusServiceUnavailable || second.Header.Get("Retry-After") == "" || !strings.Contains(string(body), codeIngestLimit) {
		t.Errorf("a second stream over the cap: %d %s", second.StatusCode, body)
	}
	got := replies(t, first.Body) // the client sends nothing: the stream ends
	if len(got) != 1 || got[0].Code != codeBadRequest || !strings.Contains(got[0].Error, "no line came for 300ms") {
		t.Errorf("a silent client's stream: %+v", got)
	}
}

// A client that asks to be told to send its body (Expect: 100-continue,
// as curl does for a large one) is told so before the answer begins.
func TestIngestExpectContinue(t *testing.T) {
	s := newSchema(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	body := `{"id": "e1", "text": "“Yes,” said Mayor Tom Baker."}` + "\n"
	fmt.Fprintf(conn, "POST /ingest HTTP/1.1\r\nHost: graphd\r\nContent-Type: application/x-ndjson\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", len(body))
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 100 ") {
		t.Fatalf("first answer %q (%v), want 100 Continue before the body is sent", status, err)
	}
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if l == "\r\n" {
			break
		}
	}
	io.WriteString(conn, body)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := replies(t, resp.Body)
	if resp.StatusCode != http.StatusOK || len(got) != 1 || got[0].Result != "created" {
		t.Errorf("answer %d %+v", resp.StatusCode, got)
	}
}

// BenchmarkIngest stores distinct articles of the size of a news report
// (the first sample article, with a quotation of its own each) in a store
// on disk, 20 an iteration: through POST /ingest, with its reading,
// results and syncs, and through ingest.Store called directly, with one
// sync an iteration. The difference is what the endpoint costs beside
// extraction and the write.
func BenchmarkIngest(b *testing.B) {
	text, err := os.ReadFile(filepath.Join("..", "testdata", "seeds", "000_f870fa87edc7ab14.txt"))
	if err != nil {
		b.Fatal(err)
	}
	const perIteration = 20
	article := func(i int) ingest.Article {
		return ingest.Article{ID: fmt.Sprint(i), URL: fmt.Sprintf("https://news.example/%d", i), Title: fmt.Sprintf("Report %d", i),
			Text: fmt.Sprintf("%s\n\n“Item %d is in,” said Reporter Ann Lee%d.", text, i, i)}
	}
	open := func(b *testing.B) *graph.Store {
		st, err := graph.Open(b.TempDir(), graph.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}
	b.Run("store", func(b *testing.B) {
		st := open(b)
		n := 0
		for b.Loop() {
			for range perIteration {
				if _, err := ingest.Store(b.Context(), st, article(n)); err != nil {
					b.Fatal(err)
				}
				n++
			}
			if err := st.Sync(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
	})
	b.Run("endpoint", func(b *testing.B) {
		s, err := New(open(b), nil)
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(s)
		b.Cleanup(srv.Close)
		n := 0
		for b.Loop() {
			var body bytes.Buffer
			enc := json.NewEncoder(&body)
			for range perIteration {
				a := article(n)
				enc.Encode(map[string]string{"id": a.ID, "url": a.URL, "title": a.Title, "text": a.Text})
				n++
			}
			req, _ := http.NewRequestWithContext(b.Context(), http.MethodPost, srv.URL+"/ingest", &body)
			req.Header.Set("Content-Type", "application/x-ndjson")
			resp, err := srv.Client().Do(req)
			if err != nil {
				b.Fatal(err)
			}
			lines := 0
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				if !strings.Contains(sc.Text(), `"result":"created"`) {
					b.Fatalf("result %s", sc.Text())
				}
				lines++
			}
			resp.Body.Close()
			if lines != perIteration {
				b.Fatalf("%d results, want %d", lines, perIteration)
			}
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
	})
}
