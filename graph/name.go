package graph

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/key"
)

// A match is a speaker or venue found by name. Matches sort by group
// (0 exact, 1 prefix), normalized name, id; that sort key is also the
// payload of their cursors.
type match struct {
	group byte
	norm  string
	id    uuid.UUID
}

const (
	groupExact  byte = 0
	groupPrefix byte = 1
)

func (m match) sortKey() []byte {
	k := make([]byte, 0, 1+len(m.norm)+1+key.IDLen)
	k = append(k, m.group)
	k = append(k, m.norm...)
	k = append(k, key.Sep)
	return append(k, m.id[:]...)
}

// matches collects matches by id, keeping each id's best group.
type matches map[uuid.UUID]match

func (ms matches) add(m match) {
	if old, ok := ms[m.id]; !ok || m.group < old.group {
		ms[m.id] = m
	}
}

// page sorts the matches and returns those after the cursor payload, or
// for a backward page those before it.
func (ms matches) page(p Page, cursor []byte, backward bool) ([]match, PageInfo) {
	all := make([]match, 0, len(ms))
	keys := make(map[uuid.UUID][]byte, len(ms))
	for _, m := range ms {
		all = append(all, m)
		keys[m.id] = m.sortKey()
	}
	slices.SortFunc(all, func(a, b match) int { return bytes.Compare(keys[a.id], keys[b.id]) })
	if backward {
		slices.Reverse(all)
	}
	pg := newPager[match](cursorName, p, cursor, backward)
	for _, m := range all {
		if cursor != nil && !beyond(keys[m.id], cursor, backward) {
			continue
		}
		if !pg.room() {
			break
		}
		pg.add(keys[m.id], m)
	}
	return pg.done(len(all))
}

// scanNames calls fn for each key <p><name><0x00><id> whose name starts
// with prefix, with the key's name, id and value.
func scanNames(txn *badger.Txn, p key.Kind, prefix string, fn func(norm string, id uuid.UUID, v []byte) error) error {
	it := keysOnly(txn, key.NamePrefix(p, prefix))
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		norm, id, ok := key.SplitName(item.Key()[1:])
		if !ok {
			return fmt.Errorf("malformed name key %q", item.Key())
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return dbErr("read index", err)
		}
		if err := fn(norm, id, v); err != nil {
			return err
		}
	}
	return nil
}

// tokenMatches adds the ids whose words, held in the token index p,
// begin with every word of q. verify returns the words of an id when q
// has several.
func tokenMatches(txn *badger.Txn, p key.Kind, q string, ms matches, verify func(uuid.UUID) ([]string, error)) error {
	words := strings.Fields(q)
	for i := range words {
		words[i] = fold.Cut(words[i])
	}
	driver := slices.MaxFunc(words, func(a, b string) int { return len(a) - len(b) })
	return scanNames(txn, p, driver, func(_ string, id uuid.UUID, v []byte) error {
		if _, ok := ms[id]; ok {
			return nil
		}
		if len(words) > 1 {
			have, err := verify(id)
			if err != nil {
				return err
			}
			for _, w := range words {
				if !slices.ContainsFunc(have, func(h string) bool { return strings.HasPrefix(h, w) }) {
					return nil
				}
			}
		}
		ms.add(match{groupPrefix, string(v), id})
		return nil
	})
}

// listNames returns a page of the ids in the name-ordered index p; a
// backward page reads the index in reverse.
func listNames(txn *badger.Txn, p key.Kind, page Page, cursor []byte, backward bool) ([]match, PageInfo, error) {
	if cursor != nil && cursor[0] != groupPrefix {
		return nil, PageInfo{}, ErrBadCursor
	}
	pg := newPager[match](cursorName, page, cursor, backward)
	var at []byte // the cursor's index key, less the prefix
	if cursor != nil {
		at = cursor[1:]
	}
	prefix := p.Prefix()
	it := iterate(txn, prefix, backward)
	defer it.Close()
	for it.Seek(seekKey(prefix, at, backward)); it.Valid(); it.Next() {
		k := it.Item().Key()
		if at != nil && bytes.Equal(k[1:], at) {
			continue
		}
		if !pg.room() {
			break
		}
		norm, id, ok := key.SplitName(k[1:])
		if !ok {
			return nil, PageInfo{}, fmt.Errorf("malformed name key %q", k)
		}
		m := match{groupPrefix, norm, id}
		pg.add(m.sortKey(), m)
	}
	out, info := pg.done(0)
	return out, info, nil
}

// nameCursor decodes the cursor of a speaker or venue listing, and says
// whether the page runs backwards.
func nameCursor(p Page) ([]byte, bool, error) {
	cur, back, err := p.cursor(cursorName)
	if err != nil {
		return nil, false, err
	}
	if cur != nil {
		if _, _, ok := key.SplitName(cur[1:]); !ok || cur[0] > groupPrefix {
			return nil, false, ErrBadCursor
		}
	}
	return cur, back, nil
}
