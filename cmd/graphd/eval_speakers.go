package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/graphd/graphd/ingest/polnear"
)

// scoreSpeakers reads the speakers layer at path and scores pred's
// speakers against it. A layer none of whose lines key a gold attribution
// is an error: it belongs to another month.
func scoreSpeakers(path string, gold, pred []polnear.Doc) (*polnear.SpeakerReport, error) {
	layer, err := polnear.ReadSpeakers(path)
	if err != nil {
		return nil, err
	}
	r := polnear.ScoreSpeakers(gold, pred, layer)
	if r.Keyed == 0 && r.Lines > 0 {
		return nil, fmt.Errorf("speakers %s: none of its %d lines is an attribution of this month", path, r.Lines)
	}
	return &r, nil
}

// writeSpeakerTable prints the speaker scores below the span scores.
func writeSpeakerTable(w io.Writer, r *polnear.SpeakerReport) {
	fmt.Fprintf(w, "\nspeakers: %d of %d lines of the layer are gold attributions of these articles\n", r.Keyed, r.Lines)
	fmt.Fprintf(w, "%-9s │ %6s %7s %6s %8s │ %7s\n", "mention", "gold", "matched", "right", "accuracy", "recall")
	for _, c := range append(slices.Clone(r.Classes), r.All) {
		fmt.Fprintf(w, "%-9s │ %6d %7d %6d %8.1f │ %7.1f\n", c.Class, c.Gold, c.Matched, c.Right, c.Accuracy, c.Recall)
	}
	g := r.Generic
	fmt.Fprintf(w, "%-9s │ %6d %7d %6d %8.1f │\n", "generic", g.Gold, g.Matched, g.Right, g.Accuracy)
	fmt.Fprintf(w, "\n%-12s │ %7s %6s %8s │ %s\n", "type", "matched", "right", "accuracy", "given")
	for _, t := range append(slices.Clone(r.Types), r.TypesAll) {
		fmt.Fprintf(w, "%-12s │ %7d %6d %8.1f │ %s\n", t.Type, t.Matched, t.Right, t.Accuracy, typeCounts(t.Got))
	}
	fmt.Fprintln(w, "\nA speaker is right when it is one of the gold names (case, accents, punctuation and a")
	fmt.Fprintln(w, "leading Mr./Mrs./Ms. aside; a group: any member). Accuracy is over the matched attributions")
	fmt.Fprintln(w, "whose referent is named, recall over all of them; generic: matched sources with no one to")
	fmt.Fprintln(w, "name, given no speaker. Types are over every matched attribution.")
}

// typeCounts lists the predicted types, most frequent first.
func typeCounts(m map[string]int) string {
	type kv struct {
		k string
		n int
	}
	var kvs []kv
	for k, n := range m {
		kvs = append(kvs, kv{k, n})
	}
	slices.SortFunc(kvs, func(a, b kv) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.k, b.k)
	})
	var parts []string
	for _, x := range kvs {
		parts = append(parts, fmt.Sprintf("%s %d", x.k, x.n))
	}
	return strings.Join(parts, ", ")
}

// appendSpeakerErrors adds the speaker misses to the errors file: the
// matched attributions with a wrong speaker or type, by mention class,
// then the named referents of attributions not found at all; one a line:
// article, the gold source's offsets, what is wrong, the gold names and
// type, what graphd said, and the sentence.
func appendSpeakerErrors(path string, errs []polnear.SpeakerError) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("errors file: %w", err)
	}
	w := bufio.NewWriter(f)
	for _, class := range append(slices.Clone(polnear.MentionClasses), "") {
		var these []polnear.SpeakerError
		for _, e := range errs {
			if class == "" && !e.Matched || class != "" && e.Matched && e.Class == class {
				these = append(these, e)
			}
		}
		if len(these) == 0 {
			continue
		}
		if class == "" {
			fmt.Fprintf(w, "\n## speaker, named but no attribution found: %d misses\n\n", len(these))
		} else {
			fmt.Fprintf(w, "\n## speaker, %s mentions: %d misses\n\n", class, len(these))
		}
		for _, e := range these {
			gold := "no one"
			if len(e.Names) > 0 {
				gold = strings.Join(e.Names, " | ")
			}
			said := "not found"
			if e.Matched {
				said = e.Speaker
				if said == "" {
					said = "no one"
				}
				said += " (" + orNone(e.SpeakerType) + ")"
				if e.PredictedSource != "" {
					said += fmt.Sprintf(" from %q", e.PredictedSource)
				}
			}
			fmt.Fprintf(w, "%s %d-%d\t%s: gold %s (%s %s), graphd %s\t%s\n",
				e.Article, e.Source.Start, e.Source.End, e.What, gold, e.Class, e.Type, said, e.Sentence)
		}
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

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
