package graph

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
)

// The word index is kept in blocks: one key per run of up to blockMax
// postings of a word, named by the last posting's suffix, but for the
// word's final block, named by 24 bytes 0xff,
//
//	0x14 <word> 0x00 <date> <quote id>
//	0x14 <word> 0x00 <0xff × 24>
//
// so that a forward seek to any suffix lands on the block where it
// belongs. A block is a uvarint count, then per posting the gap
// from the previous posting's date (uvarint; the first posting's whole
// date), the quote id, the length of its value (uvarint) and the value.
// A posting's value is the quote's facts, then the word's positions:
//
//	kind (1 byte), confidence (uint16, 1/10000), speaker, venue and outlet
//	numbers (uvarint, 0 for none), the quote's length in words (uvarint),
//	then each position as a uvarint gap from the one before
//
// Reading a block decodes a hundred postings for the cost of one Badger
// step, and the facts let a search filter on speaker, venue, outlet,
// kind and confidence without another index.

const (
	blockTarget = 32 // postings per block when blocks are built or split
	blockMax    = 64 // a block over this is split
)

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
	out := make(map[string]posting, len(pos))
	var sfx [key.SuffixLen]byte
	copy(sfx[:], key.Suffix(q.Published, q.ID))
	for w, ps := range pos {
		out[w] = posting{suffix: sfx, val: encodeFacts(q, length, ps)}
	}
	return out
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

var errBadBlock = errors.New("malformed word index block")

// decodeBlock appends the postings of block b to out[:0]; their values
// alias b.
func decodeBlock(b []byte, out []posting) ([]posting, error) {
	out = out[:0]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return out, errBadBlock
	}
	b = b[k:]
	var date uint64
	for i := range int(n) {
		d, k := binary.Uvarint(b)
		if k <= 0 {
			return out, errBadBlock
		}
		b = b[k:]
		if i == 0 {
			date = d
		} else {
			date += d
		}
		if len(b) < key.IDLen {
			return out, errBadBlock
		}
		var p posting
		binary.BigEndian.PutUint64(p.suffix[:key.DateLen], date)
		copy(p.suffix[key.DateLen:], b[:key.IDLen])
		b = b[key.IDLen:]
		l, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < l {
			return out, errBadBlock
		}
		p.val = b[k : k+int(l)]
		b = b[k+int(l):]
		out = append(out, p)
	}
	if len(b) != 0 {
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

// wordChange is what one write does to a word's postings.
type wordChange struct {
	add    []posting
	remove [][key.SuffixLen]byte
}

// applyWordChanges writes changes to the word index in txn. It finds the
// blocks through rtxn, a read transaction that sees the store as txn
// does minus txn's own writes; each word is changed once per write.
func applyWordChanges(txn, rtxn *badger.Txn, changes map[string]*wordChange) error {
	if len(changes) == 0 {
		return nil
	}
	o := badger.DefaultIteratorOptions
	o.PrefetchValues = false
	o.Prefix = key.KindWordBlock.Prefix()
	it := rtxn.NewIterator(o)
	defer it.Close()
	for _, w := range sortedKeys(changes) {
		if err := applyWordChange(txn, rtxn, it, w, changes[w]); err != nil {
			return fmt.Errorf("word %q: %w", w, err)
		}
	}
	return nil
}

func applyWordChange(txn, rtxn *badger.Txn, it *badger.Iterator, w string, c *wordChange) error {
	prefix := key.Word(key.KindWordBlock, w)
	// A block touched: its key (nil for the first block of a new word)
	// and postings.
	type block struct {
		key []byte
		ps  []posting
	}
	var blocks []*block
	// covers reports whether b is the block where sfx belongs, as far as
	// b alone tells: at or after its first posting, not after its key.
	covers := func(b *block, sfx []byte) bool {
		if b.key == nil {
			return true
		}
		if len(b.ps) > 0 && bytes.Compare(sfx, b.ps[0].suffix[:]) < 0 {
			return false
		}
		return bytes.Compare(sfx, b.key[len(prefix):]) <= 0
	}
	// New quotes are mostly of late dates: try the final block first,
	// by a lookup, which costs less than a seek.
	final := key.WordBlock(w, key.FinalSuffix)
	switch item, err := rtxn.Get(final); {
	case err == nil:
		v, err := item.ValueCopy(nil)
		if err != nil {
			return dbErr("read word block", err)
		}
		b := &block{key: final}
		if b.ps, err = decodeBlock(v, nil); err != nil {
			return err
		}
		blocks = append(blocks, b)
	case errors.Is(err, badger.ErrKeyNotFound):
		blocks = append(blocks, &block{}) // a new word
	default:
		return dbErr("read word block", err)
	}
	find := func(sfx []byte) (*block, error) {
		for _, b := range blocks {
			if covers(b, sfx) {
				return b, nil
			}
		}
		it.Seek(append(slices.Clone(prefix), sfx...))
		if !it.ValidForPrefix(prefix) {
			b := &block{} // a new word
			blocks = append(blocks, b)
			return b, nil
		}
		k := it.Item().KeyCopy(nil)
		for _, b := range blocks {
			if bytes.Equal(b.key, k) {
				return b, nil
			}
		}
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return nil, dbErr("read word block", err)
		}
		b := &block{key: k}
		if b.ps, err = decodeBlock(v, nil); err != nil {
			return nil, err
		}
		blocks = append(blocks, b)
		return b, nil
	}
	for _, sfx := range c.remove {
		b, err := find(sfx[:])
		if err != nil {
			return err
		}
		i, ok := slices.BinarySearchFunc(b.ps, sfx, func(p posting, s [key.SuffixLen]byte) int { return bytes.Compare(p.suffix[:], s[:]) })
		if ok {
			b.ps = slices.Delete(b.ps, i, i+1)
		}
	}
	// The additions, sorted, go to their blocks in runs, each block
	// merged once.
	slices.SortFunc(c.add, posting.less)
	pending := map[*block][]posting{}
	var cur *block
	for _, p := range c.add {
		if cur == nil || !covers(cur, p.suffix[:]) {
			var err error
			if cur, err = find(p.suffix[:]); err != nil {
				return err
			}
		}
		pending[cur] = append(pending[cur], p)
	}
	for b, add := range pending {
		b.ps = mergePostings(b.ps, add)
	}
	slices.SortFunc(blocks, func(a, b *block) int { return bytes.Compare(a.key, b.key) })
	for _, b := range blocks {
		final := b.key == nil || bytes.Equal(b.key[len(prefix):], key.FinalSuffix[:])
		parts := splitBlocks(b.ps)
		ks := blockKeys(w, parts, final)
		if final && len(parts) == 0 && b.key != nil {
			// The final block emptied: the block before becomes final.
			if err := del(txn, b.key); err != nil {
				return err
			}
			if err := refinal(txn, it, prefix, w); err != nil {
				return err
			}
			continue
		}
		if b.key != nil && (len(ks) != 1 || !bytes.Equal(ks[0], b.key)) {
			if err := del(txn, b.key); err != nil {
				return err
			}
		}
		for i, part := range parts {
			if err := set(txn, ks[i], encodeBlock(part)); err != nil {
				return err
			}
		}
	}
	return nil
}

// refinal renames the last block of word w before its final one, which
// was just deleted, as the final block. A block also changed by this
// write is not seen here; blocks only empty on deletes, and a word's
// postings are deleted with a whole article's, so that is rare enough to
// take a Badger seek in reverse.
func refinal(txn *badger.Txn, it *badger.Iterator, prefix []byte, w string) error {
	o := badger.DefaultIteratorOptions
	o.Reverse = true
	o.Prefix = prefix
	rit := txn.NewIterator(o)
	defer rit.Close()
	if rit.Seek(key.WordBlock(w, key.FinalSuffix)); !rit.ValidForPrefix(prefix) {
		return nil // the word has no postings left
	}
	k := rit.Item().KeyCopy(nil)
	v, err := rit.Item().ValueCopy(nil)
	if err != nil {
		return dbErr("read word block", err)
	}
	if err := del(txn, k); err != nil {
		return err
	}
	return set(txn, key.WordBlock(w, key.FinalSuffix), v)
}

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

// blockStream reads a word's postings, forward only, within dates [lo, hi].
type blockStream struct {
	it      *badger.Iterator
	prefix  []byte
	lo, hi  []byte
	ps      []posting
	i       int
	last    []byte // key suffix of the loaded block
	started bool
	done    bool
	buf     []byte
	err     error
}

// load decodes the block under the iterator, or ends the stream.
func (s *blockStream) load() bool {
	s.ps, s.i = s.ps[:0], 0
	if !s.it.Valid() {
		s.done = true
		return false
	}
	item := s.it.Item()
	s.last = append(s.last[:0], item.Key()[len(s.prefix):]...)
	err := item.Value(func(v []byte) error {
		var err error
		s.buf = append(s.buf[:0], v...)
		s.ps, err = decodeBlock(s.buf, s.ps)
		return err
	})
	if err != nil || len(s.ps) == 0 {
		s.err = fmt.Errorf("block %q: %v", item.Key(), err)
		s.done = true
		return false
	}
	return true
}

// settle checks the current posting against the date bounds.
func (s *blockStream) settle() bool {
	if s.done {
		return false
	}
	for s.i >= len(s.ps) {
		s.it.Next()
		if !s.load() {
			return false
		}
	}
	if bytes.Compare(s.ps[s.i].suffix[:key.DateLen], s.hi) > 0 {
		s.done = true
		return false
	}
	return true
}

func (s *blockStream) seek(target []byte) bool {
	if s.done {
		return false
	}
	if s.started && cmpSuffix(s.ps[s.i].suffix[:], target) >= 0 {
		return true
	}
	if !s.started || cmpSuffix(s.last, target) < 0 {
		// The target is often in the next block: step there, and seek
		// only if it is further.
		if s.started {
			s.it.Next()
		}
		if !s.started || s.it.Valid() && bytes.Compare(s.it.Item().Key()[len(s.prefix):], target) < 0 {
			s.it.Seek(append(append(s.buf[:0:0], s.prefix...), target...))
		}
		s.started = true
		if !s.load() {
			return false
		}
	}
	if cmpSuffix(s.ps[s.i].suffix[:], target) >= 0 {
		return s.settle()
	}
	// Gallop: the next match in an intersection is often a few postings
	// on.
	lo, step := s.i, 1
	for lo+step < len(s.ps) && cmpSuffix(s.ps[lo+step].suffix[:], target) < 0 {
		lo += step
		step *= 2
	}
	hi := min(lo+step+1, len(s.ps))
	i, _ := slices.BinarySearchFunc(s.ps[lo:hi], target, func(p posting, t []byte) int { return cmpSuffix(p.suffix[:], t) })
	s.i = lo + i
	return s.settle()
}

func (s *blockStream) next() bool {
	if s.done || !s.started {
		return false
	}
	s.i++
	return s.settle()
}

func (s *blockStream) cur() []byte {
	if s.done || !s.started {
		return nil
	}
	return s.ps[s.i].suffix[:]
}

func (s *blockStream) value() []byte {
	if s.done || !s.started {
		return nil
	}
	return s.ps[s.i].val
}
