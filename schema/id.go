package schema

import (
	"encoding/base64"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Type names of the nodes, as they appear in global ids and in the schema.
const (
	typeArticle = "Article"
	typeOutlet  = "Outlet"
	typeQuote   = "Quote"
	typeSpeaker = "Speaker"
	typeVenue   = "Venue"

	typeCandidate = "MergeCandidate"
	typeMerge     = "Merge" // a merged speaker record, for undoMerge; not a node
)

// nodeTypes are the types a global id may name.
var nodeTypes = []string{typeArticle, typeOutlet, typeQuote, typeSpeaker, typeVenue, typeCandidate, typeMerge}

// b64 decodes ids and cursors strictly: no two strings decode alike.
var b64 = base64.RawURLEncoding.Strict()

// encodeID returns the global id of the record of type typ with id id:
// base64url, unpadded, of "Speaker:<uuid>".
func encodeID(typ string, id uuid.UUID) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + id.String()))
}

// decodeID parses a global id made by encodeID. The error, an inputError,
// says "invalid id" and why.
func decodeID(s string) (typ string, id uuid.UUID, err error) {
	if s == "" {
		return "", uuid.Nil, inputErrorf("invalid id: empty")
	}
	if len(s) > 128 {
		return "", uuid.Nil, inputErrorf("invalid id: too long")
	}
	raw, err := b64.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return "", uuid.Nil, inputErrorf("invalid id %q: not a graphd id", s)
	}
	typ, rest, ok := strings.Cut(string(raw), ":")
	if !ok || !isNodeType(typ) {
		return "", uuid.Nil, inputErrorf("invalid id %q: not a graphd id", s)
	}
	// uuid.Parse also takes upper case, braces and urn: forms; an id is
	// only ever the canonical form, so that a record has one id.
	id, err = uuid.Parse(rest)
	if err != nil || id == uuid.Nil || id.String() != rest {
		return "", uuid.Nil, inputErrorf("invalid id %q: not a graphd id", s)
	}
	return typ, id, nil
}

// decodeTypedID is decodeID for an argument that takes ids of one type.
func decodeTypedID(arg, want, s string) (uuid.UUID, error) {
	typ, id, err := decodeID(s)
	if err != nil {
		return uuid.Nil, inputErrorf("%s: %s", arg, err.Error())
	}
	if typ != want {
		return uuid.Nil, inputErrorf("%s: invalid id: a %s id, not a %s id", arg, typ, want)
	}
	return id, nil
}

func isNodeType(typ string) bool {
	for _, t := range nodeTypes {
		if t == typ {
			return true
		}
	}
	return false
}

// A cursor marks an item of a connection: the store's cursor of that
// item, which pages on from it or back from it. The kind ("Quote",
// "Speaker", …) keeps a cursor from being used in another list.
type cursor struct {
	kind string
	pos  string // the store's cursor of the item
}

const cursorPrefix = "c2:"

// encodeCursor returns c as an opaque string.
func encodeCursor(c cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + c.kind + ":" + c.pos))
}

// decodeCursor parses a cursor made by encodeCursor for a list of kind,
// given as the argument arg (after or before). The error, an inputError,
// says "arg: invalid cursor".
func decodeCursor(kind, arg, s string) (cursor, error) {
	bad := inputErrorf("%s: invalid cursor", arg)
	if len(s) > 1024 {
		return cursor{}, bad
	}
	raw, err := b64.DecodeString(s)
	if err != nil {
		return cursor{}, bad
	}
	rest, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return cursor{}, bad
	}
	k, pos, ok := strings.Cut(rest, ":")
	if !ok || k != kind {
		return cursor{}, inputErrorf("%s: invalid cursor: not a cursor of this list", arg)
	}
	if pos == "" {
		return cursor{}, bad // never issued: every item has a position
	}
	return cursor{kind: kind, pos: pos}, nil
}

// dateLayout is the ISO 8601 calendar date.
const dateLayout = "2006-01-02"

// parseTime reads an ISO 8601 date ("2025-02-17") or an RFC 3339 time
// ("2025-02-17T09:30:00Z") given for argument arg. A date is midnight UTC
// of that day; with endOfDay it is the last instant of that day instead,
// so that a date as an upper bound includes the day. The error, an
// inputError, names arg.
func parseTime(arg, s string, endOfDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) == len(dateLayout) {
		t, err := time.Parse(dateLayout, s)
		if err != nil {
			return time.Time{}, inputErrorf("%s: not an ISO 8601 date: %q", arg, s)
		}
		if endOfDay {
			t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, inputErrorf("%s: not an ISO 8601 date: %q (want 2006-01-02 or 2006-01-02T15:04:05Z)", arg, s)
	}
	return t.UTC(), nil
}

// formatTime writes t as ISO 8601: the date alone when t is midnight UTC
// (articles usually carry only a day), else RFC 3339.
func formatTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(dateLayout)
	}
	return t.Format(time.RFC3339Nano)
}

// checkPageSize validates a page size argument, first or last, against
// the largest page, limit.
func checkPageSize(arg string, n, limit int) error {
	if n < 0 || n > limit {
		return inputErrorf("%s: must be between 0 and %d, not %d", arg, limit, n)
	}
	return nil
}
