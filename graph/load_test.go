package graph_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// dump reads a whole store through a snapshot, for comparing two.
type dump struct {
	Counts   graph.Counts
	Articles []graph.Article
	Quotes   []graph.Quote
	Speakers []graph.Speaker
	Venues   []graph.Venue
	Outlets  []graph.Outlet
}

func dumpStore(t *testing.T, s *graph.Store) dump {
	t.Helper()
	ctx := t.Context()
	sn, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	var d dump
	if d.Counts, err = sn.Counts(); err != nil {
		t.Fatal(err)
	}
	errs := []error{
		sn.Articles(ctx, true, func(a graph.Article) error { d.Articles = append(d.Articles, a); return nil }),
		sn.Quotes(ctx, graph.QuoteFilter{}, func(q graph.Quote) error { d.Quotes = append(d.Quotes, q); return nil }),
		sn.Speakers(ctx, func(v graph.Speaker) error { d.Speakers = append(d.Speakers, v); return nil }),
		sn.Venues(ctx, func(v graph.Venue) error { d.Venues = append(d.Venues, v); return nil }),
		sn.Outlets(ctx, func(v graph.Outlet) error { d.Outlets = append(d.Outlets, v); return nil }),
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return d
}

// load copies src into dst with a Loader, records in dependency order.
func load(t *testing.T, dst *graph.Store, d dump) {
	t.Helper()
	l, err := dst.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for _, o := range d.Outlets {
		errs = append(errs, l.Outlet(o))
	}
	for _, v := range d.Speakers {
		errs = append(errs, l.Speaker(v))
	}
	for _, v := range d.Venues {
		errs = append(errs, l.Venue(v))
	}
	for _, a := range d.Articles {
		errs = append(errs, l.Article(a))
	}
	for _, q := range d.Quotes {
		errs = append(errs, l.Quote(q))
	}
	if err := errors.Join(errs...); err != nil {
		l.Abort()
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// A store loaded from another's records is the same store: same records,
// and (graphtest checks) the same indexes and counts.
func TestLoad(t *testing.T) {
	src := graphtest.Open(t)
	put(t, src, articleA1(), articleA2(), articleA3())
	putSearchCorpus(t, src)
	want := dumpStore(t, src)
	dst := graphtest.Open(t)
	load(t, dst, want)
	if diff := cmp.Diff(want, dumpStore(t, dst)); diff != "" {
		t.Errorf("loaded store (-want +got):\n%s", diff)
	}
	ctx := t.Context()
	for _, f := range []graph.QuoteFilter{{Search: "peace", Order: graph.OrderRelevance}, {Kinds: []string{graph.KindPartial}}} {
		a, _, err1 := src.Quotes(ctx, f, graph.Page{})
		b, _, err2 := dst.Quotes(ctx, f, graph.Page{})
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("Quotes(%+v) differ (-src +loaded):\n%s", f, diff)
		}
	}
	// PutArticle goes on from a loaded store: the same article is unchanged.
	if r := put(t, dst, articleA2())[0]; !r.Unchanged {
		t.Errorf("re-put into the loaded store: %+v", r)
	}
}

func TestLoadRefuses(t *testing.T) {
	ctx := t.Context()
	full := graphtest.Open(t)
	put(t, full, articleA1())
	if _, err := full.Load(ctx); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("Load of a store with articles: %v", err)
	}
	sp := graph.Speaker{ID: uuid.New(), Name: "Ana Silva"}
	a := graph.Article{ID: uuid.New(), URL: "https://x.test/a", Text: `Ana said "yes".`}
	q := graph.Quote{ID: uuid.New(), ArticleID: a.ID, SpeakerID: sp.ID, Text: "yes", Kind: graph.KindDirect, Spans: []graph.Span{{10, 13}}, Confidence: 0.5}
	tests := []struct {
		name string
		do   func(*graph.Loader) error
	}{
		{"quote before its article", func(l *graph.Loader) error { return l.Quote(q) }},
		{"speaker twice", func(l *graph.Loader) error { l.Speaker(sp); return l.Speaker(sp) }},
		{"two speakers of one name", func(l *graph.Loader) error {
			l.Speaker(sp)
			return l.Speaker(graph.Speaker{ID: uuid.New(), Name: "ANA SILVA"})
		}},
		{"unknown speaker", func(l *graph.Loader) error { l.Article(a); return l.Quote(q) }},
		{"span out of the text", func(l *graph.Loader) error {
			l.Speaker(sp)
			l.Article(a)
			q := q
			q.Spans = []graph.Span{{10, 99}}
			return l.Quote(q)
		}},
		{"wrong hash", func(l *graph.Loader) error { a := a; a.Hash = "00"; return l.Article(a) }},
		{"no id", func(l *graph.Loader) error { return l.Venue(graph.Venue{Name: "CNN", Kind: graph.VenueBroadcast}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := graphtest.Open(t)
			l, err := s.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Abort()
			if err := tt.do(l); !errors.Is(err, graph.ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
		})
	}
}

// A load that did not finish leaves a store that Open refuses.
func TestLoadUnfinished(t *testing.T) {
	dir := t.TempDir()
	s, err := graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	l.Outlet(graph.Outlet{ID: uuid.New(), Name: "Wire"})
	l.Abort()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err := graph.Open(dir, graph.Options{}); err == nil {
		s.Close()
		t.Fatal("Open of an unfinished load succeeded")
	} else if !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("Open: %v", err)
	}
}

func TestWatch(t *testing.T) {
	s := graphtest.Open(t)
	ctx, cancel := context.WithCancel(t.Context())
	ch := s.Watch(ctx, 2)
	res := put(t, s, articleA1())
	c := <-ch
	if c.Article.ID != res[0].Article.ID || c.Article.Text != "" || len(c.Quotes) != 3 || c.Missed != 0 {
		t.Errorf("change = %+v", c)
	}
	if c.Quotes[0].Text != "The talks are over." || c.Quotes[0].SpeakerID == uuid.Nil {
		t.Errorf("first quote of the change: %+v", c.Quotes[0])
	}
	put(t, s, articleA1()) // unchanged: no change
	put(t, s, articleA2(), articleA3())
	if c := <-ch; c.Article.URL != articleA2().URL {
		t.Errorf("after an unchanged re-put, change of %q", c.Article.URL)
	}
	<-ch
	// A watcher that does not keep up loses changes and learns how many.
	for i := range 5 {
		a := articleA3()
		a.SourceID = "x-" + string(rune('a'+i))
		put(t, s, a)
	}
	<-ch
	<-ch
	a := articleA3()
	a.SourceID = "last"
	put(t, s, a)
	if c := <-ch; c.Missed != 3 {
		t.Errorf("Missed = %d, want 3", c.Missed)
	}
	cancel()
	if _, ok := <-ch; ok {
		t.Error("channel open after cancel")
	}
	ch2 := s.Watch(t.Context(), 1)
	s.Close()
	if _, ok := <-ch2; ok {
		t.Error("channel open after Close")
	}
}

func TestSnapshot(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	put(t, s, articleA1())
	sn, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, articleA2())
	n := 0
	if err := sn.Quotes(ctx, graph.QuoteFilter{}, func(graph.Quote) error { n++; return nil }); err != nil || n != 3 {
		t.Errorf("snapshot sees %d quotes (%v), want the 3 from before", n, err)
	}
	// Close waits for the snapshot, whose reads fail meanwhile.
	closed := make(chan error)
	go func() { closed <- s.Close() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := sn.Quotes(ctx, graph.QuoteFilter{}, func(graph.Quote) error { return nil })
		if errors.Is(err, graph.ErrClosed) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("snapshot reads go on while the store closes")
		}
		runtime.Gosched()
	}
	sn.Close()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}
