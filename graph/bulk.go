package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/ristretto/v2/z"
	"golang.org/x/sys/unix"

	"github.com/graphd/graphd/graph/key"
)

// A store built whole: BulkLoad and ReindexBeside. Neither writes into
// the store at dir. The writes go to a staging store beside it, a store
// like any other on disk (its commits unsynced, as every store's are by
// default), through the same writer as a live ingest, so that every
// decision is the one a live ingest makes. When the staging store is
// complete, Badger's Stream reads it in key order into Badger's
// StreamWriter, which writes the sorted tables of a new store directly,
// without transactions or a write-ahead log (as Dgraph's bulk loader
// does). The new store is synced, file by file, and swapped with dir in
// one atomic exchange of the two names (renameat2 RENAME_EXCHANGE), the
// parent directory synced after it; the old store is removed last.
//
// Beside the store at DIR, in its parent directory:
//
//	.DIR.graphd-build.lock   held (flock) while a build runs: one at a time
//	.DIR.graphd-staging      the staging store, marked as loading
//	.DIR.graphd-new          the new store being streamed; after the
//	                         exchange, the old store until it is removed
//
// A build killed at any point leaves dir as it was (or, once the exchange
// is done, the new store complete at dir), and leftovers that the next
// build removes before it starts again. The staging store carries the
// loading mark (key.Loading), so that it never opens as a valid store;
// the new store gets the mark with the first keys streamed and loses it
// once complete, but Badger registers a streamed store's tables one by
// one, so a new store cut short in the middle of the stream may open,
// partial, under its hidden name: it is never at dir, and the next build
// removes it. During a build the store at dir is held
// open read-only: readers may come, a writer is told who holds it.
//
// The disk holds at once the old store, the staging store (about what a
// live ingest of the same articles writes, garbage included) and, while
// it is streamed, the new store (the staging store's live keys, compacted:
// smaller). Memory is that of two stores open with the usual options
// (memtables and block caches, about 350 MiB) and of the stream's
// batches, whatever the number of articles.

// BulkOptions configure BulkLoad and ReindexBeside.
type BulkOptions struct {
	// Logger receives the stores' warnings; nil discards them.
	Logger *slog.Logger
	// Command names this process in the holder records of the stores.
	Command string
	// Step, if not nil, is called as the build finishes each of its
	// steps, with one of the Step names.
	Step func(step string)
}

// The steps of a build, as BulkOptions.Step names them.
const (
	StepCopied   = "copied"   // ReindexBeside: the articles and decisions are in the staging store
	StepStaged   = "staged"   // fill returned: the staging store is complete
	StepMerged   = "merged"   // the staging store's search segments are merged
	StepStreamed = "streamed" // the new store is written and synced beside dir
	StepSwapped  = "swapped"  // the new store is at dir; the old one is not removed yet
)

// ErrBuilding means another bulk load or reindex of the same store is
// running.
var ErrBuilding = errors.New("another bulk load or reindex of this store is running")

// BulkLoad builds the store at dir from empty: it calls fill with a
// staging store, into which fill writes as into any store, then streams
// the staging store into a new store and swaps it in at dir (see above).
// dir may not exist yet, or be an empty directory or an empty store;
// a store that holds anything gives an error wrapping ErrInvalid. An
// error of fill (ctx's when stopped) is returned and leaves dir as it was.
func BulkLoad(ctx context.Context, dir string, o BulkOptions, fill func(*Store) error) error {
	b, err := startBuild(dir, o)
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	defer b.finish()
	// The target is created if need be, and held read-only throughout.
	// A directory that holds files but no store is not taken for one:
	// the swap would remove them.
	if entries, err := os.ReadDir(b.dir); err == nil && len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(b.dir, "MANIFEST")); err != nil {
			return fmt.Errorf("bulk load: %w: %s holds files but no store: give a new or empty directory", ErrInvalid, dir)
		}
	}
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	old, err := b.openTarget()
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	defer func() { old.Close() }()
	empty, err := old.empty()
	switch {
	case err != nil:
		return fmt.Errorf("bulk load: %w", err)
	case !empty:
		return fmt.Errorf("bulk load: %w: store %s is not empty (a bulk load builds a new store; ingest without --bulk to add to it)", ErrInvalid, dir)
	}
	staging, err := b.openStaging()
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	return b.fillAndSwap(ctx, staging, old, fill)
}

// ReindexBeside reindexes the store at dir into a new store: it copies
// the articles, outlets, decisions and everything else Reindex keeps
// from the store at dir (held read-only throughout) into a staging
// store, and calls fill with it, which reindexes it (Store.Reindex);
// then it streams the staging store into a new store and swaps it in at
// dir (see above). An error of fill (ctx's when stopped) is returned and
// leaves dir as it was. A store of an earlier layout is upgraded first.
func ReindexBeside(ctx context.Context, dir string, o BulkOptions, fill func(*Store) error) error {
	b, err := startBuild(dir, o)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	defer b.finish()
	if _, err := os.Stat(filepath.Join(b.dir, "MANIFEST")); err != nil {
		return fmt.Errorf("reindex: %w: no store at %s", ErrNotFound, dir)
	}
	old, err := b.openTarget()
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	defer func() { old.Close() }()
	size := old.diskSize()
	if err := b.checkSpace(size + minOpenBytes); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	staging, err := b.openStaging()
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	if err := copyKept(ctx, old, staging); err != nil {
		b.abandon(staging)
		return fmt.Errorf("reindex: copy the articles: %w", err)
	}
	staging.resetCaches()
	b.step(StepCopied)
	return b.fillAndSwap(ctx, staging, old, fill)
}

// fillAndSwap has fill write the staging store, then streams it into the
// new store and swaps that in for old; an error of fill, or ctx done
// after it, abandons the staging store and leaves dir as it was.
func (b *build) fillAndSwap(ctx context.Context, staging, old *Store, fill func(*Store) error) error {
	if err := fill(staging); err != nil {
		b.abandon(staging)
		return err
	}
	if err := ctx.Err(); err != nil {
		b.abandon(staging)
		return err
	}
	b.step(StepStaged)
	return b.complete(ctx, staging, old)
}

// build is a BulkLoad or ReindexBeside under way.
type build struct {
	dir, parent    string
	staging, fresh string
	lockPath       string
	lock           *os.File
	o              BulkOptions
	log            *slog.Logger
}

// startBuild takes the build lock of the store at dir and removes what a
// build cut short left.
func startBuild(dir string, o BulkOptions) (*build, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w: no directory given: a store built whole lives on disk", ErrInvalid)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	parent, base := filepath.Split(abs)
	parent = filepath.Clean(parent)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	name := func(what string) string { return filepath.Join(parent, "."+base+".graphd-"+what) }
	b := &build{dir: abs, parent: parent, staging: name("staging"), fresh: name("new"), lockPath: name("build.lock"), o: o, log: o.Logger}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.lock, err = lockFile(b.lockPath); err != nil {
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("store %s: %w (%s is locked)", dir, ErrBuilding, b.lockPath)
		}
		return nil, fmt.Errorf("lock %s: %w", b.lockPath, err)
	}
	for _, p := range []string{b.staging, b.fresh} {
		if _, err := os.Lstat(p); err == nil {
			b.log.Info("removing what a build cut short left", "path", p)
			if err := os.RemoveAll(p); err != nil {
				b.finish()
				return nil, fmt.Errorf("remove %s, left by a build cut short: %w", p, err)
			}
		}
	}
	return b, nil
}

// lockFile creates and locks the file at path, exclusively, without
// waiting. The file is removed by the holder when done (finish), so the
// lock taken must be on the file that is at path still.
func lockFile(path string) (*os.File, error) {
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			return nil, err
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			f.Close()
			return nil, err
		}
		var held, now unix.Stat_t
		if unix.Fstat(int(f.Fd()), &held) == nil && unix.Stat(path, &now) == nil && held.Ino == now.Ino && held.Dev == now.Dev {
			return f, nil
		}
		f.Close() // removed by the holder before: take the new one
	}
}

func (b *build) step(s string) {
	if b.o.Step != nil {
		b.o.Step(s)
	}
}

// finish removes the lock.
func (b *build) finish() {
	if b.lock != nil {
		os.Remove(b.lockPath)
		b.lock.Close()
		b.lock = nil
	}
}

// openTarget opens the store at dir read-only, for the length of the
// build; one that must first be recovered, upgraded or created is opened
// for writing once before.
func (b *build) openTarget() (*Store, error) {
	opts := Options{Logger: b.o.Logger, Command: b.o.Command, GCInterval: -1}
	ro := opts
	ro.ReadOnly = true
	s, err := Open(b.dir, ro)
	if err == nil && s.noSpace {
		err = errors.Join(s.noSpaceError(), s.Close())
		return nil, err
	}
	if err == nil || errors.Is(err, ErrLocked) {
		return s, err
	}
	w, werr := Open(b.dir, opts)
	if werr != nil {
		return nil, werr
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return Open(b.dir, ro)
}

// empty reports whether the store holds nothing a user wrote.
func (s *Store) empty() (bool, error) {
	n := 0
	err := s.db.View(func(txn *badger.Txn) error {
		for _, p := range []key.Kind{key.KindArticle, key.KindQuote, key.KindSpeaker, key.KindVenue, key.KindOutlet, key.KindDecision} {
			it := keysOnly(txn, p.Prefix())
			it.Rewind()
			if it.Valid() {
				n++
			}
			it.Close()
		}
		return nil
	})
	if err != nil {
		return false, dbErr("read store", err)
	}
	return n == 0, nil
}

// diskSize is the bytes of the store's tables and value log.
func (s *Store) diskSize() int64 {
	lsm, vlog := s.db.Size()
	return lsm + vlog
}

// checkSpace returns a *SpaceError unless the disk has need bytes free.
func (b *build) checkSpace(need int64) error {
	free, err := freeBytes(b.parent)
	if err != nil || free >= need {
		return nil
	}
	return spaceError(b.dir, free, need)
}

// stagingBadger turns the Badger options of a store into those of a
// staging store, which is read once, in key order, and thrown away, and
// which only one writer ever writes (a build holds it alone): its tables
// are not compressed (the CPU time of compressing them as the memtables
// are flushed and compacted, and of decompressing them as the writer and
// the stream read them back, is saved, for larger tables on disk), and
// its transactions are not checked for conflicts with each other (the
// writer is one, under the store's writer mutex). The
// memtables and the number of level-0 tables are those of every store,
// which the free-space reserve (space.go) counts on; the value log's
// garbage collection is off (BulkOptions' stores open with GCInterval
// -1), and its writes are never synced, as every store's by default.
func stagingBadger(bo badger.Options) badger.Options {
	return bo.WithCompression(options.None).WithDetectConflicts(false)
}

// openStaging creates the staging store, marked as loading.
func (b *build) openStaging() (*Store, error) {
	s, err := Open(b.staging, Options{Logger: b.o.Logger, Command: b.o.Command, GCInterval: -1, staging: true})
	if err != nil {
		return nil, fmt.Errorf("staging store: %w", err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return set(txn, key.Loading(), []byte{1}) }); err != nil {
		s.Close()
		return nil, fmt.Errorf("staging store: %w", dbErr("mark", err))
	}
	return s, nil
}

// discard closes the staging store without writing what its memtables
// hold into tables, as a close would: its background merges stopped,
// Badger drops all its data first.
func (s *Store) discard() error {
	s.closing.Store(true)
	s.mergers.stop()
	err := s.db.DropAll()
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return dbErr0("discard", err)
}

// abandon closes and removes the staging store after a failed fill.
func (b *build) abandon(staging *Store) {
	staging.discard()
	if err := os.RemoveAll(b.staging); err != nil {
		b.log.Warn("remove the staging store", "path", b.staging, "err", err)
	}
}

// complete streams the staging store into the new store, swaps it in
// and removes the old one and the staging store.
func (b *build) complete(ctx context.Context, staging, old *Store) error {
	err := staging.MergePostings(ctx)
	if err == nil {
		b.step(StepMerged)
		err = b.checkSpace(staging.diskSize() + minOpenBytes)
	}
	if err == nil {
		err = b.stream(ctx, staging)
	}
	cerr := staging.discard()
	if err == nil {
		err = cerr
	}
	if rerr := os.RemoveAll(b.staging); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		os.RemoveAll(b.fresh)
		return fmt.Errorf("write the new store: %w", err)
	}
	b.step(StepStreamed)
	if err := exchange(b.fresh, b.dir); err != nil {
		os.RemoveAll(b.fresh)
		return fmt.Errorf("swap the new store in at %s: %w", b.dir, err)
	}
	if err := syncDir(b.parent); err != nil {
		return fmt.Errorf("swap the new store in at %s: %w", b.dir, err)
	}
	b.step(StepSwapped)
	// The old store, held until now, is at b.fresh.
	if err := old.Close(); err != nil && !errors.Is(err, ErrClosed) {
		b.log.Warn("close the old store", "err", err)
	}
	if err := os.RemoveAll(b.fresh); err != nil {
		b.log.Warn("remove the old store", "path", b.fresh, "err", err)
	}
	return nil
}

// stream writes the keys of staging, in order, as the sorted tables of a
// new store at b.fresh, and syncs it; the loading mark it carries goes
// last.
func (b *build) stream(ctx context.Context, staging *Store) error {
	// Nothing is read back while it is written: a small block cache.
	db, err := badger.Open(badgerOptions(b.fresh, Options{}, b.log).WithBlockCacheSize(blockCacheSize))
	if err != nil {
		return fmt.Errorf("open %s: %v", b.fresh, err)
	}
	err = func() error {
		sw := db.NewStreamWriter()
		if err := sw.Prepare(); err != nil {
			return dbErr("stream", err)
		}
		st := staging.db.NewStream()
		st.NumGo = 2
		st.LogPrefix = "graphd stream"
		st.Send = sw.Write
		if err := st.Orchestrate(ctx); err != nil {
			sw.Cancel()
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return dbErr("stream", err)
		}
		if err := sw.Flush(); err != nil {
			return dbErr("stream", err)
		}
		if err := db.Update(func(txn *badger.Txn) error { return del(txn, key.Loading()) }); err != nil {
			return dbErr("unmark", err)
		}
		return dbErr0("sync", db.Sync())
	}()
	if cerr := db.Close(); cerr != nil && err == nil {
		err = dbErr("close", cerr)
	}
	if err != nil {
		return err
	}
	return syncTree(b.fresh)
}

func dbErr0(op string, err error) error {
	if err == nil {
		return nil
	}
	return dbErr(op, err)
}

// copyKept copies from one store to the other every key Reindex keeps:
// all but what it derives (the counters of it included) and the marks.
func copyKept(ctx context.Context, from, to *Store) error {
	skip := [][]byte{key.Version(), key.Loading(), key.Reindexing()}
	for _, c := range derivedCounters {
		skip = append(skip, key.Counter(c))
	}
	st := from.db.NewStream()
	st.NumGo = 2
	st.LogPrefix = "graphd copy"
	st.ChooseKey = func(item *badger.Item) bool {
		k := item.Key()
		for _, p := range derived {
			if bytes.HasPrefix(k, p) {
				return false
			}
		}
		for _, m := range skip {
			if bytes.Equal(k, m) {
				return false
			}
		}
		return true
	}
	wb := to.db.NewWriteBatch()
	st.Send = func(buf *z.Buffer) error {
		list, err := badger.BufferToKVList(buf)
		if err != nil {
			return err
		}
		for _, kv := range list.Kv {
			if err := wb.Set(bytes.Clone(kv.Key), bytes.Clone(kv.Value)); err != nil {
				return err
			}
		}
		return to.checkSpace()
	}
	if err := st.Orchestrate(ctx); err != nil {
		wb.Cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return dbErr("copy", err)
	}
	return dbErr0("copy", wb.Flush())
}

// syncDir syncs a directory, so that the names in it are durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncTree syncs every file under dir, and dir.
func syncTree(dir string) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		err = f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err != nil {
		return err
	}
	return syncDir(dir)
}
