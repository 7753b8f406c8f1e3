package graph

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
)

// The identity benchmark measures what speaker identity, quote grouping
// and copy detection add to storing one article when the store already
// holds many (100,000 by default; GRAPHD_BENCH_ARTICLES sets another
// number). The store is built once by a bulk path, 50 articles a
// transaction through the same writer PutArticle uses, and kept under
// os.TempDir() in a directory named by the key layout, the generator
// version and the size, so that later runs reuse it:
//
//	go test ./graph -run '^$' -bench BenchmarkIdentity -benchtime 2000x -count 5 -cpu 1 -timeout 2h
//
// Each iteration stores two new articles of the same generated stream,
// one "plain": its quotes as they come, each its own quote, with no
// identity, grouping, copies or match keys (what storing cost before
// them, but for the occurrence records; such articles are left out of
// the match index, which later runs do not miss), and one through
// PutArticle's path ("resolve"). It reports the mean time of each and
// the overhead of resolve over plain in percent.
// The stream goes on where the store ends, so reprints and known speakers
// are as common as in the store. The runs add their articles to the
// cached store.

// benchGenVersion names the generator; change it when the generator
// changes, so that an old cached store is not reused.
const benchGenVersion = 3

// benchGen generates a stream of news articles: a population of people,
// each quoted with new statements or reprints of recent ones (cut,
// reworded or exact), under their name or a variant of it.
type benchGen struct {
	r       *rand.Rand
	vocab   []string
	people  []benchPerson
	stmts   [][]string // recent statements, by person, at most 4 each
	seq     int
	start   time.Time
	perDay  int
	outlets int
}

type benchPerson struct {
	names []string // the first is the full name
	title string
	venue string
}

func newBenchGen(seed uint64, people int) *benchGen {
	g := &benchGen{r: rand.New(rand.NewPCG(seed, 1)), start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), perDay: 60, outlets: 200}
	cons, vows := "bdfgklmnprstvz", "aeiou"
	word := func(syl int) string {
		var b strings.Builder
		for range syl {
			b.WriteByte(cons[g.r.IntN(len(cons))])
			b.WriteByte(vows[g.r.IntN(len(vows))])
			if g.r.IntN(3) == 0 {
				b.WriteByte(cons[g.r.IntN(len(cons))])
			}
		}
		return b.String()
	}
	for range 20000 {
		g.vocab = append(g.vocab, word(2+g.r.IntN(2)))
	}
	title := func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
	for i := range people {
		given, sur := title(word(2)), title(word(3))
		p := benchPerson{
			names: []string{given + " " + sur},
			title: "minister of " + word(2),
			venue: "Channel " + strconv.Itoa(i%300),
		}
		if g.r.IntN(4) == 0 {
			p.names = append(p.names, given[:1]+". "+sur)
		}
		g.people = append(g.people, p)
	}
	g.stmts = make([][]string, people)
	return g
}

// next returns the next article of the stream.
func (g *benchGen) next() ArticleInput {
	seq := g.seq
	g.seq++
	var b strings.Builder
	fmt.Fprintf(&b, "Story %d. %s %s %s.\n\n", seq, g.vocab[g.r.IntN(len(g.vocab))], g.vocab[g.r.IntN(len(g.vocab))], g.vocab[g.r.IntN(len(g.vocab))])
	in := ArticleInput{
		URL:       fmt.Sprintf("https://bench.test/%d", seq),
		Title:     fmt.Sprintf("Story %d", seq),
		Outlet:    fmt.Sprintf("Outlet %d", seq%g.outlets),
		Published: g.start.AddDate(0, 0, seq/g.perDay),
	}
	// A cast from a neighbourhood of the population, so that people are
	// quoted beside the same people.
	base := g.r.IntN(len(g.people))
	for range 3 + g.r.IntN(3) {
		pi := (base + g.r.IntN(40)) % len(g.people)
		p := g.people[pi]
		name := p.names[g.r.IntN(len(p.names))]
		for range 1 + g.r.IntN(3) {
			var words []string
			if recent := g.stmts[pi]; len(recent) > 0 && g.r.IntN(5) == 0 {
				words = strings.Fields(recent[g.r.IntN(len(recent))])
				switch g.r.IntN(3) {
				case 0:
					words = words[:max(4, len(words)*3/4)]
				case 1:
					words[g.r.IntN(len(words))] = g.vocab[g.r.IntN(len(g.vocab))]
				}
			} else {
				for range 8 + g.r.IntN(12) {
					if g.r.IntN(3) == 0 {
						words = append(words, function[g.r.IntN(len(function))])
					} else {
						words = append(words, g.vocab[g.r.IntN(len(g.vocab))])
					}
				}
				g.stmts[pi] = append(g.stmts[pi], strings.Join(words, " "))
				if len(g.stmts[pi]) > 4 {
					g.stmts[pi] = g.stmts[pi][1:]
				}
			}
			text := strings.Join(words, " ")
			fmt.Fprintf(&b, "%s %s said: “", strings.ToUpper(p.title[:1])+p.title[1:], name)
			start := utf8.RuneCountInString(b.String())
			b.WriteString(text)
			end := utf8.RuneCountInString(b.String())
			b.WriteString("”\n\n")
			q := QuoteInput{Text: text, Kind: KindDirect, Spans: []Span{{start, end}}, Confidence: 0.9,
				Speaker: &SpeakerRef{Name: name, Titles: []string{p.title}}}
			if g.r.IntN(2) == 0 {
				q.Venue = &VenueRef{Name: p.venue, Kind: VenueBroadcast}
			}
			in.Quotes = append(in.Quotes, q)
		}
	}
	in.Text = b.String()
	return in
}

// function words for generated statements.
var function = strings.Fields("the a of to and in that is we will not it for on with this be are as our they have but at by from")

// putBatch stores articles as a batch (PutBatch), or plain: in one
// transaction with no identity, grouping or copies.
func (s *Store) putBatch(ctx context.Context, ins []ArticleInput, plain bool) error {
	ps := make([]*Prepared, len(ins))
	for i, in := range ins {
		p, err := Prepare(in)
		if err != nil {
			return err
		}
		ps[i] = p
	}
	if !plain {
		_, errs := s.PutBatch(ctx, ps)
		return errors.Join(errs...)
	}
	var written map[string]int64
	return s.commit(ctx, func(txn *badger.Txn) error {
		rtxn := s.db.NewTransaction(false)
		defer rtxn.Discard()
		w := newWriter(txn, rtxn, &s.counts)
		defer w.close()
		w.plain = true
		for _, p := range ps {
			w.begin()
			if _, err := w.putArticle(p); err != nil {
				return err
			}
			w.end()
		}
		if err := w.flush(); err != nil {
			return err
		}
		written = w.written
		return nil
	}, func() { s.counts.put(written) })
}

// benchStore opens, building it first if needed, the cached store of n
// generated articles, and returns it with the generator positioned after
// them.
func benchStore(b *testing.B, n int) (*Store, *benchGen) {
	b.Helper()
	const people = 20000
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("graphd-bench-l%d-g%d-%d", layoutVersion, benchGenVersion, n))
	gen := newBenchGen(benchGenVersion, people)
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err != nil {
		b.Logf("building a store of %d articles in %s (once)", n, dir)
		os.RemoveAll(dir)
		s, err := Open(dir, Options{GCInterval: -1})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		const batch = 50
		for i := 0; i < n; i += batch {
			ins := make([]ArticleInput, 0, batch)
			for range min(batch, n-i) {
				ins = append(ins, gen.next())
			}
			if err := s.putBatch(context.Background(), ins, false); err != nil {
				b.Fatal(err)
			}
			if (i/batch)%40 == 0 {
				b.Logf("%d articles in %s", i+len(ins), time.Since(start).Round(time.Second))
			}
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(done, nil, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Logf("built in %s", time.Since(start).Round(time.Second))
	} else {
		for range n {
			gen.next()
		}
	}
	s, err := Open(dir, Options{GCInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	// Earlier runs added articles of the stream: go on after them.
	c, err := s.Counts(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for range c.Articles - n {
		gen.next()
	}
	return s, gen
}

func BenchmarkIdentity(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("GRAPHD_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	s, gen := benchStore(b, n)
	b.ReportAllocs()
	// Plain and resolved articles alternate, so that the store's
	// background work (flushes, compactions) weighs on both alike.
	var spent [2]time.Duration
	var timed [2]int
	quotes, i := 0, 0
	for b.Loop() {
		for j := range 2 {
			mode := (i + j) % 2 // 0 plain, 1 resolve; who goes first alternates
			b.StopTimer()
			in := gen.next()
			quotes += len(in.Quotes)
			b.StartTimer()
			// A write that fills a level of the search index with segments
			// merges them, inside the write; as the two kinds alternate,
			// that write would always be of one kind. It is left out of
			// both.
			merging := s.mergesNext(b)
			start := time.Now()
			if err := s.putBatch(b.Context(), []ArticleInput{in}, mode == 0); err != nil {
				b.Fatal(err)
			}
			if !merging {
				spent[mode] += time.Since(start)
				timed[mode]++
			}
		}
		i++
	}
	plain := float64(spent[0].Nanoseconds()) / float64(max(timed[0], 1))
	resolve := float64(spent[1].Nanoseconds()) / float64(max(timed[1], 1))
	b.ReportMetric(plain, "plain-ns/article")
	b.ReportMetric(resolve, "resolve-ns/article")
	b.ReportMetric(100*(resolve-plain)/plain, "overhead-%")
	b.ReportMetric(float64(quotes)/float64(2*b.N), "quotes/article")
}

// mergesNext reports whether the next write will merge segments of the
// search index as it ends: whether it makes a level of them full.
func (s *Store) mergesNext(b *testing.B) bool {
	var d *segDir
	err := s.db.View(func(txn *badger.Txn) (err error) {
		d, err = s.segs.directory(txn)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, g := range d.live {
		if !d.busy(g.num) && mergeLevel(g.size()) == 0 {
			n++
		}
	}
	return n+1 >= mergeFactor
}

// BenchmarkMergeSegments merges the search index of the identity
// benchmark's store (100,000 articles, or GRAPHD_BENCH_ARTICLES) after a
// backlog of writes:
//
//	go test ./graph -run '^$' -bench BenchmarkMergeSegments -benchtime 1x -count 3 -cpu 1 -timeout 1h
//
// Each iteration first stores 2,000 more articles of the stream
// (GRAPHD_BENCH_BACKLOG sets another number), 50 a transaction
// (untimed), then runs every merge the index calls for (MergePostings).
// It reports the postings the merges wrote.
func BenchmarkMergeSegments(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("GRAPHD_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	s, gen := benchStore(b, n)
	ctx := b.Context()
	backlog := 2000
	if v, err := strconv.Atoi(os.Getenv("GRAPHD_BENCH_BACKLOG")); err == nil && v > 0 {
		backlog = v
	}
	written := func() int {
		ss, err := s.SearchStats(ctx)
		if err != nil {
			b.Fatal(err)
		}
		return int(ss.MergedPostings)
	}
	merged := 0
	for b.Loop() {
		b.StopTimer()
		for range (backlog + 49) / 50 {
			ins := make([]ArticleInput, 50)
			for i := range ins {
				ins[i] = gen.next()
			}
			if err := s.putBatch(ctx, ins, false); err != nil {
				b.Fatal(err)
			}
		}
		before := written()
		b.StartTimer()
		if err := s.MergePostings(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		merged += written() - before
		b.StartTimer()
	}
	b.ReportMetric(float64(merged)/float64(b.N), "postings/op")
}
