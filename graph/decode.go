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
// UTF-8. So where it answers, it answers as encoding/json would.

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

// object reads an object, calling field with each key; field reads the
// value and reports whether it could.
func (s *scanner) object(field func(key string) bool) bool {
	if !s.lit('{') {
		return false
	}
	if s.lit('}') {
		return true
	}
	for {
		k, ok := s.rawString()
		if !ok || !s.lit(':') || !field(string(k)) {
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

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// rawString reads a string without escapes, as bytes of s.b.
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
			out := s.b[start : s.i-1]
			return out, utf8.Valid(out)
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
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			out := s.b[start:s.i]
			s.i++
			if buf != nil {
				out = append(buf, out...)
			}
			return string(out), utf8.Valid(out)
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

func (s *scanner) int(bits int, signed bool, set func(int64)) bool {
	n, ok := s.number()
	if !ok {
		return false
	}
	var v int64
	var err error
	if signed {
		v, err = strconv.ParseInt(string(n), 10, bits)
	} else {
		var u uint64
		u, err = strconv.ParseUint(string(n), 10, bits)
		v = int64(u)
	}
	if err != nil {
		return false
	}
	set(v)
	return true
}

func (s *scanner) intField(p *int) bool {
	return s.int(strconv.IntSize, true, func(v int64) { *p = int(v) })
}

func (s *scanner) uint32Field(p *uint32) bool {
	return s.int(32, false, func(v int64) { *p = uint32(v) })
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

// array reads an array, calling elem for each element.
func (s *scanner) array(elem func() bool) bool {
	if !s.lit('[') {
		return false
	}
	if s.lit(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.lit(']') {
			return true
		}
		if !s.lit(',') {
			return false
		}
	}
}

func (s *scanner) span(sp *Span) bool {
	return s.object(func(k string) bool {
		switch k {
		case "start":
			return s.intField(&sp.Start)
		case "end":
			return s.intField(&sp.End)
		}
		return false
	})
}

func (s *scanner) spans(p *[]Span) bool {
	out := []Span{}
	ok := s.array(func() bool {
		var sp Span
		out = append(out, sp)
		return s.span(&out[len(out)-1])
	})
	*p = out
	return ok
}

func (s *scanner) spanPtr(p **Span) bool {
	sp := new(Span)
	*p = sp
	return s.span(sp)
}

func (s *scanner) uuids(p *[]uuid.UUID) bool {
	out := []uuid.UUID{}
	ok := s.array(func() bool {
		out = append(out, uuid.Nil)
		return s.uuidField(&out[len(out)-1])
	})
	*p = out
	return ok
}

func (s *scanner) uint32s(p *[]uint32) bool {
	out := []uint32{}
	ok := s.array(func() bool {
		out = append(out, 0)
		return s.uint32Field(&out[len(out)-1])
	})
	*p = out
	return ok
}

// decodeFast decodes the JSON of a quote, occurrence or article record
// into v; ok is false when it cannot, or v is of another type.
func decodeFast(b []byte, v any) (ok bool) {
	s := &scanner{b: b}
	switch r := v.(type) {
	case *quoteRec:
		ok = s.object(func(k string) bool {
			switch k {
			case "id":
				return s.uuidField(&r.ID)
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
			case "mention":
				return s.stringField(&r.Mention)
			case "mentionSpan":
				return s.spanPtr(&r.MentionSpan)
			case "confidence":
				return s.float(&r.Confidence)
			case "published":
				return s.timeField(&r.Published)
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
			return false
		})
	case *occRec:
		ok = s.object(func(k string) bool {
			switch k {
			case "id":
				return s.uuidField(&r.ID)
			case "quote":
				return s.uuidField(&r.QuoteID)
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
			case "mention":
				return s.stringField(&r.Mention)
			case "mentionSpan":
				return s.spanPtr(&r.MentionSpan)
			case "confidence":
				return s.float(&r.Confidence)
			case "published":
				return s.timeField(&r.Published)
			case "match":
				return s.stringField(&r.Match)
			case "score":
				return s.float(&r.Score)
			}
			return false
		})
	case *articleRec:
		ok = s.object(func(k string) bool {
			switch k {
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
				c := new(copyRec)
				r.Copy = c
				return s.object(func(k string) bool {
					switch k {
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
				})
			}
			return false
		})
	default:
		return false
	}
	return ok && s.end()
}
