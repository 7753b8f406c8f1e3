package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/similar"
)

// Counts returns the number of records of each type.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.view(ctx, func(txn *badger.Txn) (err error) {
		c, err = readCounts(txn)
		return err
	})
	if err != nil {
		return Counts{}, fmt.Errorf("counts: %w", err)
	}
	return c, nil
}

// readCounts reads the counters, and counts the names merged into
// another (the member index) to tell names from people.
func readCounts(txn *badger.Txn) (Counts, error) {
	var c Counts
	for _, f := range []struct {
		name string
		n    *int
	}{{key.CounterArticles, &c.Articles}, {key.CounterQuotes, &c.Quotes}, {key.CounterOccurs, &c.Occurrences}, {key.CounterSpeakers, &c.Speakers}, {key.CounterVenues, &c.Venues}, {key.CounterOutlets, &c.Outlets}} {
		n, err := readCounter(txn, f.name)
		if err != nil {
			return Counts{}, err
		}
		*f.n = int(n)
	}
	c.Names = c.Speakers + countKeys(txn, key.KindSpeakerMember.Prefix())
	return c, nil
}

// maxProblems is how many problems Check reports before it stops.
const maxProblems = 10

// Check reads the whole store and verifies that every record has all its
// index entries with the right values, that no index entry lacks a record
// or disagrees with it, that quotes agree with their article, speaker and
// venue, and that the counters and speaker→venue counts are right. It
// returns an error wrapping ErrInconsistent that lists the first problems,
// or ErrReindexPending for a store whose reindex did not finish.
func (s *Store) Check(ctx context.Context) error {
	if s.ReindexPending() {
		return fmt.Errorf("check: %w", ErrReindexPending)
	}
	var c checker
	err := s.view(ctx, func(txn *badger.Txn) error {
		c = checker{ctx: ctx, txn: txn, expect: map[key.Kind]int{}, found: map[key.Kind]int{}, edges: map[[2 * key.IDLen]byte]uint64{}, counts: map[string]int64{}, words: map[string]map[[key.SuffixLen]byte]*wantPosting{}, df: map[string]int64{}, claimed: map[string]bool{}}
		return c.run()
	})
	if err == nil && len(c.problems) > 0 {
		err = fmt.Errorf("%w: %s", ErrInconsistent, strings.Join(c.problems, "; "))
	}
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	return nil
}

// errEnough stops a check that has found maxProblems.
var errEnough = errors.New("enough problems")

// checker verifies records against their index entries in two passes.
// The forward pass derives each record's entries and looks them up; the
// count pass counts every index's keys. An index whose count exceeds the
// entries found has strays, and only then is it read entry by entry to
// name them.
type checker struct {
	ctx      context.Context
	txn      *badger.Txn
	problems []string
	expect   map[key.Kind]int // index entries the records call for, by prefix
	found    map[key.Kind]int // of those, entries present
	edges    map[[2 * key.IDLen]byte]uint64
	dates    map[uuid.UUID]uint64                            // article id → encoded published date
	outlets  map[uuid.UUID]uuid.UUID                         // article id → outlet id
	counts   map[string]int64                                // the counts of quoteCounts the quotes call for
	nums     map[uuid.UUID]uint32                            // speaker, venue and outlet numbers
	words    map[string]map[[key.SuffixLen]byte]*wantPosting // the word postings the quotes call for
	df       map[string]int64                                // how many quotes hold each word
	claimed  map[string]bool                                 // lookup keys an earlier record holds (firstClaim)
}

func (c *checker) fail(format string, args ...any) error {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
	if len(c.problems) >= maxProblems {
		return errEnough
	}
	return nil
}

func (c *checker) run() error {
	err := c.records()
	if err == nil {
		err = c.indexes()
	}
	if err == errEnough {
		return nil
	}
	return err
}

// eachRecord decodes every record with prefix p and calls fn with the id
// in its key and the record; it returns how many records there are.
func eachRecord[T any](c *checker, p key.Kind, fn func(id uuid.UUID, rec *T) error) (int, error) {
	o := badger.DefaultIteratorOptions
	o.Prefix = p.Prefix()
	it := c.txn.NewIterator(o)
	defer it.Close()
	n := 0
	for it.Rewind(); it.Valid(); it.Next() {
		if n%1024 == 0 {
			if err := c.ctx.Err(); err != nil {
				return n, err
			}
		}
		n++
		item := it.Item()
		k := item.Key()
		pk, err := key.Parse(k)
		if err != nil {
			if err := c.fail("record key %x malformed", k); err != nil {
				return n, err
			}
			continue
		}
		id := pk.ID
		v, err := item.ValueCopy(nil)
		if err != nil {
			return n, dbErr("read record", err)
		}
		rec := new(T)
		if err := decodeRecord(v, rec); err != nil {
			if err := c.fail("record %x: %v", k, err); err != nil {
				return n, err
			}
			continue
		}
		if err := fn(id, rec); err != nil {
			return n, err
		}
	}
	return n, nil
}

// want looks up the entries a record calls for.
func (c *checker) want(owner string, es []entry) error {
	for _, e := range es {
		if firstClaim(e.k) {
			if c.claimed[string(e.k)] {
				continue // the name of an earlier record too
			}
			c.claimed[string(e.k)] = true
		}
		c.expect[key.Kind(e.k[0])]++
		v, ok, err := get(c.txn, e.k)
		if err != nil {
			return err
		}
		if !ok {
			if err := c.fail("%s: index entry %q missing", owner, e.k); err != nil {
				return err
			}
			continue
		}
		c.found[key.Kind(e.k[0])]++
		if !bytes.Equal(v, e.v) {
			if err := c.fail("%s: index entry %q is %x, want %x", owner, e.k, v, e.v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *checker) exists(owner string, p key.Kind, id uuid.UUID, what string) error {
	ok, err := has(c.txn, key.Record(p, id))
	if err == nil && !ok {
		err = c.fail("%s: %s %s missing", owner, what, id)
	}
	return err
}

func (c *checker) records() error {
	counts := map[string]int{}
	var err error
	c.dates = map[uuid.UUID]uint64{}
	c.outlets = map[uuid.UUID]uuid.UUID{}
	c.nums = map[uuid.UUID]uint32{}
	// Numbers: each in [1, last handed out], none twice in a kind.
	numbered := func(owner string, id uuid.UUID, num uint32, last string, seen map[uint32]uuid.UUID) error {
		n, err := readCounter(c.txn, last)
		if err != nil {
			return err
		}
		c.nums[id] = num
		if other, dup := seen[num]; dup {
			return c.fail("%s: number %d is also %s's", owner, num, other)
		}
		seen[num] = id
		if num == 0 || uint64(num) > n {
			return c.fail("%s: number %d not in [1, %d]", owner, num, n)
		}
		return nil
	}
	seen := map[uint32]uuid.UUID{}
	roots := 0
	_, err = eachRecord(c, key.KindSpeaker, func(id uuid.UUID, r *speakerRec) error {
		owner := "speaker " + id.String()
		if r.ID != id {
			return c.fail("%s: record says id %s", owner, r.ID)
		}
		if err := numbered(owner, id, r.Num, key.LastSpeakerNum, seen); err != nil {
			return err
		}
		if r.Canon == uuid.Nil {
			roots++
			for _, m := range r.Members {
				var mr speakerRec
				if err := load(c.txn, key.KindSpeaker, m, &mr); err != nil || mr.Canon != id {
					if err := c.fail("%s: member %s does not name it as canonical", owner, m); err != nil {
						return err
					}
				}
			}
		} else if err := c.exists(owner, key.KindSpeaker, r.Canon, "canonical speaker"); err != nil {
			return err
		}
		return c.want(owner, speakerIndex(*r))
	})
	if err != nil {
		return err
	}
	counts[key.CounterSpeakers] = roots
	_, err = eachRecord(c, key.KindCandidate, func(id uuid.UUID, r *candidateRec) error {
		owner := "candidate " + id.String()
		if err := c.exists(owner, key.KindSpeaker, r.A, "speaker"); err != nil {
			return err
		}
		if err := c.exists(owner, key.KindSpeaker, r.B, "speaker"); err != nil {
			return err
		}
		return c.want(owner, candidateIndex(*r))
	})
	if err != nil {
		return err
	}
	seen = map[uint32]uuid.UUID{}
	counts[key.CounterVenues], err = eachRecord(c, key.KindVenue, func(id uuid.UUID, r *venueRec) error {
		if r.ID != id {
			return c.fail("venue %s: record says id %s", id, r.ID)
		}
		if err := numbered("venue "+id.String(), id, r.Num, key.LastVenueNum, seen); err != nil {
			return err
		}
		return c.want("venue "+id.String(), venueIndex(*r))
	})
	if err != nil {
		return err
	}
	seen = map[uint32]uuid.UUID{}
	counts[key.CounterOutlets], err = eachRecord(c, key.KindOutlet, func(id uuid.UUID, r *outletRec) error {
		if r.ID != id {
			return c.fail("outlet %s: record says id %s", id, r.ID)
		}
		if err := numbered("outlet "+id.String(), id, r.Num, key.LastOutletNum, seen); err != nil {
			return err
		}
		return c.want("outlet "+id.String(), outletIndex(*r))
	})
	if err != nil {
		return err
	}
	counts[key.CounterArticles], err = eachRecord(c, key.KindArticle, func(id uuid.UUID, r *articleRec) error {
		owner := "article " + id.String()
		if r.ID != id {
			return c.fail("%s: record says id %s", owner, r.ID)
		}
		c.dates[id] = key.Date(r.Published)
		c.outlets[id] = r.OutletID
		if err := c.text(owner, *r); err != nil {
			return err
		}
		if r.OutletID != uuid.Nil {
			if err := c.exists(owner, key.KindOutlet, r.OutletID, "outlet"); err != nil {
				return err
			}
		}
		return c.want(owner, articleIndex(*r))
	})
	if err != nil {
		return err
	}
	quoteOccs := map[uuid.UUID]int{}
	counts[key.CounterOccurs], err = eachRecord(c, key.KindOccurrence, func(id uuid.UUID, r *occRec) error {
		owner := "occurrence " + id.String()
		if r.ID != id {
			return c.fail("%s: record says id %s", owner, r.ID)
		}
		if d, ok := c.dates[r.ArticleID]; !ok {
			if err := c.fail("%s: article %s missing", owner, r.ArticleID); err != nil {
				return err
			}
		} else if d != key.Date(r.Published) {
			if err := c.fail("%s: date %v differs from its article's", owner, r.Published); err != nil {
				return err
			}
		} else if c.outlets[r.ArticleID] != r.OutletID {
			if err := c.fail("%s: outlet %s differs from its article's", owner, r.OutletID); err != nil {
				return err
			}
		}
		quoteOccs[r.QuoteID]++
		if err := c.exists(owner, key.KindQuote, r.QuoteID, "quote"); err != nil {
			return err
		}
		if r.SpeakerID != uuid.Nil {
			if err := c.exists(owner, key.KindSpeaker, r.SpeakerID, "speaker"); err != nil {
				return err
			}
		}
		if r.VenueID != uuid.Nil {
			if err := c.exists(owner, key.KindVenue, r.VenueID, "venue"); err != nil {
				return err
			}
		}
		if r.SpeakerNum != c.nums[r.SpeakerID] || r.VenueNum != c.nums[r.VenueID] || r.OutletNum != c.nums[r.OutletID] {
			if err := c.fail("%s: numbers %d, %d, %d differ from its speaker's, venue's and outlet's", owner, r.SpeakerNum, r.VenueNum, r.OutletNum); err != nil {
				return err
			}
		}
		if r.CueKind != "" && r.CueKind != CueStance {
			if err := c.fail("%s: cue kind %q is not stance or none", owner, r.CueKind); err != nil {
				return err
			}
		}
		if r.SpeakerID != uuid.Nil && r.VenueID != uuid.Nil {
			c.edges[edgeID(r.SpeakerID, r.VenueID)]++
		}
		return c.want(owner, occIndex(*r))
	})
	if err != nil {
		return err
	}
	counts[key.CounterQuotes], err = eachRecord(c, key.KindQuote, func(id uuid.UUID, r *quoteRec) error {
		owner := "quote " + id.String()
		if r.ID != id {
			return c.fail("%s: record says id %s", owner, r.ID)
		}
		occs, err := loadOccurrences(c.txn, id, 0)
		if err != nil {
			return c.fail("%s: %v", owner, err)
		}
		if len(occs) != r.Count || quoteOccs[id] != r.Count {
			return c.fail("%s: count %d, %d occurrences indexed, %d name it", owner, r.Count, len(occs), quoteOccs[id])
		}
		i := slices.IndexFunc(occs, func(o occRec) bool { return o.ID == r.First })
		if i < 0 {
			return c.fail("%s: first occurrence %s not among its occurrences", owner, r.First)
		}
		if f := occs[i]; f.ArticleID != r.ArticleID || !f.Published.Equal(r.Published) || f.OutletID != r.OutletID ||
			f.SpeakerID != r.SpeakerID || f.VenueID != r.VenueID || f.SpeakerNum != r.SpeakerNum || f.VenueNum != r.VenueNum || f.OutletNum != r.OutletNum ||
			f.CueKind != r.CueKind {
			if err := c.fail("%s: differs from its first occurrence %s", owner, f.ID); err != nil {
				return err
			}
		}
		quoteCounts(*r, func(k []byte, n int64) { c.counts[string(k)] += n })
		for w, p := range wordPostings(*r) {
			m := c.words[w]
			if m == nil {
				m = map[[key.SuffixLen]byte]*wantPosting{}
				c.words[w] = m
			}
			m[p.suffix] = &wantPosting{val: p.val}
			c.df[w]++
		}
		return c.want(owner, quoteEntries(*r, occs))
	})
	if err != nil {
		return err
	}
	counts[key.CounterWords] = int(c.counts[string(key.Counter(key.CounterWords))])
	delete(c.counts, string(key.Counter(key.CounterWords)))
	for _, name := range counterNames {
		n, err := readCounter(c.txn, name)
		if err != nil {
			return err
		}
		if int(n) != counts[name] {
			if err := c.fail("counter %s is %d, records %d", name, n, counts[name]); err != nil {
				return err
			}
		}
	}
	return nil
}

// text checks that the article's text chunks are all there and hash to
// its hash.
func (c *checker) text(owner string, r articleRec) error {
	h := sha256.New()
	n := 0
	for i := range chunks(r.TextLen) {
		k := key.Text(r.ID, i)
		c.expect[key.KindText]++
		v, ok, err := get(c.txn, k)
		if err != nil {
			return err
		}
		if !ok {
			return c.fail("%s: text chunk %d missing", owner, i)
		}
		c.found[key.KindText]++
		h.Write(v)
		n += len(v)
	}
	if n != r.TextLen || hex.EncodeToString(h.Sum(nil)) != r.Hash {
		return c.fail("%s: text of %d bytes does not match its length %d and hash", owner, n, r.TextLen)
	}
	return nil
}

// indexes counts every index's keys, checks the edges, and names the
// entries that no record calls for.
func (c *checker) indexes() error {
	actual := map[key.Kind]int{}
	it := keysOnly(c.txn, nil)
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		switch p := key.Kind(k[0]); {
		case p == key.KindMeta, p == key.KindCounter, p == key.KindDecision, p >= key.KindArticle && p <= key.KindOutlet, p == key.KindOccurrence, p == key.KindCandidate:
		case p == key.KindSpeakerVenue:
			if err := c.edge(it.Item()); err != nil {
				it.Close()
				return err
			}
		case p == key.KindMatch:
			if err := c.postings(it.Item()); err != nil {
				it.Close()
				return err
			}
		case p == key.KindRoleSeen:
			if err := c.roleSeen(k); err != nil {
				it.Close()
				return err
			}
		case p == key.KindRollup, p == key.KindTimeline:
			if err := c.count(it.Item()); err != nil {
				it.Close()
				return err
			}
		case p >= key.KindSegments && p <= key.KindSegmentDeletes: // segments(), below
		case ownerOf(p) != 0:
			actual[p]++
		default:
			if err := c.fail("key %q has an unknown prefix", k); err != nil {
				it.Close()
				return err
			}
		}
	}
	it.Close()
	for e, n := range c.edges {
		if err := c.fail("speaker %s → venue %s: edge missing, %d quotes", uuid.UUID(e[:key.IDLen]), uuid.UUID(e[key.IDLen:]), n); err != nil {
			return err
		}
	}
	if err := c.segments(); err != nil {
		return err
	}
	for _, k := range sortedKeys(c.counts) {
		if n := c.counts[k]; n != 0 {
			if err := c.fail("count %q missing, quotes call for %d", k, n); err != nil {
				return err
			}
		}
	}
	for p, n := range actual {
		if n > c.found[p] {
			if err := c.strays(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// postings checks the postings under a match key: each names an
// occurrence of that quote which has the key. The index keeps only the
// newest printings, so an occurrence missing from it is no problem.
func (c *checker) postings(item *badger.Item) error {
	k := item.Key()
	v, err := item.ValueCopy(nil)
	if err != nil {
		return dbErr("read match index", err)
	}
	if len(v) == 0 || len(v)%postingLen != 0 || len(v) > maxPostings*postingLen {
		return c.fail("match key %q: value of %d bytes", k, len(v))
	}
	for i := 0; i < len(v); i += postingLen {
		oid, qid := uuid.UUID(v[i:i+key.IDLen]), uuid.UUID(v[i+key.IDLen:i+postingLen])
		var o occRec
		if err := load(c.txn, key.KindOccurrence, oid, &o); err != nil {
			if err := c.fail("match key %q: occurrence %s: %v", k, oid, err); err != nil {
				return err
			}
			continue
		}
		if o.QuoteID != qid || !slices.Contains(similar.MatchKeys(o.Text), string(k[1:])) {
			if err := c.fail("match key %q: occurrence %s of quote %s has no such key", k, oid, o.QuoteID); err != nil {
				return err
			}
		}
	}
	return nil
}

// roleSeen checks that a role date key names a role of a speaker record.
func (c *checker) roleSeen(k []byte) error {
	pk, err := key.Parse(k)
	if err != nil {
		return c.fail("role date key %x malformed", k)
	}
	var r speakerRec
	if err := load(c.txn, key.KindSpeaker, pk.ID, &r); err != nil || pk.N >= len(r.Roles) {
		return c.fail("role date key %x: no such role of speaker %s (%v)", k, pk.ID, err)
	}
	return nil
}

func (c *checker) edge(item *badger.Item) error {
	k := item.Key()
	pk, err := key.Parse(k)
	if err != nil {
		return c.fail("edge key %x malformed", k)
	}
	e := edgeID(pk.ID, pk.OtherID)
	v, err := item.ValueCopy(nil)
	if err != nil {
		return dbErr("read edge", err)
	}
	n, err := parseUint64(v)
	want := c.edges[e]
	delete(c.edges, e)
	if err != nil || n != want {
		return c.fail("speaker %s → venue %s: edge count %x, %d quotes", uuid.UUID(e[:key.IDLen]), uuid.UUID(e[key.IDLen:]), v, want)
	}
	return nil
}

// count checks a count key of quoteCounts against what the quotes call for.
func (c *checker) count(item *badger.Item) error {
	k := item.Key()
	v, err := item.ValueCopy(nil)
	if err != nil {
		return dbErr("read count", err)
	}
	n, err := parseUint64(v)
	want := c.counts[string(k)]
	delete(c.counts, string(k))
	if err != nil || int64(n) != want || n == 0 {
		return c.fail("count %q is %x, quotes call for %d", k, v, want)
	}
	return nil
}

// ownerOf returns the record prefix of the records that index p belongs
// to, 0 for a prefix that is no index.
func ownerOf(p key.Kind) key.Kind {
	switch p {
	case key.KindQuoteByArticle, key.KindQuoteBySpeaker, key.KindQuoteByVenue, key.KindQuoteByDate, key.KindQuoteByOutlet, key.KindConflict:
		return key.KindQuote
	case key.KindOccurrenceByQuote, key.KindOccurrenceByArticle:
		return key.KindOccurrence
	case key.KindSpeakerByName, key.KindSpeakerLookup, key.KindSpeakerByToken, key.KindSpeakerByBlock, key.KindSpeakerMember:
		return key.KindSpeaker
	case key.KindCandidatePair:
		return key.KindCandidate
	case key.KindVenueByName, key.KindVenueLookup, key.KindVenueByToken:
		return key.KindVenue
	case key.KindOutletByName:
		return key.KindOutlet
	case key.KindArticleByKey, key.KindArticleByDate, key.KindArticleCopy, key.KindText:
		return key.KindArticle
	}
	return 0
}

// strays reads index p entry by entry and reports the entries that their
// record does not call for.
func (c *checker) strays(p key.Kind) error {
	o := badger.DefaultIteratorOptions
	o.Prefix = p.Prefix()
	it := c.txn.NewIterator(o)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		k := item.Key()
		v, err := item.ValueCopy(nil)
		if err != nil {
			return dbErr("read index", err)
		}
		var id uuid.UUID
		switch p {
		case key.KindSpeakerLookup, key.KindVenueLookup, key.KindOutletByName, key.KindArticleByKey, key.KindCandidatePair: // id in the value
			if len(v) < key.IDLen {
				if err := c.fail("index entry %q: value %x", k, v); err != nil {
					return err
				}
				continue
			}
			id = uuid.UUID(v)
		case key.KindText: // id after the prefix
			pk, err := key.Parse(k)
			if err != nil {
				if err := c.fail("text key %x malformed", k); err != nil {
					return err
				}
				continue
			}
			id = pk.ID
		default: // id at the end of the key
			if len(k) < 1+key.IDLen {
				if err := c.fail("index entry %q malformed", k); err != nil {
					return err
				}
				continue
			}
			id = key.LastID(k)
		}
		es, err := c.entriesOf(ownerOf(p), id)
		if err != nil {
			return err
		}
		if es == nil {
			if err := c.fail("index entry %q: record %s missing", k, id); err != nil {
				return err
			}
			continue
		}
		ok := false
		for _, e := range es {
			ok = ok || bytes.Equal(e.k, k)
		}
		if !ok {
			if err := c.fail("index entry %q: record %s has no such entry", k, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// entriesOf returns the index entries of the record with prefix p and id,
// nil when there is no such record.
func (c *checker) entriesOf(p key.Kind, id uuid.UUID) ([]entry, error) {
	b, ok, err := get(c.txn, key.Record(p, id))
	if err != nil || !ok {
		return nil, err
	}
	var es []entry
	switch p {
	case key.KindQuote:
		var r quoteRec
		if err = decodeRecord(b, &r); err == nil {
			var occs []occRec
			if occs, err = loadOccurrences(c.txn, id, 0); err == nil {
				es = quoteEntries(r, occs)
			}
		}
	case key.KindOccurrence:
		var r occRec
		err = decodeRecord(b, &r)
		es = occIndex(r)
	case key.KindCandidate:
		var r candidateRec
		err = decodeRecord(b, &r)
		es = candidateIndex(r)
	case key.KindSpeaker:
		var r speakerRec
		err = decodeRecord(b, &r)
		es = speakerIndex(r)
	case key.KindVenue:
		var r venueRec
		err = decodeRecord(b, &r)
		es = venueIndex(r)
	case key.KindOutlet:
		var r outletRec
		err = decodeRecord(b, &r)
		es = outletIndex(r)
	case key.KindArticle:
		var r articleRec
		err = decodeRecord(b, &r)
		es = articleIndex(r)
		for i := range chunks(r.TextLen) {
			es = append(es, entry{k: key.Text(r.ID, i)})
		}
	}
	if err != nil {
		return []entry{}, nil // an undecodable record was reported by the forward pass
	}
	return es, nil
}
