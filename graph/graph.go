package graph

import (
	"errors"
	"time"

	"github.com/google/uuid"
)

// Sentinel errors. Callers test them with errors.Is; the store wraps them
// with what it was doing.
var (
	// ErrNotFound means no record has the requested id or name.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means an argument or record failed validation.
	ErrInvalid = errors.New("invalid input")
	// ErrBadCursor means a pagination cursor was not one the store issued.
	ErrBadCursor = errors.New("bad cursor")
	// ErrClosed means the store was used after Close.
	ErrClosed = errors.New("store closed")
	// ErrInconsistent means Check found an index entry without a record or
	// a record without its index entries.
	ErrInconsistent = errors.New("store inconsistent")
)

// Quote kinds.
const (
	KindDirect   = "direct"   // a whole quoted statement
	KindPartial  = "partial"  // a few quoted words inside reported speech
	KindIndirect = "indirect" // reported speech without quotation marks
)

// Venue kinds.
const (
	VenueBroadcast = "broadcast"
	VenuePrint     = "print"
	VenueOnline    = "online"
	VenueSocial    = "social"
	VenueEvent     = "event"
	VenueInterview = "interview"
	VenueStatement = "statement"
	VenueAudience  = "audience"
	VenueOther     = "other"
)

// Span is a half-open range [Start, End) of Unicode code points into an
// article's text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Speaker is a person who is quoted.
type Speaker struct {
	ID      uuid.UUID
	Name    string   // the fullest name seen
	Aliases []string // other names the speaker was printed under
	Titles  []string // titles and roles ("Kremlin spokesman")
}

// Venue is where a quotation was said: a medium, an event, a channel, an
// interview or an audience.
type Venue struct {
	ID   uuid.UUID
	Name string
	Kind string // one of the Venue* constants
}

// Outlet is a publisher of articles.
type Outlet struct {
	ID   uuid.UUID
	Name string
}

// Article is one news article as ingested.
type Article struct {
	ID        uuid.UUID
	Key       string    // the identity used to recognise a re-ingest: URL, else external id, else content hash
	SourceID  string    // the id the article had in its source, if any
	URL       string    //
	Title     string    //
	Outlet    string    // outlet name; "" when unknown
	OutletID  uuid.UUID // uuid.Nil when Outlet is ""
	Published time.Time // zero when unknown; UTC
	Hash      string    // hex SHA-256 of Text
	Text      string    // the article text that spans point into
	Ingested  time.Time // when it was first stored
}

// Quote is a quotation as printed in one article.
type Quote struct {
	ID          uuid.UUID
	ArticleID   uuid.UUID
	SpeakerID   uuid.UUID // uuid.Nil when the speaker is unknown
	VenueID     uuid.UUID // uuid.Nil when the venue is unknown
	OutletID    uuid.UUID // the article's outlet, copied for the outlet index; uuid.Nil when unknown
	Text        string
	Kind        string // one of the Kind* constants
	Spans       []Span
	Cue         string
	CueSpan     *Span
	Mention     string // the speaker as the text names it ("he", "Peskov")
	MentionSpan *Span
	Confidence  float64
	Published   time.Time // the article's date, copied for the date index
}

// SpeakerRef names the speaker of a quote being stored. Speakers are
// matched on their normalized full name; a new one is created otherwise.
type SpeakerRef struct {
	Name   string
	Titles []string
}

// VenueRef names the venue of a quote being stored; venues are matched on
// normalized name and kind.
type VenueRef struct {
	Name string
	Kind string
}

// QuoteInput is one quotation to store with its article.
type QuoteInput struct {
	Text        string
	Kind        string
	Spans       []Span
	Cue         string
	CueSpan     *Span
	Mention     string
	MentionSpan *Span
	Confidence  float64
	Speaker     *SpeakerRef // nil when unknown
	Venue       *VenueRef   // nil when unknown
}

// ArticleInput is an article and its quotations, written in one transaction.
type ArticleInput struct {
	SourceID  string
	URL       string
	Title     string
	Outlet    string
	Published time.Time
	Text      string
	Quotes    []QuoteInput
}

// PutResult tells what PutArticle did.
type PutResult struct {
	Article     Article
	Unchanged   bool // the same content was already stored; nothing was written
	Replaced    bool // an article with the same key but other content was replaced
	Quotes      int  // quotes stored for the article
	NewSpeakers int  // speakers created by this write
	NewVenues   int  // venues created by this write
}

// Page asks for First items after the opaque cursor After ("" = from the
// start). First <= 0 means the store's default page size.
type Page struct {
	First int
	After string
	// SkipTotal spares Quotes counting every match when the caller has no
	// use for PageInfo.TotalCount, which is then -1.
	SkipTotal bool
}

// PageInfo describes a page of results for Relay connections.
type PageInfo struct {
	HasNextPage bool
	EndCursor   string
	TotalCount  int
}

// QuoteFilter selects quotations. Empty fields do not filter; several
// speaker, venue or outlet ids, or kinds, mean any of them. From and To
// bound the article's published date (inclusive day bounds are the
// caller's business); a non-zero bound excludes quotes whose article has
// no date.
type QuoteFilter struct {
	SpeakerIDs    []uuid.UUID
	VenueIDs      []uuid.UUID
	OutletIDs     []uuid.UUID
	ArticleID     uuid.UUID
	Kinds         []string // of the Kind* constants
	MinConfidence float64  // compared at four decimals
	Search        string   // a full-text search; see ParseSearch
	From, To      time.Time
	// Order is not a filter but the order of the results.
	Order QuoteOrder
}

// QuoteOrder is an order of Quotes.
type QuoteOrder int

// Orders of Quotes.
const (
	// OrderDate is by the article's published date, oldest first (undated
	// quotes before), then by id, which is text order in an article.
	OrderDate QuoteOrder = iota
	// OrderNewest is OrderDate reversed: newest first, undated last.
	OrderNewest
	// OrderRelevance is by BM25 score of the search, best first, then as
	// OrderDate. It needs a search.
	OrderRelevance
)

// Counts is the number of records of each type.
type Counts struct {
	Articles, Quotes, Speakers, Venues, Outlets int
}
