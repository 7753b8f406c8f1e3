package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// The tests here run the real graphd binary, built once by TestMain, on
// real Badger stores in temporary directories and servers on free ports.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "graphd-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "graphd")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build graphd:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var seeds = filepath.Join("..", "..", "testdata", "seeds")

// graphd runs the binary to completion and returns its output and status.
func runBinary(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("graphd %v: %v", args, err)
	}
	return o.String(), e.String(), 0
}

// server is a running `graphd serve`.
type server struct {
	cmd *exec.Cmd
	url string
}

var servingRE = regexp.MustCompile(`GraphQL at (http://\S+/graphql)`)

// testToken is the write token of the servers startServer starts; the
// helpers send it with every request.
const testToken = "test-write-token-5f2b9c0e41d7a386"

// startServer starts `graphd serve` on a free port, with testToken as its
// write token, and waits until it says where it listens.
func startServer(t *testing.T, db string) *server {
	t.Helper()
	return startServerWith(t, db, os.Stderr)
}

// startServerWith starts `graphd serve` as startServer does, with more
// flags, its log going to stderr (read it only once the server has
// ended).
func startServerWith(t *testing.T, db string, stderr io.Writer, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "GRAPHD_TOKEN="+testToken)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
			s.url = m[1]
			go io.Copy(io.Discard, out)
			return s
		}
	}
	t.Fatalf("graphd serve exited before listening: %v", sc.Err())
	return nil
}

// stop sends SIGTERM and expects a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("graphd serve after SIGTERM: %v", err)
	}
}

// post posts a GraphQL request body with the write token.
func (s *server) post(t *testing.T, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// query posts a GraphQL query and decodes the data into out.
func (s *server) query(t *testing.T, q string, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q})
	resp := s.post(t, body)
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("decode response: %v", err)
	}
	if len(r.Errors) > 0 {
		t.Fatalf("query %s: errors %+v", q, r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatalf("decode data %s: %v", r.Data, err)
	}
}

type quoteConn struct {
	Quotes struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				Text    string
				Speaker struct{ Name string }
				Venue   *struct{ Name, Kind string }
				Article struct{ Title string }
			}
		}
	}
}

func TestEndToEnd(t *testing.T) {
	db := t.TempDir()
	out, errOut, code := runBinary(t, "ingest", "--db", db, seeds)
	if code != 0 {
		t.Fatalf("ingest: status %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "ingested 2 articles") {
		t.Fatalf("ingest summary: %q", out)
	}
	s := startServer(t, db)

	var lavrov quoteConn
	s.query(t, `{ quotes(speaker: "Lavrov", first: 50) { totalCount edges { node { text speaker { name } venue { name kind } article { title } } } } }`, &lavrov)
	found := false
	for _, e := range lavrov.Quotes.Edges {
		n := e.Node
		if !strings.HasPrefix(n.Speaker.Name, "Serge") || !strings.HasSuffix(n.Speaker.Name, "Lavrov") {
			t.Errorf("quotes(speaker: Lavrov) gave a quote of %q", n.Speaker.Name)
		}
		if strings.HasPrefix(n.Text, "I don’t know what they would do at the negotiating table") {
			found = true
			if n.Venue == nil || n.Venue.Name != "news conference in Moscow" {
				t.Errorf("venue of the Lavrov quotation: %+v", n.Venue)
			}
		}
	}
	if !found {
		t.Errorf("quotes(speaker: Lavrov) lacks the negotiating table quotation: %+v", lavrov)
	}

	// Both articles print Rubio's CBS quotation, in other words: one quote,
	// two printings.
	var cbs struct {
		Quotes struct {
			Edges []struct {
				Node struct {
					Speaker     struct{ Name string }
					Occurrences []struct{ Article struct{ Title string } }
				}
			}
		}
	}
	s.query(t, `{ quotes(venue: "CBS") { edges { node { speaker { name } occurrences { article { title } } } } } }`, &cbs)
	titles := map[string]bool{}
	for _, e := range cbs.Quotes.Edges {
		if e.Node.Speaker.Name != "Marco Rubio" {
			t.Errorf("quotes(venue: CBS) gave a quote of %q", e.Node.Speaker.Name)
		}
		for _, o := range e.Node.Occurrences {
			titles[o.Article.Title] = true
		}
	}
	if len(cbs.Quotes.Edges) != 1 || len(titles) != 2 {
		t.Errorf("quotes(venue: CBS): %d quotes printed by %d articles, want one printed by both: %+v", len(cbs.Quotes.Edges), len(titles), cbs)
	}
	s.stop(t)
}

// counts runs `graphd check` and returns its summary line.
func counts(t *testing.T, db string) string {
	t.Helper()
	out, errOut, code := runBinary(t, "check", "--db", db)
	if code != 0 {
		t.Fatalf("check: status %d\n%s%s", code, out, errOut)
	}
	return strings.TrimSpace(out)
}

func TestReingestChangesNothing(t *testing.T) {
	db := t.TempDir()
	if _, e, code := runBinary(t, "ingest", "--db", db, seeds); code != 0 {
		t.Fatalf("ingest: %d %s", code, e)
	}
	before := counts(t, db)
	out, e, code := runBinary(t, "ingest", "--db", db, seeds)
	if code != 0 {
		t.Fatalf("second ingest: %d %s", code, e)
	}
	if !strings.Contains(out, "2 unchanged") || !strings.Contains(out, "+0 statements (+0 printings), +0 people (+0 names)") {
		t.Errorf("second ingest summary: %q", out)
	}
	if after := counts(t, db); after != before {
		t.Errorf("counts changed: %q → %q", before, after)
	}
}

func TestMalformedInputIsSkipped(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.txt", "A headline\n\n“We will win,” Senator Jane Doe told reporters.\n")
	write("feed.jsonl", `{"id": "1", "title": "One", "text": "“Yes,” said Mayor Tom Baker."}`+"\n"+
		`{"id": "2", "title": "Two", "text": ` /* cut short */ +"\n"+
		`{"id": "3", "title": "Three", "text": ""}`+"\n")
	write("blob.txt", "\x00\x01\x02binary")
	db := t.TempDir()
	out, errOut, code := runBinary(t, "ingest", "--db", db, dir)
	if code != 1 {
		t.Errorf("status %d, want 1", code)
	}
	for _, want := range []string{"feed.jsonl line 2", "feed.jsonl line 3", "blob.txt"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not name %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "ingested 2 articles") || !strings.Contains(out, "3 errors") {
		t.Errorf("summary: %q", out)
	}
	if got := counts(t, db); !strings.HasPrefix(got, "ok: 2 articles") {
		t.Errorf("check: %q", got)
	}
}

// TestKillDuringIngest kills graphd with SIGKILL in the middle of a large
// ingest; the store must reopen, pass the consistency check and answer.
func TestKillDuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("large ingest")
	}
	seedText, err := os.ReadFile(filepath.Join(seeds, "000_f870fa87edc7ab14.txt"))
	if err != nil {
		t.Fatal(err)
	}
	corpus := filepath.Join(t.TempDir(), "big.jsonl")
	f, err := os.Create(corpus)
	if err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(f)
	const n = 3000
	for i := range n {
		enc.Encode(map[string]string{
			"id":        fmt.Sprint(i),
			"url":       fmt.Sprintf("https://news.example/%d", i),
			"title":     fmt.Sprintf("Report %d", i),
			"published": fmt.Sprintf("2025-02-%02d", 1+i%28),
			"text":      fmt.Sprintf("%s\n\n“Item %d is in,” said Reporter Ann Lee%d.", seedText, i, i),
		})
	}
	f.Close()

	db := t.TempDir()
	cmd := exec.Command(binary, "ingest", "--db", db, "--log-level", "debug", corpus)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until a few hundred articles are stored, then kill.
	sc := bufio.NewScanner(stderr)
	stored := 0
	for stored < 300 && sc.Scan() {
		if strings.Contains(sc.Text(), "msg=stored") {
			stored++
		}
	}
	if stored < 300 {
		t.Fatalf("ingest ended after %d articles before it could be killed", stored)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, stderr)
	cmd.Wait()

	got := counts(t, db)
	var articles, quotes int
	if _, err := fmt.Sscanf(got, "ok: %d articles, %d statements", &articles, &quotes); err != nil {
		t.Fatalf("check output %q: %v", got, err)
	}
	if articles < 300 || articles >= n {
		t.Errorf("after the kill the store holds %d articles, want between 300 and %d", articles, n)
	}
	s := startServer(t, db)
	// Every article reprints the same Lavrov quotations: each is one quote
	// with a printing per stored article.
	var lavrov struct {
		Quotes struct {
			Edges []struct{ Node struct{ OccurrenceCount int } }
		}
	}
	s.query(t, `{ quotes(speaker: "Lavrov", first: 5) { edges { node { occurrenceCount } } } }`, &lavrov)
	most := 0
	for _, e := range lavrov.Quotes.Edges {
		most = max(most, e.Node.OccurrenceCount)
	}
	if most < articles {
		t.Errorf("quotes(speaker: Lavrov): at most %d printings of a quote, want one per stored article (%d): %+v", most, articles, lavrov)
	}
	s.stop(t)

	// The interrupted ingest can be finished by running it again.
	out, e, code := runBinary(t, "ingest", "--db", db, corpus)
	if code != 0 {
		t.Fatalf("resumed ingest: %d %s", code, e)
	}
	if !strings.Contains(out, fmt.Sprintf("ingested %d articles", n)) {
		t.Errorf("resumed ingest: %q", out)
	}
	if got := counts(t, db); !strings.HasPrefix(got, fmt.Sprintf("ok: %d articles", n)) {
		t.Errorf("check after resume: %q", got)
	}
}

func TestExtractFormat(t *testing.T) {
	path := filepath.Join(seeds, "000_f870fa87edc7ab14.txt")
	out, e, code := runBinary(t, "extract", path)
	if code != 0 {
		t.Fatalf("extract: %d %s", code, e)
	}
	text, _ := os.ReadFile(path)
	runes := []rune(string(text))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 12 {
		t.Fatalf("extract gave %d lines", len(lines))
	}
	for _, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		for _, k := range []string{"doc", "quote", "spans", "kind", "speaker", "source", "cue", "venue", "confidence", "speaker_type"} {
			if _, ok := v[k]; !ok {
				t.Fatalf("line lacks %q: %s", k, l)
			}
		}
		// a named speaker has a type of someone who can be named; no
		// speaker is no one in particular, or a document of no publisher
		switch typ, _ := v["speaker_type"].(string); {
		case v["speaker"] == nil && typ != "generic" && typ != "document",
			v["speaker"] != nil && !slices.Contains([]string{"person", "organization", "group", "place", "document"}, typ):
			t.Errorf("speaker %v of type %q", v["speaker"], typ)
		case v["speaker"] == "Dmitry Peskov" && typ != "person":
			t.Errorf("Dmitry Peskov of type %q", typ)
		}
		if v["doc"] != path {
			t.Errorf("doc %v, want %q", v["doc"], path)
		}
		var parts []string
		for _, sp := range v["spans"].([]any) {
			p := sp.([]any)
			parts = append(parts, string(runes[int(p[0].(float64)):int(p[1].(float64))]))
		}
		if strings.Join(parts, " ") != v["quote"] {
			t.Errorf("spans %v do not give the quote %q", v["spans"], v["quote"])
		}
		if src, ok := v["source"].(map[string]any); ok {
			s, e := int(src["start"].(float64)), int(src["end"].(float64))
			if string(runes[s:e]) != src["text"] {
				t.Errorf("source offsets [%d,%d) give %q, not %q", s, e, string(runes[s:e]), src["text"])
			}
		}
	}
}

func TestUsage(t *testing.T) {
	if _, e, code := runBinary(t); code != 2 || !strings.Contains(e, "Usage:") {
		t.Errorf("no arguments: status %d, stderr %q", code, e)
	}
	if _, e, code := runBinary(t, "frobnicate"); code != 2 || !strings.Contains(e, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: status %d, stderr %q", code, e)
	}
	if _, e, code := runBinary(t, "ingest", "--help"); code != 0 || !strings.Contains(e, "GRAPHD_DB") {
		t.Errorf("ingest --help: status %d, stderr %q", code, e)
	}
	if out, _, code := runBinary(t, "version"); code != 0 || !strings.HasPrefix(out, "graphd ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestEnvironmentFallback(t *testing.T) {
	db := t.TempDir()
	cmd := exec.Command(binary, "ingest", seeds)
	cmd.Env = append(os.Environ(), "GRAPHD_DB="+db)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ingest with GRAPHD_DB: %v\n%s", err, out)
	}
	if got := counts(t, db); !strings.HasPrefix(got, "ok: 2 articles") {
		t.Errorf("GRAPHD_DB store: %q", got)
	}
}

// TestDemoServesSamples runs the quick start's main command.
func TestDemoServesSamples(t *testing.T) {
	db := t.TempDir()
	cmd := exec.Command(binary, "demo", "--db", db, "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(out)
	s := &server{cmd: cmd}
	for sc.Scan() {
		if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
			s.url = m[1]
			break
		}
	}
	if s.url == "" {
		t.Fatal("demo did not start serving")
	}
	go io.Copy(io.Discard, out)
	var rubio quoteConn
	s.query(t, `{ quotes(speaker: "Marco Rubio") { totalCount edges { node { text } } } }`, &rubio)
	if rubio.Quotes.TotalCount < 2 {
		t.Errorf("demo store has %d Rubio quotes", rubio.Quotes.TotalCount)
	}
	s.stop(t)
}
