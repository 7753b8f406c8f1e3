package graph

import (
	"encoding/base64"
	"fmt"
)

// A cursor is base64url of a kind byte and a payload: the sort key of the
// last item of a page (for quotes the 24-byte <date><quote id> suffix of
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

// Page sizes: a Page asking for First <= 0 items gets DefaultPageSize,
// one asking for more than MaxPageSize gets MaxPageSize.
const (
	DefaultPageSize = 20
	MaxPageSize     = 1000
)

// size is the page size p asks for, defaulted and capped.
func (p Page) size() int {
	switch {
	case p.First <= 0:
		return DefaultPageSize
	case p.First > MaxPageSize:
		return MaxPageSize
	}
	return p.First
}
