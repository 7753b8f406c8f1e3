package graph

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/similar"
)

// decodeBoth decodes data with the fast decoder and with encoding/json
// into fresh records of the type of zero, and fails when the fast one
// answers differently.
func decodeBoth[T any](t *testing.T, data []byte) (fast bool) {
	t.Helper()
	var a, b T
	fast = decodeFast(data, &a)
	err := json.Unmarshal(data, &b)
	if fast && err != nil {
		t.Fatalf("fast decoder took %q, which encoding/json refuses: %v", data, err)
	}
	if fast {
		if diff := cmp.Diff(b, a, cmp.AllowUnexported(quoteRec{}, occRec{}, articleRec{})); diff != "" {
			t.Fatalf("%q (-json +fast):\n%s", data, diff)
		}
	}
	return fast
}

func TestDecodeFast(t *testing.T) {
	at := time.Date(2025, 2, 17, 9, 30, 0, 123456789, time.UTC)
	texts := []string{"We will \"never\" give up.\nLine\ttwo \\ / é 🕊", "", "a\u2028b", "\x01", "bad \xff byte", "<b>&amp;</b>"}
	for _, text := range texts {
		for _, v := range []any{
			quoteRec{
				ID: uuid.New(), First: uuid.New(), Canon: uuid.New(), Count: 3, Conflict: true, Speakers: []uuid.UUID{uuid.New(), uuid.New()},
				attribution: attribution{
					ArticleID: uuid.New(), SpeakerID: uuid.New(), SpeakerNum: 7, Text: text, Kind: KindDirect,
					Spans: []Span{{1, 2}, {3, 40}}, Cue: "said", CueSpan: &Span{5, 9}, Mention: text,
					Confidence: 0.85, Published: at,
				},
			},
			quoteRec{ID: uuid.New(), attribution: attribution{Text: text, Confidence: 1e-7}},
			occRec{
				ID: uuid.New(), QuoteID: uuid.New(), Match: similar.Paraphrase, Score: 0.733,
				attribution: attribution{
					Text: text, Kind: KindIndirect, Confidence: 1, Published: at.In(time.FixedZone("x", 3600)),
					MentionSpan: &Span{0, 1},
				},
			},
			articleRec{ID: uuid.New(), Key: text, URL: "https://x.test/?a=1&b=<2>", Title: text, Outlet: "Wire", OutletID: uuid.New(),
				Published: at, Hash: "ab", TextLen: 12, Ingested: at, Sketch: []uint32{0, 1, 4294967295}, Quotes: 4,
				Copy: &copyRec{Original: uuid.New(), Score: 0.5, Shared: 3, Overlap: 0.25}},
		} {
			b, err := encodeJSON(v)
			if err != nil {
				t.Fatal(err)
			}
			var fast bool
			switch v.(type) {
			case quoteRec:
				fast = decodeBoth[quoteRec](t, b[1:])
			case occRec:
				fast = decodeBoth[occRec](t, b[1:])
			case articleRec:
				fast = decodeBoth[articleRec](t, b[1:])
			}
			// Only \u escapes, which encoding/json writes for control
			// characters, line separators and bytes that are not UTF-8,
			// are left to it.
			if want := text != "a\u2028b" && text != "\x01" && text != "bad \xff byte"; fast != want {
				t.Errorf("%T of text %q: fast %v, want %v", v, text, fast, want)
			}
		}
	}
	for _, bad := range []string{`{"id":null}`, `{"count":1.5}`, `{"count":01}`, `{"ID":"` + uuid.NewString() + `"}`, `{"text":"a"} x`,
		`{"conflict":truex}`, `{"speakerNum":-1}`, `{"confidence":1e400}`, `{"spans":[{"start":1,"end":2,}]}`, `{"text":"\ud83d\udd4a"}`} {
		if decodeBoth[quoteRec](t, []byte(bad)) {
			t.Errorf("fast decoder took %s", bad)
		}
	}
}

// Whatever the fast decoder accepts, encoding/json reads alike.
func FuzzDecodeFast(f *testing.F) {
	for _, v := range []any{
		quoteRec{ID: uuid.New(), Speakers: []uuid.UUID{uuid.New()}, attribution: attribution{Text: "a \"b\"", Spans: []Span{{1, 2}}, CueSpan: &Span{3, 4}, Published: time.Now().UTC()}},
		occRec{ID: uuid.New(), Match: similar.Exact, Score: 0.5, attribution: attribution{Text: "x"}},
		articleRec{ID: uuid.New(), Sketch: []uint32{1, 2}, Copy: &copyRec{Original: uuid.New()}},
	} {
		b, _ := encodeRecord(v)
		f.Add(b[1:])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeBoth[quoteRec](t, data)
		decodeBoth[occRec](t, data)
		decodeBoth[articleRec](t, data)
	})
}

// Quotes and occurrences are written in the binary form and read back as
// they were, whatever their text holds.
func TestWireRecords(t *testing.T) {
	at := time.Date(2025, 2, 17, 9, 30, 0, 123456789, time.UTC)
	for _, text := range []string{"We will \"never\" give up.\nLine\ttwo \\ / é 🕊", "", "a\u2028b", "\x01"} {
		for _, v := range []any{
			&quoteRec{
				ID: uuid.New(), First: uuid.New(), Canon: uuid.New(), Count: 3, Conflict: true, Speakers: []uuid.UUID{uuid.New(), uuid.New()},
				attribution: attribution{
					ArticleID: uuid.New(), SpeakerID: uuid.New(), VenueID: uuid.New(), OutletID: uuid.New(),
					SpeakerNum: 7, VenueNum: 1 << 20, OutletNum: 3, Text: text, Kind: KindDirect,
					Spans: []Span{{1, 2}, {3, 40}}, Cue: "said", CueSpan: &Span{5, 9}, Mention: text,
					MentionSpan: &Span{0, 0}, Confidence: 0.85, Published: at,
				},
			},
			&quoteRec{ID: uuid.New(), First: gid1, Canon: gid1, attribution: attribution{Text: text, Confidence: 1e-7, Published: time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC)}},
			&occRec{
				ID: uuid.New(), QuoteID: uuid.New(), Match: similar.Paraphrase, Score: 0.733,
				attribution: attribution{
					Text: text, Kind: KindIndirect, Confidence: 1, Published: at, MentionSpan: &Span{0, 1},
				},
			},
			&occRec{ID: uuid.New()},
		} {
			b, err := encodeRecord(v)
			if err != nil {
				t.Fatal(err)
			}
			if b[0] != wireVersion {
				t.Fatalf("%T written in version %d", v, b[0])
			}
			var got any
			switch v.(type) {
			case *quoteRec:
				var r quoteRec
				err, got = decodeRecord(b, &r), &r
			case *occRec:
				var r occRec
				err, got = decodeRecord(b, &r), &r
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(v, got, cmp.AllowUnexported(quoteRec{}, occRec{})); diff != "" {
				t.Errorf("read back (-wrote +read):\n%s", diff)
			}
		}
	}
	var r occRec
	for _, bad := range [][]byte{{wireVersion, 0x0a, 0x05, 1, 2, 3}, {wireVersion, 0x0a}, {wireVersion, 0xff}} {
		if err := decodeRecord(bad, &r); err == nil {
			t.Errorf("%x read without error", bad)
		}
	}
}
