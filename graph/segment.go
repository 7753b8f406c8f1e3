package graph

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
)

// The search index is a set of segments, as Lucene's is. A segment is
// written once, by the transaction whose quotes it indexes or by a merge
// of older segments, and never changed: its postings, sorted by word and
// then by quote (date, quote id), cut into blocks of a few kilobytes,
//
//	0x81 <segment> <word> 0x00 <date> <quote id>   a block, named by its last posting
//
// and its term dictionary, sorted by word, cut into blocks the same way,
//
//	0x82 <segment> <word>                          a block, named by its last word
//
// A block of postings holds runs, one per word: the word, its number of
// postings and their bytes, then each posting as the word index always
// had it (the date as a uvarint gap from the run's previous posting, the
// quote id, a uvarint-length value: facets, numbers, the quote's length
// and the word's positions). A word's postings fill blocks in order, so
// a forward seek to <segment><word> 0x00 <suffix> lands on the block
// that holds the word's first posting at or after the suffix, and the
// word's postings go on into the next block only when this one's last
// posting is the word's.
//
// A dictionary entry is a word, its English stem, the change the segment
// makes to the number of quotes that hold the word (its document
// frequency), and the number of the word's postings the segment holds.
// The changes are signed: a write that takes a quote out of the index
// subtracts its words in its own segment, while the quote's postings
// stay in the older segment that holds them, marked deleted,
//
//	0x83 <segment> <write>                         the postings of the segment that write deleted
//
// So the document frequency of a word is the sum of its changes over the
// live segments, exact at every moment, and a merge adds up the changes
// of its inputs. A merge drops the deleted postings of its inputs and
// their deletion keys go with the inputs.
//
// The directory, one key,
//
//	0x80                                           the live segments and the merge under way
//
// lists the live segments with their sizes; readers read the segments it
// lists, so a write or a merge changes what they see in the transaction
// that changes it.

const (
	segBlockBytes    = 4096 // a block is closed once it holds this many bytes
	segBlockPostings = 128  // or this many postings
)

// segInfo is a live segment as the directory lists it.
type segInfo struct {
	num      uint64
	postings int    // postings stored
	deleted  int    // of them, deleted by later writes
	terms    int    // dictionary entries
	bytes    int    // of its blocks
	delSeq   uint64 // the last write that deleted postings of it; 0 for none
	minDate  uint64 // of its postings; 0 and 0 for none
	maxDate  uint64
}

// size is what the merge policy weighs a segment by.
func (g segInfo) size() int { return g.postings + g.terms }

// segMerge is a merge under way: its output, written under a number the
// directory does not list until the merge is done, and its inputs. The
// deletions of the inputs by writes numbered up to through are applied
// to the output; later ones are carried over to it when it is done.
type segMerge struct {
	out     uint64
	through uint64
	ins     []uint64
}

// segDir is the search index's directory: the next segment number to
// hand out, the live segments in number order, the merges under way, and
// the segments a merge replaced whose keys are still to be deleted.
type segDir struct {
	next     uint64
	live     []segInfo
	merging  []segMerge
	dropping []uint64
}

// newSegDir is the directory of a store without segments.
func newSegDir() *segDir { return &segDir{next: 1} }

// find returns the live segment numbered num.
func (d *segDir) find(num uint64) *segInfo {
	i, ok := slices.BinarySearchFunc(d.live, num, func(g segInfo, n uint64) int {
		switch {
		case g.num < n:
			return -1
		case g.num > n:
			return 1
		}
		return 0
	})
	if !ok {
		return nil
	}
	return &d.live[i]
}

// clone returns a copy of d that may be changed without changing d.
func (d *segDir) clone() *segDir {
	c := &segDir{next: d.next, live: slices.Clone(d.live), dropping: slices.Clone(d.dropping)}
	for _, m := range d.merging {
		m.ins = slices.Clone(m.ins)
		c.merging = append(c.merging, m)
	}
	return c
}

const segDirVersion = 1

func (d *segDir) encode() []byte {
	b := []byte{segDirVersion}
	b = binary.AppendUvarint(b, d.next)
	b = binary.AppendUvarint(b, uint64(len(d.live)))
	for _, g := range d.live {
		for _, x := range []uint64{g.num, uint64(g.postings), uint64(g.deleted), uint64(g.terms), uint64(g.bytes), g.delSeq, g.minDate, g.maxDate} {
			b = binary.AppendUvarint(b, x)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(d.merging)))
	for _, m := range d.merging {
		b = binary.AppendUvarint(b, m.out)
		b = binary.AppendUvarint(b, m.through)
		b = binary.AppendUvarint(b, uint64(len(m.ins)))
		for _, n := range m.ins {
			b = binary.AppendUvarint(b, n)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(d.dropping)))
	for _, n := range d.dropping {
		b = binary.AppendUvarint(b, n)
	}
	return b
}

var errBadSegment = errors.New("malformed search index segment")

// decodeSegDir reads a directory; nil or empty bytes are a store without
// segments.
func decodeSegDir(v []byte) (*segDir, error) {
	if len(v) == 0 {
		return newSegDir(), nil
	}
	if v[0] != segDirVersion {
		return nil, fmt.Errorf("%w: directory version %d", errBadSegment, v[0])
	}
	r := uvarints{b: v[1:]}
	d := &segDir{next: r.next()}
	n := r.next()
	if n > uint64(len(v)) {
		return nil, fmt.Errorf("%w: directory of %d segments in %d bytes", errBadSegment, n, len(v))
	}
	d.live = make([]segInfo, 0, n)
	for range n {
		g := segInfo{num: r.next(), postings: int(r.next()), deleted: int(r.next()), terms: int(r.next()),
			bytes: int(r.next()), delSeq: r.next(), minDate: r.next(), maxDate: r.next()}
		d.live = append(d.live, g)
	}
	merges := r.next()
	for i := uint64(0); i < merges && r.err == nil; i++ {
		m := segMerge{out: r.next(), through: r.next()}
		k := r.next()
		for j := uint64(0); j < k && r.err == nil; j++ {
			m.ins = append(m.ins, r.next())
		}
		d.merging = append(d.merging, m)
	}
	k := r.next()
	for i := uint64(0); i < k && r.err == nil; i++ {
		d.dropping = append(d.dropping, r.next())
	}
	if r.err != nil || len(r.b) != 0 {
		return nil, fmt.Errorf("%w: directory", errBadSegment)
	}
	return d, nil
}

// uvarints reads uvarints until the first error, which it keeps.
type uvarints struct {
	b   []byte
	err error
}

func (r *uvarints) next() uint64 {
	if r.err != nil {
		return 0
	}
	x, k := binary.Uvarint(r.b)
	if k <= 0 {
		r.err = errBadSegment
		return 0
	}
	r.b = r.b[k:]
	return x
}

func (r *uvarints) bytes(n uint64) []byte {
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errBadSegment
		return nil
	}
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

// termEntry is one word of a segment's term dictionary.
type termEntry struct {
	word, stem string
	df         int64 // the change to the number of quotes that hold the word
	postings   int   // postings of the word in the segment
}

// segBuilder writes a segment: postings in (word, suffix) order and
// dictionary entries in word order, each cut into blocks as it goes.
type segBuilder struct {
	num  uint64
	put  func(k, v []byte) error
	info segInfo
	// the block of postings being filled: its runs, its size
	runs     []segRun
	size     int
	count    int
	lastWord string
	lastSfx  [key.SuffixLen]byte
	prevDate uint64
	// the dictionary block being filled
	tbuf   []byte
	tcount int
	tlast  string
	n      int // blocks written
}

// segRun is one word's postings in a block.
type segRun struct {
	word string
	n    int
	data []byte
}

func newSegBuilder(num uint64, put func(k, v []byte) error) *segBuilder {
	return &segBuilder{num: num, put: put, info: segInfo{num: num}}
}

// add adds word's posting p; postings come in (word, suffix) order.
func (b *segBuilder) add(word string, p posting) error {
	if b.info.postings > 0 {
		if c := strings.Compare(word, b.lastWord); c < 0 || c == 0 && cmpSuffix(p.suffix[:], b.lastSfx[:]) <= 0 {
			return fmt.Errorf("%w: posting %q %x out of order", errBadSegment, word, p.suffix)
		}
	}
	date := binary.BigEndian.Uint64(p.suffix[:key.DateLen])
	if len(b.runs) == 0 || b.runs[len(b.runs)-1].word != word {
		b.runs = append(b.runs, segRun{word: word})
		b.size += len(word) + 8
		b.prevDate = 0
	}
	r := &b.runs[len(b.runs)-1]
	n := len(r.data)
	r.data = binary.AppendUvarint(r.data, date-b.prevDate)
	r.data = append(r.data, p.suffix[key.DateLen:]...)
	r.data = binary.AppendUvarint(r.data, uint64(len(p.val)))
	r.data = append(r.data, p.val...)
	r.n++
	b.size += len(r.data) - n
	b.count++
	b.prevDate = date
	b.lastWord, b.lastSfx = word, p.suffix
	if b.info.postings == 0 || date < b.info.minDate {
		b.info.minDate = date
	}
	b.info.maxDate = max(b.info.maxDate, date)
	b.info.postings++
	if b.size >= segBlockBytes || b.count >= segBlockPostings {
		return b.flushBlock()
	}
	return nil
}

func (b *segBuilder) flushBlock() error {
	if len(b.runs) == 0 {
		return nil
	}
	v := make([]byte, 0, b.size+binary.MaxVarintLen32)
	v = binary.AppendUvarint(v, uint64(len(b.runs)))
	for _, r := range b.runs {
		v = binary.AppendUvarint(v, uint64(len(r.word)))
		v = append(v, r.word...)
		v = binary.AppendUvarint(v, uint64(r.n))
		v = binary.AppendUvarint(v, uint64(len(r.data)))
		v = append(v, r.data...)
	}
	k := key.SegmentBlock(b.num, b.lastWord, b.lastSfx[:])
	b.info.bytes += len(v)
	b.runs, b.size, b.count = b.runs[:0], 0, 0
	b.n++
	return b.put(k, v)
}

// term adds a dictionary entry; entries come in word order.
func (b *segBuilder) term(e termEntry) error {
	if b.info.terms > 0 && e.word <= b.tlast {
		return fmt.Errorf("%w: term %q out of order", errBadSegment, e.word)
	}
	if b.tcount == 0 {
		b.tbuf = b.tbuf[:0]
	}
	b.tbuf = appendTerm(b.tbuf, e)
	b.tcount++
	b.tlast = e.word
	b.info.terms++
	if len(b.tbuf) >= segBlockBytes || b.tcount >= segBlockPostings {
		return b.flushTerms()
	}
	return nil
}

func appendTerm(b []byte, e termEntry) []byte {
	b = binary.AppendUvarint(b, uint64(len(e.word)))
	b = append(b, e.word...)
	shared := 0
	for shared < len(e.stem) && shared < len(e.word) && e.stem[shared] == e.word[shared] {
		shared++
	}
	b = binary.AppendUvarint(b, uint64(shared))
	b = binary.AppendUvarint(b, uint64(len(e.stem)-shared))
	b = append(b, e.stem[shared:]...)
	b = binary.AppendVarint(b, e.df)
	return binary.AppendUvarint(b, uint64(e.postings))
}

func (b *segBuilder) flushTerms() error {
	if b.tcount == 0 {
		return nil
	}
	v := binary.AppendUvarint(make([]byte, 0, len(b.tbuf)+binary.MaxVarintLen32), uint64(b.tcount))
	v = append(v, b.tbuf...)
	b.info.bytes += len(v)
	b.tcount = 0
	b.n++
	return b.put(key.SegmentTerms(b.num, b.tlast), v)
}

// finish writes the last blocks and returns the segment as the directory
// lists it.
func (b *segBuilder) finish() (segInfo, error) {
	if err := b.flushBlock(); err != nil {
		return segInfo{}, err
	}
	if err := b.flushTerms(); err != nil {
		return segInfo{}, err
	}
	return b.info, nil
}

// decodeTerms appends the entries of a dictionary block to out.
func decodeTerms(v []byte, out []termEntry) ([]termEntry, error) {
	r := uvarints{b: v}
	n := r.next()
	if n > uint64(len(v)) {
		return out, errBadSegment
	}
	for range n {
		word := string(r.bytes(r.next()))
		shared := r.next()
		rest := r.bytes(r.next())
		if shared > uint64(len(word)) {
			return out, errBadSegment
		}
		stem := word[:shared] + string(rest)
		df, k := binary.Varint(r.b)
		if r.err != nil || k <= 0 {
			return out, errBadSegment
		}
		r.b = r.b[k:]
		postings := r.next()
		if r.err != nil {
			return out, errBadSegment
		}
		out = append(out, termEntry{word: word, stem: stem, df: df, postings: int(postings)})
	}
	if len(r.b) != 0 {
		return out, errBadSegment
	}
	return out, nil
}

// blockRuns calls fn with each run of a block of postings: its word, its
// number of postings and their bytes, which alias v.
func blockRuns(v []byte, fn func(word []byte, n int, data []byte) error) error {
	r := uvarints{b: v}
	runs := r.next()
	if runs > uint64(len(v)) {
		return errBadSegment
	}
	for range runs {
		word := r.bytes(r.next())
		n := r.next()
		data := r.bytes(r.next())
		if r.err != nil || n > uint64(len(data)) {
			return errBadSegment
		}
		if err := fn(word, int(n), data); err != nil {
			return err
		}
	}
	if len(r.b) != 0 {
		return errBadSegment
	}
	return nil
}

// blockRun returns word's run in a block of postings; n is 0 when the
// block has none.
func blockRun(v []byte, word string) (n int, data []byte, err error) {
	errFound := errors.New("found")
	err = blockRuns(v, func(w []byte, k int, d []byte) error {
		switch c := bytes.Compare(w, []byte(word)); {
		case c == 0:
			n, data = k, d
			return errFound
		case c > 0:
			return errFound
		}
		return nil
	})
	if err == errFound {
		err = nil
	}
	return n, data, err
}

// decodeRun appends the n postings of a run to out; their values alias
// data.
func decodeRun(data []byte, n int, out []posting) ([]posting, error) {
	var date uint64
	for range n {
		d, k := binary.Uvarint(data)
		if k <= 0 {
			return out, errBadSegment
		}
		data = data[k:]
		date += d
		if len(data) < key.IDLen {
			return out, errBadSegment
		}
		var p posting
		binary.BigEndian.PutUint64(p.suffix[:key.DateLen], date)
		copy(p.suffix[key.DateLen:], data[:key.IDLen])
		data = data[key.IDLen:]
		l, k := binary.Uvarint(data)
		if k <= 0 || uint64(len(data)-k) < l {
			return out, errBadSegment
		}
		p.val = data[k : k+int(l)]
		data = data[k+int(l):]
		out = append(out, p)
	}
	if len(data) != 0 {
		return out, errBadSegment
	}
	return out, nil
}

// segDelete is one quote whose postings a write deleted from a segment:
// its suffix, how many postings (words) of the segment that is, and the
// write.
type segDelete struct {
	suffix   [key.SuffixLen]byte
	postings int
	write    uint64
}

// encodeDeletes is the value of a deletion key: the deleted quotes'
// suffixes in order, each with its number of postings.
func encodeDeletes(ds []segDelete) []byte {
	b := binary.AppendUvarint(nil, uint64(len(ds)))
	for _, d := range ds {
		b = append(b, d.suffix[:]...)
		b = binary.AppendUvarint(b, uint64(d.postings))
	}
	return b
}

func decodeDeletes(v []byte, write uint64, out []segDelete) ([]segDelete, error) {
	r := uvarints{b: v}
	n := r.next()
	if n > uint64(len(v)) {
		return out, errBadSegment
	}
	for range n {
		var d segDelete
		copy(d.suffix[:], r.bytes(key.SuffixLen))
		d.postings, d.write = int(r.next()), write
		if r.err != nil {
			return out, errBadSegment
		}
		out = append(out, d)
	}
	if len(r.b) != 0 {
		return out, errBadSegment
	}
	return out, nil
}

// writeIndex writes postings gathered in memory, by word, as the one
// segment of a search index that has none (a load, an upgrade), each word
// held by as many quotes as it has postings, and the directory listing
// it.
func writeIndex(words map[string][]posting, put func(k, v []byte) error) error {
	ws := sortedKeys(words)
	b := newSegBuilder(1, put)
	for _, w := range ws {
		ps := words[w]
		slices.SortFunc(ps, posting.less)
		for _, p := range ps {
			if err := b.add(w, p); err != nil {
				return err
			}
		}
	}
	for _, w := range ws {
		n := len(words[w])
		if err := b.term(termEntry{word: w, stem: search.Stem(w), df: int64(n), postings: n}); err != nil {
			return err
		}
	}
	info, err := b.finish()
	if err != nil {
		return err
	}
	d := &segDir{next: 2}
	if info.postings > 0 || info.terms > 0 {
		d.live = []segInfo{info}
	}
	return put(key.Segments(), d.encode())
}
