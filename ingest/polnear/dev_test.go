package polnear

import (
	"os"
	"path/filepath"
	"testing"
)

// corpusDir is where the PolNeAR corpus sits beside the repository (the
// repository's parent's shared/polnear); GRAPHD_POLNEAR overrides it.
func corpusDir() string {
	if d := os.Getenv("GRAPHD_POLNEAR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "polnear")
}

// TestDev scores the extractor on the dev month. The extractor is tuned
// against it, so the test checks only that the figures are figures.
func TestDev(t *testing.T) {
	dir := corpusDir()
	if _, err := os.Stat(filepath.Join(dir, "dev")); err != nil {
		t.Skipf("no PolNeAR corpus at %s (set GRAPHD_POLNEAR)", dir)
	}
	meta, err := ReadMetadata(filepath.Join(dir, "metadata.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	gold, err := LoadMonth(filepath.Join(dir, "dev"), meta)
	if err != nil {
		t.Fatal(err)
	}
	pred := make([]Doc, len(gold))
	for i, d := range gold {
		pred[i] = Predict(d)
	}
	r := Score(gold, pred)
	if r.Articles != len(gold) || len(r.Roles) != len(Roles) {
		t.Fatalf("report of %d articles and %d roles", r.Articles, len(r.Roles))
	}
	check := func(what string, p PRF) {
		t.Helper()
		if p.Gold == 0 {
			t.Errorf("%s: no gold", what)
		}
		for _, v := range []float64{p.Precision, p.Recall, p.F1} {
			if !(v >= 0 && v <= 100) {
				t.Errorf("%s: %+v not in [0, 100]", what, p)
			}
		}
		if p.MatchedGold > p.Gold || p.MatchedPred > p.Pred {
			t.Errorf("%s: more matched than there are: %+v", what, p)
		}
	}
	for _, rr := range r.Roles {
		check(rr.Role+" exact", rr.Exact)
		check(rr.Role+" token", rr.Token)
	}
	check("attributions", r.Attributions.All)
	check("quoted", r.Attributions.Quoted)
	check("unquoted", r.Attributions.Unquoted)
	a := r.Attributions
	if a.Quoted.Gold+a.Unquoted.Gold != a.All.Gold || a.Quoted.Pred+a.Unquoted.Pred != a.All.Pred {
		t.Errorf("quoted and unquoted do not add up: %+v", a)
	}
	t.Logf("dev: %d articles, %d gold and %d predicted attributions, F1 %.1f",
		r.Articles, a.All.Gold, a.All.Pred, a.All.F1)
}
