package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/graphd/graphd/export"
	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
	"github.com/graphd/graphd/schema"
)

// The Dgraph test runs where a dgraph binary is found: GRAPHD_DGRAPH
// names it, or PATH has one (.ci/run builds v25.3.8 from tools/dgraph).
// It exports a store with graphd export --format dgraph, bulk-loads the
// export into a cluster of one zero and two alphas, each alpha a group of
// its own, all on loopback, and asks the same questions of Dgraph, in its
// query language over the alphas' HTTP /query, and of graphd, in GraphQL
// over the real server of the same store. The seeds are then loaded again
// with dgraph live into the running cluster, emptied first, and asked
// again.

// dgraphBinary returns the dgraph binary to test with, or skips.
func dgraphBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("GRAPHD_DGRAPH"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("GRAPHD_DGRAPH=%s: %v", p, err)
		}
		return p
	}
	p, err := exec.LookPath("dgraph")
	if err != nil {
		t.Skip("no dgraph binary: set GRAPHD_DGRAPH or put dgraph on PATH (.ci/run builds it from tools/dgraph)")
	}
	return p
}

func TestDgraph(t *testing.T) {
	bin := dgraphBinary(t)
	t.Run("seeds", func(t *testing.T) {
		db := t.TempDir()
		if _, e, code := runBinary(t, "ingest", "--db", db, seeds); code != 0 {
			t.Fatalf("ingest: %d %s", code, e)
		}
		out := exportDgraph(t, db)
		c := startDgraph(t, bin)
		c.bulk(t, out)
		c.startAlphas(t)
		s := startServer(t, db)
		compareDgraph(t, s, c)

		// The same export through the live loader, into the running
		// cluster, emptied.
		c.dropAll(t)
		c.live(t, out)
		compareDgraph(t, s, c)
		c.logMemory(t)
	})
	t.Run("polnear-dev", func(t *testing.T) {
		feed := polnearDevFeed(t)
		db := t.TempDir()
		if _, e, code := runBinary(t, "ingest", "--db", db, feed); code != 0 {
			t.Fatalf("ingest: %d %s", code, e)
		}
		out := exportDgraph(t, db)
		c := startDgraph(t, bin)
		c.bulk(t, out)
		c.startAlphas(t)
		s := startServer(t, db)
		compareDgraph(t, s, c)
		c.logMemory(t)
	})
}

// graphd export --format dgraph writes the schema and the N-Quads into
// the directory given as --out or as its argument, or into a zip; without
// one it says what to give.
func TestExportDgraphFiles(t *testing.T) {
	db := t.TempDir()
	if _, e, code := runBinary(t, "ingest", "--db", db, seeds); code != 0 {
		t.Fatalf("ingest: %d %s", code, e)
	}
	dir := t.TempDir()
	for _, args := range [][]string{{filepath.Join(dir, "a")}, {"--out", filepath.Join(dir, "b")}} {
		_, e, code := runBinary(t, append([]string{"export", "--db", db, "--format", "dgraph"}, args...)...)
		var statements int
		_, after, _ := strings.Cut(e, "exported ")
		if _, err := fmt.Sscanf(after, "%d statements", &statements); code != 0 || err != nil || statements == 0 {
			t.Fatalf("export %v: %d %s", args, code, e)
		}
		out := args[len(args)-1]
		schema, err := os.ReadFile(filepath.Join(out, "graphd.schema"))
		if err != nil || !bytes.Contains(schema, []byte("Quote.text: string @index(fulltext) .")) {
			t.Errorf("%s/graphd.schema: %v", out, err)
		}
		rdf, err := os.ReadFile(filepath.Join(out, "graphd.rdf"))
		if n := bytes.Count(rdf, []byte(`<dgraph.type> "Quote" .`)); err != nil || n != statements {
			t.Errorf("%s/graphd.rdf: %d quotes, want the %d statements exported (%v)", out, n, statements, err)
		}
	}
	zipped := filepath.Join(dir, "dgraph.zip")
	if _, e, code := runBinary(t, "export", "--db", db, "--format", "dgraph", "--out", zipped); code != 0 {
		t.Fatalf("export to a zip: %d %s", code, e)
	}
	if zr, err := zip.OpenReader(zipped); err != nil || len(zr.File) != 2 || zr.File[1].Name != "graphd.rdf" {
		t.Errorf("%s: %v", zipped, err)
	} else {
		zr.Close()
	}
	if _, e, code := runBinary(t, "export", "--db", db, "--format", "dgraph"); code != 1 || !strings.Contains(e, "give --out DIR") {
		t.Errorf("no output: %d %s", code, e)
	}
	if _, e, code := runBinary(t, "export", "--db", db, "--format", "dgraph", "--out", filepath.Join(dir, "c"), filepath.Join(dir, "d")); code != 2 ||
		!strings.Contains(e, "give one output") {
		t.Errorf("two outputs: %d %s", code, e)
	}
}

// exportDgraph exports the store db for Dgraph into a new directory.
func exportDgraph(t *testing.T, db string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "dgraph")
	_, e, code := runBinary(t, "export", "--db", db, "--format", "dgraph", out)
	if code != 0 {
		t.Fatalf("export: %d %s", code, e)
	}
	fi, err := os.Stat(filepath.Join(out, "graphd.rdf"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s(%d bytes of N-Quads)", e, fi.Size())
	return out
}

// polnearDevFeed writes the PolNeAR dev month as JSON Lines with the
// dates and outlets of its file names, or skips when it is absent.
func polnearDevFeed(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GRAPHD_POLNEAR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "polnear")
	}
	texts := filepath.Join(dir, "dev", "text")
	files, _ := filepath.Glob(filepath.Join(texts, "*.txt"))
	if len(files) == 0 {
		t.Skipf("no PolNeAR dev month at %s (set GRAPHD_POLNEAR)", texts)
	}
	name := regexp.MustCompile(`^([a-z-]+)_(\d{4}-\d{2}-\d{2})_`)
	var lines bytes.Buffer
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rec := map[string]any{"id": filepath.Base(f), "text": string(text)}
		if m := name.FindStringSubmatch(filepath.Base(f)); m != nil {
			rec["outlet"], rec["published"] = m[1], m[2]
		}
		line, _ := json.Marshal(rec)
		lines.Write(append(line, '\n'))
	}
	feed := filepath.Join(t.TempDir(), "dev.jsonl")
	if err := os.WriteFile(feed, lines.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return feed
}

// A dgraphProc is a dgraph zero or alpha, its output kept in a file.
type dgraphProc struct {
	name   string
	cmd    *exec.Cmd
	log    string
	ready  chan struct{} // closed when its output says it is ready
	exited chan struct{} // closed when its output ends
}

// startProc starts dgraph with args in dir, ready when a line of its
// output contains ready. The process is killed when the test ends.
func startProc(t testing.TB, bin, dir, name, ready string, args ...string) *dgraphProc {
	t.Helper()
	p := &dgraphProc{name: name, log: filepath.Join(dir, name+".log"), ready: make(chan struct{}), exited: make(chan struct{})}
	logf, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Dir = dir
	// Killed with the test process too, should it die without cleaning up
	// (a panic, the -timeout).
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = p.cmd.Stdout
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		p.cmd.Wait()
		if t.Failed() {
			t.Logf("%s: the end of its output:\n%s", p.name, tail(p.log, 30))
		}
	})
	go func() {
		defer close(p.exited)
		defer logf.Close()
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		seen := false
		for sc.Scan() {
			fmt.Fprintln(logf, sc.Text())
			if !seen && strings.Contains(sc.Text(), ready) {
				seen = true
				close(p.ready)
			}
		}
		io.Copy(io.Discard, out)
	}()
	return p
}

// wait waits until p says it is ready; it fails the test if p ends
// first, or says nothing of the kind within two minutes.
func (p *dgraphProc) wait(t testing.TB) {
	t.Helper()
	select {
	case <-p.ready:
	case <-p.exited:
		t.Fatalf("dgraph %s ended before it was ready:\n%s", p.name, tail(p.log, 30))
	case <-time.After(2 * time.Minute):
		t.Fatalf("dgraph %s not ready after two minutes:\n%s", p.name, tail(p.log, 30))
	}
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// A dgraphCluster is one zero and two alphas on loopback, at Dgraph's
// ports plus an offset at which they were all free.
type dgraphCluster struct {
	bin, dir string
	offset   int
	alphas   []*dgraphProc
	queries  int // queries sent, to take the alphas in turn
}

const dgraphAlphas = 2

// Dgraph's base ports: zero's gRPC and HTTP, alpha's internal, HTTP and
// gRPC. An alpha i listens at its bases plus offset+i.
const (
	zeroGRPC      = 5080
	zeroHTTP      = 6080
	alphaInternal = 7080
	alphaHTTP     = 8080
	alphaGRPC     = 9080
)

func (c *dgraphCluster) zero() string { return fmt.Sprintf("127.0.0.1:%d", zeroGRPC+c.offset) }
func (c *dgraphCluster) alpha(base, i int) string {
	return fmt.Sprintf("127.0.0.1:%d", base+c.offset+i)
}

// Flags that keep the processes small and quiet: no telemetry (there is
// no network), logs to stderr, loopback only.
var dgraphQuiet = []string{"--bindall=false", "--logtostderr"}

const noTelemetry = "reports=false; sentry=false;"

// freeOffset returns a port offset at which the cluster's ports are free
// on loopback.
func freeOffset(t testing.TB) int {
	t.Helper()
	for range 50 {
		o := 1000 + rand.IntN(40000)
		ports := []int{zeroGRPC + o, zeroHTTP + o}
		for i := range dgraphAlphas {
			ports = append(ports, alphaInternal+o+i, alphaHTTP+o+i, alphaGRPC+o+i)
		}
		var ls []net.Listener
		free := true
		for _, p := range ports {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if err != nil {
				free = false
				break
			}
			ls = append(ls, l)
		}
		for _, l := range ls {
			l.Close()
		}
		if free {
			return o
		}
	}
	t.Fatal("no free ports for a dgraph cluster")
	return 0
}

// startDgraph starts a zero and waits until it leads.
func startDgraph(t testing.TB, bin string) *dgraphCluster {
	t.Helper()
	c := &dgraphCluster{bin: bin, dir: t.TempDir(), offset: freeOffset(t)}
	z := startProc(t, bin, c.dir, "zero", "I've become the leader", append([]string{"zero",
		"--my", c.zero(), "--port_offset", fmt.Sprint(c.offset), "--wal", "zw", "--replicas", "1",
		"--telemetry", noTelemetry}, dgraphQuiet...)...)
	z.wait(t)
	return c
}

// run runs a dgraph command to completion in the cluster's directory and
// returns how long it took and its peak resident memory in bytes.
func (c *dgraphCluster) run(t testing.TB, name string, args ...string) (time.Duration, int64) {
	t.Helper()
	log := filepath.Join(c.dir, name+".log")
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.CommandContext(t.Context(), c.bin, append(args, dgraphQuiet...)...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = c.dir, f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("dgraph %s: %v\n%s", name, err, tail(log, 30))
	}
	took := time.Since(start)
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss << 10
	}
	return took, rss
}

// bulk loads the export in dir with the bulk loader, into one shard per
// alpha, and returns how long it took.
func (c *dgraphCluster) bulk(t testing.TB, dir string) time.Duration {
	t.Helper()
	shards := fmt.Sprint(dgraphAlphas)
	took, rss := c.run(t, "bulk", "bulk", "--files", filepath.Join(dir, "graphd.rdf"), "--schema", filepath.Join(dir, "graphd.schema"),
		"--zero", c.zero(), "--map_shards", shards, "--reduce_shards", shards, "--reducers", shards,
		"--out", "out", "--tmp", "bulk-tmp", "--mapoutput_mb", "64", "--http", "127.0.0.1:0")
	t.Logf("dgraph bulk: %s, %d MB at most", took.Round(time.Millisecond), rss>>20)
	return took
}

// live loads the export in dir with the live loader, through every
// alpha, and returns how long it took.
func (c *dgraphCluster) live(t testing.TB, dir string) time.Duration {
	t.Helper()
	var alphas []string
	for i := range dgraphAlphas {
		alphas = append(alphas, c.alpha(alphaGRPC, i))
	}
	took, rss := c.run(t, "live", "live", "--files", filepath.Join(dir, "graphd.rdf"), "--schema", filepath.Join(dir, "graphd.schema"),
		"--alpha", strings.Join(alphas, ","), "--tmp", "live-tmp", "--http", "127.0.0.1:0")
	t.Logf("dgraph live: %s, %d MB at most", took.Round(time.Millisecond), rss>>20)
	return took
}

// logMemory logs the alphas' peak resident memory.
func (c *dgraphCluster) logMemory(t testing.TB) {
	t.Helper()
	var mb []string
	for _, m := range c.peakMemory(t) {
		mb = append(mb, fmt.Sprintf("%d MB", m>>20))
	}
	t.Logf("alphas at most %s resident", strings.Join(mb, " and "))
}

// peakMemory returns the alphas' peak resident memory so far, in bytes,
// read from /proc.
func (c *dgraphCluster) peakMemory(t testing.TB) []int64 {
	t.Helper()
	var out []int64
	for _, a := range c.alphas {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", a.cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		var kb int64
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) == 3 && f[0] == "VmHWM:" {
				fmt.Sscan(f[1], &kb)
			}
		}
		out = append(out, kb<<10)
	}
	return out
}

// startAlphas starts the alphas, alpha i on the bulk loader's shard i as
// group i+1, with small caches, and waits until both are ready.
func (c *dgraphCluster) startAlphas(t testing.TB) {
	t.Helper()
	for i := range dgraphAlphas {
		a := startProc(t, c.bin, c.dir, fmt.Sprintf("alpha%d", i), "Server is ready: OK", append([]string{"alpha",
			"--my", c.alpha(alphaInternal, i), "--port_offset", fmt.Sprint(c.offset + i), "--zero", c.zero(),
			"--postings", filepath.Join("out", fmt.Sprint(i), "p"), "--wal", fmt.Sprintf("w%d", i), "--tmp", fmt.Sprintf("t%d", i),
			"--raft", fmt.Sprintf("group=%d", i+1), "--cache", "size-mb=64", "--security", "whitelist=127.0.0.1",
			"--telemetry", noTelemetry}, dgraphQuiet...)...)
		c.alphas = append(c.alphas, a)
	}
	for _, a := range c.alphas {
		a.wait(t)
	}
}

// post sends a request to an alpha's HTTP API, the alphas in turn, and
// decodes the data of its answer into out.
func (c *dgraphCluster) post(t testing.TB, path, contentType string, body []byte, out any) {
	t.Helper()
	i := c.queries % dgraphAlphas
	c.queries++
	url := "http://" + c.alpha(alphaHTTP, i) + path
	resp, err := http.Post(url, contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s: %d, %v", url, resp.StatusCode, err)
	}
	if len(r.Errors) > 0 || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %+v\n%s", url, resp.StatusCode, r.Errors, body)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("decode %s: %v", r.Data, err)
		}
	}
}

// dql runs a DQL query with variables and decodes its data into out.
func (c *dgraphCluster) dql(t testing.TB, q string, vars map[string]string, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	c.post(t, "/query", "application/json", body, out)
}

// dropAll empties the cluster, schema included.
func (c *dgraphCluster) dropAll(t testing.TB) {
	t.Helper()
	c.post(t, "/alter", "application/json", []byte(`{"drop_all": true}`), nil)
}

// graphqlQuery runs a GraphQL query with variables on graphd and decodes its data
// into out.
func graphqlQuery(t *testing.T, s *server, q string, vars map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
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
		t.Fatalf("query %s %v: errors %+v", q, vars, r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatalf("decode data %s: %v", r.Data, err)
	}
}

// rawID is the graphd id inside a GraphQL id (base64url of
// "Type:<uuid>"), which the export gives Dgraph as <Type>.id.
func rawID(t *testing.T, id string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(id)
	_, u, ok := strings.Cut(string(b), ":")
	if err != nil || !ok {
		t.Fatalf("not a graphd id: %q", id)
	}
	return u
}

// A gqlPage is a page of a connection of nodes of type N.
type gqlPage[N any] struct {
	Edges    []struct{ Node N }
	PageInfo struct {
		HasNextPage bool
		EndCursor   string
	}
}

// every pages through a connection: query takes $after, and page picks
// the connection out of the data.
func every[N any, D any](t *testing.T, s *server, query string, vars map[string]any, page func(*D) *gqlPage[N]) []N {
	t.Helper()
	var out []N
	v := map[string]any{}
	for k, x := range vars {
		v[k] = x
	}
	for {
		var d D
		graphqlQuery(t, s, query, v, &d)
		p := page(&d)
		for _, e := range p.Edges {
			out = append(out, e.Node)
		}
		if !p.PageInfo.HasNextPage {
			return out
		}
		v["after"] = p.PageInfo.EndCursor
	}
}

type gqlNamed struct{ ID, Name string }

type dgSpeaker struct {
	ID, Name        string
	Aliases, Titles []string
}

// sorted returns a sorted copy.
func sorted(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}

// compareDgraph asks graphd and Dgraph the same questions and compares
// the answers: the quotes of every speaker with their venues, the quotes
// of every venue with their speakers, every speaker by each alias, the
// quotations of each speaker in every month with any, and searches.
func compareDgraph(t *testing.T, s *server, c *dgraphCluster) {
	t.Helper()
	type gqlQuote struct {
		ID, Text string
		Venue    *struct{ Name string }
		Speaker  *struct{ Name string }
	}
	type dqlQuote struct {
		ID    string `json:"Quote.id"`
		Text  string `json:"Quote.text"`
		Venue *struct {
			Name string `json:"Venue.name"`
		} `json:"Quote.venue"`
		Speaker *struct {
			Name string `json:"Speaker.name"`
		} `json:"Quote.speaker"`
	}
	// A quote as both sides give it: id, text, and the venue or speaker.
	line := func(id, text string, name *string) string {
		n := "-"
		if name != nil {
			n = *name
		}
		return id + "|" + text + "|" + n
	}
	var checked []string

	// Quotes by speaker, with their venues: every speaker.
	speakers := every(t, s, `query($after: String) { speakers(first: 100, after: $after) {
		edges { node { id name aliases titles } } pageInfo { hasNextPage endCursor } } }`, nil,
		func(d *struct{ Speakers gqlPage[dgSpeaker] }) *gqlPage[dgSpeaker] { return &d.Speakers })
	if len(speakers) == 0 {
		t.Fatal("graphd lists no speakers")
	}
	quotesOf := func(field, id string, venue bool) (want []string) {
		qs := every(t, s, `query($id: ID!, $after: String) { quotes(`+field+`: $id, first: 100, after: $after) {
			edges { node { id text venue { name } speaker { name } } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"id": id}, func(d *struct{ Quotes gqlPage[gqlQuote] }) *gqlPage[gqlQuote] { return &d.Quotes })
		for _, q := range qs {
			var n *string
			if venue && q.Venue != nil {
				n = &q.Venue.Name
			} else if !venue && q.Speaker != nil {
				n = &q.Speaker.Name
			}
			want = append(want, line(rawID(t, q.ID), q.Text, n))
		}
		return sorted(want)
	}
	dqlLines := func(qs []dqlQuote, venue bool) (got []string) {
		for _, q := range qs {
			var n *string
			if venue && q.Venue != nil {
				n = &q.Venue.Name
			} else if !venue && q.Speaker != nil {
				n = &q.Speaker.Name
			}
			got = append(got, line(q.ID, q.Text, n))
		}
		return sorted(got)
	}
	nquotes := 0
	for _, sp := range speakers {
		want := quotesOf("speakerId", sp.ID, true)
		var d struct {
			Speaker []struct {
				Name   string     `json:"Speaker.name"`
				Quotes []dqlQuote `json:"~Quote.speaker"`
			}
		}
		c.dql(t, `query q($id: string) {
			speaker(func: eq(Speaker.id, $id)) { Speaker.name ~Quote.speaker { Quote.id Quote.text Quote.venue { Venue.name } } }
		}`, map[string]string{"$id": rawID(t, sp.ID)}, &d)
		if len(d.Speaker) != 1 || d.Speaker[0].Name != sp.Name {
			t.Fatalf("speaker %s: DQL finds %+v", sp.Name, d.Speaker)
		}
		if got := dqlLines(d.Speaker[0].Quotes, true); !slices.Equal(got, want) {
			t.Errorf("quotes of %s: DQL\n%s\nGraphQL\n%s", sp.Name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		nquotes += len(want)
	}
	checked = append(checked, fmt.Sprintf("the quotes of %d speakers (%d)", len(speakers), nquotes))

	// Quotes by venue, with their speakers: every venue.
	venues := every(t, s, `query($after: String) { venues(first: 100, after: $after) {
		edges { node { id name } } pageInfo { hasNextPage endCursor } } }`, nil,
		func(d *struct{ Venues gqlPage[gqlNamed] }) *gqlPage[gqlNamed] { return &d.Venues })
	nquotes = 0
	for _, v := range venues {
		want := quotesOf("venueId", v.ID, false)
		var d struct {
			Venue []struct {
				Name   string     `json:"Venue.name"`
				Quotes []dqlQuote `json:"~Quote.venue"`
			}
		}
		c.dql(t, `query q($id: string) {
			venue(func: eq(Venue.id, $id)) { Venue.name ~Quote.venue { Quote.id Quote.text Quote.speaker { Speaker.name } } }
		}`, map[string]string{"$id": rawID(t, v.ID)}, &d)
		if len(d.Venue) != 1 || d.Venue[0].Name != v.Name {
			t.Fatalf("venue %s: DQL finds %+v", v.Name, d.Venue)
		}
		if got := dqlLines(d.Venue[0].Quotes, false); !slices.Equal(got, want) {
			t.Errorf("quotes at %s: DQL\n%s\nGraphQL\n%s", v.Name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		nquotes += len(want)
	}
	if len(venues) == 0 {
		t.Error("graphd lists no venues")
	}
	checked = append(checked, fmt.Sprintf("the quotes at %d venues (%d)", len(venues), nquotes))

	// A speaker by an alias: each alias of each speaker.
	aliases := 0
	for _, sp := range speakers {
		for _, a := range sp.Aliases {
			aliases++
			var g struct{ Speaker dgSpeaker }
			graphqlQuery(t, s, `query($n: String!) { speaker(name: $n) { id name aliases titles } }`, map[string]any{"n": a}, &g)
			var d struct {
				Speaker []struct {
					ID      string   `json:"Speaker.id"`
					Name    string   `json:"Speaker.name"`
					Aliases []string `json:"Speaker.aliases"`
					Titles  []string `json:"Speaker.titles"`
				}
			}
			c.dql(t, `query q($n: string) { speaker(func: eq(Speaker.aliases, $n)) { Speaker.id Speaker.name Speaker.aliases Speaker.titles } }`,
				map[string]string{"$n": a}, &d)
			if len(d.Speaker) != 1 {
				t.Errorf("speaker by alias %q: DQL finds %d", a, len(d.Speaker))
				continue
			}
			got, want := d.Speaker[0], g.Speaker
			if got.ID != rawID(t, want.ID) || got.Name != want.Name || !slices.Equal(sorted(got.Aliases), sorted(want.Aliases)) ||
				!slices.Equal(sorted(got.Titles), sorted(want.Titles)) {
				t.Errorf("speaker by alias %q: DQL %+v, GraphQL %+v", a, got, want)
			}
		}
	}
	checked = append(checked, fmt.Sprintf("%d aliases", aliases))

	// Quotations by speaker over a month: every month with any.
	var tl struct {
		Timeline []struct {
			Start string
			Count int
		}
	}
	graphqlQuery(t, s, `{ timeline(interval: MONTH) { start count } }`, nil, &tl)
	months := 0
	for _, m := range tl.Timeline {
		if m.Count == 0 {
			continue
		}
		months++
		start, err := time.Parse(time.DateOnly, m.Start)
		if err != nil {
			t.Fatal(err)
		}
		end := start.AddDate(0, 1, -1)
		var g struct {
			Stats struct {
				QuotesBy []struct {
					Key, Label string
					Count      int
				}
			}
		}
		graphqlQuery(t, s, `query($from: String, $to: String) { stats { quotesBy(field: SPEAKER, from: $from, to: $to, first: 100) { key label count } } }`,
			map[string]any{"from": m.Start, "to": end.Format(time.DateOnly)}, &g)
		var d struct {
			By []struct {
				ID    string `json:"Speaker.id"`
				Name  string `json:"Speaker.name"`
				Count int    `json:"n"`
			}
		}
		c.dql(t, `query q($from: string, $to: string) {
			var(func: ge(Quote.firstSeen, $from)) @filter(lt(Quote.firstSeen, $to)) { s as Quote.speaker }
			by(func: uid(s)) { Speaker.id Speaker.name n: count(~Quote.speaker @filter(ge(Quote.firstSeen, $from) AND lt(Quote.firstSeen, $to))) }
		}`, map[string]string{"$from": start.Format(time.RFC3339), "$to": start.AddDate(0, 1, 0).Format(time.RFC3339)}, &d)
		dq := map[string]int{}
		for _, b := range d.By {
			dq[b.ID] = b.Count
		}
		// graphd gives the 100 most quoted: each has its count in Dgraph,
		// and every speaker Dgraph has beyond them no more than the last.
		least := 0
		for _, b := range g.Stats.QuotesBy {
			id := rawID(t, b.Key)
			if dq[id] != b.Count {
				t.Errorf("%s: %s has %d quotations in GraphQL, %d in DQL", m.Start, b.Label, b.Count, dq[id])
			}
			delete(dq, id)
			least = b.Count
		}
		for id, n := range dq {
			if len(g.Stats.QuotesBy) < 100 || n > least {
				t.Errorf("%s: speaker %s has %d quotations in DQL, is not among GraphQL's", m.Start, id, n)
			}
		}
	}
	if months == 0 {
		t.Error("graphd's timeline has no month with quotations")
	}
	checked = append(checked, fmt.Sprintf("the quotations by speaker of %d months", months))

	// Full-text search: words in every form, all of them, through the
	// stems graphd's search groups words under (a quoted last word, as
	// graphd takes an unquoted one as a prefix too). Dgraph's own
	// fulltext index on Quote.text differs: it is logged.
	found, native := 0, 0
	for _, q := range []string{`peace "talks"`, `"war"`, `"meeting"`, `"president"`, `"campaign"`, `"voters"`,
		`American "people"`, `"tax"`, `"believe"`} {
		qs := every(t, s, `query($q: String!, $after: String) { quotes(search: $q, first: 100, after: $after) {
			edges { node { id text } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"q": q}, func(d *struct{ Quotes gqlPage[gqlQuote] }) *gqlPage[gqlQuote] { return &d.Quotes })
		var want []string
		for _, x := range qs {
			want = append(want, line(rawID(t, x.ID), x.Text, nil))
		}
		want = sorted(want)
		stems := strings.Join(graph.ParseSearch(q).Stems(), " ")
		var d struct{ Stems, Fulltext []dqlQuote }
		c.dql(t, `query q($stems: string, $words: string) {
			stems(func: allofterms(Quote.stems, $stems)) { Quote.id Quote.text }
			fulltext(func: alloftext(Quote.text, $words)) { Quote.id Quote.text }
		}`, map[string]string{"$stems": stems, "$words": strings.ReplaceAll(q, `"`, "")}, &d)
		if got := dqlLines(d.Stems, false); !slices.Equal(got, want) {
			t.Errorf("search %s, stems %q: DQL\n%s\nGraphQL\n%s", q, stems, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if got := dqlLines(d.Fulltext, false); !slices.Equal(got, want) {
			native++
			t.Logf("search %s: Dgraph's fulltext index finds %d quotations, graphd %d", q, len(got), len(want))
		}
		found += len(want)
	}
	if found == 0 {
		t.Error("no search found anything")
	}
	checked = append(checked, fmt.Sprintf("9 searches (%d quotations; Dgraph's fulltext index differs on %d)", found, native))
	t.Logf("GraphQL and DQL agree on %s", strings.Join(checked, ", "))
}

// countQuotes checks that the cluster holds want quotes.
func (c *dgraphCluster) countQuotes(t testing.TB, want int) {
	t.Helper()
	var d struct{ Q []struct{ Count int } }
	c.dql(t, `{ q(func: type(Quote)) { count(uid) } }`, nil, &d)
	if len(d.Q) != 1 || d.Q[0].Count != want {
		t.Fatalf("Dgraph holds %+v quotes, want %d", d.Q, want)
	}
}

// BenchmarkDgraphLoad exports a generated store (graphtest.LargeStore)
// of GRAPHD_BENCH_ARTICLES articles, 10,000 unless set, for Dgraph, loads
// it with dgraph bulk into a new cluster of one zero and two alphas, times
// the same queries in DQL and in graphd's GraphQL (queryLatency), and then loads it with dgraph live into the
// same cluster emptied (unless GRAPHD_BENCH_LIVE=no); it reports the
// N-Quads a second of each loader and of the export, the size of the bulk
// loader's output beside the graphd store's, and the alphas' peak memory.
func BenchmarkDgraphLoad(b *testing.B) {
	bin := dgraphBinary(b)
	n := 10_000
	if v := os.Getenv("GRAPHD_BENCH_ARTICLES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("GRAPHD_BENCH_ARTICLES=%s: %v", v, err)
		}
	}
	st := graphtest.LargeStore(b, n)
	dir := b.TempDir()
	start := time.Now()
	counts, err := export.WriteDgraph(b.Context(), st.Store, func(name string) (io.Writer, error) {
		f, err := os.Create(filepath.Join(dir, name))
		b.Cleanup(func() { f.Close() })
		return f, err
	}, export.Options{})
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	rdf, err := os.Open(filepath.Join(dir, "graphd.rdf"))
	if err != nil {
		b.Fatal(err)
	}
	defer rdf.Close()
	sc := bufio.NewScanner(rdf)
	sc.Buffer(nil, 16<<20)
	nquads := 0
	for sc.Scan() {
		nquads++
	}
	fi, _ := rdf.Stat()
	b.Logf("%d articles: %+v, %d N-Quads, %d MB, exported in %s", n, counts, nquads, fi.Size()>>20, took.Round(time.Millisecond))
	for b.Loop() {
		c := startDgraph(b, bin)
		bulk := c.bulk(b, dir)
		disk := dirSize(b, filepath.Join(c.dir, "out"))
		c.startAlphas(b)
		c.countQuotes(b, counts.Quotes)
		queryLatency(b, c, st)
		b.ReportMetric(float64(nquads)/bulk.Seconds(), "bulk-nquads/s")
		b.ReportMetric(float64(counts.Quotes)/bulk.Seconds(), "bulk-quotes/s")
		if os.Getenv("GRAPHD_BENCH_LIVE") != "no" {
			c.dropAll(b)
			live := c.live(b, dir)
			c.countQuotes(b, counts.Quotes)
			b.ReportMetric(float64(nquads)/live.Seconds(), "live-nquads/s")
			b.ReportMetric(float64(counts.Quotes)/live.Seconds(), "live-quotes/s")
		}
		b.ReportMetric(float64(nquads)/took.Seconds(), "export-nquads/s")
		b.ReportMetric(float64(disk>>20), "bulk-out-MB")
		b.ReportMetric(float64(dirSize(b, st.Dir)>>20), "graphd-store-MB")
		for i, m := range c.peakMemory(b) {
			b.ReportMetric(float64(m>>20), fmt.Sprintf("alpha%d-MB", i))
		}
	}
}

// dirSize returns the bytes of the files under dir.
func dirSize(t testing.TB, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// queryLatency reports the median and 99th percentile time of the same
// questions asked, in turn, of Dgraph in DQL over HTTP (the alphas in
// turn) and of graphd in GraphQL over HTTP (its handler on a loopback
// server in this process, on the generated store): the newest 20
// quotations of the most quoted speaker with their venues, the ten most
// quoted speakers of February 2025, and the newest 20 quotations with
// "peace" and "talks" in any form, with their count.
func queryLatency(b *testing.B, c *dgraphCluster, st *graphtest.Large) {
	b.Helper()
	sc, err := schema.New(st.Store, nil)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(sc)
	defer srv.Close()
	graphd := func(q string) {
		body, _ := json.Marshal(map[string]any{"query": q})
		resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) {
			b.Fatalf("%s: %d %s", q, resp.StatusCode, out)
		}
	}
	month := map[string]string{"$from": "2025-02-01T00:00:00Z", "$to": "2025-03-01T00:00:00Z"}
	for _, q := range []struct {
		name, graphql, dql string
		vars               map[string]string
	}{
		{"speaker", `{ quotes(speaker: "` + st.TopSpeaker + `", orderBy: NEWEST, first: 20) { edges { node { text published venue { name } } } } }`,
			`query q($n: string) { s(func: eq(Speaker.name, $n)) {
			~Quote.speaker (orderdesc: Quote.firstSeen, first: 20) { Quote.text Quote.firstSeen Quote.venue { Venue.name } } } }`,
			map[string]string{"$n": st.TopSpeaker}},
		{"month", `{ stats { quotesBy(field: SPEAKER, from: "2025-02-01", to: "2025-02-28", first: 10) { label count } } }`,
			`query q($from: string, $to: string) {
			var(func: ge(Quote.firstSeen, $from)) @filter(lt(Quote.firstSeen, $to)) { s as Quote.speaker }
			var(func: uid(s)) { n as count(~Quote.speaker @filter(ge(Quote.firstSeen, $from) AND lt(Quote.firstSeen, $to))) }
			by(func: uid(n), orderdesc: val(n), first: 10) { Speaker.name n: val(n) } }`, month},
		{"search", `{ quotes(search: "peace \"talks\"", orderBy: NEWEST, first: 20) { totalCount edges { node { text } } } }`,
			`{ q(func: allofterms(Quote.stems, "peac talk"), orderdesc: Quote.firstSeen, first: 20) { Quote.text }
			n(func: allofterms(Quote.stems, "peac talk")) { count(uid) } }`, nil},
	} {
		graphd(q.graphql) // both answer warm
		c.dql(b, q.dql, q.vars, nil)
		var dl, gl []time.Duration
		for range 50 {
			start := time.Now()
			c.dql(b, q.dql, q.vars, nil)
			dl = append(dl, time.Since(start))
			start = time.Now()
			graphd(q.graphql)
			gl = append(gl, time.Since(start))
		}
		for _, l := range []struct {
			who string
			ds  []time.Duration
		}{{"dgraph", dl}, {"graphd", gl}} {
			slices.Sort(l.ds)
			b.ReportMetric(float64(l.ds[len(l.ds)/2].Microseconds())/1000, l.who+"-"+q.name+"-p50-ms")
			b.ReportMetric(float64(l.ds[len(l.ds)*99/100].Microseconds())/1000, l.who+"-"+q.name+"-p99-ms")
		}
	}
}
