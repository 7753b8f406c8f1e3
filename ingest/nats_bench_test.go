package ingest

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"

	"github.com/graphd/graphd/graph"
)

// benchTexts are the PolNeAR train texts, or the seeds when they are
// absent.
func benchTexts(b *testing.B) []Article {
	arts := loadTexts(b, filepath.Join(polnearDir(), "train", "text", "*.txt"))
	if len(arts) == 0 {
		b.Logf("no PolNeAR train texts under %s: the seeds instead", polnearDir())
		arts = loadTexts(b, filepath.Join("..", "testdata", "seeds", "*.txt"))
	}
	return arts
}

// BenchmarkNATS ingests the PolNeAR train texts into an empty store
// through a nats-server embedded in the benchmark, with 1, 2 and 4 workers
// (each extracting one article at a time, as goroutines of this process),
// beside a local ingest of the same texts; "writer" is the writer alone,
// its workers answering at once with attributions extracted beforehand.
// One op is the whole corpus; articles/s is reported.
func BenchmarkNATS(b *testing.B) {
	arts := benchTexts(b)
	ctx := context.Background()
	extracted := map[string][]graph.QuoteInput{}
	for _, a := range arts {
		q, err := extractArticle(ctx, a)
		if err != nil {
			b.Fatal(err)
		}
		extracted[a.Path] = q
	}
	known := func(_ context.Context, a Article) ([]graph.QuoteInput, error) { return extracted[a.Path], nil }

	submitAll := func(p interface {
		Submit(context.Context, Article, func(Result)) error
		Close() error
	}) error {
		var mu sync.Mutex
		var failed error
		for _, a := range arts {
			if err := p.Submit(ctx, a, func(r Result) {
				mu.Lock()
				defer mu.Unlock()
				if r.Err != nil && failed == nil {
					failed = fmt.Errorf("%s: %w", r.Article.Path, r.Err)
				}
			}); err != nil {
				return err
			}
		}
		return errorsJoin(p.Close(), failed)
	}
	// run times load into an empty store; each op has a server of its own
	// (a new stream, whose duplicate window has not seen the texts),
	// started with n workers before the timer.
	run := func(b *testing.B, n int, extract func(context.Context, Article) ([]graph.QuoteInput, error), load func(s *graph.Store, url string) error) {
		for b.Loop() {
			b.StopTimer()
			ns, err := natsserver.NewServer(&natsserver.Options{
				Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: b.TempDir(), NoLog: true, NoSigs: true,
			})
			if err != nil {
				b.Fatal(err)
			}
			ns.Start()
			if !ns.ReadyForConnections(10 * time.Second) {
				b.Fatal("nats-server did not start")
			}
			wctx, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			for range n {
				nc, js, err := ConnectNATS(ns.ClientURL(), "worker")
				if err != nil {
					b.Fatal(err)
				}
				wg.Go(func() {
					defer nc.Close()
					if err := Work(wctx, js, WorkOptions{Workers: 1, extract: extract}); err != nil {
						b.Error(err)
					}
				})
			}
			s, err := graph.Open(b.TempDir(), graph.Options{GCInterval: -1})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if err := load(s, ns.ClientURL()); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			stop()
			wg.Wait()
			s.Close()
			ns.Shutdown()
			b.StartTimer()
		}
		b.ReportMetric(float64(len(arts)*b.N)/b.Elapsed().Seconds(), "articles/s")
	}
	writer := func(s *graph.Store, url string) error {
		nc, js, err := ConnectNATS(url, "writer")
		if err != nil {
			return err
		}
		defer nc.Close()
		l, err := NewLoad(ctx, js, s, NATSOptions{}, Options{})
		if err != nil {
			return err
		}
		return submitAll(l)
	}

	b.Run("local", func(b *testing.B) {
		run(b, 0, nil, func(s *graph.Store, _ string) error { return submitAll(NewPipeline(ctx, s, Options{})) })
	})
	for _, n := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) { run(b, n, nil, writer) })
	}
	b.Run("writer", func(b *testing.B) { run(b, 4, known, writer) })
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// BenchmarkNATSResult measures what shipping the attributions costs
// beside preparing the article: one op is every train text's result
// encoded and decoded, or every train text prepared (graph.Prepare, which
// the writer runs). It reports bytes of result and of article text per
// article.
func BenchmarkNATSResult(b *testing.B) {
	arts := benchTexts(b)
	quotes := make([][]graph.QuoteInput, len(arts))
	var text int
	for i, a := range arts {
		q, err := extractArticle(context.Background(), a)
		if err != nil {
			b.Fatal(err)
		}
		quotes[i] = q
		text += len(a.Text)
	}
	b.Run("encode+decode", func(b *testing.B) {
		var size int
		for b.Loop() {
			size = 0
			for _, q := range quotes {
				data, err := encodeResult(q, nil)
				if err != nil {
					b.Fatal(err)
				}
				size += len(data)
				if _, err := decodeResult(data); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(size)/float64(len(arts)), "result-bytes/article")
		b.ReportMetric(float64(text)/float64(len(arts)), "text-bytes/article")
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(arts)), "µs/article")
	})
	b.Run("prepare", func(b *testing.B) {
		for b.Loop() {
			for i, a := range arts {
				if _, err := prepareQuotes(a, quotes[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(arts)), "µs/article")
	})
}
