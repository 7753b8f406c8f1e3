package graphtest

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/graphd/graphd"
	"github.com/graphd/graphd/graph"
)

// largeVersion names the generator: change it when the corpus it makes
// changes, so that cached stores are rebuilt. 5: key layout 6 holds both
// the binary records and the search segments, and stores of the two
// earlier layouts called 6 must not be reused.
const largeVersion = 5

// Large describes the generated store that Large opens.
type Large struct {
	*graph.Store
	Dir                    string
	NumArticles, NumQuotes int
	// TopSpeaker is the most quoted speaker's name, TopVenue the venue
	// with most quotes.
	TopSpeaker, TopVenue string
	From, To             time.Time // the range of article dates
}

// LargeStore opens a store of n generated articles for benchmarks,
// read-only. The corpus is made of the words of the sample articles
// (their most common words, "peace", "talks", "Ukraine", head the
// frequencies) and 30,000 made-up rarer ones, in quotations of 6 to 30
// words drawn by Zipf's law, five quotes an article on average, by 5,000
// speakers at 200 venues in 50 outlets, over the two years 2024 and 2025;
// half the articles reprint one or two quotations of the 50 articles
// before them, so that about one quotation in ten has several printings.
// It is built once with a Loader, which takes a minute or so for 100,000
// articles, and cached in os.TempDir() under a name holding the key
// layout, the generator's version and n; later runs of the same layout
// reuse it, and a build of another layout never opens (and upgrades) it.
func LargeStore(tb testing.TB, n int) *Large {
	tb.Helper()
	dir := filepath.Join(os.TempDir(), largeName(n))
	g := newGenerator(n)
	s, err := graph.Open(dir, graph.Options{ReadOnly: true})
	if err != nil {
		// Built beside and renamed into place: benchmarks of several
		// packages may build at once, and the first to finish wins.
		tb.Logf("building the benchmark store of %d articles in %s (%v)", n, dir, err)
		start := time.Now()
		os.RemoveAll(dir) // a build that did not finish
		tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".tmp-")
		if err != nil {
			tb.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		if err := g.build(tb.Context(), tmp); err != nil {
			tb.Fatalf("build the benchmark store: %v", err)
		}
		if _, err := os.Stat(dir); err == nil {
			tb.Logf("another build finished first")
		} else if err := os.Rename(tmp, dir); err != nil {
			tb.Fatal(err)
		}
		tb.Logf("built in %s", time.Since(start).Round(time.Second))
		if s, err = graph.Open(dir, graph.Options{ReadOnly: true}); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Cleanup(func() { s.Close() })
	c, err := s.Counts(tb.Context())
	if err != nil {
		tb.Fatal(err)
	}
	return &Large{
		Store: s, Dir: dir, NumArticles: c.Articles, NumQuotes: c.Quotes,
		TopSpeaker: g.speakers[0], TopVenue: g.venues[0].name,
		From: g.start, To: g.start.AddDate(0, 0, g.days-1),
	}
}

// largeName is the name of the cached store of n articles:
// graphd-bench-l<layout>-v<generator>-<n>.
func largeName(n int) string {
	return fmt.Sprintf("graphd-bench-l%d-v%d-%d", graph.LayoutVersion, largeVersion, n)
}

type generator struct {
	rng      *rand.Rand
	n        int
	vocab    []string
	word     *rand.Zipf
	speakers []string
	speaker  *rand.Zipf
	venues   []struct{ name, kind string }
	venue    *rand.Zipf
	outlets  []string
	start    time.Time
	days     int
}

var wordRE = regexp.MustCompile(`\p{L}+(?:['’]\p{L}+)?`)

func newGenerator(n int) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(1, uint64(n))), n: n, start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), days: 731}
	// The samples' words by frequency, then made-up ones.
	freq := map[string]int{}
	names, _ := fs.Glob(graphd.Samples, "testdata/seeds/*.txt")
	for _, name := range names {
		b, _ := fs.ReadFile(graphd.Samples, name)
		for _, w := range wordRE.FindAllString(string(b), -1) {
			freq[w]++
		}
	}
	for w := range freq {
		g.vocab = append(g.vocab, w)
	}
	sort.Slice(g.vocab, func(i, j int) bool {
		if freq[g.vocab[i]] != freq[g.vocab[j]] {
			return freq[g.vocab[i]] > freq[g.vocab[j]]
		}
		return g.vocab[i] < g.vocab[j]
	})
	syl := []string{"ka", "lo", "mi", "ter", "van", "so", "ri", "den", "ba", "lu", "nek", "to", "ris", "ma", "ol", "pe", "sha", "gro", "vi", "tam"}
	for i := 0; len(g.vocab) < 30_000+len(freq); i++ {
		w := syl[i%20] + syl[(i/20)%20] + syl[(i/400)%20]
		if i >= 8000 {
			w += syl[(i/8000)%20]
		}
		g.vocab = append(g.vocab, w)
	}
	g.word = rand.NewZipf(g.rng, 1.05, 2, uint64(len(g.vocab)-1))
	first := []string{"Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Katya", "Luis",
		"Maria", "Nikolai", "Olga", "Pavel", "Quinn", "Rosa", "Stefan", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yusuf",
		"Zofia", "Ahmed", "Bianca", "Chen", "Dario", "Eva", "Felix", "Gita", "Hans", "Ivana", "Jamal", "Kira", "Leon", "Mila", "Noor"}
	last := []string{"Abrams", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat", "Ivanova", "Jensen",
		"Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quispe", "Rossi", "Schmidt", "Tanaka", "Usman",
		"Varga", "Weber", "Xu", "Yilmaz", "Zhang", "Almeida", "Brennan", "Castillo", "Demir", "Engel", "Ferreira", "Gallo",
		"Haddad", "Ilic", "Janssen", "Kaur", "Larsen", "Mendes", "Nakamura", "Olsen", "Popescu", "Quinn", "Reyes", "Sato",
		"Toth", "Ueda", "Vidal", "Wagner", "Young", "Zeller", "Adler", "Berg", "Cohen", "Diaz", "Ekström", "Fontaine",
		"Grünberg", "Holm", "Iqbal", "Jovanović", "Keller", "Łukasik", "Meyer", "Nilsen", "Ortiz", "Pérez", "Ramos",
		"Silva", "Török", "Urbina", "Vasquez", "Wolff", "Yamada", "Zając", "Andersen", "Byrne", "Carter", "Dahl",
		"Evans", "Fox", "Gordon", "Hughes", "Irwin", "Jordan", "King", "Lewis", "Murphy", "Nash", "Owens", "Parker", "Reed",
		"Stone", "Turner", "Vance", "Walsh", "Young-Kim", "Zamora", "Aziz", "Bose", "Chowdhury"}
	for i := 0; len(g.speakers) < 5000; i++ {
		g.speakers = append(g.speakers, first[i%len(first)]+" "+last[(i/len(first)+i)%len(last)])
	}
	g.speakers = compact(g.speakers)
	g.speaker = rand.NewZipf(g.rng, 1.1, 3, uint64(len(g.speakers)-1))
	kinds := []string{graph.VenueBroadcast, graph.VenueEvent, graph.VenueInterview, graph.VenueSocial, graph.VenueStatement, graph.VenuePrint}
	media := []string{"CNN", "BBC", "Fox News", "CBS", "RIA Novosti", "X", "parliament", "a news conference", "reporters", "Le Monde"}
	for i := 0; i < 200; i++ {
		name := media[i%len(media)]
		if i >= len(media) {
			name = fmt.Sprintf("%s %s", media[i%len(media)], []string{"Sunday", "Tonight", "Live", "Weekly", "in Brussels", "in Kyiv", "in Moscow", "in Riyadh", "in Paris", "at the UN", "Radio", "Online", "Morning", "Evening", "Special", "Podcast", "Debate", "Hour", "Digest"}[(i/len(media)-1)%19])
		}
		g.venues = append(g.venues, struct{ name, kind string }{name, kinds[i%len(kinds)]})
	}
	g.venue = rand.NewZipf(g.rng, 1.2, 2, uint64(len(g.venues)-1))
	for i := range 50 {
		g.outlets = append(g.outlets, fmt.Sprintf("%s %s", []string{"Global", "Daily", "Evening", "Morning", "Weekly"}[i%5],
			[]string{"Wire", "Herald", "Post", "Times", "Courier", "Tribune", "Observer", "Gazette", "Chronicle", "Mail"}[i/5]))
	}
	return g
}

func compact(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// quote draws a quotation of 6 to 30 words.
func (g *generator) quote() string {
	n := 6 + g.rng.IntN(25)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.vocab[g.word.Uint64()]
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	return strings.Join(ws, " ") + "."
}

// build writes the corpus into a new store in dir.
func (g *generator) build(ctx context.Context, dir string) error {
	os.RemoveAll(dir)
	s, err := graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		return err
	}
	defer s.Close()
	l, err := s.Load(ctx)
	if err != nil {
		return err
	}
	defer l.Abort()
	ids := func(n int) []uuid.UUID {
		out := make([]uuid.UUID, n)
		for i := range out {
			out[i] = uuid.Must(uuid.NewV7())
		}
		return out
	}
	outletIDs, speakerIDs, venueIDs := ids(len(g.outlets)), ids(len(g.speakers)), ids(len(g.venues))
	for i, name := range g.outlets {
		if err := l.Outlet(graph.Outlet{ID: outletIDs[i], Name: name}); err != nil {
			return err
		}
	}
	for i, name := range g.speakers {
		if err := l.Speaker(graph.Speaker{ID: speakerIDs[i], Name: name, Titles: []string{"official"}}); err != nil {
			return err
		}
	}
	for i, v := range g.venues {
		if err := l.Venue(graph.Venue{ID: venueIDs[i], Name: v.name, Kind: v.kind}); err != nil {
			return err
		}
	}
	kinds := []string{graph.KindDirect, graph.KindDirect, graph.KindDirect, graph.KindDirect, graph.KindDirect,
		graph.KindDirect, graph.KindDirect, graph.KindPartial, graph.KindPartial, graph.KindIndirect}
	confs := []float64{0.4, 0.5, 0.6, 0.75, 0.85, 0.9}
	ingested := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// A quotation may be reprinted by an article among the next
	// reprintWindow; it is loaded with its printings when it leaves the
	// window.
	type pending struct {
		q       graph.Quote
		occs    []graph.Occurrence
		speaker int
		born    int
	}
	const reprintWindow = 50
	var window []*pending
	flush := func(before int) error {
		for len(window) > 0 && window[0].born < before {
			p := window[0]
			window = window[1:]
			if err := l.Statement(p.q, p.occs); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range g.n {
		nq := 1 + g.rng.IntN(9)
		var b strings.Builder
		fmt.Fprintf(&b, "Report %d\n\nDiplomats and officials spoke again today as talks went on.\n\n", i)
		type placed struct {
			text    string
			start   int
			speaker int
			reprint *pending
		}
		var qs []placed
		// Half the articles reprint one or two recent quotations.
		if len(window) > 0 && g.rng.IntN(2) == 0 {
			for range 1 + g.rng.IntN(2) {
				p := window[g.rng.IntN(len(window))]
				if slices.ContainsFunc(qs, func(x placed) bool { return x.reprint == p }) {
					continue
				}
				fmt.Fprintf(&b, "As %s put it: “", g.speakers[p.speaker])
				qs = append(qs, placed{p.q.Text, utf8.RuneCountInString(b.String()), p.speaker, p})
				fmt.Fprintf(&b, "%s”\n\n", p.q.Text)
			}
		}
		for range nq {
			sp := int(g.speaker.Uint64())
			q := g.quote()
			fmt.Fprintf(&b, "%s said: “", g.speakers[sp])
			qs = append(qs, placed{q, utf8.RuneCountInString(b.String()), sp, nil})
			fmt.Fprintf(&b, "%s” Others were less sure.\n\n", q)
		}
		a := graph.Article{
			ID: uuid.Must(uuid.NewV7()), URL: fmt.Sprintf("https://bench.example/%d", i), Title: fmt.Sprintf("Report %d", i),
			OutletID: outletIDs[g.rng.IntN(len(outletIDs))], Published: g.start.AddDate(0, 0, g.rng.IntN(g.days)),
			Text: b.String(), Ingested: ingested,
		}
		for j, id := range outletIDs {
			if id == a.OutletID {
				a.Outlet = g.outlets[j]
			}
		}
		if err := l.Article(a); err != nil {
			return err
		}
		for _, q := range qs {
			n := utf8.RuneCountInString(q.text)
			o := graph.Occurrence{
				ArticleID: a.ID, SpeakerRecord: speakerIDs[q.speaker], Text: q.text, Kind: kinds[g.rng.IntN(len(kinds))],
				Spans: []graph.Span{{Start: q.start, End: q.start + n}}, Confidence: confs[g.rng.IntN(len(confs))], Cue: "said",
				Match: "first", Score: 1,
			}
			if g.rng.IntN(3) > 0 {
				o.VenueID = venueIDs[g.venue.Uint64()]
			}
			if p := q.reprint; p != nil {
				o.Match, o.Cue = "exact", "put it"
				p.occs = append(p.occs, o)
				continue
			}
			window = append(window, &pending{q: graph.Quote{ID: uuid.Must(uuid.NewV7()), Text: q.text}, occs: []graph.Occurrence{o}, speaker: q.speaker, born: i})
		}
		if err := flush(i - reprintWindow); err != nil {
			return err
		}
	}
	if err := flush(g.n); err != nil {
		return err
	}
	return l.Close()
}
