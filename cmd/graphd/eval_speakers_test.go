package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// peopleFixture is the month of invented articles with a speakers layer
// written for ingest/polnear's tests; its metadata.tsv sits beside it.
var (
	peopleFixture  = filepath.Join("..", "..", "ingest", "polnear", "testdata", "people", "month")
	peopleSpeakers = filepath.Join("..", "..", "ingest", "polnear", "testdata", "people", "speakers.jsonl")
)

func TestEvalSpeakers(t *testing.T) {
	errFile := filepath.Join(t.TempDir(), "errors.txt")
	out, stderr, code := runBinary(t, "eval", "polnear", peopleFixture, "--speakers", peopleSpeakers, "--json", "--errors", errFile)
	if code != 0 {
		t.Fatalf("eval: status %d, stderr %s", code, stderr)
	}
	var v evalOutput
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out)
	}
	s := v.Speakers
	if s == nil {
		t.Fatalf("no speakers in %s", out)
	}
	if s.Lines != 15 || s.Keyed != 15 {
		t.Errorf("lines %d, keyed %d, want 15 and 15", s.Lines, s.Keyed)
	}
	// the gold side is fixed; what matched and was right moves with the
	// extractor
	wantGold := map[string]int{"name": 8, "pronoun": 2, "relative": 2, "role": 1, "other": 0}
	for _, c := range s.Classes {
		if c.Gold != wantGold[c.Class] || c.Matched > c.Gold || c.Right > c.Matched {
			t.Errorf("%s: %+v, want %d gold", c.Class, c, wantGold[c.Class])
		}
	}
	if s.All.Gold != 13 || s.Generic.Gold != 2 || len(s.Types) != 6 || s.TypesAll.Matched != s.All.Matched+s.Generic.Matched {
		t.Errorf("all %+v, generic %+v, types %+v", s.All, s.Generic, s.TypesAll)
	}
	b, err := os.ReadFile(errFile)
	if err != nil {
		t.Fatal(err)
	}
	misses := 0
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.Contains(l, ": gold ") {
			continue
		}
		misses++
		if !(strings.HasPrefix(l, "port ") || strings.HasPrefix(l, "race ")) || !strings.Contains(l, "[[") || !strings.Contains(l, ", graphd ") {
			t.Errorf("speaker errors line %q", l)
		}
	}
	allRight := s.All.Right+s.Generic.Right == 15 && s.TypesAll.Right == 15
	if !allRight && misses == 0 {
		t.Errorf("%d speakers and %d types right of 15, but no speaker errors:\n%s", s.All.Right+s.Generic.Right, s.TypesAll.Right, b)
	}

	var table, errb bytes.Buffer
	if code := run(t.Context(), []string{"eval", "polnear", peopleFixture, "--speakers", peopleSpeakers}, nil, &table, &errb); code != 0 {
		t.Fatalf("table: status %d, stderr %s", code, errb.String())
	}
	for _, want := range []string{"speakers: 15 of 15 lines", "\nname ", "\npronoun ", "\nrelative ", "\nrole ", "\ngeneric ", "\norganization ", "\ndocument "} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
}

func TestEvalSpeakersErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(bad, []byte(`{"doc": "port", "cue": [1, 2], "source": [0, 1], "mention": "noun", "type": "person"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"absent layer", []string{"--speakers", filepath.Join(t.TempDir(), "absent.jsonl")}, "absent.jsonl"},
		{"malformed layer", []string{"--speakers", bad}, "bad.jsonl line 1: mention \"noun\""},
		{"another month's layer", []string{"--speakers", peopleSpeakers, "--metadata", filepath.Join(polnearFixture, "..", "metadata.tsv")}, "none of its 15 lines"},
		{"with agreement", []string{"--speakers", peopleSpeakers, "--agreement"}, "drop --agreement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := peopleFixture
			if strings.Contains(tt.name, "another month") {
				dir = polnearFixture
			}
			_, stderr, code := runBinary(t, append([]string{"eval", "polnear", dir}, tt.args...)...)
			if code != 1 || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("status %d, stderr %q; want 1 and %q", code, stderr, tt.stderr)
			}
		})
	}
}
