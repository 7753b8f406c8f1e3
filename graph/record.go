package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// recordVersion leads every record value; doc.go describes the encoding.
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
}

type quoteRec struct {
	ID        uuid.UUID `json:"id"`
	ArticleID uuid.UUID `json:"article"`
	SpeakerID uuid.UUID `json:"speaker,omitzero"`
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
	Mention     string    `json:"mention,omitempty"`
	MentionSpan *Span     `json:"mentionSpan,omitempty"`
	Confidence  float64   `json:"confidence"`
	Published   time.Time `json:"published,omitzero"`
}

type speakerRec struct {
	ID      uuid.UUID `json:"id"`
	Num     uint32    `json:"num"` // small and dense, for the word index; never reused
	Name    string    `json:"name"`
	Aliases []string  `json:"aliases,omitempty"`
	Titles  []string  `json:"titles,omitempty"`
}

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
	if len(b) == 0 || b[0] != recordVersion {
		return fmt.Errorf("record version %v unknown", b[:min(len(b), 1)])
	}
	if err := json.Unmarshal(b[1:], v); err != nil {
		return fmt.Errorf("decode record: %w", err)
	}
	return nil
}

func (r articleRec) article(text string) Article {
	return Article{
		ID: r.ID, Key: r.Key, SourceID: r.SourceID, URL: r.URL, Title: r.Title,
		Outlet: r.Outlet, OutletID: r.OutletID, Published: r.Published,
		Hash: r.Hash, Text: text, Ingested: r.Ingested,
	}
}

func (r quoteRec) quote() Quote {
	return Quote{
		ID: r.ID, ArticleID: r.ArticleID, SpeakerID: r.SpeakerID, VenueID: r.VenueID,
		OutletID: r.OutletID, Text: r.Text, Kind: r.Kind, Spans: r.Spans, Cue: r.Cue, CueSpan: r.CueSpan,
		Mention: r.Mention, MentionSpan: r.MentionSpan, Confidence: r.Confidence,
		Published: r.Published,
	}
}

func (r speakerRec) speaker() Speaker {
	return Speaker{ID: r.ID, Name: r.Name, Aliases: r.Aliases, Titles: r.Titles}
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
		if k := normalize(n); k != "" && !seen[k] {
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
		for _, t := range tokens(n) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}
