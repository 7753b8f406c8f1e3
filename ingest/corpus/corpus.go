// Package corpus makes news for benchmarks of graphd's write path: a
// stream of distinct articles generated from the PolNeAR train texts (840
// US political news articles of 2015–2016), and a store of n of them built
// by real ingest, extraction included, cached between runs.
//
// PolNeAR is for research use and never part of the repository: the texts
// are read from ../shared/polnear beside the repository, or from
// $GRAPHD_POLNEAR, at benchmark time, and nothing generated from them is
// committed. Without them the benchmarks skip.
package corpus

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

// version names the generator: change it when the articles it makes
// change, so that cached stores are rebuilt. 2: key layout 6 holds both
// the binary records and the search segments, and stores of the two
// earlier layouts called 6 must not be reused.
const version = 2

// Dir is the PolNeAR directory: $GRAPHD_POLNEAR, else ../shared/polnear
// beside the repository this package is in.
func Dir() string {
	if d := os.Getenv("GRAPHD_POLNEAR"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "polnear")
		}
		if filepath.Dir(d) == d {
			return filepath.Join("..", "shared", "polnear")
		}
	}
}

// Train reads the PolNeAR train texts as articles, in file name order,
// with their publisher as outlet; tb skips when they are absent.
func Train(tb testing.TB) []ingest.Article {
	tb.Helper()
	dir := filepath.Join(Dir(), "train", "text")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		tb.Skipf("no PolNeAR train texts in %s (set GRAPHD_POLNEAR)", dir)
	}
	out := make([]ingest.Article, 0, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		name := filepath.Base(f)
		publisher, _, _ := strings.Cut(name, "_")
		out = append(out, ingest.Article{Path: f, Outlet: publisher, Text: string(b)})
	}
	return out
}

// Generator makes distinct articles from the train texts: the i-th is
// train text i mod 840, its headline numbered i, dated a day in 2024 or
// 2025 (the stream moves forward a day every 150 articles or so), with
// the words of each of its quotations shuffled, but for one quotation in
// five, printed as the text has it (a reprint, after the first pass).
type Generator struct {
	texts []ingest.Article
	rng   *rand.Rand
	n     int
}

// New returns a generator over texts.
func New(texts []ingest.Article) *Generator {
	return &Generator{texts: texts, rng: rand.New(rand.NewPCG(2015, 2016))}
}

// quoteRE finds quotations in curly or straight double quotation marks.
var quoteRE = regexp.MustCompile(`“[^”\n]{8,}”|"[^"\n]{8,}"`)

// Next returns the next article of the stream.
func (g *Generator) Next() ingest.Article {
	i := g.n
	g.n++
	src := g.texts[i%len(g.texts)]
	head, body, _ := strings.Cut(src.Text, "\n")
	body = quoteRE.ReplaceAllStringFunc(body, func(q string) string {
		if g.rng.IntN(5) == 0 {
			return q
		}
		open, inner, close := splitMarks(q)
		words := strings.Fields(inner)
		g.rng.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
		return open + strings.Join(words, " ") + close
	})
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i/150)%731)
	return ingest.Article{
		Path:      fmt.Sprintf("generated/%d", i),
		ID:        fmt.Sprintf("gen-%d", i),
		Title:     fmt.Sprintf("%s (%d)", head, i),
		Outlet:    src.Outlet,
		Published: day,
		Text:      fmt.Sprintf("%s (%d)\n%s", head, i, body),
	}
}

// splitMarks splits a quotation into its opening mark, its words and its
// closing mark.
func splitMarks(q string) (open, inner, close string) {
	if strings.HasPrefix(q, "“") {
		return "“", strings.TrimSuffix(strings.TrimPrefix(q, "“"), "”"), "”"
	}
	return `"`, q[1 : len(q)-1], `"`
}

// Skip advances the stream by n articles.
func (g *Generator) Skip(n int) {
	for range n {
		g.Next()
	}
}

// Store is a store of generated articles built by real ingest.
type Store struct {
	Dir      string
	Articles int           // articles stored
	Built    time.Duration // how long the build took, when this run built it
	Stats    graph.WriteStats
}

// Build returns the store of the first n articles of the stream, cached
// in os.TempDir() as graphd-ingest-l<layout>-g<generator>-<n>: built
// once, through an ingest.Pipeline on every core as graphd ingest builds
// it, then compacted, and reused by later runs of the same key layout. A
// benchmark that writes to it should copy it first (Copy).
func Build(tb testing.TB, n int) *Store {
	tb.Helper()
	texts := Train(tb)
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("graphd-ingest-l%d-g%d-%d", graph.LayoutVersion, version, n))
	done := filepath.Join(dir, "complete")
	out := &Store{Dir: dir, Articles: n}
	if _, err := os.Stat(done); err == nil {
		return out
	}
	tb.Logf("building a store of %d generated articles by ingest in %s (once)", n, dir)
	os.RemoveAll(dir)
	s, err := graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	g := New(texts)
	ctx := context.Background()
	p := ingest.NewPipeline(ctx, s, ingest.Options{})
	var failed error
	for i := range n {
		err := p.Submit(ctx, g.Next(), func(r ingest.Result) {
			if r.Err != nil && failed == nil {
				failed = r.Err
			}
		})
		if err != nil {
			tb.Fatal(err)
		}
		if (i+1)%10000 == 0 {
			tb.Logf("%d articles submitted in %s", i+1, time.Since(start).Round(time.Second))
		}
	}
	p.Close()
	if failed != nil {
		tb.Fatal(failed)
	}
	if err := s.MergePostings(ctx); err != nil {
		tb.Fatal(err)
	}
	out.Built, out.Stats = time.Since(start), s.WriteStats()
	tb.Logf("built in %s: %+v", out.Built.Round(time.Second), out.Stats)
	if err := s.Compact(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		tb.Fatal(err)
	}
	return out
}

// Copy copies the store into a new temporary directory of tb's, for a
// benchmark to write to, and returns its path.
func (s *Store) Copy(tb testing.TB) string {
	tb.Helper()
	dst := tb.TempDir()
	err := filepath.WalkDir(s.Dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, d.Name()), b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dst
}
