package graph

import (
	"encoding/binary"
	"slices"

	"github.com/graphd/graphd/graph/key"
)

// The word index of key layout 5, which upgrades from layouts 1 to 4 still
// write (they rebuild it from the quotes) and the upgrade to layout 6
// reads into the first segment of the search index: per word, blocks of
// up to blockMax postings, one key per block named by its last posting's
// suffix, the word's final block by 24 bytes 0xff,
//
//	0x14 <word> 0x00 <date> <quote id>
//	0x14 <word> 0x00 <0xff × 24>
//
// each a uvarint count, then per posting the gap from the previous
// posting's date (uvarint; the first posting's whole date), the quote id,
// the length of its value (uvarint) and the value; beside them fresh
// postings, one key each, 0x17 <word> 0x00 <date> <quote id>, and the
// term dictionary, 0x15 <stem> 0x00 <word>.

const (
	blockTarget = 32 // postings per block when blocks are built
	blockMax    = 64 // the most postings of a block
)

// writeWordBlocks writes the word index of postings gathered in memory,
// as layout 5 kept it.
func writeWordBlocks(words map[string][]posting, set func(k, v []byte) error) error {
	for w, ps := range words {
		slices.SortFunc(ps, posting.less)
		parts := splitBlocks(ps)
		for i, k := range blockKeys(w, parts, true) {
			if err := set(k, encodeBlock(parts[i])); err != nil {
				return err
			}
		}
	}
	return nil
}

// blockKeys names the blocks of parts, a word's blocks from some block
// on: each by its last posting, the final one, when it ends the word,
// by key.FinalSuffix.
func blockKeys(word string, parts [][]posting, final bool) [][]byte {
	ks := make([][]byte, len(parts))
	for i, part := range parts {
		last := part[len(part)-1].suffix
		if final && i == len(parts)-1 {
			last = key.FinalSuffix
		}
		ks[i] = key.WordBlock(word, last)
	}
	return ks
}

func encodeBlock(ps []posting) []byte {
	n := binary.MaxVarintLen32
	for _, p := range ps {
		n += binary.MaxVarintLen64 + key.IDLen + binary.MaxVarintLen32 + len(p.val)
	}
	b := make([]byte, 0, n)
	b = binary.AppendUvarint(b, uint64(len(ps)))
	var prev uint64
	for i, p := range ps {
		d := binary.BigEndian.Uint64(p.suffix[:key.DateLen])
		if i == 0 {
			b = binary.AppendUvarint(b, d)
		} else {
			b = binary.AppendUvarint(b, d-prev)
		}
		prev = d
		b = append(b, p.suffix[key.DateLen:]...)
		b = binary.AppendUvarint(b, uint64(len(p.val)))
		b = append(b, p.val...)
	}
	return b
}

// decodeBlock appends the postings of block b to out[:0]; their values
// alias b. A block is its count of postings, then the postings as a
// segment's run holds them.
func decodeBlock(b []byte, out []posting) ([]posting, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return out[:0], errBadBlock
	}
	out, err := decodeRun(b[k:], int(n), out[:0])
	if err != nil {
		return out, errBadBlock
	}
	return out, nil
}

// splitBlocks cuts sorted postings into blocks of blockTarget.
func splitBlocks(ps []posting) [][]posting {
	var out [][]posting
	for len(ps) > 0 {
		n := min(len(ps), blockTarget)
		if len(ps) <= blockMax {
			n = len(ps)
		}
		out = append(out, ps[:n])
		ps = ps[n:]
	}
	return out
}
