package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/graphd/graphd/ingest"
	"github.com/graphd/graphd/ingest/polnear"
)

// evalOutput is what `graphd eval polnear --json` prints.
type evalOutput struct {
	Dir string `json:"dir"`
	// Scored is what was scored against the first annotators: "extractor",
	// "extractor with gold cues", or "annotators", the other annotators of
	// the articles annotated more than once (--agreement).
	Scored            string         `json:"scored"`
	Articles          int            `json:"articles"`
	Annotations       int            `json:"annotations,omitempty"` // --agreement: the other annotators' files
	Seconds           float64        `json:"seconds"`               // extraction only
	ArticlesPerSecond float64        `json:"articles_per_second"`
	Report            polnear.Report `json:"report"`
	// Extractor is, with --agreement, the extractor's score on the same
	// articles against the same first annotators.
	Extractor *polnear.Report `json:"extractor,omitempty"`
	// Speakers scores the resolved speakers and their types (--speakers).
	Speakers *polnear.SpeakerReport `json:"speakers,omitempty"`
	// Venues is, with --venues, the score of the extractor's venues.
	Venues *polnear.VenueReport `json:"venues,omitempty"`
}

func runEval(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "eval", "polnear DIR [--metadata FILE] [--model FILE] [--speakers FILE] [--venues FILE] [--gold-cues | --agreement] [--holdout F] [--json] [--errors FILE]",
		"Score the extractor against a month of the PolNeAR corpus: DIR holds text/NAME.txt and\n"+
			"attributions/NAME_ANNOTATOR.ann; the first annotator listed in the metadata is used.\n"+
			"Prints, for source, cue and content, exact-span and token precision, recall and F1,\n"+
			"and attribution-level scores, overall and split by whether the content is quoted;\n"+
			"with --venues, venue precision, recall and F1 over the attributions it matched.\n"+
			"With --agreement, scores the other annotators of the articles annotated more than once\n"+
			"against the first instead: how far people agree on the same spans.\n"+
			"With --speakers, also scores the resolved speakers and their entity types against a\n"+
			"speakers layer (one JSON object a line per sourced attribution, keyed by doc and cue).")
	metadata := f.String("metadata", "GRAPHD_POLNEAR_METADATA", "", "metadata.tsv of the corpus (default DIR/../metadata.tsv)")
	errorsPath := f.String("errors", "GRAPHD_EVAL_ERRORS", "", "write the misses and false positives, with context, to this file")
	asJSON := f.Bool("json", "GRAPHD_EVAL_JSON", false, "print one JSON object instead of a table")
	modelPath := f.String("model", "GRAPHD_MODEL", "", "a tagger model file from 'graphd train' (default: the embedded one; \"none\": rules only)")
	goldCues := f.Bool("gold-cues", "GRAPHD_EVAL_GOLD_CUES", false, "give the tagger the annotated cues and score only its sources and contents")
	agreement := f.Bool("agreement", "GRAPHD_EVAL_AGREEMENT", false, "score the other annotators of articles annotated more than once against the first, not the extractor")
	speakersPath := f.String("speakers", "GRAPHD_EVAL_SPEAKERS", "", "a speakers layer (JSON Lines): score resolved speakers and entity types against it")
	venuesPath := f.String("venues", "GRAPHD_EVAL_VENUES", "", "a venue layer of the month (venues-dev.jsonl): score the extractor's venues against it")
	holdout := f.Float("holdout", "GRAPHD_EVAL_HOLDOUT", 0, "score only the share of the articles that train --holdout with the same share leaves out")
	pos, err := f.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "polnear" {
		f.Usage()
		return errUsage
	}
	dir := pos[1]
	if *speakersPath != "" && (*agreement || *goldCues) {
		return fmt.Errorf("--speakers scores the extractor's speakers: drop --agreement and --gold-cues")
	}
	if *venuesPath != "" && (*agreement || *goldCues) {
		return fmt.Errorf("--venues scores the extractor's venues: drop --agreement and --gold-cues")
	}
	if *agreement {
		if *holdout > 0 {
			return fmt.Errorf("--agreement scores the annotators of every article: drop --holdout")
		}
		if *goldCues {
			return fmt.Errorf("--agreement scores the annotators, not the extractor: drop --gold-cues")
		}
		model, err := loadModel(*modelPath)
		if err != nil {
			return err
		}
		return evalAgreement(e, model, dir, *metadata, *errorsPath, *asJSON)
	}
	if *holdout < 0 || *holdout >= 1 {
		return fmt.Errorf("--holdout: %v is not in [0, 1)", *holdout)
	}
	gold, err := loadMonth(dir, *metadata)
	if err != nil {
		return err
	}
	if *holdout > 0 {
		if _, gold = polnear.Holdout(gold, *holdout); len(gold) == 0 {
			return fmt.Errorf("--holdout %v leaves no article of %s out", *holdout, dir)
		}
	}
	e.logger.Debug("loaded", "dir", dir, "articles", len(gold))
	model, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	if *goldCues && model == nil {
		return fmt.Errorf("--gold-cues needs a tagger model, not --model none")
	}
	var venues []polnear.GoldVenue
	if *venuesPath != "" {
		if venues, err = polnear.ReadVenues(*venuesPath, gold); err != nil {
			return err
		}
	}

	start := time.Now()
	pred := make([]polnear.Doc, 0, len(gold))
	for _, d := range gold {
		if err := ctx.Err(); err != nil {
			return err
		}
		if *goldCues {
			pred = append(pred, polnear.PredictRoles(model, d))
		} else {
			pred = append(pred, polnear.PredictWith(model, d))
		}
	}
	elapsed := time.Since(start)
	rep := polnear.Score(gold, pred)
	out := evalOutput{Dir: dir, Scored: "extractor", Articles: len(gold), Seconds: elapsed.Seconds(), Report: rep}
	if *speakersPath != "" {
		if out.Speakers, err = scoreSpeakers(*speakersPath, gold, pred); err != nil {
			return err
		}
	}
	errs := rep.Errors
	if *venuesPath != "" {
		vr := polnear.ScoreVenues(gold, pred, venues)
		out.Venues = &vr
		errs = append(errs[:len(errs):len(errs)], vr.Errors...)
	}

	if *errorsPath != "" {
		if err := writeEvalErrors(*errorsPath, dir, errs); err != nil {
			return err
		}
		if out.Speakers != nil {
			if err := appendSpeakerErrors(*errorsPath, out.Speakers.Errors); err != nil {
				return err
			}
		}
	}
	if *goldCues {
		out.Scored = "extractor with gold cues"
	}
	if s := elapsed.Seconds(); s > 0 {
		out.ArticlesPerSecond = float64(len(gold)) / s
	}
	return writeEval(e, out, *asJSON)
}

// evalAgreement scores the other annotators of DIR's articles annotated
// more than once against the first, and the extractor, with model m, on
// the same articles beside them.
func evalAgreement(e *env, m *ingest.Model, dir, metadata, errorsPath string, asJSON bool) error {
	anns, err := polnear.ReadAnnotators(metadataPath(dir, metadata))
	if err != nil {
		return err
	}
	gold, other, err := polnear.LoadAgreement(dir, anns)
	if err != nil {
		return err
	}
	rep := polnear.Score(gold, other)
	if errorsPath != "" {
		if err := writeEvalErrors(errorsPath, dir, rep.Errors); err != nil {
			return err
		}
	}
	var first, pred []polnear.Doc
	for i, d := range gold {
		if i == 0 || d.Name != gold[i-1].Name {
			first = append(first, d)
			pred = append(pred, polnear.PredictWith(m, d))
		}
	}
	ext := polnear.Score(first, pred)
	ext.Errors = nil
	out := evalOutput{Dir: dir, Scored: "annotators", Articles: len(first), Annotations: len(other), Report: rep, Extractor: &ext}
	return writeEval(e, out, asJSON)
}

// writeEval prints o as a table, or as JSON.
func writeEval(e *env, out evalOutput, asJSON bool) error {
	w := bufio.NewWriter(e.stdout)
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	} else {
		writeEvalTable(w, out)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

func writeEvalTable(w io.Writer, o evalOutput) {
	r := o.Report
	switch o.Scored {
	case "annotators":
		fmt.Fprintf(w, "PolNeAR %s: annotator agreement, %s of %s scored against the first annotator's\n\n",
			o.Dir, plural(o.Annotations, "other annotation", "other annotations"), plural(o.Articles, "article", "articles"))
	case "extractor with gold cues":
		fmt.Fprintf(w, "PolNeAR %s: %s, sources and contents of the annotated cues found in %.2fs (%.0f articles/s)\n\n",
			o.Dir, plural(o.Articles, "article", "articles"), o.Seconds, o.ArticlesPerSecond)
	default:
		fmt.Fprintf(w, "PolNeAR %s: %s, extracted in %.2fs (%.0f articles/s)\n\n",
			o.Dir, plural(o.Articles, "article", "articles"), o.Seconds, o.ArticlesPerSecond)
	}
	fmt.Fprintf(w, "%-8s │ %6s %6s %6s %6s %6s │ %6s %6s %6s %6s %6s\n",
		"", "exact", "", "", "gold", "pred", "token", "", "", "gold", "pred")
	fmt.Fprintf(w, "%-8s │ %6s %6s %6s %6s %6s │ %6s %6s %6s %6s %6s\n",
		"role", "P", "R", "F1", "spans", "spans", "P", "R", "F1", "tokens", "tokens")
	for _, rr := range r.Roles {
		x, t := rr.Exact, rr.Token
		fmt.Fprintf(w, "%-8s │ %6.1f %6.1f %6.1f %6d %6d │ %6.1f %6.1f %6.1f %6d %6d\n",
			rr.Role, x.Precision, x.Recall, x.F1, x.Gold, x.Pred, t.Precision, t.Recall, t.F1, t.Gold, t.Pred)
	}
	fmt.Fprintf(w, "\n%-12s │ %6s %6s %6s │ %6s %6s %8s %8s\n", "attributions", "P", "R", "F1", "gold", "pred", "gold ok", "pred ok")
	for _, row := range []struct {
		name string
		p    polnear.PRF
	}{{"all", r.Attributions.All}, {"quoted", r.Attributions.Quoted}, {"unquoted", r.Attributions.Unquoted}} {
		fmt.Fprintf(w, "%-12s │ %6.1f %6.1f %6.1f │ %6d %6d %8d %8d\n",
			row.name, row.p.Precision, row.p.Recall, row.p.F1, row.p.Gold, row.p.Pred, row.p.MatchedGold, row.p.MatchedPred)
	}
	if x := o.Extractor; x != nil {
		fmt.Fprintf(w, "\nexact F1 │ %10s %10s\n", "annotators", "extractor")
		for i, rr := range r.Roles {
			fmt.Fprintf(w, "%-8s │ %10.1f %10.1f\n", rr.Role, rr.Exact.F1, x.Roles[i].Exact.F1)
		}
		fmt.Fprintf(w, "%-8s │ %10.1f %10.1f\n", "attrib.", r.Attributions.All.F1, x.Attributions.All.F1)
	}
	if o.Venues != nil {
		writeVenueTable(w, o.Venues)
	}
	fmt.Fprintln(w, "\nExact spans are trimmed of quotation marks, spaces and , . ; : at both ends. Attributions")
	fmt.Fprintln(w, "match when their contents share half their tokens (IoU ≥ 0.5) and their sources a token;")
	fmt.Fprintln(w, "quoted recall counts gold contents with a quotation mark, quoted precision predicted ones.")
	if o.Speakers != nil {
		writeSpeakerTable(w, o.Speakers)
	}
}

// writeEvalErrors writes the misses and false positives grouped by role,
// one per line: article, trimmed offsets, and the span marked in its
// context; an attribution's span runs from its content's first character
// to its last, with its source and cue after it.
func writeEvalErrors(path, dir string, errs []polnear.Error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("errors file: %w", err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# graphd eval polnear %s: misses and false positives\n", dir)
	count := map[[2]string]int{}
	for _, x := range errs {
		count[[2]string{x.Role, errKind(x)}]++
	}
	var group [2]string
	for _, x := range errs {
		if g := [2]string{x.Role, errKind(x)}; g != group {
			group = g
			fmt.Fprintf(w, "\n## %s: %d %s\n\n", g[0], count[g], g[1])
		}
		fmt.Fprintf(w, "%s %d-%d\t%s", x.Article, x.Start, x.End, x.Context)
		if x.Note != "" {
			fmt.Fprintf(w, "\t(%s)", x.Note)
		}
		fmt.Fprintln(w)
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("errors file: %w", err)
	}
	return nil
}

func errKind(x polnear.Error) string {
	if x.Miss {
		return "misses"
	}
	return "false positives"
}

// Bool defines a boolean flag with an environment fallback: the variable
// holds true or false (or 1, 0, as strconv.ParseBool reads them).
func (f *flags) Bool(name, envName string, def bool, help string) *bool {
	if v, ok := os.LookupEnv(envName); ok && v != "" {
		if b, err := strconv.ParseBool(v); err == nil {
			def = b
		}
	}
	f.env[name] = envName
	return f.FlagSet.Bool(name, def, help+" (env "+envName+")")
}

// loadMonth reads a month of PolNeAR: DIR's texts and annotations, with the
// metadata at path, by default DIR/../metadata.tsv.
func loadMonth(dir, metadata string) ([]polnear.Doc, error) {
	meta, err := polnear.ReadMetadata(metadataPath(dir, metadata))
	if err != nil {
		return nil, err
	}
	return polnear.LoadMonth(dir, meta)
}

// metadataPath returns metadata, or by default DIR/../metadata.tsv.
func metadataPath(dir, metadata string) string {
	if metadata == "" {
		return filepath.Join(dir, "..", "metadata.tsv")
	}
	return metadata
}
