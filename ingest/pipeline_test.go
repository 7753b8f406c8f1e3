package ingest

import (
	"cmp"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

func TestStore(t *testing.T) {
	s := graphtest.Open(t)
	ctx := t.Context()
	arts, err := ReadFile(filepath.Join("..", "testdata", "seeds", "000_f870fa87edc7ab14.txt"))
	if err != nil {
		t.Fatal(err)
	}
	a := arts[0]
	want := Extract(a)
	res, err := Store(ctx, s, a)
	if err != nil {
		t.Fatal(err)
	}
	if res.Quotes != len(want) || res.Unchanged {
		t.Fatalf("first store: %+v, want %d quotes", res, len(want))
	}
	if !res.Article.Published.Equal(time.Date(2025, 2, 17, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("published %v", res.Article.Published)
	}
	again, err := Store(ctx, s, a)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Unchanged {
		t.Errorf("second store of the same text: %+v", again)
	}
	qs, _, err := s.Quotes(ctx, graph.QuoteFilter{ArticleID: res.Article.ID}, graph.Page{First: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != len(want) {
		t.Fatalf("stored %d quotes, extracted %d", len(qs), len(want))
	}
	stances := 0
	for i, q := range qs {
		w := want[i]
		if q.Text != w.Quote || q.Kind != w.Kind {
			t.Errorf("quote %d: %q %s, want %q %s", i, q.Text, q.Kind, w.Quote, w.Kind)
		}
		if ck := cmp.Or(w.CueKind, CueSpeech); q.CueKind != ck {
			t.Errorf("quote %d: cue kind %q, want %q", i, q.CueKind, ck)
		}
		if q.CueKind == CueStance {
			stances++
		}
		if (q.SpeakerID != uuid.Nil) != (w.Speaker != "") {
			t.Errorf("quote %d: speaker id %v for speaker %q", i, q.SpeakerID, w.Speaker)
		}
		if w.Speaker != "" {
			sp, err := s.Speaker(ctx, q.SpeakerID)
			if err != nil || sp.Name != w.Speaker {
				t.Errorf("quote %d: speaker %q (%v), want %q", i, sp.Name, err, w.Speaker)
			}
		}
	}
	// a belief is a stance: its cue kind reaches the store too (the seed
	// article may hold none, as the extractor reads it)
	belief := Article{Path: "belief.txt", Text: "Bridge plans\n\nMayor Tom Reed believes that the new bridge will open in May.\n"}
	bres, err := Store(ctx, s, belief)
	if err != nil {
		t.Fatal(err)
	}
	bqs, _, err := s.Quotes(ctx, graph.QuoteFilter{ArticleID: bres.Article.ID}, graph.Page{First: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range bqs {
		if q.CueKind == CueStance {
			stances++
		}
	}
	if stances == 0 {
		t.Error("no quotation stored as a stance")
	}
	if _, err := Store(ctx, s, Article{Path: "empty.txt"}); err == nil {
		t.Error("storing an article with no text succeeded")
	}
}

// BenchmarkIngest measures extraction and the write to an on-disk Badger
// store together, one article per op.
func BenchmarkIngest(b *testing.B) {
	arts := loadTexts(b, filepath.Join("..", "testdata", "seeds", "*.txt"))
	s, err := graph.Open(b.TempDir(), graph.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := b.Context()
	var bytes int64
	for _, a := range arts {
		bytes += int64(len(a.Text))
	}
	b.SetBytes(bytes / int64(len(arts)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a := arts[i%len(arts)]
		// A new text each time, so that every op is a real write.
		a.Text += fmt.Sprintf("\n\n“Line %d,” said Ann Lee.", i)
		a.URL = fmt.Sprintf("https://news.example/%d", i)
		if _, err := Store(ctx, s, a); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}
