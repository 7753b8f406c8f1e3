package polnear

import (
	"bytes"
	"cmp"
	"hash/fnv"
	"slices"

	"github.com/graphd/graphd/ingest"
)

// VerifiedOptions are the settings of TrainVerified.
type VerifiedOptions struct {
	Folds int     // how many taggers label the candidates, each trained without a fold
	Bias  float32 // the first stage's cue bias of the candidates
	// Progress, when not nil, is told of each fold's tagger being trained.
	Progress func(fold int)
}

// VerifiedReport tells what TrainVerified measured over the folds: the
// candidates, how many match an annotated attribution, the annotated
// attributions, the F1 a perfect verifier would give (every right
// candidate kept, no other), the F1 of the verifier fitted to the other
// folds at its threshold, and that threshold.
type VerifiedReport struct {
	Candidates, Right, Gold int
	Oracle, F1, Threshold   float64
}

// TrainVerified trains a tagger on docs and a verifier of its
// attributions. The verifier learns from realistic candidates: docs are
// split into folds by name, a tagger trained without each fold decodes that
// fold's articles with the cue bias opts.Bias, and each attribution the
// pipeline builds is labelled right when it matches an annotated one (the
// contents share half their tokens and the sources a token, as Score
// matches them). The tagger returned is trained on all of docs, as Train
// would train it.
func TrainVerified(docs []Doc, topts ingest.TrainOptions, opts VerifiedOptions) (*ingest.Model, VerifiedReport, error) {
	var ex []ingest.VerifierExample
	var rep VerifiedReport
	fold := folds(docs, opts.Folds)
	for f := range opts.Folds {
		var train, held []Doc
		for i, d := range docs {
			if fold[i] == f {
				held = append(held, d)
			} else {
				train = append(train, d)
			}
		}
		if len(train) == 0 || len(held) == 0 {
			continue // a month too small for its folds
		}
		if opts.Progress != nil {
			opts.Progress(f)
		}
		// the tagger as a model file gives it: quantized, as it decodes
		// at run time
		var buf bytes.Buffer
		if _, err := ingest.Train(Examples(train), topts, nil).WriteTo(&buf); err != nil {
			return nil, rep, err
		}
		m, err := ingest.LoadModel(&buf)
		if err != nil {
			return nil, rep, err
		}
		for _, d := range held {
			text := []rune(d.Text)
			tok := tokenIndex(text)
			gold := make([]Attribution, len(d.Attributions))
			copy(gold, d.Attributions)
			rep.Gold += len(gold)
			for _, c := range m.Candidates(d.Text, opts.Bias) {
				a := Attribution{Content: c.Content}
				if c.Source != nil {
					a.Source = []ingest.Span{*c.Source}
				}
				right := matchesAny(gold, a, tok)
				rep.Candidates++
				if right {
					rep.Right++
				}
				ex = append(ex, ingest.VerifierExample{Feats: c.Feats, Right: right, Fold: f})
			}
		}
	}
	if rep.Gold+rep.Right > 0 {
		rep.Oracle = 2 * float64(rep.Right) / float64(rep.Gold+rep.Right)
	}
	m := ingest.Train(Examples(docs), topts, nil)
	if len(ex) == 0 {
		return m, rep, nil // no fold had articles on both sides: no verifier
	}
	rep.F1, rep.Threshold = m.TrainVerifier(ex, ingest.VerifierOptions{Bias: opts.Bias, Gold: rep.Gold, Folds: opts.Folds})
	return m, rep, nil
}

// folds deals the articles into k folds: in the order of a hash of their
// names, round the folds, so that the folds are as large as each other and
// each article's fold is the same in every run.
func folds(docs []Doc, k int) []int {
	type keyed struct {
		h    uint32
		name string
		i    int
	}
	ks := make([]keyed, len(docs))
	for i, d := range docs {
		h := fnv.New32a()
		h.Write([]byte(d.Name))
		ks[i] = keyed{h.Sum32(), d.Name, i}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.name, b.name), cmp.Compare(a.i, b.i))
	})
	out := make([]int, len(docs))
	for r, x := range ks {
		out[x.i] = r % k
	}
	return out
}

// matchesAny reports whether p matches one of gold as matchAttributions
// pairs them, leaving aside that the pairing is one to one.
func matchesAny(gold []Attribution, p Attribution, tok []int) bool {
	pc, ps := map[int]bool{}, map[int]bool{}
	addTokens(pc, p.Content, tok)
	addTokens(ps, p.Source, tok)
	for _, g := range gold {
		gc, gs := map[int]bool{}, map[int]bool{}
		addTokens(gc, g.Content, tok)
		addTokens(gs, g.Source, tok)
		if jaccard(gc, pc) < 0.5 {
			continue
		}
		if (len(gs) > 0 || len(ps) > 0) && !intersects(gs, ps) {
			continue
		}
		return true
	}
	return false
}
