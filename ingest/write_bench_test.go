package ingest_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
	"github.com/graphd/graphd/ingest/corpus"
)

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ingestAll writes articles to s through a pipeline and fails b on any
// article's error.
func ingestAll(b *testing.B, s *graph.Store, o ingest.Options, articles []ingest.Article) {
	ctx := context.Background()
	p := ingest.NewPipeline(ctx, s, o)
	var failed error
	for _, a := range articles {
		if err := p.Submit(ctx, a, func(r ingest.Result) {
			if r.Err != nil && failed == nil {
				failed = r.Err
			}
		}); err != nil {
			b.Fatal(err)
		}
	}
	p.Close()
	if failed != nil {
		b.Fatal(failed)
	}
}

// userGC sets the collector as graphd ingest and serve do by default
// (ingest.SetGC; GOGC and GOMEMLIMIT when set), until b ends.
func userGC(b *testing.B) {
	percent := ingest.DefaultGCPercent
	if os.Getenv("GOGC") != "" {
		percent = 0
	}
	var limit int64
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = ingest.DefaultMemoryLimit()
	}
	b.Cleanup(ingest.SetGC(percent, limit))
}

// BenchmarkIngestTrain is live ingest of the 840 PolNeAR train texts into
// an empty on-disk store, extraction, identity, grouping, search and
// counts included: one op is the 840, by 1 and by 2 workers. It reports
// articles a second and the CPU time an article took.
func BenchmarkIngestTrain(b *testing.B) {
	texts := corpus.Train(b)
	userGC(b)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var cpu, wcpu time.Duration
			var ws graph.WriteStats
			for b.Loop() {
				b.StopTimer()
				s, err := graph.Open(b.TempDir(), graph.Options{GCInterval: -1})
				if err != nil {
					b.Fatal(err)
				}
				c0 := cpuTime()
				b.StartTimer()
				ingestAll(b, s, ingest.Options{Workers: workers}, texts)
				b.StopTimer()
				cpu += cpuTime() - c0
				ws = s.WriteStats()
				wcpu += ws.WriterCPU
				s.Close()
				b.StartTimer()
			}
			reportRates(b, len(texts)*b.N, cpu, wcpu, ws)
		})
	}
}

// BenchmarkWriteTrain is the writer alone: the 840 PolNeAR train texts,
// extracted and prepared once beforehand, written by PutBatch in batches
// of 256 into an empty on-disk store. It reports the articles a second
// the writer takes, the CPU time of the writer's thread an article (not
// Badger's commit, which runs on a thread of its own) and of the whole
// process, and the caches' hit rates. $GRAPHD_BENCH_TEXTS takes the
// first texts only (for callgrind, which runs some fifty times slower).
func BenchmarkWriteTrain(b *testing.B) {
	texts := corpus.Train(b)
	userGC(b)
	if v, err := strconv.Atoi(os.Getenv("GRAPHD_BENCH_TEXTS")); err == nil && v > 0 && v < len(texts) {
		texts = texts[:v]
	}
	ctx := context.Background()
	prepared := make([]*graph.Prepared, len(texts))
	for i, a := range texts {
		p, err := ingest.PrepareArticle(ctx, a)
		if err != nil {
			b.Fatalf("%s: %v", a.Path, err)
		}
		prepared[i] = p
	}
	var cpu, wcpu time.Duration
	var ws graph.WriteStats
	for b.Loop() {
		b.StopTimer()
		s, err := graph.Open(b.TempDir(), graph.Options{GCInterval: -1})
		if err != nil {
			b.Fatal(err)
		}
		c0 := cpuTime()
		b.StartTimer()
		for i := 0; i < len(prepared); i += 256 {
			_, errs := s.PutBatch(ctx, prepared[i:min(i+256, len(prepared))])
			for _, err := range errs {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
		b.StopTimer()
		cpu += cpuTime() - c0
		ws = s.WriteStats()
		wcpu += ws.WriterCPU
		s.Close()
		b.StartTimer()
	}
	reportRates(b, len(prepared)*b.N, cpu, wcpu, ws)
}

// BenchmarkIngestGrowth ingests generated articles into a copy of a store
// that holds 1,000 and one that holds 100,000 ($GRAPHD_BENCH_ARTICLES)
// generated articles, built by ingest and cached: one op is 256 more
// articles of the same stream, by one worker, with the collector set as
// graphd ingest sets it (userGC). It reports the CPU time an
// article took, extraction included, the search index's keys set and
// deleted an article (its merges included), and the writer's cache hit
// rates.
func BenchmarkIngestGrowth(b *testing.B) {
	userGC(b)
	texts := corpus.Train(b)
	large := 100_000
	if v, err := strconv.Atoi(os.Getenv("GRAPHD_BENCH_ARTICLES")); err == nil && v > 0 {
		large = v
	}
	for _, n := range []int{1000, large} {
		b.Run(fmt.Sprintf("stored=%d", n), func(b *testing.B) {
			st := corpus.Build(b, n)
			s, err := graph.Open(st.Copy(b), graph.Options{GCInterval: -1})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			g := corpus.New(texts)
			g.Skip(n)
			var cpu time.Duration
			articles := 0
			for b.Loop() {
				b.StopTimer()
				batch := make([]ingest.Article, 256)
				for i := range batch {
					batch[i] = g.Next()
				}
				c0 := cpuTime()
				b.StartTimer()
				ingestAll(b, s, ingest.Options{Workers: 1}, batch)
				b.StopTimer()
				cpu += cpuTime() - c0
				articles += len(batch)
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(articles), "cpu-ms/article")
			b.ReportMetric(float64(s.WriteStats().WriterCPU.Microseconds())/1000/float64(articles), "writer-cpu-ms/article")
			if ss, err := s.SearchStats(b.Context()); err == nil {
				b.ReportMetric(float64(ss.KeysSet)/float64(articles), "search-sets/article")
				b.ReportMetric(float64(ss.KeysDeleted)/float64(articles), "search-deletes/article")
			}
			reportHits(b, s.WriteStats())
		})
	}
}

// reportRates reports the articles a second of a run that wrote
// articles, the process's and the writer's CPU time an article, and
// reportHits's figures.
func reportRates(b *testing.B, articles int, cpu, writer time.Duration, ws graph.WriteStats) {
	n := float64(articles)
	b.ReportMetric(n/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(cpu.Microseconds())/1000/n, "cpu-ms/article")
	b.ReportMetric(float64(writer.Microseconds())/1000/n, "writer-cpu-ms/article")
	reportHits(b, ws)
}

// reportHits reports the hit rates of the writer's caches, the share of
// match-key lookups that the filter of the store's keys answered absent
// without a read, the articles a transaction, and the printings and
// match keys looked up an article.
func reportHits(b *testing.B, ws graph.WriteStats) {
	rate := func(hit, miss int64) float64 { return 100 * float64(hit) / float64(max(1, hit+miss)) }
	b.ReportMetric(rate(ws.MatchHits, ws.MatchMisses), "match-hit-%")
	b.ReportMetric(rate(ws.MatchAbsent, ws.MatchHits+ws.MatchMisses-ws.MatchAbsent), "match-absent-%")
	b.ReportMetric(rate(ws.BlockHits, ws.BlockMisses), "block-hit-%")
	b.ReportMetric(rate(ws.PrintingHits, ws.PrintingMisses), "printing-hit-%")
	b.ReportMetric(rate(ws.SpeakerHits, ws.SpeakerMisses), "speaker-hit-%")
	b.ReportMetric(float64(ws.Articles)/float64(max(1, ws.Transactions)), "articles/txn")
	// What grouping looks up an article, whatever answers it: the
	// printings compared with its quotations and the match keys read.
	b.ReportMetric(float64(ws.PrintingHits+ws.PrintingMisses)/float64(max(1, ws.Articles)), "printings/article")
	b.ReportMetric(float64(ws.MatchHits+ws.MatchMisses)/float64(max(1, ws.Articles)), "match-lookups/article")
}

// BenchmarkStoreSize reports the bytes on disk an article takes in the
// cached store of $GRAPHD_BENCH_ARTICLES (default 100,000) generated
// articles built by ingest, compacted once built.
func BenchmarkStoreSize(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("GRAPHD_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	st := corpus.Build(b, n)
	s, err := graph.Open(st.Dir, graph.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	lsm, vlog, err := s.DiskSize()
	if err != nil {
		b.Fatal(err)
	}
	c, err := s.Counts(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
	}
	b.ReportMetric(float64(lsm+vlog)/float64(c.Articles), "bytes/article")
	b.ReportMetric(float64(c.Occurrences)/float64(c.Articles), "printings/article")
}
