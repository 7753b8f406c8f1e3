package fold

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestString(t *testing.T) {
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
		{"Алексей Навальный", "алексеи навальныи"},
		{"Κυριάκος Μητσοτάκης", "κυριακος μητσοτακης"},
		{"ΐ Ϊ", "ι ι"},
		{"Ṁüller ḃ", "muller b"},
		{"Đorđe Ðukić", "dorde dukic"},
		{"ǅemal Ǉubljana", "dzemal ljubljana"},
		{"Straẞe", "strasse"},
		{"한국어 문장", "한국어 문장"},
		{"हिन्दी", "हिनदी"},
		{"ありがとう", "ありかとう"},
		{"\xff\xfeab", "ab"},
		{"İstanbul", "istanbul"},
		{"«Quoted», he said—twice!", "quoted he said twice"},
		{"2024 talks", "2024 talks"},
		{"!!! ...", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
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
		got := Tokens(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Tokens(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// Every letter the folds of earlier key layouts knew folds as it did.
func TestStringKeepsLatin(t *testing.T) {
	groups := []struct{ to, from string }{
		{"a", "àáâãäåāăąǎǟǡǻȁȃȧạảấầẩẫậắằẳẵặ"}, {"c", "çćĉċčƈ"}, {"d", "ďđɗḍḏ"},
		{"e", "èéêëēĕėęěȅȇȩẹẻẽếềểễệ"}, {"g", "ĝğġģǧǵ"}, {"h", "ĥħḥḫ"}, {"i", "ìíîïĩīĭįıǐȉȋỉị"},
		{"j", "ĵǰ"}, {"k", "ķǩḳ"}, {"l", "ĺļľŀłḷ"}, {"n", "ñńņňŉǹṅṇ"},
		{"o", "òóôõöøōŏőơǒǫǭǿȍȏȫȭȯȱọỏốồổỗộớờởỡợ"}, {"r", "ŕŗřȑȓṛ"}, {"s", "śŝşšșṡṣ"},
		{"t", "ţťŧțṭ"}, {"u", "ùúûüũūŭůűųưǔǖǘǚǜȕȗụủứừửữự"}, {"w", "ŵẁẃẅ"}, {"y", "ýÿŷȳỳỵỷỹ"},
		{"z", "źżžẓ"}, {"ss", "ß"}, {"ae", "æǣǽ"}, {"oe", "œ"}, {"th", "þ"}, {"dz", "ǆ"}, {"lj", "ǉ"}, {"nj", "ǌ"},
	}
	for _, g := range groups {
		for _, r := range g.from {
			for _, s := range []string{string(r), strings.ToUpper(string(r))} {
				if got := String(s); got != g.to && !(s != string(r) && strings.ToLower(s) != string(r)) {
					t.Errorf("String(%q) = %q, want %q", s, got, g.to)
				}
			}
		}
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{"Sergey Lavrov", "Erdoğan", "O'Neill", "a\x00b", "\xff", strings.Repeat("ж", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := String(s)
		if strings.IndexByte(n, 0x00) >= 0 {
			t.Errorf("String(%q) = %q holds the key separator", s, n)
		}
		if utf8.ValidString(s) && !utf8.ValidString(n) {
			t.Errorf("String(%q) = %q is not UTF-8", s, n)
		}
		if Empty(s) != (n == "") {
			t.Errorf("Empty(%q) = %v, String gives %q", s, Empty(s), n)
		}
		if again := String(n); again != n {
			t.Errorf("normalize not idempotent: %q → %q → %q", s, n, again)
		}
		for _, tok := range Tokens(s) {
			if len(tok) > MaxWordBytes || tok == "" || strings.Contains(tok, " ") || !utf8.ValidString(tok) && utf8.ValidString(s) {
				t.Errorf("Tokens(%q) has %q", s, tok)
			}
		}
	})
}

var benchText = strings.Repeat(`Foreign Minister Sergey Lavrov told reporters on Monday: "Russia is ready to negotiate, `+
	`but not on these terms." Recep Tayyip Erdoğan said Türkiye would host the next round in İstanbul. `, 8)

func BenchmarkString(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		String(benchText)
	}
}
