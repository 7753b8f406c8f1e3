package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The hand-written encoder writes what encoding/json writes.
func TestJSONEncoder(t *testing.T) {
	text := "text"
	pub := time.Date(2025, 2, 17, 9, 30, 0, 123, time.UTC)
	date := "2025-02-17"
	for _, q := range []jsonQuote{
		{QuoteID: uuid.New(), Quotation: "We \"won\" <b>&</b>\n\t\x01\u2028 🕊 \xff", URLs: []string{}, Occurrences: []jsonOccurrence{{Spans: [][2]int{}}}},
		{QuoteID: uuid.New(), Quotation: "q", Speaker: &jsonSpeaker{ID: uuid.New(), Name: "A", Aliases: []string{"B"}, Titles: []string{"c\"d"}},
			Date: &date, NumOccurrences: 1, URLs: []string{"https://x/?a=1&b=<2>"},
			Occurrences: []jsonOccurrence{{ArticleID: uuid.New(), URL: "u", Title: "t", Outlet: "o", Date: date, Quotation: "q", Kind: "direct",
				Confidence: 0.85, Spans: [][2]int{{1, 2}, {3, 4}}, Cue: "said", CueSpan: &[2]int{5, 6}, Mention: "he", MentionSpan: &[2]int{7, 8},
				Venue: &jsonVenue{ID: uuid.New(), Name: "CNN", Kind: "broadcast"},
				ID:    uuid.New(), SpeakerName: "A", SpeakerID: uuid.New(), SpeakerRecord: uuid.New(), Match: "paraphrase", Score: 0.81,
				Similarity: 0.75, Fidelity: 0.5, Misquote: []string{"negation changed: \"not\""}}},
			Conflict: true,
			Speakers: []jsonRecord{{ID: uuid.New(), Name: "A <b>", Roles: []jsonRole{{Title: "minister", From: pub}},
				Merge: &jsonMerge{Evidence: []jsonEvidence{{"surname", "same surname a&b", 2}}, By: "auto", At: pub}, Canonical: uuid.New()}},
			Articles: []jsonArticle{{ID: uuid.New(), Key: "k", SourceID: "s", URL: "u", Title: "t", Outlet: &jsonOutlet{uuid.New(), "O"},
				Published: &pub, Hash: "h", Ingested: pub, Text: &text,
				CopyOf: &jsonCopy{Original: uuid.New(), Score: 0.7, SharedQuotes: 3, TextOverlap: 1e-9}}}},
		{QuoteID: uuid.New(), Occurrences: []jsonOccurrence{{Confidence: 1, Spans: [][2]int{}}, {Confidence: 1e-7, Spans: [][2]int{}}}, URLs: []string{}},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(q); err != nil {
			t.Fatal(err)
		}
		if got := q.append(nil); !bytes.Equal(want.Bytes(), got) {
			t.Errorf("got  %s\nwant %s", got, want.Bytes())
		}
	}
}

// The literal writer of N-Quads writes what literal builds.
func TestQuadLiteral(t *testing.T) {
	for _, v := range []string{"", "plain", `a "quoted" \ word`, "tab\tnew\nline\r", "\x01\x7f", "é 🕊 Привет", "bad \xff byte", "é\xff", "\u2028"} {
		var want, got bytes.Buffer
		wq := &quadWriter{w: bufio.NewWriter(&want)}
		wq.quad("<s>", "<p>", typed(v, "string"), "<g>")
		wq.w.Flush()
		gq := &quadWriter{w: bufio.NewWriter(&got)}
		gq.lit("<s>", "<p>", v, "string", "<g>")
		gq.w.Flush()
		if want.String() != got.String() {
			t.Errorf("%q: got %s want %s", v, got.String(), want.String())
		}
	}
}
