package graph

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/search"
)

// damageDir returns the search index's directory as txn sees it.
func damageDir(t *testing.T, txn *badger.Txn) *segDir {
	t.Helper()
	v, _, err := get(txn, key.Segments())
	if err != nil {
		t.Fatal(err)
	}
	d, err := decodeSegDir(v)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// damageSegment adds a segment that build fills to the search index.
func damageSegment(t *testing.T, txn *badger.Txn, build func(*segBuilder) error) error {
	d := damageDir(t, txn)
	b := newSegBuilder(d.next, txn.Set)
	if err := build(b); err != nil {
		return err
	}
	info, err := b.finish()
	if err != nil {
		return err
	}
	d.live = append(d.live, info)
	d.next++
	return txn.Set(key.Segments(), d.encode())
}

// Check finds each kind of damage a bug could leave.
func TestCheckFindsDamage(t *testing.T) {
	text := `Dmitry Peskov told CNN: "The talks are over." He added: "Nothing else."`
	in := ArticleInput{URL: "https://x.test/1", Outlet: "TASS", Text: text, Quotes: []QuoteInput{
		{Text: "The talks are over.", Kind: KindDirect, Spans: []Span{{25, 44}}, Speaker: &SpeakerRef{Name: "Dmitry Peskov"}, Venue: &VenueRef{Name: "CNN", Kind: VenueBroadcast}},
		{Text: "Nothing else.", Kind: KindDirect, Spans: []Span{{57, 70}}, Speaker: &SpeakerRef{Name: "Dmitry Peskov"}},
	}}
	tests := []struct {
		name   string
		damage func(txn *badger.Txn, r PutResult, q quoteRec) error
		want   string
	}{
		{"index entry missing", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return txn.Delete(key.QuoteIndex(key.KindQuoteBySpeaker, q.SpeakerID[:], q.Published, q.ID))
		}, "index entry"},
		{"word posting missing", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			// Deleted from its segment, with nothing in its place.
			d := damageDir(t, txn)
			pos, _ := search.Positions(q.Text)
			ds := []segDelete{{suffix: [key.SuffixLen]byte(key.Suffix(q.Published, q.ID)), postings: len(pos)}}
			d.live[0].deleted, d.live[0].delSeq = len(pos), d.next
			if err := txn.Set(key.SegmentDeletes(d.live[0].num, d.next), encodeDeletes(ds)); err != nil {
				return err
			}
			d.next++
			return txn.Set(key.Segments(), d.encode())
		}, `word "talks": posting of quote`},
		{"word posting twice", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return damageSegment(t, txn, func(b *segBuilder) error {
				if err := b.add("talks", wordPostings(q)["talks"]); err != nil {
					return err
				}
				return b.term(termEntry{word: "talks", stem: "talk", postings: 1})
			})
		}, `live in segment 1 too`},
		{"word posting of another quote", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return damageSegment(t, txn, func(b *segBuilder) error {
				if err := b.add("zebra", wordPostings(q)["talks"]); err != nil {
					return err
				}
				return b.term(termEntry{word: "zebra", stem: "zebra", df: 1, postings: 1})
			})
		}, "no quote calls for"},
		{"document frequency off", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return damageSegment(t, txn, func(b *segBuilder) error {
				return b.term(termEntry{word: "talks", stem: "talk", df: 1})
			})
		}, `segments count 2 quotes holding it, the quotes 1`},
		{"dictionary off", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return damageSegment(t, txn, func(b *segBuilder) error {
				return b.term(termEntry{word: "walrus", stem: "walrus", postings: 3})
			})
		}, `word "walrus": no postings, the dictionary says 3`},
		{"segment block malformed", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			it := keysOnly(txn, key.Segment(key.KindSegmentBlock, 1))
			defer it.Close()
			it.Rewind()
			return txn.Set(it.Item().KeyCopy(nil), []byte{9, 9})
		}, "malformed"},
		{"segment nobody lists", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return txn.Set(key.SegmentTerms(99, "talks"), nil)
		}, "segment 99 is not in the directory"},
		{"directory malformed", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return txn.Set(key.Segments(), []byte{1, 2})
		}, "malformed search index"},
		{"number taken twice", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			var v venueRec
			if err := load(txn, key.KindVenue, q.VenueID, &v); err != nil {
				return err
			}
			v.Num = 2
			return store(txn, key.KindVenue, v.ID, v)
		}, "number"},
		{"count off", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return txn.Set(key.Rollup(key.DimKind, key.LevelAll, 0, []byte(KindDirect)), uint64Bytes(7))
		}, "count"},
		{"stray index entry", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return txn.Set(key.QuoteIndex(key.KindQuoteBySpeaker, q.SpeakerID[:], q.Published, uuid.New()), nil)
		}, "record"},
		{"index entry of another record", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			other := uuid.New()
			return txn.Set(key.QuoteIndex(key.KindQuoteByVenue, other[:], q.Published, q.ID), quoteFacets(q))
		}, "has no such entry"},
		{"record missing", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return txn.Delete(key.Record(key.KindSpeaker, q.SpeakerID))
		}, "speaker"},
		{"counter off", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return txn.Set(key.Counter(key.CounterQuotes), uint64Bytes(5))
		}, "counter quotes"},
		{"edge off", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return txn.Set(key.Pair(key.KindSpeakerVenue, q.SpeakerID, q.VenueID), uint64Bytes(2))
		}, "edge count"},
		{"edge missing", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return txn.Delete(key.Pair(key.KindSpeakerVenue, q.SpeakerID, q.VenueID))
		}, "edge missing"},
		{"text chunk changed", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return txn.Set(key.Text(r.Article.ID, 0), []byte(strings.ToUpper(text)))
		}, "hash"},
		{"lookup points elsewhere", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return txn.Set(key.VenueLookup("cnn", VenueBroadcast), q.SpeakerID[:])
		}, "index entry"},
		{"cue kind apart from the first printing", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			q.CueKind = CueStance
			return store(txn, key.KindQuote, q.ID, q)
		}, "differs from its first occurrence"},
		{"cue kind unknown", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			var o occRec
			if err := load(txn, key.KindOccurrence, q.First, &o); err != nil {
				return err
			}
			o.CueKind = "shout"
			return store(txn, key.KindOccurrence, o.ID, o)
		}, `cue kind "shout"`},
		{"unknown prefix", func(txn *badger.Txn, r PutResult, q quoteRec) error {
			return txn.Set([]byte{0x7f, 1}, nil)
		}, "unknown prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open("", Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			r, err := s.PutArticle(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Check(ctx); err != nil {
				t.Fatalf("before damage: %v", err)
			}
			err = s.db.Update(func(txn *badger.Txn) error {
				it := keysOnly(txn, key.Record(key.KindQuoteByArticle, r.Article.ID))
				it.Rewind()
				k := it.Item().KeyCopy(nil)
				it.Close()
				var q quoteRec
				if err := load(txn, key.KindQuote, uuid.UUID(k[len(k)-key.IDLen:]), &q); err != nil {
					return err
				}
				return tt.damage(txn, r, q)
			})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Check(ctx)
			t.Log(err)
			if !errors.Is(err, ErrInconsistent) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check = %v, want ErrInconsistent mentioning %q", err, tt.want)
			}
		})
	}
}

func TestOpenRefusesOtherLayout(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.db.Update(func(txn *badger.Txn) error { return txn.Set(key.Version(), []byte{layoutVersion + 1}) })
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir, Options{}); err == nil {
		s.Close()
		t.Fatal("Open of a store with another layout version succeeded")
	}
	if !strings.Contains(err.Error(), "layout version") {
		t.Errorf("err = %v", err)
	}
}
