package graph_test

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// Concurrent writers sharing speakers and venues create each once, and
// readers see whole articles.
func TestConcurrentPuts(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each+writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				stmt := fmt.Sprintf("Statement %s %s.", pseudo(i*writers+w), pseudo(i*writers+w+1000))
				reply := fmt.Sprintf("Reply %s %s.", pseudo(i*writers+w+2000), pseudo(i*writers+w+3000))
				text := fmt.Sprintf(`Sergey Lavrov told CNN: "%s" Peskov said: "%s"`, stmt, reply)
				in := graph.ArticleInput{
					URL: fmt.Sprintf("https://x.test/%d/%d", w, i), Outlet: "TASS", Text: text,
					Published: date("2024-01-01").AddDate(0, 0, i),
					Quotes: []graph.QuoteInput{
						quoted(text, stmt, "Sergey Lavrov", "CNN", graph.VenueBroadcast),
						quoted(text, reply, "Dmitry Peskov", "", ""),
					},
				}
				if _, err := s.PutArticle(ctx, in); err != nil {
					errs <- err
				}
			}
		})
		wg.Go(func() { // a reader: every article it sees has both quotes
			for range each {
				as, _, err := s.Articles(ctx, graph.Page{First: 5})
				if err != nil {
					errs <- err
					return
				}
				for _, a := range as {
					_, info, err := s.Quotes(ctx, graph.QuoteFilter{ArticleID: a.ID}, graph.Page{})
					if err == nil && info.TotalCount != 2 {
						err = fmt.Errorf("article %s has %d quotes", a.Key, info.TotalCount)
					}
					if err != nil {
						errs <- err
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := graph.Counts{Articles: writers * each, Quotes: 2 * writers * each, Occurrences: 2 * writers * each, Speakers: 2, Names: 2, Venues: 1, Outlets: 1}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Counts (-want +got):\n%s", diff)
	}
}

func TestReopen(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := put(t, s, articleA1(), articleA2(), articleA3())
	before, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Another store may not open the directory while one has it.
	s, err = graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := graph.Open(dir, graph.Options{}); err == nil {
		t.Error("second Open of the same directory succeeded")
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := s.Counts(ctx)
	if err != nil || after != before {
		t.Errorf("Counts after reopen = %+v, %v; want %+v", after, err, before)
	}
	a, err := s.Article(ctx, res[1].Article.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(res[1].Article, a); diff != "" {
		t.Errorf("article after reopen (-put +got):\n%s", diff)
	}
	if again := put(t, s, articleA2())[0]; !again.Unchanged {
		t.Errorf("re-put after reopen: %+v, want Unchanged", again)
	}
	qs, _, err := s.Quotes(ctx, graph.QuoteFilter{Search: "talks"}, graph.Page{})
	if err != nil || len(qs) != 2 {
		t.Errorf("search after reopen: %d quotes, %v", len(qs), err)
	}
}

// graphtest closes the store itself; a test that closed it already is fine.
func TestGraphtestClosedEarly(t *testing.T) {
	s := graphtest.Open(t)
	put(t, s, articleA1())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); !errors.Is(err, graph.ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
}

// The value-log GC runs while articles are replaced, and Close stops it.
func TestValueLogGC(t *testing.T) {
	var logged strings.Builder
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logged.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := graph.Open(t.TempDir(), graph.Options{Logger: log, GCInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("A long article text that goes to the value log. ", 4000)
	for i := range 20 {
		put(t, s, graph.ArticleInput{URL: "https://x.test/big", Text: fmt.Sprintf("%s version %d", big, i)})
	}
	if err := s.Check(t.Context()); err != nil {
		t.Error(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if logged.Len() > 0 {
		t.Errorf("warnings logged:\n%s", logged.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// pseudo returns a made-up word for n < 14⁴, different for every n and
// sharing few letters with the words of nearby numbers.
func pseudo(n int) string {
	const cons, vows = "bdfgklmnprstvz", "aeiou"
	m := n * 2654435761 % (14 * 14 * 14 * 14)
	var b strings.Builder
	for i := range 4 {
		d := m % 14
		m /= 14
		b.WriteByte(cons[d])
		b.WriteByte(vows[(d+i)%len(vows)])
	}
	return b.String()
}
