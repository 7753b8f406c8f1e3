// Package polnear reads the PolNeAR corpus (Political News Attribution
// Relations, Newell, Margolin and Ruths, LREC 2018) and scores the extractor
// against it.
//
// A month of the corpus is a directory with text/NAME.txt, the article, and
// attributions/NAME_ANNOTATOR.ann, one annotator's brat standoff file;
// metadata.tsv names the annotators of each article and the first one is
// used. Offsets, here as in package ingest, are Unicode code points into the
// text, end exclusive.
//
// Score compares gold documents with predicted ones three ways, for each of
// the roles source, cue and content: exact spans after trimming quotation
// marks, spaces and , . ; : from both ends; tokens (maximal runs of letters
// and digits) covered by a span of the role; and whole attributions, matched
// one to one when their contents overlap by half their tokens and their
// sources share a token.
//
// The corpus is copyrighted news released for research: read it from where
// it lies, never copy it into the repository.
package polnear

import (
	"errors"
	"strconv"

	"github.com/graphd/graphd/ingest"
)

// Sentinel errors of the readers.
var (
	// ErrMalformed means a line of an .ann or metadata file could not be parsed.
	ErrMalformed = errors.New("malformed")
	// ErrNoAnnotator means an article has no annotator in the metadata.
	ErrNoAnnotator = errors.New("no annotator")
	// ErrOffset means a span lies outside its article's text.
	ErrOffset = errors.New("span outside the text")
	// ErrNoSecond means no article of a month has a second annotator.
	ErrNoSecond = errors.New("no article annotated twice")
)

// Attribution is one attribution relation: who (Source) said or thought
// what (Content), introduced by what (Cue). Each role is a list of fragments
// in the order the file gives them; Source is empty when the attribution has
// none.
type Attribution struct {
	ID      string        // the brat event id ("E3"); "P3" for predictions
	Source  []ingest.Span //
	Cue     []ingest.Span //
	Content []ingest.Span //
	// Speaker and SpeakerType are, for a prediction, the resolved speaker
	// ("" when none) and its entity type.
	Speaker     string
	SpeakerType string
	// Venue is where a predicted attribution was said, when the extractor
	// found it; gold venues are a layer of their own (ReadVenues).
	Venue *ingest.Venue
}

// Doc is one article with its attributions, gold or predicted.
type Doc struct {
	Name         string // file name without .txt
	Text         string // the whole .txt file, headline included
	Attributions []Attribution
}

// Predict runs the extractor, with the embedded tagger, on d's text and
// returns d with its attributions.
func Predict(d Doc) Doc { return PredictWith(ingest.DefaultModel(), d) }

// PredictWith runs the extractor with the tagger m (nil: rules only) on d's
// text and returns d with its attributions: the source mention, the cue and
// the reported content.
func PredictWith(m *ingest.Model, d Doc) Doc {
	p := Doc{Name: d.Name, Text: d.Text}
	for i, at := range ingest.ExtractWith(m, ingest.Article{Path: d.Name, Text: d.Text}) {
		content := at.Content
		if len(content) == 0 {
			content = at.Spans
		}
		a := Attribution{ID: "P" + strconv.Itoa(i+1), Content: append([]ingest.Span(nil), content...)}
		if at.Source != nil {
			a.Source = []ingest.Span{{Start: at.Source.Start, End: at.Source.End}}
		}
		if at.Cue != nil {
			a.Cue = []ingest.Span{{Start: at.Cue.Start, End: at.Cue.End}}
		}
		a.Speaker, a.SpeakerType = at.Speaker, at.SpeakerType
		if at.Venue != nil {
			v := *at.Venue
			a.Venue = &v
		}
		p.Attributions = append(p.Attributions, a)
	}
	return p
}

// Examples converts annotated documents to training examples for the
// tagger.
func Examples(docs []Doc) []ingest.TrainExample {
	out := make([]ingest.TrainExample, 0, len(docs))
	for _, d := range docs {
		ex := ingest.TrainExample{Text: d.Text}
		for _, a := range d.Attributions {
			ex.Attributions = append(ex.Attributions, ingest.GoldAttribution{Source: a.Source, Cue: a.Cue, Content: a.Content})
		}
		out = append(out, ex)
	}
	return out
}

// PredictRoles finds, with the tagger m alone, the source and content of
// each gold cue of d (the first fragment of each): the extractor's score
// if its cues were all right, which tells the two stages' errors apart.
func PredictRoles(m *ingest.Model, d Doc) Doc {
	p := Doc{Name: d.Name, Text: d.Text}
	var cues []ingest.Span
	for _, a := range d.Attributions {
		if len(a.Cue) > 0 {
			cues = append(cues, a.Cue[0])
		}
	}
	for i, g := range m.CueRoles(d.Text, cues) {
		p.Attributions = append(p.Attributions, Attribution{ID: "P" + strconv.Itoa(i+1), Source: g.Source, Cue: g.Cue, Content: g.Content})
	}
	return p
}
