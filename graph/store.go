package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
)

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// Logger receives the store's warnings and errors, Badger's included.
	// Nil discards them.
	Logger *slog.Logger
	// GCInterval is how often an on-disk store garbage-collects its value
	// log. Zero means every 10 minutes; negative turns it off.
	GCInterval time.Duration
	// SyncWrites makes every write durable before it returns. Without it
	// a crash can lose the last writes, but never half of one.
	SyncWrites bool
	// ReadOnly opens an existing store for reading only; several
	// processes may do so at once, none while another writes. Writes
	// return ErrReadOnly. A read-only open writes nothing and maps no new
	// file, so it works on a full disk.
	ReadOnly bool
	// Metrics turns on Badger's own metrics, which it publishes with
	// expvar (badger_*), for a server to export.
	Metrics bool
	// Command names this process in the store's holder record (see
	// LockedError); empty, its command line.
	Command string

	// staging opens the throwaway staging store of a build (bulk.go),
	// with stagingBadger's Badger options.
	staging bool
}

// ErrReadOnly means a write to a store opened with Options.ReadOnly.
var ErrReadOnly = errors.New("store is read-only")

// Store is the quote graph kept in a Badger database. Its methods are safe
// for concurrent use; writes are serialized.
type Store struct {
	db       *badger.DB
	log      *slog.Logger
	dir      string
	mem      bool
	readOnly bool
	// noSpace is set when the store was opened read-only because its
	// disk was short of space: writes return ErrNoSpace, not ErrReadOnly.
	noSpace      bool
	noSpaceCheck bool        // the file system cannot tell its free space
	full         atomic.Bool // the last check found too little space

	mu     sync.RWMutex // held shared by every operation, exclusively by Close
	closed bool

	wmu sync.Mutex // serializes writers, which all update the counters anyway

	closing atomic.Bool // set when Close starts, so that snapshots give up
	watch   watchers
	counts  countCache // committed values of count keys, under wmu
	caches  caches     // the writer's caches of committed state, under wmu

	segs     segCache // search segments' dictionaries and deletions (segcache.go)
	mergers  *mergers // background merges of search segments; nil for none
	mergeAll bool     // under wmu: writes run every merge themselves (Reindex)
	// inlineMax is the largest merge a write runs itself when workers
	// run the others (inlineMergeMax; tests lower it).
	inlineMax int
	merged    func(hi int) // tests: called when a worker has no merge left of size at most hi
	mergeMu   sync.Mutex   // guards owned
	owned     map[uint64]bool

	stop chan struct{} // closed by Close to stop the GC loop
	done chan struct{} // closed by the GC loop when it returns

	holder   *holderRecord // this process's record in dir (holder.go); nil in memory
	holderMu sync.Mutex    // serializes rewrites of the record

	reindexPending atomic.Bool // a reindex was cut short (key.Reindexing)

	throttle atomic.Pointer[func(context.Context) func()] // SetThrottle (throttle.go)
}

// MaxTextBytes is the largest article text PutArticle accepts.
const MaxTextBytes = 8 << 20

const (
	memTableSize   = 32 << 20  // a transaction may hold 15% of it: that bounds the largest article
	valueLogSize   = 32 << 20  // a value-log file: what its garbage collection may rewrite at once
	valueThreshold = 64 << 10  // larger values (article text) go to the value log
	memThreshold   = 1 << 20   // the largest value an in-memory store takes
	blockCacheSize = 16 << 20  // in memory, where blocks are not read back
	diskCacheSize  = 128 << 20 // on disk: quote grouping reads index blocks at random
	maxRetries     = 8
)

// Open opens the store in dir, creating it if needed. dir "" gives an
// in-memory store, gone on Close; it accepts articles of up to about
// 4 MiB, an on-disk store up to MaxTextBytes.
//
// One process at a time may open a store on disk for writing, or several
// for reading: a store another process holds gives a *LockedError, which
// wraps ErrLocked and names the holders from the records they leave in
// dir (holder.go); this one leaves its own until Close.
//
// An on-disk store keeps free space on its disk for its own work (see
// space.go): its writes return an error wrapping ErrNoSpace while the
// disk has less, and a store opened for writing on a disk with too little
// space even to open (a memtable's worth) is opened read-only, its writes
// refused the same way, so that reads go on. Opening a store that does not
// exist yet on such a disk fails with ErrNoSpace.
func Open(dir string, opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	noSpace := false
	if dir != "" && !opts.ReadOnly {
		if free, err := freeBytes(dir); err == nil && free < minOpenBytes {
			if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); err != nil {
				return nil, fmt.Errorf("create store: %w", spaceError(dir, free, minOpenBytes))
			}
			log.Warn("disk nearly full: the store is opened read-only", "store", dir, "free", mib(free))
			opts.ReadOnly, noSpace = true, true
		}
	}
	bo := badgerOptions(dir, opts, log)
	db, err := badger.Open(bo)
	if err != nil && dir != "" && isLockError(err) {
		return nil, lockedError(dir)
	}
	if err != nil && bo.ReadOnly && strings.Contains(err.Error(), badger.ErrTruncateNeeded.Error()) {
		// Badger wraps its errors as text: the write-ahead log of a store
		// not closed cleanly must be cut, which a read-only open cannot.
		if noSpace {
			free, _ := freeBytes(dir)
			return nil, fmt.Errorf("open store %q: %w, and recovering it takes a write: %w", dir, ErrRecover, spaceError(dir, free, minOpenBytes))
		}
		return nil, fmt.Errorf("open store %q: %w", dir, ErrRecover)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %q: %v", dir, err)
	}
	s := &Store{db: db, log: log, dir: dir, mem: dir == "", readOnly: opts.ReadOnly && dir != "", noSpace: noSpace,
		caches: newCaches(), stop: make(chan struct{}), done: make(chan struct{})}
	s.counts.segs = &s.segs
	s.inlineMax = inlineMergeMax
	if _, err := freeBytes(dir); dir != "" && err != nil {
		s.noSpaceCheck = true
	}
	if err := s.checkVersion(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %q: %w", dir, err)
	}
	interval := opts.GCInterval
	if interval == 0 {
		interval = 10 * time.Minute
	}
	if s.mem || s.readOnly || interval < 0 {
		close(s.done)
	} else {
		go s.gcLoop(interval)
	}
	if !s.mem && !s.readOnly {
		s.startMergers()
	}
	if !s.mem {
		s.holder = writeHolder(dir, opts.Command, bo.ReadOnly)
	}
	return s, nil
}

// badgerOptions are the Badger options of the store in dir ("" in
// memory) opened with opts.
func badgerOptions(dir string, opts Options, log *slog.Logger) badger.Options {
	bo := badger.DefaultOptions(dir).
		WithInMemory(dir == "").
		WithLogger(badgerLogger{log}).
		WithLoggingLevel(badger.WARNING).
		WithMetricsEnabled(opts.Metrics).
		WithSyncWrites(opts.SyncWrites).
		WithNumVersionsToKeep(1).
		WithMemTableSize(memTableSize).
		WithNumMemtables(3).
		WithValueLogFileSize(valueLogSize).
		WithBlockCacheSize(blockCacheSize).
		WithNumCompactors(2).
		// Every transaction that reads what it then writes runs under
		// wmu (the writer, review decisions, merges' short transactions
		// on the directory, loads, reindex; opening and upgrading run
		// before any other), so none can conflict with another. The
		// only writes outside it are merges' batches (batched), which
		// read nothing and write keys of segments the directory does
		// not list as live (a merge's output until it finishes, merged
		// segments being dropped), which no writer reads. So Badger
		// need not note every key a transaction reads and writes to
		// find conflicts at commit.
		WithDetectConflicts(false).
		WithReadOnly(opts.ReadOnly && dir != "")
	if dir == "" {
		bo = bo.WithValueThreshold(memThreshold)
	} else {
		bo = bo.WithValueThreshold(valueThreshold).WithBlockCacheSize(diskCacheSize)
	}
	if opts.staging {
		bo = stagingBadger(bo)
	}
	return bo
}

// checkVersion stamps a new store with the layout version, upgrades a
// store of an earlier version, and refuses other versions and a store
// whose load did not finish.
func (s *Store) checkVersion() error {
	if s.readOnly {
		return s.db.View(func(txn *badger.Txn) error {
			v, _, err := get(txn, key.Version())
			loading, err2 := has(txn, key.Loading())
			if pending, err3 := has(txn, key.Reindexing()); err3 == nil {
				s.reindexPending.Store(pending)
			}
			switch {
			case err != nil || err2 != nil:
				return errors.Join(err, err2)
			case loading:
				return fmt.Errorf("%w: a load into this store did not finish", ErrInvalid)
			case len(v) != 1 || v[0] != layoutVersion:
				return fmt.Errorf("%w: version %v: open the store for writing once to upgrade it to %d", ErrOldLayout, v, layoutVersion)
			}
			return nil
		})
	}
	var version []byte
	err := s.db.Update(func(txn *badger.Txn) error {
		if ok, err := has(txn, key.Loading()); err != nil || ok {
			if ok {
				err = fmt.Errorf("%w: a load into this store did not finish; remove it and load again", ErrInvalid)
			}
			return err
		}
		pending, err := has(txn, key.Reindexing())
		if err != nil {
			return err
		}
		s.reindexPending.Store(pending)
		v, ok, err := get(txn, key.Version())
		switch {
		case err != nil:
			return err
		case !ok:
			// A new store, or one of layout 1 from before the version key?
			// Version 1 always wrote it, so this is new.
			return set(txn, key.Version(), []byte{layoutVersion})
		}
		version = v
		return nil
	})
	switch {
	case err != nil:
		return err
	case version == nil, len(version) == 1 && version[0] == layoutVersion:
		return nil
	case len(version) == 1 && version[0] == 1:
		return s.upgradeFrom1()
	case len(version) == 1 && version[0] == 2:
		return s.upgradeFrom2()
	case len(version) == 1 && version[0] == 3:
		return s.upgradeFrom3()
	case len(version) == 1 && version[0] == 4:
		return s.upgradeFrom4()
	case len(version) == 1 && version[0] == 5:
		return s.upgradeFrom5()
	}
	return fmt.Errorf("key layout version %v not supported (want %d)", version, layoutVersion)
}

// Close stops background work and closes the database. Using the store
// afterwards, or closing it again, returns ErrClosed.
func (s *Store) Close() error {
	s.closing.Store(true)
	s.mergers.stop() // before s.mu, which their steps take
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.closed = true
	close(s.stop)
	s.closeWatchers()
	<-s.done
	// The record goes once the database is closed, whichever way.
	defer s.holder.remove()
	if !s.mem && !s.readOnly && !s.noSpaceCheck {
		// Closing flushes the memtable into a new table, through a memory
		// map: on a disk without room for it that is SIGBUS. Everything
		// committed is in the write-ahead log already, so the store is
		// left as a crash would leave it, and the next open replays it.
		if free, err := freeBytes(s.dir); err == nil && free < minOpenBytes {
			s.log.Warn("disk full: the store is left to be recovered when next opened", "store", s.dir, "free", mib(free))
			return nil
		}
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store: %v", err)
	}
	return nil
}

// Compact settles the store on disk: it compacts the tables into the
// last level, dropping what later writes replaced or deleted, and rewrites
// the value-log files that are mostly garbage. A store settles so on its
// own over time; Compact does it now, for measuring its size.
func (s *Store) Compact(ctx context.Context) error {
	return s.writingNoLock(func() error {
		if err := s.db.Flatten(2); err != nil {
			return dbErr("compact", err)
		}
		for ctx.Err() == nil {
			if err := s.db.RunValueLogGC(0.5); err != nil {
				break // nothing more worth rewriting
			}
		}
		return ctx.Err()
	})
}

// Sync makes every write committed so far durable: it syncs Badger's
// write-ahead log and value log to disk. A commit without it survives the
// end of the process (the log is in the kernel's page cache), not a crash
// of the machine. It does nothing for a store in memory or read-only.
func (s *Store) Sync() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	if s.mem || s.readOnly {
		return nil
	}
	if err := s.db.Sync(); err != nil {
		return dbErr("sync", err)
	}
	return nil
}

// gcLoop rewrites value-log files that are mostly garbage, as Badger
// never does that on its own.
func (s *Store) gcLoop(interval time.Duration) {
	defer close(s.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		for range 16 { // one file per run; stop when nothing is worth it
			if s.checkSpace() != nil {
				break // a rewrite needs the space of a file
			}
			err := s.db.RunValueLogGC(0.5)
			if err != nil {
				if !errors.Is(err, badger.ErrNoRewrite) && !errors.Is(err, badger.ErrRejected) {
					s.log.Warn("value log gc", "err", err.Error())
				}
				break
			}
			select {
			case <-s.stop:
				return
			default:
			}
		}
	}
}

// badgerLogger sends Badger's warnings and errors to slog.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any) {
	b.l.Error(strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}

func (b badgerLogger) Warningf(f string, a ...any) {
	b.l.Warn(strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}

func (badgerLogger) Infof(string, ...any)  {}
func (badgerLogger) Debugf(string, ...any) {}

// Internal errors that dbErr makes of Badger's; the callers turn them
// into messages of their own.
var (
	errConflict = errors.New("write conflict")
	errTooBig   = errors.New("too large for one transaction")
)

// dbErr keeps Badger's errors from leaking: the ones callers act on become
// graph errors, the rest plain messages.
func dbErr(op string, err error) error {
	switch {
	case errors.Is(err, badger.ErrDBClosed):
		return fmt.Errorf("%s: %w", op, ErrClosed)
	case errors.Is(err, badger.ErrConflict):
		return fmt.Errorf("%s: %w", op, errConflict)
	case errors.Is(err, badger.ErrTxnTooBig):
		return fmt.Errorf("%s: %w", op, errTooBig)
	}
	msg := err.Error()
	if len(msg) > 200 { // some carry a hex dump of the value
		msg = msg[:200] + "…"
	}
	return fmt.Errorf("%s: %s", op, msg)
}

// view runs fn in a read-only transaction.
func (s *Store) view(ctx context.Context, fn func(*badger.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return s.db.View(fn)
}

// update runs fn in a read-write transaction and commits it, retrying on
// conflicts. Writers are serialized, so conflicts are rare. The article
// writer's caches are emptied: they follow its own writes only.
func (s *Store) update(ctx context.Context, fn func(*badger.Txn) error) error {
	return s.commit(ctx, fn, nil)
}

// commit is update that calls done after a successful commit, while
// writers are still serialized.
func (s *Store) commit(ctx context.Context, fn func(*badger.Txn) error, done func()) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	if s.noSpace {
		return s.noSpaceError()
	}
	if s.readOnly {
		return ErrReadOnly
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.updateLocked(ctx, fn, done) // which checks the free space
}

// updateLocked is commit for a caller that holds s.mu shared and s.wmu.
func (s *Store) updateLocked(ctx context.Context, fn func(*badger.Txn) error, done func()) error {
	defer s.resetCaches()
	return s.commitLocked(ctx, fn, done)
}

// resetCaches empties what writers keep of committed state, after a write
// they did not follow.
func (s *Store) resetCaches() {
	s.counts = countCache{segs: &s.segs}
	s.caches.clear()
}

// commitLocked is commit for a caller that holds s.mu shared and s.wmu.
func (s *Store) commitLocked(ctx context.Context, fn func(*badger.Txn) error, done func()) error {
	if err := s.checkSpace(); err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		txn := s.db.NewTransaction(true)
		err := fn(txn)
		if err == nil {
			if err = txn.Commit(); err != nil {
				err = dbErr("commit", err)
			}
		}
		txn.Discard()
		if errors.Is(err, errConflict) && attempt < maxRetries {
			continue
		}
		if err == nil && done != nil {
			done()
		}
		return err
	}
}

// get returns the value of k; ok is false when k is absent.
func get(txn *badger.Txn, k []byte) (v []byte, ok bool, err error) {
	item, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, dbErr("read", err)
	}
	v, err = item.ValueCopy(nil)
	if err != nil {
		return nil, false, dbErr("read", err)
	}
	return v, true, nil
}

func has(txn *badger.Txn, k []byte) (bool, error) {
	_, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, dbErr("read", err)
	}
	return true, nil
}

// countKey, when not nil, is told of every key a write sets or deletes:
// tests and benchmarks count them.
var countKey func(k []byte, v []byte, deleted bool)

func set(txn *badger.Txn, k, v []byte) error {
	if countKey != nil {
		countKey(k, v, false)
	}
	if err := txn.Set(k, v); err != nil {
		return dbErr("write", err)
	}
	return nil
}

func del(txn *badger.Txn, k []byte) error {
	if countKey != nil {
		countKey(k, nil, true)
	}
	if err := txn.Delete(k); err != nil {
		return dbErr("delete", err)
	}
	return nil
}

// load decodes the record under <p><id> into v; ErrNotFound when absent.
func load(txn *badger.Txn, p key.Kind, id uuid.UUID, v any) error {
	b, ok, err := get(txn, key.Record(p, id))
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	return decodeRecord(b, v)
}

func store(txn *badger.Txn, p key.Kind, id uuid.UUID, v any) error {
	b, err := encodeRecord(v)
	if err != nil {
		return err
	}
	return set(txn, key.Record(p, id), b)
}

// keysOnly iterates keys with prefix, without fetching values.
func keysOnly(txn *badger.Txn, prefix []byte) *badger.Iterator {
	o := badger.DefaultIteratorOptions
	o.PrefetchValues = false
	o.Prefix = prefix
	return txn.NewIterator(o)
}

// countKeys counts the keys with prefix.
func countKeys(txn *badger.Txn, prefix []byte) int {
	it := keysOnly(txn, prefix)
	defer it.Close()
	n := 0
	for it.Rewind(); it.Valid(); it.Next() {
		n++
	}
	return n
}

func readCounter(txn *badger.Txn, name string) (uint64, error) {
	b, ok, err := get(txn, key.Counter(name))
	if err != nil || !ok {
		return 0, err
	}
	n, err := parseUint64(b)
	if err != nil {
		return 0, fmt.Errorf("counter %s: %v", name, err)
	}
	return n, nil
}
