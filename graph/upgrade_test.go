package graph

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
)

// downgrade turns a store into what layout 1 wrote: quote index entries
// with empty values, no outlet on quotes, no dictionary, outlet index,
// dashboard counts or word counter, version 1.
func downgrade(t *testing.T, s *Store) {
	t.Helper()
	err := s.db.Update(func(txn *badger.Txn) error {
		var quotes []quoteRec
		it := txn.NewIterator(badger.IteratorOptions{Prefix: key.KindQuote.Prefix()})
		for it.Rewind(); it.Valid(); it.Next() {
			var r quoteRec
			if err := it.Item().Value(func(v []byte) error { return decodeRecord(v, &r) }); err != nil {
				return err
			}
			quotes = append(quotes, r)
		}
		it.Close()
		for _, r := range quotes {
			for _, e := range quoteIndex(r) {
				if key.Kind(e.k[0]) == key.KindQuoteByOutlet {
					txn.Delete(e.k)
				} else {
					txn.Set(e.k, nil)
				}
			}
			r.OutletID = uuid.Nil
			if err := store(txn, key.KindQuote, r.ID, r); err != nil {
				return err
			}
		}
		var drop [][]byte
		it = txn.NewIterator(badger.IteratorOptions{})
		for it.Rewind(); it.Valid(); it.Next() {
			if p := key.Kind(it.Item().Key()[0]); p == key.KindTerm || p == key.KindRollup || p == key.KindTimeline {
				drop = append(drop, it.Item().KeyCopy(nil))
			}
		}
		it.Close()
		for _, k := range append(drop, key.Counter(key.CounterWords)) {
			txn.Delete(k)
		}
		return txn.Set(key.Version(), []byte{1})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUpgradeFrom1(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := `Dmitry Peskov told CNN: "The talks are over." He added: "Nothing else."`
	_, err = s.PutArticle(ctx, ArticleInput{URL: "https://x.test/1", Outlet: "TASS", Published: testDate, Text: text, Quotes: []QuoteInput{
		{Text: "The talks are over.", Kind: KindDirect, Spans: []Span{{25, 44}}, Confidence: 0.8, Speaker: &SpeakerRef{Name: "Dmitry Peskov"}, Venue: &VenueRef{Name: "CNN", Kind: VenueBroadcast}},
		{Text: "Nothing else.", Kind: KindPartial, Spans: []Span{{57, 70}}, Confidence: 0.6, Speaker: &SpeakerRef{Name: "Dmitry Peskov"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	downgrade(t, s)
	if err := s.Check(ctx); err == nil {
		t.Fatal("Check passes a layout 1 store")
	}
	s.Close()
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(ctx); err != nil {
		t.Fatalf("after the upgrade: %v", err)
	}
	qs, _, err := s.Quotes(ctx, QuoteFilter{Search: "talk", Kinds: []string{KindDirect}, Order: OrderRelevance}, Page{})
	if err != nil || len(qs) != 1 || qs[0].OutletID == uuid.Nil {
		t.Errorf("search after the upgrade: %+v, %v", qs, err)
	}
	bs, err := s.QuotesBy(ctx, ByKind, testDate, testDate, 5)
	if err != nil || len(bs) != 2 {
		t.Errorf("QuotesBy after the upgrade: %+v, %v", bs, err)
	}
}

var testDate = time.Date(2025, 2, 18, 0, 0, 0, 0, time.UTC)

// TestUpgradeFrom3 opens a store of layout 3, which had merges but no
// member index, and finds the merged names counted as one person after
// (two names a person merged, each with a quotation).
func TestUpgradeFrom3(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids [2]uuid.UUID
	for i, c := range []struct{ name, quote string }{{"Dmitry Peskov", "The talks are over."}, {"Anna Smith", "We will build the bridge by June."}} {
		name := c.name
		text := name + ` told CNN: "` + c.quote + `"`
		_, err := s.PutArticle(ctx, ArticleInput{URL: "https://x.test/" + name, Outlet: "TASS", Published: testDate, Text: text, Quotes: []QuoteInput{
			{Text: c.quote, Kind: KindDirect, Confidence: 0.8, Speaker: &SpeakerRef{Name: name}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		sp, err := s.SpeakerByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = sp.ID
	}
	if _, err := s.MergeSpeakers(ctx, ids[0], ids[1], uuid.Nil); err != nil {
		t.Fatal(err)
	}
	// what layout 3 wrote: the same, without the member index
	err = s.db.Update(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: key.KindSpeakerMember.Prefix()})
		var drop [][]byte
		for it.Rewind(); it.Valid(); it.Next() {
			drop = append(drop, it.Item().KeyCopy(nil))
		}
		it.Close()
		if len(drop) != 1 {
			t.Errorf("%d member index entries, want 1", len(drop))
		}
		for _, k := range drop {
			txn.Delete(k)
		}
		return txn.Set(key.Version(), []byte{3})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err == nil {
		t.Fatal("Check passes a store without its member index")
	}
	s.Close()
	if r, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrOldLayout) {
		if err == nil {
			r.Close()
		}
		t.Fatalf("read-only open of a layout 3 store: %v, want ErrOldLayout", err)
	}
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(ctx); err != nil {
		t.Fatalf("after the upgrade: %v", err)
	}
	bs, err := s.QuotesBy(ctx, BySpeaker, time.Time{}, time.Time{}, 5)
	if err != nil || len(bs) != 1 || bs[0].Count != 2 {
		t.Errorf("QuotesBy after the upgrade: %+v, %v; want one person with 2", bs, err)
	}
}
