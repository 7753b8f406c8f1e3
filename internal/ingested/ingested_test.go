package ingested_test

import (
	"errors"
	"expvar"
	"os"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/internal/ingested"
)

func corpus(tb testing.TB) *ingested.Corpus {
	tb.Helper()
	c, err := ingested.Load(ingested.Dir())
	if errors.Is(err, ingested.ErrNoCorpus) {
		tb.Skipf("no PolNeAR texts (GRAPHD_POLNEAR or ../shared/polnear): %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// The same i gives the same article; different ones differ. An article
// and the one a corpus length later come from the same text and differ
// only inside quotation marks. Dates move forward.
func TestArticles(t *testing.T) {
	c := corpus(t)
	if a, b := c.Article(5, 1000), c.Article(5, 1000); a != b {
		t.Error("article 5 differs between two calls")
	}
	seen := map[string]int{}
	for i := range 500 {
		x := c.Article(i, 1000)
		if j, dup := seen[x.Text]; dup {
			t.Errorf("articles %d and %d have the same text", j, i)
		}
		seen[x.Text] = i
	}
	outside := regexp.MustCompile(`“[^“”]+”|"[^"]+"`)
	a, b := c.Article(3, 1000), c.Article(3+c.Len(), 1000)
	if a.Text == b.Text || outside.ReplaceAllString(a.Text, "") != outside.ReplaceAllString(b.Text, "") {
		t.Errorf("articles 3 and %d: not the same text with other quotations", 3+c.Len())
	}
	x := c.Article(0, 1000)
	if x.Outlet == "" || x.ID == "" || x.URL == "" {
		t.Errorf("article 0: %+v", x)
	}
	if last := c.Article(999, 1000); !last.Published.After(x.Published) {
		t.Errorf("dates do not move forward: %v, %v", x.Published, last.Published)
	}
}

// cpu is the process's user and system time so far.
func cpu() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWrite ingests GRAPHD_BENCH_WRITES more articles (2,000 by
// default) into a copy of the cached store of GRAPHD_BENCH_ARTICLES
// ingested articles (20,000 by default), in batches as graphd ingest
// writes them, and ending as it does with MergePostings, and reports what one
// article costs: the Badger entries written
// (sets and deletes, every write and merge included), of them the keys
// the search index set and deleted, and the process's CPU time. The
// search index's share is what SearchStats counts.
//
//	go test ./internal/ingested -run '^$' -bench BenchmarkWrite -benchtime 1x -count 3 -timeout 2h
func BenchmarkWrite(b *testing.B) {
	n := 20_000
	if v, err := strconv.Atoi(os.Getenv("GRAPHD_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	writes := 2000
	if v, err := strconv.Atoi(os.Getenv("GRAPHD_BENCH_WRITES")); err == nil && v > 0 {
		writes = v
	}
	c := corpus(b)
	src := ingested.Cached(b, n)
	next := n
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		if err := ingested.CopyDir(dir, src); err != nil {
			b.Fatal(err)
		}
		st, err := graph.Open(dir, graph.Options{Metrics: true})
		if err != nil {
			b.Fatal(err)
		}
		puts, cpu0, start := badgerPuts(), cpu(), time.Now()
		b.StartTimer()
		if err := c.Ingest(b.Context(), st, next, next+writes, n, nil); err != nil {
			b.Fatal(err)
		}
		if err := st.MergePostings(b.Context()); err != nil { // as graphd ingest ends
			b.Fatal(err)
		}
		b.StopTimer()
		elapsed, spent, entries := time.Since(start), cpu()-cpu0, badgerPuts()-puts
		ss, err := st.SearchStats(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		next += writes
		b.ReportMetric(float64(writes)/elapsed.Seconds(), "articles/s")
		b.ReportMetric(float64(spent.Microseconds())/1000/float64(writes), "cpu-ms/article")
		b.ReportMetric(float64(entries)/float64(writes), "entries/article")
		b.ReportMetric(float64(ss.KeysSet)/float64(writes), "search-sets/article")
		b.ReportMetric(float64(ss.KeysDeleted)/float64(writes), "search-deletes/article")
		b.ReportMetric(float64(ss.Merges), "merges")
		b.ReportMetric(float64(ss.LongestHold.Microseconds())/1000, "longest-hold-ms")
		b.StartTimer()
	}
}

func badgerPuts() int64 {
	if v, ok := expvar.Get("badger_put_num_user").(*expvar.Int); ok {
		return v.Value()
	}
	return 0
}
