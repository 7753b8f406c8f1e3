package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
)

// segArticle is an article at url, on day (2025-01-01 plus day), whose
// speaker says each of quotes.
func segArticle(url string, day int, speaker string, quotes ...string) ArticleInput {
	text := "Report."
	var qs []QuoteInput
	for _, q := range quotes {
		text += " " + speaker + ` said: "`
		start := utf8.RuneCountInString(text)
		text += q + `"`
		qs = append(qs, QuoteInput{Text: q, Kind: KindDirect, Confidence: 0.9,
			Spans: []Span{{start, start + utf8.RuneCountInString(q)}}, Speaker: &SpeakerRef{Name: speaker}})
	}
	return ArticleInput{URL: url, Outlet: "Wire", Published: time.Date(2025, 1, 1+day, 0, 0, 0, 0, time.UTC), Text: text, Quotes: qs}
}

func segPut(t *testing.T, s *Store, ins ...ArticleInput) {
	t.Helper()
	for _, in := range ins {
		if _, err := s.PutArticle(t.Context(), in); err != nil {
			t.Fatalf("PutArticle(%s): %v", in.URL, err)
		}
	}
}

func segStats(t *testing.T, s *Store) SearchStats {
	t.Helper()
	st, err := s.SearchStats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func segCheck(t *testing.T, s *Store) {
	t.Helper()
	if err := s.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func segCount(t *testing.T, s *Store, search string) int {
	t.Helper()
	_, info, err := s.Quotes(t.Context(), QuoteFilter{Search: search}, Page{})
	if err != nil {
		t.Fatal(err)
	}
	return info.TotalCount
}

// A write adds one segment of a few keys and deletes none: a quote it
// changes is marked deleted in the segment that holds it, by one key.
func TestSegmentWrite(t *testing.T) {
	s, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	segPut(t, s, segArticle("https://a.test/1", 0, "Dmitry Peskov",
		"Nothing has changed since the summit in Riyadh last week.",
		"The delegations will meet again when the experts have finished their work on the draft.",
		"We are ready to talk to anyone who wants to talk to us seriously and without conditions.",
		"The sanctions have not worked and they will not work in the future either, whatever they say.",
		"Our position on the question of the borders has been stated many times and remains the same."))
	st := segStats(t, s)
	// A block of postings, a block of the dictionary, the directory.
	if st.Segments != 1 || st.KeysSet != 3 || st.KeysDeleted != 0 || st.Deleted != 0 {
		t.Errorf("after one article: %+v", st)
	}
	// A reprint, longer: the quote's canonical text changes, so its
	// postings in segment 1 are deleted and new ones written in segment 2.
	segPut(t, s, segArticle("https://b.test/1", 1, "Dmitry Peskov", "Nothing has changed since the summit in Riyadh last week, and nothing will change."))
	st = segStats(t, s)
	if st.Segments != 2 || st.KeysSet != 3+4 || st.KeysDeleted != 0 || st.Deleted != 10 {
		t.Errorf("after a reprint: %+v; want 2 segments, 4 keys more (block, dictionary, deletions, directory), the 10 postings of the old text deleted", st)
	}
	err = s.db.View(func(txn *badger.Txn) error {
		ok, err := has(txn, key.SegmentDeletes(1, 2))
		if err == nil && !ok {
			t.Error("no deletions of segment 1 by write 2")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	segCheck(t, s)
	if n := segCount(t, s, "nothing will change"); n != 1 {
		t.Errorf("nothing will change: %d quotes", n)
	}
	if n := segCount(t, s, "summit riyadh"); n != 1 {
		t.Errorf("summit riyadh: %d quotes, want the one quote once", n)
	}
	// A replaced article's quotes are taken out.
	segPut(t, s, segArticle("https://c.test/1", 2, "Ana Silva", "Fish."))
	segPut(t, s, segArticle("https://c.test/1", 2, "Ana Silva", "Fish and chips."))
	if n := segCount(t, s, "fish"); n != 1 {
		t.Errorf("fish: %d quotes", n)
	}
	segCheck(t, s)
}

// scores returns the BM25 score of every quote a search matches, by text.
func scores(t *testing.T, s *Store, q string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	err := s.db.View(func(txn *badger.Txn) error {
		p, err := planQuotes(txn, &s.segs, QuoteFilter{Search: q, Order: OrderRelevance}, false)
		if err != nil {
			return err
		}
		defer p.close()
		return p.each(t.Context(), p.start(), func(c []byte) (bool, error) {
			var r quoteRec
			if err := load(txn, key.KindQuote, key.SuffixQuote(c), &r); err != nil {
				return false, err
			}
			out[r.Text] = p.score()
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Ranking is exact whatever the segments: a store whose quotes changed
// (their old postings deleted, not yet merged away), the same store
// merged into one segment, and a store that holds the final quotes alone
// give every match the same score.
func TestSegmentRankingExact(t *testing.T) {
	final := []ArticleInput{
		segArticle("https://r.test/1", 0, "Ana Silva", "Peace talks will resume in spring, peace at last."),
		segArticle("https://r.test/2", 1, "Ben Cole", "No peace without justice."),
		segArticle("https://r.test/3", 2, "Carl Diaz", "The talks failed."),
		segArticle("https://r.test/4", 3, "Dora Ek", "We talked and talked about peace and the talks."),
	}
	// Articles that stay, enough to fill a level of segments, which merge.
	var stay []ArticleInput
	for i, q := range []string{
		"The harbour reopens in spring after the long repairs of its walls and piers.",
		"Fishing quotas must be shared more fairly among the islands of the north.",
		"Exports of cheese rose sharply this year, the best result in a decade.",
		"The new bridge will carry trains as well as cars from next autumn.",
		"Teachers will get a raise once the budget is approved by parliament.",
		"Our orchestra plays Mahler in the cathedral every first Sunday of June.",
		"Wolves have returned to the valley, and the farmers are worried about sheep.",
	} {
		stay = append(stay, segArticle(fmt.Sprintf("https://stay.test/%d", i), 10+i, fmt.Sprintf("Speaker Number%c", 'A'+i), q))
	}
	changed, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer changed.Close()
	// First another text under the same URL, merged with those that stay,
	// then the final ones: the postings of the first are deleted.
	segPut(t, changed, segArticle("https://r.test/1", 0, "Ana Silva", "Peace talks, peace talks, talks."))
	segPut(t, changed, stay...)
	segPut(t, changed, final...)
	if st := segStats(t, changed); st.Deleted == 0 {
		t.Fatalf("no postings deleted: %+v", st)
	}
	alone, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer alone.Close()
	segPut(t, alone, stay...)
	segPut(t, alone, final...)
	for _, q := range []string{"peace", "talks", "peace talks", "talk*", `"peace talks"`} {
		want := scores(t, alone, q)
		if len(want) == 0 {
			t.Fatalf("%s: nothing matches", q)
		}
		if diff := scoreDiff(want, scores(t, changed, q)); diff != "" {
			t.Errorf("%s, with deletions: %s", q, diff)
		}
	}
	if err := changed.CompactSearch(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := segStats(t, changed); st.Segments != 1 || st.Deleted != 0 {
		t.Errorf("compacted: %+v", st)
	}
	for _, q := range []string{"peace", "talks", "peace talks"} {
		if diff := scoreDiff(scores(t, alone, q), scores(t, changed, q)); diff != "" {
			t.Errorf("%s, compacted: %s", q, diff)
		}
	}
	segCheck(t, changed)
}

func scoreDiff(want, got map[string]float64) string {
	var b strings.Builder
	for text, w := range want {
		if g, ok := got[text]; !ok || g != w {
			fmt.Fprintf(&b, "%q scores %v, want %v; ", text, g, w)
		}
	}
	for text := range got {
		if _, ok := want[text]; !ok {
			fmt.Fprintf(&b, "%q matches, should not; ", text)
		}
	}
	return b.String()
}

// A write that deletes postings of a segment being merged has its
// deletions carried over to the merge's output.
func TestMergeCarriesDeletions(t *testing.T) {
	ctx := t.Context()
	s, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 3 {
		segPut(t, s, segArticle(fmt.Sprintf("https://m.test/%d", i), i, "Ana Silva", fmt.Sprintf("Zebras crossed the river %d times.", i)))
	}
	all := func(d *segDir) []segInfo { return slices.Clone(d.live) }
	m, ins, snap, epoch, err := s.startMerge(all)
	if err != nil || len(ins) != 3 {
		t.Fatalf("startMerge: %v, %v", ins, err)
	}
	info, err := s.buildMerge(ctx, snap, ins, m, epoch)
	snap.Discard()
	if err != nil {
		t.Fatal(err)
	}
	// Meanwhile an input's quote changes.
	segPut(t, s, segArticle("https://m.test/1", 1, "Ana Silva", "No zebras today."))
	segCheck(t, s) // a merge under way
	if err := s.finishMerge(m, info, epoch); err != nil {
		t.Fatal(err)
	}
	s.own([]uint64{m.out}, false)
	segCheck(t, s) // inputs to drop
	if err := s.dropSegments(ctx, m.ins, epoch); err != nil {
		t.Fatal(err)
	}
	st := segStats(t, s)
	if st.Segments != 2 || st.Deleted == 0 {
		t.Errorf("after the merge: %+v; want the output, with the deletion carried over, and the new segment", st)
	}
	if n := segCount(t, s, "river"); n != 2 {
		t.Errorf("river: %d quotes, want 2", n)
	}
	if n := segCount(t, s, "zebras"); n != 3 {
		t.Errorf("zebras: %d quotes, want 3", n)
	}
	segCheck(t, s)
	err = s.db.View(func(txn *badger.Txn) error {
		for _, n := range m.ins {
			if c := countKeys(txn, key.Segment(key.KindSegmentBlock, n)); c != 0 {
				t.Errorf("segment %d: %d blocks left", n, c)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A merge cut short by a crash, before or after its output was listed,
// leaves a store that Check passes, and the next merge cleans up.
func TestMergeCutShort(t *testing.T) {
	for _, finished := range []bool{false, true} {
		t.Run(fmt.Sprint("finished=", finished), func(t *testing.T) {
			ctx := t.Context()
			dir := t.TempDir()
			s, err := Open(dir, Options{GCInterval: -1})
			if err != nil {
				t.Fatal(err)
			}
			s.mergers.stop()
			for i := range 5 {
				segPut(t, s, segArticle(fmt.Sprintf("https://c.test/%d", i), i, "Ana Silva", fmt.Sprintf("Walruses %d.", i)))
			}
			m, ins, snap, epoch, err := s.startMerge(func(d *segDir) []segInfo { return slices.Clone(d.live) })
			if err != nil || ins == nil {
				t.Fatal(ins, err)
			}
			info, err := s.buildMerge(ctx, snap, ins, m, epoch)
			snap.Discard()
			if err != nil {
				t.Fatal(err)
			}
			if finished {
				if err := s.finishMerge(m, info, epoch); err != nil {
					t.Fatal(err)
				}
			}
			// The process dies here: the store is closed as it is.
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if s, err = Open(dir, Options{GCInterval: -1}); err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			s.mergers.stop()
			segCheck(t, s)
			if n := segCount(t, s, "walruses"); n != 5 {
				t.Errorf("walruses: %d", n)
			}
			if err := s.MergePostings(ctx); err != nil {
				t.Fatal(err)
			}
			segCheck(t, s)
			err = s.db.View(func(txn *badger.Txn) error {
				d, err := s.segs.directory(txn)
				if err != nil {
					return err
				}
				if len(d.merging) != 0 || len(d.dropping) != 0 {
					t.Errorf("left: merging %v, dropping %v", d.merging, d.dropping)
				}
				stray := m.out
				if finished {
					stray = m.ins[0]
				}
				if c := countKeys(txn, key.Segment(key.KindSegmentBlock, stray)); c != 0 {
					t.Errorf("segment %d: %d blocks left", stray, c)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// On disk, merges too large for a write run in the background while
// writes and searches go on; Close stops them, and the store is whole.
func TestBackgroundMerges(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := Open(dir, Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	s.mergers.stop()
	s.inlineMax = 0 // every merge to the workers
	passes := make(chan int, 1000)
	s.merged = func(hi int) { passes <- hi }
	s.startMergers()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, _, err := s.Quotes(ctx, QuoteFilter{Search: "walruses", Order: OrderRelevance}, Page{}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	const n = 40
	for i := range n {
		segPut(t, s, segArticle(fmt.Sprintf("https://bg.test/%d", i), i, "Ana Silva", fmt.Sprintf("Walruses and seals %d.", i)))
	}
	// The workers look again after each write; wait until the small
	// merges' worker finds nothing left to merge.
	for {
		<-passes
		if st := segStats(t, s); st.Segments < mergeFactor && st.Merging == 0 {
			break
		}
	}
	close(stop)
	wg.Wait()
	st := segStats(t, s)
	if st.Merges == 0 || st.KeysDeleted == 0 {
		t.Errorf("no merge in the background: %+v", st)
	}
	if got := segCount(t, s, "walruses"); got != n {
		t.Errorf("walruses: %d, want %d", got, n)
	}
	segCheck(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// A reindex drops every segment of the search index under the writer,
// while a merge writes its output outside it: a merge begun before the
// drop writes nothing after it, and leaves no key of its output.
func TestReindexDuringMerge(t *testing.T) {
	ctx := t.Context()
	s, err := Open(t.TempDir(), Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.mergers.stop() // the merge runs here, stopped where the test says
	s.inlineMax = 0
	for i := range 2 * mergeFactor {
		segPut(t, s, segArticle(fmt.Sprintf("https://r.test/%d", i), i, "Ana Silva", fmt.Sprintf("Otters swam %d laps.", i)))
	}
	started, proceed := make(chan struct{}), make(chan struct{})
	var once sync.Once
	// The merge has read its inputs and is about to write its output.
	s.mergeWrites = func() { once.Do(func() { close(started); <-proceed }) }
	merged := make(chan error, 1)
	go func() { merged <- s.MergePostings(ctx) }()
	<-started
	var out uint64
	err = s.db.View(func(txn *badger.Txn) error {
		d, err := s.segs.directory(txn)
		if err == nil && len(d.merging) == 1 {
			out = d.merging[0].out
		} else if err == nil {
			err = fmt.Errorf("merges under way: %v, want one", d.merging)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The articles are not written again: only the segments count here.
	err = s.Reindex(ctx, func(*Rebuild) error {
		close(proceed) // the merge writes after the drop
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-merged; err != nil {
		t.Errorf("merge under the reindex: %v", err)
	}
	err = s.db.View(func(txn *badger.Txn) error {
		for _, k := range []key.Kind{key.KindSegmentBlock, key.KindSegmentTerms, key.KindSegmentDeletes} {
			if c := countKeys(txn, key.Segment(k, out)); c != 0 {
				t.Errorf("segment %d, the output of the merge the reindex cut short: %d keys of kind %v left", out, c, k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st := segStats(t, s); st.Segments != 0 || st.Merging != 0 {
		t.Errorf("after the reindex: %+v, want no segment", st)
	}
}

// The words of the dictionary are found by stem and by prefix, their
// frequencies added up over segments.
func TestSegmentDictionary(t *testing.T) {
	d := &segDict{terms: []termEntry{
		{word: "talk", stem: "talk", df: 2, postings: 2},
		{word: "talked", stem: "talk", df: 1, postings: 1},
		{word: "talks", stem: "talk", df: -1},
		{word: "talkshow", stem: "talkshow", df: 1, postings: 1},
		{word: "zebra", stem: "zebra", df: 1, postings: 1},
	}}
	d.stems = []int32{0, 1, 2, 3, 4}
	var got []string
	d.stem(search.Stem("talking"), func(e termEntry) { got = append(got, e.word) })
	if !slices.Equal(got, []string{"talk", "talked", "talks"}) {
		t.Errorf("stem group: %v", got)
	}
	got = nil
	d.prefix("talks", func(e termEntry) bool { got = append(got, e.word); return true })
	if !slices.Equal(got, []string{"talks", "talkshow"}) {
		t.Errorf("prefix: %v", got)
	}
	if e, ok := d.word("zebra"); !ok || e.df != 1 {
		t.Errorf("word: %+v, %v", e, ok)
	}
}

// The merge policy merges a level once it holds mergeFactor segments,
// the smallest first, and a segment with many deletions alone.
func TestPickMerge(t *testing.T) {
	seg := func(num uint64, postings, deleted int) segInfo {
		return segInfo{num: num, postings: postings, deleted: deleted}
	}
	d := &segDir{next: 100}
	for i := range mergeFactor - 1 {
		d.live = append(d.live, seg(uint64(i+1), 100, 0))
	}
	if got := d.pickMerge(0, 1<<30); got != nil {
		t.Errorf("a level short of full: %v", got)
	}
	d.live = append(d.live, seg(50, 300, 0), seg(60, 5000, 0))
	got := d.pickMerge(0, 1<<30)
	if len(got) != mergeFactor || slices.ContainsFunc(got, func(g segInfo) bool { return g.num == 60 }) {
		t.Errorf("a full level: %v", got)
	}
	if got := d.pickMerge(0, 500); got != nil {
		t.Errorf("over the limit: %v", got)
	}
	d.merging = []segMerge{{out: 99, ins: []uint64{1}}}
	if got := d.pickMerge(0, 1<<30); got != nil {
		t.Errorf("a level with a segment being merged: %v", got)
	}
	d = &segDir{next: 100, live: []segInfo{seg(1, 10000, 2600), seg(2, 10000, 100)}}
	if got := d.pickMerge(0, 1<<30); len(got) != 1 || got[0].num != 1 {
		t.Errorf("deletions: %v", got)
	}
}

// countdown is a context that is done after n calls of Err.
type countdown struct {
	context.Context
	n atomic.Int32
}

func (c *countdown) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// A merge stops between two steps when its context is done, wherever
// that falls (before it starts, while it writes its output, while it
// deletes its inputs), leaving the store whole; the next merge takes it
// up.
func TestMergeStops(t *testing.T) {
	for n := range 4 {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s, err := Open(t.TempDir(), Options{GCInterval: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			s.mergers.stop()
			s.inlineMax = 0
			for i := range 2 * mergeFactor {
				segPut(t, s, segArticle(fmt.Sprintf("https://stop.test/%d", i), i, "Ana Silva", fmt.Sprintf("Otters and beavers %d.", i)))
			}
			ctx := &countdown{Context: t.Context()}
			ctx.n.Store(int32(n))
			if err := s.MergePostings(ctx); err != nil && !errors.Is(err, context.Canceled) {
				t.Fatalf("MergePostings stopped: %v", err)
			}
			segCheck(t, s)
			if err := s.MergePostings(t.Context()); err != nil {
				t.Fatal(err)
			}
			if st := segStats(t, s); st.Segments >= mergeFactor || st.Merging != 0 {
				t.Errorf("after merging: %+v", st)
			}
			if n := segCount(t, s, "otters"); n != 2*mergeFactor {
				t.Errorf("otters: %d", n)
			}
			segCheck(t, s)
		})
	}
}
