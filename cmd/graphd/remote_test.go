package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Tests of a store served and written at once: `graphd ingest --server`
// and POST /ingest while dashboards query, a server killed in the middle
// of a stream, the memory of a server sent a large stream, bad lines, an
// interrupted client, and export and check through the server.

// writeCorpus writes n articles as JSON Lines: the first sample article
// with a quotation of its own each, ids and URLs starting with prefix.
func writeCorpus(t *testing.T, n int, prefix string) string {
	t.Helper()
	seedText, err := os.ReadFile(filepath.Join(seeds, "000_f870fa87edc7ab14.txt"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), prefix+".jsonl")
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for i := range n {
		enc.Encode(map[string]string{
			"id":        fmt.Sprintf("%s-%d", prefix, i),
			"url":       fmt.Sprintf("https://news.example/%s/%d", prefix, i),
			"title":     fmt.Sprintf("Report %s %d", prefix, i),
			"published": fmt.Sprintf("2025-02-%02d", 1+i%28),
			"text":      fmt.Sprintf("%s\n\n“Item %s %d is in,” said Reporter Ann Lee%d.", seedText, prefix, i, i),
		})
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tokenFile writes testToken to a file for --token-file.
func tokenFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(p, []byte(testToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (s *server) base() string { return strings.TrimSuffix(s.url, "/graphql") }

// ask posts a GraphQL query and decodes its data into out; unlike query,
// it may be called from any goroutine.
func (s *server) ask(q string, out any) error {
	body, _ := json.Marshal(map[string]any{"query": q})
	req, err := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return fmt.Errorf("%d: %v", resp.StatusCode, err)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("%d: %s", resp.StatusCode, r.Errors[0].Message)
	}
	return json.Unmarshal(r.Data, out)
}

// ack is a line of the answer of POST /ingest.
type ack struct {
	Line       int
	ID         string
	Article    string
	Result     string
	Statements int
	Printings  int
	Error      string
	Field      string
	Code       string
}

// streamIngest posts the file at path to POST /ingest and calls each
// with every line of the answer, until the answer ends or each returns
// false. It returns the error that ended the answer, if any.
func streamIngest(t *testing.T, base string, body io.Reader, each func(ack) bool) error {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/ingest", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST /ingest: %d %s", resp.StatusCode, b)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var a ack
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("answer line %q: %v", sc.Text(), err)
		}
		if !each(a) {
			return nil
		}
	}
	return sc.Err()
}

// dashboardQuery is what a dashboard asks, over and over: the totals,
// the top speakers, a timeline and a ranked search.
const dashboardQuery = `{ counts { articles statements printings }
  stats { total undated quotesBy(field: SPEAKER, first: 10) { key label count } }
  timeline(interval: DAY) { start count }
  quotes(search: "peace", first: 5, orderBy: RELEVANCE) { totalCount edges { node { text speaker { name } } } } }`

// `graphd ingest --server` and a POST /ingest stream write into a served
// store while dashboards query it: every query is answered without
// error, the counts never go back, everything sent is stored, and the
// store passes its check, on the server and once it stopped.
func TestIngestWhileDashboardsQuery(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests a few hundred articles")
	}
	const n = 150
	a, b := writeCorpus(t, n, "cli"), writeCorpus(t, n, "post")
	db := t.TempDir()
	s := startServer(t, db)

	done := make(chan struct{})
	var dashboards sync.WaitGroup
	var (
		mu      sync.Mutex
		queries int
	)
	for range 2 {
		dashboards.Go(func() {
			last := 0
			for {
				select {
				case <-done:
					return
				default:
				}
				var d struct {
					Counts struct{ Articles int }
				}
				if err := s.ask(dashboardQuery, &d); err != nil {
					t.Errorf("a dashboard query during the ingests: %v", err)
					return
				}
				if d.Counts.Articles < last {
					t.Errorf("the counts went back from %d to %d articles", last, d.Counts.Articles)
				}
				last = d.Counts.Articles
				mu.Lock()
				queries++
				mu.Unlock()
			}
		})
	}
	var posted []ack
	streamed := make(chan struct{})
	go func() {
		defer close(streamed)
		f, err := os.Open(b)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		if err := streamIngest(t, s.base(), f, func(a ack) bool { posted = append(posted, a); return true }); err != nil {
			t.Errorf("POST /ingest: %v", err)
		}
	}()
	out, stderr, code := runBinary(t, "ingest", "--server", s.base(), "--token-file", tokenFile(t), a)
	<-streamed
	close(done)
	dashboards.Wait()
	if code != 0 {
		t.Fatalf("graphd ingest --server: status %d\n%s%s", code, out, stderr)
	}
	if !strings.HasPrefix(out, fmt.Sprintf("ingested %d articles, 0 errors in ", n)) || !strings.Contains(out, "\nstore: ") {
		t.Errorf("graphd ingest --server: %q", out)
	}
	if len(posted) != n || posted[n-1].Line != n || posted[n-1].Result != "created" {
		t.Errorf("POST /ingest: %d results, want %d created", len(posted), n)
	}
	t.Logf("%d dashboard queries answered during the ingests", queries)
	if queries < 4 {
		t.Errorf("only %d queries ran during the ingests", queries)
	}
	want := fmt.Sprintf("ok: %d articles", 2*n)
	if out, stderr, code := runBinary(t, "check", "--server", s.base(), "--token-file", tokenFile(t)); code != 0 || !strings.HasPrefix(out, want) {
		t.Errorf("graphd check --server: %d %q %s, want %q", code, out, stderr, want)
	}
	s.stop(t)
	if got := counts(t, db); !strings.HasPrefix(got, want) {
		t.Errorf("graphd check: %q, want %q", got, want)
	}
}

// A server killed with SIGKILL in the middle of a stream loses no article
// it acknowledged: after a restart each is there, and the store passes
// its check.
func TestKillServerDuringStream(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests a few hundred articles")
	}
	corpus := writeCorpus(t, 600, "kill")
	db := t.TempDir()
	s := startServer(t, db)
	f, err := os.Open(corpus)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var acked []ack
	killed := false
	err = streamIngest(t, s.base(), f, func(a ack) bool {
		if a.Line == 0 || a.Error != "" {
			t.Errorf("line %d: %+v", len(acked)+1, a)
			return false
		}
		acked = append(acked, a)
		if len(acked) == 40 && !killed {
			killed = true
			if err := s.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
		}
		return true
	})
	s.cmd.Wait()
	if !killed || err == nil {
		t.Fatalf("the answer ended without an error after %d results (killed %v)", len(acked), killed)
	}
	if len(acked) >= 600 {
		t.Fatalf("every article was acknowledged before the kill took effect")
	}
	t.Logf("%d articles acknowledged before the server died (%v)", len(acked), err)

	s = startServer(t, db) // the lock died with the server; its record is stale
	for i := 0; i < len(acked); i += 50 {
		var q strings.Builder
		q.WriteString("{")
		for j := i; j < min(i+50, len(acked)); j++ {
			fmt.Fprintf(&q, " a%d: article(id: %q) { id url }", j, acked[j].Article)
		}
		q.WriteString(" }")
		var got map[string]*struct{ ID, URL string }
		s.query(t, q.String(), &got)
		for j := i; j < min(i+50, len(acked)); j++ {
			a := got[fmt.Sprintf("a%d", j)]
			want := fmt.Sprintf("https://news.example/kill/%d", j)
			if a == nil || a.URL != want {
				t.Errorf("acknowledged line %d (%s) is not in the store after the restart: %+v", j+1, want, a)
			}
		}
	}
	s.stop(t)
	if got := counts(t, db); !strings.HasPrefix(got, "ok: ") {
		t.Errorf("graphd check after the kill: %q", got)
	}
}

// A server sent a large stream faster than it stores holds it back: it
// reads a line only when it can store the article, so the client waits,
// and the server's memory does not grow with the stream.
func TestIngestStreamMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams articles of 1 MiB")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc to measure memory")
	}
	// What the stream holds is measured with Go's default collector:
	// serve's (--gc-percent 400) lets the garbage of storing articles of
	// 1 MiB grow to four times the live heap before it collects, which
	// raises the peak by about 130 MiB whatever the stream holds.
	s := startServerWith(t, t.TempDir(), os.Stderr, "--gc-percent", "100")
	// Articles of 1 MiB of text, which take the server far longer to
	// extract and store than the client to send.
	text := lorem(1<<20, 7)
	line := func(i int) string {
		b, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("m%d", i), "text": fmt.Sprintf("Article %d\n%s", i, text)})
		return string(b) + "\n"
	}
	// First a stream the client sends whole at once, of as many
	// articles as are measured below: the peak memory of storing such
	// articles, which the large stream must not raise much.
	const n, stored = 256, 8
	var warm strings.Builder
	for i := range stored {
		warm.WriteString(line(i))
	}
	if err := streamIngest(t, s.base(), strings.NewReader(warm.String()), func(a ack) bool { return a.Error == "" }); err != nil {
		t.Fatal(err)
	}
	before := readProc(t, s.cmd.Process.Pid)
	var sent atomic.Int64
	pr, pw := io.Pipe()
	go func() {
		defer pw.Close()
		for i := range n {
			k, err := io.WriteString(pw, line(stored+i))
			sent.Add(int64(k))
			if err != nil {
				return
			}
		}
	}()
	// Once the server stored as many articles again, the client has been
	// held back: what it could send, and the server's peak memory, are
	// measured; then the client hangs up.
	var during procStat
	results := 0
	streamIngest(t, s.base(), pr, func(a ack) bool {
		if a.Error != "" {
			t.Errorf("%+v", a)
		}
		results++
		if results == stored {
			during = readProc(t, s.cmd.Process.Pid)
			return false
		}
		return true
	})
	pr.CloseWithError(errors.New("enough"))
	if results != stored {
		t.Fatalf("%d results, want %d", results, stored)
	}
	grew, out := during.hwm-before.hwm, sent.Load()
	t.Logf("a stream of %d articles of 1 MiB: once %d were stored the client had sent %d MiB; the server's peak RSS %d MiB after a stream of %d sent whole, %d MiB then (+%d MiB)",
		n, stored, out>>20, before.hwm>>20, stored, during.hwm>>20, grew>>20)
	if out > n<<20/2 {
		t.Errorf("the client sent %d MiB while the server stored %d articles of 1 MiB, want it held back", out>>20, stored)
	}
	if grew > 48<<20 {
		t.Errorf("the server's peak RSS grew by %d MiB with the stream, want under 48 MiB", grew>>20)
	}
	s.stop(t)
}

var elapsedRE = regexp.MustCompile(` in [0-9.]+[mµn]?s`)

// Bad lines get their own errors, through the server as locally: the
// same messages naming the file, the line and the field, the same
// summary, and the rest stored.
func TestIngestServerBadLines(t *testing.T) {
	dir := t.TempDir()
	feed := filepath.Join(dir, "feed.jsonl")
	if err := os.WriteFile(feed, []byte(strings.Join([]string{
		`{"id": "g1", "text": "“We will rebuild the bridge,” said Mayor Tom Baker."}`,
		`{"id": "g2", "published": "soon", "text": "“Yes,” said Ann Lee."}`,
		`{"id": "g3", "title": 7, "text": "t"}`,
		`not json`,
		`{"id": "g4", "title": "No text"}`,
		`{"id": "g5", "text": "` + strings.Repeat(`\"`, 4001) + `"}`,
		`{"id": "g6", "url": "https://news.example/g6", "text": "“Fine,” said Ann Lee."}`,
	}, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	local := t.TempDir()
	lout, lerr, lcode := runBinary(t, "ingest", "--db", local, feed, seeds)
	s := startServer(t, t.TempDir())
	rout, rerr, rcode := runBinary(t, "ingest", "--server", s.base(), "--token-file", tokenFile(t), feed, seeds)
	if lcode != 1 || rcode != 1 {
		t.Errorf("exit status: local %d, through the server %d; want 1", lcode, rcode)
	}
	if elapsedRE.ReplaceAllString(lout, "") != elapsedRE.ReplaceAllString(rout, "") {
		t.Errorf("summaries differ:\nlocal:  %s\nserver: %s", lout, rout)
	}
	// The same lines, in whatever order the reading and the storing
	// reported them.
	sorted := func(s string) string {
		l := strings.Split(strings.TrimSpace(s), "\n")
		slices.Sort(l)
		return strings.Join(l, "\n")
	}
	if sorted(lerr) != sorted(rerr) {
		t.Errorf("errors differ:\nlocal:\n%s\nserver:\n%s", lerr, rerr)
	}
	for _, want := range []string{
		feed + ` line 2: malformed input: field published: cannot parse date "soon"`,
		feed + " line 3: malformed input: field title: want a string, have a number",
		feed + " line 5: article has no text",
		feed + " line 6: article too large: 4001 quotation marks, limit 4000",
	} {
		if !strings.Contains(rerr, want) {
			t.Errorf("through the server, stderr does not say %q:\n%s", want, rerr)
		}
	}
	if !strings.HasPrefix(rout, "ingested 4 articles, 5 errors") {
		t.Errorf("summary %q", rout)
	}
	s.stop(t)
}

// SIGTERM stops `graphd ingest --server` within 2 s: it says it was
// interrupted, what the server acknowledged is stored, and running it
// again finishes the job.
func TestInterruptIngestServer(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests a few hundred articles")
	}
	const n = 1000
	corpus := writeCorpus(t, n, "int")
	db := t.TempDir()
	s := startServer(t, db)
	tok := tokenFile(t)
	cmd := exec.Command(binary, "ingest", "--server", s.base(), "--token-file", tok, "--log-level", "debug", corpus)
	took, out, errOut := interruptAfter(t, cmd, "msg=acknowledged", nil)
	if took > 2*time.Second {
		t.Errorf("exit %v after SIGTERM, want within 2 s", took.Round(time.Millisecond))
	}
	if !strings.Contains(out, "(interrupted)") || !strings.Contains(errOut, "interrupted") {
		t.Errorf("the summary does not say it was interrupted:\nstdout: %s\nstderr: %s", out, errOut)
	}
	acked := 1 + strings.Count(errOut, "msg=acknowledged") // the one interruptAfter waited for
	var stored int
	fmt.Sscanf(out, "ingested %d articles", &stored)
	if stored != acked {
		t.Errorf("the summary counts %d articles, the log %d acknowledged", stored, acked)
	}
	// The server may still store an article it read when the client hung
	// up: what it acknowledged is there, and perhaps a few more.
	out, e, code := runBinary(t, "ingest", "--server", s.base(), "--token-file", tok, corpus)
	var total, unchanged int
	fmt.Sscanf(out, "ingested %d articles (%d unchanged", &total, &unchanged)
	if code != 0 || total != n || unchanged < acked {
		t.Errorf("ingest again: %d %q %s; want %d articles, at least the %d acknowledged unchanged", code, out, e, n, acked)
	}
	if unchanged == n {
		// The server writes what its pipeline took in before the
		// client hung up, up to a few batches: here, all of it.
		t.Logf("the server had stored all %d articles, %d of them acknowledged before the interruption", n, acked)
	}
	if got := strings.SplitN(out, "\n", 2); len(got) != 2 || !strings.HasPrefix(got[1], fmt.Sprintf("store: %d articles", n)) {
		t.Errorf("ingest again: %q", out)
	}
	s.stop(t)
}

// export and check through a server give what they give on the store,
// and need what the server's tokens say.
func TestExportAndCheckServer(t *testing.T) {
	db := t.TempDir()
	if _, e, code := runBinary(t, "ingest", "--db", db, seeds); code != 0 {
		t.Fatal(e)
	}
	local, _, _ := runBinary(t, "export", "--db", db, "--format", "jsonl")
	localLavrov, _, _ := runBinary(t, "export", "--db", db, "--format", "nquads", "--speaker", "Lavrov", "--order", "newest")
	localCheck := counts(t, db)
	csvLocal := filepath.Join(t.TempDir(), "csv")
	runBinary(t, "export", "--db", db, "--format", "csv", "--out", csvLocal)

	s := startServer(t, db)
	tok := tokenFile(t)
	remote, e, code := runBinary(t, "export", "--server", s.base(), "--format", "jsonl")
	if code != 0 || remote != local || local == "" {
		t.Errorf("export --server: status %d, %d bytes, local %d bytes, equal %v\n%s", code, len(remote), len(local), remote == local, e)
	}
	if !strings.HasPrefix(e, "exported ") {
		t.Errorf("export --server says %q", e)
	}
	remoteLavrov, _, _ := runBinary(t, "export", "--server", s.base(), "--format", "nquads", "--speaker", "Lavrov", "--order", "newest")
	if remoteLavrov != localLavrov || localLavrov == "" {
		t.Errorf("a filtered export differs through the server")
	}
	csvRemote := filepath.Join(t.TempDir(), "csv")
	if _, e, code := runBinary(t, "export", "--server", s.base(), "--format", "csv", "--out", csvRemote); code != 0 {
		t.Errorf("export --server csv: %d %s", code, e)
	}
	for _, name := range []string{"quotes.csv", "speakers.csv", "printings.csv", "relationships.csv"} {
		a, _ := os.ReadFile(filepath.Join(csvLocal, name))
		b, err := os.ReadFile(filepath.Join(csvRemote, name))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs through the server (%v)", name, err)
		}
	}
	if out, e, code := runBinary(t, "check", "--server", s.base(), "--token-file", tok); code != 0 || strings.TrimSpace(out) != localCheck {
		t.Errorf("check --server: %d %q %s, want %q", code, out, e, localCheck)
	}
	if _, e, code := runBinary(t, "check", "--server", s.base()); code != 1 || !strings.Contains(e, "(401); give the server's write token with --token-file FILE or GRAPHD_TOKEN") {
		t.Errorf("check --server without the token: %d %s", code, e)
	}
	if _, e, code := runBinary(t, "ingest", "--server", s.base(), seeds); code != 1 || !strings.Contains(e, "writing needs a token") {
		t.Errorf("ingest --server without the token: %d %s", code, e)
	}
	if _, e, code := runBinary(t, "export", "--server", s.base(), "--db", db); code != 1 || !strings.Contains(e, "--db and --server: give one") {
		t.Errorf("export with --db and --server: %d %s", code, e)
	}
	s.stop(t)
	if _, e, code := runBinary(t, "check", "--server", s.base(), "--token-file", tok); code != 1 || !strings.Contains(e, "connection refused") {
		t.Errorf("check --server of a server gone: %d %s", code, e)
	}
}
