package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"slices"
	"testing"
)

// loadDefault returns a copy of the embedded model, which a test may
// change.
func loadDefault(t *testing.T) *Model {
	t.Helper()
	if len(defaultModelFile) == 0 {
		t.Skip("no embedded model")
	}
	m, err := LoadModel(bytes.NewReader(defaultModelFile))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func cueTexts(atts []Attribution) []string {
	var out []string
	for _, a := range atts {
		if a.Cue != nil {
			out = append(out, a.Cue.Text)
		}
	}
	return out
}

// TestVerifyDrops gives the embedded tagger a verifier that accepts only
// the cue "said": the attribution of "argued" goes, the other stays.
func TestVerifyDrops(t *testing.T) {
	const text = "Budget talks\n\nSenator Ann Cole said the budget would pass in March.\n\n" +
		"Mayor Tom Reed argued that the city could not pay for the new bridge."
	m := loadDefault(t)
	art := Article{Path: "t", Text: text}
	if got := cueTexts(ExtractWith(m, art)); !slices.Equal(got, []string{"said", "argued"}) {
		t.Fatalf("without a verifier, cues %q; want said and argued", got)
	}
	v := &verifier{bias: cueBias, threshold: 0.5, bits: verifyBits, w: make([]float32, 1<<verifyBits)}
	v.w[uint32(newHash(220).s("said"))&(1<<verifyBits-1)] = 1
	m.verifier = v
	if got := cueTexts(ExtractWith(m, art)); !slices.Equal(got, []string{"said"}) {
		t.Errorf("with a verifier of said alone, cues %q; want said", got)
	}
	// the verifier's features are those Candidates gives for training
	cands := m.Candidates(text, cueBias)
	if len(cands) != 2 {
		t.Fatalf("%d candidates, want 2", len(cands))
	}
	for _, c := range cands {
		if c.Cue == nil || len(c.Content) == 0 || len(c.Feats) == 0 {
			t.Errorf("candidate %+v lacks a cue, content or features", c)
		}
	}
}

// TestVerifierBias checks that a verifier's cue bias is the one the first
// stage decodes with: a bias of 1000 makes a cue of every word near a cue
// word.
func TestVerifierBias(t *testing.T) {
	const text = "Budget talks\n\nSenator Ann Cole said the budget would pass in March."
	m := loadDefault(t)
	v := &verifier{bias: cueBias, threshold: -1, bits: verifyBits, w: make([]float32, 1<<verifyBits)}
	m.verifier = v
	if got := cueTexts(ExtractWith(m, Article{Path: "t", Text: text})); !slices.Equal(got, []string{"said"}) {
		t.Errorf("with the usual cue bias, cues %q; want said", got)
	}
	v.bias = 1000
	if got := m.Candidates(text, 1000); len(got) < 2 {
		t.Errorf("Candidates with a cue bias of 1000: %d, want more than one", len(got))
	}
	if got := cueTexts(ExtractWith(m, Article{Path: "t", Text: text})); len(got) < 2 {
		t.Errorf("with a cue bias of 1000, cues %q; want more than one", got)
	}
}

// TestTrainVerifier fits a verifier to examples whose one feature tells
// right from wrong, and checks the threshold it chooses keeps the right
// ones, and that the model file keeps it.
func TestTrainVerifier(t *testing.T) {
	m := Train(tinyCorpus(t), TrainOptions{Epochs: 2, Bits: 12, RoleBits: 12, Seed: 1}, nil)
	good, bad, both := uint32(11), uint32(22), uint32(33)
	var ex []VerifierExample
	for i := range 200 {
		ex = append(ex, VerifierExample{Feats: []uint32{both, good}, Right: true, Fold: i % 2})
		ex = append(ex, VerifierExample{Feats: []uint32{both, bad}, Right: false, Fold: i % 2})
	}
	f1, th := m.TrainVerifier(ex, VerifierOptions{Bias: 20, Gold: 200, Folds: 2})
	if f1 != 1 {
		t.Errorf("cross-validated F1 %v, want 1", f1)
	}
	v := m.verifier
	if zg, zb := v.w[both]+v.w[good], v.w[both]+v.w[bad]; !(zg >= float32(th) && zb < float32(th)) {
		t.Errorf("threshold %v does not part right (%v) from wrong (%v)", th, zg, zb)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := LoadModel(&buf)
	if err != nil {
		t.Fatal(err)
	}
	bv := back.verifier
	if bv == nil || bv.bias != 20 || bv.threshold != v.threshold || bv.bits != v.bits || !slices.Equal(bv.w, v.w) {
		t.Fatalf("verifier read back differs: %+v", bv)
	}
	// a model without a verifier is written as before, and read with none
	m.verifier = nil
	plain := modelBytes(t, m)
	back, err = LoadModel(bytes.NewReader(plain))
	if err != nil || back.verifier != nil {
		t.Errorf("model without a verifier read back with %v, %v", back.verifier, err)
	}
	m.verifier = v
	if withV := modelBytes(t, m); len(withV) <= len(plain) {
		t.Errorf("the verifier adds no bytes to the model file")
	}
}

// TestVerifyDecidesOnAll checks that each attribution is scored on the
// features Candidates gives it, those of the article's attributions
// before any is dropped: here the attribution of "argued" goes, and the
// two of "said", which share a sentence, stay, whatever the order.
func TestVerifyDecidesOnAll(t *testing.T) {
	const text = "Budget talks\n\nMayor Tom Reed argued that the city could not pay for the new bridge.\n\n" +
		"Senator Ann Cole said the budget would pass, and Governor Bob Hale said the vote would come in May."
	m := loadDefault(t)
	const mask = 1<<verifyBits - 1
	said := uint32(newHash(220).s("said")) & mask
	// two others in the sentence: a feature the candidates of "said"
	// never have, as the other of the sentence is the only one
	two := uint32(newHash(240).b(bucket(2)).b(boolByte(false))) & mask
	if said == two {
		t.Fatal("the test's two features share a bucket")
	}
	v := &verifier{bias: cueBias, threshold: 0.5, bits: verifyBits, w: make([]float32, 1<<verifyBits)}
	v.w[said], v.w[two] = 1, -1
	m.verifier = v
	for _, c := range m.Candidates(text, cueBias) {
		if slices.Contains(c.Feats, two) {
			t.Fatalf("a candidate has two others in its sentence: %+v", c)
		}
	}
	if got := cueTexts(ExtractWith(m, Article{Path: "t", Text: text})); !slices.Equal(got, []string{"said", "said"}) {
		t.Errorf("cues %q; want said and said", got)
	}
}

// TestLoadModelWhole checks that a model file is read to its end, where
// gzip checks the checksum and length of what it held: a file cut inside
// that trailer, one whose checksum is wrong, and one holding more than a
// model are refused, with or without a verifier at its end.
func TestLoadModelWhole(t *testing.T) {
	m := Train(tinyCorpus(t), TrainOptions{Epochs: 2, Bits: 12, RoleBits: 12, Seed: 1}, nil)
	plain := modelBytes(t, m)
	ex := []VerifierExample{{Feats: []uint32{1}, Right: true}, {Feats: []uint32{2}, Fold: 1}}
	m.TrainVerifier(ex, VerifierOptions{Bias: 20, Gold: 1, Folds: 2})
	withV := modelBytes(t, m)
	for name, file := range map[string][]byte{"with a verifier": withV, "without": plain} {
		if _, err := LoadModel(bytes.NewReader(file)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		crc := slices.Clone(file)
		crc[len(crc)-8] ^= 0xff
		var extra bytes.Buffer
		zw := gzip.NewWriter(&extra)
		zr, err := gzip.NewReader(bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(zw, zr); err != nil {
			t.Fatal(err)
		}
		zw.Write([]byte{1, 2, 3})
		zw.Close()
		for bad, b := range map[string][]byte{"cut in the trailer": file[:len(file)-5], "a wrong checksum": crc, "data after the model": extra.Bytes()} {
			if _, err := LoadModel(bytes.NewReader(b)); !errors.Is(err, ErrModel) {
				t.Errorf("%s, %s: %v, want %v", name, bad, err, ErrModel)
			}
		}
	}
}
