package graph

import (
	"bytes"
	"context"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
)

// Outlet returns the outlet with id, or an error wrapping ErrNotFound.
func (s *Store) Outlet(ctx context.Context, id uuid.UUID) (Outlet, error) {
	var rec outletRec
	err := s.view(ctx, func(txn *badger.Txn) error { return load(txn, key.KindOutlet, id, &rec) })
	if err != nil {
		return Outlet{}, fmt.Errorf("outlet %s: %w", id, err)
	}
	return rec.outlet(), nil
}

// Outlets returns a page of the outlets by name. It returns ErrBadCursor
// for a cursor it did not issue.
func (s *Store) Outlets(ctx context.Context, page Page) ([]Outlet, PageInfo, error) {
	after, err := decodeCursor(cursorOutlet, page.After)
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("outlets: %w", err)
	}
	var out []Outlet
	var info PageInfo
	n := page.size()
	err = s.view(ctx, func(txn *badger.Txn) error {
		total, err := readCounter(txn, key.CounterOutlets)
		if err != nil {
			return err
		}
		info.TotalCount = int(total)
		it := keysOnly(txn, key.KindOutletByName.Prefix())
		defer it.Close()
		var last []byte
		for it.Seek(append(key.KindOutletByName.Prefix(), after...)); it.Valid(); it.Next() {
			item := it.Item()
			norm := item.Key()[1:]
			if after != nil && bytes.Equal(norm, after) {
				continue
			}
			if len(out) == n {
				info.HasNextPage = true
				break
			}
			v, err := item.ValueCopy(nil)
			if err != nil {
				return dbErr("read index", err)
			}
			id, err := uuid.FromBytes(v)
			if err != nil {
				return fmt.Errorf("outlet index %q: %v", norm, err)
			}
			var rec outletRec
			if err := load(txn, key.KindOutlet, id, &rec); err != nil {
				return fmt.Errorf("outlet %s: %w", id, err)
			}
			out = append(out, rec.outlet())
			last = append(last[:0], norm...)
		}
		if last != nil {
			info.EndCursor = encodeCursor(cursorOutlet, last)
		}
		return nil
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("outlets: %w", err)
	}
	return out, info, nil
}
