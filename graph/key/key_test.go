package key

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

var (
	id1 = uuid.MustParse("019424f8-6088-7000-8000-000000000001")
	id2 = uuid.MustParse("019424f8-6088-7000-8000-00000000fe00") // 0x00 and 0xfe bytes inside
	day = time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)
)

// Every constructor's key parses back into the parts it was made of.
func TestParse(t *testing.T) {
	sfx := [SuffixLen]byte(Suffix(day, id2))
	tests := []struct {
		name string
		k    []byte
		want Parsed
	}{
		{"version", Version(), Parsed{Kind: KindMeta, Name: "version"}},
		{"loading", Loading(), Parsed{Kind: KindMeta, Name: "loading"}},
		{"article", Record(KindArticle, id1), Parsed{Kind: KindArticle, ID: id1}},
		{"quote", Record(KindQuote, id2), Parsed{Kind: KindQuote, ID: id2}},
		{"speaker", Record(KindSpeaker, id1), Parsed{Kind: KindSpeaker, ID: id1}},
		{"venue", Record(KindVenue, id1), Parsed{Kind: KindVenue, ID: id1}},
		{"outlet", Record(KindOutlet, id1), Parsed{Kind: KindOutlet, ID: id1}},
		{"occurrence", Record(KindOccurrence, id1), Parsed{Kind: KindOccurrence, ID: id1}},
		{"conflict", Record(KindConflict, id1), Parsed{Kind: KindConflict, ID: id1}},
		{"member", Record(KindSpeakerMember, id1), Parsed{Kind: KindSpeakerMember, ID: id1}},
		{"candidate", Record(KindCandidate, id1), Parsed{Kind: KindCandidate, ID: id1}},
		{"text", Text(id1, 258), Parsed{Kind: KindText, ID: id1, N: 258}},
		{"counter", Counter(CounterWords), Parsed{Kind: KindCounter, Name: "words"}},
		{"quote by article", QuoteIndex(KindQuoteByArticle, id1[:], day, id2),
			Parsed{Kind: KindQuoteByArticle, Selector: id1[:], Date: Date(day), ID: id2}},
		{"quote by date", QuoteIndex(KindQuoteByDate, nil, time.Time{}, id2), Parsed{Kind: KindQuoteByDate, ID: id2}},
		{"quote by outlet", QuoteIndex(KindQuoteByOutlet, id2[:], day, id1),
			Parsed{Kind: KindQuoteByOutlet, Selector: id2[:], Date: Date(day), ID: id1}},
		{"word block", WordBlock("talks", sfx), Parsed{Kind: KindWordBlock, Name: "talks", Date: Date(day), ID: id2}},
		{"final block", WordBlock("talks", FinalSuffix), Parsed{Kind: KindWordBlock, Name: "talks", Final: true}},
		{"fresh posting", FreshPosting("ταλκς", sfx), Parsed{Kind: KindFreshPosting, Name: "ταλκς", Date: Date(day), ID: id2}},
		{"term", Term("talk", "talks"), Parsed{Kind: KindTerm, Name: "talk", Other: "talks"}},
		{"occurrence by quote", Pair(KindOccurrenceByQuote, id1, id2), Parsed{Kind: KindOccurrenceByQuote, ID: id1, OtherID: id2}},
		{"candidate pair", Pair(KindCandidatePair, id2, id1), Parsed{Kind: KindCandidatePair, ID: id2, OtherID: id1}},
		{"match", Match("peac talk"), Parsed{Kind: KindMatch, Name: "peac talk"}},
		{"speaker by name", Name(KindSpeakerByName, "sergey lavrov", id2), Parsed{Kind: KindSpeakerByName, Name: "sergey lavrov", ID: id2}},
		{"speaker by block", Name(KindSpeakerByBlock, "s:lbrb", id1), Parsed{Kind: KindSpeakerByBlock, Name: "s:lbrb", ID: id1}},
		{"speaker lookup", Lookup(KindSpeakerLookup, "lavrov"), Parsed{Kind: KindSpeakerLookup, Name: "lavrov"}},
		{"article by key", Lookup(KindArticleByKey, "https://x/\x00"), Parsed{Kind: KindArticleByKey, Name: "https://x/\x00"}},
		{"venue lookup", VenueLookup("cnn", "broadcast"), Parsed{Kind: KindVenueLookup, Name: "cnn", Other: "broadcast"}},
		{"article by date", ArticleByDate(day, id1), Parsed{Kind: KindArticleByDate, Date: Date(day), ID: id1}},
		{"role seen", RoleSeen(id1, 7), Parsed{Kind: KindRoleSeen, ID: id1, N: 7}},
		{"rollup", Rollup(DimSpeaker, LevelMonth, 2024*12+2, id1[:]),
			Parsed{Kind: KindRollup, Dim: DimSpeaker, Level: LevelMonth, N: 2024*12 + 2, Value: id1[:]}},
		{"rollup before 1970", Rollup(DimKind, LevelDay, -3, []byte("direct")),
			Parsed{Kind: KindRollup, Dim: DimKind, Level: LevelDay, N: -3, Value: []byte("direct")}},
		{"timeline kind", Timeline(DimKind, []byte("partial"), 19783), Parsed{Kind: KindTimeline, Dim: DimKind, Value: []byte("partial"), N: 19783}},
		{"timeline all", Timeline(DimAll, nil, -1), Parsed{Kind: KindTimeline, Dim: DimAll, Value: []byte{}, N: -1}},
		{"decision", Decision("ana silva", "anna silva"), Parsed{Kind: KindDecision, Name: "ana silva", Other: "anna silva"}},
		{"segments", Segments(), Parsed{Kind: KindSegments}},
		{"segment block", SegmentBlock(0x0100, "ταλκς", sfx[:]), Parsed{Kind: KindSegmentBlock, Segment: 0x0100, Name: "ταλκς", Date: Date(day), ID: id2}},
		{"segment terms", SegmentTerms(7, "talks"), Parsed{Kind: KindSegmentTerms, Segment: 7, Name: "talks"}},
		{"segment deletes", SegmentDeletes(7, 1<<40), Parsed{Kind: KindSegmentDeletes, Segment: 7, Write: 1 << 40}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.k)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b []byte) bool { return bytes.Equal(a, b) })); diff != "" {
				t.Errorf("Parse(%x) (-want +got):\n%s", tt.k, diff)
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	for _, k := range [][]byte{nil, {0x00, 'x'}, {0x01, 1, 2}, {0x06}, {0x13, 1}, {0x14, 'a'}, {0x20, 'a', 0},
		{0x51}, {0x70, 's'}, {0x71, 'k', 'x', 0, 0, 0, 0}, {0x7c, 'a'}, {0x99},
		{0x80, 1}, {0x81, 0, 0, 0, 0, 0, 0, 0, 1, 'a'}, {0x82, 0, 1}, {0x82, 0, 0, 0, 0, 0, 0, 0, 1, 'a', 0}, {0x83, 0, 0, 0, 0, 0, 0, 0, 1}} {
		if _, err := Parse(k); !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%x) = %v, want ErrMalformed", k, err)
		}
	}
}

func TestDateOrder(t *testing.T) {
	dates := []time.Time{
		{},
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Unix(0, 0),
		time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 3, 1, 0, 0, 0, int(time.Millisecond), time.UTC),
		time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for i, d := range dates {
		if got := Time(Date(d)); !got.Equal(d) {
			t.Errorf("Time(Date(%v)) = %v", d, got)
		}
		if i == 0 {
			continue
		}
		a, b := DateBytes(Date(dates[i-1])), DateBytes(Date(d))
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("%v does not sort before %v", dates[i-1], d)
		}
		// Articles sort the other way.
		if bytes.Compare(ArticleByDate(dates[i-1], id1), ArticleByDate(d, id1)) <= 0 {
			t.Errorf("article of %v does not sort after %v", dates[i-1], d)
		}
	}
}

// Ids hold any byte, 0x00 too; name keys are split by position.
func TestSplitName(t *testing.T) {
	ids := []uuid.UUID{{}, {0: 0, 15: 0}, {3: 0, 7: 1}, id2}
	for i := range ids[1] {
		ids[1][i] = byte(i % 2)
	}
	for _, id := range ids {
		for _, name := range []string{"", "a", "sergey lavrov"} {
			k := Name(KindSpeakerByName, name, id)
			gotName, gotID, ok := SplitName(k[1:])
			if !ok || gotName != name || gotID != id {
				t.Errorf("SplitName(%x) = %q, %v, %v", k[1:], gotName, gotID, ok)
			}
		}
	}
	for _, bad := range [][]byte{nil, {1, 2}, append([]byte("a\x00b\x00"), make([]byte, 16)...), append([]byte("ab"), make([]byte, 16)...)} {
		if _, _, ok := SplitName(bad); ok {
			t.Errorf("SplitName(%x) ok", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Record(KindArticle, id1))
	f.Add(WordBlock("talks", FinalSuffix))
	f.Add(Timeline(DimKind, []byte("direct"), 3))
	f.Add(Rollup(DimSpeaker, LevelAll, 0, id1[:]))
	f.Add(SegmentBlock(3, "talks", FinalSuffix[:]))
	f.Fuzz(func(t *testing.T, k []byte) {
		Parse(k) // must not panic
	})
}
