package ingest_test

import (
	"context"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
	"github.com/graphd/graphd/ingest/corpus"
)

// BenchmarkBulkTrain measures, on the 840 PolNeAR train texts and in the
// same op (so that the three see the same load), with every core:
// extraction alone, on GOMAXPROCS goroutines, storing nothing; a live
// ingest into an empty on-disk store (graph.Open, a pipeline, the
// closing merge of postings, Close); and a bulk load into a new store
// (graph.BulkLoad: the same pipeline into a staging store, then the
// stream into the new store and the swap). It reports the articles a
// second of each, bulk's share of extraction's rate and of live's, and
// the seconds the bulk load spent in each of its parts: the fill of the
// staging store (from the start: the build's lock and stores opened
// included), the merge of its search segments, and the rest (the stream,
// the syncs, the swap), in wall time and in the CPU time of the process
// (which the load of a shared machine disturbs less), live's too.
func BenchmarkBulkTrain(b *testing.B) {
	texts := corpus.Train(b)
	userGC(b)
	ctx := context.Background()
	workers := runtime.GOMAXPROCS(0)
	var extract, live, bulk, fill, merge, finish time.Duration
	var liveCPU, bulkCPU, fillCPU, mergeCPU time.Duration
	for b.Loop() {
		t0 := time.Now()
		extractAll(b, texts, workers)
		extract += time.Since(t0)

		t0, c0 := time.Now(), cpuTime()
		s, err := graph.Open(b.TempDir(), graph.Options{GCInterval: -1})
		if err != nil {
			b.Fatal(err)
		}
		ingestAll(b, s, ingest.Options{Workers: workers}, texts)
		if err := s.MergePostings(ctx); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		live += time.Since(t0)
		liveCPU += cpuTime() - c0

		t0, c0 = time.Now(), cpuTime()
		var staged, merged time.Time
		var stagedCPU, mergedCPU time.Duration
		o := graph.BulkOptions{Step: func(step string) {
			switch step {
			case graph.StepStaged:
				staged, stagedCPU = time.Now(), cpuTime()
			case graph.StepMerged:
				merged, mergedCPU = time.Now(), cpuTime()
			}
		}}
		err = graph.BulkLoad(ctx, filepath.Join(b.TempDir(), "bulk"), o, func(s *graph.Store) error {
			ingestAll(b, s, ingest.Options{Workers: workers}, texts)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		bulk += time.Since(t0)
		bulkCPU += cpuTime() - c0
		fillCPU += stagedCPU - c0
		mergeCPU += mergedCPU - stagedCPU
		fill += staged.Sub(t0)
		merge += merged.Sub(staged)
		finish += time.Since(merged)
	}
	n := float64(len(texts) * b.N)
	rate := func(d time.Duration) float64 { return n / d.Seconds() }
	b.ReportMetric(rate(extract), "extract-articles/s")
	b.ReportMetric(rate(live), "live-articles/s")
	b.ReportMetric(rate(bulk), "bulk-articles/s")
	b.ReportMetric(100*rate(bulk)/rate(extract), "bulk-%-of-extract")
	b.ReportMetric(100*rate(bulk)/rate(live), "bulk-%-of-live")
	b.ReportMetric(fill.Seconds()/float64(b.N), "bulk-fill-s")
	b.ReportMetric(merge.Seconds()/float64(b.N), "bulk-merge-s")
	b.ReportMetric(finish.Seconds()/float64(b.N), "bulk-stream-s")
	b.ReportMetric(liveCPU.Seconds()/float64(b.N), "live-cpu-s")
	b.ReportMetric(bulkCPU.Seconds()/float64(b.N), "bulk-cpu-s")
	b.ReportMetric(fillCPU.Seconds()/float64(b.N), "bulk-fill-cpu-s")
	b.ReportMetric(mergeCPU.Seconds()/float64(b.N), "bulk-merge-cpu-s")
	b.ReportMetric((bulkCPU-fillCPU-mergeCPU).Seconds()/float64(b.N), "bulk-stream-cpu-s")
}

// extractAll extracts the attributions of articles on workers goroutines
// and keeps nothing.
func extractAll(b *testing.B, articles []ingest.Article, workers int) {
	ctx := context.Background()
	work := make(chan ingest.Article)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed error
	for range workers {
		wg.Go(func() {
			for a := range work {
				if _, err := ingest.ExtractContext(ctx, a); err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
				}
			}
		})
	}
	for _, a := range articles {
		work <- a
	}
	close(work)
	wg.Wait()
	if failed != nil {
		b.Fatal(failed)
	}
}
