package graph

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSpaceError(t *testing.T) {
	err := fmt.Errorf("put article x: %w", spaceError("/data/store", 90<<20, reserve(0)))
	if !errors.Is(err, ErrNoSpace) {
		t.Fatalf("%v is not ErrNoSpace", err)
	}
	for _, want := range []string{"store /data/store: no space left on device", "90.0 MiB free", "keeps 124.8 MiB free", "free some space"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if se, ok := errors.AsType[*SpaceError](err); !ok || se.Dir != "/data/store" {
		t.Errorf("errors.As: %+v", se)
	}
}

// TestReserve pins what the store keeps free: a small store needs room
// for a write, a flush, a value-log rewrite and its whole level 0; a large
// one for a level-0 compaction at most.
func TestReserve(t *testing.T) {
	small, large := reserve(1<<20), reserve(100<<30)
	if small >= large || reserve(0) > small {
		t.Errorf("reserve grows with the tables: %d, %d, %d", reserve(0), small, large)
	}
	if large != reserve(1<<30) {
		t.Errorf("reserve of a large store is bounded: %d and %d", large, reserve(1<<30))
	}
	if mib(small) != "125.8 MiB" || mib(large) != "262.8 MiB" {
		t.Errorf("reserve: small %s, large %s", mib(small), mib(large))
	}
}

func TestFreeBytes(t *testing.T) {
	dir := t.TempDir()
	free, err := freeBytes(dir + "/not/yet/made")
	if err != nil || free <= 0 {
		t.Errorf("freeBytes of a directory to be made: %d, %v", free, err)
	}
}
