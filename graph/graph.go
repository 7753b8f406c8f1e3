package graph

import (
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/identity"
	"github.com/graphd/graphd/graph/similar"
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
	// ErrOldLayout means a store opened read-only has an earlier key
	// layout; opening it for writing once upgrades it.
	ErrOldLayout = errors.New("store of an earlier key layout")
	// ErrRecover means a read-only open of a store that was not closed
	// cleanly (a crash, a kill): opening it for writing once recovers it.
	ErrRecover = errors.New("the store was not closed cleanly: open it for writing once to recover it")
	// ErrNoSpace means a write was refused because the disk holding the
	// store has less free space than the store needs to write safely (see
	// SpaceError).
	ErrNoSpace = errors.New("no space left on device")
)

// Quote kinds.
const (
	KindDirect   = "direct"   // a whole quoted statement
	KindPartial  = "partial"  // a few quoted words inside reported speech
	KindIndirect = "indirect" // reported speech without quotation marks
)

// Cue kinds: whether a quotation reports words said or written ("said",
// "told", "according to") or a stance, a belief or an intention
// ("supports", "plans to", "in his view"). Attribution corpora count both
// as attributions; a quote graph keeps them apart so that "X supports Y"
// is not counted as something X said. A quotation stored before cue kinds
// were kept is speech.
const (
	CueSpeech = "speech"
	CueStance = "stance"
)

// CueKinds are the cue kinds, in the order they are listed.
var CueKinds = []string{CueSpeech, CueStance}

// cueKind is the cue kind of a stored record: "" (speech, and every record
// stored before cue kinds) or CueStance.
func cueKind(stored string) string {
	if stored == CueStance {
		return CueStance
	}
	return CueSpeech
}

// storedCueKind is how a cue kind is stored: speech as "", so that a
// record of speech is what it was before cue kinds were kept.
func storedCueKind(k string) string {
	if k == CueStance {
		return CueStance
	}
	return ""
}

// Speaker types: what kind of entity is quoted. A country or a city that
// speaks ("Russia said") is its government, an organization; a document
// (a poll, a report, an ad) speaks for whoever published it.
const (
	SpeakerPerson       = "person"
	SpeakerOrganization = "organization"
	SpeakerGroup        = "group" // several people or organisations speaking together
	SpeakerPlace        = "place"
	SpeakerDocument     = "document"
	SpeakerGeneric      = "generic" // no one in particular: "experts", "a source"
)

// SpeakerTypes are the speaker types, in the order they are listed.
var SpeakerTypes = []string{SpeakerPerson, SpeakerOrganization, SpeakerGroup, SpeakerPlace, SpeakerDocument, SpeakerGeneric}

// validSpeakerType reports whether t is one of SpeakerTypes.
func validSpeakerType(t string) bool { return slices.Contains(SpeakerTypes, t) }

// speakerType is the type of a stored speaker record: a record stored
// before speakers had types is a person, as graphd then took every
// speaker for one.
func speakerType(t string) string {
	if t == "" {
		return SpeakerPerson
	}
	return t
}

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
	VenuePlace     = "place" // where it was said, when no event or medium is named
	VenueOther     = "other"
)

// Span is a half-open range [Start, End) of Unicode code points into an
// article's text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Speaker is a person who is quoted: one identity across articles, which
// may have been printed under several names. Names that identity
// resolution merged are the speaker's aliases; Merges says why.
type Speaker struct {
	ID      uuid.UUID
	Type    string   // one of the Speaker* types
	Name    string   // the fullest name seen
	Aliases []string // other names the speaker was printed under
	Titles  []string // titles and roles ("Kremlin spokesman")
	Roles   []Role   // titles with the dates of the articles that gave them
	Merges  []Merge  // the names merged into this speaker, with their evidence
}

// Role is a title a speaker held when quoted, between the dates of the
// first and last articles that gave it (zero when no article was dated).
type Role struct {
	Title        string // "Foreign Minister"
	Organization string // "Spain", "Kremlin"; "" when the title names none
	From, To     time.Time
}

// Evidence is one reason for or against taking two names for one person.
// Its kinds are the Evidence* constants.
type Evidence = identity.Evidence

// Evidence kinds.
const (
	EvidenceSurname     = identity.EvidenceSurname     // the same or a variant surname
	EvidenceGiven       = identity.EvidenceGiven       // the same or a variant given name, or an initial
	EvidenceTitle       = identity.EvidenceTitle       // the same or a conflicting title
	EvidenceVenue       = identity.EvidenceVenue       // quoted at the same venues
	EvidenceCoNames     = identity.EvidenceCoNames     // named in articles with the same people
	EvidenceQuote       = identity.EvidenceQuote       // the same quotation attributed to both
	EvidenceDecision    = identity.EvidenceDecision    // a person decided
	EvidenceSurnameOnly = identity.EvidenceSurnameOnly // one side is a surname alone, and only one person fits
)

// Merge is one name merged into a speaker: the speaker record Member
// joined Into, why and how sure. By is "auto" or "person".
type Merge struct {
	Member     uuid.UUID // the merged speaker record, the id UndoMerge takes
	Name       string    // its name
	Into       uuid.UUID // the speaker record it was matched with
	IntoName   string
	Evidence   []Evidence
	Confidence float64
	By         string
	At         time.Time
}

// Who made a merge or a decision.
const (
	ByAuto   = "auto"
	ByPerson = "person"
)

// Candidate is a pair of speakers that may be one person, offered for
// review because the evidence was not enough to merge them on its own.
type Candidate struct {
	ID         uuid.UUID
	A, B       uuid.UUID // the canonical speakers now holding the two names
	NameA      string    // the names that were compared
	NameB      string
	Evidence   []Evidence
	Confidence float64
	Created    time.Time
}

// SpeakerRecord is one name of a person as the store keeps it: what a
// Speaker is made of, and what restoring an export needs to rebuild who
// was merged with whom. A record merged into another names the canonical
// record of its cluster and the record it was matched with, with the
// evidence; a canonical record lists its members in the order they were
// merged.
type SpeakerRecord struct {
	ID      uuid.UUID
	Type    string // one of the Speaker* types; "" is a person
	Name    string
	Aliases []string
	Titles  []string
	Roles   []Role // as this name held them, with the dates of the articles that gave them
	// Venues and QuotedWith are what identity resolution compares the
	// name on: the normalized names of the venues it was quoted at, and
	// the surname keys of the people quoted beside it.
	Venues     []string
	QuotedWith []string
	Created    time.Time
	Canonical  uuid.UUID  // the canonical record of its cluster; uuid.Nil for a canonical record
	Parent     uuid.UUID  // the record it was matched with when merged
	Merge      *MergeLink // why it was merged; nil for a canonical record
	Members    []uuid.UUID
	Display    string // the name a cluster shows, when not the canonical record's own
}

// MergeLink says why a speaker record was merged into its parent.
type MergeLink struct {
	Evidence   []Evidence
	Confidence float64
	By         string // ByAuto or ByPerson
	At         time.Time
}

// CandidateRecord is a review candidate as the store keeps it: the two
// speaker records that were compared, whatever they were merged into since.
type CandidateRecord struct {
	ID         uuid.UUID
	A, B       uuid.UUID
	Evidence   []Evidence
	Confidence float64
	Shared     int // quotations attributed to both
	Created    time.Time
}

// Decision is a person's decision on two normalized names: DecisionMerge
// (one person) or DecisionApart (two). Later ingests and Reindex honour it.
type Decision struct {
	Names  [2]string
	Action string
	At     time.Time
}

// Decisions.
const (
	DecisionMerge = decisionMerge
	DecisionApart = decisionApart
)

// Occurrence is one printing of a quotation in one article: the text as
// printed there, who the article says said it, where, and how far it is
// from the quotation's canonical text.
type Occurrence struct {
	ID        uuid.UUID
	QuoteID   uuid.UUID
	ArticleID uuid.UUID
	SpeakerID uuid.UUID // the canonical speaker; uuid.Nil when unknown
	Speaker   string    // the speaker's name as this article gave it
	// SpeakerRecord is the speaker record of that name, which SpeakerID
	// is the canonical speaker of (the same id when it was never merged).
	SpeakerRecord uuid.UUID
	VenueID       uuid.UUID
	Text          string
	Kind          string
	Spans         []Span
	Cue           string
	CueSpan       *Span
	CueKind       string // CueSpeech or CueStance
	Mention       string
	MentionSpan   *Span
	Confidence    float64
	Published     time.Time // the article's date
	Match         string    // how it joined the quote: first, exact, contained, paraphrase
	Score         float64   // of that match, when it joined, in [0, 1]
	Similarity    float64   // to the canonical text, in [0, 1]
	Fidelity      float64   // share of its words that are the canonical words in order, in [0, 1]
	Diff          []DiffOp  // word by word, from the canonical text to this text
	Misquote      []string  // why a change may alter the meaning; empty when none
}

// DiffOp is a run of words of a word-level diff: Equal in both texts,
// Delete only in the canonical text, Insert only in the occurrence.
type DiffOp = similar.DiffOp

// Diff operations.
const (
	DiffEqual  = similar.DiffEqual
	DiffDelete = similar.DiffDelete
	DiffInsert = similar.DiffInsert
)

// Conflict is a quotation attributed to different people by different
// articles: each side is a speaker with the occurrences that name them.
type Conflict struct {
	QuoteID uuid.UUID
	Sides   []ConflictSide
}

// ConflictSide is one attribution of a conflicting quotation.
type ConflictSide struct {
	SpeakerID   uuid.UUID
	Name        string
	Occurrences []uuid.UUID
	Articles    []uuid.UUID
}

// CopyLink says that an article is a copy or rewrite of another, and why.
type CopyLink struct {
	Original     uuid.UUID
	Copy         uuid.UUID
	Score        float64 // in [0, 1]
	SharedQuotes int     // quotations both print
	TextOverlap  float64 // estimated Jaccard of their word 3-gram shingles
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
	CopyOf    *CopyLink // the article this one copies or rewrites; nil when none found
}

// Quote is one statement, printed in one or more articles (its
// occurrences). Text is the canonical text: the longest printing that
// contains or is contained in the first one. The other fields but Text,
// Occurrences and Conflict are those of the first printing: ArticleID is
// the earliest article that printed it (undated articles count as later
// than dated ones) and Published its date, the quote's first sighting.
type Quote struct {
	ID          uuid.UUID
	ArticleID   uuid.UUID
	SpeakerID   uuid.UUID // the canonical speaker; uuid.Nil when the speaker is unknown
	VenueID     uuid.UUID // uuid.Nil when the venue is unknown
	OutletID    uuid.UUID // the article's outlet, copied for the outlet index; uuid.Nil when unknown
	Text        string
	Kind        string // one of the Kind* constants
	Spans       []Span
	Cue         string
	CueSpan     *Span
	CueKind     string // CueSpeech or CueStance
	Mention     string // the speaker as the text names it ("he", "Peskov")
	MentionSpan *Span
	Confidence  float64
	Published   time.Time // first seen: the date of ArticleID; zero when no printing is dated
	Occurrences int       // articles that printed it
	Conflict    bool      // articles disagree on who said it
}

// SpeakerRef names the speaker of a quote being stored. Speakers are
// matched on their normalized full name; a new one is created otherwise,
// of type Type ("" is a person). A name stored with no type takes the
// type of the first reference that gives one.
type SpeakerRef struct {
	Name   string
	Titles []string
	Type   string
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
	CueKind     string // CueSpeech or CueStance; "" is speech
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
	NewQuotes   int  // quotations no article printed before
	Merges      int  // speakers merged by identity resolution
	Candidates  int  // pairs of speakers offered for review
}

// Page asks for a page of a list: the First items after the opaque
// cursor After ("" = from the start), or, paging backwards, the Last
// items before the cursor Before ("" = from the end). Either way the
// items come in the list's order. First or Last <= 0 means the store's
// default page size; a page with Last or Before set runs backwards. A
// page may not ask for both directions: ErrInvalid.
type Page struct {
	First int
	After string
	// Last and Before page backwards from the end of the list or the
	// item of the cursor Before, by reverse iteration of the index.
	Last   int
	Before string
	// SkipTotal spares Quotes counting every match when the caller has no
	// use for PageInfo.TotalCount, which is then -1.
	SkipTotal bool
}

// PageInfo describes a page of results for Relay connections. Every
// item of the page has a cursor, in Cursors: passed as After it pages
// on from that item, as Before back from it.
type PageInfo struct {
	// HasNextPage: there are items after the page. A backward page says
	// so only when it ends before a cursor.
	HasNextPage bool
	// HasPreviousPage: there are items before a backward page. A forward
	// page says so only when it starts after a cursor.
	HasPreviousPage bool
	StartCursor     string // the first item's cursor; "" for an empty page
	EndCursor       string // the last item's cursor; "" for an empty page
	Cursors         []string
	TotalCount      int
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

	// SpeakerTypes selects quotes whose speaker is of one of these types
	// (of SpeakerTypes); a quote with no speaker is SpeakerGeneric.
	SpeakerTypes []string
	// CueKinds selects quotes whose first printing's cue is of one of
	// these kinds (of CueKinds).
	CueKinds []string
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

// Counts is the number of records of each type, in the words the README
// defines: Quotes are statements (one thing said, however often printed),
// Occurrences their printings (one per article that printed it); Speakers
// are people (a cluster of names merged into one) and Names the speaker
// records (every name an article gave a speaker, merged or not).
type Counts struct {
	Articles, Quotes, Occurrences, Speakers, Names, Venues, Outlets int
}
