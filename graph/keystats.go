package graph

import (
	"bytes"
	"context"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// KeyStats is what a store holds in Badger's LSM tree, by kind of key:
// the live keys, and what reads step over until compactions drop it:
// the tombstones of deleted keys and the older versions of keys written
// again. Levels are Badger's tables by level.
type KeyStats struct {
	Kinds  []KindStats
	Levels []LevelStats
}

// KindStats counts the entries of one kind of key (its first byte).
type KindStats struct {
	Kind      byte
	Live      int // keys whose newest version is a value
	Deleted   int // tombstones, of any version
	Older     int // older versions of a key, values or tombstones
	LiveBytes int // bytes of the live keys and their values (or value pointers)
}

// LevelStats sums Badger's tables on one level of the LSM tree.
type LevelStats struct {
	Level, Tables int
	Keys          int // entries, tombstones and versions included
	Bytes         int // on disk
}

// KeyStats reads every entry of the store, every version, and counts
// them by kind. It reads the whole store: for measurements and
// diagnostics, not for a hot path.
func (s *Store) KeyStats(ctx context.Context) (KeyStats, error) {
	var out KeyStats
	byKind := map[byte]*KindStats{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		o := badger.DefaultIteratorOptions
		o.PrefetchValues = false
		o.AllVersions = true
		it := txn.NewIterator(o)
		defer it.Close()
		var last []byte
		n := 0
		for it.Rewind(); it.Valid(); it.Next() {
			if n++; n%65536 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			item := it.Item()
			k := item.Key()
			ks := byKind[k[0]]
			if ks == nil {
				ks = &KindStats{Kind: k[0]}
				byKind[k[0]] = ks
			}
			newest := !bytes.Equal(k, last)
			if newest {
				last = append(last[:0], k...)
			}
			switch {
			case item.IsDeletedOrExpired():
				ks.Deleted++
				if !newest {
					ks.Older++
				}
			case newest:
				ks.Live++
				ks.LiveBytes += int(item.EstimatedSize())
			default:
				ks.Older++
			}
		}
		return nil
	})
	if err != nil {
		return KeyStats{}, fmt.Errorf("key stats: %w", err)
	}
	for b := 0; b < 256; b++ {
		if ks := byKind[byte(b)]; ks != nil {
			out.Kinds = append(out.Kinds, *ks)
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return KeyStats{}, ErrClosed
	}
	for _, t := range s.db.Tables() {
		for len(out.Levels) <= t.Level {
			out.Levels = append(out.Levels, LevelStats{Level: len(out.Levels)})
		}
		l := &out.Levels[t.Level]
		l.Tables++
		l.Keys += int(t.KeyCount)
		l.Bytes += int(t.OnDiskSize)
	}
	return out, nil
}
