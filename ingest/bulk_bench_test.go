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
// second of each, bulk's share of extraction's rate, and the seconds the
// bulk load spent after its staging store was complete (stream, sync,
// swap).
func BenchmarkBulkTrain(b *testing.B) {
	texts := corpus.Train(b)
	ctx := context.Background()
	workers := runtime.GOMAXPROCS(0)
	var extract, live, bulk, finish time.Duration
	for b.Loop() {
		t0 := time.Now()
		extractAll(b, texts, workers)
		extract += time.Since(t0)

		t0 = time.Now()
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

		t0 = time.Now()
		var staged time.Time
		o := graph.BulkOptions{Step: func(step string) {
			if step == graph.StepStaged {
				staged = time.Now()
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
		finish += time.Since(staged)
	}
	n := float64(len(texts) * b.N)
	rate := func(d time.Duration) float64 { return n / d.Seconds() }
	b.ReportMetric(rate(extract), "extract-articles/s")
	b.ReportMetric(rate(live), "live-articles/s")
	b.ReportMetric(rate(bulk), "bulk-articles/s")
	b.ReportMetric(100*rate(bulk)/rate(extract), "bulk-%-of-extract")
	b.ReportMetric(finish.Seconds()/float64(b.N), "bulk-stream-s")
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
