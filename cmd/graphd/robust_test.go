package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// lorem returns a text of about n bytes on one line: sentences of filler
// words, each opened by a single quotation mark that never closes (as
// "'Tis" or "'em" would), which the extractor once rescanned to the end of
// the line for every mark.
func lorem(n int, seed uint64) string {
	words := strings.Fields("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua")
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("A headline\n")
	for b.Len() < n {
		b.WriteString("'Ut")
		for range 12 {
			b.WriteString(" " + words[r.IntN(len(words))])
		}
		b.WriteString(". ")
	}
	return b.String()
}

// interruptAfter starts cmd, calls started, reads its stderr until a line
// holds sync (when sync is not ""), sends SIGTERM and returns how long the process took to exit after the
// signal, with its stdout and the rest of its stderr.
func interruptAfter(t *testing.T, cmd *exec.Cmd, sync string, started func()) (time.Duration, string, string) {
	t.Helper()
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	if started != nil {
		started()
	}
	br := bufio.NewReader(stderr)
	var seen strings.Builder
	for sync != "" {
		line, err := br.ReadString('\n')
		seen.WriteString(line)
		if strings.Contains(line, sync) {
			break
		}
		if err != nil {
			t.Fatalf("graphd ended before %q:\n%s", sync, seen.String())
		}
	}
	var rest bytes.Buffer
	drained := make(chan struct{})
	go func() { io.Copy(&rest, br); close(drained) }()
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { <-drained; cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("graphd still running 20 s after SIGTERM")
	}
	return time.Since(sent), stdout.String(), rest.String()
}

// articleCount runs `graphd check` and returns the number of articles.
func articleCount(t *testing.T, db string) int {
	t.Helper()
	var n int
	got := counts(t, db)
	if _, err := fmt.Sscanf(got, "ok: %d article", &n); err != nil {
		t.Fatalf("check output %q: %v", got, err)
	}
	return n
}

// TestInterruptIngest sends SIGTERM to `graphd ingest` while it extracts a
// huge one-line file, waits on a pipe that is slow to write, and walks a big
// directory. Each time it must exit within 2 s of the signal (the bound the
// README promises), say it was interrupted, leave a store that passes its
// check, and finish the job when run again.
func TestInterruptIngest(t *testing.T) {
	const promised = 2 * time.Second
	check := func(t *testing.T, took time.Duration, out, errOut string) {
		t.Helper()
		if took > promised {
			t.Errorf("exit %v after SIGTERM, promised within %v", took.Round(time.Millisecond), promised)
		}
		if !strings.Contains(out, "(interrupted)") || !strings.Contains(errOut, "interrupted") {
			t.Errorf("the summary does not say it was interrupted:\nstdout: %s\nstderr: %s", out, errOut)
		}
	}

	t.Run("one-line file", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "huge.txt")
		if err := os.WriteFile(path, []byte(lorem(7<<20, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		db := t.TempDir()
		cmd := exec.Command(binary, "ingest", "--db", db, "--log-level", "debug", path)
		took, out, errOut := interruptAfter(t, cmd, "msg=extracting", nil)
		check(t, took, out, errOut)
		if n := articleCount(t, db); n > 1 {
			t.Errorf("%d articles stored from one file", n)
		}
		if _, e, code := runBinary(t, "ingest", "--db", db, path); code != 0 {
			t.Fatalf("ingest again: status %d\n%s", code, e)
		}
		if n := articleCount(t, db); n != 1 {
			t.Errorf("after the second run: %d articles, want 1", n)
		}
	})

	t.Run("slow pipe", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "slow.txt")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
		db := t.TempDir()
		var w *os.File
		cmd := exec.Command(binary, "ingest", "--db", db, "--log-level", "debug", fifo)
		took, out, errOut := interruptAfter(t, cmd, "", func() {
			// Opening the pipe returns once graphd has opened it too;
			// the article then never ends.
			var err error
			if w, err = os.OpenFile(fifo, os.O_WRONLY, 0); err != nil {
				t.Fatal(err)
			}
			w.WriteString("A headline\n“We are")
		})
		w.Close()
		check(t, took, out, errOut)
		if n := articleCount(t, db); n != 0 {
			t.Errorf("%d articles stored from a pipe that never ended", n)
		}
	})

	t.Run("big directory", func(t *testing.T) {
		dir := t.TempDir()
		const n = 1500
		for i := range n {
			text := fmt.Sprintf("Report %d\n\n“Item %d is in,” said Reporter Ann Lee%d. %s\n", i, i, i, lorem(2000, uint64(i))[11:])
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("a%05d.txt", i)), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		db := t.TempDir()
		cmd := exec.Command(binary, "ingest", "--db", db, "--log-level", "debug", dir)
		took, out, errOut := interruptAfter(t, cmd, "msg=stored", nil)
		check(t, took, out, errOut)
		if got := articleCount(t, db); got < 1 || got >= n {
			t.Errorf("after the interrupt: %d articles, want between 1 and %d", got, n-1)
		}
		out, e, code := runBinary(t, "ingest", "--db", db, dir)
		if code != 0 {
			t.Fatalf("ingest again: status %d\n%s", code, e)
		}
		if got := articleCount(t, db); got != n {
			t.Errorf("after the second run: %d articles, want %d (%s)", got, n, out)
		}
	})
}

// TestIngestHostileArticles ingests, through the real binary, articles that
// once took minutes or hours to extract: a 7 MB one-line text, 100,000
// straight quotation marks, a 7 MB line of reprinted news. Each is stored
// or refused with an error naming the file, and the rest is ingested.
func TestIngestHostileArticles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	seed, err := os.ReadFile(filepath.Join(seeds, "000_f870fa87edc7ab14.txt"))
	if err != nil {
		t.Fatal(err)
	}
	write("a-one-line.txt", lorem(7<<20, 2))
	write("b-marks.txt", "Marks\n"+strings.Repeat(`"a `, 100_000))
	line := strings.ReplaceAll(string(seed), "\n", " ")
	write("c-reprints.txt", strings.Repeat(line+" ", (7<<20)/len(line)))
	write("d-seed.txt", string(seed))
	db := t.TempDir()
	out, errOut, code := runBinary(t, "ingest", "--db", db, dir)
	if code != 1 {
		t.Errorf("status %d, want 1 (two articles refused)", code)
	}
	for _, want := range []string{
		"b-marks.txt: article too large: 100000 quotation marks, limit 4000",
		"c-reprints.txt: article too large: ",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "ingested 2 articles") {
		t.Errorf("summary: %s", out)
	}
	if n := articleCount(t, db); n != 2 {
		t.Errorf("%d articles stored, want 2", n)
	}
}

// gqlError is the first error of a GraphQL response, or of an HTTP one.
type gqlResponse struct {
	Data   map[string]json.RawMessage
	Errors []struct {
		Message    string
		Extensions struct{ Code string }
	}
}

// post sends an ingestArticle mutation with text as its raw bytes inside
// the JSON body (bytes that are not UTF-8 included) and decodes the answer.
func postArticle(t *testing.T, url, articleURL string, text []byte) (int, gqlResponse) {
	t.Helper()
	var body bytes.Buffer
	body.WriteString(`{"query":"mutation($in: ArticleInput!) { ingestArticle(input: $in) { created quotes } }","variables":{"in":{"url":`)
	u, _ := json.Marshal(articleURL)
	body.Write(u)
	body.WriteString(`,"text":"`)
	for _, c := range text { // JSON-escape what must be, keep every other byte as it is
		switch {
		case c == '"' || c == '\\':
			body.WriteByte('\\')
			body.WriteByte(c)
		case c == '\n':
			body.WriteString(`\n`)
		case c < 0x20:
			fmt.Fprintf(&body, `\u%04x`, c)
		default:
			body.WriteByte(c)
		}
	}
	body.WriteString(`"}}}`)
	req, err := http.NewRequest("POST", url, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("decode response (status %d): %v", resp.StatusCode, err)
	}
	return resp.StatusCode, r
}

// TestMutationHostileArticles sends the same kinds of article through the
// ingestArticle mutation of a running server: each is stored or refused
// with a client's error within the request deadline, never a timeout, and
// the server goes on answering.
func TestMutationHostileArticles(t *testing.T) {
	s := startServer(t, t.TempDir())
	tests := []struct {
		name   string
		text   string
		status int
		code   string // "" when stored
		msg    string
	}{
		{"100,000 quotation marks", "Marks\n" + strings.Repeat(`"a `, 100_000), 200, "BAD_USER_INPUT", "article too large: 100000 quotation marks, limit 4000"},
		{"one line just under the body limit", lorem(1000_000, 3), 200, "", ""},
		{"7 MB on one line", lorem(7<<20, 4), 413, "BAD_REQUEST", "request body larger than"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, r := postArticle(t, s.url, fmt.Sprintf("https://news.example/hostile/%d", i), []byte(tt.text))
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			switch {
			case tt.code == "" && len(r.Errors) > 0:
				t.Errorf("refused: %+v", r.Errors)
			case tt.code == "" && !strings.Contains(string(r.Data["ingestArticle"]), `"created":true`):
				t.Errorf("not stored: %s", r.Data["ingestArticle"])
			case tt.code != "" && (len(r.Errors) == 0 || r.Errors[0].Extensions.Code != tt.code || !strings.Contains(r.Errors[0].Message, tt.msg)):
				t.Errorf("errors %+v, want %s %q", r.Errors, tt.code, tt.msg)
			}
		})
	}
	var c struct{ Counts struct{ Articles int } }
	s.query(t, `{ counts { articles } }`, &c)
	if c.Counts.Articles != 1 {
		t.Errorf("counts: %d articles, want 1", c.Counts.Articles)
	}
	s.stop(t)
}

// TestSameBytesSameAnswer gives the same bytes to `graphd ingest` as a file
// and to the ingestArticle mutation as the text: both take them or both
// refuse them, the refusal naming the file or the field and where the bad
// byte is.
func TestSameBytesSameAnswer(t *testing.T) {
	tests := []struct {
		name string
		text string
		ok   bool
		at   string // where the bad byte is, as both errors say
	}{
		{"UTF-8 with curly quotes", "Headline\n“We are ready,” Minister Ana Silva said.\n", true, ""},
		{"Windows-1252 curly quotes", "Headline\n\x93We are ready,\x94 Minister Ana Silva said.\n", false, "byte 0x93 at line 2, column 1"},
		{"Latin-1 letter", "Headline\nJos\xe9 Alvarez said \"yes\".\n", false, "byte 0xE9 at line 2, column 4"},
		{"a cut sequence at the end", "Headline\nThe end \xe2\x80", false, "byte 0xE2 at line 2, column 9"},
	}
	s := startServer(t, t.TempDir())
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("article%d.txt", i))
			if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, errOut, code := runBinary(t, "ingest", "--db", t.TempDir(), path)
			_, r := postArticle(t, s.url, fmt.Sprintf("https://news.example/bytes/%d", i), []byte(tt.text))
			cliOK, mutOK := code == 0, len(r.Errors) == 0
			if cliOK != tt.ok || mutOK != tt.ok {
				t.Fatalf("ingest: status %d %s; mutation: %+v; want both ok=%v", code, errOut, r.Errors, tt.ok)
			}
			if tt.ok {
				return
			}
			if want := path + ": not valid UTF-8: " + tt.at; !strings.Contains(errOut, want) {
				t.Errorf("ingest stderr lacks %q:\n%s", want, errOut)
			}
			if want := "variables.in.text: not valid UTF-8: " + tt.at; !strings.HasPrefix(r.Errors[0].Message, want) || r.Errors[0].Extensions.Code != "BAD_USER_INPUT" {
				t.Errorf("mutation error %+v, want BAD_USER_INPUT %q", r.Errors[0], want)
			}
		})
	}
	s.stop(t)
}

// TestDiskFull fills a small tmpfs with real articles, through the
// ingestArticle mutation of a running server and through `graphd ingest`:
// writes must then fail with a clear error while reads go on, `graphd
// check` must run, nothing may die of SIGBUS even with the disk filled to
// the last byte, and once the tmpfs is enlarged the writes resume (in the
// same server) and every article acknowledged before is there. It needs
// to mount a tmpfs (root, as CI runs), and skips where it cannot.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a disk")
	}
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=140m"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): the disk-full test needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(mnt, syscall.MNT_DETACH) })
	db := filepath.Join(mnt, "store")
	article := func(i int) string {
		return fmt.Sprintf("Report %d\n\n“Item %d is in,” said Reporter Ann Lee%d.\n\n%s", i, i, i, lorem(400<<10, uint64(1000+i))[11:])
	}
	// bad tells whether a run died of a signal (SIGBUS among them).
	bad := func(code int, errOut string) bool {
		return code < 0 || strings.Contains(errOut, "SIGBUS") || strings.Contains(errOut, "fault address")
	}

	// 1. The server takes articles until the disk is short of space.
	s := startServer(t, db)
	var acked []string
	refused := false
	for i := range 400 { // 160 MB: more than the tmpfs holds
		url := fmt.Sprintf("https://news.example/full/%d", i)
		_, r := postArticle(t, s.url, url, []byte(article(i)))
		if len(r.Errors) > 0 {
			e := r.Errors[0]
			if e.Extensions.Code != "INSUFFICIENT_STORAGE" || !strings.HasPrefix(e.Message, "no space left on device") {
				t.Fatalf("article %d: %+v, want INSUFFICIENT_STORAGE", i, e)
			}
			refused = true
			break
		}
		acked = append(acked, url)
	}
	if !refused || len(acked) == 0 {
		t.Fatalf("%d articles stored, refused=%v: the tmpfs never filled", len(acked), refused)
	}
	var c struct{ Counts struct{ Articles int } }
	s.query(t, `{ counts { articles } }`, &c) // reads go on
	if c.Counts.Articles != len(acked) {
		t.Errorf("counts: %d articles, want the %d acknowledged", c.Counts.Articles, len(acked))
	}
	s.stop(t)

	// 2. `graphd ingest` of the seeds and generated articles stops with a
	// clear error naming the store.
	dir := t.TempDir()
	for i := range 8 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("gen%d.txt", i)), []byte(article(500+i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := runBinary(t, "ingest", "--db", db, seeds, dir)
	if code != 1 || bad(code, errOut) || !strings.Contains(out, "(no space left on device)") ||
		!strings.Contains(errOut, "store "+db+": no space left on device") {
		t.Errorf("ingest on a nearly full disk: status %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	// 3. The disk filled to the last byte by someone else: check runs,
	// ingest refuses, the server starts and answers reads.
	filler := filepath.Join(mnt, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for n := len(chunk); n >= 512; n /= 2 { // to the last block
		for {
			if _, err := f.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
	f.Close()
	got, errOut, code := runBinary(t, "check", "--db", db)
	if code != 0 || bad(code, errOut) || !strings.HasPrefix(got, "ok: ") {
		t.Errorf("check on a full disk: status %d\n%s%s", code, got, errOut)
	}
	before := strings.TrimSpace(got)
	out, errOut, code = runBinary(t, "ingest", "--db", db, seeds)
	if code != 1 || bad(code, errOut) || !strings.Contains(errOut, "no space left on device") {
		t.Errorf("ingest on a full disk: status %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	s = startServer(t, db)
	s.query(t, `{ counts { articles } }`, &c)
	if c.Counts.Articles != len(acked) {
		t.Errorf("full disk: counts %d articles, want %d", c.Counts.Articles, len(acked))
	}
	if _, r := postArticle(t, s.url, "https://news.example/full/late", []byte(article(999))); len(r.Errors) == 0 || r.Errors[0].Extensions.Code != "INSUFFICIENT_STORAGE" {
		t.Errorf("mutation on a full disk: %+v", r.Errors)
	}
	s.stop(t)
	if after := counts(t, db); after != before {
		t.Errorf("the store changed on a full disk: %q → %q", before, after)
	}

	// 4. Space comes back: a server started while the disk was short
	// takes writes again without a restart, and the same ingest finishes.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	s = startServer(t, db)
	if _, r := postArticle(t, s.url, "https://news.example/full/late", []byte(article(999))); len(r.Errors) == 0 {
		t.Errorf("mutation with the disk still short: accepted")
	}
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", syscall.MS_REMOUNT, "size=400m"); err != nil {
		t.Fatalf("enlarge the tmpfs: %v", err)
	}
	if _, r := postArticle(t, s.url, "https://news.example/full/late", []byte(article(999))); len(r.Errors) > 0 {
		t.Errorf("mutation once space is back: %+v", r.Errors)
	} else {
		acked = append(acked, "https://news.example/full/late")
	}
	s.stop(t)
	out, errOut, code = runBinary(t, "ingest", "--db", db, seeds, dir)
	if code != 0 {
		t.Fatalf("ingest once space is back: status %d\n%s%s", code, out, errOut)
	}
	s = startServer(t, db)
	var arts struct {
		Articles struct {
			TotalCount int
			Edges      []struct{ Node struct{ URL string } }
		}
	}
	s.query(t, `{ articles(first: 100) { totalCount edges { node { url } } } }`, &arts)
	have := map[string]bool{}
	for _, e := range arts.Articles.Edges {
		have[e.Node.URL] = true
	}
	for _, u := range acked {
		if !have[u] {
			t.Errorf("acknowledged article %s is missing", u)
		}
	}
	if want := len(acked) + 2 + 8; arts.Articles.TotalCount != want {
		t.Errorf("%d articles, want %d (acknowledged, seeds, generated)", arts.Articles.TotalCount, want)
	}
	s.stop(t)
}

// TestIngestNewcomer covers what a first run meets: files skipped in a
// walked directory are counted and, with --list-skipped, named; an
// unsupported file named on the command line is an error; no path at all
// says what is missing; serve --help names every endpoint.
func TestIngestNewcomer(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"a.txt": "Headline\n\n“We will win,” Senator Jane Doe told reporters.\n", "notes.md": "# notes", "README": "read me",
		"sub/scan.pdf": "%PDF", ".hidden/b.txt": "Hidden\n\nText.",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := t.TempDir()
	out, errOut, code := runBinary(t, "ingest", "--db", db, dir)
	if code != 0 || !strings.Contains(out, "ingested 1 article") ||
		!strings.Contains(errOut, "skipped 4 files or directories in the directories walked") {
		t.Errorf("status %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	_, errOut, _ = runBinary(t, "ingest", "--db", db, "--list-skipped", dir)
	for _, want := range []string{
		filepath.Join(dir, "notes.md") + ": unsupported extension .md", filepath.Join(dir, "README") + ": no extension",
		filepath.Join(dir, "sub", "scan.pdf") + ": unsupported extension .pdf", filepath.Join(dir, ".hidden") + ": hidden",
	} {
		if !strings.Contains(errOut, "skipped "+want) {
			t.Errorf("--list-skipped does not say %q:\n%s", want, errOut)
		}
	}
	if _, errOut, code := runBinary(t, "ingest", "--db", db, filepath.Join(dir, "notes.md")); code != 1 || !strings.Contains(errOut, "unsupported format") {
		t.Errorf("an unsupported file named: status %d, %s", code, errOut)
	}
	if _, errOut, code := runBinary(t, "ingest", "--db", db); code != 2 || !strings.HasPrefix(errOut, "graphd ingest: no PATH given") {
		t.Errorf("no path: status %d, %s", code, errOut)
	}
	_, help, _ := runBinary(t, "serve", "--help")
	for _, endpoint := range []string{"/graphql", "/dashboard", "/events", "/export", "/healthz", "/readyz", "/metrics", "playground"} {
		if !strings.Contains(help, endpoint) {
			t.Errorf("serve --help does not name %s:\n%s", endpoint, help)
		}
	}
}
