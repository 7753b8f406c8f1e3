package schema

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
)

// Automatic persisted queries, as Apollo defines them: a client sends
// extensions {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}
// without the query, over GET or POST; graphd runs the query it keeps
// under that hash, or answers PERSISTED_QUERY_NOT_FOUND, and the client
// sends the query with its hash, which graphd checks, runs and keeps. A
// dashboard can then GET a short URL that caches well. The queries are
// kept in memory, Limits.PersistedQueryCache bytes of them at most, the
// least recently used forgotten first.

// persistedQueries is a cache of query documents by hash, bounded in
// bytes, least recently used out first.
type persistedQueries struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // of *persistedQuery, most recently used first
	byKey map[string]*list.Element
}

type persistedQuery struct{ hash, query string }

func newPersistedQueries(max int64) *persistedQueries {
	return &persistedQueries{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// cost is what one query takes of the cache: its text, its hash and a
// guess at the bookkeeping.
func (pq *persistedQuery) cost() int64 { return int64(len(pq.query) + len(pq.hash) + 100) }

func (c *persistedQueries) get(hash string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[hash]
	if !ok {
		return "", false
	}
	c.order.MoveToFront(e)
	return e.Value.(*persistedQuery).query, true
}

// add keeps query under hash, forgetting the least recently used
// queries it does not leave room for. A query larger than the whole
// cache is not kept.
func (c *persistedQueries) add(hash, query string) {
	pq := &persistedQuery{hash: hash, query: query}
	if pq.cost() > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[hash]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.byKey[hash] = c.order.PushFront(pq)
	c.size += pq.cost()
	for c.size > c.max {
		last := c.order.Back()
		old := last.Value.(*persistedQuery)
		c.order.Remove(last)
		delete(c.byKey, old.hash)
		c.size -= old.cost()
	}
}

// persisted resolves the automatic persisted query of req, if its
// extensions name one. Without a query, it fills in the query kept under
// the hash, or answers PERSISTED_QUERY_NOT_FOUND; with one, it checks the
// hash and returns it, for prepare to keep the query once it is valid.
func (s *Schema) persisted(req Request) (Request, string, *Response) {
	ext, ok := req.Extensions["persistedQuery"]
	if !ok || ext == nil {
		return req, "", nil
	}
	bad := func(format string, args ...any) (Request, string, *Response) {
		r := requestError(codeBadRequest, format, args...)
		return req, "", &r
	}
	pq, ok := ext.(map[string]any)
	if !ok {
		return bad("extensions.persistedQuery: not an object")
	}
	if v, _ := pq["version"].(float64); v != 1 {
		return bad("extensions.persistedQuery.version: only version 1 is supported")
	}
	hash, _ := pq["sha256Hash"].(string)
	hash = strings.ToLower(hash)
	if b, err := hex.DecodeString(hash); err != nil || len(b) != sha256.Size {
		return bad("extensions.persistedQuery.sha256Hash: not the hex SHA-256 of a query")
	}
	if req.Query == "" {
		q, ok := s.persistedQueries.get(hash)
		if !ok {
			// The message is Apollo's: clients look for it.
			r := requestError(codePersistedNotFound, "PersistedQueryNotFound")
			return req, "", &r
		}
		req.Query = q
		return req, "", nil
	}
	if sum := sha256.Sum256([]byte(req.Query)); hex.EncodeToString(sum[:]) != hash {
		return bad("extensions.persistedQuery.sha256Hash: provided sha does not match query")
	}
	return req, hash, nil
}
