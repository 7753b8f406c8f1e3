package graph

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
)

// Dashboards count quotes by speaker, venue, outlet and kind over date
// ranges, and by day. The counts are kept on write, in the transaction
// of the article, so that a dashboard reads a few hundred keys instead of
// every quote:
//
//	0x70 <dim> <level> <period> <value>   rollup: quotes of value in the period
//	0x71 <dim> <value> <day>              timeline: quotes of value on the day
//
// A rollup's level is 'a' (all time, period 0, undated quotes included),
// 'y' (a year), 'm' (a month, year×12+month−1) or 'd' (a day since
// 1970-01-01, UTC); a period is a signed number as uint32 big-endian with
// the sign bit flipped. A value is a speaker, venue or outlet id, or a
// kind; in a timeline key a kind ends with 0x00. The dimension 'q' is
// every quote and has timelines only.

type dimValue struct {
	dim   byte
	value []byte
}

// quoteDims are the values a quote is counted under.
func quoteDims(q quoteRec) []dimValue {
	ds := make([]dimValue, 0, 4)
	if q.SpeakerID != uuid.Nil {
		ds = append(ds, dimValue{key.DimSpeaker, q.SpeakerID[:]})
	}
	if q.VenueID != uuid.Nil {
		ds = append(ds, dimValue{key.DimVenue, q.VenueID[:]})
	}
	if q.OutletID != uuid.Nil {
		ds = append(ds, dimValue{key.DimOutlet, q.OutletID[:]})
	}
	return append(ds, dimValue{key.DimKind, []byte(q.Kind)})
}

// dayOf is the day of t since 1970-01-01, UTC.
func dayOf(t time.Time) int {
	s := t.Unix()
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	return int(d)
}

func dayTime(d int) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

func monthOf(t time.Time) int { t = t.UTC(); return t.Year()*12 + int(t.Month()) - 1 }

// rollupKeys are the rollup keys a quote of date t adds to.
func rollupKeys(dim byte, value []byte, t time.Time) [][]byte {
	ks := [][]byte{key.Rollup(dim, key.LevelAll, 0, value)}
	if t.IsZero() {
		return ks
	}
	t = t.UTC()
	return append(ks,
		key.Rollup(dim, key.LevelYear, t.Year(), value),
		key.Rollup(dim, key.LevelMonth, monthOf(t), value),
		key.Rollup(dim, key.LevelDay, dayOf(t), value))
}

// Dimension is what QuotesBy groups quotes by.
type Dimension int

// Dimensions of QuotesBy.
const (
	BySpeaker Dimension = iota + 1
	ByVenue
	ByOutlet
	ByKind
	// BySpeakerType groups by the type of the speaker (a person, an
	// organisation, …); quotes with no speaker are not counted.
	BySpeakerType
)

func (d Dimension) code() byte {
	switch d {
	case BySpeaker, BySpeakerType:
		return key.DimSpeaker
	case ByVenue:
		return key.DimVenue
	case ByOutlet:
		return key.DimOutlet
	case ByKind:
		return key.DimKind
	}
	return 0
}

// Bucket is a group of quotes counted together.
type Bucket struct {
	ID    uuid.UUID // the speaker, venue or outlet; uuid.Nil for a kind or a speaker type
	Label string    // its name, or the kind or speaker type
	Count int
}

// MaxBuckets bounds what QuotesBy and Timeline return.
const MaxBuckets = 5000

// QuotesBy counts the quotes of each speaker (a person: the names merged
// into one count as one, under the name the person shows), venue, outlet
// or kind whose article was published in [from, to], whole days in UTC, and returns the
// first n groups, most quotes first (ties by id). Zero from and to count
// every quote, undated ones included; a zero bound alone is open. It
// reads the counts kept on write: whole years, then months, then days of
// the range. It returns ErrInvalid for an unknown dimension, n out of
// [1, MaxBuckets], or from after to.
func (s *Store) QuotesBy(ctx context.Context, dim Dimension, from, to time.Time, n int) ([]Bucket, error) {
	d := dim.code()
	switch {
	case d == 0:
		return nil, fmt.Errorf("quotes by: %w: unknown dimension %d", ErrInvalid, dim)
	case n < 1 || n > MaxBuckets:
		return nil, fmt.Errorf("quotes by: %w: %d groups, want 1 to %d", ErrInvalid, n, MaxBuckets)
	case !from.IsZero() && !to.IsZero() && from.After(to):
		return nil, fmt.Errorf("quotes by: %w: from after to", ErrInvalid)
	}
	var out []Bucket
	err := s.view(ctx, func(txn *badger.Txn) error {
		sums := map[string]int64{}
		add := func(level byte, lo, hi int, sign int64) {
			prefix := key.RollupPrefix(d, level)
			it := keysOnly(txn, prefix)
			defer it.Close()
			for it.Seek(key.Rollup(d, level, lo, nil)); it.Valid(); it.Next() {
				item := it.Item()
				k := item.Key()[len(prefix):]
				if len(k) < 4 || key.ParsePeriod(k[:4]) > hi {
					break
				}
				item.Value(func(v []byte) error {
					if n, err := parseUint64(v); err == nil {
						sums[string(k[4:])] += sign * int64(n)
					}
					return nil
				})
			}
		}
		if from.IsZero() && to.IsZero() {
			add(key.LevelAll, 0, 0, 1)
		} else {
			pieces, err := rangePieces(txn, from, to)
			if err != nil {
				return err
			}
			for _, r := range pieces {
				if err := ctx.Err(); err != nil {
					return err
				}
				add(r.level, r.lo, r.hi, r.sign)
			}
		}
		if d == key.DimSpeaker {
			if err := foldPeople(txn, sums); err != nil {
				return err
			}
		}
		if dim == BySpeakerType {
			var err error
			if sums, err = sumTypes(txn, sums); err != nil {
				return err
			}
		}
		type sum struct {
			value string
			n     int64
		}
		all := make([]sum, 0, len(sums))
		for v, c := range sums {
			if c > 0 {
				all = append(all, sum{v, c})
			}
		}
		slices.SortFunc(all, func(a, b sum) int {
			if a.n != b.n {
				return int(b.n - a.n)
			}
			return bytes.Compare([]byte(a.value), []byte(b.value))
		})
		for _, x := range all[:min(n, len(all))] {
			b := Bucket{Count: int(x.n)}
			if d == key.DimKind || dim == BySpeakerType {
				b.Label = x.value
			} else {
				b.ID = uuid.UUID([]byte(x.value))
				label, err := labelOf(txn, d, b.ID)
				if err != nil {
					return err
				}
				b.Label = label
			}
			out = append(out, b)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("quotes by: %w", err)
	}
	return out, nil
}

// Undated returns how many quotes (statements) have no date: their
// first article was published on no known day. They count in every
// all-time count and in no timeline or date range. It reads the all-time
// total and the yearly counts of the kinds, a few keys a year.
func (s *Store) Undated(ctx context.Context) (int, error) {
	var undated int
	err := s.view(ctx, func(txn *badger.Txn) error {
		total, err := readCounter(txn, key.CounterQuotes)
		if err != nil {
			return err
		}
		prefix := key.RollupPrefix(key.DimKind, key.LevelYear)
		it := keysOnly(txn, prefix)
		defer it.Close()
		dated := uint64(0)
		for it.Rewind(); it.Valid(); it.Next() {
			err := it.Item().Value(func(v []byte) error {
				n, err := parseUint64(v)
				dated += n
				return err
			})
			if err != nil {
				return fmt.Errorf("rollup %x: %v", it.Item().Key(), err)
			}
		}
		if dated > total {
			return fmt.Errorf("%w: %d dated quotes of %d", ErrInconsistent, dated, total)
		}
		undated = int(total - dated)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("undated: %w", err)
	}
	return undated, nil
}

// sumTypes adds up the counts of canonical speakers by their type: the
// counts of speakers kept on write, read by type without a count of its
// own.
func sumTypes(txn *badger.Txn, sums map[string]int64) (map[string]int64, error) {
	out := map[string]int64{}
	for id, n := range sums {
		if len(id) != key.IDLen {
			continue
		}
		var r speakerRec
		if err := load(txn, key.KindSpeaker, uuid.UUID([]byte(id)), &r); err != nil {
			return nil, fmt.Errorf("speaker %x: %w", id, err)
		}
		out[speakerType(r.Type)] += n
	}
	return out, nil
}

// foldPeople moves the counts of speaker records merged into another to
// their cluster's canonical record: a dashboard counts people, not the
// names articles gave them. The counts are kept per record, since merges
// can be undone; the member index says which records are merged.
func foldPeople(txn *badger.Txn, sums map[string]int64) error {
	prefix := key.KindSpeakerMember.Prefix()
	o := badger.DefaultIteratorOptions
	o.Prefix = prefix
	o.PrefetchValues = false
	it := txn.NewIterator(o)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		member := string(item.Key()[len(prefix):])
		n, ok := sums[member]
		if !ok {
			continue
		}
		root, err := item.ValueCopy(nil)
		if err != nil {
			return dbErr("fold people", err)
		}
		if len(root) != key.IDLen {
			return fmt.Errorf("%w: member index entry %x: value %x", ErrInconsistent, item.Key(), root)
		}
		sums[string(root)] += n
		delete(sums, member)
	}
	return nil
}

func labelOf(txn *badger.Txn, dim byte, id uuid.UUID) (string, error) {
	switch dim {
	case key.DimSpeaker:
		// Only the names of the record: the most quoted speakers' records
		// are the largest, and their roles, venues and links go unused.
		var r struct {
			Name    string `json:"name"`
			Display string `json:"display"`
		}
		err := load(txn, key.KindSpeaker, id, &r)
		return speakerRec{Name: r.Name, Display: r.Display}.display(), err
	case key.DimVenue:
		var r venueRec
		err := load(txn, key.KindVenue, id, &r)
		return r.Name, err
	case key.DimOutlet:
		var r outletRec
		err := load(txn, key.KindOutlet, id, &r)
		return r.Name, err
	}
	return "", nil
}

// dayRange turns [from, to] into days; a zero bound takes the first or
// last day any quote has. ok is false when no dated quote can be in it.
func dayRange(txn *badger.Txn, from, to time.Time) (lo, hi int, ok bool, err error) {
	first, last, any := datedDays(txn)
	if !any {
		return 0, 0, false, nil
	}
	lo, hi = first, last
	if !from.IsZero() {
		lo = max(lo, dayOf(from))
	}
	if !to.IsZero() {
		hi = min(hi, dayOf(to))
	}
	return lo, hi, lo <= hi, nil
}

// datedDays returns the first and last day of any dated quote, from the
// timeline of all quotes.
func datedDays(txn *badger.Txn) (first, last int, ok bool) {
	prefix := key.TimelineSelector(key.DimAll, nil)
	o := badger.DefaultIteratorOptions
	o.PrefetchValues = false
	o.Prefix = prefix
	it := txn.NewIterator(o)
	it.Rewind()
	if !it.Valid() {
		it.Close()
		return 0, 0, false
	}
	first = key.ParsePeriod(it.Item().Key()[len(prefix):])
	it.Close()
	o.Reverse = true
	it = txn.NewIterator(o)
	defer it.Close()
	it.Seek(append(slices.Clone(prefix), 0xff, 0xff, 0xff, 0xff))
	if !it.Valid() {
		return first, first, true
	}
	return first, key.ParsePeriod(it.Item().Key()[len(prefix):]), true
}

// A dayPiece is a run of whole periods of one rollup level, counted
// with a sign.
type dayPiece struct {
	level  byte
	lo, hi int // periods of the level
	sign   int64
}

// Rough numbers of rollup keys a period of a level holds, relative to a
// day: a month holds fewer than 30 days' keys, as most speakers quoted
// on one day are quoted on others too.
var levelWeight = map[byte]int{key.LevelDay: 1, key.LevelMonth: 6, key.LevelYear: 9}

func weight(ps []dayPiece) int {
	n := 0
	for _, p := range ps {
		n += (p.hi - p.lo + 1) * levelWeight[p.level]
	}
	return n
}

// rangePieces returns the rollup runs that add up to the days of [from,
// to]: the range itself, or when cheaper every dated year less the days
// before and after the range, which is what a long, ragged range of a
// large store costs least as.
func rangePieces(txn *badger.Txn, from, to time.Time) ([]dayPiece, error) {
	lo, hi, ok, err := dayRange(txn, from, to)
	if err != nil || !ok {
		return nil, err
	}
	direct := splitDays(lo, hi)
	first, last, _ := datedDays(txn)
	y0, y1 := dayTime(first).Year(), dayTime(last).Year()
	whole := []dayPiece{{key.LevelYear, y0, y1, 1}}
	start := dayOf(time.Date(y0, 1, 1, 0, 0, 0, 0, time.UTC))
	end := dayOf(time.Date(y1+1, 1, 1, 0, 0, 0, 0, time.UTC)) - 1
	var outside []dayPiece
	if lo > start {
		outside = append(outside, splitDays(start, lo-1)...)
	}
	if hi < end {
		outside = append(outside, splitDays(hi+1, end)...)
	}
	if weight(whole)+weight(outside) >= weight(direct) {
		return direct, nil
	}
	for i := range outside {
		outside[i].sign = -1
	}
	return append(whole, outside...), nil
}

// splitDays covers the days [lo, hi] with whole years where it can, then
// whole months, then days: at most five runs.
func splitDays(lo, hi int) []dayPiece {
	var out []dayPiece
	push := func(level byte, p int) {
		if n := len(out); n > 0 && out[n-1].level == level && out[n-1].hi == p-1 {
			out[n-1].hi = p
			return
		}
		out = append(out, dayPiece{level, p, p, 1})
	}
	for d := lo; d <= hi; {
		t := dayTime(d)
		yearEnd := dayOf(time.Date(t.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)) - 1
		monthEnd := dayOf(time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)) - 1
		switch {
		case t.YearDay() == 1 && yearEnd <= hi:
			push(key.LevelYear, t.Year())
			d = yearEnd + 1
		case t.Day() == 1 && monthEnd <= hi:
			push(key.LevelMonth, monthOf(t))
			d = monthEnd + 1
		default:
			push(key.LevelDay, d)
			d++
		}
	}
	return out
}

// Interval is the width of a timeline's buckets.
type Interval int

// Intervals of Timeline.
const (
	Day   Interval = iota + 1
	Week           // ISO weeks, from Monday
	Month          // calendar months
)

// start returns the start of the bucket of interval iv that day d is in.
func (iv Interval) start(d int) time.Time {
	t := dayTime(d)
	switch iv {
	case Week:
		wd := (int(t.Weekday()) + 6) % 7 // Monday 0
		return t.AddDate(0, 0, -wd)
	case Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}

func (iv Interval) next(t time.Time) time.Time {
	switch iv {
	case Week:
		return t.AddDate(0, 0, 7)
	case Month:
		return t.AddDate(0, 1, 0)
	}
	return t.AddDate(0, 0, 1)
}

// TimeBucket is the number of quotes published in the interval starting
// at Start (midnight UTC).
type TimeBucket struct {
	Start time.Time
	Count int
}

// Timeline counts the quotes that f selects by the day, week or month of
// their article's date, UTC, over whole days from f.From to f.To; a zero
// bound takes the first or last day of any dated quote. Every interval
// of the range is listed, empty ones with 0; undated quotes are not
// counted. A filter of one dimension (speakers, venues, outlets or kinds)
// reads the counts kept on write; any other is counted from the indexes.
// It returns ErrInvalid for an unknown interval, a range of more than
// MaxBuckets intervals, or a filter Quotes refuses.
func (s *Store) Timeline(ctx context.Context, f QuoteFilter, iv Interval) ([]TimeBucket, error) {
	if iv < Day || iv > Month {
		return nil, fmt.Errorf("timeline: %w: unknown interval %d", ErrInvalid, iv)
	}
	if err := f.validate(); err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	var out []TimeBucket
	err := s.view(ctx, func(txn *badger.Txn) error {
		// a speaker is the person: every name merged into them
		f, err := expandSpeakers(txn, f)
		if err != nil {
			return err
		}
		// The range as asked, the data's where not.
		first, last, any := datedDays(txn)
		lo, hi := first, last
		if !f.From.IsZero() {
			lo = dayOf(f.From)
		}
		if !f.To.IsZero() {
			hi = dayOf(f.To)
		}
		if !any && (f.From.IsZero() || f.To.IsZero()) || lo > hi {
			return nil
		}
		start := iv.start(lo)
		n := 0
		for t := start; dayOf(t) <= hi; t = iv.next(t) {
			if n++; n > MaxBuckets {
				return fmt.Errorf("%w: more than %d intervals from %s to %s; use a wider interval or a shorter range",
					ErrInvalid, MaxBuckets, dayTime(lo).Format(time.DateOnly), dayTime(hi).Format(time.DateOnly))
			}
			out = append(out, TimeBucket{Start: t})
		}
		bucket := func(d int) int {
			i, _ := slices.BinarySearchFunc(out, iv.start(d), func(b TimeBucket, t time.Time) int { return b.Start.Compare(t) })
			return i
		}
		if sels, ok := f.counted(); ok {
			for _, sel := range sels {
				it := keysOnly(txn, sel)
				for it.Seek(append(slices.Clone(sel), key.Period(lo)...)); it.Valid(); it.Next() {
					item := it.Item()
					d := key.ParsePeriod(item.Key()[len(sel):])
					if d > hi {
						break
					}
					v, err := item.ValueCopy(nil)
					if err != nil {
						it.Close()
						return dbErr("read timeline", err)
					}
					c, err := parseUint64(v)
					if err != nil {
						it.Close()
						return fmt.Errorf("timeline count %x: %v", item.Key(), err)
					}
					out[bucket(d)].Count += int(c)
				}
				it.Close()
			}
			return nil
		}
		// Counted from the indexes: every match's date is in its key.
		g := f
		g.Order = OrderDate
		g.From, g.To = dayTime(lo), dayTime(hi+1).Add(-time.Millisecond)
		return s.scanQuotes(ctx, txn, g, func(suffix []byte) {
			d := int64(binary.BigEndian.Uint64(suffix[:key.DateLen]) ^ (1 << 63))
			out[bucket(dayOf(time.UnixMilli(d)))].Count++
		})
	})
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	return out, nil
}

// counted returns the timeline selectors whose counts answer f, when f
// filters on at most one of speakers, venues, outlets and kinds and on
// nothing else but dates.
func (f QuoteFilter) counted() ([][]byte, bool) {
	if f.ArticleID != uuid.Nil || f.Search != "" || f.MinConfidence > 0 || len(f.SpeakerTypes) > 0 || f.stance() != 0 {
		return nil, false
	}
	var sels [][]byte
	dims := 0
	for _, d := range []struct {
		dim byte
		ids []uuid.UUID
	}{{key.DimSpeaker, f.SpeakerIDs}, {key.DimVenue, f.VenueIDs}, {key.DimOutlet, f.OutletIDs}} {
		if len(d.ids) > 0 {
			dims++
			for _, id := range uniqueIDs(d.ids) {
				sels = append(sels, key.TimelineSelector(d.dim, id[:]))
			}
		}
	}
	if len(f.Kinds) > 0 {
		dims++
		for _, k := range slices.Compact(slices.Sorted(slices.Values(f.Kinds))) {
			sels = append(sels, key.TimelineSelector(key.DimKind, []byte(k)))
		}
	}
	switch dims {
	case 0:
		return [][]byte{key.TimelineSelector(key.DimAll, nil)}, true
	case 1:
		return sels, true
	}
	return nil, false
}
