package similar

import (
	"hash/fnv"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/fold"
)

func TestCompare(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		how  string
		min  float64
	}{
		{"We are ready to talk.", "we are READY to talk", Exact, 1},
		{"We are ready to talk about peace in Ukraine.", "ready to talk about peace", Contained, 0.9},
		{"We are ready to negotiate a lasting peace with Ukraine.", "We're ready to negotiate lasting peace with Ukraine now.", Paraphrase, 0.6},
		{"The weather is fine.", "Tariffs will rise next year.", Paraphrase, 0},
		{"Yes.", "No.", "", 0},
	} {
		a, b := Prepare(tt.a), Prepare(tt.b)
		m := Compare(&a, &b)
		if m.How != tt.how || m.Score < tt.min || m.Score > 1 {
			t.Errorf("Compare(%q, %q) = %+v, want %s ≥ %v", tt.a, tt.b, m, tt.how, tt.min)
		}
		if m2 := Compare(&b, &a); m2 != m {
			t.Errorf("Compare is not symmetric on %q, %q: %+v, %+v", tt.a, tt.b, m, m2)
		}
	}
	// Numbers that differ make two statements.
	a, b := Prepare("Exports rose by 12 percent this year"), Prepare("Exports rose by 21 percent this year")
	c := Prepare("Exports rose by 12 percent this spring")
	if Compare(&a, &b).Score >= Compare(&a, &c).Score {
		t.Errorf("a changed number scores %v, a changed word %v", Compare(&a, &b).Score, Compare(&a, &c).Score)
	}
}

// The match keys of a text are the same prepared or not; printings that
// share most words share a key.
func TestMatchKeys(t *testing.T) {
	texts := []string{"We will never accept these tariffs on our farmers and fishermen.", "Peace.", "", "a b"}
	for _, s := range texts {
		p := Prepare(s)
		if diff := cmp.Diff(p.MatchKeys(), MatchKeys(s)); diff != "" {
			t.Errorf("MatchKeys(%q) (-prepared +direct):\n%s", s, diff)
		}
		if n := len(MatchKeys(s)); n < 1 || n > 1+maxMatchKeys {
			t.Errorf("MatchKeys(%q) has %d keys", s, n)
		}
	}
	a, b := MatchKeys(texts[0]), MatchKeys("We will never accept these tariffs on our farmers, she said.")
	if !slices.ContainsFunc(a[1:], func(k string) bool { return slices.Contains(b, k) }) {
		t.Errorf("no shared key: %q and %q", a, b)
	}
}

func TestDiff(t *testing.T) {
	got := Diff("We will never accept these tariffs", "We will accept these new tariffs")
	want := []DiffOp{{DiffEqual, "We will"}, {DiffDelete, "never"}, {DiffEqual, "accept these"}, {DiffInsert, "new"}, {DiffEqual, "tariffs"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"negation changed: dropped “never”"}, Misquotes(got)); diff != "" {
		t.Errorf("Misquotes (-want +got):\n%s", diff)
	}
	if m := Misquotes(Diff("Prices rise by 5 percent", "Prices fall by 7 percent")); len(m) != 2 {
		t.Errorf("Misquotes of an opposite word and a number = %q", m)
	}
	sim, fid := Fidelity("We will never accept these tariffs", "never accept these tariffs")
	if sim != 0.8 || fid != 1 {
		t.Errorf("Fidelity of a cut = %v, %v", sim, fid)
	}
}

func TestSketch(t *testing.T) {
	a := "The foreign minister said on Monday that the talks in Riyadh had ended without an agreement on a ceasefire."
	b := "On Monday the foreign minister said that the talks in Riyadh had ended without an agreement on a ceasefire."
	c := "Exports of fish rose sharply this year, the best result in a decade, the ministry of agriculture said."
	if sa, sb := Sketch(a), Sketch(b); len(sa) != SketchSize || Overlap(sa, sb) < 0.5 {
		t.Errorf("Overlap of a rewrite = %v", Overlap(sa, sb))
	}
	if o := Overlap(Sketch(a), Sketch(c)); o > 0.1 {
		t.Errorf("Overlap of other texts = %v", o)
	}
	if Sketch("two words") != nil || Overlap(nil, Sketch(a)) != 0 {
		t.Error("a text of fewer than three words has a sketch")
	}
}

// TestSketchHash checks that Sketch hashes each shingle as hash64 of the
// three words joined by spaces, as it always has: sketches are stored.
func TestSketchHash(t *testing.T) {
	text := "Peace talks resumed in Geneva on Monday, the minister said, after weeks of delay."
	words := strings.Fields(fold.String(text))
	want := make([]uint32, SketchSize)
	for i := range want {
		want[i] = ^uint32(0)
	}
	for i := 0; i+3 <= len(words); i++ {
		h := hash64(words[i] + " " + words[i+1] + " " + words[i+2])
		for j := range want {
			m := uint64(0x9e3779b97f4a7c15) + uint64(j)*0xbf58476d1ce4e5b9 | 1
			if v := uint32((h*m + uint64(j)*0x94d049bb133111eb) >> 32); v < want[j] {
				want[j] = v
			}
		}
	}
	if got := Sketch(text); !slices.Equal(got, want) {
		t.Errorf("Sketch = %v, want %v", got, want)
	}
}

// TestHash64 checks hash64 against hash/fnv's FNV-1a: match keys and
// sketches are stored.
func TestHash64(t *testing.T) {
	for _, s := range []string{"", "peace talk", "= 12ab", "négociation ukraine"} {
		h := fnv.New64a()
		h.Write([]byte(s))
		if got, want := hash64(s), h.Sum64(); got != want {
			t.Errorf("hash64(%q) = %x, want %x", s, got, want)
		}
	}
}

// TestPrepareGrams checks the 3-grams Prepare hashes against the strings
// they stand for: FNV-1a of each 3-rune piece of " stem ", distinct,
// sorted.
func TestPrepareGrams(t *testing.T) {
	for _, text := range []string{"Négociations de paix à Genève, dit-il", "We are ready to talk.", "ok", "Ελλάδα και Κύπρος 2025", "bad \xff byte"} {
		p := Prepare(text)
		var want []uint32
		for _, s := range p.Stems {
			r := []rune(" " + s + " ")
			for i := 0; i+3 <= len(r); i++ {
				h := fnv.New32a()
				h.Write([]byte(string(r[i : i+3])))
				want = append(want, h.Sum32())
			}
		}
		slices.Sort(want)
		want = slices.Compact(want)
		if !slices.Equal(p.grams, want) {
			t.Errorf("Prepare(%q).grams = %v, want %v", text, p.grams, want)
		}
	}
}
