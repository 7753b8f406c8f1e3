package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/key"
)

// Venue returns the venue with id, or an error wrapping ErrNotFound.
func (s *Store) Venue(ctx context.Context, id uuid.UUID) (Venue, error) {
	var rec venueRec
	err := s.view(ctx, func(txn *badger.Txn) error { return load(txn, key.KindVenue, id, &rec) })
	if err != nil {
		return Venue{}, fmt.Errorf("venue %s: %w", id, err)
	}
	return rec.venue(), nil
}

// FindVenues returns a page of the venues matching name, ignoring case,
// diacritics and punctuation: first those named name (of any kind), then,
// by name, those whose name begins with name or whose name words begin
// with its words. Name "" lists every venue by name. It returns
// ErrBadCursor for a cursor it did not issue.
func (s *Store) FindVenues(ctx context.Context, name string, page Page) ([]Venue, PageInfo, error) {
	cur, back, err := nameCursor(page)
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("find venues %q: %w", name, err)
	}
	var out []Venue
	var info PageInfo
	err = s.view(ctx, func(txn *badger.Txn) error {
		var ms []match
		if strings.TrimSpace(name) == "" {
			if ms, info, err = listNames(txn, key.KindVenueByName, page, cur, back); err != nil {
				return err
			}
			n, err := readCounter(txn, key.CounterVenues)
			if err != nil {
				return err
			}
			info.TotalCount = int(n)
		} else {
			found, err := findVenues(txn, fold.String(name))
			if err != nil {
				return err
			}
			ms, info = found.page(page, cur, back)
		}
		for _, m := range ms {
			var rec venueRec
			if err := load(txn, key.KindVenue, m.id, &rec); err != nil {
				return fmt.Errorf("venue %s: %w", m.id, err)
			}
			out = append(out, rec.venue())
		}
		return nil
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("find venues %q: %w", name, err)
	}
	return out, info, nil
}

func findVenues(txn *badger.Txn, q string) (matches, error) {
	ms := matches{}
	if q == "" {
		return ms, nil
	}
	err := scanNames(txn, key.KindVenueByName, q, func(norm string, id uuid.UUID, _ []byte) error {
		g := groupPrefix
		if norm == q {
			g = groupExact
		}
		ms.add(match{g, norm, id})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tokenMatches(txn, key.KindVenueByToken, q, ms, func(id uuid.UUID) ([]string, error) {
		var rec venueRec
		if err := load(txn, key.KindVenue, id, &rec); err != nil {
			return nil, fmt.Errorf("venue %s: %w", id, err)
		}
		return fold.Tokens(rec.Name), nil
	})
	return ms, err
}
