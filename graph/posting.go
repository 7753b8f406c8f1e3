package graph

import (
	"encoding/binary"
	"errors"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
)

// A posting is one quote's entry in a word's list, as the search index's
// segments keep it (segment.go): the quote's suffix (date, quote id) and
// a value, the quote's facts, then the word's positions:
//
//	kind (1 byte), confidence (uint16, 1/10000), speaker, venue and outlet
//	numbers (uvarint, 0 for none), the quote's length in words (uvarint),
//	then each position as a uvarint gap from the one before
//
// The facts let a search filter on speaker, venue, outlet, kind and
// confidence without another index, and rank without reading quotes.

// posting is one quote's entry in a word's list.
type posting struct {
	suffix [key.SuffixLen]byte
	val    []byte
}

func (p posting) less(q posting) int { return cmpSuffix(p.suffix[:], q.suffix[:]) }

// cmpSuffix compares two 24-byte suffixes (date, quote id) as
// bytes.Compare would, three words at a time: intersections compare
// little else.
func cmpSuffix(a, b []byte) int {
	_, _ = a[key.SuffixLen-1], b[key.SuffixLen-1]
	for i := 0; i < key.SuffixLen; i += 8 {
		x, y := binary.BigEndian.Uint64(a[i:]), binary.BigEndian.Uint64(b[i:])
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	}
	return 0
}

// facts are what a posting tells of its quote besides positions.
type facts struct {
	kind                   byte
	conf                   uint16
	speaker, venue, outlet uint32 // numbers, 0 for none
	length                 int    // of the quote, in words
	positions              []int
}

// encodeFacts is the value of a posting of q with the word at pos.
func encodeFacts(q quoteRec, length int, pos []int) []byte {
	b := make([]byte, 0, facetLen+4*binary.MaxVarintLen32+len(pos)*2)
	b = append(b, quoteFacets(q)...)
	b = binary.AppendUvarint(b, uint64(q.SpeakerNum))
	b = binary.AppendUvarint(b, uint64(q.VenueNum))
	b = binary.AppendUvarint(b, uint64(q.OutletNum))
	b = binary.AppendUvarint(b, uint64(length))
	prev := 0
	for _, p := range pos {
		b = binary.AppendUvarint(b, uint64(p-prev))
		prev = p
	}
	return b
}

// decodeFacts reads a posting value, appending positions to pos[:0]
// when withPos.
func decodeFacts(v []byte, f *facts, withPos bool) bool {
	if len(v) < facetLen {
		return false
	}
	f.kind, f.conf = v[0], binary.BigEndian.Uint16(v[1:3])
	v = v[facetLen:]
	var nums [4]uint64
	for i := range nums {
		n, k := binary.Uvarint(v)
		if k <= 0 {
			return false
		}
		nums[i], v = n, v[k:]
	}
	f.speaker, f.venue, f.outlet, f.length = uint32(nums[0]), uint32(nums[1]), uint32(nums[2]), int(nums[3])
	f.positions = f.positions[:0]
	if !withPos {
		return true
	}
	p := 0
	for len(v) > 0 {
		d, k := binary.Uvarint(v)
		if k <= 0 {
			return false
		}
		p += int(d)
		f.positions = append(f.positions, p)
		v = v[k:]
	}
	return true
}

// wordPostings returns the postings of q, by word.
func wordPostings(q quoteRec) map[string]posting {
	pos, length := search.Positions(q.Text)
	return wordPostingsOf(q, &searchWords{pos: pos, length: length})
}

// wordPostingsOf is wordPostings of q, whose text has the words sw.
func wordPostingsOf(q quoteRec, sw *searchWords) map[string]posting {
	out := make(map[string]posting, len(sw.pos))
	var sfx [key.SuffixLen]byte
	copy(sfx[:], key.Suffix(q.Published, q.ID))
	for w, ps := range sw.pos {
		out[w] = posting{suffix: sfx, val: encodeFacts(q, sw.length, ps)}
	}
	return out
}

var errBadBlock = errors.New("malformed word index block")

// mergePostings merges two sorted lists of postings; of two postings of
// one quote, b's is kept.
func mergePostings(a, b []posting) []posting {
	out := make([]posting, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := cmpSuffix(a[i].suffix[:], b[j].suffix[:]); {
		case c < 0:
			out = append(out, a[i])
			i++
		case c > 0:
			out = append(out, b[j])
			j++
		default:
			out = append(out, b[j])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
