package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"expvar"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/internal/ingested"
)

// BenchmarkIngested runs searches through the HTTP handler on a store
// built by real ingest of distinct articles generated from the PolNeAR
// texts (internal/ingested; GRAPHD_BENCH_ARTICLES of them, 20,000 by
// default; built once and cached in os.TempDir()), on a copy of it opened
// for writing as a server opens its store. Each query runs alone
// ("quiet") and while a live ingest of more generated articles goes on
// in the background ("live"), and reports the median and 99th
// percentile of its latency; the live runs also report the ingest's
// articles a second and the Badger entries it wrote an article. Then,
// after a full compaction of Badger's tree ("compacted"), each runs
// alone again. Before the queries, and after the compaction, it logs the
// store's keys by kind with the tombstones and older versions still in
// the LSM tree.
//
//	go test ./schema -run '^$' -bench BenchmarkIngested -benchtime 200x -count 3 -cpu 2 -timeout 2h
func BenchmarkIngested(b *testing.B) {
	n := 20_000
	if v, err := strconv.Atoi(os.Getenv("GRAPHD_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	src := ingested.Cached(b, n)
	corpus, err := ingested.Load(ingested.Dir())
	if err != nil {
		b.Skip(err)
	}
	dir := b.TempDir()
	if err := ingested.CopyDir(dir, src); err != nil {
		b.Fatal(err)
	}
	st, err := graph.Open(dir, graph.Options{Metrics: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	logKeyStats(b, st)
	if ss, err := st.SearchStats(b.Context()); err == nil {
		b.Logf("search index: %+v", ss)
	}
	s, err := New(st, nil)
	if err != nil {
		b.Fatal(err)
	}
	queries := []struct{ name, query string }{
		{"search", `{ quotes(search: "trump people", orderBy: RELEVANCE, first: 20) {
			totalCount edges { node { text kind speaker { name } article { title outlet } } } } }`},
		{"search-word", `{ quotes(search: "president", orderBy: RELEVANCE, first: 20) {
			totalCount edges { node { text kind speaker { name } } } } }`},
		{"search-phrase", `{ quotes(search: "\"the american people\"", orderBy: NEWEST, first: 20) {
			totalCount edges { node { text published } } } }`},
		{"search-prefix", `{ quotes(search: "hillary camp", first: 20) { edges { node { text } } } }`},
	}
	next := n // the next article the live ingest stores
	for _, mode := range []string{"quiet", "live", "compacted"} {
		live := mode == "live"
		if mode == "compacted" {
			// As a full compaction leaves the store, for comparison.
			if err := st.Compact(b.Context()); err != nil {
				b.Fatal(err)
			}
			logKeyStats(b, st)
		}
		for _, q := range queries {
			name := q.name + "/" + mode
			b.Run(name, func(b *testing.B) {
				body, _ := json.Marshal(Request{Query: q.query})
				run := func() {
					r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
					r.Header.Set("Content-Type", "application/json")
					w := httptest.NewRecorder()
					s.ServeHTTP(w, r)
					if w.Code != http.StatusOK || bytes.Contains(w.Body.Bytes(), []byte(`"errors"`)) {
						b.Fatalf("status %d: %s", w.Code, w.Body)
					}
				}
				run()
				var stored atomic.Int64
				var wg sync.WaitGroup
				ctx, stop := context.WithCancel(context.Background())
				puts := badgerPuts()
				start := time.Now()
				if live {
					wg.Add(1)
					go func() {
						defer wg.Done()
						from := next
						corpus.Ingest(ctx, st, from, from+1_000_000, n, func(done int) { stored.Store(int64(done)) })
					}()
				}
				var lat []time.Duration
				for b.Loop() {
					t := time.Now()
					run()
					lat = append(lat, time.Since(t))
				}
				stop()
				wg.Wait()
				elapsed := time.Since(start)
				next += int(stored.Load()) + 1
				slices.Sort(lat)
				ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
				b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
				b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
				if k := stored.Load(); live && k > 0 {
					b.ReportMetric(float64(k)/elapsed.Seconds(), "ingest-articles/s")
					b.ReportMetric(float64(badgerPuts()-puts)/float64(k), "entries/article")
					ss, err := st.SearchStats(b.Context())
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(ss.Segments), "segments")
					b.ReportMetric(float64(ss.LongestHold.Microseconds())/1000, "longest-hold-ms")
				}
			})
		}
	}
}

// badgerPuts is the number of entries (sets and deletes) written to
// Badger so far by stores opened with graph.Options.Metrics.
func badgerPuts() int64 {
	if v, ok := expvar.Get("badger_put_num_user").(*expvar.Int); ok {
		return v.Value()
	}
	return 0
}

// logKeyStats logs st's keys by kind, with the tombstones and older
// versions still in the LSM tree, and Badger's tables by level.
func logKeyStats(b *testing.B, st *graph.Store) {
	b.Helper()
	ks, err := st.KeyStats(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "kind      live   deleted     older  live MB\n")
	var live, del, older int
	for _, k := range ks.Kinds {
		fmt.Fprintf(&buf, "0x%02x %9d %9d %9d %8.1f\n", k.Kind, k.Live, k.Deleted, k.Older, float64(k.LiveBytes)/(1<<20))
		live, del, older = live+k.Live, del+k.Deleted, older+k.Older
	}
	fmt.Fprintf(&buf, "all  %9d %9d %9d\n", live, del, older)
	for _, l := range ks.Levels {
		fmt.Fprintf(&buf, "level %d: %d tables, %d entries, %.1f MB\n", l.Level, l.Tables, l.Keys, float64(l.Bytes)/(1<<20))
	}
	b.Logf("keys of the store:\n%s", buf.String())
}
