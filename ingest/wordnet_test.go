package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wnSense is one sense of a lemma in a WordNet database written for a test.
type wnSense struct {
	lemma  string
	part   int // 0 noun, 1 verb, 2 adjective, 3 adverb
	lex    int // lexicographer file
	tagged int
}

// writeWordNet writes a small database in WordNet 3.0's format to dir:
// data files whose synsets start at their byte offsets, index files that
// list each lemma's senses in order, and exception lists.
func writeWordNet(t *testing.T, dir string, senses []wnSense, exc map[int]string) {
	t.Helper()
	posChar := []string{"n", "v", "a", "r"}
	for part, name := range wnParts {
		var data bytes.Buffer
		data.WriteString("  1 This is a database written for a test.\n")
		offsets := map[string][]string{}
		tagged := map[string]int{}
		var order []string
		for _, s := range senses {
			if s.part != part {
				continue
			}
			off := fmt.Sprintf("%08d", data.Len())
			fmt.Fprintf(&data, "%s %02d %s 01 %s 0 000 | a sense\n", off, s.lex, posChar[part], s.lemma)
			if offsets[s.lemma] == nil {
				order = append(order, s.lemma)
			}
			offsets[s.lemma] = append(offsets[s.lemma], off)
			tagged[s.lemma] += s.tagged
		}
		var index strings.Builder
		index.WriteString("  1 This is an index written for a test.\n")
		for _, l := range order {
			fmt.Fprintf(&index, "%s %s %d 1 @ %d %d %s  \n", l, posChar[part], len(offsets[l]), len(offsets[l]), tagged[l], strings.Join(offsets[l], " "))
		}
		for file, body := range map[string]string{"data." + name: data.String(), "index." + name: index.String(), name + ".exc": exc[part]} {
			if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// testSenses make a database in which "say" is a verb of communication,
// "plan" a noun of cognition and a verb of creation, "worry" a verb of
// emotion and a noun of feeling.
var testSenses = []wnSense{
	{"say", 1, 32, 300}, {"say", 0, 10, 2},
	{"plan", 0, 9, 40}, {"plan", 1, 36, 20}, {"plan", 1, 31, 5},
	{"worry", 1, 37, 30}, {"worry", 0, 12, 10},
	{"admire", 1, 37, 8},
	{"press_conference", 0, 10, 1},
	{"quickly", 3, 2, 12},
}

func testLexicon(t *testing.T) *Lexicon {
	t.Helper()
	dir := t.TempDir()
	writeWordNet(t, dir, testSenses, map[int]string{1: "said say\ntold tell\n"})
	l, err := ReadWordNet(dir)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestReadWordNet(t *testing.T) {
	l := testLexicon(t)
	const (
		noun = 1 << 0
		verb = 1 << 1
		adv  = 1 << 3
	)
	for _, tt := range []struct {
		form      string
		pos       uint32 // parts of speech, with the most frequent in bits 4–5
		noun      uint32 // first noun sense's file plus one
		verb      uint32 // first verb sense's file plus one
		verbFlags uint32
		nounFlags uint32
	}{
		{"say", verb | noun | 1<<4, 11, 33, 0b00010, 0b00100},
		{"says", verb | noun | 1<<4, 11, 33, 0b00010, 0b00100},
		{"saying", verb | 1<<4, 0, 33, 0b00010, 0},
		{"said", verb | 1<<4, 0, 33, 0b00010, 0}, // from the exception list
		{"plans", noun | verb, 10, 37, 0b00001, 0b00010},
		{"planed", verb | 1<<4, 0, 37, 0b00001, 0}, // regular rules overgenerate harmlessly
		{"worries", verb | noun | 1<<4, 13, 38, 0b00100, 0b01000},
		{"worried", verb | 1<<4, 0, 38, 0b00100, 0},
		{"admires", verb | 1<<4, 0, 38, 0b00100, 0},
		{"admiring", verb | 1<<4, 0, 38, 0b00100, 0},
		{"quickly", adv | 3<<4, 0, 0, 0, 0},
		{"told", 0, 0, 0, 0, 0}, // "tell" is not in this database
		{"press_conference", 0, 0, 0, 0, 0},
		{"the", 0, 0, 0, 0, 0},
	} {
		c := l.m[uint32(newHash(1).s(tt.form))]
		if c.pos() != tt.pos || c.noun() != tt.noun || c.verb() != tt.verb || c.verbFlags() != tt.verbFlags || c.nounFlags() != tt.nounFlags {
			t.Errorf("%s: pos %#x noun %d verb %d flags %05b %05b; want pos %#x noun %d verb %d flags %05b %05b", tt.form,
				c.pos(), c.noun(), c.verb(), c.verbFlags(), c.nounFlags(), tt.pos, tt.noun, tt.verb, tt.verbFlags, tt.nounFlags)
		}
	}
}

func TestReadWordNetErrors(t *testing.T) {
	if _, err := ReadWordNet(filepath.Join(t.TempDir(), "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing database: %v, want fs.ErrNotExist", err)
	}
	for name, index := range map[string]string{
		"counts":   "say v x 1 @ 1 1 00000000\n",
		"offset":   "say v 1 1 @ 1 1 00099999\n",
		"short":    "say v\n",
		"negative": "say v -1 1 @ 1 1 00000000\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeWordNet(t, dir, testSenses, nil)
			path := filepath.Join(dir, "index.verb")
			if err := os.WriteFile(path, []byte("  1 licence\n"+index), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadWordNet(dir)
			if !errors.Is(err, ErrWordNet) || !strings.Contains(err.Error(), "index.verb line 2") {
				t.Errorf("got %v, want ErrWordNet naming index.verb line 2", err)
			}
		})
	}
}

// TestReadDebianWordNet reads the database Debian's wordnet-base installs,
// when it is there: the classes the default model was trained with.
func TestReadDebianWordNet(t *testing.T) {
	const dir = "/usr/share/wordnet"
	if _, err := os.Stat(filepath.Join(dir, "index.verb")); err != nil {
		t.Skip("no WordNet at", dir)
	}
	l, err := ReadWordNet(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() < 100000 {
		t.Errorf("%d word forms, want over 100,000", l.Len())
	}
	for _, w := range []string{"said", "outlined", "tweeted", "argues"} {
		if c := l.m[uint32(newHash(1).s(w))]; c.pos()&2 == 0 {
			t.Errorf("%s: not a verb (%#x)", w, c)
		}
	}
	if c := l.m[uint32(newHash(1).s("said"))]; c.verb() != 33 {
		t.Errorf("said: first verb sense in file %d, want 32 (verb.communication)", c.verb()-1)
	}
}

func TestLexiconRoundTrip(t *testing.T) {
	l := testLexicon(t)
	m := Train(tinyCorpus(t), TrainOptions{Epochs: 2, Bits: 12, RoleBits: 12, Lexicon: l}, nil)
	loaded, err := LoadModel(bytes.NewReader(modelBytes(t, m)))
	if err != nil {
		t.Fatal(err)
	}
	if loaded.lex == nil || len(loaded.lex.m) != len(l.m) {
		t.Fatalf("the model lost its word classes")
	}
	for h, c := range l.m {
		if loaded.lex.m[h] != c {
			t.Fatalf("word %#x: class %#x, want %#x", h, loaded.lex.m[h], c)
		}
	}
}
