package ingest

import (
	"os"
	"path/filepath"
	"testing"
)

// polnearDir is where the PolNeAR corpus sits beside the repository;
// GRAPHD_POLNEAR overrides it. Tests and benchmarks that need it skip when
// it is absent.
func polnearDir() string {
	if d := os.Getenv("GRAPHD_POLNEAR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "polnear")
}

func loadTexts(tb testing.TB, glob string) []Article {
	tb.Helper()
	files, _ := filepath.Glob(glob)
	var arts []Article
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		arts = append(arts, Article{Path: f, Text: string(b)})
	}
	return arts
}

// BenchmarkExtract measures extraction over whole corpora: one op is every
// article of the corpus once; articles/s is reported as a metric.
func BenchmarkExtract(b *testing.B) {
	corpora := []struct{ name, glob string }{
		{"seeds", filepath.Join("..", "testdata", "seeds", "*.txt")},
		{"polnear-dev", filepath.Join(polnearDir(), "dev", "text", "*.txt")},
	}
	for _, c := range corpora {
		b.Run(c.name, func(b *testing.B) {
			arts := loadTexts(b, c.glob)
			if len(arts) == 0 {
				b.Skipf("no texts at %s", c.glob)
			}
			var bytes int64
			for _, a := range arts {
				bytes += int64(len(a.Text))
			}
			b.SetBytes(bytes)
			b.ReportAllocs()
			for b.Loop() {
				for _, a := range arts {
					Extract(a)
				}
			}
			b.ReportMetric(float64(b.N*len(arts))/b.Elapsed().Seconds(), "articles/s")
		})
	}
}

// TestExtractPolNeAR runs the extractor over the PolNeAR dev texts, when
// present, and checks the invariants of every attribution.
func TestExtractPolNeAR(t *testing.T) {
	arts := loadTexts(t, filepath.Join(polnearDir(), "dev", "text", "*.txt"))
	if len(arts) == 0 {
		t.Skip("PolNeAR dev texts not found beside the repository")
	}
	n := 0
	for _, a := range arts {
		got := Extract(a)
		checkAttributions(t, a.Text, got)
		n += len(got)
	}
	t.Logf("%d attributions in %d articles", n, len(arts))
}
