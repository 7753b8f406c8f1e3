package polnear

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The fixture month holds two short articles written for these tests:
// alpha (curly quotes, an indirect report) annotated by ann1 and by ann2,
// who agrees on the first attribution and takes "that" into the second's
// cue, and beta (a discontinuous quote, a
// quote over two lines, an attribution without source) annotated by ann2.
var (
	fixtureDir      = filepath.Join("testdata", "month")
	fixtureMetadata = filepath.Join("testdata", "metadata.tsv")
)

func loadFixture(t *testing.T) []Doc {
	t.Helper()
	meta, err := ReadMetadata(fixtureMetadata)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := LoadMonth(fixtureDir, meta)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func TestReadMetadata(t *testing.T) {
	got, err := ReadMetadata(fixtureMetadata)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"alpha": "ann1", "beta": "ann2", "gamma": "ann3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadMetadata (-want +got):\n%s", diff)
	}
}

func TestReadAnnotators(t *testing.T) {
	got, err := ReadAnnotators(fixtureMetadata)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"alpha": {"ann1", "ann2"}, "beta": {"ann2"}, "gamma": {"ann3"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadAnnotators (-want +got):\n%s", diff)
	}
}

func TestLoadAgreement(t *testing.T) {
	anns, err := ReadAnnotators(fixtureMetadata)
	if err != nil {
		t.Fatal(err)
	}
	gold, other, err := LoadAgreement(fixtureDir, anns)
	if err != nil {
		t.Fatal(err)
	}
	// beta has one annotator and is left out; alpha's first annotator is
	// the gold, as in LoadMonth
	if len(gold) != 1 || len(other) != 1 || gold[0].Name != "alpha" || other[0].Name != "alpha" {
		t.Fatalf("LoadAgreement gave %d and %d articles, want alpha once", len(gold), len(other))
	}
	if diff := cmp.Diff(loadFixture(t)[0], gold[0]); diff != "" {
		t.Errorf("gold is not the first annotator's (-want +got):\n%s", diff)
	}
	want := []Attribution{
		{ID: "E1", Source: spans(56, 70), Cue: spans(71, 75), Content: spans(36, 55)},
		{ID: "E2", Source: spans(87, 90), Cue: spans(91, 101), Content: spans(102, 122)},
	}
	if diff := cmp.Diff(want, other[0].Attributions); diff != "" {
		t.Errorf("second annotator (-want +got):\n%s", diff)
	}
	if other[0].Text != gold[0].Text {
		t.Error("the second annotation has another text")
	}

	// scored against each other: the sources and the attributions agree,
	// one cue and one content of two do not
	r := Score(gold, other)
	for role, f1 := range map[string]float64{"source": 100, "cue": 50, "content": 50} {
		if got := r.Roles[slices.Index(Roles, role)].Exact.F1; got != f1 {
			t.Errorf("%s F1 = %.1f, want %.1f", role, got, f1)
		}
	}
	if got := r.Attributions.All.F1; got != 100 {
		t.Errorf("attribution F1 = %.1f, want 100", got)
	}

	t.Run("missing file", func(t *testing.T) {
		_, _, err := LoadAgreement(fixtureDir, map[string][]string{"alpha": {"ann1", "ann9"}, "beta": {"ann2"}})
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "alpha_ann9.ann") {
			t.Errorf("err = %v, want not-exist naming alpha_ann9.ann", err)
		}
	})
	t.Run("no annotator", func(t *testing.T) {
		_, _, err := LoadAgreement(fixtureDir, map[string][]string{"alpha": {"ann1", "ann2"}})
		if !errors.Is(err, ErrNoAnnotator) || !strings.Contains(err.Error(), "beta") {
			t.Errorf("err = %v, want ErrNoAnnotator naming beta", err)
		}
	})
	t.Run("none annotated twice", func(t *testing.T) {
		_, _, err := LoadAgreement(fixtureDir, map[string][]string{"alpha": {"ann1"}, "beta": {"ann2"}})
		if !errors.Is(err, ErrNoSecond) {
			t.Errorf("err = %v, want ErrNoSecond", err)
		}
	})
}

func TestReadMetadataErrors(t *testing.T) {
	tests := []struct{ name, tsv, want string }{
		{"no annotators column", "compartment\tfilename\ndev\talpha\n", "header"},
		{"short row", "filename\tlevel\tannotators\nalpha\t1\tann1\nbeta\t1\n", "line 3"},
		{"empty annotator", "filename\tannotators\nalpha\t\n", "line 2"},
		{"empty second annotator", "filename\tannotators\nalpha\tann1|\n", "line 2"},
		{"empty file", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "metadata.tsv")
			if err := os.WriteFile(path, []byte(tt.tsv), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadMetadata(path)
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrMalformed mentioning %q", err, tt.want)
			}
		})
	}
	if _, err := ReadMetadata(filepath.Join(t.TempDir(), "absent.tsv")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("absent file: err = %v", err)
	}
}

func TestLoadMonth(t *testing.T) {
	docs := loadFixture(t)
	want := []Doc{
		{Name: "alpha", Attributions: []Attribution{
			{ID: "E1", Source: spans(56, 70), Cue: spans(71, 75), Content: spans(36, 55)},
			{ID: "E2", Source: spans(87, 90), Cue: spans(91, 96), Content: spans(97, 122)},
		}},
		{Name: "beta", Attributions: []Attribution{
			{ID: "E1", Source: spans(41, 50), Cue: spans(51, 55), Content: spans(20, 40, 57, 82)},
			{ID: "E2", Source: spans(106, 115), Cue: spans(116, 120), Content: spans(83, 105)},
			{ID: "E4", Cue: spans(132, 146), Content: spans(147, 172)},
		}},
	}
	if diff := cmp.Diff(want, docs, cmpopts.IgnoreFields(Doc{}, "Text")); diff != "" {
		t.Errorf("LoadMonth (-want +got):\n%s", diff)
	}
	for _, d := range docs {
		b, err := os.ReadFile(filepath.Join(fixtureDir, "text", d.Name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		if d.Text != string(b) {
			t.Errorf("%s: text is not the file", d.Name)
		}
	}
	// the offsets are code points: alpha's first content is the quotation
	// with its curly marks
	if got := string([]rune(docs[0].Text)[36:55]); got != "“We will build it,”" {
		t.Errorf("alpha E1 content = %q", got)
	}
}

func TestLoadMonthErrors(t *testing.T) {
	meta := map[string]string{"alpha": "ann1", "beta": "ann2"}
	t.Run("no annotator", func(t *testing.T) {
		_, err := LoadMonth(fixtureDir, map[string]string{"alpha": "ann1"})
		if !errors.Is(err, ErrNoAnnotator) || !strings.Contains(err.Error(), "beta") {
			t.Errorf("err = %v, want ErrNoAnnotator naming beta", err)
		}
	})
	t.Run("no annotation file", func(t *testing.T) {
		_, err := LoadMonth(fixtureDir, map[string]string{"alpha": "ann1", "beta": "ann9"})
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "beta_ann9.ann") {
			t.Errorf("err = %v, want not-exist naming beta_ann9.ann", err)
		}
	})
	t.Run("no texts", func(t *testing.T) {
		if _, err := LoadMonth(t.TempDir(), meta); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want not-exist", err)
		}
	})
	month := func(t *testing.T, ann string) string {
		dir := t.TempDir()
		for _, sub := range []string{"text", "attributions"} {
			if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "text", "alpha.txt"), []byte("Ada said so.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "attributions", "alpha_ann1.ann"), []byte(ann), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	t.Run("span beyond the text", func(t *testing.T) {
		dir := month(t, "T1\tCue 4 8\tsaid\nT2\tContent 9 20\tso.\n1234567\nE1\tAttribution:T1 Cue:T1 Content:T2\n")
		_, err := LoadMonth(dir, meta)
		if !errors.Is(err, ErrOffset) || !strings.Contains(err.Error(), "alpha_ann1.ann") {
			t.Errorf("err = %v, want ErrOffset naming the file", err)
		}
	})
	t.Run("malformed annotation", func(t *testing.T) {
		dir := month(t, "T1\tCue 4 8\tsaid\nT2\tContent 9\n")
		_, err := LoadMonth(dir, meta)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "alpha_ann1.ann line 2") {
			t.Errorf("err = %v, want ErrMalformed naming the file and line", err)
		}
	})
}

// TestHoldout checks that the held-out share is a partition of the month,
// about the share asked for, the same in every run, and decided by each
// article's name alone.
func TestHoldout(t *testing.T) {
	var docs []Doc
	for i := range 2000 {
		docs = append(docs, Doc{Name: "article-" + strconv.Itoa(i)})
	}
	names := func(ds []Doc) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Name)
		}
		return out
	}
	train, held := Holdout(docs, 0.2)
	if len(train)+len(held) != len(docs) {
		t.Fatalf("%d + %d articles of %d", len(train), len(held), len(docs))
	}
	if len(held) < 340 || len(held) > 460 {
		t.Errorf("%d of %d held out for 0.2", len(held), len(docs))
	}
	for _, h := range held {
		if slices.Contains(names(train), h.Name) {
			t.Fatalf("%s both trained on and held out", h.Name)
		}
	}
	_, again := Holdout(slices.Clone(docs), 0.2)
	if diff := cmp.Diff(names(held), names(again)); diff != "" {
		t.Errorf("a second split differs (-first +second):\n%s", diff)
	}
	// a subset of the month keeps each article on its side
	_, part := Holdout(docs[:100], 0.2)
	for _, d := range part {
		if !slices.Contains(names(held), d.Name) {
			t.Errorf("%s held out of a subset but not of the month", d.Name)
		}
	}
	if train, held := Holdout(docs, 0); len(held) != 0 || len(train) != len(docs) {
		t.Errorf("a share of 0 holds out %d", len(held))
	}
}
