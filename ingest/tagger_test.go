package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// tinyCorpus is a handful of hand-written articles whose annotations are
// found by searching for the marked phrases. Every cue occurs twice, since
// the tagger only looks at paragraphs with a word that was a cue at least
// twice in training.
func tinyCorpus(t testing.TB) []TrainExample {
	t.Helper()
	type att struct{ src, cue, content string }
	articles := []struct {
		text string
		atts []att
	}{
		{"Budget talks\n\nSenator Ann Cole said the budget would pass in March.\n\n“We have the votes,” she told reporters.",
			[]att{{"Senator Ann Cole", "said", "the budget would pass in March"}, {"she", "told", "“We have the votes,”"}}},
		{"Storm warning\n\nThe agency warned that rivers could flood by Friday.\n\nMayor Tom Reed said crews were ready.",
			[]att{{"The agency", "warned", "that rivers could flood by Friday"}, {"Mayor Tom Reed", "said", "crews were ready"}}},
		{"Trade deal\n\nAccording to officials, the deal is close.\n\n“It is done,” said Minister Lea Park.",
			[]att{{"officials", "According to", "the deal is close"}, {"Minister Lea Park", "said", "“It is done,”"}}},
		{"Road closures\n\nThe council warned that roads could close.\n\nAccording to police, the bridge is safe.",
			[]att{{"The council", "warned", "that roads could close"}, {"police", "According to", "the bridge is safe"}}},
	}
	var out []TrainExample
	for _, a := range articles {
		r := []rune(a.text)
		find := func(s string, from int) Span {
			i := strings.Index(string(r[from:]), s)
			if i < 0 {
				t.Fatalf("%q not in %q", s, a.text)
			}
			start := from + len([]rune(string(r[from:])[:i]))
			return Span{start, start + len([]rune(s))}
		}
		ex := TrainExample{Text: a.text}
		from := 0
		for _, x := range a.atts {
			g := GoldAttribution{Source: []Span{find(x.src, from)}, Cue: []Span{find(x.cue, from)}, Content: []Span{find(x.content, from)}}
			ex.Attributions = append(ex.Attributions, g)
			from = max(g.Source[0].End, g.Cue[0].End, g.Content[0].End) - len([]rune(x.content)) - len([]rune(x.src))
			if from < 0 {
				from = 0
			}
		}
		out = append(out, ex)
	}
	return out
}

func modelBytes(t testing.TB, m *Model) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTrain(t *testing.T) {
	corpus := tinyCorpus(t)
	opts := TrainOptions{Epochs: 10, Bits: 14, Seed: 7}
	m := Train(corpus, opts, nil)
	again := Train(corpus, opts, nil)
	if !bytes.Equal(modelBytes(t, m), modelBytes(t, again)) {
		t.Error("training twice with the same seed gave different models")
	}
	loaded, err := LoadModel(bytes.NewReader(modelBytes(t, m)))
	if err != nil {
		t.Fatal(err)
	}
	// The model has learnt its training data: most tokens get their gold
	// label, and every attribution comes back with its cue.
	right, total := 0, 0
	for _, ex := range corpus {
		d := newDoc(ex.Text)
		d.attributeAll()
		var spans [3][]Span
		for _, a := range ex.Attributions {
			spans[0] = append(spans[0], a.Source...)
			spans[1] = append(spans[1], a.Cue...)
			spans[2] = append(spans[2], a.Content...)
		}
		for _, s := range d.taggerSeqs(new(scratch)) {
			// the first stage labels cues only
			gold := goldLabels(s.toks, [3][]Span{nil, spans[1], nil})
			got := loaded.decode(features(s.toks, uint32(1)<<loaded.bits-1))
			for i := range gold {
				total++
				if gold[i] == got[i] {
					right++
				}
				if i > 0 && !allowed(got[i-1], got[i]) {
					t.Fatalf("decode broke BIO: %d after %d", got[i], got[i-1])
				}
			}
		}
		// every attribution comes back with its cue, source and content
		got := ExtractWith(loaded, Article{Text: ex.Text})
		for _, g := range ex.Attributions {
			found := false
			for _, a := range got {
				if a.Cue == nil || a.Cue.Start != g.Cue[0].Start || a.Source == nil || len(a.Content) == 0 {
					continue
				}
				found = a.Source.Start < g.Source[0].End && g.Source[0].Start < a.Source.End &&
					a.Content[0].Start < g.Content[0].End && g.Content[0].Start < a.Content[0].End
			}
			if !found {
				t.Errorf("attribution with cue %v of %q not found: %+v", g.Cue, ex.Text, got)
			}
		}
	}
	if float64(right) < 0.95*float64(total) {
		t.Errorf("%d of %d training tokens labelled right", right, total)
	}
}

func TestLoadModelErrors(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"not gzip":  []byte("hello"),
		"truncated": modelBytes(t, Train(tinyCorpus(t), TrainOptions{Epochs: 1, Bits: 12}, nil))[:40],
	} {
		if _, err := LoadModel(bytes.NewReader(data)); !errors.Is(err, ErrModel) {
			t.Errorf("%s: %v, want ErrModel", name, err)
		}
	}
}

func TestDefaultModel(t *testing.T) {
	if DefaultModel() == nil {
		t.Fatal("no embedded tagger model")
	}
}

// BenchmarkLoadModel measures reading the embedded model.
func BenchmarkLoadModel(b *testing.B) {
	b.SetBytes(int64(len(defaultModelFile)))
	for b.Loop() {
		if _, err := LoadModel(bytes.NewReader(defaultModelFile)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLoadModelOldFormat names the format of a model from another graphd.
func TestLoadModelOldFormat(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("graphd-tagger-5\nrest of an old model"))
	zw.Close()
	_, err := LoadModel(&b)
	if !errors.Is(err, ErrModel) || !strings.Contains(err.Error(), "graphd-tagger-5") || !strings.Contains(err.Error(), "train it again") {
		t.Errorf("old model: %v", err)
	}
}

// TestLocalSumsCache checks that the word sums kept from word to word are
// those of the word's own features: "He’s" and "He" share their hashes
// but not their WordNet class, and the order in which they come, within
// an article or from the article before, changes nothing.
func TestLocalSumsCache(t *testing.T) {
	m := DefaultModel()
	if m.lex == nil {
		t.Skip("the embedded model has no word classes")
	}
	mask := uint32(1)<<m.bits - 1
	for _, text := range []string{
		"He’s running. He said so, and he’s sure of it.",
		"He said so. He’s running, he said.",
	} {
		sc := new(scratch)
		d := newDoc(text)
		d.attributeAll()
		for _, s := range d.taggerSeqs(sc) {
			m.lex.classify(sc, s.toks)
			need := make([]bool, len(s.toks))
			for i := range need {
				need[i] = true
			}
			got := m.localSums(sc, s.toks, need)
			for i := range s.toks {
				var want [8]int32
				for _, h := range localFeatures(nil, &s.toks[i], mask) {
					for k := range len(m.labels) {
						want[k] += m.weight(h, k)
					}
				}
				if got[i] != want {
					t.Errorf("%q: the sums of %q are %v, want %v", text, string([]rune(text)[s.toks[i].start:s.toks[i].end]), got[i], want)
				}
			}
		}
	}
}

// TestRoleFeaturesClauseOpener checks that the second stage sees which
// clause opener stands between a word and the cue: the words after ",
// which" and after ", but" differ, the words before the comma do not.
func TestRoleFeaturesClauseOpener(t *testing.T) {
	feats := func(opener string) ([]ttok, [][]uint32) {
		d := newDoc("Vote\n\nRuiz said the count was late, " + opener + " the board denied it.\n")
		d.attributeAll()
		var seq []ttok
		for _, s := range d.taggerSeqs(new(scratch)) {
			if len(s.toks) > len(seq) {
				seq = s.toks
			}
		}
		cs := slices.IndexFunc(seq, func(t ttok) bool { return t.end-t.start == 4 && string(d.r[t.start:t.end]) == "said" })
		if cs < 0 {
			t.Fatal("no cue")
		}
		sc := new(scratch)
		out := sc.roleFeatures(seq, sentences(seq, nil), 0, len(seq), cs, cs+1, 1<<16-1)
		return seq, slices.Clone(out)
	}
	seqA, a := feats("which")
	_, b := feats("but")
	comma := slices.IndexFunc(seqA, func(t ttok) bool { return t.comma })
	if comma < 0 || len(a) != len(b) {
		t.Fatalf("sequences differ: %d and %d tokens", len(a), len(b))
	}
	for k := 0; k < comma; k++ {
		if !slices.Equal(a[k], b[k]) {
			t.Errorf("token %d before the opener: features differ", k)
		}
	}
	for k := comma + 2; k < len(a); k++ {
		if slices.Equal(a[k], b[k]) {
			t.Errorf("token %d after the opener: the same features after “which” and “but”", k)
		}
	}
}

// TestCueWordsOutsideQuotations: the words that anchor the first stage's
// windows are counted outside quotations, where the stage looks for cues,
// so a cue word that speakers use often in what they say stays one.
func TestCueWordsOutsideQuotations(t *testing.T) {
	corpus := tinyCorpus(t)
	quoted := strings.Repeat("“We vowed to win, and we vowed to stay,” said Ann Cole. ", 4)
	for _, text := range []string{
		"Flood plan\n\nMayor Tom Reed vowed that crews would stay.\n\n" + quoted,
		"Tax plan\n\nSenator Lea Park vowed that taxes would fall.\n\n" + quoted,
	} {
		at := func(s string) Span {
			i := strings.Index(text, s)
			start := len([]rune(text[:i]))
			return Span{start, start + len([]rune(s))}
		}
		src := strings.Fields(text)[2] + " " + strings.Fields(text)[3] + " " + strings.Fields(text)[4]
		content := text[strings.Index(text, "that"):strings.Index(text, ".\n")]
		corpus = append(corpus, TrainExample{Text: text, Attributions: []GoldAttribution{
			{Source: []Span{at(src)}, Cue: []Span{at("vowed")}, Content: []Span{at(content)}}}})
	}
	m := Train(corpus, TrainOptions{Epochs: 2, Bits: 14, Seed: 7}, nil)
	if !m.isCueWord(uint32(newHash(1).s("vowed"))) {
		t.Error(`"vowed", a cue in 2 of its 2 uses outside quotations and none of its 16 inside, anchors no window`)
	}
	if m.isCueWord(uint32(newHash(1).s("win"))) {
		t.Error(`"win", never a cue, anchors windows`)
	}
}

// randomStage returns a stage of 2^8 feature buckets with the given labels
// and random weights, packed as a loaded model's are; full sets every
// weight of the stage's labels to the largest.
func randomStage(rng *rand.Rand, labels []int, full bool) *Model {
	m := &Model{bits: 8, labels: labels, scale: 1}
	raw := make([]int16, (1<<m.bits)*numLabels)
	for i := range raw {
		raw[i] = int16(rng.IntN(2001) - 1000)
		if full {
			raw[i] = 1000
		}
	}
	for p := range m.trans {
		for l := range m.trans[p] {
			m.trans[p][l] = float32(rng.IntN(41) - 20)
		}
	}
	m.pack(raw)
	return m
}

// TestSumRows checks the packed sums of weights against the weights one
// by one, for lists of features long enough to fill a lane of 16 bits with
// the largest weights (more than 257 of them), and for both stages' rows.
func TestSumRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, labels := range [][]int{cueLabels, roleLabels} {
		for _, full := range []bool{true, false} {
			m := randomStage(rng, labels, full)
			for _, n := range []int{0, 1, 20, 256, 257, 600} {
				f := make([]uint32, n)
				for i := range f {
					f[i] = uint32(rng.IntN(1 << m.bits))
				}
				var want [8]int32
				for _, h := range f {
					for k := range labels {
						want[k] += m.weight(h, k)
					}
				}
				if full && n > 0 && want[0] != int32(127*n) {
					t.Fatalf("labels %v: the largest weight packs as %d, want 127", labels, want[0]/int32(n))
				}
				if got := m.sumRows(f); got != want {
					t.Errorf("labels %v, full %v, %d features: sums %v, want %v", labels, full, n, got, want)
				}
			}
		}
	}
}

// TestDecodeSteps checks that the written-out steps of decoding of the two
// stages find what the general one finds, dangling words included.
func TestDecodeSteps(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, labels := range [][]int{cueLabels, roleLabels} {
		m := randomStage(rng, labels, false)
		if m.step == 0 {
			t.Fatalf("labels %v: no step of their own", labels)
		}
		general := *m
		general.step = 0
		for range 200 {
			n := 1 + rng.IntN(30)
			feats := make([][]uint32, n)
			dangle := make([]bool, n)
			for i := range feats {
				for range 1 + rng.IntN(6) {
					feats[i] = append(feats[i], uint32(rng.IntN(1<<m.bits)))
				}
				dangle[i] = rng.IntN(4) == 0
			}
			got := slices.Clone(m.decodeBiased(new(scratch), feats, 3, dangle, nil))
			want := general.decodeBiased(new(scratch), feats, 3, dangle, nil)
			if !slices.Equal(got, want) {
				t.Fatalf("labels %v: decoded %v, the general step %v", labels, got, want)
			}
		}
	}
}
