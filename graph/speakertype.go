package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/key"
)

// FindSpeakersOfType is FindSpeakers keeping only the speakers of one of
// types (of SpeakerTypes); no types keeps every speaker. The type is read
// from each matching speaker's record: a listing of every speaker of a
// type reads every speaker's record. It returns ErrInvalid for an unknown
// type and ErrBadCursor for a cursor it did not issue.
func (s *Store) FindSpeakersOfType(ctx context.Context, name string, types []string, page Page) ([]Speaker, PageInfo, error) {
	if len(types) == 0 {
		return s.FindSpeakers(ctx, name, page)
	}
	for _, t := range types {
		if !validSpeakerType(t) {
			return nil, PageInfo{}, fmt.Errorf("find speakers: %w: type %q is not one of %v", ErrInvalid, t, SpeakerTypes)
		}
	}
	cur, back, err := nameCursor(page)
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("find speakers %q: %w", name, err)
	}
	var out []Speaker
	var info PageInfo
	err = s.view(ctx, func(txn *badger.Txn) error {
		found := matches{}
		if strings.TrimSpace(name) == "" {
			err := scanNames(txn, key.KindSpeakerByName, "", func(norm string, id uuid.UUID, _ []byte) error {
				found.add(match{groupPrefix, norm, id})
				return nil
			})
			if err != nil {
				return err
			}
		} else {
			var err error
			if found, err = findSpeakers(txn, fold.String(name)); err != nil {
				return err
			}
			if found, err = canonicalMatches(txn, found); err != nil {
				return err
			}
		}
		typed := matches{}
		i := 0
		for _, m := range found {
			if i++; i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			var r speakerRec
			if err := load(txn, key.KindSpeaker, m.id, &r); err != nil {
				return fmt.Errorf("speaker %s: %w", m.id, err)
			}
			if slices.Contains(types, speakerType(r.Type)) {
				typed.add(m)
			}
		}
		var ms []match
		ms, info = typed.page(page, cur, back)
		out, err = speakerViews(txn, ms)
		return err
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("find speakers %q: %w", name, err)
	}
	return out, info, nil
}
