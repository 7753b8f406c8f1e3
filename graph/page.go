package graph

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// A cursor is base64url of a kind byte and a payload: the sort key of an
// item of a page (for quotes the 24-byte <date><quote id> suffix of
// their index keys). The kind keeps one listing's cursor out of another.
// Cursor kinds: a cursor for one listing is refused by another.
const (
	cursorQuote     byte = 'q'
	cursorRanked    byte = 'r' // quotes by relevance: score (float64 bits) and suffix
	cursorArticle   byte = 'a'
	cursorName      byte = 'n' // speakers and venues by name
	cursorOutlet    byte = 'o'
	cursorConflict  byte = 'c'
	cursorCandidate byte = 'm'
)

func encodeCursor(kind byte, payload []byte) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte{kind}, payload...))
}

// decodeCursor returns the payload of a cursor of kind, nil for "".
func decodeCursor(kind byte, c string) ([]byte, error) {
	if c == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 2 || b[0] != kind {
		return nil, fmt.Errorf("cursor %.40q: %w", c, ErrBadCursor)
	}
	return b[1:], nil
}

// Page sizes: a Page asking for First (or Last) <= 0 items gets
// DefaultPageSize, one asking for more than MaxPageSize gets MaxPageSize.
const (
	DefaultPageSize = 20
	MaxPageSize     = 1000
)

// backward reports whether p pages backwards.
func (p Page) backward() bool { return p.Last > 0 || p.Before != "" }

// size is the page size p asks for, defaulted and capped.
func (p Page) size() int {
	n := p.First
	if p.backward() {
		n = p.Last
	}
	switch {
	case n <= 0:
		return DefaultPageSize
	case n > MaxPageSize:
		return MaxPageSize
	}
	return n
}

// cursor checks p and returns the payload of its cursor of kind (After,
// or Before for a backward page; nil for none) and whether p pages
// backwards. It returns ErrInvalid for a page asking for both directions
// and ErrBadCursor for a cursor of another kind.
func (p Page) cursor(kind byte) (payload []byte, backward bool, err error) {
	if (p.First > 0 || p.After != "") && p.backward() {
		return nil, false, fmt.Errorf("%w: a page runs forward (first, after) or backward (last, before), not both", ErrInvalid)
	}
	c := p.After
	if p.backward() {
		c = p.Before
	}
	payload, err = decodeCursor(kind, c)
	return payload, p.backward(), err
}

// pager collects a page of items met in scan order (backwards for a
// backward page) after the cursor, and their sort keys.
type pager[T any] struct {
	kind     byte
	n        int
	backward bool
	cursor   bool // the page starts at a cursor
	items    []T
	keys     [][]byte
	more     bool // an item past the page was met
}

func newPager[T any](kind byte, p Page, cursor []byte, backward bool) *pager[T] {
	return &pager[T]{kind: kind, n: p.size(), backward: backward, cursor: cursor != nil}
}

// room reports whether the page can take another item; once it cannot,
// the item met is past the page, and the page has more.
func (pg *pager[T]) room() bool {
	if len(pg.items) < pg.n {
		return true
	}
	pg.more = true
	return false
}

// add adds an item with sort key k; call room first.
func (pg *pager[T]) add(k []byte, item T) {
	pg.items = append(pg.items, item)
	pg.keys = append(pg.keys, slices.Clone(k))
}

// done returns the items in the list's order and the page's info, with
// total.
func (pg *pager[T]) done(total int) ([]T, PageInfo) {
	if pg.backward {
		slices.Reverse(pg.items)
		slices.Reverse(pg.keys)
	}
	info := PageInfo{TotalCount: total}
	if pg.backward {
		info.HasPreviousPage, info.HasNextPage = pg.more, pg.cursor
	} else {
		info.HasNextPage, info.HasPreviousPage = pg.more, pg.cursor
	}
	info.Cursors = make([]string, len(pg.keys))
	for i, k := range pg.keys {
		info.Cursors[i] = encodeCursor(pg.kind, k)
	}
	if n := len(info.Cursors); n > 0 {
		info.StartCursor, info.EndCursor = info.Cursors[0], info.Cursors[n-1]
	}
	return pg.items, info
}

// seekKey is where an iterator over prefix starts for a page: after the
// cursor going forward, before it going backward (the item at the cursor
// is skipped by the caller), or at either end of the prefix.
func seekKey(prefix, cursor []byte, backward bool) []byte {
	switch {
	case cursor != nil:
		return append(slices.Clone(prefix), cursor...)
	case backward:
		// Past every key of the prefix: no index key holds 64 bytes of
		// 0xff, which UTF-8 text, dates and ids never begin with.
		return append(slices.Clone(prefix), lastKeyPad...)
	}
	return slices.Clone(prefix)
}

// beyond reports whether sort key k comes after the cursor going
// forward, before it going backward.
func beyond(k, cursor []byte, backward bool) bool {
	if backward {
		return bytes.Compare(k, cursor) < 0
	}
	return bytes.Compare(k, cursor) > 0
}

var lastKeyPad = bytes.Repeat([]byte{0xff}, 64)

// iterate returns a keys-only iterator over prefix, backwards if
// reverse.
func iterate(txn *badger.Txn, prefix []byte, reverse bool) *badger.Iterator {
	o := badger.DefaultIteratorOptions
	o.PrefetchValues = false
	o.Prefix = prefix
	o.Reverse = reverse
	return txn.NewIterator(o)
}
