package graph

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Sergey Lavrov", "sergey lavrov"},
		{"  SERGEY\t\nLAVROV  ", "sergey lavrov"},
		{"Recep Tayyip Erdoğan", "recep tayyip erdogan"},
		{"Émile Zola", "emile zola"},
		{"E\u0301mile", "emile"}, // decomposed
		{"Łukasz Żółć", "lukasz zolc"},
		{"Straße", "strasse"},
		{"Þór Ægir", "thor aegir"},
		{"Ștefan Țiriac", "stefan tiriac"},
		{"O'Neill", "oneill"},
		{"O’Neill", "oneill"},
		{"U.S. envoy", "us envoy"},
		{"Mary-Ann", "mary ann"},
		{"Владимир Путин", "владимир путин"},
		{"İstanbul", "istanbul"},
		{"«Quoted», he said—twice!", "quoted he said twice"},
		{"2024 talks", "2024 talks"},
		{"!!! ...", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := normalize(tt.in); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokens(t *testing.T) {
	long := strings.Repeat("é", 40) // 80 bytes
	tests := []struct {
		in   string
		want []string
	}{
		{"The talks, the TALKS!", []string{"the", "talks"}},
		{"Türkiye's role", []string{"turkiyes", "role"}},
		{long, []string{strings.Repeat("e", 40)}},
		{strings.Repeat("ж", 40), []string{strings.Repeat("ж", 32)}},
		{"", []string{}},
	}
	for _, tt := range tests {
		got := tokens(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("tokens(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Sergey Lavrov", "Erdoğan", "O'Neill", "a\x00b", "\xff", strings.Repeat("ж", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := normalize(s)
		if strings.IndexByte(n, sep) >= 0 {
			t.Errorf("normalize(%q) = %q holds the key separator", s, n)
		}
		if utf8.ValidString(s) && !utf8.ValidString(n) {
			t.Errorf("normalize(%q) = %q is not UTF-8", s, n)
		}
		if again := normalize(n); again != n {
			t.Errorf("normalize not idempotent: %q → %q → %q", s, n, again)
		}
		for _, tok := range tokens(s) {
			if len(tok) > maxTokenBytes || tok == "" || strings.Contains(tok, " ") || !utf8.ValidString(tok) && utf8.ValidString(s) {
				t.Errorf("tokens(%q) has %q", s, tok)
			}
		}
	})
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
	for i := 1; i < len(dates); i++ {
		a, b := dateBytes(encDate(dates[i-1])), dateBytes(encDate(dates[i]))
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("%v does not sort before %v", dates[i-1], dates[i])
		}
		// Articles sort the other way.
		id := uuid.New()
		if bytes.Compare(articleDateKey(dates[i-1], id), articleDateKey(dates[i], id)) <= 0 {
			t.Errorf("article of %v does not sort after %v", dates[i-1], dates[i])
		}
	}
}

// Ids hold any byte, 0x00 too; name keys are split by position.
func TestSplitNameKey(t *testing.T) {
	ids := []uuid.UUID{{}, {0: 0, 15: 0}, {3: 0, 7: 1}, uuid.New()}
	for i := range ids[1] {
		ids[1][i] = byte(i % 2)
	}
	for _, id := range ids {
		for _, name := range []string{"", "a", "sergey lavrov"} {
			k := nameKey(pSpeakerByName, name, id)
			gotName, gotID, ok := splitNameKey(k[1:])
			if !ok || gotName != name || gotID != id {
				t.Errorf("splitNameKey(%x) = %q, %v, %v", k[1:], gotName, gotID, ok)
			}
		}
	}
	for _, bad := range [][]byte{nil, {1, 2}, append([]byte("a\x00b\x00"), make([]byte, 16)...), append([]byte("ab"), make([]byte, 16)...)} {
		if _, _, ok := splitNameKey(bad); ok {
			t.Errorf("splitNameKey(%x) ok", bad)
		}
	}
}
