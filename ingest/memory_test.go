package ingest

import (
	"runtime/debug"
	"testing"
)

func TestSetGC(t *testing.T) {
	before := debug.SetGCPercent(123)
	beforeLimit := debug.SetMemoryLimit(5 << 30)
	defer debug.SetGCPercent(before)
	defer debug.SetMemoryLimit(beforeLimit)

	restore := SetGC(DefaultGCPercent, 3<<30)
	if got := debug.SetGCPercent(-1); got != DefaultGCPercent {
		t.Errorf("percent after SetGC = %d, want %d", got, DefaultGCPercent)
	}
	debug.SetGCPercent(DefaultGCPercent)
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Errorf("limit after SetGC = %d, want %d", got, 3<<30)
	}
	restore()
	if got := debug.SetGCPercent(-1); got != 123 {
		t.Errorf("percent after restore = %d, want 123", got)
	}
	debug.SetGCPercent(123)
	if got := debug.SetMemoryLimit(-1); got != 5<<30 {
		t.Errorf("limit after restore = %d, want %d", got, 5<<30)
	}

	// 0 keeps what is set.
	SetGC(0, 0)()
	if got := debug.SetGCPercent(-1); got != 123 {
		t.Errorf("percent after SetGC(0, 0) = %d, want 123", got)
	}
	debug.SetGCPercent(123)
}

func TestDefaultMemoryLimit(t *testing.T) {
	total := memTotal()
	if total == 0 {
		t.Skip("no /proc/meminfo here")
	}
	got := DefaultMemoryLimit()
	if got <= 0 || got > limitOf(total) {
		t.Errorf("DefaultMemoryLimit() = %d, want at most %d of %d", got, limitOf(total), total)
	}
}

func TestLimitOf(t *testing.T) {
	for _, c := range []struct{ total, want int64 }{
		{512 << 20, 256 << 20}, // a small container: half, above an ingest's live heap
		{2 << 30, 1 << 30},
		{4 << 30, 1 << 30}, // from 4 GiB, a quarter
		{24 << 30, 6 << 30},
	} {
		if got := limitOf(c.total); got != c.want {
			t.Errorf("limitOf(%d) = %d, want %d", c.total, got, c.want)
		}
	}
}
