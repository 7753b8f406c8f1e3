package polnear

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/graphd/graphd/ingest"
)

func TestDiag(t *testing.T) {
	dir := "/work/shared/polnear/dev"
	meta, _ := ReadMetadata(filepath.Join(dir, "..", "metadata.tsv"))
	gold, _ := LoadMonth(dir, meta)
	ov := func(a, b []ingest.Span) bool {
		for _, x := range a {
			for _, y := range b {
				if max(x.Start, y.Start) < min(x.End, y.End) {
					return true
				}
			}
		}
		return false
	}
	cueFound, cueFoundMatched, total := 0, 0, 0
	srcOK, conOK := 0, 0
	for _, g := range gold {
		p := Predict(g)
		for _, ga := range g.Attributions {
			total++
			for _, pa := range p.Attributions {
				if ov(ga.Cue, pa.Cue) {
					cueFound++
					if ov(ga.Source, pa.Source) || len(ga.Source) == 0 && len(pa.Source) == 0 {
						srcOK++
					}
					if ov(ga.Content, pa.Content) {
						conOK++
					}
					break
				}
			}
		}
		_ = cueFoundMatched
	}
	fmt.Println("gold", total, "cue found", cueFound, "src overlaps", srcOK, "content overlaps", conOK)
}
