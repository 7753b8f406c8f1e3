package export

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// A hand-written JSON encoder for the lines of the JSON Lines export,
// which encoding/json writes several times slower. It writes what
// encoding/json would with SetEscapeHTML(false).

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendKey(b []byte, comma bool, k string) []byte {
	if comma {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, k...)
	return append(b, '"', ':')
}

func appendUUID(b []byte, id uuid.UUID) []byte {
	b = append(b, '"')
	b = append(b, id.String()...)
	return append(b, '"')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendFloat writes f as encoding/json does.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-07 → e-7
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

func appendSpan(b []byte, sp [2]int) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(sp[0]), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(sp[1]), 10)
	return append(b, ']')
}

func (j *jsonSpeaker) append(b []byte) []byte {
	if j == nil {
		return append(b, "null"...)
	}
	b = appendKey(append(b, '{'), false, "id")
	b = appendUUID(b, j.ID)
	b = appendString(appendKey(b, true, "name"), j.Name)
	if len(j.Aliases) > 0 {
		b = appendStrings(appendKey(b, true, "aliases"), j.Aliases)
	}
	if len(j.Titles) > 0 {
		b = appendStrings(appendKey(b, true, "titles"), j.Titles)
	}
	return append(b, '}')
}

func (j *jsonVenue) append(b []byte) []byte {
	if j == nil {
		return append(b, "null"...)
	}
	b = appendUUID(appendKey(append(b, '{'), false, "id"), j.ID)
	b = appendString(appendKey(b, true, "name"), j.Name)
	b = appendString(appendKey(b, true, "kind"), j.Kind)
	return append(b, '}')
}

func (j *jsonArticle) append(b []byte) []byte {
	b = appendUUID(appendKey(append(b, '{'), false, "id"), j.ID)
	b = appendString(appendKey(b, true, "key"), j.Key)
	if j.SourceID != "" {
		b = appendString(appendKey(b, true, "sourceId"), j.SourceID)
	}
	if j.URL != "" {
		b = appendString(appendKey(b, true, "url"), j.URL)
	}
	if j.Title != "" {
		b = appendString(appendKey(b, true, "title"), j.Title)
	}
	if j.Outlet != nil {
		b = appendUUID(appendKey(append(appendKey(b, true, "outlet"), '{'), false, "id"), j.Outlet.ID)
		b = append(appendString(appendKey(b, true, "name"), j.Outlet.Name), '}')
	}
	if j.Published != nil {
		b = appendTime(appendKey(b, true, "published"), *j.Published)
	}
	b = appendString(appendKey(b, true, "hash"), j.Hash)
	b = appendTime(appendKey(b, true, "ingested"), j.Ingested)
	if c := j.CopyOf; c != nil {
		b = appendUUID(appendKey(append(appendKey(b, true, "copyOf"), '{'), false, "original"), c.Original)
		b = appendFloat(appendKey(b, true, "score"), c.Score)
		b = strconv.AppendInt(appendKey(b, true, "sharedQuotes"), int64(c.SharedQuotes), 10)
		b = append(appendFloat(appendKey(b, true, "textOverlap"), c.TextOverlap), '}')
	}
	if j.Text != nil {
		b = appendString(appendKey(b, true, "text"), *j.Text)
	}
	return append(b, '}')
}

func (j *jsonOccurrence) append(b []byte) []byte {
	b = append(b, '{')
	if j.ID != uuid.Nil {
		b = appendUUID(appendKey(b, false, "id"), j.ID)
		b = append(b, ',')
	}
	b = appendUUID(appendKey(b, false, "articleID"), j.ArticleID)
	for _, f := range [][2]string{{"url", j.URL}, {"title", j.Title}, {"outlet", j.Outlet}, {"date", j.Date}} {
		if f[1] != "" {
			b = appendString(appendKey(b, true, f[0]), f[1])
		}
	}
	b = appendString(appendKey(b, true, "quotation"), j.Quotation)
	b = appendString(appendKey(b, true, "kind"), j.Kind)
	b = appendFloat(appendKey(b, true, "confidence"), j.Confidence)
	b = append(appendKey(b, true, "spans"), '[')
	for i, sp := range j.Spans {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendSpan(b, sp)
	}
	b = append(b, ']')
	if j.Cue != "" {
		b = appendString(appendKey(b, true, "cue"), j.Cue)
	}
	if j.CueSpan != nil {
		b = appendSpan(appendKey(b, true, "cueSpan"), *j.CueSpan)
	}
	if j.CueKind != "" {
		b = appendString(appendKey(b, true, "cueKind"), j.CueKind)
	}
	if j.Mention != "" {
		b = appendString(appendKey(b, true, "mention"), j.Mention)
	}
	if j.MentionSpan != nil {
		b = appendSpan(appendKey(b, true, "mentionSpan"), *j.MentionSpan)
	}
	b = j.Venue.append(appendKey(b, true, "venue"))
	if j.SpeakerName != "" {
		b = appendString(appendKey(b, true, "speakerName"), j.SpeakerName)
	}
	if j.SpeakerID != uuid.Nil {
		b = appendUUID(appendKey(b, true, "speakerID"), j.SpeakerID)
	}
	if j.SpeakerRecord != uuid.Nil {
		b = appendUUID(appendKey(b, true, "speakerRecordID"), j.SpeakerRecord)
	}
	if j.Match != "" {
		b = appendString(appendKey(b, true, "match"), j.Match)
	}
	b = appendFloat(appendKey(b, true, "score"), j.Score)
	b = appendFloat(appendKey(b, true, "similarity"), j.Similarity)
	b = appendFloat(appendKey(b, true, "fidelity"), j.Fidelity)
	if len(j.Misquote) > 0 {
		b = appendStrings(appendKey(b, true, "misquote"), j.Misquote)
	}
	return append(b, '}')
}

// append writes a quotation line, newline included.
func (j *jsonQuote) append(b []byte) []byte {
	b = appendUUID(appendKey(append(b, '{'), false, "quoteID"), j.QuoteID)
	b = appendString(appendKey(b, true, "quotation"), j.Quotation)
	b = j.Speaker.append(appendKey(b, true, "speaker"))
	b = appendKey(b, true, "date")
	if j.Date == nil {
		b = append(b, "null"...)
	} else {
		b = appendString(b, *j.Date)
	}
	b = strconv.AppendInt(appendKey(b, true, "numOccurrences"), int64(j.NumOccurrences), 10)
	b = appendStrings(appendKey(b, true, "urls"), j.URLs)
	if j.Conflict {
		b = append(appendKey(b, true, "conflict"), "true"...)
	}
	b = append(appendKey(b, true, "occurrences"), '[')
	for i := range j.Occurrences {
		if i > 0 {
			b = append(b, ',')
		}
		b = j.Occurrences[i].append(b)
	}
	b = append(b, ']')
	if len(j.Speakers) > 0 {
		b = appendJSON(appendKey(b, true, "speakers"), j.Speakers)
	}
	if len(j.Articles) > 0 {
		b = append(appendKey(b, true, "articles"), '[')
		for i := range j.Articles {
			if i > 0 {
				b = append(b, ',')
			}
			b = j.Articles[i].append(b)
		}
		b = append(b, ']')
	}
	return append(b, '}', '\n')
}
