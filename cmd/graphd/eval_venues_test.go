package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureVenues is the venue layer of the fixture month.
var fixtureVenues = filepath.Join(polnearFixture, "..", "venues.jsonl")

func TestEvalVenues(t *testing.T) {
	errFile := filepath.Join(t.TempDir(), "errors.txt")
	out, stderr, code := runBinary(t, "eval", "polnear", polnearFixture, "--venues", fixtureVenues, "--json", "--errors", errFile)
	if code != 0 {
		t.Fatalf("eval: status %d, stderr %s", code, stderr)
	}
	var v evalOutput
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out)
	}
	vr := v.Venues
	if vr == nil {
		t.Fatalf("no venues in %s", out)
	}
	if vr.Gold != 1 || vr.MatchedGold > vr.Gold || vr.MatchedPred > vr.Pred || vr.AttributionFound > vr.Gold {
		t.Errorf("venues %+v", vr.PRF)
	}
	if len(vr.ByKind) != 8 || vr.ByKind[2].Kind != "audience" || vr.ByKind[2].Gold != 1 {
		t.Errorf("by kind %+v", vr.ByKind)
	}
	b, err := os.ReadFile(errFile)
	if err != nil {
		t.Fatal(err)
	}
	if vr.Recall < 100 && !strings.Contains(string(b), "## venue: 1 misses") {
		t.Errorf("venue recall %.1f but no venue miss in the errors:\n%s", vr.Recall, b)
	}

	// the table
	out, stderr, code = runBinary(t, "eval", "polnear", polnearFixture, "--venues", fixtureVenues)
	if code != 0 || !strings.Contains(out, "\nvenues ") || !strings.Contains(out, "\naudience ") {
		t.Errorf("status %d, stderr %s, table:\n%s", code, stderr, out)
	}
	// without --venues, no venue score
	out, _, _ = runBinary(t, "eval", "polnear", polnearFixture, "--json")
	if strings.Contains(out, `"venues"`) {
		t.Errorf("venues scored without --venues:\n%s", out)
	}
}

func TestEvalVenuesUsage(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "venues.jsonl")
	if err := os.WriteFile(bad, []byte(`{"doc": "beta", "cue": [1, 2], "venue": {"text": "x", "start": 0, "end": 1, "kind": "event", "name": "x"}}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"with gold cues", []string{"--gold-cues"}, "drop --agreement and --gold-cues"},
		{"with agreement", []string{"--agreement"}, "drop --agreement and --gold-cues"},
		{"no such file", []string{"--venues", filepath.Join(t.TempDir(), "absent.jsonl")}, "absent.jsonl"},
		{"a cue of no attribution", []string{"--venues", bad}, bad + " line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"eval", "polnear", polnearFixture, "--venues", fixtureVenues}, tt.args...)
			_, stderr, code := runBinary(t, args...)
			if code != 1 || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("status %d, stderr %q; want 1 and %q", code, stderr, tt.stderr)
			}
		})
	}
}
