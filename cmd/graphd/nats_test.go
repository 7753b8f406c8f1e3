package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The tests here run graphd worker processes and a graphd ingest --nats
// writer against nats-server embedded in the test, on loopback, and compare
// the graph they write with a local ingest of the same files.

// startNATS starts a nats-server with JetStream on a free port and waits
// until it takes connections; opts, if not nil, is changed first.
func startNATS(t *testing.T, opts func(*natsserver.Options)) *natsserver.Server {
	t.Helper()
	s := newNATS(t, opts)
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server did not start")
	}
	return s
}

// newNATS starts a nats-server as startNATS does, without waiting.
func newNATS(t *testing.T, opts func(*natsserver.Options)) *natsserver.Server {
	t.Helper()
	o := &natsserver.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(),
		NoLog: true, NoSigs: true,
	}
	if opts != nil {
		opts(o)
	}
	s, err := natsserver.NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	t.Cleanup(s.Shutdown)
	return s
}

// worker is a running graphd worker process.
type worker struct {
	cmd       *exec.Cmd
	extracted atomic.Int64 // articles it has published results of
	progress  chan struct{}
	ended     chan struct{}
}

// startWorker starts graphd worker on url with one extraction at a time
// and args. It is stopped with SIGTERM when the test ends.
func startWorker(t *testing.T, url string, args ...string) *worker {
	t.Helper()
	w := &worker{progress: make(chan struct{}, 1), ended: make(chan struct{})}
	w.cmd = exec.Command(binary, append([]string{"worker", "--nats", url, "--workers", "1", "--log-level", "debug"}, args...)...)
	stderr, err := w.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	go func() {
		defer close(w.ended)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if !strings.Contains(sc.Text(), "msg=extracted") {
				log.WriteString(sc.Text() + "\n")
			}
			if strings.Contains(sc.Text(), "msg=extracted") {
				w.extracted.Add(1)
				select {
				case w.progress <- struct{}{}:
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	t.Cleanup(func() {
		w.cmd.Process.Signal(syscall.SIGTERM)
		<-w.ended
		w.cmd.Wait()
		if t.Failed() {
			t.Logf("worker's log:\n%s", log.String())
		}
	})
	return w
}

// waitExtracted waits until w has extracted n articles, or fails.
func (w *worker) waitExtracted(t *testing.T, ctx context.Context, n int64) {
	t.Helper()
	for w.extracted.Load() < n {
		select {
		case <-w.progress:
		case <-w.ended:
			t.Fatalf("the worker ended after %d articles", w.extracted.Load())
		case <-ctx.Done():
			t.Fatalf("the worker extracted %d articles, not %d: %v", w.extracted.Load(), n, ctx.Err())
		}
	}
}

// writer is a running graphd ingest --nats.
type writer struct {
	cmd            *exec.Cmd
	stdout, stderr strings.Builder
	stored         chan struct{} // one value for each article written
	duplicates     atomic.Int64  // articles extracted by the writer: their publish was a duplicate
	ended          chan struct{}
}

func startWriter(t *testing.T, ctx context.Context, url, db, dir string, args ...string) *writer {
	t.Helper()
	w := &writer{stored: make(chan struct{}, 100000), ended: make(chan struct{})}
	w.cmd = exec.CommandContext(ctx, binary, append(append([]string{"ingest", "--nats", url, "--db", db, "--log-level", "debug"}, args...), dir)...)
	w.cmd.Stdout = &w.stdout
	stderr, err := w.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(w.ended)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if strings.Contains(line, "msg=stored") {
				w.stored <- struct{}{}
				continue
			}
			if strings.Contains(line, "dropped as a duplicate") {
				w.duplicates.Add(1)
			}
			if !strings.Contains(line, "level=DEBUG") || !strings.Contains(line, "msg=stored") {
				w.stderr.WriteString(line + "\n")
			}
		}
	}()
	return w
}

// wait waits for the writer to end, fails unless it succeeded, and
// returns its summary.
func (w *writer) wait(t *testing.T) string {
	t.Helper()
	<-w.ended
	if err := w.cmd.Wait(); err != nil {
		t.Fatalf("graphd ingest --nats: %v\n%s%s", err, w.stdout.String(), w.stderr.String())
	}
	return w.stdout.String()
}

// waitStored waits until the writer has written n articles.
func (w *writer) waitStored(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	for range n {
		select {
		case <-w.stored:
		case <-ctx.Done():
			t.Fatalf("the writer did not write %d articles: %v", n, ctx.Err())
		}
	}
}

// natsCorpus is the directory of articles the NATS tests ingest: the 840
// PolNeAR train texts when ../shared holds them (GRAPHD_POLNEAR names
// another place), else the generated news of writeNews.
func natsCorpus(t *testing.T) (dir string, n int) {
	t.Helper()
	root := os.Getenv("GRAPHD_POLNEAR")
	if root == "" {
		root = filepath.Join("..", "..", "..", "shared", "polnear")
	}
	texts := filepath.Join(root, "train", "text")
	files, _ := filepath.Glob(filepath.Join(texts, "*.txt"))
	if len(files) > 0 && !testing.Short() {
		return texts, len(files)
	}
	if testing.Short() {
		t.Logf("-short: 300 generated articles instead of the PolNeAR train texts")
	} else {
		t.Logf("no PolNeAR train texts at %s (set GRAPHD_POLNEAR): 300 generated articles instead", texts)
	}
	return writeNews(t, 300), 300
}

// localExport ingests dir locally into a new store and exports it.
func localExport(t *testing.T, dir string) (export, summary string) {
	t.Helper()
	db := t.TempDir()
	out, errOut, code := runBinary(t, "ingest", "--db", db, dir)
	if code != 0 {
		t.Fatalf("local ingest: status %d\n%s", code, errOut)
	}
	return exportGraph(t, db), firstLine(out)
}

var summaryTimeRE = regexp.MustCompile(`errors? in [0-9][0-9.hmµns]*`)

// firstLine is the summary's first line with its time left out.
func firstLine(out string) string {
	line, _, _ := strings.Cut(out, "\n")
	return summaryTimeRE.ReplaceAllString(line, "errors in …")
}

// checkSame fails unless db holds the graph of want, and its writer's
// summary says what the local ingest's said.
func checkSame(t *testing.T, db, summary, want, wantSummary string) {
	t.Helper()
	if got := firstLine(summary); got != wantSummary {
		t.Errorf("writer's summary: %q, local ingest's: %q", got, wantSummary)
	}
	if out, errOut, code := runBinary(t, "check", "--db", db); code != 0 {
		t.Fatalf("check: status %d\n%s%s", code, out, errOut)
	}
	if diff := cmp.Diff(want, exportGraph(t, db)); diff != "" {
		t.Errorf("the graph written from the workers' results differs from a local ingest (-local +nats):\n%s", diff)
	}
}

// TestNATSWorkers ingests a corpus with three worker processes and a
// writer: the graph is the one a local ingest of the same files writes.
func TestNATSWorkers(t *testing.T) {
	dir, n := natsCorpus(t)
	want, wantSummary := localExport(t, dir)
	ns := startNATS(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	var ws []*worker
	for range 3 {
		ws = append(ws, startWorker(t, ns.ClientURL()))
	}
	db := t.TempDir()
	w := startWriter(t, ctx, ns.ClientURL(), db, dir)
	summary := w.wait(t)
	var total int64
	for i, w := range ws {
		t.Logf("worker %d extracted %d articles", i, w.extracted.Load())
		total += w.extracted.Load()
		if w.extracted.Load() == 0 {
			t.Errorf("worker %d extracted nothing", i)
		}
	}
	// A text published twice is extracted by the writer the second time.
	if total+w.duplicates.Load() < int64(n) {
		t.Errorf("the workers extracted %d articles and the writer %d, of %d", total, w.duplicates.Load(), n)
	}
	checkSame(t, db, summary, want, wantSummary)
}

// TestServeNATS has a server write what three worker processes extract
// from the articles sent to it with graphd ingest --server: the graph is
// the one a local ingest of the same files writes, and the server
// extracted only the texts whose publish the stream dropped as repeated.
func TestServeNATS(t *testing.T) {
	dir, n := natsCorpus(t)
	want, wantSummary := localExport(t, dir)
	ns := startNATS(t, nil)
	var ws []*worker
	for range 3 {
		ws = append(ws, startWorker(t, ns.ClientURL()))
	}
	db := t.TempDir()
	var log bytes.Buffer
	s := startServerWith(t, db, &log, "--nats", ns.ClientURL(), "--log-level", "debug")
	out, errOut, code := runBinary(t, "ingest", "--server", s.base(), "--token-file", tokenFile(t), dir)
	if code != 0 {
		t.Fatalf("graphd ingest --server: status %d\n%s%s", code, out, errOut)
	}
	s.stop(t)
	var total int64
	for i, w := range ws {
		t.Logf("worker %d extracted %d articles", i, w.extracted.Load())
		total += w.extracted.Load()
		if w.extracted.Load() == 0 {
			t.Errorf("worker %d extracted nothing", i)
		}
	}
	local := int64(strings.Count(log.String(), "dropped as a duplicate"))
	if total+local != int64(n) {
		t.Errorf("the workers extracted %d articles and the server %d, of %d", total, local, n)
	}
	if !strings.Contains(log.String(), "an ingest stream goes to workers") {
		t.Errorf("the server does not say that the stream went to workers:\n%s", log.String())
	}
	checkSame(t, db, out, want, wantSummary)
}

// TestServeNATSNoJetStream: a server told to write what workers extract
// refuses to start when its NATS server has no JetStream, saying so.
func TestServeNATSNoJetStream(t *testing.T) {
	ns := startNATS(t, func(o *natsserver.Options) { o.JetStream = false })
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "serve", "--db", t.TempDir(), "--addr", "127.0.0.1:0", "--nats", ns.ClientURL())
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("graphd serve --nats on a server without JetStream did not end: %s", out)
	}
	if err == nil || !strings.Contains(string(out), "NATS at "+ns.ClientURL()) || !strings.Contains(string(out), "JetStream") {
		t.Errorf("graphd serve --nats on a server without JetStream: %v\n%s", err, out)
	}
}

// TestNATSWorkerKilled kills one of three workers with SIGKILL while the
// articles it was given are not all done: the articles it held are given
// to the others, and the graph is that of a local ingest, every article
// written once.
func TestNATSWorkerKilled(t *testing.T) {
	dir := writeNews(t, 300)
	want, wantSummary := localExport(t, dir)
	ns := startNATS(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	victim := startWorker(t, ns.ClientURL())
	db := t.TempDir()
	w := startWriter(t, ctx, ns.ClientURL(), db, dir, "--nats-ack-wait", "1s")
	victim.waitExtracted(t, ctx, 20)
	if err := victim.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// The others start once it is dead: the articles it was given are
	// still out with it, until their AckWait has passed.
	startWorker(t, ns.ClientURL())
	startWorker(t, ns.ClientURL())
	summary := w.wait(t)
	t.Logf("killed after %d articles", victim.extracted.Load())
	checkSame(t, db, summary, want, wantSummary)
	if !strings.Contains(summary, "ingested 300 articles, ") {
		t.Errorf("summary: %s; want 300 articles, none unchanged (an article written twice is unchanged the second time)", summary)
	}
	redelivered := redeliveries(t, ns.ClientURL())
	t.Logf("%d deliveries again", redelivered)
	if redelivered == 0 {
		t.Errorf("no article was given to a worker again: the killed worker held none, the test tests nothing")
	}
}

// jetStream connects to the NATS server at url for the rest of the test
// and opens JetStream on the connection.
func jetStream(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// redeliveries is how many times the workers' consumer gave an article
// again: its deliveries less the articles it delivered.
func redeliveries(t *testing.T, url string) uint64 {
	t.Helper()
	js := jetStream(t, url)
	c, err := js.Consumer(t.Context(), "GRAPHD_ARTICLES", "graphd-workers")
	if err != nil {
		t.Fatal(err)
	}
	info := c.CachedInfo()
	return info.Delivered.Consumer - info.Delivered.Stream
}

// TestNATSClusterLeaderKilled runs the streams on a three-node JetStream
// cluster with three replicas and shuts down the leader of the article
// stream once the writer has written some articles: nothing is lost.
//
// On failure it logs the state of the streams and consumers: a result
// delivered and lost in the leader change once left the writer waiting
// for its redelivery.
func TestNATSClusterLeaderKilled(t *testing.T) {
	dir := writeNews(t, 300)
	want, wantSummary := localExport(t, dir)
	// Three cluster ports, each node routed to the others.
	var ports []int
	for range 3 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		l.Close()
	}
	var nodes []*natsserver.Server
	for i := range 3 {
		nodes = append(nodes, newNATS(t, func(o *natsserver.Options) {
			o.ServerName = fmt.Sprintf("n%d", i)
			o.Cluster = natsserver.ClusterOpts{Name: "graphd", Host: "127.0.0.1", Port: ports[i]}
			var routes []string
			for j, p := range ports {
				if j != i {
					routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", p))
				}
			}
			o.Routes = natsserver.RoutesFromStr(strings.Join(routes, ","))
		}))
	}
	for i, s := range nodes {
		if !s.ReadyForConnections(20 * time.Second) {
			t.Fatalf("n%d did not start", i)
		}
	}
	var urls []string
	for _, s := range nodes {
		urls = append(urls, s.ClientURL())
	}
	url := strings.Join(urls, ",")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	waitForCluster(t, ctx, url)

	for range 3 {
		startWorker(t, url)
	}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		nc, err := nats.Connect(url)
		if err != nil {
			return
		}
		defer nc.Close()
		js, _ := jetstream.New(nc)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, name := range []string{"GRAPHD_ARTICLES", "GRAPHD_RESULTS"} {
			if st, err := js.Stream(ctx, name); err == nil {
				i := st.CachedInfo()
				t.Logf("%s: %+v leader %s", name, i.State, i.Cluster.Leader)
			}
		}
		sa, _ := js.Stream(ctx, "GRAPHD_ARTICLES")
		sr, _ := js.Stream(ctx, "GRAPHD_RESULTS")
		if sa == nil || sr == nil {
			return
		}
		lister := sa.ListConsumers(ctx)
		for c := range lister.Info() {
			t.Logf("articles consumer %s: pending %d ack-pending %d redelivered %d waiting %d delivered %+v ackfloor %+v leader %s", c.Name, c.NumPending, c.NumAckPending, c.NumRedelivered, c.NumWaiting, c.Delivered, c.AckFloor, c.Cluster.Leader)
		}
		lister = sr.ListConsumers(ctx)
		for c := range lister.Info() {
			t.Logf("results consumer %s: pending %d ack-pending %d redelivered %d waiting %d delivered %+v leader %s", c.Name, c.NumPending, c.NumAckPending, c.NumRedelivered, c.NumWaiting, c.Delivered, c.Cluster.Leader)
		}
	})
	db := t.TempDir()
	w := startWriter(t, ctx, url, db, dir, "--nats-replicas", "3", "--nats-ack-wait", "2s")
	w.waitStored(t, ctx, 30)
	killed := -1
	for i, s := range nodes {
		if s.JetStreamIsStreamLeader("$G", "GRAPHD_ARTICLES") {
			killed = i
		}
	}
	if killed < 0 {
		t.Fatal("no leader of GRAPHD_ARTICLES")
	}
	t.Logf("shutting down n%d, leader of the article stream (meta leader: %v)", killed, nodes[killed].JetStreamIsLeader())
	nodes[killed].Shutdown()
	summary := w.wait(t)
	checkSame(t, db, summary, want, wantSummary)
}

// waitForCluster waits until the cluster at url can make a stream of three
// replicas.
func waitForCluster(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	js := jetStream(t, url)
	var err error
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err = js.CreateStream(sctx, jetstream.StreamConfig{Name: "PROBE", Subjects: []string{"probe"}, Replicas: 3})
		cancel()
		if err == nil {
			js.DeleteStream(ctx, "PROBE")
			return
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("the cluster did not form: %v (%v)", err, ctx.Err())
		}
	}
}
