// Package key lays out the keys of graphd's store in Badger, as dgraph's
// x/keys.go does for dgraph: every key starts with one byte, its Kind,
// followed by the parts listed below. Each kind has one constructor here
// and Parse reads every kind back; the graph package builds and reads its
// keys only through this package. The layout is pinned by golden tests
// (graph/testdata/golden): a change of any byte is a new key layout
// version, with an upgrade of older stores in graph.
//
// Ids are the 16 bytes of a UUIDv7, so records of a kind sort in creation
// order. A date is 8 bytes big-endian: 0 when unknown, otherwise Unix
// milliseconds with the sign bit flipped, so dates sort as unsigned bytes
// and unknown dates first (Date). Names, words and other strings in keys
// are normalized and never hold Sep (0x00), which ends them inside a key.
// A quote index key ends with a suffix of 24 bytes, the date of the
// quote's first sighting and the quote id (Suffix).
//
//	kind  parts                              constructor
//	0x00  "version" | "loading"              Version, Loading
//	0x01  <article id>                       Record(KindArticle, id)
//	0x02  <quote id>                         Record(KindQuote, id)
//	0x03  <speaker id>                       Record(KindSpeaker, id)
//	0x04  <venue id>                         Record(KindVenue, id)
//	0x05  <outlet id>                        Record(KindOutlet, id)
//	0x06  <article id> <chunk, uint32>       Text
//	0x07  <occurrence id>                    Record(KindOccurrence, id)
//	0x08  <counter name>                     Counter
//	0x10  <article id> <date> <quote id>     QuoteIndex(KindQuoteByArticle, …)
//	0x11  <speaker id> <date> <quote id>     QuoteIndex(KindQuoteBySpeaker, …)
//	0x12  <venue id> <date> <quote id>       QuoteIndex(KindQuoteByVenue, …)
//	0x13  <date> <quote id>                  QuoteIndex(KindQuoteByDate, nil, …)
//	0x14  <word> 0x00 <date> <quote id>      WordBlock (layout 5, read by upgrades only)
//	0x15  <stem> 0x00 <word>                 Term (layout 5, read by upgrades only)
//	0x16  <outlet id> <date> <quote id>      QuoteIndex(KindQuoteByOutlet, …)
//	0x17  <word> 0x00 <date> <quote id>      FreshPosting (layout 5, read by upgrades only)
//	0x18  <quote id> <occurrence id>         Pair(KindOccurrenceByQuote, …)
//	0x19  <article id> <occurrence id>       Pair(KindOccurrenceByArticle, …): layout 5 only
//	0x1a  <match key>                        Match
//	0x1b  <quote id>                         Record(KindConflict, id)
//	0x20  <name> 0x00 <speaker id>           Name(KindSpeakerByName, …)
//	0x21  <name or alias>                    Lookup(KindSpeakerLookup, …)
//	0x22  <token> 0x00 <speaker id>          Name(KindSpeakerByToken, …)
//	0x23  <block key> 0x00 <speaker id>      Name(KindSpeakerByBlock, …)
//	0x24  <speaker id> <role, 1 byte>        RoleSeen
//	0x25  <speaker id>                       Record(KindSpeakerMember, id)
//	0x30  <name> 0x00 <venue id>             Name(KindVenueByName, …)
//	0x31  <name> 0x00 <venue kind>           VenueLookup
//	0x32  <token> 0x00 <venue id>            Name(KindVenueByToken, …)
//	0x40  <name>                             Lookup(KindOutletByName, …)
//	0x50  <article key>                      Lookup(KindArticleByKey, …)
//	0x51  <^date> <article id>               ArticleByDate
//	0x52  <original id> <copy id>            Pair(KindArticleCopy, …)
//	0x60  <speaker id> <venue id>            Pair(KindSpeakerVenue, …)
//	0x70  <dim> <level> <period> <value>     Rollup
//	0x71  <dim> <value> <day>                Timeline (a kind value ends with 0x00)
//	0x7a  <candidate id>                     Record(KindCandidate, id)
//	0x7b  <speaker id> <speaker id>          Pair(KindCandidatePair, …), lower id first
//	0x7c  <name> 0x00 <name>                 Decision
//	0x80                                     Segments: the search index's directory
//	0x81  <segment> <word> 0x00 <date> <quote id>
//	                                         SegmentBlock: a block of a segment's postings,
//	                                         named by its last
//	0x82  <segment> <word>                   SegmentTerms: a block of a segment's term
//	                                         dictionary, named by its last word
//	0x83  <segment> <write>                  SegmentDeletes: postings of the segment that
//	                                         a later write deleted
//
// A segment number (<segment>, <write>) is 8 bytes big-endian.
//
// graph's package documentation tells what each key means and what its
// value holds.
package key

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Kind is the first byte of a key: what kind of key it is.
type Kind byte

// The kinds of keys.
const (
	KindMeta       Kind = 0x00
	KindArticle    Kind = 0x01
	KindQuote      Kind = 0x02
	KindSpeaker    Kind = 0x03
	KindVenue      Kind = 0x04
	KindOutlet     Kind = 0x05
	KindText       Kind = 0x06
	KindOccurrence Kind = 0x07
	KindCounter    Kind = 0x08

	KindQuoteByArticle Kind = 0x10
	KindQuoteBySpeaker Kind = 0x11
	KindQuoteByVenue   Kind = 0x12
	KindQuoteByDate    Kind = 0x13
	KindWordBlock      Kind = 0x14
	KindTerm           Kind = 0x15
	KindQuoteByOutlet  Kind = 0x16
	KindFreshPosting   Kind = 0x17

	KindOccurrenceByQuote   Kind = 0x18
	KindOccurrenceByArticle Kind = 0x19 // layout 5 only; the upgrade to 6 drops it
	KindMatch               Kind = 0x1a
	KindConflict            Kind = 0x1b

	KindSpeakerByName  Kind = 0x20
	KindSpeakerLookup  Kind = 0x21
	KindSpeakerByToken Kind = 0x22
	KindSpeakerByBlock Kind = 0x23
	KindRoleSeen       Kind = 0x24
	KindSpeakerMember  Kind = 0x25

	KindVenueByName  Kind = 0x30
	KindVenueLookup  Kind = 0x31
	KindVenueByToken Kind = 0x32

	KindOutletByName Kind = 0x40

	KindArticleByKey  Kind = 0x50
	KindArticleByDate Kind = 0x51
	KindArticleCopy   Kind = 0x52

	KindSpeakerVenue Kind = 0x60

	KindRollup   Kind = 0x70
	KindTimeline Kind = 0x71

	KindCandidate     Kind = 0x7a
	KindCandidatePair Kind = 0x7b
	KindDecision      Kind = 0x7c

	KindSegments       Kind = 0x80
	KindSegmentBlock   Kind = 0x81
	KindSegmentTerms   Kind = 0x82
	KindSegmentDeletes Kind = 0x83
)

// Sizes of the fixed parts of keys.
const (
	IDLen     = 16
	DateLen   = 8
	SuffixLen = DateLen + IDLen // the date and quote id ending every quote index key
	// Sep ends a name, word or other string inside a key; normalized
	// strings never hold it.
	Sep = 0x00
)

// Counter names, under KindCounter.
const (
	CounterArticles = "articles"
	CounterQuotes   = "quotes"
	CounterOccurs   = "occurrences"
	CounterSpeakers = "speakers" // canonical speakers
	CounterVenues   = "venues"
	CounterOutlets  = "outlets"
	CounterWords    = "words" // words in all quote texts, for the mean length ranking needs
	// The last numbers handed out to speakers, venues and outlets; never
	// reused.
	LastSpeakerNum = "speaker#"
	LastVenueNum   = "venue#"
	LastOutletNum  = "outlet#"
)

// Dimensions of the dashboard counts (Rollup, Timeline): their values are
// a speaker, venue or outlet id, a quote kind, or none for DimAll.
const (
	DimSpeaker byte = 's'
	DimVenue   byte = 'v'
	DimOutlet  byte = 'o'
	DimKind    byte = 'k'
	DimAll     byte = 'q' // every quote; timelines only
)

// Rollup levels, coarsest first: all time (period 0, undated quotes
// included), a year, a month (year×12+month−1), a day since 1970-01-01 UTC.
const (
	LevelAll   byte = 'a'
	LevelYear  byte = 'y'
	LevelMonth byte = 'm'
	LevelDay   byte = 'd'
)

// Prefix is the one-byte prefix of every key of kind k.
func (k Kind) Prefix() []byte { return []byte{byte(k)} }

// build concatenates a kind byte and parts into a fresh slice.
func build(k Kind, parts ...[]byte) []byte {
	n := 1
	for _, x := range parts {
		n += len(x)
	}
	b := make([]byte, 0, n)
	b = append(b, byte(k))
	for _, x := range parts {
		b = append(b, x...)
	}
	return b
}

// Version is the key of the store's key layout version.
func Version() []byte { return []byte{byte(KindMeta), 'v', 'e', 'r', 's', 'i', 'o', 'n'} }

// Loading is the key that marks a store a bulk load has not finished.
func Loading() []byte { return []byte{byte(KindMeta), 'l', 'o', 'a', 'd', 'i', 'n', 'g'} }

// Reindexing is the key that marks a store a reindex has not finished.
func Reindexing() []byte { return append([]byte{byte(KindMeta)}, "reindexing"...) }

// Record is the key <k><id> of a record, a conflict or a merged speaker.
func Record(k Kind, id uuid.UUID) []byte { return build(k, id[:]) }

// Text is the key of chunk n of an article's text.
func Text(id uuid.UUID, chunk int) []byte {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(chunk))
	return build(KindText, id[:], n[:])
}

// Counter is the key of the counter name.
func Counter(name string) []byte { return build(KindCounter, []byte(name)) }

// Date orders dates as unsigned big-endian bytes: the zero time (no date)
// is 0 and sorts first; other times are Unix milliseconds with the sign
// bit flipped.
func Date(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UnixMilli()) ^ (1 << 63)
}

// Time is the time of a date Date gave, in UTC; zero for 0.
func Time(d uint64) time.Time {
	if d == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(d ^ (1 << 63))).UTC()
}

// DateBytes is d as 8 bytes big-endian.
func DateBytes(d uint64) []byte {
	var b [DateLen]byte
	binary.BigEndian.PutUint64(b[:], d)
	return b[:]
}

// Suffix is the 24 bytes that end every quote index key and name every
// word posting: the date of the quote's first sighting and its id.
func Suffix(published time.Time, id uuid.UUID) []byte {
	return append(DateBytes(Date(published)), id[:]...)
}

// SuffixQuote is the quote id of a suffix.
func SuffixQuote(sfx []byte) uuid.UUID { return uuid.UUID(sfx[DateLen:SuffixLen]) }

// FinalSuffix names the final block of a word's postings.
var FinalSuffix = func() (s [SuffixLen]byte) {
	for i := range s {
		s[i] = 0xff
	}
	return s
}()

// QuoteIndex is <k><selector><date><quote id>, a key of the quote index
// k: the selector is the article, speaker, venue or outlet id, nil for
// KindQuoteByDate.
func QuoteIndex(k Kind, selector []byte, published time.Time, id uuid.UUID) []byte {
	return build(k, selector, Suffix(published, id))
}

// Word is <k><word><0x00>, the prefix of a word's blocks (KindWordBlock)
// or fresh postings (KindFreshPosting).
func Word(k Kind, word string) []byte { return build(k, []byte(word), []byte{Sep}) }

// WordBlock is the key of the block of word's postings whose last posting
// has the suffix last (FinalSuffix for the word's final block).
func WordBlock(word string, last [SuffixLen]byte) []byte {
	return build(KindWordBlock, []byte(word), []byte{Sep}, last[:])
}

// FreshPosting is the key of one posting of word, not yet in a block.
func FreshPosting(word string, sfx [SuffixLen]byte) []byte {
	return build(KindFreshPosting, []byte(word), []byte{Sep}, sfx[:])
}

// Term is the key of word in the term dictionary, under its stem.
func Term(stem, word string) []byte { return build(KindTerm, []byte(stem), []byte{Sep}, []byte(word)) }

// TermPrefix is the prefix of the words of stem in the term dictionary.
func TermPrefix(stem string) []byte { return build(KindTerm, []byte(stem), []byte{Sep}) }

// Segments is the key of the search index's directory of segments.
func Segments() []byte { return []byte{byte(KindSegments)} }

// SegLen is the size of a segment number in a key.
const SegLen = 8

// Segment is <k><segment>, the prefix of every key of kind k (one of
// KindSegmentBlock, KindSegmentTerms, KindSegmentDeletes) of segment seg.
func Segment(k Kind, seg uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{byte(k)}, seg)
}

// SegmentWord is <0x81><segment><word>, the start of the blocks of
// segment seg that hold word's postings: the first block at or after it
// holds word's first posting, if the segment has any.
func SegmentWord(seg uint64, word string) []byte {
	return append(Segment(KindSegmentBlock, seg), word...)
}

// SegmentBlock is the key of the block of segment seg whose last posting
// is word's posting of the quote with suffix last.
func SegmentBlock(seg uint64, word string, last []byte) []byte {
	return build(KindSegmentBlock, binary.BigEndian.AppendUint64(nil, seg), []byte(word), []byte{Sep}, last)
}

// SegmentTerms is the key of the block of segment seg's term dictionary
// whose last word is word.
func SegmentTerms(seg uint64, word string) []byte {
	return append(Segment(KindSegmentTerms, seg), word...)
}

// SegmentDeletes is the key of the postings of segment seg that write, a
// later write, deleted.
func SegmentDeletes(seg, write uint64) []byte {
	return binary.BigEndian.AppendUint64(Segment(KindSegmentDeletes, seg), write)
}

// Pair is <k><a><b>, a key of two ids: an occurrence under its quote or
// article, a copy under its original article, a speaker record's edge to
// a venue, or a candidate pair (lower id first; see Ordered).
func Pair(k Kind, a, b uuid.UUID) []byte { return build(k, a[:], b[:]) }

// Ordered returns a and b lower first, as a candidate pair keys them.
func Ordered(a, b uuid.UUID) (uuid.UUID, uuid.UUID) {
	if bytes.Compare(a[:], b[:]) > 0 {
		return b, a
	}
	return a, b
}

// Match is the key of a match key of the occurrence index.
func Match(k string) []byte { return build(KindMatch, []byte(k)) }

// Name is <k><name><0x00><id>, a key of the name-ordered indexes of
// speakers and venues and of their words and block keys.
func Name(k Kind, name string, id uuid.UUID) []byte {
	return build(k, []byte(name), []byte{Sep}, id[:])
}

// NamePrefix is <k><prefix>, the start of the Name keys whose names begin
// with prefix.
func NamePrefix(k Kind, prefix string) []byte { return build(k, []byte(prefix)) }

// Lookup is <k><s>, a key that finds a speaker by a normalized name
// (KindSpeakerLookup), an outlet by its normalized name (KindOutletByName)
// or an article by its key (KindArticleByKey).
func Lookup(k Kind, s string) []byte { return build(k, []byte(s)) }

// VenueLookup is the key that finds a venue by normalized name and kind.
func VenueLookup(name, kind string) []byte {
	return build(KindVenueLookup, []byte(name), []byte{Sep}, []byte(kind))
}

// ArticleByDate orders articles newest published first: the date is
// inverted, so articles without a date come last.
func ArticleByDate(published time.Time, id uuid.UUID) []byte {
	return build(KindArticleByDate, DateBytes(^Date(published)), id[:])
}

// RoleSeen is the key of the last date role i of speaker record id was
// held.
func RoleSeen(id uuid.UUID, i int) []byte { return build(KindRoleSeen, id[:], []byte{byte(i)}) }

// Period is a period number (a year, month or day) as 4 bytes big-endian
// with the sign bit flipped, so that periods sort as unsigned bytes.
func Period(n int) []byte {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(int32(n))^(1<<31))
	return b[:]
}

// ParsePeriod reads a period Period wrote.
func ParsePeriod(b []byte) int { return int(int32(binary.BigEndian.Uint32(b) ^ (1 << 31))) }

// Rollup is the key of the count of quotes of value in the dimension dim,
// over the period of level.
func Rollup(dim, level byte, period int, value []byte) []byte {
	return build(KindRollup, []byte{dim, level}, Period(period), value)
}

// RollupPrefix is the start of the rollups of dim at level.
func RollupPrefix(dim, level byte) []byte { return []byte{byte(KindRollup), dim, level} }

// TimelineSelector is the start of the timeline of value in dim: a kind
// ends with 0x00.
func TimelineSelector(dim byte, value []byte) []byte {
	if dim == DimKind {
		return build(KindTimeline, []byte{dim}, value, []byte{Sep})
	}
	return build(KindTimeline, []byte{dim}, value)
}

// Timeline is the key of the count of quotes of value in dim on a day
// (since 1970-01-01, UTC).
func Timeline(dim byte, value []byte, day int) []byte {
	return append(TimelineSelector(dim, value), Period(day)...)
}

// Decision is the key of a person's decision on two normalized names,
// kept once each way.
func Decision(a, b string) []byte { return build(KindDecision, []byte(a), []byte{Sep}, []byte(b)) }

// DecisionPrefix is the start of the decisions on the normalized name a.
func DecisionPrefix(a string) []byte { return build(KindDecision, []byte(a), []byte{Sep}) }

// SplitName parses the <name><0x00><id> rest of a Name key, after its
// kind. The id may hold 0x00 bytes; the name holds none.
func SplitName(rest []byte) (string, uuid.UUID, bool) {
	i := len(rest) - IDLen - 1
	if i < 0 || rest[i] != Sep || bytes.IndexByte(rest[:i], Sep) >= 0 {
		return "", uuid.Nil, false
	}
	return string(rest[:i]), uuid.UUID(rest[i+1:]), true
}

// SplitWord parses the <word><0x00><suffix> rest of a WordBlock or
// FreshPosting key, after its kind.
func SplitWord(rest []byte) (word string, sfx [SuffixLen]byte, ok bool) {
	i := bytes.IndexByte(rest, Sep)
	if i < 0 || len(rest) != i+1+SuffixLen {
		return "", sfx, false
	}
	copy(sfx[:], rest[i+1:])
	return string(rest[:i]), sfx, true
}

// SplitStrings parses the <a><0x00><b> rest of a Term, VenueLookup or
// Decision key, after its kind.
func SplitStrings(rest []byte) (a, b string, ok bool) {
	i := bytes.IndexByte(rest, Sep)
	if i < 0 {
		return "", "", false
	}
	return string(rest[:i]), string(rest[i+1:]), true
}

// LastID is the id that ends a key: a record's, or the second of a pair.
func LastID(k []byte) uuid.UUID { return uuid.UUID(k[len(k)-IDLen:]) }

// Parsed is a key read back by Parse. Which fields a kind fills:
//
//	Record kinds, KindSpeakerMember, KindConflict   ID
//	KindText                                        ID, N (the chunk)
//	KindCounter, KindMatch, Lookup kinds            Name
//	quote indexes                                   Selector (nil for KindQuoteByDate), Date, ID (the quote)
//	KindWordBlock, KindFreshPosting                 Name (the word), Date, ID (the quote); Final for a final block
//	KindTerm                                        Name (the stem), Other (the word)
//	Pair kinds                                      ID, OtherID
//	Name kinds                                      Name, ID
//	KindVenueLookup                                 Name, Other (the venue kind)
//	KindArticleByDate                               Date (not inverted), ID
//	KindRoleSeen                                    ID, N (the role)
//	KindRollup                                      Dim, Level, N (the period), Value
//	KindTimeline                                    Dim, Value, N (the day)
//	KindDecision                                    Name, Other
//	KindMeta                                        Name ("version", "loading" or "reindexing")
//	KindSegments                                    nothing
//	KindSegmentBlock                                Segment, Name (the word), Date, ID (the quote)
//	KindSegmentTerms                                Segment, Name (the word)
//	KindSegmentDeletes                              Segment, Write
type Parsed struct {
	Kind        Kind
	ID, OtherID uuid.UUID
	Date        uint64
	Name, Other string
	Selector    []byte
	Value       []byte
	N           int
	Dim, Level  byte
	Final       bool
	Segment     uint64
	Write       uint64
}

// ErrMalformed means Parse was given bytes that are no key of graphd's.
var ErrMalformed = errors.New("malformed key")

// Parse reads a key of any kind back into its parts. It returns an error
// wrapping ErrMalformed for bytes no constructor of this package makes.
func Parse(k []byte) (Parsed, error) {
	if len(k) == 0 {
		return Parsed{}, fmt.Errorf("%w: empty", ErrMalformed)
	}
	p := Parsed{Kind: Kind(k[0])}
	rest := k[1:]
	bad := func(what string) (Parsed, error) {
		return Parsed{}, fmt.Errorf("%w: %s key %x", ErrMalformed, what, k)
	}
	switch p.Kind {
	case KindMeta:
		if s := string(rest); s != "version" && s != "loading" && s != "reindexing" {
			return bad("meta")
		}
		p.Name = string(rest)
	case KindArticle, KindQuote, KindSpeaker, KindVenue, KindOutlet, KindOccurrence, KindConflict,
		KindSpeakerMember, KindCandidate:
		if len(rest) != IDLen {
			return bad("record")
		}
		p.ID = uuid.UUID(rest)
	case KindText:
		if len(rest) != IDLen+4 {
			return bad("text")
		}
		p.ID, p.N = uuid.UUID(rest[:IDLen]), int(binary.BigEndian.Uint32(rest[IDLen:]))
	case KindCounter, KindMatch, KindSpeakerLookup, KindOutletByName, KindArticleByKey:
		p.Name = string(rest)
	case KindQuoteByArticle, KindQuoteBySpeaker, KindQuoteByVenue, KindQuoteByOutlet, KindQuoteByDate:
		sel := IDLen
		if p.Kind == KindQuoteByDate {
			sel = 0
		}
		if len(rest) != sel+SuffixLen {
			return bad("quote index")
		}
		if sel > 0 {
			p.Selector = rest[:sel]
		}
		p.Date, p.ID = binary.BigEndian.Uint64(rest[sel:]), SuffixQuote(rest[sel:])
	case KindWordBlock, KindFreshPosting:
		w, sfx, ok := SplitWord(rest)
		if !ok {
			return bad("word")
		}
		p.Name = w
		if p.Final = p.Kind == KindWordBlock && sfx == FinalSuffix; !p.Final {
			p.Date, p.ID = binary.BigEndian.Uint64(sfx[:]), SuffixQuote(sfx[:])
		}
	case KindTerm, KindVenueLookup, KindDecision:
		a, b, ok := SplitStrings(rest)
		if !ok {
			return bad("two strings")
		}
		p.Name, p.Other = a, b
	case KindOccurrenceByQuote, KindOccurrenceByArticle, KindArticleCopy, KindSpeakerVenue, KindCandidatePair:
		if len(rest) != 2*IDLen {
			return bad("pair")
		}
		p.ID, p.OtherID = uuid.UUID(rest[:IDLen]), uuid.UUID(rest[IDLen:])
	case KindSpeakerByName, KindSpeakerByToken, KindSpeakerByBlock, KindVenueByName, KindVenueByToken:
		name, id, ok := SplitName(rest)
		if !ok {
			return bad("name")
		}
		p.Name, p.ID = name, id
	case KindArticleByDate:
		if len(rest) != DateLen+IDLen {
			return bad("article date")
		}
		p.Date, p.ID = ^binary.BigEndian.Uint64(rest), uuid.UUID(rest[DateLen:])
	case KindRoleSeen:
		if len(rest) != IDLen+1 {
			return bad("role seen")
		}
		p.ID, p.N = uuid.UUID(rest[:IDLen]), int(rest[IDLen])
	case KindRollup:
		if len(rest) < 6 {
			return bad("rollup")
		}
		p.Dim, p.Level, p.N, p.Value = rest[0], rest[1], ParsePeriod(rest[2:6]), rest[6:]
	case KindTimeline:
		if len(rest) < 5 {
			return bad("timeline")
		}
		p.Dim, p.Value, p.N = rest[0], rest[1:len(rest)-4], ParsePeriod(rest[len(rest)-4:])
		if p.Dim == DimKind {
			if len(p.Value) == 0 || p.Value[len(p.Value)-1] != Sep {
				return bad("timeline")
			}
			p.Value = p.Value[:len(p.Value)-1]
		}
	case KindSegments:
		if len(rest) != 0 {
			return bad("segments")
		}
	case KindSegmentBlock:
		if len(rest) < SegLen {
			return bad("segment block")
		}
		p.Segment = binary.BigEndian.Uint64(rest)
		w, sfx, ok := SplitWord(rest[SegLen:])
		if !ok {
			return bad("segment block")
		}
		p.Name, p.Date, p.ID = w, binary.BigEndian.Uint64(sfx[:]), SuffixQuote(sfx[:])
	case KindSegmentTerms:
		if len(rest) < SegLen || bytes.IndexByte(rest[SegLen:], Sep) >= 0 {
			return bad("segment terms")
		}
		p.Segment, p.Name = binary.BigEndian.Uint64(rest), string(rest[SegLen:])
	case KindSegmentDeletes:
		if len(rest) != 2*SegLen {
			return bad("segment deletes")
		}
		p.Segment, p.Write = binary.BigEndian.Uint64(rest), binary.BigEndian.Uint64(rest[SegLen:])
	default:
		return bad("unknown")
	}
	return p, nil
}
