package identity

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSkeleton(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"sergey", "sergei", true},
		{"albares", "alvarez", true},
		{"zelensky", "zelenskyy", true},
		{"tchaikovsky", "chaikovski", true},
		{"trump", "tusk", false},
		{"hansen", "hanson", true}, // skeletons agree; the given names and edits decide
	} {
		if got := Skeleton(tt.a) == Skeleton(tt.b); got != tt.same {
			t.Errorf("Skeleton(%q) = %q, Skeleton(%q) = %q", tt.a, Skeleton(tt.a), tt.b, Skeleton(tt.b))
		}
	}
}

func TestSplit(t *testing.T) {
	want := Name{Given: []string{"ursula"}, Surname: "leyen", Full: "dr ursula von der leyen"}
	if diff := cmp.Diff(want, Split("Dr. Ursula von der Leyen")); diff != "" {
		t.Errorf("Split (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"s:lbrb"}, BlockKeys("Sergey Lavrov", "Sergei Lavrov", "Lavrov")); diff != "" {
		t.Errorf("BlockKeys (-want +got):\n%s", diff)
	}
}

func TestCompatible(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		ok   bool
	}{
		{"Sergey Lavrov", "Sergei Lavrov", true},
		{"Lavrov", "Sergey Lavrov", true},
		{"J. Biden", "Joe Biden", true},
		{"Joe Biden", "Hunter Biden", false},
		{"Donald Trump", "Donald Tusk", false},
		{"José Manuel Albares", "Jose Albares", true},
	} {
		if got := Compatible(tt.a, tt.b); got != tt.ok {
			t.Errorf("Compatible(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestParseTitle(t *testing.T) {
	for _, tt := range []struct{ in, role, org string }{
		{"Spanish Foreign Minister", "Foreign Minister", "Spain"},
		{"Kremlin  spokesman", "spokesman", "Kremlin"},
		{"Nobody", "Nobody", "Nobody"},
	} {
		if role, org := ParseTitle(tt.in); role != tt.role || org != tt.org {
			t.Errorf("ParseTitle(%q) = %q, %q; want %q, %q", tt.in, role, org, tt.role, tt.org)
		}
	}
}

// Two names of one person with the same title merge; without the title
// they are a candidate; another given name vetoes.
func TestScore(t *testing.T) {
	profile := func(name string, titles ...string) *Profile {
		p := &Profile{}
		p.Add([]string{name}, titles, nil, nil)
		return p
	}
	for _, tt := range []struct {
		a, b          *Profile
		veto          bool
		merge, review bool
	}{
		{profile("Sergey Lavrov", "Foreign Minister"), profile("Sergei Lavrov", "Foreign Minister"), false, true, false},
		{profile("Sergey Lavrov"), profile("Sergei Lavrov"), false, false, true},
		{profile("Ana Silva", "Minister"), profile("Anna Silva"), false, false, true},
		{profile("Joe Biden"), profile("Hunter Biden"), true, false, false},
	} {
		ev, score, veto := Score(tt.a, tt.b, 0)
		if veto != tt.veto {
			t.Errorf("Score(%v, %v): veto %v", tt.a.Names, tt.b.Names, veto)
			continue
		}
		if veto {
			continue
		}
		if score != Sum(ev) {
			t.Errorf("Score(%v, %v) = %v, its evidence sums to %v", tt.a.Names, tt.b.Names, score, Sum(ev))
		}
		if merge, review := Verdict(ev, score); merge != tt.merge || review != tt.review {
			t.Errorf("Verdict(%v, %v) = %v, %v; evidence %v", tt.a.Names, tt.b.Names, merge, review, ev)
		}
		if c := Confidence(score); c <= 0 || c >= 1 {
			t.Errorf("Confidence(%v) = %v", score, c)
		}
	}
}
