package graph

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/graphd/graphd/fold"
)

// recordVersion leads every JSON record value, wireVersion every binary
// one (quotes and occurrences); doc.go describes the encodings.
const recordVersion byte = 1

// The record types are the stored form of the domain types. They are kept
// apart so the domain types can grow without changing what is on disk.

type articleRec struct {
	ID        uuid.UUID `json:"id"`
	Key       string    `json:"key"`
	SourceID  string    `json:"sourceId,omitempty"`
	URL       string    `json:"url,omitempty"`
	Title     string    `json:"title,omitempty"`
	Outlet    string    `json:"outlet,omitempty"`
	OutletID  uuid.UUID `json:"outletId,omitzero"`
	Published time.Time `json:"published,omitzero"`
	Hash      string    `json:"hash"`
	TextLen   int       `json:"textLen"` // bytes of text, kept apart in chunks
	Ingested  time.Time `json:"ingested"`
	Sketch    []uint32  `json:"sketch,omitempty"` // MinHash of the text's word 3-grams
	Quotes    int       `json:"quotes"`           // occurrences it prints
	Copy      *copyRec  `json:"copyOf,omitempty"`
}

// copyRec links an article to the one it copies.
type copyRec struct {
	Original uuid.UUID `json:"original"`
	Score    float64   `json:"score"`
	Shared   int       `json:"shared"`
	Overlap  float64   `json:"overlap"`
}

// attribution holds what a printing of a quotation says and where: the
// fields an occurrence record shares with its quote record.
type attribution struct {
	ArticleID uuid.UUID `json:"article"`
	SpeakerID uuid.UUID `json:"speaker,omitzero"` // a speaker record, maybe merged into another
	VenueID   uuid.UUID `json:"venue,omitzero"`
	OutletID  uuid.UUID `json:"outlet,omitzero"`
	// The numbers of the speaker, venue and outlet, for the word index.
	SpeakerNum  uint32    `json:"speakerNum,omitempty"`
	VenueNum    uint32    `json:"venueNum,omitempty"`
	OutletNum   uint32    `json:"outletNum,omitempty"`
	Text        string    `json:"text"`
	Kind        string    `json:"kind"`
	Spans       []Span    `json:"spans,omitempty"`
	Cue         string    `json:"cue,omitempty"`
	CueSpan     *Span     `json:"cueSpan,omitempty"`
	CueKind     string    `json:"cueKind,omitempty"` // "" speech, or CueStance
	Mention     string    `json:"mention,omitempty"`
	MentionSpan *Span     `json:"mentionSpan,omitempty"`
	Confidence  float64   `json:"confidence"`
	Published   time.Time `json:"published,omitzero"` // the article's; a quote's: first seen
}

// quoteRec is a statement. Its attribution is that of its first
// occurrence, but for Text, that of its canonical one.
type quoteRec struct {
	ID uuid.UUID `json:"id"`
	attribution
	First    uuid.UUID   `json:"first"` // first occurrence
	Canon    uuid.UUID   `json:"canon"` // occurrence with the canonical text
	Count    int         `json:"count"` // occurrences
	Conflict bool        `json:"conflict,omitempty"`
	Speakers []uuid.UUID `json:"speakers,omitempty"` // the first few distinct speaker records of its printings
}

// occRec is one printing of a quote in one article.
type occRec struct {
	ID      uuid.UUID `json:"id"`
	QuoteID uuid.UUID `json:"quote"`
	attribution
	Match string  `json:"match"`
	Score float64 `json:"score"` // of the match that joined it
}

// speakerRec is one name of a person as articles print it. Records that
// identity resolution merged form a tree: every member but the root has
// Canon (the root) and Parent (the member it was matched with); the root
// lists Members and holds the cluster's display name.
type speakerRec struct {
	ID      uuid.UUID   `json:"id"`
	Num     uint32      `json:"num"`            // small and dense, for the word index; never reused
	Type    string      `json:"type,omitempty"` // "" in records stored before types: a person
	Name    string      `json:"name"`
	Aliases []string    `json:"aliases,omitempty"`
	Titles  []string    `json:"titles,omitempty"`
	Roles   []roleRec   `json:"roles,omitempty"`
	Venues  []string    `json:"venues,omitempty"` // normalized names of its venues
	Co      []string    `json:"co,omitempty"`     // blocking keys of the people quoted beside it
	Canon   uuid.UUID   `json:"canon,omitzero"`
	Parent  uuid.UUID   `json:"parent,omitzero"`
	Link    *linkRec    `json:"link,omitempty"`
	Members []uuid.UUID `json:"members,omitempty"`
	Display string      `json:"display,omitempty"`
	Created time.Time   `json:"created"`
}

type roleRec struct {
	Title string    `json:"title"`
	Org   string    `json:"org,omitempty"`
	From  time.Time `json:"from,omitzero"`
	To    time.Time `json:"to,omitzero"`
}

// linkRec says why a speaker record was merged into its parent.
type linkRec struct {
	Evidence   []Evidence `json:"evidence"`
	Confidence float64    `json:"confidence"`
	By         string     `json:"by"`
	At         time.Time  `json:"at"`
}

// candidateRec is a pair of speaker records offered for review.
type candidateRec struct {
	ID         uuid.UUID  `json:"id"`
	A          uuid.UUID  `json:"a"`
	B          uuid.UUID  `json:"b"`
	Evidence   []Evidence `json:"evidence"`
	Confidence float64    `json:"confidence"`
	Shared     int        `json:"shared,omitempty"` // quotations attributed to both
	Created    time.Time  `json:"created"`
}

// decisionRec is a person's decision on two names.
type decisionRec struct {
	Action string    `json:"action"` // decisionMerge or decisionApart
	At     time.Time `json:"at"`
}

const (
	decisionMerge = "merge"
	decisionApart = "apart"
)

type venueRec struct {
	ID   uuid.UUID `json:"id"`
	Num  uint32    `json:"num"`
	Name string    `json:"name"`
	Kind string    `json:"kind"`
}

type outletRec struct {
	ID   uuid.UUID `json:"id"`
	Num  uint32    `json:"num"`
	Name string    `json:"name"`
}

func encodeRecord(v any) ([]byte, error) {
	switch r := v.(type) {
	case quoteRec:
		return encodeQuote(&r), nil
	case *quoteRec:
		return encodeQuote(r), nil
	case occRec:
		return encodeOcc(&r), nil
	case *occRec:
		return encodeOcc(r), nil
	}
	return encodeJSON(v)
}

// encodeJSON is a record in JSON, as every record was before key layout
// 6 and records other than quotes and occurrences still are.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte(recordVersion)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	b := buf.Bytes()
	return b[:len(b)-1], nil // Encode's newline
}

func decodeRecord(b []byte, v any) error {
	if len(b) > 0 && b[0] == wireVersion {
		var err error
		switch r := v.(type) {
		case *quoteRec:
			err = decodeQuote(b[1:], r)
		case *occRec:
			err = decodeOcc(b[1:], r)
		default:
			err = fmt.Errorf("a binary record read as %T", v)
		}
		if err != nil {
			return fmt.Errorf("decode record: %w", err)
		}
		return nil
	}
	if len(b) == 0 || b[0] != recordVersion {
		return fmt.Errorf("record version %v unknown", b[:min(len(b), 1)])
	}
	if decodeFast(b[1:], v) {
		return nil
	}
	if err := json.Unmarshal(b[1:], v); err != nil {
		return fmt.Errorf("decode record: %w", err)
	}
	return nil
}

func (r articleRec) article(text string) Article {
	a := Article{
		ID: r.ID, Key: r.Key, SourceID: r.SourceID, URL: r.URL, Title: r.Title,
		Outlet: r.Outlet, OutletID: r.OutletID, Published: r.Published,
		Hash: r.Hash, Text: text, Ingested: r.Ingested,
	}
	if c := r.Copy; c != nil {
		a.CopyOf = &CopyLink{Original: c.Original, Copy: r.ID, Score: c.Score, SharedQuotes: c.Shared, TextOverlap: c.Overlap}
	}
	return a
}

// quote is the domain form of r, with the speaker record of its first
// printing; readers set the canonical speaker (canonOf).
func (r quoteRec) quote() Quote {
	return Quote{
		ID: r.ID, ArticleID: r.ArticleID, SpeakerID: r.SpeakerID, VenueID: r.VenueID,
		OutletID: r.OutletID, Text: r.Text, Kind: r.Kind, Spans: r.Spans, Cue: r.Cue, CueSpan: r.CueSpan,
		CueKind: cueKind(r.CueKind), Mention: r.Mention, MentionSpan: r.MentionSpan, Confidence: r.Confidence,
		Published: r.Published, Occurrences: r.Count, Conflict: r.Conflict,
	}
}

// root is the id of the canonical speaker of r's cluster.
func (r speakerRec) root() uuid.UUID {
	if r.Canon != uuid.Nil {
		return r.Canon
	}
	return r.ID
}

// display is the name the cluster rooted at r shows.
func (r speakerRec) display() string {
	if r.Display != "" {
		return r.Display
	}
	return r.Name
}

func (r venueRec) venue() Venue { return Venue{ID: r.ID, Name: r.Name, Kind: r.Kind} }

func (r outletRec) outlet() Outlet { return Outlet{ID: r.ID, Name: r.Name} }

// names are the speaker's name and aliases, the strings it is matched by.
func (r speakerRec) names() []string { return append([]string{r.Name}, r.Aliases...) }

// lookups are the distinct normalized names and aliases of a speaker.
func (r speakerRec) lookups() []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range r.names() {
		if k := fold.String(n); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// tokens are the distinct words of the speaker's name and aliases.
func (r speakerRec) tokens() []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range r.names() {
		for _, t := range fold.Tokens(n) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

func uint64Bytes(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

func parseUint64(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("counter of %d bytes", len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}
