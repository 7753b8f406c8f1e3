// Package ingest turns news articles into attributions: readers for plain
// text, JSON, JSON Lines and HTML; the extractor that finds quotations with
// their speaker, cue and venue; and the pipeline that writes them to the
// graph.
//
// Extract is pure: it does no I/O and depends only on its argument, so it can
// be tested and fuzzed alone. All offsets are Unicode code points into
// Article.Text, end exclusive.
package ingest

import (
	"errors"
	"time"
)

// Sentinel errors of the readers and the pipeline.
var (
	// ErrNoText means an article has no text to extract from.
	ErrNoText = errors.New("article has no text")
	// ErrTooLarge means an input file or record is larger than MaxArticleBytes.
	ErrTooLarge = errors.New("input too large")
	// ErrBinary means an input file is not text: it holds NUL bytes.
	ErrBinary = errors.New("not a text file")
	// ErrEncoding means a text is not valid UTF-8, the one encoding graphd
	// reads (a Windows-1252 or Latin-1 file must be converted first).
	ErrEncoding = errors.New("not valid UTF-8")
	// ErrMalformed means JSON or another structured input could not be parsed.
	ErrMalformed = errors.New("malformed input")
	// ErrUnsupported means a file's format is not one graphd reads.
	ErrUnsupported = errors.New("unsupported format")
)

// MaxArticleBytes is the largest article text (and the largest single input
// file) graphd accepts.
const MaxArticleBytes = 8 << 20

// Article is one article as read from its source.
type Article struct {
	Path      string    // the file it came from, as given
	Line      int       // 1-based line in a JSON Lines file; 0 otherwise
	ID        string    // id in the source, if any
	URL       string    //
	Title     string    //
	Outlet    string    //
	Published time.Time // zero when unknown
	// Text is what offsets point into. For .txt files it is the whole file as
	// read, header line included; for JSON and HTML it is the body text.
	Text string
}

// Span is a half-open range of Unicode code points into Article.Text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Mention is a piece of the article text: a speaker mention or a cue.
type Mention struct {
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Venue is where a quotation was said, with the span of the text naming it.
type Venue struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Attribution is one quotation with its speaker, cue and venue.
type Attribution struct {
	Quote      string   // the quoted text; fragments of a split quotation joined by " "
	Spans      []Span   // the quotation's fragments, in text order
	Kind       string   // direct, partial or indirect
	Speaker    string   // resolved person, fullest name in the article; "" when unknown
	Titles     []string // the speaker's titles and roles found in the article
	Source     *Mention // the speaker as the text names it
	Cue        *Mention // the reporting verb or phrase
	Venue      *Venue   // where it was said, when the text says
	Confidence float64  // in [0, 1]
	// Content is the reported content as attribution corpora mark it: the
	// whole quotation with its marks, or the whole reported clause around a
	// partial quotation or of indirect speech.
	Content []Span

	// SpeakerType is what the source is: one of graph.SpeakerPerson,
	// SpeakerOrganization, SpeakerGroup, SpeakerPlace, SpeakerDocument (a
	// document speaking for its publisher, the Speaker, when named) or
	// SpeakerGeneric (no one in particular: Speaker is "").
	SpeakerType string

	// CueKind is CueSpeech when the cue reports words said or written
	// ("said", "told", "according to", a colon), CueStance when it reports
	// a belief, an intention or a stance ("criticised", "plans to", "the
	// claim that", "in his view"), which attribution corpora count as
	// attributions but a quote graph may keep apart from speech.
	CueKind string
}

// Cue kinds.
const (
	CueSpeech = "speech"
	CueStance = "stance"
)
