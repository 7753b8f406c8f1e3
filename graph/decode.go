package graph

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// A decoder for the records that long reads (exports, Check) decode by
// the hundred thousand: quotes, occurrences and articles. encoding/json
// spends most of an export's time on them. It reads what encodeRecord
// writes and gives up, for decodeRecord to call encoding/json instead, on
// anything else: an unknown key, a null, a \u escape, bytes that are not
// UTF-8. So where it answers, it answers as encoding/json would, but for
// a key given twice, which encodeRecord never writes: the second object or
// span replaces the first here, where encoding/json merges them.

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// lit consumes c after white space.
func (s *scanner) lit(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// A fielder reads the value of key k of its object from s, and reports
// whether it could.
type fielder interface {
	field(s *scanner, k []byte) bool
}

// object reads an object into f.
func (s *scanner) object(f fielder) bool {
	if !s.lit('{') {
		return false
	}
	if s.lit('}') {
		return true
	}
	for {
		k, ok := s.rawString()
		if !ok || !s.lit(':') || !f.field(s, k) {
			return false
		}
		if s.lit('}') {
			return true
		}
		if !s.lit(',') {
			return false
		}
	}
}

// more reads what follows an element of an array: true and no error
// before another, false at the end.
func (s *scanner) more() (more, ok bool) {
	if s.lit(']') {
		return false, true
	}
	return true, s.lit(',')
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// rawString reads a string without escapes, as bytes of s.b, for keys,
// ids and times, which are ASCII: bytes that are not UTF-8 there fail to
// match or to parse, and the record goes to encoding/json.
func (s *scanner) rawString() ([]byte, bool) {
	if !s.lit('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// string reads a string; of the escapes it takes the one-letter ones.
func (s *scanner) string() (string, bool) {
	if !s.lit('"') {
		return "", false
	}
	start := s.i
	var buf []byte
	ascii := true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			out := s.b[start:s.i]
			s.i++
			if buf != nil {
				out = append(buf, out...)
			}
			return string(out), ascii || utf8.Valid(out)
		case c >= 0x80:
			ascii = false
		case c < 0x20:
			return "", false
		case c == '\\':
			if s.i+1 >= len(s.b) {
				return "", false
			}
			var r byte
			switch s.b[s.i+1] {
			case '"', '\\', '/':
				r = s.b[s.i+1]
			case 'b':
				r = '\b'
			case 'f':
				r = '\f'
			case 'n':
				r = '\n'
			case 'r':
				r = '\r'
			case 't':
				r = '\t'
			default:
				return "", false // \u: left to encoding/json
			}
			buf = append(append(buf, s.b[start:s.i]...), r)
			s.i += 2
			start = s.i
			continue
		}
		s.i++
	}
	return "", false
}

// number reads a number token as JSON spells it.
func (s *scanner) number() ([]byte, bool) {
	s.ws()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	first := s.i
	if n := digits(); n == 0 || n > 1 && s.b[first] == '0' {
		return nil, false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return nil, false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return nil, false
		}
	}
	return s.b[start:s.i], true
}

func (s *scanner) float(f *float64) bool {
	n, ok := s.number()
	if !ok {
		return false
	}
	v, err := strconv.ParseFloat(string(n), 64)
	*f = v
	return err == nil
}

func (s *scanner) intField(p *int) bool {
	n, ok := s.number()
	if !ok {
		return false
	}
	v, err := strconv.ParseInt(string(n), 10, strconv.IntSize)
	*p = int(v)
	return err == nil
}

func (s *scanner) uint32Field(p *uint32) bool {
	n, ok := s.number()
	if !ok {
		return false
	}
	v, err := strconv.ParseUint(string(n), 10, 32)
	*p = uint32(v)
	return err == nil
}

func (s *scanner) boolField(p *bool) bool {
	s.ws()
	for _, w := range []string{"true", "false"} {
		if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
			s.i += len(w)
			*p = w == "true"
			return true
		}
	}
	return false
}

func (s *scanner) stringField(p *string) bool {
	v, ok := s.string()
	*p = v
	return ok
}

func (s *scanner) uuidField(p *uuid.UUID) bool {
	b, ok := s.rawString()
	return ok && p.UnmarshalText(b) == nil
}

func (s *scanner) timeField(p *time.Time) bool {
	s.ws()
	start := s.i
	if _, ok := s.rawString(); !ok {
		return false
	}
	return p.UnmarshalJSON(s.b[start:s.i]) == nil
}

func (sp *Span) field(s *scanner, k []byte) bool {
	switch string(k) {
	case "start":
		return s.intField(&sp.Start)
	case "end":
		return s.intField(&sp.End)
	}
	return false
}

func (s *scanner) spans(p *[]Span) bool {
	if !s.lit('[') {
		return false
	}
	out := []Span{}
	for more := !s.lit(']'); more; {
		out = append(out, Span{})
		if !s.object(&out[len(out)-1]) {
			return false
		}
		var ok bool
		if more, ok = s.more(); !ok {
			return false
		}
	}
	*p = out
	return true
}

func (s *scanner) spanPtr(p **Span) bool {
	sp := new(Span)
	*p = sp
	return s.object(sp)
}

func (s *scanner) uuids(p *[]uuid.UUID) bool {
	if !s.lit('[') {
		return false
	}
	out := []uuid.UUID{}
	for more := !s.lit(']'); more; {
		out = append(out, uuid.Nil)
		if !s.uuidField(&out[len(out)-1]) {
			return false
		}
		var ok bool
		if more, ok = s.more(); !ok {
			return false
		}
	}
	*p = out
	return true
}

func (s *scanner) uint32s(p *[]uint32) bool {
	if !s.lit('[') {
		return false
	}
	out := []uint32{}
	for more := !s.lit(']'); more; {
		out = append(out, 0)
		if !s.uint32Field(&out[len(out)-1]) {
			return false
		}
		var ok bool
		if more, ok = s.more(); !ok {
			return false
		}
	}
	*p = out
	return true
}

// decodeFast decodes the JSON of a quote, occurrence or article record
// into v; ok is false when it cannot, or v is of another type.
func decodeFast(b []byte, v any) bool {
	f, ok := v.(fielder)
	if !ok {
		return false
	}
	s := scanner{b: b}
	return s.object(f) && s.end()
}

func (r *quoteRec) field(s *scanner, k []byte) bool {
	switch string(k) {
	case "id":
		return s.uuidField(&r.ID)
	case "first":
		return s.uuidField(&r.First)
	case "canon":
		return s.uuidField(&r.Canon)
	case "count":
		return s.intField(&r.Count)
	case "conflict":
		return s.boolField(&r.Conflict)
	case "speakers":
		return s.uuids(&r.Speakers)
	}
	return r.attribution.field(s, k)
}

func (r *occRec) field(s *scanner, k []byte) bool {
	switch string(k) {
	case "id":
		return s.uuidField(&r.ID)
	case "quote":
		return s.uuidField(&r.QuoteID)
	case "match":
		return s.stringField(&r.Match)
	case "score":
		return s.float(&r.Score)
	}
	return r.attribution.field(s, k)
}

func (r *attribution) field(s *scanner, k []byte) bool {
	switch string(k) {
	case "article":
		return s.uuidField(&r.ArticleID)
	case "speaker":
		return s.uuidField(&r.SpeakerID)
	case "venue":
		return s.uuidField(&r.VenueID)
	case "outlet":
		return s.uuidField(&r.OutletID)
	case "speakerNum":
		return s.uint32Field(&r.SpeakerNum)
	case "venueNum":
		return s.uint32Field(&r.VenueNum)
	case "outletNum":
		return s.uint32Field(&r.OutletNum)
	case "text":
		return s.stringField(&r.Text)
	case "kind":
		return s.stringField(&r.Kind)
	case "spans":
		return s.spans(&r.Spans)
	case "cue":
		return s.stringField(&r.Cue)
	case "cueSpan":
		return s.spanPtr(&r.CueSpan)
	case "cueKind":
		return s.stringField(&r.CueKind)
	case "mention":
		return s.stringField(&r.Mention)
	case "mentionSpan":
		return s.spanPtr(&r.MentionSpan)
	case "confidence":
		return s.float(&r.Confidence)
	case "published":
		return s.timeField(&r.Published)
	}
	return false
}

func (r *articleRec) field(s *scanner, k []byte) bool {
	switch string(k) {
	case "id":
		return s.uuidField(&r.ID)
	case "key":
		return s.stringField(&r.Key)
	case "sourceId":
		return s.stringField(&r.SourceID)
	case "url":
		return s.stringField(&r.URL)
	case "title":
		return s.stringField(&r.Title)
	case "outlet":
		return s.stringField(&r.Outlet)
	case "outletId":
		return s.uuidField(&r.OutletID)
	case "published":
		return s.timeField(&r.Published)
	case "hash":
		return s.stringField(&r.Hash)
	case "textLen":
		return s.intField(&r.TextLen)
	case "ingested":
		return s.timeField(&r.Ingested)
	case "sketch":
		return s.uint32s(&r.Sketch)
	case "quotes":
		return s.intField(&r.Quotes)
	case "copyOf":
		r.Copy = new(copyRec)
		return s.object(r.Copy)
	}
	return false
}

func (c *copyRec) field(s *scanner, k []byte) bool {
	switch string(k) {
	case "original":
		return s.uuidField(&c.Original)
	case "score":
		return s.float(&c.Score)
	case "shared":
		return s.intField(&c.Shared)
	case "overlap":
		return s.float(&c.Overlap)
	}
	return false
}
