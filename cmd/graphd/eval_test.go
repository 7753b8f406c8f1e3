package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// polnearFixture is the two-article month written for ingest/polnear's
// tests; its metadata.tsv sits beside it, where eval looks by default.
var polnearFixture = filepath.Join("..", "..", "ingest", "polnear", "testdata", "month")

func TestEvalJSON(t *testing.T) {
	errFile := filepath.Join(t.TempDir(), "errors.txt")
	out, stderr, code := runBinary(t, "eval", "polnear", polnearFixture, "--json", "--errors", errFile)
	if code != 0 {
		t.Fatalf("eval: status %d, stderr %s", code, stderr)
	}
	var v evalOutput
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out)
	}
	if v.Articles != 2 || v.Seconds <= 0 || v.ArticlesPerSecond <= 0 {
		t.Errorf("articles %d in %gs (%g/s)", v.Articles, v.Seconds, v.ArticlesPerSecond)
	}
	// the gold side is fixed; the predicted side moves with the extractor
	wantGold := map[string][2]int{"source": {4, 8}, "cue": {5, 7}, "content": {6, 27}}
	if len(v.Report.Roles) != 3 {
		t.Fatalf("roles %+v", v.Report.Roles)
	}
	for _, r := range v.Report.Roles {
		if g := [2]int{r.Exact.Gold, r.Token.Gold}; g != wantGold[r.Role] {
			t.Errorf("%s: gold spans and tokens %v, want %v", r.Role, g, wantGold[r.Role])
		}
		for _, f := range []float64{r.Exact.Precision, r.Exact.Recall, r.Exact.F1, r.Token.Precision, r.Token.Recall, r.Token.F1} {
			if f < 0 || f > 100 {
				t.Errorf("%s: %g not a percentage", r.Role, f)
			}
		}
	}
	a := v.Report.Attributions
	if a.All.Gold != 5 || a.Quoted.Gold != 3 || a.Unquoted.Gold != 2 {
		t.Errorf("gold attributions %d = %d quoted + %d unquoted, want 5 = 3 + 2", a.All.Gold, a.Quoted.Gold, a.Unquoted.Gold)
	}

	b, err := os.ReadFile(errFile)
	if err != nil {
		t.Fatal(err)
	}
	// every error line names an article of the fixture and marks its span
	for _, l := range strings.Split(string(b), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if !(strings.HasPrefix(l, "alpha ") || strings.HasPrefix(l, "beta ")) || !strings.Contains(l, "[[") {
			t.Errorf("errors line %q", l)
		}
	}
	if a.All.F1 < 100 && !strings.Contains(string(b), "## attribution: ") {
		t.Errorf("attribution F1 %.1f but no attribution errors:\n%s", a.All.F1, b)
	}
}

// TestEvalTable drives run in process, as main does.
func TestEvalTable(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"eval", "polnear", polnearFixture}, nil, &out, &errb)
	if code != 0 {
		t.Fatalf("status %d, stderr %s", code, errb.String())
	}
	for _, want := range []string{"2 articles", "articles/s", "\nsource ", "\ncue ", "\ncontent ", "\nall ", "\nquoted ", "\nunquoted "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestEvalUsage(t *testing.T) {
	onlyFirst := filepath.Join(t.TempDir(), "metadata.tsv")
	if err := os.WriteFile(onlyFirst, []byte("filename\tannotators\nalpha\tann1\nbeta\tann2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no corpus", []string{"eval"}, 2, "Usage: graphd eval"},
		{"unknown corpus", []string{"eval", "conll", polnearFixture}, 2, "Usage: graphd eval"},
		{"no metadata", []string{"eval", "polnear", polnearFixture, "--metadata", "absent.tsv"}, 1, "absent.tsv"},
		{"not a month", []string{"eval", "polnear", t.TempDir(), "--metadata", filepath.Join(polnearFixture, "..", "metadata.tsv")}, 1, "text/*.txt"},
		{"agreement with gold cues", []string{"eval", "polnear", polnearFixture, "--agreement", "--gold-cues"}, 1, "drop --gold-cues"},
		{"nobody annotated twice", []string{"eval", "polnear", polnearFixture, "--agreement", "--metadata", onlyFirst}, 1, "no article annotated twice"},
		{"gold cues without a model", []string{"eval", "polnear", polnearFixture, "--gold-cues", "--model", "none"}, 1, "needs a tagger model"},
		{"no WordNet", []string{"train", "polnear", polnearFixture, "--out", filepath.Join(t.TempDir(), "m.bin"), "--wordnet", filepath.Join(t.TempDir(), "wn")}, 1, "wordnet-base"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runBinary(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("status %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.stderr)
			}
		})
	}
}

// TestTrainAndEvaluate trains a tagger on the fixture month with the real
// binary, then scores with it: the same flags give the same model file.
func TestTrainAndEvaluate(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "tagger.bin")
	out, stderr, code := runBinary(t, "train", "polnear", polnearFixture, "--out", model, "--epochs", "3", "--bits", "14", "--role-bits", "14", "--wordnet", "none")
	if code != 0 || !strings.Contains(out, "trained on 2 articles") {
		t.Fatalf("train: status %d\n%s%s", code, out, stderr)
	}
	first, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	again := filepath.Join(dir, "again.bin")
	if _, stderr, code := runBinary(t, "train", "polnear", polnearFixture, "--out", again, "--epochs", "3", "--bits", "14", "--role-bits", "14", "--wordnet", "none"); code != 0 {
		t.Fatalf("second train: %s", stderr)
	}
	if second, _ := os.ReadFile(again); !bytes.Equal(first, second) {
		t.Error("the same training run gave two different models")
	}
	out, stderr, code = runBinary(t, "eval", "polnear", polnearFixture, "--model", model, "--json")
	if code != 0 {
		t.Fatalf("eval --model: status %d, stderr %s", code, stderr)
	}
	var v evalOutput
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Articles != 2 {
		t.Fatalf("eval --model output: %v\n%s", err, out)
	}
	if _, stderr, code := runBinary(t, "eval", "polnear", polnearFixture, "--model", filepath.Join(dir, "missing.bin")); code != 1 || !strings.Contains(stderr, "missing.bin") {
		t.Errorf("eval with a missing model: status %d, stderr %q", code, stderr)
	}
}

// TestEvalGoldCues scores the second stage alone: every gold cue is given,
// so cues score 100 and sources and contents are what the tagger makes of
// them.
func TestEvalGoldCues(t *testing.T) {
	out, stderr, code := runBinary(t, "eval", "polnear", polnearFixture, "--gold-cues", "--json")
	if code != 0 {
		t.Fatalf("status %d, stderr %s", code, stderr)
	}
	var v evalOutput
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Report.Roles) != 3 {
		t.Fatalf("roles: %+v", v.Report.Roles)
	}
	if cue := v.Report.Roles[1]; cue.Exact.F1 != 100 {
		t.Errorf("cue exact F1 %.1f with the gold cues, want 100", cue.Exact.F1)
	}
	if src := v.Report.Roles[0]; src.Exact.Pred == 0 {
		t.Errorf("no sources found for the gold cues: %+v", src)
	}
	if v.Report.Attributions.All.Pred != v.Report.Attributions.All.Gold {
		t.Errorf("%d attributions for %d gold cues", v.Report.Attributions.All.Pred, v.Report.Attributions.All.Gold)
	}
}

// TestEvalAgreement scores the fixture's second annotator of alpha against
// the first, and the extractor on alpha beside it.
func TestEvalAgreement(t *testing.T) {
	out, stderr, code := runBinary(t, "eval", "polnear", polnearFixture, "--agreement", "--json")
	if code != 0 {
		t.Fatalf("status %d, stderr %s", code, stderr)
	}
	var v evalOutput
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Scored != "annotators" || v.Articles != 1 || v.Annotations != 1 {
		t.Errorf("scored %q, %d articles, %d annotations; want annotators, 1, 1", v.Scored, v.Articles, v.Annotations)
	}
	want := map[string]float64{"source": 100, "cue": 50, "content": 50}
	for _, r := range v.Report.Roles {
		if r.Exact.F1 != want[r.Role] {
			t.Errorf("%s: annotators' exact F1 %.1f, want %.1f", r.Role, r.Exact.F1, want[r.Role])
		}
	}
	if v.Extractor == nil || len(v.Extractor.Roles) != 3 || v.Extractor.Articles != 1 {
		t.Fatalf("no extractor score on alpha: %+v", v.Extractor)
	}
	// alpha's first annotator has two attributions
	if g := v.Extractor.Attributions.All.Gold; g != 2 {
		t.Errorf("extractor scored against %d gold attributions, want 2", g)
	}

	table, stderr, code := runBinary(t, "eval", "polnear", polnearFixture, "--agreement")
	if code != 0 {
		t.Fatalf("status %d, stderr %s", code, stderr)
	}
	for _, w := range []string{"annotator agreement, 1 other annotation of 1 article", "annotators  extractor", "\ncue      │       50.0"} {
		if !strings.Contains(table, w) {
			t.Errorf("table lacks %q:\n%s", w, table)
		}
	}
}
