// Package ingested builds stores for benchmarks the way users build
// theirs: by real ingest (the extractor and graph.Store.PutBatch through
// an ingest.Pipeline, as `graphd ingest` does) of distinct articles
// generated from the PolNeAR texts. Article i is the text of PolNeAR
// article i mod n with the words of each of its quotations shuffled by a
// generator seeded with i, so that every article is new text with new
// quotations in the corpus's words; it has an id and URL of its own, its
// outlet from the file name, and a date that moves forward with i over
// two years (2015-11-01 on), as a feed's do.
//
// The corpus is read from ../shared/polnear beside the repository (its
// train and dev texts, whichever are there), or from GRAPHD_POLNEAR; it
// is never part of the repository, and callers skip when it is absent.
package ingested

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

// Version names the generator: cached stores carry it in their name, so
// that a change of the articles it makes rebuilds them.
const Version = 1

// build names how Build writes a store: 2 since it writes batches through
// an ingest.Pipeline, and since key layout 6 holds both the binary records
// and the search segments (stores of the two earlier layouts called 6 are
// not reused).
const build = 2

// ErrNoCorpus means the PolNeAR texts are not beside the repository.
var ErrNoCorpus = errors.New("PolNeAR texts not found")

// Corpus is the texts articles are generated from.
type Corpus struct {
	texts []text
	start time.Time
	span  time.Duration
}

type text struct {
	name, outlet, date, title, body string
}

var outlets = map[string]string{
	"breitbart": "Breitbart", "huff-post": "HuffPost", "nyt": "The New York Times", "politico": "Politico",
	"usa-today": "USA Today", "wash-post": "The Washington Post", "west-journal": "The Western Journal",
}

var fileName = regexp.MustCompile(`^([a-z-]+)_(\d{4}-\d{2}-\d{2})_`)

// Dir is where the PolNeAR corpus is: GRAPHD_POLNEAR, else shared/polnear
// beside the repository whose package directory is the working directory
// of a test (two or three levels down).
func Dir() string {
	if d := os.Getenv("GRAPHD_POLNEAR"); d != "" {
		return d
	}
	for _, up := range []string{"../..", "../../..", ".."} {
		d := filepath.Join(up, "..", "shared", "polnear")
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	return filepath.Join("..", "..", "shared", "polnear")
}

// Load reads the texts of the corpus in dir: train/text and dev/text,
// whichever exist, in the order of the dates their file names give. It returns ErrNoCorpus when there
// are none.
func Load(dir string) (*Corpus, error) {
	c := &Corpus{start: time.Date(2015, 11, 1, 0, 0, 0, 0, time.UTC), span: 730 * 24 * time.Hour}
	for _, part := range []string{"train", "dev"} {
		root := filepath.Join(dir, part, "text")
		names, err := filepath.Glob(filepath.Join(root, "*.txt"))
		if err != nil {
			return nil, err
		}
		slices.Sort(names)
		for _, p := range names {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			title, body, _ := strings.Cut(string(b), "\n")
			base := filepath.Base(p)
			outlet, date := "", ""
			if m := fileName.FindStringSubmatch(base); m != nil {
				outlet, date = outlets[m[1]], m[2]
			}
			c.texts = append(c.texts, text{name: strings.TrimSuffix(base, ".txt"), outlet: outlet, date: date, title: title, body: body})
		}
	}
	if len(c.texts) == 0 {
		return nil, fmt.Errorf("%w in %s", ErrNoCorpus, dir)
	}
	// In the order they were published, as a feed brings them.
	slices.SortStableFunc(c.texts, func(a, b text) int { return strings.Compare(a.date, b.date) })
	return c, nil
}

// Len is the number of texts articles are generated from.
func (c *Corpus) Len() int { return len(c.texts) }

// Article returns article i of a corpus of n articles, the same for the
// same i and n.
func (c *Corpus) Article(i, n int) ingest.Article {
	t := c.texts[i%len(c.texts)]
	rng := rand.New(rand.NewPCG(uint64(i), Version))
	step := c.span / time.Duration(max(n, 1))
	published := c.start.Add(time.Duration(i)*step + time.Duration(rng.Int64N(int64(step)+1))).Truncate(time.Minute)
	return ingest.Article{
		ID:        fmt.Sprintf("gen-%d", i),
		URL:       fmt.Sprintf("https://generated.test/%d/%s", i, t.name),
		Title:     t.title,
		Outlet:    t.outlet,
		Published: published,
		Text:      shuffleQuotes(t.body, rng),
	}
}

// quoted finds quotations between curly or straight double quotation
// marks.
var quoted = regexp.MustCompile(`“[^“”]+”|"[^"]+"`)

// shuffleQuotes shuffles the words inside each quotation of s.
func shuffleQuotes(s string, rng *rand.Rand) string {
	return quoted.ReplaceAllStringFunc(s, func(q string) string {
		open, close := "“", "”"
		if strings.HasPrefix(q, `"`) {
			open, close = `"`, `"`
		}
		ws := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(q, open), close))
		rng.Shuffle(len(ws), func(a, b int) { ws[a], ws[b] = ws[b], ws[a] })
		return open + strings.Join(ws, " ") + close
	})
}

// Ingest stores articles from..to-1 of a corpus of n into s by real
// ingest, as `graphd ingest` does: an ingest.Pipeline extracting on every
// core and one writer committing batches in order. It calls progress, if
// not nil, after each article with the number done. ctx stops it; an
// article the extractor or the store refuses is skipped, as ingest skips
// it.
func (c *Corpus) Ingest(ctx context.Context, s *graph.Store, from, to, n int, progress func(done int)) error {
	p := ingest.NewPipeline(ctx, s, ingest.Options{})
	var failed error
	done := 0
	for i := from; i < to; i++ {
		err := p.Submit(ctx, c.Article(i, n), func(r ingest.Result) {
			// Called in submission order from the pipeline's writer. An
			// article not written as ctx stopped the pipeline is not done.
			var ie *ingest.InputError
			switch {
			case r.Err == nil || errors.As(r.Err, &ie):
			case ctx.Err() != nil && errors.Is(r.Err, ctx.Err()):
				return
			default:
				if failed == nil {
					failed = fmt.Errorf("article %d: %w", from+done, r.Err)
				}
				return
			}
			done++
			if progress != nil {
				progress(done)
			}
		})
		if err != nil {
			p.Close()
			return err
		}
	}
	p.Close()
	if failed == nil {
		failed = ctx.Err()
	}
	return failed
}

// Name is the name of the cached store of n articles:
// graphd-ingested-l<layout>-v<generator>-b<build>-<n>.
func Name(n int) string {
	return fmt.Sprintf("graphd-ingested-l%d-v%d-b%d-%d", graph.LayoutVersion, Version, build, n)
}

// Build ingests n articles into a new store in dir and closes it, leaving
// the search index as an ingest leaves it (MergePostings, as `graphd
// ingest` ends).
func (c *Corpus) Build(ctx context.Context, dir string, n int, progress func(done int)) error {
	s, err := graph.Open(dir, graph.Options{})
	if err != nil {
		return err
	}
	if err := c.Ingest(ctx, s, 0, n, n, progress); err != nil {
		s.Close()
		return err
	}
	if err := s.MergePostings(ctx); err != nil {
		s.Close()
		return err
	}
	return s.Close()
}

// CopyDir copies the store in src into a new directory dst, so that a
// benchmark may write to a copy of a cached store.
func CopyDir(dst, src string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(to)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// Cached returns the directory of a store of n ingested articles, built
// by Build once and cached in os.TempDir() under Name(n) (built beside
// and renamed into place, so that a build cut short is never used). It
// skips tb when the corpus is absent. Open the store read-only, or copy
// it (CopyDir) to write to it.
func Cached(tb testing.TB, n int) string {
	tb.Helper()
	dir := filepath.Join(os.TempDir(), Name(n))
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); err == nil {
		return dir
	}
	c, err := Load(Dir())
	if errors.Is(err, ErrNoCorpus) {
		tb.Skipf("no PolNeAR texts (GRAPHD_POLNEAR or ../shared/polnear): %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("building a store of %d ingested articles in %s", n, dir)
	tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".tmp-")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	start := time.Now()
	last := start
	err = c.Build(tb.Context(), tmp, n, func(done int) {
		if time.Since(last) > time.Minute {
			last = time.Now()
			tb.Logf("%d articles in %s", done, time.Since(start).Round(time.Second))
		}
	})
	if err != nil {
		tb.Fatalf("build the store of ingested articles: %v", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("built in %s", time.Since(start).Round(time.Second))
	return dir
}
