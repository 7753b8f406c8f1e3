package graph

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
)

// wantPosting is a word posting a quote calls for, and the live segment
// Check found it in (0 until found).
type wantPosting struct {
	val []byte
	seg uint64
}

// segments checks the search index: the directory; every live segment's
// blocks well formed, in order and named by their last entry, its
// dictionary's posting counts, stems and sizes as the directory lists
// them, its deletions naming postings it holds; every posting not
// deleted one that a quote calls for, with the value it calls for, in
// exactly one live segment, and every posting a quote calls for there;
// the document frequencies added up over the live segments what the
// quotes call for; and no key of a segment the directory does not know.
func (c *checker) segments() error {
	v, _, err := get(c.txn, key.Segments())
	if err != nil {
		return err
	}
	d, err := decodeSegDir(v)
	if err != nil {
		return c.fail("search index: %v", err)
	}
	known := map[uint64]bool{}
	var prev uint64
	for _, g := range d.live {
		if g.num <= prev || g.num >= d.next || g.delSeq >= d.next {
			if err := c.fail("search index: segment %d out of order or not below %d", g.num, d.next); err != nil {
				return err
			}
		}
		prev = g.num
		known[g.num] = true
	}
	for _, m := range d.merging {
		for _, n := range m.ins {
			if d.find(n) == nil {
				if err := c.fail("search index: the merge into segment %d takes segment %d, which is not live", m.out, n); err != nil {
					return err
				}
			}
		}
		known[m.out] = true // the output of a merge under way: written, not yet read
	}
	for _, n := range d.dropping {
		known[n] = true // merged, its keys still to delete
	}
	if err := c.segmentStrays(known); err != nil {
		return err
	}
	df := map[string]int64{}
	for _, g := range d.live {
		if err := c.segment(g, df); err != nil {
			return err
		}
	}
	for _, w := range sortedKeys(c.words) {
		for sfx, want := range c.words[w] {
			if want.seg == 0 {
				if err := c.fail("word %q: posting of quote %s missing from the search index", w, uuid.UUID(sfx[key.DateLen:])); err != nil {
					return err
				}
			}
		}
	}
	for _, w := range sortedKeys(df) {
		if df[w] != c.df[w] {
			if err := c.fail("word %q: the segments count %d quotes holding it, the quotes %d", w, df[w], c.df[w]); err != nil {
				return err
			}
		}
	}
	for _, w := range sortedKeys(c.df) {
		if _, ok := df[w]; !ok {
			if err := c.fail("word %q: in no segment's dictionary, %d quotes hold it", w, c.df[w]); err != nil {
				return err
			}
		}
	}
	return nil
}

// segmentStrays reports the keys of segments the directory does not know.
func (c *checker) segmentStrays(known map[uint64]bool) error {
	for _, k := range []key.Kind{key.KindSegmentBlock, key.KindSegmentTerms, key.KindSegmentDeletes} {
		it := keysOnly(c.txn, k.Prefix())
		for it.Rewind(); it.Valid(); {
			kb := it.Item().Key()
			if len(kb) < 1+key.SegLen {
				err := c.fail("search index key %x malformed", kb)
				if err != nil {
					it.Close()
					return err
				}
				it.Next()
				continue
			}
			n := binary.BigEndian.Uint64(kb[1:])
			if !known[n] {
				if err := c.fail("search index key %x: segment %d is not in the directory", kb, n); err != nil {
					it.Close()
					return err
				}
			}
			it.Seek(key.Segment(k, n+1))
		}
		it.Close()
	}
	return nil
}

// segment checks live segment g and adds its dictionary's changes to df.
func (c *checker) segment(g segInfo, df map[string]int64) error {
	fail := func(format string, args ...any) error {
		return c.fail("search segment %d: "+format, append([]any{g.num}, args...)...)
	}
	bytesSeen := 0
	// Dictionary.
	var terms []termEntry
	it := keysOnly(c.txn, key.Segment(key.KindSegmentTerms, g.num))
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			it.Close()
			return dbErr("read search segment", err)
		}
		bytesSeen += len(v)
		n := len(terms)
		if terms, err = decodeTerms(v, terms); err != nil || len(terms) == n {
			it.Close()
			return fail("dictionary block %q: %v", k, errors.Join(err, errBadSegment))
		}
		if last := terms[len(terms)-1].word; !bytes.Equal(k[1+key.SegLen:], []byte(last)) {
			if err := fail("dictionary block %q: named by %q, ends with %q", k, k[1+key.SegLen:], last); err != nil {
				it.Close()
				return err
			}
		}
	}
	it.Close()
	counts := map[string]int{}
	for i, e := range terms {
		if i > 0 && terms[i-1].word >= e.word {
			if err := fail("dictionary: %q after %q", e.word, terms[i-1].word); err != nil {
				return err
			}
		}
		if e.stem != search.Stem(e.word) {
			if err := fail("dictionary: %q under stem %q, not %q", e.word, e.stem, search.Stem(e.word)); err != nil {
				return err
			}
		}
		if e.df == 0 && e.postings == 0 {
			if err := fail("dictionary: %q changes nothing", e.word); err != nil {
				return err
			}
		}
		df[e.word] += e.df
		counts[e.word] = e.postings
	}
	if len(terms) != g.terms {
		if err := fail("%d dictionary entries, the directory says %d", len(terms), g.terms); err != nil {
			return err
		}
	}
	// Deletions.
	dels := map[[key.SuffixLen]byte]int{}
	deleted, last := 0, uint64(0)
	it = keysOnly(c.txn, key.Segment(key.KindSegmentDeletes, g.num))
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		write := binary.BigEndian.Uint64(k[1+key.SegLen:])
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			it.Close()
			return dbErr("read search segment", err)
		}
		ds, err := decodeDeletes(v, write, nil)
		if err != nil || len(ds) == 0 {
			it.Close()
			return fail("deletions of write %d: %v", write, errors.Join(err, errBadSegment))
		}
		if write <= g.num || write > g.delSeq {
			if err := fail("deletions of write %d, not after the segment and by %d", write, g.delSeq); err != nil {
				it.Close()
				return err
			}
		}
		last = max(last, write)
		for i, x := range ds {
			if i > 0 && bytes.Compare(ds[i-1].suffix[:], x.suffix[:]) >= 0 {
				if err := fail("deletions of write %d out of order", write); err != nil {
					it.Close()
					return err
				}
			}
			if _, dup := dels[x.suffix]; dup {
				if err := fail("quote %s deleted twice", uuid.UUID(x.suffix[key.DateLen:])); err != nil {
					it.Close()
					return err
				}
			}
			dels[x.suffix] = x.postings
			deleted += x.postings
		}
	}
	it.Close()
	if deleted != g.deleted || last != g.delSeq {
		if err := fail("%d postings deleted, last by write %d; the directory says %d, by %d", deleted, last, g.deleted, g.delSeq); err != nil {
			return err
		}
	}
	// Postings.
	postings := map[string]int{}
	delFound := map[[key.SuffixLen]byte]int{}
	var lastWord string
	var lastSfx [key.SuffixLen]byte
	n := 0
	var minDate, maxDate uint64
	it = keysOnly(c.txn, key.Segment(key.KindSegmentBlock, g.num))
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return dbErr("read search segment", err)
		}
		bytesSeen += len(v)
		runs := 0
		err = blockRuns(v, func(wb []byte, count int, data []byte) error {
			runs++
			w := string(wb)
			ps, err := decodeRun(data, count, nil)
			if err != nil || len(ps) == 0 {
				return errors.Join(err, errBadSegment)
			}
			for _, p := range ps {
				if n > 0 && (strings.Compare(w, lastWord) < 0 || w == lastWord && cmpSuffix(p.suffix[:], lastSfx[:]) <= 0) {
					return fmt.Errorf("posting %q %x out of order", w, p.suffix)
				}
				date := binary.BigEndian.Uint64(p.suffix[:key.DateLen])
				if n == 0 || date < minDate {
					minDate = date
				}
				maxDate = max(maxDate, date)
				n++
				lastWord, lastSfx = w, p.suffix
				postings[w]++
				if _, ok := dels[p.suffix]; ok {
					delFound[p.suffix]++
					continue
				}
				want, ok := c.words[w][p.suffix]
				switch {
				case !ok:
					if err := fail("word %q: posting of quote %s that no quote calls for", w, uuid.UUID(p.suffix[key.DateLen:])); err != nil {
						return err
					}
				case want.seg != 0:
					if err := fail("word %q: posting of quote %s live in segment %d too", w, uuid.UUID(p.suffix[key.DateLen:]), want.seg); err != nil {
						return err
					}
				case !bytes.Equal(want.val, p.val):
					want.seg = g.num
					if err := fail("word %q: posting of quote %s is %x, want %x", w, uuid.UUID(p.suffix[key.DateLen:]), p.val, want.val); err != nil {
						return err
					}
				default:
					want.seg = g.num
				}
			}
			return nil
		})
		if err == nil && runs == 0 {
			err = errBadSegment
		}
		if err != nil {
			if errors.Is(err, errEnough) {
				return err
			}
			return fail("block %q: %v", k, err)
		}
		if !bytes.Equal(k, key.SegmentBlock(g.num, lastWord, lastSfx[:])) {
			if err := fail("block %q: not named by its last posting", k); err != nil {
				return err
			}
		}
	}
	if n != g.postings || bytesSeen != g.bytes || minDate != g.minDate || maxDate != g.maxDate {
		if err := fail("%d postings of %d bytes, dates %d to %d; the directory says %d of %d bytes, %d to %d",
			n, bytesSeen, minDate, maxDate, g.postings, g.bytes, g.minDate, g.maxDate); err != nil {
			return err
		}
	}
	for _, w := range sortedKeys(postings) {
		if counts[w] != postings[w] {
			if err := fail("word %q: %d postings, the dictionary says %d", w, postings[w], counts[w]); err != nil {
				return err
			}
		}
	}
	for _, e := range terms {
		if e.postings > 0 && postings[e.word] == 0 {
			if err := fail("word %q: no postings, the dictionary says %d", e.word, e.postings); err != nil {
				return err
			}
		}
	}
	sfxs := make([][key.SuffixLen]byte, 0, len(dels))
	for sfx := range dels {
		sfxs = append(sfxs, sfx)
	}
	slices.SortFunc(sfxs, func(a, b [key.SuffixLen]byte) int { return bytes.Compare(a[:], b[:]) })
	for _, sfx := range sfxs {
		if delFound[sfx] != dels[sfx] {
			if err := fail("quote %s deleted with %d postings, the segment holds %d", uuid.UUID(sfx[key.DateLen:]), dels[sfx], delFound[sfx]); err != nil {
				return err
			}
		}
	}
	return nil
}
