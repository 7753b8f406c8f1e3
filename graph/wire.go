package graph

import (
	"errors"
	"math"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/encoding/protowire"
)

// Quote and occurrence records, two for nearly every quotation stored,
// are the bulk of a store: since key layout 6 they are written in a
// binary form, version byte wireVersion and then Protocol Buffers' wire
// format (numbered fields, each skipped when empty, unknown ones skipped
// on reading, so that fields can be added): ids as 16 bytes, numbers as
// varints, texts as bytes, a span as two varints, a date as seconds and
// nanoseconds, confidence and score as IEEE 754 doubles. Other records
// stay JSON (recordVersion). Both read back the same.

// wireVersion leads a record in the binary form.
const wireVersion byte = 2

var errWire = errors.New("malformed record")

// Field numbers of the binary records.
const (
	wID protowire.Number = iota + 1
	wQuote
	wArticle
	wSpeaker
	wVenue
	wOutlet
	wSpeakerNum
	wVenueNum
	wOutletNum
	wText
	wKind
	wSpans
	wCue
	wCueSpan
	wMention
	wMentionSpan
	wConfidence
	wPublished
	wMatch
	wScore
	wFirst
	wCanon
	wCount
	wConflict
	wSpeakers
	wCueKind // "" (speech) is left out: only CueStance is written
)

type wireBuf []byte

func (b *wireBuf) id(n protowire.Number, id uuid.UUID) {
	if id != uuid.Nil {
		*b = protowire.AppendTag(*b, n, protowire.BytesType)
		*b = protowire.AppendBytes(*b, id[:])
	}
}

func (b *wireBuf) uint(n protowire.Number, v uint64) {
	if v != 0 {
		*b = protowire.AppendTag(*b, n, protowire.VarintType)
		*b = protowire.AppendVarint(*b, v)
	}
}

func (b *wireBuf) str(n protowire.Number, s string) {
	if s != "" {
		*b = protowire.AppendTag(*b, n, protowire.BytesType)
		*b = protowire.AppendString(*b, s)
	}
}

func (b *wireBuf) float(n protowire.Number, f float64) {
	if f != 0 {
		*b = protowire.AppendTag(*b, n, protowire.Fixed64Type)
		*b = protowire.AppendFixed64(*b, math.Float64bits(f))
	}
}

// spans writes spans as one field of varints, start and end of each.
func (b *wireBuf) spans(n protowire.Number, spans ...Span) {
	if len(spans) == 0 {
		return
	}
	var v []byte
	for _, s := range spans {
		v = protowire.AppendVarint(v, uint64(s.Start))
		v = protowire.AppendVarint(v, uint64(s.End))
	}
	*b = protowire.AppendTag(*b, n, protowire.BytesType)
	*b = protowire.AppendBytes(*b, v)
}

func (b *wireBuf) span(n protowire.Number, s *Span) {
	if s != nil {
		b.spans(n, *s)
	}
}

// date writes t as seconds (zigzag) and nanoseconds; nothing when zero.
func (b *wireBuf) date(n protowire.Number, t time.Time) {
	if t.IsZero() {
		return
	}
	v := protowire.AppendVarint(nil, protowire.EncodeZigZag(t.Unix()))
	if ns := t.Nanosecond(); ns != 0 {
		v = protowire.AppendVarint(v, uint64(ns))
	}
	*b = protowire.AppendTag(*b, n, protowire.BytesType)
	*b = protowire.AppendBytes(*b, v)
}

func encodeOcc(o *occRec) []byte {
	b := wireBuf{wireVersion}
	b.id(wID, o.ID)
	b.id(wQuote, o.QuoteID)
	b.attribution(&o.attribution)
	b.str(wMatch, o.Match)
	b.float(wScore, o.Score)
	return b
}

func encodeQuote(q *quoteRec) []byte {
	b := wireBuf{wireVersion}
	b.id(wID, q.ID)
	b.attribution(&q.attribution)
	b.id(wFirst, q.First)
	if q.Canon != q.First {
		b.id(wCanon, q.Canon) // absent: the first printing's text is canonical
	}
	b.uint(wCount, uint64(q.Count))
	if q.Conflict {
		b.uint(wConflict, 1)
	}
	for _, sp := range q.Speakers {
		b.id(wSpeakers, sp)
	}
	return b
}

func (b *wireBuf) attribution(a *attribution) {
	b.id(wArticle, a.ArticleID)
	b.id(wSpeaker, a.SpeakerID)
	b.id(wVenue, a.VenueID)
	b.id(wOutlet, a.OutletID)
	b.uint(wSpeakerNum, uint64(a.SpeakerNum))
	b.uint(wVenueNum, uint64(a.VenueNum))
	b.uint(wOutletNum, uint64(a.OutletNum))
	b.str(wText, a.Text)
	b.str(wKind, a.Kind)
	b.spans(wSpans, a.Spans...)
	b.str(wCue, a.Cue)
	b.span(wCueSpan, a.CueSpan)
	b.str(wCueKind, a.CueKind)
	b.str(wMention, a.Mention)
	b.span(wMentionSpan, a.MentionSpan)
	b.float(wConfidence, a.Confidence)
	b.date(wPublished, a.Published)
}

// wireReader reads the fields of a binary record.
type wireReader struct {
	b   []byte
	err bool
}

// next returns the next field's number, type and value bytes (for a
// varint or fixed64, the number in v).
func (r *wireReader) next() (n protowire.Number, data []byte, v uint64, ok bool) {
	if r.err || len(r.b) == 0 {
		return 0, nil, 0, false
	}
	n, t, k := protowire.ConsumeTag(r.b)
	if k < 0 {
		r.err = true
		return 0, nil, 0, false
	}
	r.b = r.b[k:]
	switch t {
	case protowire.VarintType:
		v, k = protowire.ConsumeVarint(r.b)
	case protowire.Fixed64Type:
		v, k = protowire.ConsumeFixed64(r.b)
	case protowire.BytesType:
		data, k = protowire.ConsumeBytes(r.b)
	default:
		k = protowire.ConsumeFieldValue(n, t, r.b)
		n = 0 // unknown: skipped
	}
	if k < 0 {
		r.err = true
		return 0, nil, 0, false
	}
	r.b = r.b[k:]
	return n, data, v, true
}

func (r *wireReader) id(data []byte) uuid.UUID {
	if len(data) != 16 {
		r.err = true
		return uuid.Nil
	}
	return uuid.UUID(data)
}

func (r *wireReader) spans(data []byte) []Span {
	var out []Span
	for len(data) > 0 {
		s, k := protowire.ConsumeVarint(data)
		if k < 0 {
			r.err = true
			return nil
		}
		e, j := protowire.ConsumeVarint(data[k:])
		if j < 0 {
			r.err = true
			return nil
		}
		out = append(out, Span{Start: int(s), End: int(e)})
		data = data[k+j:]
	}
	return out
}

func (r *wireReader) span(data []byte) *Span {
	s := r.spans(data)
	if len(s) != 1 {
		r.err = true
		return nil
	}
	return &s[0]
}

func (r *wireReader) date(data []byte) time.Time {
	sec, k := protowire.ConsumeVarint(data)
	if k < 0 {
		r.err = true
		return time.Time{}
	}
	var ns uint64
	if len(data) > k {
		var j int
		if ns, j = protowire.ConsumeVarint(data[k:]); j < 0 {
			r.err = true
		}
	}
	return time.Unix(protowire.DecodeZigZag(sec), int64(ns)).UTC()
}

func decodeOcc(b []byte, o *occRec) error {
	*o = occRec{}
	r := wireReader{b: b}
	for {
		n, data, v, ok := r.next()
		if !ok {
			break
		}
		switch n {
		case wID:
			o.ID = r.id(data)
		case wQuote:
			o.QuoteID = r.id(data)
		case wMatch:
			o.Match = string(data)
		case wScore:
			o.Score = math.Float64frombits(v)
		default:
			r.attribution(&o.attribution, n, data, v)
		}
	}
	if r.err {
		return errWire
	}
	return nil
}

func decodeQuote(b []byte, q *quoteRec) error {
	*q = quoteRec{}
	r := wireReader{b: b}
	canon := false
	for {
		n, data, v, ok := r.next()
		if !ok {
			break
		}
		switch n {
		case wID:
			q.ID = r.id(data)
		case wFirst:
			q.First = r.id(data)
		case wCanon:
			q.Canon, canon = r.id(data), true
		case wCount:
			q.Count = int(v)
		case wConflict:
			q.Conflict = v != 0
		case wSpeakers:
			q.Speakers = append(q.Speakers, r.id(data))
		default:
			r.attribution(&q.attribution, n, data, v)
		}
	}
	if !canon {
		q.Canon = q.First
	}
	if r.err {
		return errWire
	}
	return nil
}

// attribution reads field n into a, if it is one of an attribution's;
// others are skipped.
func (r *wireReader) attribution(a *attribution, n protowire.Number, data []byte, v uint64) {
	switch n {
	case wArticle:
		a.ArticleID = r.id(data)
	case wSpeaker:
		a.SpeakerID = r.id(data)
	case wVenue:
		a.VenueID = r.id(data)
	case wOutlet:
		a.OutletID = r.id(data)
	case wSpeakerNum:
		a.SpeakerNum = uint32(v)
	case wVenueNum:
		a.VenueNum = uint32(v)
	case wOutletNum:
		a.OutletNum = uint32(v)
	case wText:
		a.Text = string(data)
	case wKind:
		a.Kind = string(data)
	case wSpans:
		a.Spans = r.spans(data)
	case wCue:
		a.Cue = string(data)
	case wCueSpan:
		a.CueSpan = r.span(data)
	case wCueKind:
		a.CueKind = string(data)
	case wMention:
		a.Mention = string(data)
	case wMentionSpan:
		a.MentionSpan = r.span(data)
	case wConfidence:
		a.Confidence = math.Float64frombits(v)
	case wPublished:
		a.Published = r.date(data)
	}
}
