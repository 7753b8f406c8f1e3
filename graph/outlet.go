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

// Outlets returns a page of the outlets by name; a backward page reads
// the name index in reverse. It returns ErrBadCursor for a cursor it did
// not issue.
func (s *Store) Outlets(ctx context.Context, page Page) ([]Outlet, PageInfo, error) {
	cur, back, err := page.cursor(cursorOutlet)
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("outlets: %w", err)
	}
	var out []Outlet
	var info PageInfo
	err = s.view(ctx, func(txn *badger.Txn) error {
		total, err := readCounter(txn, key.CounterOutlets)
		if err != nil {
			return err
		}
		pg := newPager[Outlet](cursorOutlet, page, cur, back)
		prefix := key.KindOutletByName.Prefix()
		it := iterate(txn, prefix, back)
		defer it.Close()
		for it.Seek(seekKey(prefix, cur, back)); it.Valid(); it.Next() {
			item := it.Item()
			norm := item.Key()[1:]
			if cur != nil && bytes.Equal(norm, cur) {
				continue
			}
			if !pg.room() {
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
			pg.add(norm, rec.outlet())
		}
		out, info = pg.done(int(total))
		return nil
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("outlets: %w", err)
	}
	return out, info, nil
}
