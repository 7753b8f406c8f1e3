package schema

import (
	"bytes"
	"context"
	"expvar"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
	"github.com/graphd/graphd/ingest/corpus"
)

// BenchmarkIngested runs the dashboard's and a reader's queries through
// the HTTP handler on a store built by real ingest of distinct articles
// generated from the PolNeAR train texts (ingest/corpus:
// GRAPHD_BENCH_ARTICLES of them, 100,000 by default; built once and cached
// in os.TempDir(), the store the write path's benchmarks use), on a copy
// of it opened for writing as a server opens its store. Each query runs
// alone ("quiet") and while a live ingest of more generated articles goes
// on in the background ("live"), wired as graphd serve wires its ingests
// (the queries hold an ingest.Gate that the ingest's extraction and the
// store's writer take their steps from), and reports the median and 99th
// percentile of its latency; the live runs also report the ingest's
// articles a second and the Badger entries it wrote an article. Then,
// after a full compaction of Badger's tree ("compacted"), each runs
// alone again. Before the queries, and after the compaction, it logs the
// store's keys by kind with the tombstones and older versions still in
// the LSM tree.
//
//	go test ./schema -run '^$' -bench BenchmarkIngested -benchtime 200x -count 3 -cpu 2 -timeout 2h
func BenchmarkIngested(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("GRAPHD_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	texts := corpus.Train(b)
	st, err := graph.Open(corpus.Build(b, n).Copy(b), graph.Options{Metrics: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	logKeyStats(b, st)
	if ss, err := st.SearchStats(b.Context()); err == nil {
		b.Logf("search index: %+v", ss)
	}
	gate := ingest.NewGate(1, 0) // as graphd serve makes it
	st.SetThrottle(gate.Step)
	s, err := New(st, nil, WithGate(gate))
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
		{"by-speaker", `{ quotes(speaker: "Trump", orderBy: NEWEST, first: 20) {
			totalCount edges { node { text kind published venue { name } article { title outlet } } } } }`},
		{"stats", `{ counts { printings people names articles outlets }
			stats { total undated
				speakers: quotesBy(field: SPEAKER, first: 8) { key label count }
				venues: quotesBy(field: VENUE, first: 8) { key label count }
				outlets: quotesBy(field: OUTLET, first: 8) { key label count }
				kinds: quotesBy(field: KIND) { label count } } }`},
		{"timeline", `{ timeline(interval: WEEK) { start count } }`},
	}
	modes := map[string][]string{"quiet": {"quiet"}, "live": {"live", "live-ungated"}, "compacted": {"compacted"}}
	g := corpus.New(texts)
	g.Skip(n) // the live ingest goes on with the stream
	for _, phase := range []string{"quiet", "live", "compacted"} {
		if phase == "compacted" {
			// As a full compaction leaves the store, for comparison.
			if err := st.Compact(b.Context()); err != nil {
				b.Fatal(err)
			}
			logKeyStats(b, st)
		}
		for _, q := range queries {
			for _, mode := range modes[phase] {
				live := strings.HasPrefix(mode, "live")
				// "live-ungated" runs the same ingest without the gate, right
				// after "live", for comparison in the same state of the
				// machine.
				gated := gate
				if mode == "live-ungated" {
					gated = nil
				}
				name := q.name + "/" + mode
				b.Run(name, func(b *testing.B) {
					st.SetThrottle(gated.Step)
					defer st.SetThrottle(gate.Step)
					run := queryRunner(b, s, q.query)
					run()
					var stored atomic.Int64
					var wg sync.WaitGroup
					ctx, stop := context.WithCancel(context.Background())
					puts := badgerPuts()
					start := time.Now()
					if live {
						wg.Go(func() { ingestLive(ctx, st, g, gated, &stored) })
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
}

// ingestLive stores the next articles of g into st through a pipeline
// whose extraction waits at gate, as a server's ingests do, counting them
// in stored, until ctx is done.
func ingestLive(ctx context.Context, st *graph.Store, g *corpus.Generator, gate *ingest.Gate, stored *atomic.Int64) {
	p := ingest.NewPipeline(ctx, st, ingest.Options{Gate: gate})
	defer p.Close()
	for ctx.Err() == nil {
		if err := p.Submit(ctx, g.Next(), func(r ingest.Result) {
			if r.Err == nil {
				stored.Add(1)
			}
		}); err != nil {
			return
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
