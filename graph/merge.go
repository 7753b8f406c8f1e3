package graph

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
)

// Every write adds a segment, so segments are merged, as Lucene's are, by
// size tiers: a segment's level is how many times mergeFactor its size
// (postings and dictionary entries) is above mergeFloor, and once a
// level holds mergeFactor segments the smallest of them (up to twice as
// many) are merged into one, of the next level. A segment of which a
// quarter of the postings were deleted is merged alone, which drops them.
// Each posting is so rewritten about once per level, log8 of the index's
// size over mergeFloor times in all, and the index holds at most
// mergeFactor-1 segments a level besides those being merged.
//
// A merge reads its inputs from one snapshot and writes the output under
// a new number; the transaction that lists the output in the directory
// takes the inputs out of it, so that readers see either the inputs or
// the merge, never both nor neither. Small merges (at most
// inlineMergeMax) run in one transaction right after the write that
// called for them, while the writer still holds the store: a merge of
// eight one-article segments costs about what writing them did. Larger
// ones run in the background (a store on disk open for writing runs two
// workers, one for merges of at most smallMergeMax, one for larger), in
// steps: the output is built from a snapshot, its blocks written a batch
// at a time, while writes go on; then, holding the writer for one short
// transaction, the directory is switched over, and the deletions that
// writes made meanwhile in the inputs are carried over to the output;
// then the inputs' keys are deleted. A merge is stopped between two
// batches by Close (graphd serve's SIGTERM) or its context (MergePostings,
// graphd ingest's SIGINT), and a merge that a stop or a crash cut short is
// deleted by the next: the directory names the merge under way and the
// inputs still to delete, so nothing is left behind.

const (
	mergeFactor    = 8
	mergeFloor     = 2048
	inlineMergeMax = 16 << 10
	smallMergeMax  = 256 << 10
	// mergeBatch bounds the bytes a background merge writes in one step.
	mergeBatch = 4 << 20
	// mergeEvery is how often the background workers look for merges
	// when no write wakes them.
	mergeEvery = time.Minute
)

// mergeLevel is the level of a segment of size.
func mergeLevel(size int) int {
	l := 0
	for s := mergeFloor; size >= s; s *= mergeFactor {
		l++
	}
	return l
}

// busy reports whether a merge under way takes segment num.
func (d *segDir) busy(num uint64) bool {
	return slices.ContainsFunc(d.merging, func(m segMerge) bool { return slices.Contains(m.ins, num) })
}

// merge returns the index of the merge under way into out, -1 for none.
func (d *segDir) merge(out uint64) int {
	return slices.IndexFunc(d.merging, func(m segMerge) bool { return m.out == out })
}

// pickMerge chooses the next merge of d whose size is in (lo, hi]: the
// smallest segments of the lowest level that holds mergeFactor segments
// no merge under way takes, or else a segment with many deletions. It
// returns nil when there is none.
func (d *segDir) pickMerge(lo, hi int) []segInfo {
	levels := map[int][]segInfo{}
	top := 0
	for _, g := range d.live {
		if d.busy(g.num) {
			continue
		}
		l := mergeLevel(g.size())
		levels[l] = append(levels[l], g)
		top = max(top, l)
	}
	for l := 0; l <= top; l++ {
		gs := levels[l]
		if len(gs) < mergeFactor {
			continue
		}
		slices.SortStableFunc(gs, func(a, b segInfo) int { return a.size() - b.size() })
		var take []segInfo
		total := 0
		for _, g := range gs[:min(len(gs), 2*mergeFactor)] {
			if total+g.size() > hi && len(take) >= mergeFactor {
				break
			}
			take = append(take, g)
			total += g.size()
		}
		if total > lo && total <= hi {
			return sortedSegs(take)
		}
	}
	for _, g := range d.live {
		if !d.busy(g.num) && g.postings > 0 && 4*g.deleted >= g.postings && g.size() > lo && g.size() <= hi {
			return []segInfo{g}
		}
	}
	return nil
}

func sortedSegs(gs []segInfo) []segInfo {
	slices.SortFunc(gs, func(a, b segInfo) int { return cmpNum(a.num, b.num) })
	return gs
}

func cmpNum(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// noteWrite runs the merges a write called for that are small enough to
// run now, while the writer holds the store, and wakes the background
// workers for the rest; writers are serialized, wmu is held.
func (s *Store) noteWrite(ctx context.Context) {
	limit := s.inlineMax
	if s.mergers == nil || s.mergeAll {
		limit = int(^uint(0) >> 1) // no workers: every merge runs here
	}
	if err := s.mergeInline(ctx, limit); err != nil && !errors.Is(err, ErrClosed) {
		s.log.Warn("merging search segments", "err", err.Error())
	}
	s.mergers.wake()
}

// mergeInline runs the merges of at most limit in size, each in one
// transaction, until there is none; wmu is held.
func (s *Store) mergeInline(ctx context.Context, limit int) error {
	for {
		done := false
		start := time.Now()
		// commitLocked, not updateLocked: a merge changes only the search
		// index, so the writer's caches stay true.
		err := s.commitLocked(ctx, func(txn *badger.Txn) error {
			rtxn := s.db.NewTransaction(false)
			defer rtxn.Discard()
			d, err := s.segs.directory(txn)
			if err != nil {
				return err
			}
			ins := d.pickMerge(0, limit)
			if ins == nil {
				done = true
				return nil
			}
			nd := d.clone()
			out := nd.next
			nd.next++
			info, err := mergeInto(ctx, rtxn, &s.segs, ins, out, ^uint64(0), func(k, v []byte) error { s.segs.wrote(1, 0); return set(txn, k, v) })
			if err != nil {
				return err
			}
			for _, g := range ins {
				if err := deleteSegmentKeys(rtxn, g.num, func(k []byte) error { s.segs.wrote(0, 1); return del(txn, k) }); err != nil {
					return err
				}
			}
			nd.live = replaceSegs(nd.live, ins, info)
			s.segs.wrote(1, 0)
			s.segs.merges.Add(1)
			s.segs.mergedPostings.Add(int64(info.postings))
			return set(txn, key.Segments(), nd.encode())
		}, nil)
		if err != nil || done {
			return err
		}
		s.segs.held(time.Since(start))
	}
}

// replaceSegs returns live without the segments ins and with out, in
// number order.
func replaceSegs(live, ins []segInfo, out segInfo) []segInfo {
	live = slices.DeleteFunc(live, func(g segInfo) bool {
		return slices.ContainsFunc(ins, func(x segInfo) bool { return x.num == g.num })
	})
	i, _ := slices.BinarySearchFunc(live, out.num, func(g segInfo, n uint64) int { return cmpNum(g.num, n) })
	return slices.Insert(live, i, out)
}

// deleteSegmentKeys calls del with every key of segment num, as txn sees
// them.
func deleteSegmentKeys(txn *badger.Txn, num uint64, del func(k []byte) error) error {
	for _, k := range []key.Kind{key.KindSegmentBlock, key.KindSegmentTerms, key.KindSegmentDeletes} {
		it := keysOnly(txn, key.Segment(k, num))
		for it.Rewind(); it.Valid(); it.Next() {
			if err := del(it.Item().KeyCopy(nil)); err != nil {
				it.Close()
				return err
			}
		}
		it.Close()
	}
	return nil
}

// segScan reads a segment's postings in order, a block at a time.
type segScan struct {
	it   *badger.Iterator
	buf  []byte
	runs []segRunPostings
	r, i int
	err  error
}

type segRunPostings struct {
	word string
	ps   []posting
}

func newSegScan(txn *badger.Txn, num uint64) *segScan {
	o := badger.DefaultIteratorOptions
	o.Prefix = key.Segment(key.KindSegmentBlock, num)
	s := &segScan{it: txn.NewIterator(o)}
	s.it.Rewind()
	s.load()
	return s
}

// load decodes the block under the iterator.
func (s *segScan) load() {
	s.runs, s.r, s.i = s.runs[:0], 0, 0
	if !s.it.Valid() {
		return
	}
	var err error
	if s.buf, err = s.it.Item().ValueCopy(s.buf[:0]); err != nil {
		s.err = dbErr("read search segment", err)
		return
	}
	err = blockRuns(s.buf, func(w []byte, n int, data []byte) error {
		ps, err := decodeRun(data, n, nil)
		s.runs = append(s.runs, segRunPostings{word: string(w), ps: ps})
		return err
	})
	if err != nil {
		s.err = fmt.Errorf("search segment block %q: %w", s.it.Item().Key(), err)
		s.runs = s.runs[:0]
	}
}

// cur returns the current posting and its word; ok is false at the end.
func (s *segScan) cur() (string, *posting, bool) {
	for s.r < len(s.runs) && s.i >= len(s.runs[s.r].ps) {
		s.r, s.i = s.r+1, 0
	}
	if s.r >= len(s.runs) {
		if !s.it.Valid() || s.err != nil {
			return "", nil, false
		}
		s.it.Next()
		s.load()
		return s.cur()
	}
	return s.runs[s.r].word, &s.runs[s.r].ps[s.i], true
}

func (s *segScan) next() { s.i++ }

func (s *segScan) close() { s.it.Close() }

// mergeInto writes the merge of segments ins, as txn sees them, as
// segment out with put: their postings in order but for those deleted by
// writes numbered up to through, and their dictionaries added up. It
// returns the new segment, without deletions.
func mergeInto(ctx context.Context, txn *badger.Txn, segs *segCache, ins []segInfo, out, through uint64, put func(k, v []byte) error) (segInfo, error) {
	type acc struct {
		stem string
		df   int64
	}
	dict := map[string]*acc{}
	dels := make([]map[[key.SuffixLen]byte]bool, len(ins))
	scans := make([]*segScan, len(ins))
	defer func() {
		for _, sc := range scans {
			if sc != nil {
				sc.close()
			}
		}
	}()
	for i, g := range ins {
		d, err := segs.dict(txn, g.num)
		if err != nil {
			return segInfo{}, err
		}
		for _, e := range d.terms {
			a := dict[e.word]
			if a == nil {
				a = &acc{stem: e.stem}
				dict[e.word] = a
			}
			a.df += e.df
		}
		seen := g
		seen.delSeq = min(g.delSeq, through)
		ds, err := segs.deletes(txn, seen)
		if err != nil {
			return segInfo{}, err
		}
		dels[i] = make(map[[key.SuffixLen]byte]bool, len(ds))
		for _, sfx := range ds {
			dels[i][sfx] = true
		}
		scans[i] = newSegScan(txn, g.num)
	}
	b := newSegBuilder(out, put)
	postings := map[string]int{}
	n := 0
	for {
		best := -1
		var bw string
		var bp *posting
		for i, sc := range scans {
			w, p, ok := sc.cur()
			if sc.err != nil {
				return segInfo{}, sc.err
			}
			if !ok {
				continue
			}
			if best < 0 {
				best, bw, bp = i, w, p
				continue
			}
			if c := strings.Compare(w, bw); c < 0 || c == 0 && cmpSuffix(p.suffix[:], bp.suffix[:]) < 0 {
				best, bw, bp = i, w, p
			}
		}
		if best < 0 {
			break
		}
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return segInfo{}, err
			}
		}
		if !dels[best][bp.suffix] {
			if err := b.add(bw, *bp); err != nil {
				return segInfo{}, err
			}
			postings[bw]++
		}
		scans[best].next()
	}
	words := make([]string, 0, len(dict))
	for w, a := range dict {
		if a.df != 0 || postings[w] > 0 {
			words = append(words, w)
		}
	}
	for w := range postings {
		if dict[w] == nil {
			words = append(words, w)
			dict[w] = &acc{stem: search.Stem(w)}
		}
	}
	slices.Sort(words)
	for _, w := range words {
		if err := b.term(termEntry{word: w, stem: dict[w].stem, df: dict[w].df, postings: postings[w]}); err != nil {
			return segInfo{}, err
		}
	}
	return b.finish()
}

// mergers are the background merge workers of a store on disk open for
// writing.
type mergers struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wakes  []chan struct{}
	once   sync.Once
}

// wake tells the workers that a write may have called for a merge.
func (m *mergers) wake() {
	if m == nil {
		return
	}
	for _, c := range m.wakes {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// stop stops the workers between two steps of their merges and waits for
// them.
func (m *mergers) stop() {
	if m == nil {
		return
	}
	m.once.Do(func() {
		m.cancel()
		m.wg.Wait()
	})
}

// startMergers starts the background workers: one for merges of at most
// smallMergeMax, one for larger ones.
func (s *Store) startMergers() {
	ctx, cancel := context.WithCancel(context.Background())
	m := &mergers{cancel: cancel}
	for _, r := range [][2]int{{0, smallMergeMax}, {smallMergeMax, int(^uint(0) >> 1)}} {
		wake := make(chan struct{}, 1)
		m.wakes = append(m.wakes, wake)
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			t := time.NewTicker(mergeEvery)
			defer t.Stop()
			for {
				_, err := s.mergeRange(ctx, r[0], r[1])
				if err != nil && ctx.Err() == nil && !errors.Is(err, ErrClosed) {
					s.log.Warn("merging search segments", "err", err.Error())
				}
				if s.merged != nil {
					s.merged(r[1])
				}
				select {
				case <-ctx.Done():
					return
				case <-wake:
				case <-t.C:
				}
			}
		}()
	}
	s.mergers = m
}

// MergePostings runs the merges the search index calls for now, until
// there is none left, rather than leaving them to the background, so that
// searches read few segments: graphd ingest does when it is done. It
// returns ctx's error if ctx is done first; a merge cut short is taken up
// again (from scratch) by the next. ErrClosed after Close.
func (s *Store) MergePostings(ctx context.Context) error {
	_, err := s.mergeRange(ctx, 0, int(^uint(0)>>1))
	if err != nil {
		return fmt.Errorf("merge search segments: %w", err)
	}
	return nil
}

// CompactSearch merges every segment of the search index into one, as
// Lucene's forceMerge(1) does. ErrClosed after Close.
func (s *Store) CompactSearch(ctx context.Context) error {
	if err := s.cleanMerges(ctx); err != nil {
		return fmt.Errorf("compact search index: %w", err)
	}
	_, err := s.mergeOnce(ctx, func(d *segDir) []segInfo {
		var all []segInfo
		for _, g := range d.live {
			if !d.busy(g.num) {
				all = append(all, g)
			}
		}
		if len(all) == 1 && all[0].deleted == 0 || len(all) == 0 {
			return nil
		}
		return all
	})
	if err != nil {
		return fmt.Errorf("compact search index: %w", err)
	}
	return nil
}

// mergeRange runs merges of size in (lo, hi] until there is none; it
// reports whether it merged anything.
func (s *Store) mergeRange(ctx context.Context, lo, hi int) (bool, error) {
	if err := s.cleanMerges(ctx); err != nil {
		return false, err
	}
	any := false
	for {
		ok, err := s.mergeOnce(ctx, func(d *segDir) []segInfo { return d.pickMerge(lo, hi) })
		if err != nil || !ok {
			return any, err
		}
		any = true
	}
}

// writing runs fn as a writer: holding s.mu shared and the writer mutex,
// on a store open for writing.
func (s *Store) writing(fn func() error) error {
	return s.writingNoLock(func() error {
		s.wmu.Lock()
		defer s.wmu.Unlock()
		return fn()
	})
}

// mergeOnce runs the merge pick chooses, in steps: it reports whether
// there was one.
func (s *Store) mergeOnce(ctx context.Context, pick func(*segDir) []segInfo) (bool, error) {
	m, ins, snap, epoch, err := s.startMerge(pick)
	if err != nil || ins == nil {
		return false, err
	}
	defer s.own([]uint64{m.out}, false)
	start := time.Now()
	info, err := s.buildMerge(ctx, snap, ins, m, epoch)
	snap.Discard()
	if err == nil {
		err = s.finishMerge(m, info, epoch)
	}
	if errors.Is(err, errSegmentsDropped) {
		return true, nil // a reindex dropped its inputs and listed it no more
	}
	if err != nil {
		return false, err
	}
	s.log.Debug("merged search segments", "segments", len(ins), "postings", info.postings, "deleted", info.deleted,
		"bytes", info.bytes, "took", time.Since(start).Round(time.Millisecond))
	return true, s.dropSegments(ctx, m.ins, epoch)
}

// startMerge lists the merge pick chooses in the directory as under way,
// holding the writer for one short transaction, and returns it with its
// inputs, a snapshot of them, and the count of the segments' drops
// (segEpoch) it began after; ins is nil when pick chooses none. The caller
// discards the snapshot, and owns the merge's output until it calls
// s.own(out, false).
func (s *Store) startMerge(pick func(*segDir) []segInfo) (m segMerge, ins []segInfo, snap *badger.Txn, epoch uint64, err error) {
	err = s.writing(func() error {
		epoch = s.segEpoch
		if err := s.checkSpace(); err != nil {
			return err
		}
		err := s.db.Update(func(txn *badger.Txn) error {
			d, err := s.segs.directory(txn)
			if err != nil {
				return err
			}
			if ins = pick(d); ins == nil {
				return nil
			}
			nd := d.clone()
			m = segMerge{out: nd.next, through: nd.next - 1}
			for _, g := range ins {
				m.ins = append(m.ins, g.num)
			}
			nd.next++
			nd.merging = append(nd.merging, m)
			return set(txn, key.Segments(), nd.encode())
		})
		if err != nil {
			ins = nil
			return dbErr2("start a merge", err)
		}
		if ins != nil {
			// Before cleanMerges can see it in the directory.
			s.own([]uint64{m.out}, true)
			// The snapshot of the inputs, before any later write.
			snap = s.db.NewTransaction(false)
		}
		return nil
	})
	return m, ins, snap, epoch, err
}

// finishMerge lists the output info of merge m in the directory in place
// of its inputs, with the deletions writes made in them since the merge
// started carried over, and the inputs as segments to drop; holding the
// writer for one short transaction; errSegmentsDropped when a reindex
// dropped the segments since the merge began, after epoch drops.
func (s *Store) finishMerge(m segMerge, info segInfo, epoch uint64) error {
	return s.writing(func() error {
		if s.segEpoch != epoch {
			return errSegmentsDropped
		}
		start := time.Now()
		defer func() { s.segs.held(time.Since(start)) }()
		err := s.db.Update(func(txn *badger.Txn) error {
			d, err := s.segs.directory(txn)
			if err != nil {
				return err
			}
			i := d.merge(m.out)
			if i < 0 {
				return fmt.Errorf("the merge into segment %d is no longer under way", m.out)
			}
			nd := d.clone()
			if _, err = carryDeletes(txn, d, m, &info, func(k, v []byte) error { s.segs.wrote(1, 0); return set(txn, k, v) }); err != nil {
				return err
			}
			var now []segInfo
			for _, n := range m.ins {
				now = append(now, *d.find(n))
			}
			nd.live = replaceSegs(nd.live, now, info)
			nd.merging = slices.Delete(nd.merging, i, i+1)
			nd.dropping = append(nd.dropping, m.ins...)
			s.own(m.ins, true) // before cleanMerges can see them to drop
			s.segs.wrote(1, 0)
			s.segs.merges.Add(1)
			s.segs.mergedPostings.Add(int64(info.postings))
			return set(txn, key.Segments(), nd.encode())
		})
		return dbErr2("finish a merge", err)
	})
}

// own notes that this process works on segments nums, the output of a
// merge or merged segments to drop, so that cleanMerges leaves them
// alone.
func (s *Store) own(nums []uint64, on bool) {
	s.mergeMu.Lock()
	defer s.mergeMu.Unlock()
	if s.owned == nil {
		s.owned = map[uint64]bool{}
	}
	for _, n := range nums {
		if on {
			s.owned[n] = true
		} else {
			delete(s.owned, n)
		}
	}
}

// buildMerge writes the output of merge m, begun after epoch drops of the
// segments, from snap, a batch at a time.
func (s *Store) buildMerge(ctx context.Context, snap *badger.Txn, ins []segInfo, m segMerge, epoch uint64) (segInfo, error) {
	var info segInfo
	err := s.batched(ctx, epoch, func(put func(k, v []byte) error) error {
		var err error
		info, err = mergeInto(ctx, snap, &s.segs, ins, m.out, m.through, put)
		return err
	})
	return info, err
}

// errSegmentsDropped is the error of a merge's write after a reindex
// dropped every segment, its own included.
var errSegmentsDropped = errors.New("the search index's segments were dropped by a reindex")

// batched runs fn, which writes keys that no reader reads yet with put,
// and writes them in batches of about mergeBatch bytes, each its own
// transaction, stopping between two when ctx is done or the store closes.
// These keys are a merge's own (its output's, its dropped inputs'), which
// no other writer writes, so the batches run outside the writer; but a
// reindex drops every segment's keys under it: a batch after a drop
// newer than epoch is not written, and batched returns
// errSegmentsDropped.
func (s *Store) batched(ctx context.Context, epoch uint64, fn func(put func(k, v []byte) error) error) error {
	var keys, vals [][]byte
	size := 0
	flush := func() error {
		if len(keys) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if s.mergeWrites != nil {
			s.mergeWrites()
		}
		err := s.writingNoLock(func() error {
			if err := s.checkSpace(); err != nil {
				return err
			}
			s.segMu.RLock()
			defer s.segMu.RUnlock()
			if s.segEpoch != epoch {
				return errSegmentsDropped
			}
			wb := s.db.NewWriteBatch()
			defer wb.Cancel()
			for i, k := range keys {
				var err error
				if vals[i] == nil {
					s.segs.wrote(0, 1)
					err = wb.Delete(k)
				} else {
					s.segs.wrote(1, 0)
					err = wb.Set(k, vals[i])
				}
				if err != nil {
					return dbErr("merge search segments", err)
				}
			}
			return dbErr2("merge search segments", wb.Flush())
		})
		keys, vals, size = keys[:0], vals[:0], 0
		return err
	}
	err := fn(func(k, v []byte) error {
		keys = append(keys, bytes.Clone(k))
		vals = append(vals, bytes.Clone(v)) // nil, a deletion, stays nil
		if size += len(k) + len(v); size >= mergeBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// dbErr2 is dbErr for an error that may be nil.
func dbErr2(op string, err error) error {
	if err == nil {
		return nil
	}
	return dbErr(op, err)
}

// writingNoLock runs fn holding s.mu shared, on a store open for writing,
// without the writer mutex: for writes of keys that no writer reads.
func (s *Store) writingNoLock(fn func() error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.writable(); err != nil {
		return err
	}
	return fn()
}

// carryDeletes copies to the output of merge m the deletions that writes
// after m.through made in its inputs, as d (which txn reads) lists them,
// with put; info, the output, counts them. It returns how many postings
// they delete.
func carryDeletes(txn *badger.Txn, d *segDir, m segMerge, info *segInfo, put func(k, v []byte) error) (int, error) {
	byWrite := map[uint64][]segDelete{}
	for _, n := range m.ins {
		g := d.find(n)
		if g == nil {
			return 0, fmt.Errorf("segment %d of the merge into %d is not live", n, m.out)
		}
		if g.delSeq <= m.through {
			continue
		}
		o := badger.DefaultIteratorOptions
		o.Prefix = key.Segment(key.KindSegmentDeletes, n)
		it := txn.NewIterator(o)
		for it.Seek(key.SegmentDeletes(n, m.through+1)); it.Valid(); it.Next() {
			write := binary.BigEndian.Uint64(it.Item().Key()[1+key.SegLen:])
			err := it.Item().Value(func(v []byte) error {
				var err error
				byWrite[write], err = decodeDeletes(v, write, byWrite[write])
				return err
			})
			if err != nil {
				it.Close()
				return 0, fmt.Errorf("search segment %d: deletions of write %d: %w", n, write, err)
			}
		}
		it.Close()
	}
	total := 0
	for _, write := range sortedNums(byWrite) {
		ds := byWrite[write]
		slices.SortFunc(ds, func(a, b segDelete) int { return bytes.Compare(a.suffix[:], b.suffix[:]) })
		if err := put(key.SegmentDeletes(m.out, write), encodeDeletes(ds)); err != nil {
			return 0, err
		}
		for _, x := range ds {
			total += x.postings
		}
		info.delSeq = write
	}
	info.deleted = total
	return total, nil
}

// dropSegments deletes the keys of segments a merge replaced, a batch at
// a time, and then takes them off the directory's list of segments to
// drop; it gives up its ownership of them. A reindex since epoch dropped
// them already.
func (s *Store) dropSegments(ctx context.Context, nums []uint64, epoch uint64) error {
	defer s.own(nums, false)
	snap := s.db.NewTransaction(false)
	err := s.batched(ctx, epoch, func(put func(k, v []byte) error) error {
		for _, n := range nums {
			if err := deleteSegmentKeys(snap, n, func(k []byte) error { return put(k, nil) }); err != nil {
				return err
			}
		}
		return nil
	})
	snap.Discard()
	if errors.Is(err, errSegmentsDropped) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.writing(func() error {
		if s.segEpoch != epoch {
			return nil // the reindex listed them no more
		}
		err := s.db.Update(func(txn *badger.Txn) error {
			d, err := s.segs.directory(txn)
			if err != nil {
				return err
			}
			nd := d.clone()
			nd.dropping = slices.DeleteFunc(nd.dropping, func(n uint64) bool { return slices.Contains(nums, n) })
			return set(txn, key.Segments(), nd.encode())
		})
		return dbErr2("drop merged segments", err)
	})
}

// cleanMerges deletes what merges cut short by a stop or a crash left:
// the outputs of merges under way that no worker of this process runs,
// and the keys of merged segments still to drop.
func (s *Store) cleanMerges(ctx context.Context) error {
	// The directory is read, and what no merge of this process owns is
	// taken, holding the writer: a merge of this process finishes (and
	// then lets go of its output) only under the writer, so a merge seen
	// under way and not owned is one cut short, never one that finished
	// after the directory was read.
	var outs, drops []uint64
	var epoch uint64
	err := s.writing(func() error {
		epoch = s.segEpoch
		var d *segDir
		err := s.db.View(func(txn *badger.Txn) (err error) {
			d, err = s.segs.directory(txn)
			return err
		})
		if err != nil {
			return err
		}
		s.mergeMu.Lock()
		defer s.mergeMu.Unlock()
		for _, m := range d.merging {
			if !s.owned[m.out] {
				outs = append(outs, m.out)
			}
		}
		for _, n := range d.dropping {
			if !s.owned[n] {
				drops = append(drops, n)
			}
		}
		if s.owned == nil {
			s.owned = map[uint64]bool{}
		}
		for _, n := range append(slices.Clone(outs), drops...) {
			s.owned[n] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(outs) == 0 && len(drops) == 0 {
		return nil
	}
	all := append(slices.Clone(outs), drops...)
	defer s.own(all, false)
	if err := s.dropSegments(ctx, all, epoch); err != nil {
		return err
	}
	if len(outs) == 0 {
		return nil
	}
	err = s.writing(func() error {
		if s.segEpoch != epoch {
			return nil // the reindex listed them no more
		}
		err := s.db.Update(func(txn *badger.Txn) error {
			d, err := s.segs.directory(txn)
			if err != nil {
				return err
			}
			nd := d.clone()
			nd.merging = slices.DeleteFunc(nd.merging, func(m segMerge) bool { return slices.Contains(outs, m.out) })
			return set(txn, key.Segments(), nd.encode())
		})
		return dbErr2("clean merges cut short", err)
	})
	if err == nil {
		s.log.Info("deleted the output of merges of search segments that were cut short", "segments", outs)
	}
	return err
}

// SearchStats describes the search index: its live segments by level of
// the merge policy, what they hold, the merges under way, and what writes
// and merges wrote of the index since the store was opened.
type SearchStats struct {
	Segments          int
	Levels            []int         // live segments by level, from 0
	Postings, Deleted int           // postings the live segments hold, and of them deleted
	Terms, Bytes      int           // dictionary entries, and bytes of blocks
	Merging           int           // merges under way
	KeysSet           int64         // keys of the index set since the store opened
	KeysDeleted       int64         // and deleted (by merges, which delete their inputs)
	Merges            int64         // merges done since the store opened
	MergedPostings    int64         // postings they wrote
	LongestHold       time.Duration // the longest a merge held the writer since the store opened
}

// SearchStats describes the search index as it is now.
func (s *Store) SearchStats(ctx context.Context) (SearchStats, error) {
	var st SearchStats
	err := s.view(ctx, func(txn *badger.Txn) error {
		d, err := s.segs.directory(txn)
		if err != nil {
			return err
		}
		st.Segments, st.Merging = len(d.live), len(d.merging)
		for _, g := range d.live {
			l := mergeLevel(g.size())
			for len(st.Levels) <= l {
				st.Levels = append(st.Levels, 0)
			}
			st.Levels[l]++
			st.Postings += g.postings
			st.Deleted += g.deleted
			st.Terms += g.terms
			st.Bytes += g.bytes
		}
		return nil
	})
	if err != nil {
		return SearchStats{}, fmt.Errorf("search stats: %w", err)
	}
	st.KeysSet, st.KeysDeleted = s.segs.keysSet.Load(), s.segs.keysDeleted.Load()
	st.Merges, st.MergedPostings = s.segs.merges.Load(), s.segs.mergedPostings.Load()
	st.LongestHold = time.Duration(s.segs.longestHold.Load())
	return st, nil
}
