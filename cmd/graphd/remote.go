package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/graphd/graphd/export"
	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

// The commands that work against a running server (ingest, export and
// check with --server) talk to it through a client: POST /ingest, GET
// /export, GET /check and a GraphQL query for the counts, with the bearer
// token of --token-file or GRAPHD_TOKEN.

// client is a running graphd, as the commands with --server reach it.
type client struct {
	base  string // http://127.0.0.1:8080, or with the prefix a proxy serves it under
	token string
	hc    *http.Client
}

// serverFlags are the flags of a command that may work against a server.
type serverFlags struct {
	server, tokenFile *string
}

func defineServerFlags(f *flags, what string) serverFlags {
	return serverFlags{
		server: f.String("server", "GRAPHD_SERVER", "",
			what+" through the graphd serving at this URL (http://127.0.0.1:8080) instead of opening a store"),
		tokenFile: f.String("token-file", "GRAPHD_TOKEN_FILE", "",
			"with --server: file holding the server's write token (or the token itself in GRAPHD_TOKEN)"),
	}
}

// client returns the client of --server, or nil without it. --db with
// --server is refused: the server has its own store.
func (sf serverFlags) client(f *flags) (*client, error) {
	if *sf.server == "" {
		return nil, nil
	}
	dbSet := false
	f.Visit(func(fl *flag.Flag) {
		if fl.Name == "db" {
			dbSet = true
		}
	})
	if dbSet {
		return nil, errors.New("--db and --server: give one; the server reads and writes its own store")
	}
	return newClient(*sf.server, *sf.tokenFile)
}

// newClient checks server, a URL or HOST:PORT, and reads the token.
func newClient(server, tokenFile string) (*client, error) {
	raw := strings.TrimSpace(server)
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("--server %q: not the URL of a graphd server, as http://127.0.0.1:8080", server)
	}
	tok, err := token(tokenFile, "--token-file", "GRAPHD_TOKEN")
	if err != nil {
		return nil, err
	}
	return &client{
		base:  strings.TrimSuffix(u.String(), "/"),
		token: tok,
		hc:    &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()},
	}, nil
}

// request makes a request of path (with its query) on the server.
func (c *client) request(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("User-Agent", "graphd/"+buildInfo().Version)
	return req, nil
}

// do sends req and returns the response when its status is 200, else
// the server's error.
func (c *client) do(req *http.Request) (*http.Response, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("server %s: %w", c.base, unwrapURLError(err))
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, c.statusError(resp)
	}
	return resp, nil
}

// unwrapURLError drops the method and URL net/http puts before an error.
func unwrapURLError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}

// statusError words the answer of a request the server refused: its
// status, its message, and what to do about a token.
func (c *client) statusError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var reply struct {
		Errors []struct{ Message string }
		Error  string
	}
	msg := strings.TrimSpace(string(body))
	if json.Unmarshal(body, &reply) == nil {
		switch {
		case len(reply.Errors) > 0:
			msg = reply.Errors[0].Message
		case reply.Error != "":
			msg = reply.Error
		}
	}
	if len(msg) > 500 || msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	err := fmt.Errorf("server %s: %s %s: %s", c.base, resp.Request.Method, resp.Request.URL.Path, msg)
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("%w (%d); give the server's write token with --token-file FILE or GRAPHD_TOKEN", err, resp.StatusCode)
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return fmt.Errorf("%w (%d); is it a graphd server, of this version or later?", err, resp.StatusCode)
	}
	return fmt.Errorf("%w (%d)", err, resp.StatusCode)
}

// counts asks the server what its store holds.
func (c *client) counts(ctx context.Context) (graph.Counts, error) {
	q, _ := json.Marshal(map[string]string{"query": "{ counts { articles statements printings people names venues outlets } }"})
	req, err := c.request(ctx, http.MethodPost, "/graphql", bytes.NewReader(q))
	if err != nil {
		return graph.Counts{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.do(req)
	if err != nil {
		return graph.Counts{}, err
	}
	defer resp.Body.Close()
	var reply struct {
		Data struct {
			Counts struct{ Articles, Statements, Printings, People, Names, Venues, Outlets int }
		}
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		return graph.Counts{}, fmt.Errorf("server %s: counts: %w", c.base, err)
	}
	if len(reply.Errors) > 0 {
		return graph.Counts{}, fmt.Errorf("server %s: counts: %s", c.base, reply.Errors[0].Message)
	}
	n := reply.Data.Counts
	return graph.Counts{Articles: n.Articles, Quotes: n.Statements, Occurrences: n.Printings,
		Speakers: n.People, Names: n.Names, Venues: n.Venues, Outlets: n.Outlets}, nil
}

// ingestRecord is an article as a line of POST /ingest.
type ingestRecord struct {
	ID        string `json:"id,omitempty"`
	URL       string `json:"url,omitempty"`
	Title     string `json:"title,omitempty"`
	Outlet    string `json:"outlet,omitempty"`
	Published string `json:"published,omitempty"`
	Text      string `json:"text"`
}

// ingestResult is a line of the answer of POST /ingest.
type ingestResult struct {
	Line       int    `json:"line"`
	Result     string `json:"result"`
	Printings  int    `json:"printings"`
	Error      string `json:"error"`
	Code       string `json:"code"`
	Statements int    `json:"statements"`
}

// maxSentLine is the longest line POST /ingest takes: an article's
// MaxArticleBytes of text with room for its JSON escapes.
const maxSentLine = 2 * ingest.MaxArticleBytes

// interruptGrace is how long an interrupted ingest waits for the results
// of what it sent before it hangs up: the local ingest stops within 2 s.
const interruptGrace = 1500 * time.Millisecond

// sentLine is an article sent and not yet answered.
type sentLine struct {
	path string
	line int // in its file, for JSON Lines
	size int64
}

func (l sentLine) where() string {
	if l.line > 0 {
		return fmt.Sprintf("%s line %d", l.path, l.line)
	}
	return l.path
}

// ingestRemote reads the articles under paths as a local ingest does and
// sends them to the server, one JSON Lines stream over POST /ingest,
// drawing the same progress and summary from its answers. What the server
// acknowledged is stored; on SIGINT or SIGTERM it stops sending, waits a
// moment for the results of what it sent, and says it was interrupted.
func ingestRemote(ctx context.Context, e *env, c *client, paths []string, listSkipped bool) error {
	start := time.Now()
	before, err := c.counts(ctx)
	if err != nil {
		return err
	}
	sum := &summary{}
	bar := newProgress(e.stderr, ingest.Size(ctx, paths))
	defer bar.stop()
	var (
		mu      sync.Mutex
		pending []sentLine // sent, in order, not yet answered
	)
	report := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		sum.errors++
		bar.clear(e.stderr)
		fmt.Fprintf(e.stderr, "graphd ingest: %v\n", err)
	}

	// The request lives past an interrupt, for the grace period.
	reqCtx, hangUp := context.WithCancel(context.WithoutCancel(ctx))
	defer hangUp()
	pr, pw := io.Pipe()
	walked := make(chan error, 1)
	// An interrupt: the walk stops after the record it is sending; what
	// was sent is answered for a moment more, then the request ends.
	stopGrace := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(interruptGrace, func() {
			hangUp()
			pr.CloseWithError(errors.New("interrupted"))
		})
		context.AfterFunc(reqCtx, func() { t.Stop() })
	})
	defer stopGrace()

	walk := func() {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		skipped := 0
		err := ingest.WalkSkipping(ctx, paths, func(a ingest.Article, err error) error {
			if err != nil {
				report(err)
				return nil
			}
			rec := ingestRecord{ID: a.ID, URL: a.URL, Title: a.Title, Outlet: a.Outlet, Text: a.Text}
			if !a.Published.IsZero() {
				rec.Published = a.Published.Format(time.RFC3339Nano)
			}
			buf.Reset()
			if err := enc.Encode(rec); err != nil { // the line and its "\n"
				report(articleError(a, err))
				return nil
			}
			if n := buf.Len() - 1; n > maxSentLine {
				report(articleError(a, fmt.Errorf("%w: %d bytes as a JSON line, the server's limit %d", ingest.ErrTooLarge, n, maxSentLine)))
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err // a record is sent whole or not at all
			}
			mu.Lock()
			pending = append(pending, sentLine{path: a.Path, line: a.Line, size: int64(len(a.Text))})
			mu.Unlock()
			_, err = pw.Write(buf.Bytes()) // waits while the server cannot take more
			return err
		}, func(path, why string) {
			skipped++
			if listSkipped {
				bar.clear(e.stderr)
				fmt.Fprintf(e.stderr, "graphd ingest: skipped %s: %s\n", path, why)
			}
		})
		if skipped > 0 && !listSkipped {
			fmt.Fprintf(e.stderr, "graphd ingest: skipped %s in the directories walked (hidden, or not .txt, .json, .jsonl or .html); --list-skipped names them\n",
				plural(skipped, "file or directory", "files or directories"))
		}
		pw.Close() // the end of the stream
		walked <- err
	}

	// An empty stream first: the server takes streams, of this client,
	// before one that may be endless is sent.
	req, err := c.request(ctx, http.MethodPost, "/ingest", http.NoBody)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	// The server answers the request's headers before it reads a line:
	// the walk begins once it accepted the stream.
	req, err = c.request(reqCtx, http.MethodPost, "/ingest", pr)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err = c.do(req)
	if err != nil {
		pr.CloseWithError(err)
		return err
	}
	var (
		streamErr error
		stopped   = "connection lost" // why the answer ended early, for the summary
	)
	go walk()
	{
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		answered := 0
		for sc.Scan() {
			var r ingestResult
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				streamErr, stopped = fmt.Errorf("server %s: an answer that is not JSON: %q", c.base, clip(sc.Text(), 200)), "a bad answer"
				break
			}
			if r.Line == 0 { // the stream ends with the server's error
				streamErr = fmt.Errorf("server %s: %s (%s)", c.base, r.Error, r.Code)
				switch r.Code {
				case "INSUFFICIENT_STORAGE":
					stopped = "no space left on the server's disk"
				case "UNAVAILABLE":
					stopped = "the server shut down"
				default:
					stopped = "stopped by the server"
				}
				break
			}
			mu.Lock()
			if r.Line != answered+1 || len(pending) == 0 {
				mu.Unlock()
				streamErr, stopped = fmt.Errorf("server %s: an answer for line %d, where line %d was expected", c.base, r.Line, answered+1), "a bad answer"
				break
			}
			l := pending[0]
			pending = pending[1:]
			mu.Unlock()
			answered++
			bar.add(l.size)
			if r.Error != "" {
				report(fmt.Errorf("%s: %s", l.where(), r.Error))
				continue
			}
			e.logger.Debug("acknowledged", "path", l.path, "line", l.line, "result", r.Result, "printings", r.Printings)
			mu.Lock()
			sum.articles++
			switch r.Result {
			case "unchanged":
				sum.unchanged++
			case "replaced":
				sum.replaced++
			}
			sum.printings += r.Printings
			sum.bytes += l.size
			bar.set(sum.articles, sum.printings, sum.errors)
			mu.Unlock()
		}
		if err := sc.Err(); err != nil && streamErr == nil && ctx.Err() == nil {
			streamErr = fmt.Errorf("server %s: the answer was cut: %w", c.base, unwrapURLError(err))
		}
	}
	hangUp()
	pr.CloseWithError(errors.New("the request ended"))
	walkErr := <-walked
	bar.stop()
	sum.elapsed = time.Since(start)

	// What the store holds now, if the server still answers.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if after, err := c.counts(cctx); err == nil {
		sum.before, sum.after = &before, &after
	}
	mu.Lock()
	unanswered := len(pending)
	mu.Unlock()
	switch {
	case ctx.Err() != nil:
		sum.stopped = "interrupted"
		err = errors.New("interrupted; every article the server acknowledged is stored, and running the same ingest again finishes the job")
	case streamErr != nil:
		sum.stopped = stopped
		err = fmt.Errorf("%w; %s sent were not acknowledged; every article acknowledged is stored, and running the same ingest again finishes the job",
			streamErr, plural(unanswered, "article", "articles"))
	case walkErr != nil:
		err = walkErr
	}
	fmt.Fprintln(e.stdout, sum)
	if err != nil {
		return err
	}
	if sum.errors > 0 {
		return errFailed
	}
	return nil
}

// clip cuts s to n bytes at most.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// exportRemote streams the export the server makes for query (GET
// /export) to stdout, to the file out, or for csv to the directory out
// (the server sends a zip, which is unpacked) or the zip file out. A file
// takes its name only once the export is complete, as the server's
// trailer tells.
func exportRemote(ctx context.Context, e *env, c *client, query url.Values, fm export.Format, out string) error {
	if fm == export.CSV && out == "" {
		return fmt.Errorf("csv is several files: give --out DIR or --out FILE.zip")
	}
	start := time.Now()
	req, err := c.request(ctx, http.MethodGet, "/export?"+query.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	// The body, then its trailer: the counts, or why it stopped.
	complete := func() (export.Counts, error) {
		var n export.Counts
		if msg := resp.Trailer.Get("Graphd-Export-Error"); msg != "" {
			return n, fmt.Errorf("server %s: %s", c.base, msg)
		}
		counts := resp.Trailer.Get("Graphd-Export-Counts")
		if counts == "" {
			return n, fmt.Errorf("server %s: the export ended without its counts: it may be cut short (does a proxy drop HTTP trailers?)", c.base)
		}
		if _, err := fmt.Sscanf(counts, "statements=%d printings=%d names=%d venues=%d articles=%d outlets=%d",
			&n.Quotes, &n.Printings, &n.Speakers, &n.Venues, &n.Articles, &n.Outlets); err != nil {
			return n, fmt.Errorf("server %s: counts %q: %v", c.base, counts, err)
		}
		return n, nil
	}
	copyBody := func(w io.Writer) (export.Counts, error) {
		if _, err := io.Copy(w, resp.Body); err != nil {
			return export.Counts{}, fmt.Errorf("server %s: the export was cut: %w", c.base, unwrapURLError(err))
		}
		return complete()
	}
	var counts export.Counts
	switch {
	case out == "":
		bw := bufio.NewWriterSize(e.stdout, 256<<10)
		counts, err = copyBody(bw)
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
	case fm == export.CSV && !strings.HasSuffix(strings.ToLower(out), ".zip"):
		counts, err = unzipInto(out, copyBody)
	default:
		counts, err = writeFileAtomically(out, copyBody)
	}
	if err != nil {
		return err
	}
	printExported(e, counts, time.Since(start))
	return nil
}

// writeFileAtomically writes path through write, beside it first: a cut
// export never takes the name.
func writeFileAtomically(path string, write func(io.Writer) (export.Counts, error)) (export.Counts, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return export.Counts{}, err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 256<<10)
	n, err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return n, err
}

// unzipInto unpacks the zip write writes into the directory dir, once it
// is complete.
func unzipInto(dir string, write func(io.Writer) (export.Counts, error)) (export.Counts, error) {
	tmp, err := os.CreateTemp("", "graphd-export-*.zip")
	if err != nil {
		return export.Counts{}, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	bw := bufio.NewWriterSize(tmp, 256<<10)
	n, err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return n, err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return n, err
	}
	zr, err := zip.NewReader(tmp, size)
	if err != nil {
		return n, fmt.Errorf("the server's zip: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return n, err
	}
	for _, f := range zr.File {
		name := filepath.Base(f.Name)
		if name != f.Name || name == "." || name == ".." {
			return n, fmt.Errorf("the server's zip holds %q, not a file name", f.Name)
		}
		if err := unzipFile(f, filepath.Join(dir, name)); err != nil {
			return n, err
		}
	}
	return n, nil
}

func unzipFile(f *zip.File, path string) error {
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// checkRemote runs the store's check on the server (GET /check) and says
// what it found as the local check does.
func checkRemote(ctx context.Context, e *env, c *client) error {
	req, err := c.request(ctx, http.MethodGet, "/check", nil)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("server %s: %w", c.base, unwrapURLError(err))
	}
	defer resp.Body.Close()
	var res struct {
		Status string
		Error  string
		Counts *struct{ Articles, Statements, Printings, People, Names, Venues, Outlets int }
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	decoded := json.Unmarshal(body, &res) == nil && res.Status != ""
	switch {
	case resp.StatusCode == http.StatusOK && decoded && res.Status == "ok" && res.Counts != nil:
		n := res.Counts
		fmt.Fprintf(e.stdout, "ok: %s\n", describeCounts(graph.Counts{Articles: n.Articles, Quotes: n.Statements,
			Occurrences: n.Printings, Speakers: n.People, Names: n.Names, Venues: n.Venues, Outlets: n.Outlets}))
		return nil
	case decoded && res.Status == "inconsistent":
		return errors.New(res.Error)
	case decoded && res.Error != "":
		return fmt.Errorf("server %s: %s (%d)", c.base, res.Error, resp.StatusCode)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return c.statusError(resp)
}
