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
