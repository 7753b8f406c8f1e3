package graph

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// FixedIDs makes ids and the clock deterministic for the test (fixedIDs).
func FixedIDs(t *testing.T) { fixedIDs(t) }

// Dump lists every key of s with its value, in hex, but for the kinds
// whose first byte is in skip.
func Dump(t *testing.T, s *Store, skip ...byte) string {
	t.Helper()
	var b strings.Builder
	for line := range strings.Lines(dumpStore(t, s)) {
		if k, err := hex.DecodeString(line[:2]); err == nil && bytes.IndexByte(skip, k[0]) >= 0 {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// KeyCounts counts the keys writes set and delete, by kind.
type KeyCounts struct {
	Sets, Deletes, Bytes [256]int
}

// CountKeys counts the keys written until the test ends.
func CountKeys(t *testing.T) *KeyCounts {
	c := &KeyCounts{}
	countKey = func(k, v []byte, deleted bool) {
		if deleted {
			c.Deletes[k[0]]++
		} else {
			c.Sets[k[0]]++
			c.Bytes[k[0]] += len(k) + len(v)
		}
	}
	t.Cleanup(func() { countKey = nil })
	return c
}

// SearchDump lists the search index as searches read it, whatever
// segments hold it (searchDump).
func SearchDump(t *testing.T, s *Store) string { return searchDump(t, s) }

// DropMatchCache empties the writer's cache of match-key postings, as its
// bound would, leaving the filter of the store's match keys.
func DropMatchCache(s *Store) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.caches.match.clear()
}

// ClearCaches empties every cache the writer keeps of committed state, so
// that its next write reads all it needs from Badger.
func ClearCaches(s *Store) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.caches.clear()
}
