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

// page sorts the matches and returns those after the cursor payload.
func (ms matches) page(after []byte, n int) ([]match, PageInfo) {
	all := make([]match, 0, len(ms))
	keys := make(map[uuid.UUID][]byte, len(ms))
	for _, m := range ms {
		all = append(all, m)
		keys[m.id] = m.sortKey()
	}
	slices.SortFunc(all, func(a, b match) int { return bytes.Compare(keys[a.id], keys[b.id]) })
	info := PageInfo{TotalCount: len(all)}
	if after != nil {
		i, _ := slices.BinarySearchFunc(all, after, func(m match, k []byte) int { return bytes.Compare(keys[m.id], k) })
		for i < len(all) && bytes.Equal(keys[all[i].id], after) {
			i++
		}
		all = all[i:]
	}
	if len(all) > n {
		all, info.HasNextPage = all[:n], true
	}
	if len(all) > 0 {
		info.EndCursor = encodeCursor(cursorName, keys[all[len(all)-1].id])
	}
	return all, info
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

// listNames returns a page of the ids in the name-ordered index p.
func listNames(txn *badger.Txn, p key.Kind, after []byte, n int) ([]match, PageInfo, error) {
	var out []match
	var info PageInfo
	start := p.Prefix()
	if after != nil {
		if after[0] != groupPrefix {
			return nil, info, ErrBadCursor
		}
		start = append(p.Prefix(), after[1:]...)
	}
	it := keysOnly(txn, p.Prefix())
	defer it.Close()
	for it.Seek(start); it.Valid(); it.Next() {
		k := it.Item().Key()
		if after != nil && bytes.Equal(k[1:], after[1:]) {
			continue
		}
		if len(out) == n {
			info.HasNextPage = true
			break
		}
		norm, id, ok := key.SplitName(k[1:])
		if !ok {
			return nil, info, fmt.Errorf("malformed name key %q", k)
		}
		out = append(out, match{groupPrefix, norm, id})
	}
	if len(out) > 0 {
		info.EndCursor = encodeCursor(cursorName, out[len(out)-1].sortKey())
	}
	return out, info, nil
}

// nameCursor decodes the cursor of a speaker or venue listing.
func nameCursor(c string) ([]byte, error) {
	after, err := decodeCursor(cursorName, c)
	if err != nil {
		return nil, err
	}
	if after != nil {
		if _, _, ok := key.SplitName(after[1:]); !ok || after[0] > groupPrefix {
			return nil, ErrBadCursor
		}
	}
	return after, nil
}
