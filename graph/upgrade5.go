package graph

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/identity"
	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/similar"
)

// upgradeFrom4 brings a store of layout 4 to layout 5, whose names and
// words are folded by package fold: the diacritics of every script are
// stripped (layout 4 folded Latin letters only) and spacing marks are
// part of words (layout 4 broke words at them). Everything keyed by a
// folded name or word is rebuilt from the records: the speaker, venue and
// outlet indexes, the word index, term dictionary and words counter, and
// the match index; the records that hold folded strings get them anew
// (a speaker record's venues and the block keys of the people quoted
// beside it, an article's MinHash sketch), and people's decisions are
// keyed by their names folded anew. Two records whose names now fold
// alike share a lookup key, which names the earlier (firstClaim).
//
// A decision on two names that now fold alike is dropped: the two are
// one name. The version is set last; an upgrade cut short starts over.
func (s *Store) upgradeFrom4() error {
	s.log.Info("upgrading the store's key layout from version 4 to 5: names and words folded anew")
	// The folded forms layout 4 stored, mapped to layout 5's, from the
	// names they were folded from.
	names := map[string]string{}    // fold4 of a speaker's or venue's name → fold.String
	blocks := map[string][]string{} // layout 4 block key → layout 5 block keys
	var speakers []speakerRec
	var venues []venueRec
	var outlets []outletRec
	err := s.eachRecord(key.KindSpeaker, func(k, v []byte) error {
		var r speakerRec
		if err := decodeRecord(v, &r); err != nil {
			return fmt.Errorf("speaker %x: %w", k[1:], err)
		}
		for _, n := range r.names() {
			names[fold4(n)] = fold.String(n)
			if p := identity.SplitFolded(fold4(n)); p.Surname != "" {
				old := "s:" + identity.Skeleton(p.Surname)
				for _, b := range identity.BlockKeys(n) {
					if !slices.Contains(blocks[old], b) {
						blocks[old] = append(blocks[old], b)
					}
				}
			}
		}
		speakers = append(speakers, r)
		return nil
	})
	if err == nil {
		err = s.eachRecord(key.KindVenue, func(k, v []byte) error {
			var r venueRec
			if err := decodeRecord(v, &r); err != nil {
				return fmt.Errorf("venue %x: %w", k[1:], err)
			}
			names[fold4(r.Name)] = fold.String(r.Name)
			venues = append(venues, r)
			return nil
		})
	}
	if err == nil {
		err = s.eachRecord(key.KindOutlet, func(k, v []byte) error {
			var r outletRec
			if err := decodeRecord(v, &r); err != nil {
				return fmt.Errorf("outlet %x: %w", k[1:], err)
			}
			outlets = append(outlets, r)
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	refold := func(old string) string {
		if n, ok := names[old]; ok {
			return n
		}
		return fold.String(old)
	}
	// Decisions are people's and kept nowhere else: re-keyed in one
	// transaction, new keys before old ones go.
	err = s.db.Update(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: key.KindDecision.Prefix()})
		type decision struct{ k, v []byte }
		var ds []decision
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				it.Close()
				return dbErr("upgrade", err)
			}
			ds = append(ds, decision{it.Item().KeyCopy(nil), v})
		}
		it.Close()
		for _, d := range ds {
			a, b, ok := key.SplitStrings(d.k[1:])
			if !ok {
				return fmt.Errorf("decision key %q malformed", d.k)
			}
			na, nb := refold(a), refold(b)
			if na != nb {
				if err := set(txn, key.Decision(na, nb), d.v); err != nil {
					return err
				}
			}
		}
		for _, d := range ds {
			a, b, _ := key.SplitStrings(d.k[1:])
			if na, nb := refold(a), refold(b); na == nb || na != a || nb != b {
				if err := del(txn, d.k); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	derived := [][]byte{
		key.KindSpeakerByName.Prefix(), key.KindSpeakerLookup.Prefix(), key.KindSpeakerByToken.Prefix(),
		key.KindSpeakerByBlock.Prefix(), key.KindVenueByName.Prefix(), key.KindVenueLookup.Prefix(),
		key.KindVenueByToken.Prefix(), key.KindOutletByName.Prefix(), key.KindWordBlock.Prefix(),
		key.KindTerm.Prefix(), key.KindFreshPosting.Prefix(), key.KindMatch.Prefix(), key.Counter(key.CounterWords),
	}
	if err := s.db.DropPrefix(derived...); err != nil {
		return dbErr("upgrade", err)
	}
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	put := func(k, v []byte) error {
		if err := wb.Set(k, v); err != nil {
			return dbErr("upgrade", err)
		}
		return nil
	}
	claimed := map[string]bool{}
	index := func(es []entry) error {
		for _, e := range es {
			if firstClaim(e.k) {
				if claimed[string(e.k)] {
					continue
				}
				claimed[string(e.k)] = true
			}
			if err := put(e.k, e.v); err != nil {
				return err
			}
		}
		return nil
	}
	record := func(p key.Kind, id uuid.UUID, v any) error {
		b, err := encodeRecord(v)
		if err != nil {
			return err
		}
		return put(key.Record(p, id), b)
	}
	for _, r := range speakers {
		var vs, co []string
		for _, v := range r.Venues {
			if n := refold(v); !slices.Contains(vs, n) {
				vs = append(vs, n)
			}
		}
		for _, c := range r.Co {
			news, ok := blocks[c]
			if !ok {
				news = []string{c}
			}
			for _, n := range news {
				if !slices.Contains(co, n) {
					co = append(co, n)
				}
			}
		}
		r.Venues, r.Co = vs, co
		if err := record(key.KindSpeaker, r.ID, r); err != nil {
			return fmt.Errorf("upgrade: %w", err)
		}
		if err := index(speakerIndex(r)); err != nil {
			return fmt.Errorf("upgrade: %w", err)
		}
	}
	for _, r := range venues {
		if err := index(venueIndex(r)); err != nil {
			return fmt.Errorf("upgrade: %w", err)
		}
	}
	for _, r := range outlets {
		if err := index(outletIndex(r)); err != nil {
			return fmt.Errorf("upgrade: %w", err)
		}
	}
	words := map[string][]posting{}
	counts := map[string]int64{}
	nq := 0
	err = s.eachRecord(key.KindQuote, func(k, v []byte) error {
		var r quoteRec
		if err := decodeRecord(v, &r); err != nil {
			return fmt.Errorf("quote %x: %w", k[1:], err)
		}
		termCounts(r, func(k []byte, d int64) { counts[string(k)] += d })
		for w, p := range wordPostings(r) {
			words[w] = append(words[w], p)
		}
		nq++
		return nil
	})
	if err == nil {
		matches := map[string][]byte{}
		err = s.eachRecord(key.KindOccurrence, func(k, v []byte) error {
			var o occRec
			if err := decodeRecord(v, &o); err != nil {
				return fmt.Errorf("occurrence %x: %w", k[1:], err)
			}
			for _, mk := range similar.MatchKeys(o.Text) {
				matches[mk] = newestPostings(matches[mk], o)
			}
			return nil
		})
		for _, mk := range sortedKeys(matches) {
			if err == nil {
				err = put(key.Match(mk), matches[mk])
			}
		}
	}
	if err == nil {
		err = s.db.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: key.KindArticle.Prefix(), PrefetchValues: true, PrefetchSize: 16})
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				var r articleRec
				if err := it.Item().Value(func(v []byte) error { return decodeRecord(v, &r) }); err != nil {
					return fmt.Errorf("article %x: %w", it.Item().Key()[1:], err)
				}
				text, err := readText(txn, r.ID, r.TextLen)
				if err != nil {
					return err
				}
				if sk := similar.Sketch(text); !slices.Equal(sk, r.Sketch) {
					r.Sketch = sk
					if err := record(key.KindArticle, r.ID, r); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	if err == nil {
		err = writeWordBlocks(words, put)
	}
	for _, k := range sortedKeys(counts) {
		if err == nil && counts[k] > 0 {
			err = put([]byte(k), uint64Bytes(uint64(counts[k])))
		}
	}
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	if err := wb.Flush(); err != nil {
		return dbErr("upgrade", err)
	}
	err = s.db.Update(func(txn *badger.Txn) error { return set(txn, key.Version(), []byte{5}) })
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	s.log.Info("upgraded the store's key layout", "speakers", len(speakers), "venues", len(venues), "quotes", nq)
	return s.upgradeFrom5()
}

// table4 maps lowercase Latin letters with diacritics, and a few ligatures,
// to plain ASCII. Letters of other scripts are only lowercased.
var table4 = func() map[rune]string {
	groups := []struct{ to, from string }{
		{"a", "àáâãäåāăąǎǟǡǻȁȃȧạảấầẩẫậắằẳẵặ"},
		{"c", "çćĉċčƈ"},
		{"d", "ďđɗḍḏ"},
		{"e", "èéêëēĕėęěȅȇȩẹẻẽếềểễệ"},
		{"g", "ĝğġģǧǵ"},
		{"h", "ĥħḥḫ"},
		{"i", "ìíîïĩīĭįıǐȉȋỉị"},
		{"j", "ĵǰ"},
		{"k", "ķǩḳ"},
		{"l", "ĺļľŀłḷ"},
		{"n", "ñńņňŉǹṅṇ"},
		{"o", "òóôõöøōŏőơǒǫǭǿȍȏȫȭȯȱọỏốồổỗộớờởỡợ"},
		{"r", "ŕŗřȑȓṛ"},
		{"s", "śŝşšșṡṣ"},
		{"t", "ţťŧțṭ"},
		{"u", "ùúûüũūŭůűųưǔǖǘǚǜȕȗụủứừửữự"},
		{"w", "ŵẁẃẅ"},
		{"y", "ýÿŷȳỳỵỷỹ"},
		{"z", "źżžẓ"},
		{"ss", "ß"},
		{"ae", "æǣǽ"},
		{"oe", "œ"},
		{"th", "þ"},
		{"dz", "ǆ"},
		{"lj", "ǉ"},
		{"nj", "ǌ"},
	}
	m := make(map[rune]string)
	for _, g := range groups {
		for _, r := range g.from {
			m[r] = g.to
		}
	}
	return m
}()

// dropped4 runes vanish without separating words: "O'Brien" is "obrien",
// "U.S." is "us".
func dropped4(r rune) bool {
	switch r {
	case '\'', '.', '’', 'ʼ', '‘', '`', '´':
		return true
	}
	return unicode.Is(unicode.Mn, r) // combining marks of decomposed text
}

// fold4 is the text fold of key layouts 1 to 4: fold.String's form for
// Latin letters, but letters of other scripts only lowercased and spacing
// marks word breaks. The upgrade to layout 5 finds the keys those layouts
// derived from names with it.
func fold4(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case dropped4(r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			r = unicode.ToLower(r)
			if f, ok := table4[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
		default:
			space = true
		}
	}
	return b.String()
}
