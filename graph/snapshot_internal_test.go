package graph

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/graphd/graphd/graph/key"
)

// A cursor finds what a point read finds, whatever the order of reads.
func TestCursor(t *testing.T) {
	s, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k := func(i int) []byte { return fmt.Appendf(key.KindOccurrence.Prefix(), "%06d", i) }
	err = s.db.Update(func(txn *badger.Txn) error {
		for i := 0; i < 1000; i += 2 { // even keys only
			if err := txn.Set(k(i), []byte(fmt.Sprint(i))); err != nil {
				return err
			}
		}
		return txn.Set(append((key.KindOccurrence+1).Prefix(), "x"...), []byte("other prefix"))
	})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	err = s.db.View(func(txn *badger.Txn) error {
		var c cursor
		defer c.close()
		at := 0
		for n := range 5000 {
			// Mostly in order, sometimes a key ahead before going on
			// in order, sometimes elsewhere, ahead or behind.
			read := at
			switch r.IntN(10) {
			case 0:
				at = r.IntN(1100)
				read = at
			case 1:
				at += 20 + r.IntN(100)
				read = at
			case 2, 3:
				read = at + 1 + r.IntN(150)
			default:
				at += r.IntN(4)
				read = at
			}
			at %= 1100
			read %= 1100
			var got string
			ok, err := c.get(txn, key.KindOccurrence, k(read), func(v []byte) error { got = string(v); return nil })
			if err != nil {
				return err
			}
			want := read%2 == 0 && read < 1000
			if ok != want || ok && got != fmt.Sprint(read) {
				t.Fatalf("read %d, key %d: %v %q, want %v", n, read, ok, got, want)
			}
			// what the cursor keeps is what it counts, within its bounds
			kept := 0
			for _, v := range c.kept {
				kept += len(v)
			}
			if kept != c.bytes || len(c.kept) > cursorSteps || len(c.order) > 4*cursorSteps {
				t.Fatalf("read %d: %d values of %d bytes kept, counted %d bytes; %d keys in order", n, len(c.kept), kept, c.bytes, len(c.order))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
