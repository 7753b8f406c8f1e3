package graph

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
	"github.com/graphd/graphd/graph/similar"
)

// The golden tests pin the bytes graphd writes to Badger: the key of
// every kind, the encoding of every record and index value, and the whole
// contents of a store after a fixed series of writes. A change of any byte
// on disk shows as a diff here; a deliberate one is a new key layout
// version with an upgrade, and the files are refreshed with
//
//	go test ./graph -run Golden -update

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// golden compares got with the file testdata/golden/name, or rewrites the
// file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got); a change of the bytes on disk needs a new key layout version:\n%s", path, diff)
	}
}

// fixedIDs makes newID and clock deterministic for the test: ids are
// UUIDv7 of a fixed clock and a counter, increasing like real ones.
func fixedIDs(t *testing.T) {
	t.Helper()
	oldID, oldClock := newID, clock
	t.Cleanup(func() { newID, clock = oldID, oldClock })
	base := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	n := uint64(0)
	newID = func() (uuid.UUID, error) {
		n++
		return goldenID(uint64(base.UnixMilli()), n), nil
	}
	clock = func() time.Time { return base }
}

// goldenID is a UUIDv7 of the millisecond ms with n in its random bits.
func goldenID(ms, n uint64) uuid.UUID {
	var id uuid.UUID
	binary.BigEndian.PutUint64(id[0:8], ms<<16|0x7000)
	binary.BigEndian.PutUint64(id[8:16], 0x8000_0000_0000_0000|n)
	return id
}

func hexLines(lines [][2]string) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%-24s %s\n", l[0], l[1])
	}
	return b.String()
}

func hx(b []byte) string { return hex.EncodeToString(b) }

var (
	gid1 = goldenID(1735787045000, 1)
	gid2 = goldenID(1735787045000, 2)
	gid3 = goldenID(1735787045000, 0xfe00) // 0x00 and 0xfe bytes inside
	gday = time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)
)

// TestGoldenKeys pins one key of every kind.
func TestGoldenKeys(t *testing.T) {
	sfx := [key.SuffixLen]byte(key.Suffix(gday, gid2))
	occ := occRec{ID: gid3, QuoteID: gid2, attribution: attribution{ArticleID: gid1, SpeakerID: gid3}}
	occEntries := occIndex(occ)
	lines := [][2]string{
		{"meta version", hx(key.Version())},
		{"meta loading", hx(key.Loading())},
		{"article", hx(key.Record(key.KindArticle, gid1))},
		{"quote", hx(key.Record(key.KindQuote, gid1))},
		{"speaker", hx(key.Record(key.KindSpeaker, gid1))},
		{"venue", hx(key.Record(key.KindVenue, gid1))},
		{"outlet", hx(key.Record(key.KindOutlet, gid1))},
		{"text chunk 0", hx(key.Text(gid1, 0))},
		{"text chunk 258", hx(key.Text(gid1, 258))},
		{"occurrence", hx(key.Record(key.KindOccurrence, gid1))},
		{"counter", hx(key.Counter(key.CounterArticles))},
		{"counter num", hx(key.Counter(key.LastSpeakerNum))},
		{"quote by article", hx(key.QuoteIndex(key.KindQuoteByArticle, gid1[:], gday, gid2))},
		{"quote by speaker", hx(key.QuoteIndex(key.KindQuoteBySpeaker, gid1[:], gday, gid2))},
		{"quote by venue", hx(key.QuoteIndex(key.KindQuoteByVenue, gid1[:], gday, gid2))},
		{"quote by date", hx(key.QuoteIndex(key.KindQuoteByDate, nil, gday, gid2))},
		{"quote by date undated", hx(key.QuoteIndex(key.KindQuoteByDate, nil, time.Time{}, gid2))},
		{"quote by date 1960", hx(key.QuoteIndex(key.KindQuoteByDate, nil, time.Date(1960, 5, 1, 0, 0, 0, 0, time.UTC), gid2))},
		{"quote by outlet", hx(key.QuoteIndex(key.KindQuoteByOutlet, gid1[:], gday, gid2))},
		{"word block (layout 5)", hx(key.WordBlock("talks", sfx))},
		{"word block final (layout 5)", hx(key.WordBlock("talks", key.FinalSuffix))},
		{"fresh posting (layout 5)", hx(key.FreshPosting("talks", sfx))},
		{"term (layout 5)", hx(key.Term(search.Stem("talks"), "talks"))},
		{"conflict", hx(key.Record(key.KindConflict, gid2))},
		{"occurrence by quote", hx(occEntries[0].k)},
		{"match key exact", hx(key.Match("=0123456789abcdef"))},
		{"match key pair", hx(key.Match("peac talk"))},
		{"speaker by name", hx(key.Name(key.KindSpeakerByName, "sergey lavrov", gid3))},
		{"speaker lookup", hx(key.Lookup(key.KindSpeakerLookup, "sergey lavrov"))},
		{"speaker by token", hx(key.Name(key.KindSpeakerByToken, "lavrov", gid3))},
		{"speaker by block", hx(key.Name(key.KindSpeakerByBlock, "s:lbrb", gid3))},
		{"role seen", hx(key.RoleSeen(gid1, 3))},
		{"speaker member", hx(key.Record(key.KindSpeakerMember, gid1))},
		{"venue by name", hx(key.Name(key.KindVenueByName, "cnn", gid1))},
		{"venue lookup", hx(key.VenueLookup("cnn", VenueBroadcast))},
		{"venue by token", hx(key.Name(key.KindVenueByToken, "cnn", gid1))},
		{"outlet by name", hx(key.Lookup(key.KindOutletByName, "reuters"))},
		{"article by key", hx(key.Lookup(key.KindArticleByKey, "https://example.com/a1"))},
		{"article by date", hx(key.ArticleByDate(gday, gid1))},
		{"article by date undated", hx(key.ArticleByDate(time.Time{}, gid1))},
		{"article copies", hx(key.Pair(key.KindArticleCopy, gid1, gid2))},
		{"speaker venue edge", hx(key.Pair(key.KindSpeakerVenue, gid1, gid2))},
		{"rollup all", hx(key.Rollup(key.DimSpeaker, key.LevelAll, 0, gid1[:]))},
		{"rollup year", hx(key.Rollup(key.DimVenue, key.LevelYear, 2024, gid1[:]))},
		{"rollup month", hx(key.Rollup(key.DimOutlet, key.LevelMonth, monthOf(gday), gid1[:]))},
		{"rollup day", hx(key.Rollup(key.DimKind, key.LevelDay, dayOf(gday), []byte(KindDirect)))},
		{"rollup day 1969", hx(key.Rollup(key.DimKind, key.LevelDay, dayOf(time.Date(1969, 7, 20, 0, 0, 0, 0, time.UTC)), []byte(KindDirect)))},
		{"timeline speaker", hx(key.Timeline(key.DimSpeaker, gid1[:], dayOf(gday)))},
		{"timeline kind", hx(key.Timeline(key.DimKind, []byte(KindPartial), dayOf(gday)))},
		{"timeline all", hx(key.Timeline(key.DimAll, nil, dayOf(gday)))},
		{"candidate", hx(key.Record(key.KindCandidate, gid1))},
		{"candidate pair", hx(candidateIndex(candidateRec{ID: gid1, A: gid3, B: gid2})[0].k)},
		{"decision", hx(key.Decision("ana silva", "anna silva"))},
		{"segments", hx(key.Segments())},
		{"segment block", hx(key.SegmentBlock(0x0102, "talks", sfx[:]))},
		{"segment terms", hx(key.SegmentTerms(0x0102, "talks"))},
		{"segment deletes", hx(key.SegmentDeletes(0x0102, 0x0304))},
	}
	golden(t, "keys.golden", hexLines(lines))
}

// TestGoldenValues pins the encoding of every record kind and of the
// index values that are not records.
func TestGoldenValues(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	span := &Span{Start: 3, End: 9}
	quote := quoteRec{
		ID: gid2, First: gid3, Canon: gid3, Count: 2, Conflict: true, Speakers: []uuid.UUID{gid3, gid1},
		attribution: attribution{
			ArticleID: gid1, SpeakerID: gid3, VenueID: gid1, OutletID: gid2, SpeakerNum: 7, VenueNum: 300,
			OutletNum: 1, Text: "The talks are \"over\" <now> & then.", Kind: KindPartial,
			Spans: []Span{{1, 5}, {8, 20}}, Cue: "told", CueSpan: span, Mention: "he", MentionSpan: span,
			Confidence: 0.8125, Published: gday,
		},
	}
	rec := func(v any) string {
		b, err := encodeRecord(v)
		if err != nil {
			t.Fatal(err)
		}
		return hx(b)
	}
	ev := []Evidence{{Kind: EvidenceSurname, Detail: "same surname lavrov", Weight: 2}, {Kind: EvidenceGiven, Detail: "variant given names sergey and sergei", Weight: 1}}
	pos, length := search.Positions(quote.Text)
	block := []posting{
		{suffix: [key.SuffixLen]byte(key.Suffix(day("2024-01-01"), gid1)), val: encodeFacts(quote, length, pos["talks"])},
		{suffix: [key.SuffixLen]byte(key.Suffix(gday, gid2)), val: encodeFacts(quote, length, []int{0, 4, 70})},
		{suffix: [key.SuffixLen]byte(key.Suffix(time.Time{}, gid3)), val: encodeFacts(quoteRec{attribution: attribution{Kind: KindIndirect}}, 1, []int{0})},
	}
	// A segment of two words, their postings in one block.
	segment := map[string]string{}
	b := newSegBuilder(0x0102, func(k, v []byte) error {
		segment[map[key.Kind]string{key.KindSegmentBlock: "block", key.KindSegmentTerms: "terms"}[key.Kind(k[0])]] = hx(v)
		return nil
	})
	for _, w := range []string{"peace", "talks"} {
		for _, p := range []posting{block[2], block[0], block[1]} {
			if err := b.add(w, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, e := range []termEntry{{word: "peace", stem: "peac", df: -2, postings: 3}, {word: "talks", stem: "talk", df: 3, postings: 3}} {
		if err := b.term(e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.finish(); err != nil {
		t.Fatal(err)
	}
	lines := [][2]string{
		{"article", rec(articleRec{
			ID: gid1, Key: "https://example.com/a1", SourceID: "src-1", URL: "https://example.com/a1", Title: "Talks <over>",
			Outlet: "Reuters", OutletID: gid2, Published: gday, Hash: "ab12", TextLen: 1234, Ingested: gday.Add(time.Hour),
			Sketch: []uint32{1, 0xffffffff, 77}, Quotes: 3,
			Copy: &copyRec{Original: gid3, Score: 0.75, Shared: 2, Overlap: 0.5},
		})},
		{"article bare", rec(articleRec{ID: gid1, Key: "sha256:00", Hash: "00", Ingested: gday})},
		{"quote", rec(quote)},
		{"quote bare", rec(quoteRec{ID: gid2, First: gid1, Canon: gid1, Count: 1, attribution: attribution{ArticleID: gid1, Text: "x", Kind: KindDirect}})},
		{"occurrence", rec(occRec{
			ID: gid3, QuoteID: gid2, Match: similar.Paraphrase, Score: 0.612,
			attribution: attribution{
				ArticleID: gid1, SpeakerID: gid3, VenueID: gid1, OutletID: gid2, SpeakerNum: 7, VenueNum: 300,
				OutletNum: 1, Text: "The talks are over.", Kind: KindDirect, Spans: []Span{{1, 5}}, Cue: "said",
				CueSpan: span, Mention: "Peskov", MentionSpan: span, Confidence: 0.9, Published: gday,
			},
		})},
		{"occurrence bare", rec(occRec{ID: gid3, QuoteID: gid2, Match: similar.First, Score: 1, attribution: attribution{ArticleID: gid1, Text: "x", Kind: KindIndirect}})},
		{"speaker", rec(speakerRec{
			ID: gid3, Num: 9, Name: "Sergei Lavrov", Aliases: []string{"Lavrov"}, Titles: []string{"Foreign Minister"},
			Roles:  []roleRec{{Title: "Foreign Minister", Org: "Russia", From: day("2024-01-01"), To: gday}, {Title: "envoy"}},
			Venues: []string{"cnn", "ria novosti"}, Co: []string{"s:pskb"}, Canon: gid1, Parent: gid2,
			Link:    &linkRec{Evidence: ev, Confidence: 0.881, By: ByAuto, At: gday},
			Members: []uuid.UUID{gid2}, Display: "Sergei Viktorovich Lavrov", Created: gday,
		})},
		{"speaker bare", rec(speakerRec{ID: gid3, Num: 1, Name: "Peskov", Created: gday})},
		{"venue", rec(venueRec{ID: gid1, Num: 300, Name: "RIA Novosti", Kind: VenueInterview})},
		{"outlet", rec(outletRec{ID: gid2, Num: 1, Name: "Reuters"})},
		{"candidate", rec(candidateRec{ID: gid1, A: gid2, B: gid3, Evidence: ev, Confidence: 0.5, Shared: 1, Created: gday})},
		{"decision", rec(decisionRec{Action: decisionApart, At: gday})},
		{"quote facets", hx(quoteFacets(quote))},
		{"posting facts", hx(encodeFacts(quote, length, pos["talks"]))},
		{"word block (layout 5)", hx(encodeBlock(block))},
		{"segment block", segment["block"]},
		{"segment terms", segment["terms"]},
		{"segment deletes", hx(encodeDeletes([]segDelete{{suffix: block[0].suffix, postings: 3}, {suffix: block[1].suffix, postings: 300}}))},
		{"segment directory", hx((&segDir{next: 0x0309,
			live: []segInfo{
				{num: 1, postings: 1000, deleted: 12, terms: 300, bytes: 40000, delSeq: 0x0300, minDate: 0, maxDate: key.Date(gday)},
				{num: 0x0302, postings: 3, terms: 2, bytes: 90, minDate: key.Date(gday), maxDate: key.Date(gday)},
			},
			merging:  []segMerge{{out: 0x0308, through: 0x0307, ins: []uint64{1, 0x0302}}},
			dropping: []uint64{0x0305, 0x0306},
		}).encode())},
		{"match postings", hx(appendPosting(appendPosting(nil, occRec{ID: gid1, QuoteID: gid2}), occRec{ID: gid3, QuoteID: gid2}))},
		{"occurrence by quote", hx(occIndex(occRec{ID: gid3, QuoteID: gid2, attribution: attribution{ArticleID: gid1, SpeakerID: gid3}})[0].v)},
		{"quote by article", hx(quoteIndex(quote)[0].v)},
		{"count", hx(uint64Bytes(1234567))},
		{"date", hx(key.DateBytes(key.Date(gday)))},
		{"speaker lookup", hx(speakerIndex(speakerRec{ID: gid3, Name: "Sergei Lavrov"})[1].v)},
	}
	golden(t, "values.golden", hexLines(lines))
}

// goldenArticle is an article of text with quotations by speakers: each
// quotation is the text between the n-th pair of “ ”, said by
// speakers[n] ("" for none) at venues[n].
type goldenQuote struct {
	speaker, title, venue, kind string
}

func goldenArticle(url, outlet, published, text string, qs ...goldenQuote) ArticleInput {
	in := ArticleInput{URL: url, Outlet: outlet, Title: "About " + url, Text: text}
	if published != "" {
		d, err := time.Parse(time.DateOnly, published)
		if err != nil {
			panic(err)
		}
		in.Published = d
	}
	rest := text
	off := 0
	for _, gq := range qs {
		i := strings.Index(rest, "“")
		j := strings.Index(rest, "”")
		if i < 0 || j < i {
			panic("golden article without enough quotations: " + url)
		}
		q := rest[i+len("“") : j]
		start := utf8.RuneCountInString(text[:off+i+len("“")])
		qi := QuoteInput{Text: q, Kind: KindDirect, Confidence: 0.85,
			Spans: []Span{{start, start + utf8.RuneCountInString(q)}}}
		if gq.kind != "" {
			qi.Kind = gq.kind
		}
		if gq.speaker != "" {
			qi.Speaker = &SpeakerRef{Name: gq.speaker}
			if gq.title != "" {
				qi.Speaker.Titles = []string{gq.title}
			}
		}
		if gq.venue != "" {
			name, kind, _ := strings.Cut(gq.venue, "/")
			qi.Venue = &VenueRef{Name: name, Kind: kind}
		}
		in.Quotes = append(in.Quotes, qi)
		off += j + len("”")
		rest = text[off:]
	}
	return in
}

// goldenStore writes a fixed series of articles and decisions, which
// between them write every kind of key: records and text, every index,
// word blocks and fresh postings, a merge, a candidate and a decision, a
// copy, a conflict, a replaced article, roles seen again, and names in
// Greek, Cyrillic and Latin with diacritics.
func goldenStore(t *testing.T) *Store {
	t.Helper()
	fixedIDs(t)
	ctx := context.Background()
	s, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	put := func(in ArticleInput) {
		t.Helper()
		if _, err := s.PutArticle(ctx, in); err != nil {
			t.Fatalf("PutArticle(%s): %v", in.URL, err)
		}
	}
	peskov := goldenQuote{"Dmitry Peskov", "Kremlin spokesman", "press briefing/event", ""}
	put(goldenArticle("https://example.com/a1", "Reuters", "2024-03-01",
		`Kremlin spokesman Dmitry Peskov told reporters: “The talks in Riyadh are over for now.” `+
			`Foreign Minister Sergey Lavrov said in an interview with RIA Novosti that “Russia is ready to negotiate without conditions.” `+
			`Peskov added that “nothing has changed since the summit”.`,
		peskov,
		goldenQuote{"Sergey Lavrov", "Foreign Minister", "RIA Novosti/interview", ""},
		goldenQuote{"Dmitry Peskov", "", "press briefing/event", KindPartial}))
	put(goldenArticle("https://example.com/a2", "TASS", "2024-02-15",
		`President Recep Tayyip Erdoğan told CNN: “Türkiye will host the next round of talks in Istanbul.” `+
			`Russian Foreign Minister Sergei Lavrov, speaking to CNN, said “we welcome Turkish mediation and the talks.”`,
		goldenQuote{"Recep Tayyip Erdoğan", "President", "CNN/broadcast", ""},
		goldenQuote{"Sergei Lavrov", "Foreign Minister", "CNN/broadcast", ""}))
	in := goldenArticle("", "", "", `Erdogan said on X: “Peace is possible this year, 2025.” Nobody else spoke.`,
		goldenQuote{"Recep Tayyip Erdogan", "", "X/social", ""})
	in.SourceID = "x-3"
	put(in)
	if err := s.MergePostings(ctx); err != nil {
		t.Fatal(err)
	}
	// A rewrite of a1 by another outlet, later: the same quotations, one cut.
	put(goldenArticle("https://example.org/copy", "Daily Copy", "2024-03-02",
		`Dmitry Peskov told reporters: “The talks in Riyadh are over for now.” `+
			`Sergey Lavrov said in an interview that “Russia is ready to negotiate without conditions.” `+
			`Peskov said “nothing has changed”.`,
		goldenQuote{"Dmitry Peskov", "Kremlin spokesman", "", ""},
		goldenQuote{"Sergey Lavrov", "", "", ""},
		goldenQuote{"Dmitry Peskov", "", "", ""}))
	// The same words given to someone who cannot be Peskov: a conflict.
	put(goldenArticle("https://example.net/conflict", "Ukrinform", "2024-03-05",
		`Olena Kovalenko said: “The talks in Riyadh are over for now.” `+
			`Κυριάκος Μητσοτάκης told ΕΡΤ: “Η Ελλάδα στηρίζει τις συνομιλίες.” `+
			`Володимир Зеленський said: “Україна готова до миру.” `+
			`Łukasz Żółć said: “Straße und Café, naïve façade.”`,
		goldenQuote{"Olena Kovalenko", "", "", ""},
		goldenQuote{"Κυριάκος Μητσοτάκης", "Πρωθυπουργός", "ΕΡΤ/broadcast", ""},
		goldenQuote{"Володимир Зеленський", "President", "", ""},
		goldenQuote{"Łukasz Żółć", "", "", KindIndirect}))
	// Peskov again, later, in the role he held: the role's last date.
	put(goldenArticle("https://example.com/a4", "Reuters", "2024-04-10",
		`Kremlin spokesman Dmitry Peskov said: “There is no date for a new meeting yet.”`, peskov))
	// One person printed two ways, too little in common to merge: a candidate.
	put(goldenArticle("https://silva.test/a", "Lusa", "2025-03-01",
		`Ana Silva said: “We will never accept these tariffs on our farmers and fishermen.”`,
		goldenQuote{"Ana Silva", "Portuguese Foreign Minister", "", ""}))
	put(goldenArticle("https://silva.test/b", "", "2025-03-02",
		`Anna Silva said: “Exports rose sharply this year, the best result in a decade.”`,
		goldenQuote{"Anna Silva", "", "", ""}))
	// Another such pair, left for review.
	put(goldenArticle("https://moura.test/a", "Lusa", "2025-03-03",
		`Rita Moura said: “The harbour will reopen in spring after the repairs.”`,
		goldenQuote{"Rita Moura", "", "", ""}))
	put(goldenArticle("https://moura.test/b", "Lusa", "2025-03-04",
		`Ritta Moura said: “Fishing quotas must be shared more fairly among the islands.”`,
		goldenQuote{"Ritta Moura", "", "", ""}))
	// A replaced article: other text under a known URL.
	put(goldenArticle("https://example.com/a4", "Reuters", "2024-04-11",
		`Kremlin spokesman Dmitry Peskov said: “There is still no date for a new meeting.”`, peskov))
	cs, _, err := s.Candidates(ctx, Page{})
	if err != nil || len(cs) != 2 {
		t.Fatalf("Candidates = %v, %v; want two", cs, err)
	}
	if _, err := s.RejectCandidate(ctx, cs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// dumpStore lists every key of s with its value, in hex.
func dumpStore(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s %s\n", hx(it.Item().Key()), hx(v))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestGoldenStore pins every key and value of a store after a fixed
// series of writes.
func TestGoldenStore(t *testing.T) {
	s := goldenStore(t)
	dump := dumpStore(t, s)
	kinds := map[key.Kind]bool{}
	for line := range strings.Lines(dump) {
		k, _ := hex.DecodeString(line[:2])
		kinds[key.Kind(k[0])] = true
	}
	// Every kind of key but the loader's mark is written.
	for _, p := range []key.Kind{key.KindMeta, key.KindArticle, key.KindQuote, key.KindSpeaker, key.KindVenue, key.KindOutlet, key.KindText, key.KindOccurrence, key.KindCounter,
		key.KindQuoteByArticle, key.KindQuoteBySpeaker, key.KindQuoteByVenue, key.KindQuoteByDate, key.KindQuoteByOutlet,
		key.KindOccurrenceByQuote, key.KindMatch, key.KindConflict, key.KindSpeakerByName, key.KindSpeakerLookup,
		key.KindSpeakerByToken, key.KindSpeakerByBlock, key.KindRoleSeen, key.KindSpeakerMember, key.KindVenueByName, key.KindVenueLookup, key.KindVenueByToken,
		key.KindOutletByName, key.KindArticleByKey, key.KindArticleByDate, key.KindArticleCopy, key.KindSpeakerVenue, key.KindRollup, key.KindTimeline,
		key.KindCandidate, key.KindCandidatePair, key.KindDecision,
		key.KindSegments, key.KindSegmentBlock, key.KindSegmentTerms, key.KindSegmentDeletes} {
		if !kinds[p] {
			t.Errorf("the golden store has no key of kind %#02x", p)
		}
	}
	golden(t, "store.golden", dump)
}

// The golden store is the same every run.
func TestGoldenStoreRepeats(t *testing.T) {
	a := dumpStore(t, goldenStore(t))
	b := dumpStore(t, goldenStore(t))
	if !bytes.Equal([]byte(a), []byte(b)) {
		t.Error("two golden stores differ")
	}
}

// restoreDump writes the keys and values of a dump into a new Badger
// database in dir, as an older graphd left them.
func restoreDump(t *testing.T, dir, name string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	wb := db.NewWriteBatch()
	for line := range strings.Lines(string(b)) {
		kh, vh, _ := strings.Cut(strings.TrimSpace(line), " ")
		k, err1 := hex.DecodeString(kh)
		v, err2 := hex.DecodeString(vh)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: line %q", name, line)
		}
		if err := wb.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := wb.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestUpgradeFrom4 opens the golden store as layout 4 wrote it, with
// names in Greek and Cyrillic that layout 4 did not fold, and finds it
// upgraded to the store layout 6 writes: the same keys and values but for
// the search index, which holds the same postings and counts in other
// segments.
func TestUpgradeFrom4(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	restoreDump(t, dir, "store-layout4.golden")
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(ctx); err != nil {
		t.Fatalf("after the upgrade: %v", err)
	}
	fresh := goldenStore(t)
	if diff := cmp.Diff(dumpBesideSearch(t, fresh), dumpBesideSearch(t, s)); diff != "" {
		t.Errorf("the upgraded store differs from the store layout 6 writes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(searchDump(t, fresh), searchDump(t, s)); diff != "" {
		t.Errorf("the upgraded store's search index differs from the one layout 6 writes (-want +got):\n%s", diff)
	}
	sp, err := s.SpeakerByName(ctx, "Κυριακος Μητσοτακης")
	if err != nil || sp.Name != "Κυριάκος Μητσοτάκης" {
		t.Errorf("SpeakerByName without accents = %+v, %v", sp, err)
	}
	qs, _, err := s.Quotes(ctx, QuoteFilter{Search: "ελλαδα"}, Page{})
	if err != nil || len(qs) != 1 {
		t.Errorf("search without accents: %d quotes, %v", len(qs), err)
	}
}

// TestUpgradeFrom5 opens the golden store as layout 5 wrote it (JSON
// quote and occurrence records, an index of occurrences by article, an
// exact match key for every quotation, the word index in blocks and fresh
// postings) and finds it upgraded in place to the store layout 6 writes:
// the same keys and values but for the search index, which is one
// segment holding the postings and counts that the segments of the store
// layout 6 writes hold; the same when an upgrade was cut short before,
// while rewriting the records, after them, while writing the segment or
// after it.
func TestUpgradeFrom5(t *testing.T) {
	fresh := goldenStore(t)
	records := func(t *testing.T, s *Store) {
		if _, _, err := s.recordsFrom5(); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name string
		cut  func(t *testing.T, s *Store) // what an upgrade cut short left
	}{
		{"whole", nil},
		{"cut while rewriting the records", func(t *testing.T, s *Store) {
			// One occurrence record rewritten, the index of printings by
			// article and the match index half dropped.
			err := s.db.Update(func(txn *badger.Txn) error {
				for _, kind := range []key.Kind{key.KindOccurrence, key.KindOccurrenceByArticle, key.KindMatch} {
					it := txn.NewIterator(badger.IteratorOptions{Prefix: kind.Prefix()})
					it.Rewind()
					k := it.Item().KeyCopy(nil)
					v, err := it.Item().ValueCopy(nil)
					it.Close()
					if err != nil {
						return err
					}
					if kind != key.KindOccurrence {
						if err := txn.Delete(k); err != nil {
							return err
						}
						continue
					}
					var o occRec
					if err := decodeRecord(v, &o); err != nil {
						return err
					}
					if err := txn.Set(k, encodeOcc(&o)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"cut after the records", records},
		{"cut while writing the segment", func(t *testing.T, s *Store) {
			records(t, s)
			err := s.db.Update(func(txn *badger.Txn) error {
				return txn.Set(key.SegmentBlock(1, "zebra", make([]byte, key.SuffixLen)), []byte{1, 2, 3})
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"cut after writing the segment", func(t *testing.T, s *Store) {
			records(t, s)
			info, err := s.segmentFrom5()
			if err != nil {
				t.Fatal(err)
			}
			d := &segDir{next: 2, live: []segInfo{info}}
			if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(key.Segments(), d.encode()) }); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			dir := t.TempDir()
			restoreDump(t, dir, "store-layout5.golden")
			if tt.cut != nil {
				db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
				if err != nil {
					t.Fatal(err)
				}
				tt.cut(t, &Store{db: db, log: slog.New(slog.DiscardHandler)})
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
			}
			s, err := Open(dir, Options{GCInterval: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Check(ctx); err != nil {
				t.Fatalf("after the upgrade: %v", err)
			}
			st, err := s.SearchStats(ctx)
			if err != nil || st.Segments != 1 || st.Deleted != 0 {
				t.Errorf("SearchStats = %+v, %v; want one segment", st, err)
			}
			if diff := cmp.Diff(dumpBesideSearch(t, fresh), dumpBesideSearch(t, s)); diff != "" {
				t.Errorf("the upgraded store differs from the store layout 6 writes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(searchDump(t, fresh), searchDump(t, s)); diff != "" {
				t.Errorf("the upgraded store's search index differs from the one layout 6 writes (-want +got):\n%s", diff)
			}
			qs, _, err := s.Quotes(ctx, QuoteFilter{Search: "talks riyadh", Order: OrderRelevance}, Page{})
			if err != nil || len(qs) != 1 || qs[0].Occurrences != 3 {
				t.Errorf("search after the upgrade: %+v, %v", qs, err)
			}
		})
	}
}

// dumpBesideSearch is dumpStore without the search index's keys, which
// stores holding the same postings may hold in other segments.
func dumpBesideSearch(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	for line := range strings.Lines(dumpStore(t, s)) {
		k, _ := hex.DecodeString(line[:2])
		if kind := key.Kind(k[0]); kind < key.KindSegments || kind > key.KindSegmentDeletes {
			b.WriteString(line)
		}
	}
	return b.String()
}

// searchDump lists the search index as searches read it, whatever
// segments hold it: every posting not deleted (word, suffix, value), and
// every word's document frequency added up over the segments.
func searchDump(t *testing.T, s *Store) string {
	t.Helper()
	var lines []string
	df := map[string]int64{}
	err := s.db.View(func(txn *badger.Txn) error {
		d, err := s.segs.directory(txn)
		if err != nil {
			return err
		}
		for _, g := range d.live {
			dict, err := s.segs.dict(txn, g.num)
			if err != nil {
				return err
			}
			for _, e := range dict.terms {
				df[e.word] += e.df
			}
			dels, err := s.segs.deletes(txn, g)
			if err != nil {
				return err
			}
			sc := newSegScan(txn, g.num)
			for w, p, ok := sc.cur(); ok; w, p, ok = sc.cur() {
				if !slices.Contains(dels, p.suffix) {
					lines = append(lines, fmt.Sprintf("%s %x %x", w, p.suffix, p.val))
				}
				sc.next()
			}
			sc.close()
			if sc.err != nil {
				return sc.err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for w, n := range df {
		if n != 0 {
			lines = append(lines, fmt.Sprintf("df %s %d", w, n))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// Two speakers whose names layout 4 told apart and layout 5 folds alike
// keep their records; the name finds the first.
func TestUpgradeFrom4OneName(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := []uuid.UUID{goldenID(1, 1), goldenID(1, 2)}
	for i, name := range []string{"Κυριάκος Μητσοτάκης", "Κυριακος Μητσοτακης"} {
		if err := l.Speaker(Speaker{ID: ids[i], Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	err = s.db.Update(func(txn *badger.Txn) error { return txn.Set(key.Version(), []byte{4}) })
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(ctx); err != nil {
		t.Fatalf("after the upgrade: %v", err)
	}
	for _, name := range []string{"Κυριάκος Μητσοτάκης", "Κυριακος Μητσοτακης"} {
		if sp, err := s.SpeakerByName(ctx, name); err != nil || sp.ID != ids[0] {
			t.Errorf("SpeakerByName(%q) = %v, %v; want %s", name, sp.ID, err, ids[0])
		}
	}
}

// loadCopy copies every record of src into the empty dst with a Loader,
// as an export and an import do.
func loadCopy(t *testing.T, src, dst *Store) {
	t.Helper()
	ctx := t.Context()
	sn, err := src.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	l, err := dst.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Abort()
	var arts []Article
	var quotes []Quote
	errs := []error{
		sn.Outlets(ctx, l.Outlet),
		sn.SpeakerRecords(ctx, l.SpeakerRecord),
		sn.Venues(ctx, l.Venue),
		sn.Articles(ctx, true, func(a Article) error { arts = append(arts, a); return nil }),
		sn.AllQuotes(ctx, func(q Quote) error { quotes = append(quotes, q); return nil }),
	}
	for _, a := range arts {
		errs = append(errs, l.Article(a))
	}
	for _, q := range quotes {
		occs, err := sn.Occurrences(q)
		errs = append(errs, err, l.Statement(q, occs))
	}
	errs = append(errs, sn.CandidateRecords(ctx, l.CandidateRecord), sn.Decisions(ctx, l.Decision))
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestGoldenLoad pins every key and value of the golden store copied by
// a Loader, which writes the store's keys by a path of its own.
func TestGoldenLoad(t *testing.T) {
	src := goldenStore(t)
	dst, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	loadCopy(t, src, dst)
	if err := dst.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	golden(t, "store-loaded.golden", dumpStore(t, dst))
}
