package graph

import (
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
)

// Badger writes through memory maps: the write-ahead log of the memtable,
// the value log, and each table that a flush or a compaction makes. Those
// files are sparse, so a page is given disk space only when Badger first
// writes to it, and when the disk has none left the kernel answers with
// SIGBUS, which no Go program can recover from. So the store keeps
// headroom: a write is refused, with ErrNoSpace, while the disk has less
// free space than the store may need before its next check (the write
// itself, a memtable flush, a compaction of level 0, a value-log
// rewrite), and a store on a disk short of that is opened read-only, so
// that reads go on. See reserve.

// freeBytes returns the space that unprivileged writers may still use on
// the file system holding dir, or of its nearest existing parent.
func freeBytes(dir string) (int64, error) {
	for {
		var st syscall.Statfs_t
		err := syscall.Statfs(dir, &st)
		if err == nil {
			return int64(st.Bavail) * int64(st.Bsize), nil
		}
		parent := filepath.Dir(dir)
		if !errors.Is(err, syscall.ENOENT) || parent == dir {
			return 0, err
		}
		dir = parent
	}
}

// reserve returns the free space the disk must keep for the store to
// write, given the size of its tables: one write (at most MaxTextBytes of
// text and a full batch), the flush of a memtable, a compaction of level 0
// into level 1 (never more than the tables there are), and a rewrite of a
// value-log file by the garbage collector, with a margin.
func reserve(lsmBytes int64) int64 {
	const (
		write   = MaxTextBytes + memTableSize*15/100
		flush   = memTableSize
		level0  = 5*memTableSize + 10<<20 // Badger's NumLevelZeroTables and BaseLevelSize
		vlogGC  = valueLogSize
		margin  = 16 << 20
		minimum = write + flush + vlogGC + margin
	)
	return minimum + min(level0, lsmBytes+memTableSize)
}

// minOpenBytes is the free space below which a store is opened read-only:
// opening for writing may flush a memtable left by a crash and maps a new
// write-ahead log and value log.
const minOpenBytes = memTableSize + 16<<20

// writable returns nil when the store may write now: ErrReadOnly for a
// read-only store, an error wrapping ErrNoSpace when its disk is short.
func (s *Store) writable() error {
	switch {
	case s.noSpace:
		return s.noSpaceError()
	case s.readOnly:
		return ErrReadOnly
	}
	return s.checkSpace()
}

// noSpaceError is the error of a write to a store opened read-only for
// want of space.
func (s *Store) noSpaceError() error {
	free, _ := freeBytes(s.dir)
	return &SpaceError{Dir: s.dir, Free: free, Keep: minOpenBytes, ReadOnly: true}
}

// spaceError tells that the store in dir cannot write for want of space.
func spaceError(dir string, free, keep int64) error {
	return &SpaceError{Dir: dir, Free: free, Keep: keep}
}

// SpaceError is a write refused because the disk holding the store has
// too little free space. errors.Is(err, ErrNoSpace) holds for it.
type SpaceError struct {
	Dir      string // the store
	Free     int64  // bytes free on its disk
	Keep     int64  // bytes it keeps free for its own work
	ReadOnly bool   // the store was opened read-only for want of space
}

// Error says where, how much, and what to do.
func (e *SpaceError) Error() string {
	msg := fmt.Sprintf("store %s: %v: %s free, and the store keeps %s free for its own work; free some space (or move the store) and try again",
		e.Dir, ErrNoSpace, mib(e.Free), mib(e.Keep))
	if e.ReadOnly {
		msg += " (it was opened read-only for want of space: open it again once space is freed)"
	}
	return msg
}

// Is reports whether target is ErrNoSpace.
func (e *SpaceError) Is(target error) bool { return target == ErrNoSpace }

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// checkSpace returns an error wrapping ErrNoSpace when the disk holding an
// on-disk store has less free space than it must keep to write.
func (s *Store) checkSpace() error {
	if s.mem || s.noSpaceCheck {
		return nil
	}
	free, err := freeBytes(s.dir)
	if err != nil {
		return nil // a file system that cannot tell: Badger's own errors remain
	}
	lsm, _ := s.db.Size()
	if need := reserve(lsm); free < need {
		if s.full.CompareAndSwap(false, true) {
			s.log.Warn("disk nearly full: writes are refused until space is freed", "store", s.dir, "free", mib(free), "keeps", mib(need))
		}
		return spaceError(s.dir, free, need)
	}
	if s.full.CompareAndSwap(true, false) {
		s.log.Info("disk space is back: writes resume", "store", s.dir, "free", mib(free))
	}
	return nil
}
