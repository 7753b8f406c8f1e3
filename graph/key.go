package graph

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Prefix bytes, one per record or index kind. doc.go documents each key.
const (
	pMeta    byte = 0x00
	pArticle byte = 0x01
	pQuote   byte = 0x02
	pSpeaker byte = 0x03
	pVenue   byte = 0x04
	pOutlet  byte = 0x05
	pText    byte = 0x06
	pOccur   byte = 0x07
	pCounter byte = 0x08

	pQuoteByArticle byte = 0x10
	pQuoteBySpeaker byte = 0x11
	pQuoteByVenue   byte = 0x12
	pQuoteByDate    byte = 0x13
	pQuoteByToken   byte = 0x14
	pTermDict       byte = 0x15
	pQuoteByOutlet  byte = 0x16
	pFreshPosting   byte = 0x17

	pOccurByQuote   byte = 0x18
	pOccurByArticle byte = 0x19
	pOccurByKey     byte = 0x1a
	pConflict       byte = 0x1b

	pSpeakerByName  byte = 0x20
	pSpeakerLookup  byte = 0x21
	pSpeakerByToken byte = 0x22
	pSpeakerByBlock byte = 0x23
	pRoleSeen       byte = 0x24
	pSpeakerMember  byte = 0x25

	pVenueByName  byte = 0x30
	pVenueLookup  byte = 0x31
	pVenueByToken byte = 0x32

	pOutletByName byte = 0x40

	pArticleByKey  byte = 0x50
	pArticleByDate byte = 0x51
	pArticleCopies byte = 0x52

	pSpeakerVenue byte = 0x60

	pRollup   byte = 0x70
	pTimeline byte = 0x71

	pCandidate     byte = 0x7a
	pCandidatePair byte = 0x7b
	pDecision      byte = 0x7c
)

// layoutVersion is stored under the meta key. Open upgrades a store of
// version 1, 2 or 3 (upgrade.go) and refuses others.
// Version 2 gave quote indexes facets and the word index blocks; version
// 3 made a quote a statement with one occurrence per article, and added
// speaker identity; version 4 indexes the speaker records merged into
// another (pSpeakerMember), so that counts fold into people.
const layoutVersion = 4

var metaVersionKey = []byte{pMeta, 'v', 'e', 'r', 's', 'i', 'o', 'n'}

// Counter names, stored under pCounter.
const (
	counterArticles = "articles"
	counterQuotes   = "quotes"
	counterOccurs   = "occurrences"
	counterSpeakers = "speakers"
	counterVenues   = "venues"
	counterOutlets  = "outlets"
	counterWords    = "words" // words in all quote texts, for the mean length that ranking needs
)

// The last numbers handed out to speakers, venues and outlets, under
// pCounter. Numbers stand for them in the word index; they are never
// reused.
const (
	lastSpeakerNum = "speaker#"
	lastVenueNum   = "venue#"
	lastOutletNum  = "outlet#"
)

var counterNames = []string{counterArticles, counterQuotes, counterOccurs, counterSpeakers, counterVenues, counterOutlets, counterWords}

const (
	idLen     = 16
	dateLen   = 8
	suffixLen = dateLen + idLen // date and quote id ending every quote index key
	sep       = 0x00            // ends a name or token inside a key; never part of a normalized string
)

// key concatenates a prefix byte and parts into a fresh slice.
func key(p byte, parts ...[]byte) []byte {
	n := 1
	for _, x := range parts {
		n += len(x)
	}
	k := make([]byte, 0, n)
	k = append(k, p)
	for _, x := range parts {
		k = append(k, x...)
	}
	return k
}

func recordKey(p byte, id uuid.UUID) []byte { return key(p, id[:]) }

// textKey is <article id><chunk number, uint32 big-endian>.
func textKey(id uuid.UUID, chunk int) []byte {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(chunk))
	return key(pText, id[:], n[:])
}

func counterKey(name string) []byte { return key(pCounter, []byte(name)) }

// encDate orders dates as unsigned big-endian bytes: the zero time (no
// date) is 0 and sorts first; other times are Unix milliseconds with the
// sign bit flipped.
func encDate(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UnixMilli()) ^ (1 << 63)
}

func dateBytes(d uint64) []byte {
	var b [dateLen]byte
	binary.BigEndian.PutUint64(b[:], d)
	return b[:]
}

// quoteSuffix is the 24 bytes that end every quote index key: the date of
// the quote's article and the quote id.
func quoteSuffix(published time.Time, id uuid.UUID) []byte {
	return append(dateBytes(encDate(published)), id[:]...)
}

// quoteIndexKey is <p><selector><date 8><quote id 16>.
func quoteIndexKey(p byte, selector []byte, published time.Time, id uuid.UUID) []byte {
	return key(p, selector, quoteSuffix(published, id))
}

// tokenSelector is a token and its terminator, the selector of the token index.
func tokenSelector(tok string) []byte { return append([]byte(tok), sep) }

// nameKey is <p><normalized name><0x00><id>, the name-ordered listing indexes.
func nameKey(p byte, norm string, id uuid.UUID) []byte {
	return key(p, []byte(norm), []byte{sep}, id[:])
}

func venueLookupKey(norm, kind string) []byte {
	return key(pVenueLookup, []byte(norm), []byte{sep}, []byte(kind))
}

// articleDateKey orders articles newest published first: the date is
// inverted, so articles without a date come last.
func articleDateKey(published time.Time, id uuid.UUID) []byte {
	return key(pArticleByDate, dateBytes(^encDate(published)), id[:])
}

func edgeKey(speaker, venue uuid.UUID) []byte { return key(pSpeakerVenue, speaker[:], venue[:]) }

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

// splitNameKey parses the <name><0x00><id> rest of a name-ordered key.
// The id may hold 0x00 bytes; the name holds none.
func splitNameKey(rest []byte) (string, uuid.UUID, bool) {
	i := len(rest) - idLen - 1
	if i < 0 || rest[i] != sep || bytes.IndexByte(rest[:i], sep) >= 0 {
		return "", uuid.Nil, false
	}
	return string(rest[:i]), uuid.UUID(rest[i+1:]), true
}
