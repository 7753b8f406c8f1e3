package export_test

import (
	"io"
	"testing"
	"time"

	"github.com/graphd/graphd/export"
	"github.com/graphd/graphd/graph/graphtest"
)

// BenchmarkExport exports the whole of a store of 100,000 generated
// articles (about 500,000 quotations; graphtest.LargeStore) and reports
// quotations a second.
func BenchmarkExport(b *testing.B) {
	st := graphtest.LargeStore(b, 100_000)
	for _, f := range export.Formats {
		b.Run(string(f), func(b *testing.B) {
			var n int
			var took time.Duration
			for b.Loop() {
				start := time.Now()
				var c export.Counts
				var err error
				if f.Files() != nil {
					// As graphd export --out DIR writes them; over HTTP
					// they are zipped besides.
					c, err = export.WriteFiles(b.Context(), st.Store, f, func(string) (io.Writer, error) { return io.Discard, nil }, export.Options{})
				} else {
					c, err = export.Write(b.Context(), st.Store, io.Discard, f, export.Options{})
				}
				if err != nil {
					b.Fatal(err)
				}
				n += c.Quotes
				took += time.Since(start)
			}
			b.ReportMetric(float64(n)/took.Seconds(), "quotes/s")
		})
	}
}
