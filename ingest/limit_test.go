package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// seedText is the first seed article.
func seedText(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "seeds", "000_f870fa87edc7ab14.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestExtractPieces extracts an article several times the size of a
// piece: each piece must give what the same text gives alone, at offsets
// into the whole article.
func TestExtractPieces(t *testing.T) {
	seed := seedText(t)
	alone := Extract(Article{Text: seed})
	if len(alone) == 0 {
		t.Fatal("the seed gives no attribution")
	}
	copies := 2*maxChunkBytes/len(seed) + 3
	var b strings.Builder
	for range copies {
		b.WriteString(seed)
		b.WriteString("\n")
	}
	text := b.String()
	got, err := ExtractContext(t.Context(), Article{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	checkAttributions(t, text, got)
	// Pieces end at line ends, so the copies cut by a piece's end give
	// less; the others give what the seed gives alone.
	quotes := map[string]int{}
	for _, a := range got {
		quotes[a.Quote]++
	}
	whole := 0
	for _, a := range alone {
		if quotes[a.Quote] >= copies-2 {
			whole++
		}
	}
	if whole != len(alone) {
		t.Errorf("%d of the seed's %d quotations found in nearly every copy", whole, len(alone))
	}
}

// TestPieceHasNoHeadline: only the article's first line is its headline,
// not the first line of each piece a long article is read in.
func TestPieceHasNoHeadline(t *testing.T) {
	const line = "Harbor Chief Ann Lee: Port Will Close Next Year, Jobs Go South\n"
	const filler = "The tide came in over the old stones of the harbor wall at dusk.\n"
	atHead := Extract(Article{Text: line + filler})
	if !slices.ContainsFunc(atHead, func(a Attribution) bool { return a.Speaker == "Ann Lee" }) {
		t.Fatalf("the line as a headline gives no statement of Ann Lee: %+v", atHead)
	}
	// the line straddles the end of the first piece, so it opens the second
	var b strings.Builder
	b.WriteString("The Harbor at Dusk\n")
	for b.Len()+len(line) <= maxChunkBytes {
		b.WriteString(filler)
	}
	at := utf8.RuneCountInString(b.String())
	b.WriteString(line)
	for range 20 {
		b.WriteString(filler)
	}
	text := b.String()
	if end := chunkEnd(text, 0); utf8.RuneCountInString(text[:end]) != at {
		t.Fatalf("the first piece ends at %d, not at the line (%d)", end, at)
	}
	// the rules alone: the tagger may read the line as a roundup's "Name:
	// statement", which is no headline
	got, err := extractWith(t.Context(), nil, text, 0)
	if err != nil {
		t.Fatal(err)
	}
	if head := ExtractWith(nil, Article{Text: line + filler}); !slices.ContainsFunc(head, func(a Attribution) bool { return a.Speaker == "Ann Lee" }) {
		t.Fatalf("the rules alone give the line as a headline no statement of Ann Lee: %+v", head)
	}
	for _, a := range got {
		if a.Cue != nil && a.Cue.Start >= at && a.Cue.Start < at+len(line) {
			t.Errorf("the line inside the article is taken as a headline: %+v", a)
		}
	}
}

// TestChunkEnd checks where pieces are cut: at a line end, else a
// sentence end, else a space, never inside a code point.
func TestChunkEnd(t *testing.T) {
	line := strings.Repeat("word ", maxChunkBytes/5*2)
	tests := []struct {
		name, text string
		want       func(text string, end int) bool
	}{
		{"line end", strings.Repeat("x", maxChunkBytes*3/4) + "\n" + line,
			func(s string, e int) bool { return s[e-1] == '\n' }},
		{"sentence end", strings.Repeat("a", maxChunkBytes*3/4) + ". " + line,
			func(s string, e int) bool { return strings.HasSuffix(s[:e], "word ") || strings.HasSuffix(s[:e], ". ") }},
		{"no space", strings.Repeat("é", maxChunkBytes),
			func(s string, e int) bool { return e < len(s) && strings.HasPrefix(s[e:], "é") }},
	}
	for _, tt := range tests {
		end := chunkEnd(tt.text, 0)
		if end <= 0 || end > maxChunkBytes || !tt.want(tt.text, end) {
			t.Errorf("%s: cut at %d (%q)", tt.name, end, tt.text[max(0, end-5):min(len(tt.text), end+5)])
		}
	}
}

func TestExtractContextStops(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := ExtractContext(ctx, Article{Text: seedText(t)}); !errors.Is(err, context.Canceled) {
		t.Errorf("ExtractContext of a canceled context: %v", err)
	}
}

// TestStoreRefuses sends Store what it must refuse before writing: the
// message is for the sender, the error says why, and nothing is stored.
func TestStoreRefuses(t *testing.T) {
	s := graphtest.Open(t)
	seed := seedText(t)
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		text string
		is   error
		msg  string // the whole message, or its start when it ends in "…"
	}{
		{"empty", t.Context(), " \n", ErrNoText, "text: empty"},
		{"quotation marks", t.Context(), "Marks\n" + strings.Repeat(`"a `, MaxQuoteMarks+2) + "x",
			ErrTooLarge, fmt.Sprintf("article too large: %d quotation marks, limit %d", MaxQuoteMarks+2, MaxQuoteMarks)},
		{"attributions", t.Context(), strings.Repeat("Mayor Ann Lee said the vote was fair and the count was right.\n", MaxAttributions+50),
			ErrTooLarge, fmt.Sprintf("article too large: more than %d attributions, limit %d", MaxAttributions, MaxAttributions)},
		{"text", t.Context(), strings.Repeat("x", MaxArticleBytes+1), ErrTooLarge, fmt.Sprintf("article too large: %d bytes of text, limit %d", MaxArticleBytes+1, MaxArticleBytes)},
		{"encoding", t.Context(), "Headline\n\x93Yes,\x94 she said.", ErrEncoding, "text: not valid UTF-8: byte 0x93 at line 2, column 1 (…"},
		{"canceled", canceled, seed, context.Canceled, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Store(tt.ctx, s, Article{URL: "https://news.example/" + tt.name, Text: tt.text})
			if !errors.Is(err, tt.is) {
				t.Fatalf("Store: %v, want %v", err, tt.is)
			}
			msg := err.Error()
			if prefix, ok := strings.CutSuffix(tt.msg, "…"); ok {
				msg = msg[:min(len(msg), len(prefix))]
				tt.msg = prefix
			}
			if diff := cmp.Diff(tt.msg, msg); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
	c, err := s.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if c.Articles != 0 {
		t.Errorf("%d articles stored", c.Articles)
	}
	// The store's own refusal reaches the sender without its internals.
	_, err = Store(t.Context(), s, Article{URL: "https://news.example/title", Title: strings.Repeat("t", 5000), Text: seed})
	if ie, ok := errors.AsType[*InputError](err); !ok || !errors.Is(err, graph.ErrInvalid) || strings.Contains(err.Error(), "put article") {
		t.Errorf("an invalid title: %v (%T)", err, ie)
	}
}

// BenchmarkExtractHostile extracts texts shaped to find super-linear
// work, at growing sizes: time per byte must stay flat. Run with
// -benchtime 3x; the largest texts take seconds.
func BenchmarkExtractHostile(b *testing.B) {
	shapes := []struct {
		name string
		unit string
	}{
		{"straight-quotes", `"a `},
		{"single-quotes", "'Ut lorem ipsum dolor. "},
		{"curly-quotes", "“a "},
		{"said", "Peskov said "},
	}
	seedLine := strings.ReplaceAll(seedText(b), "\n", " ") + " "
	for _, size := range []int{64 << 10, 512 << 10, 4 << 20} {
		for _, sh := range append(shapes, struct{ name, unit string }{"news-one-line", seedLine}) {
			text := strings.Repeat(sh.unit, size/len(sh.unit)+1)[:size]
			for !strings.HasSuffix(text, " ") && len(text) > 0 { // whole code points
				text = text[:len(text)-1]
			}
			b.Run(fmt.Sprintf("%s/%dKiB", sh.name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					Extract(Article{Text: text})
				}
			})
		}
	}
}

func FuzzCheckUTF8(f *testing.F) {
	f.Add([]byte("plain"))
	f.Add([]byte("a\nb\x93c"))
	f.Add([]byte("\xe2\x80"))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := CheckUTF8(b)
		if (err == nil) != utf8.Valid(b) {
			t.Fatalf("CheckUTF8(%q) = %v", b, err)
		}
		if err != nil && !errors.Is(err, ErrEncoding) {
			t.Fatalf("CheckUTF8(%q) = %v, not ErrEncoding", b, err)
		}
	})
}
