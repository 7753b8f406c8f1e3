package graph_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// dump reads a whole store through a snapshot, for comparing two.
type dump struct {
	Counts      graph.Counts
	Articles    []graph.Article
	Quotes      []graph.Quote
	Occurrences map[uuid.UUID][]graph.Occurrence
	Speakers    []graph.SpeakerRecord
	People      []graph.Speaker // the canonical speaker of each record
	Venues      []graph.Venue
	Outlets     []graph.Outlet
	Candidates  []graph.CandidateRecord
	Decisions   []graph.Decision
}

func dumpStore(t *testing.T, s *graph.Store) dump {
	t.Helper()
	ctx := t.Context()
	sn, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	d := dump{Occurrences: map[uuid.UUID][]graph.Occurrence{}}
	if d.Counts, err = sn.Counts(); err != nil {
		t.Fatal(err)
	}
	errs := []error{
		sn.Articles(ctx, true, func(a graph.Article) error { d.Articles = append(d.Articles, a); return nil }),
		sn.AllQuotes(ctx, func(q graph.Quote) error {
			d.Quotes = append(d.Quotes, q)
			occs, err := sn.Occurrences(q)
			d.Occurrences[q.ID] = occs
			return err
		}),
		sn.SpeakerRecords(ctx, func(v graph.SpeakerRecord) error {
			d.Speakers = append(d.Speakers, v)
			p, err := sn.Speaker(v.ID)
			d.People = append(d.People, p)
			return err
		}),
		sn.Venues(ctx, func(v graph.Venue) error { d.Venues = append(d.Venues, v); return nil }),
		sn.Outlets(ctx, func(v graph.Outlet) error { d.Outlets = append(d.Outlets, v); return nil }),
		sn.CandidateRecords(ctx, func(c graph.CandidateRecord) error { d.Candidates = append(d.Candidates, c); return nil }),
		sn.Decisions(ctx, func(v graph.Decision) error { d.Decisions = append(d.Decisions, v); return nil }),
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
		errs = append(errs, l.SpeakerRecord(v))
	}
	for _, v := range d.Venues {
		errs = append(errs, l.Venue(v))
	}
	for _, a := range d.Articles {
		errs = append(errs, l.Article(a))
	}
	for _, q := range d.Quotes {
		errs = append(errs, l.Statement(q, d.Occurrences[q.ID]))
	}
	for _, c := range d.Candidates {
		errs = append(errs, l.CandidateRecord(c))
	}
	for _, v := range d.Decisions {
		errs = append(errs, l.Decision(v))
	}
	if err := errors.Join(errs...); err != nil {
		l.Abort()
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// A store loaded from another's records is the same store: the same
// records, printings, clusters of speaker records, candidates, decisions
// and copies, and (graphtest checks) the same indexes and counts.
func TestLoad(t *testing.T) {
	ctx := t.Context()
	src := graphtest.Open(t)
	put(t, src, articleA1(), articleA2(), articleA3())
	putSearchCorpus(t, src)
	put(t, src, generate(7, 12, 80).articles...)
	put(t, src, silvaArticles()...)
	cands, _, err := src.Candidates(ctx, graph.Page{})
	if err != nil || len(cands) == 0 {
		t.Fatalf("candidates %v, %v", cands, err)
	}
	if _, err := src.RejectCandidate(ctx, cands[0].ID); err != nil {
		t.Fatal(err)
	}
	want := dumpStore(t, src)
	// What the load must carry is there to carry.
	printed, merged, copies := 0, 0, 0
	for _, occs := range want.Occurrences {
		if len(occs) > 1 {
			printed++
		}
	}
	for _, sp := range want.Speakers {
		if sp.Merge != nil {
			merged++
		}
	}
	for _, a := range want.Articles {
		if a.CopyOf != nil {
			copies++
		}
	}
	if printed == 0 || merged == 0 || copies == 0 || len(want.Candidates) == 0 || len(want.Decisions) == 0 {
		t.Fatalf("the source has %d quotes printed twice or more, %d merged records, %d copies, %d candidates, %d decisions",
			printed, merged, copies, len(want.Candidates), len(want.Decisions))
	}
	// A snapshot reads the printings as the store does.
	for id, occs := range want.Occurrences {
		got, err := src.Occurrences(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, occs, cmpopts.IgnoreFields(graph.Occurrence{}, "Diff")); diff != "" {
			t.Fatalf("Snapshot.Occurrences of %s (-Store.Occurrences +snapshot):\n%s", id, diff)
		}
	}
	dst := graphtest.Open(t)
	load(t, dst, want)
	if diff := cmp.Diff(want, dumpStore(t, dst)); diff != "" {
		t.Errorf("loaded store (-want +got):\n%s", diff)
	}
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
	// PutArticle goes on from a loaded store: the same article is
	// unchanged, and a reprint joins its quote through the match index.
	if r := put(t, dst, articleA2())[0]; !r.Unchanged {
		t.Errorf("re-put into the loaded store: %+v", r)
	}
	again := articleA1()
	again.URL = "https://example.com/a1-again"
	if r := put(t, dst, again)[0]; r.NewQuotes != 0 {
		t.Errorf("a reprint of A1 into the loaded store made %d new quotes, want none", r.NewQuotes)
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
		{"unknown speaker", func(l *graph.Loader) error { l.Article(a); return l.Quote(q) }},
		{"span out of the text", func(l *graph.Loader) error {
			l.Speaker(sp)
			l.Article(a)
			q := q
			q.Spans = []graph.Span{{10, 99}}
			return l.Quote(q)
		}},
		{"wrong hash", func(l *graph.Loader) error { a := a; a.Hash = "00"; return l.Article(a) }},
		{"two printings in one article", func(l *graph.Loader) error {
			l.Speaker(sp)
			l.Article(a)
			o := graph.Occurrence{ArticleID: a.ID, Text: "yes", Kind: graph.KindDirect, Match: "first", Score: 1}
			return l.Statement(q, []graph.Occurrence{o, o})
		}},
		{"a text no printing has", func(l *graph.Loader) error {
			l.Article(a)
			return l.Statement(graph.Quote{ID: q.ID, Text: "no"}, []graph.Occurrence{{ArticleID: a.ID, Text: "yes", Kind: graph.KindDirect, Match: "first", Score: 1}})
		}},
		{"an unknown match", func(l *graph.Loader) error {
			l.Article(a)
			return l.Statement(graph.Quote{ID: q.ID, Text: "yes"}, []graph.Occurrence{{ArticleID: a.ID, Text: "yes", Kind: graph.KindDirect, Match: "guess"}})
		}},
		{"a decision on names not normalized", func(l *graph.Loader) error {
			return l.Decision(graph.Decision{Names: [2]string{"Ana Silva", "anna silva"}, Action: graph.DecisionApart})
		}},
		{"a parent without a canonical speaker", func(l *graph.Loader) error {
			return l.SpeakerRecord(graph.SpeakerRecord{ID: uuid.New(), Name: "Ana Silva", Parent: sp.ID})
		}},
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

// Two speakers whose names fold alike load (a store upgraded to a fold
// that folds more holds such pairs); the name finds the first.
func TestLoadOneNameTwice(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	l, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first, second := uuid.MustParse("01900000-0000-7000-8000-000000000001"), uuid.MustParse("01900000-0000-7000-8000-000000000002")
	for _, sp := range []graph.Speaker{{ID: first, Name: "Ana Silva"}, {ID: second, Name: "ANA SILVA"}} {
		if err := l.Speaker(sp); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if sp, err := s.SpeakerByName(ctx, "ana silva"); err != nil || sp.ID != first {
		t.Errorf("SpeakerByName = %v, %v; want %s", sp.ID, err, first)
	}
}

// A load given up, or one whose records do not hold together, deletes
// what it wrote: the store is empty, consistent and open to another load.
func TestLoadAbort(t *testing.T) {
	ctx := t.Context()
	outlet := graph.Outlet{ID: uuid.New(), Name: "Wire"}
	root, member := uuid.New(), uuid.New()
	tests := []struct {
		name  string
		do    func(*graph.Loader) error
		close bool
	}{
		{"abort", func(l *graph.Loader) error { return l.Outlet(outlet) }, false},
		{"member of a missing speaker", func(l *graph.Loader) error {
			return l.SpeakerRecord(graph.SpeakerRecord{ID: member, Name: "Sergei Lavrov", Canonical: root, Parent: root,
				Merge: &graph.MergeLink{Confidence: 0.9, By: graph.ByAuto}})
		}, true},
		{"a canonical speaker not listing its member", func(l *graph.Loader) error {
			l.SpeakerRecord(graph.SpeakerRecord{ID: root, Name: "Sergey Lavrov"})
			return l.SpeakerRecord(graph.SpeakerRecord{ID: member, Name: "Sergei Lavrov", Canonical: root, Parent: root,
				Merge: &graph.MergeLink{Confidence: 0.9, By: graph.ByAuto}})
		}, true},
		{"copy of a missing article", func(l *graph.Loader) error {
			return l.Article(graph.Article{ID: uuid.New(), URL: "https://x.test/copy", Text: "Copied.",
				CopyOf: &graph.CopyLink{Original: uuid.New(), Score: 0.5}})
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := graph.Open(t.TempDir(), graph.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			l, err := s.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.do(l); err != nil {
				t.Fatal(err)
			}
			if tt.close {
				if err := l.Close(); !errors.Is(err, graph.ErrInvalid) {
					t.Errorf("Close: %v, want ErrInvalid", err)
				}
			} else if err := l.Abort(); err != nil {
				t.Fatal(err)
			}
			if c, err := s.Counts(ctx); err != nil || c != (graph.Counts{}) {
				t.Errorf("after the failed load: %+v, %v", c, err)
			}
			if err := s.Check(ctx); err != nil {
				t.Error(err)
			}
			l, err = s.Load(ctx)
			if err != nil {
				t.Fatalf("a second load: %v", err)
			}
			if err := errors.Join(l.Outlet(outlet), l.Close()); err != nil {
				t.Fatal(err)
			}
		})
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

// A watcher's printings are the statements and printings as the write
// left them: a known statement printed again in other words compares
// with the canonical text, and names its speaker's person, as
// Occurrences does.
func TestWatchPrintings(t *testing.T) {
	ctx := t.Context()
	s := graphtest.Open(t)
	ch := s.Watch(ctx, 2)
	put(t, s, benchArticleEdited(0, 3, true))
	first := <-ch
	// Two speakers of the first article made one person: the reworded
	// printing of the second names the person, not the record.
	a, b := first.Quotes[0].SpeakerID, first.Quotes[1].SpeakerID
	merged, err := s.MergeSpeakers(ctx, a, b, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, benchArticleEdited(97, 3, true))
	again := <-ch
	ps := first.Printings()
	if len(ps) != 3 {
		t.Fatalf("first article: %d printings, want 3", len(ps))
	}
	for i, p := range ps {
		if !p.New || p.Quote.ID != first.Quotes[i].ID || p.Quote.Occurrences != 1 || p.Occurrence.Text != p.Quote.Text ||
			len(p.Occurrence.Diff) != 1 || p.Occurrence.Diff[0].Op != graph.DiffEqual || p.Occurrence.Speaker == "" {
			t.Errorf("printing %d of a new statement: %+v", i, p)
		}
	}
	ps = again.Printings()
	if len(ps) != 3 || len(again.Quotes) != 0 {
		t.Fatalf("reworded article: %d printings and %d new statements, want 3 and none", len(ps), len(again.Quotes))
	}
	for i, p := range ps {
		if p.New || p.Quote.ID != first.Quotes[i].ID || p.Quote.Occurrences != 2 || p.Occurrence.Text == p.Quote.Text {
			t.Errorf("printing %d of a known statement: %+v", i, p)
			continue
		}
		occs, err := s.Occurrences(ctx, p.Quote.ID)
		if err != nil {
			t.Fatal(err)
		}
		var stored graph.Occurrence
		for _, o := range occs {
			if o.ID == p.Occurrence.ID {
				stored = o
			}
		}
		if diff := cmp.Diff(stored, p.Occurrence); diff != "" {
			t.Errorf("printing %d against Occurrences (-stored +printing):\n%s", i, diff)
		}
		if !slices.ContainsFunc(p.Occurrence.Diff, func(d graph.DiffOp) bool { return d.Op == graph.DiffInsert }) {
			t.Errorf("printing %d: no inserted words in %+v", i, p.Occurrence.Diff)
		}
	}
	if p := ps[1].Occurrence; p.SpeakerRecord != b || p.SpeakerID != merged.ID {
		t.Errorf("printing of the merged speaker: record %s, person %s; want %s and %s", p.SpeakerRecord, p.SpeakerID, b, merged.ID)
	}
	if &again.Printings()[0] != &ps[0] {
		t.Error("a second call made the printings again")
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
