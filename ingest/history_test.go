package ingest

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestExtractForgetsEarlierArticles extracts the PolNeAR train texts in
// their order and again in the reverse order: an article's attributions
// do not depend on which articles the tagger's reused buffers and caches
// saw before it, so a worker gives what a local ingest gives.
func TestExtractForgetsEarlierArticles(t *testing.T) {
	arts := loadTexts(t, filepath.Join(polnearDir(), "train", "text", "*.txt"))
	if len(arts) == 0 {
		t.Skipf("no PolNeAR train texts under %s (set GRAPHD_POLNEAR)", polnearDir())
	}
	if testing.Short() {
		arts = arts[:min(len(arts), 200)]
	}
	forward := make([]string, len(arts))
	for i, a := range arts {
		forward[i] = extracted(t, a)
	}
	for i, a := range slices.Backward(arts) {
		if diff := cmp.Diff(forward[i], extracted(t, a)); diff != "" {
			t.Errorf("%s: extracted after the articles before it and after those after it differ (-before +after):\n%s", a.Path, diff)
		}
	}
}

func extracted(t *testing.T, a Article) string {
	t.Helper()
	q, err := extractArticle(context.Background(), a)
	if err != nil {
		return err.Error()
	}
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
