package graph

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/graphd/graphd/graph/key"
)

// Ping reads one key, the layout version, to tell that the store is open
// and answers reads. It returns ErrClosed after Close.
func (s *Store) Ping(ctx context.Context) error {
	err := s.view(ctx, func(txn *badger.Txn) error {
		_, _, err := get(txn, key.Version())
		return err
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrClosed), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("ping: %w", err)
	}
	return dbErr("ping", err)
}

// DiskSize returns the bytes the store's files take on disk: its LSM tree
// (the .sst tables, keys and small values) and its value log (the .vlog
// files, large values such as article text). An in-memory store takes
// none. Files that vanish while it counts, as compactions remove them,
// are skipped.
func (s *Store) DiskSize() (lsm, vlog int64, err error) {
	if s.mem {
		return 0, 0, nil
	}
	dir := s.db.Opts().Dir
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		ext := filepath.Ext(path)
		if ext != ".sst" && ext != ".vlog" {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if strings.EqualFold(ext, ".sst") {
			lsm += info.Size()
		} else {
			vlog += info.Size()
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("disk size: %w", err)
	}
	return lsm, vlog, nil
}
