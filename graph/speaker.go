package graph

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/key"
)

// Speaker returns the speaker with id, or an error wrapping ErrNotFound.
// The id of a name merged into another speaker gives that speaker.
func (s *Store) Speaker(ctx context.Context, id uuid.UUID) (Speaker, error) {
	var sp Speaker
	err := s.view(ctx, func(txn *badger.Txn) (err error) {
		sp, err = speakerView(txn, id)
		return err
	})
	if err != nil {
		return Speaker{}, fmt.Errorf("speaker %s: %w", id, err)
	}
	return sp, nil
}

// FindSpeakers returns a page of the speakers matching name, ignoring case,
// diacritics and punctuation: first those whose full name or an alias is
// name, then, by name, those whose full name or an alias begins with name
// or whose name words begin with the words of name ("lavr", "sergey
// lav"). Name "" lists every speaker by name. It returns ErrBadCursor for
// a cursor it did not issue.
func (s *Store) FindSpeakers(ctx context.Context, name string, page Page) ([]Speaker, PageInfo, error) {
	cur, back, err := nameCursor(page)
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("find speakers %q: %w", name, err)
	}
	var out []Speaker
	var info PageInfo
	err = s.view(ctx, func(txn *badger.Txn) error {
		var ms []match
		if strings.TrimSpace(name) == "" {
			if ms, info, err = listNames(txn, key.KindSpeakerByName, page, cur, back); err != nil {
				return err
			}
			n, err := readCounter(txn, key.CounterSpeakers)
			if err != nil {
				return err
			}
			info.TotalCount = int(n)
		} else {
			found, err := findSpeakers(txn, fold.String(name))
			if err != nil {
				return err
			}
			if found, err = canonicalMatches(txn, found); err != nil {
				return err
			}
			ms, info = found.page(page, cur, back)
		}
		out, err = speakerViews(txn, ms)
		return err
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("find speakers %q: %w", name, err)
	}
	return out, info, nil
}

// canonicalMatches maps matched speaker records to their canonical
// speakers, sorted by the canonical display name.
func canonicalMatches(txn *badger.Txn, ms matches) (matches, error) {
	out := matches{}
	for _, m := range ms {
		_, root, err := loadRoot(txn, m.id)
		if err != nil {
			return nil, fmt.Errorf("speaker %s: %w", m.id, err)
		}
		out.add(match{m.group, fold.String(root.display()), root.ID})
	}
	return out, nil
}

func findSpeakers(txn *badger.Txn, q string) (matches, error) {
	ms := matches{}
	if q == "" {
		return ms, nil
	}
	// The lookup index holds full names and aliases; its value is the id
	// and the normalized full name.
	exact := key.Lookup(key.KindSpeakerLookup, q)
	it := keysOnly(txn, exact)
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		v, err := item.ValueCopy(nil)
		if err != nil {
			it.Close()
			return nil, dbErr("read index", err)
		}
		if len(v) < key.IDLen {
			it.Close()
			return nil, fmt.Errorf("malformed speaker lookup %q", item.Key())
		}
		g := groupPrefix
		if bytes.Equal(item.Key(), exact) {
			g = groupExact
		}
		ms.add(match{g, string(v[key.IDLen:]), uuid.UUID(v[:key.IDLen])})
	}
	it.Close()
	err := tokenMatches(txn, key.KindSpeakerByToken, q, ms, func(id uuid.UUID) ([]string, error) {
		var rec speakerRec
		if err := load(txn, key.KindSpeaker, id, &rec); err != nil {
			return nil, fmt.Errorf("speaker %s: %w", id, err)
		}
		return rec.tokens(), nil
	})
	return ms, err
}

// SpeakerByName returns the speaker whose full name or alias, or the name
// or alias of a name merged into it, is name, ignoring case, diacritics
// and punctuation; failing that, of the speakers whose name words include
// every word of name ("Lavrov"), the one with the most quotes. It returns
// an error wrapping ErrNotFound when there is none or the best is tied.
func (s *Store) SpeakerByName(ctx context.Context, name string) (Speaker, error) {
	q := fold.String(name)
	var sp Speaker
	err := s.view(ctx, func(txn *badger.Txn) error {
		if q == "" {
			return ErrNotFound
		}
		v, ok, err := get(txn, key.Lookup(key.KindSpeakerLookup, q))
		if err != nil {
			return err
		}
		if ok && len(v) >= key.IDLen {
			sp, err = speakerView(txn, uuid.UUID(v[:key.IDLen]))
			return err
		}
		var ids []uuid.UUID
		for i, w := range strings.Fields(q) {
			var these []uuid.UUID
			err := scanNames(txn, key.KindSpeakerByToken, fold.Cut(w)+string(rune(key.Sep)), func(_ string, id uuid.UUID, _ []byte) error {
				root, err := rootOf(txn, id)
				if err != nil {
					return err
				}
				if (i == 0 || slices.Contains(ids, root)) && !slices.Contains(these, root) {
					these = append(these, root)
				}
				return nil
			})
			if err != nil {
				return err
			}
			ids = these
		}
		best, bestN, tied := uuid.Nil, -1, false
		for _, id := range ids {
			all, err := clusterIDs(txn, []uuid.UUID{id})
			if err != nil {
				return err
			}
			n := 0
			for _, m := range all {
				n += countKeys(txn, key.Record(key.KindQuoteBySpeaker, m))
			}
			switch {
			case n > bestN:
				best, bestN, tied = id, n, false
			case n == bestN:
				tied = true
			}
		}
		switch {
		case best == uuid.Nil:
			return ErrNotFound
		case tied:
			return fmt.Errorf("%w: %d speakers are named so", ErrNotFound, len(ids))
		}
		sp, err = speakerView(txn, best)
		return err
	})
	if err != nil {
		return Speaker{}, fmt.Errorf("speaker %q: %w", name, err)
	}
	return sp, nil
}

// AddSpeakerAlias records another name of the speaker with id, by which
// PutArticle and the name lookups will find it. It returns an error
// wrapping ErrNotFound for an unknown speaker and ErrInvalid when the
// alias is empty or already names another speaker.
func (s *Store) AddSpeakerAlias(ctx context.Context, id uuid.UUID, alias string) (Speaker, error) {
	if err := checkName("alias", alias); err != nil {
		return Speaker{}, fmt.Errorf("add alias to speaker %s: %w", id, err)
	}
	alias = clean(alias)
	var rec speakerRec
	var sp Speaker
	err := s.update(ctx, func(txn *badger.Txn) error {
		rec = speakerRec{}
		if err := load(txn, key.KindSpeaker, id, &rec); err != nil {
			return err
		}
		v, ok, err := get(txn, key.Lookup(key.KindSpeakerLookup, fold.String(alias)))
		if err != nil {
			return err
		}
		if ok && len(v) >= key.IDLen && uuid.UUID(v[:key.IDLen]) != id {
			return fmt.Errorf("%w: alias %q already names speaker %s", ErrInvalid, alias, uuid.UUID(v[:key.IDLen]))
		}
		if !strings.EqualFold(rec.Name, alias) && !containsFold(rec.Aliases, alias) {
			if len(rec.Aliases) >= maxListLen {
				return fmt.Errorf("%w: speaker has %d aliases already", ErrInvalid, len(rec.Aliases))
			}
			old := speakerIndex(rec)
			rec.Aliases = append(rec.Aliases, alias)
			if err := store(txn, key.KindSpeaker, id, rec); err != nil {
				return err
			}
			if err := rewriteEntries(txn, old, speakerIndex(rec)); err != nil {
				return err
			}
		}
		sp, err = speakerView(txn, id)
		return err
	})
	if err != nil {
		return Speaker{}, fmt.Errorf("add alias to speaker %s: %w", id, err)
	}
	return sp, nil
}

// SpeakerVenues returns the venues where the speaker with id was quoted,
// most quotes first. It returns an error wrapping ErrNotFound for an
// unknown speaker.
func (s *Store) SpeakerVenues(ctx context.Context, id uuid.UUID) ([]Venue, error) {
	var vs []counted
	err := s.view(ctx, func(txn *badger.Txn) error {
		ok, err := has(txn, key.Record(key.KindSpeaker, id))
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		all, err := clusterIDs(txn, []uuid.UUID{id})
		if err != nil {
			return err
		}
		for _, mid := range all {
			if err := speakerVenues(txn, mid, &vs); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("venues of speaker %s: %w", id, err)
	}
	slices.SortStableFunc(vs, func(a, b counted) int {
		if a.n != b.n {
			return int(b.n) - int(a.n)
		}
		return strings.Compare(a.v.Name, b.v.Name)
	})
	out := make([]Venue, len(vs))
	for i, c := range vs {
		out[i] = c.v
	}
	return out, nil
}

// counted is a venue with the number of quotes said there.
type counted struct {
	v Venue
	n uint64
}

// speakerVenues adds the venues of speaker record id to vs, summing the
// counts of venues already there.
func speakerVenues(txn *badger.Txn, id uuid.UUID, vs *[]counted) error {
	{
		prefix := key.Record(key.KindSpeakerVenue, id)
		it := keysOnly(txn, prefix)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			vid := uuid.UUID(item.Key()[len(prefix):])
			b, err := item.ValueCopy(nil)
			if err != nil {
				return dbErr("read edge", err)
			}
			n, err := parseUint64(b)
			if err != nil {
				return fmt.Errorf("edge %s→%s: %v", id, vid, err)
			}
			if i := slices.IndexFunc(*vs, func(c counted) bool { return c.v.ID == vid }); i >= 0 {
				(*vs)[i].n += n
				continue
			}
			var rec venueRec
			if err := load(txn, key.KindVenue, vid, &rec); err != nil {
				return fmt.Errorf("venue %s: %w", vid, err)
			}
			*vs = append(*vs, counted{rec.venue(), n})
		}
		return nil
	}
}

// speakerViews returns the speakers of matches ms, in order.
func speakerViews(txn *badger.Txn, ms []match) ([]Speaker, error) {
	var out []Speaker
	for _, m := range ms {
		sp, err := speakerView(txn, m.id)
		if err != nil {
			return nil, fmt.Errorf("speaker %s: %w", m.id, err)
		}
		out = append(out, sp)
	}
	return out, nil
}
