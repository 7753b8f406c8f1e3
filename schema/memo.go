package schema

import (
	"context"
	"sync"

	"github.com/google/uuid"
)

// memo remembers the records read while one request runs, so that a page
// of a hundred quotes by three speakers reads three speakers, not a
// hundred. It lives in the request's context and dies with it.
type memo struct {
	mu sync.Mutex
	m  map[memoKey]any
}

type memoKey struct {
	typ string
	id  uuid.UUID
}

type memoCtxKey struct{}

func withMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoCtxKey{}, &memo{m: make(map[memoKey]any)})
}

// load returns the record of type typ with id id, from the request's memo
// or else from load. Errors are not remembered.
func load[T any](ctx context.Context, typ string, id uuid.UUID, read func(context.Context, uuid.UUID) (T, error)) (T, error) {
	m, _ := ctx.Value(memoCtxKey{}).(*memo)
	if m == nil {
		return read(ctx, id)
	}
	k := memoKey{typ, id}
	m.mu.Lock()
	v, ok := m.m[k]
	m.mu.Unlock()
	if ok {
		return v.(T), nil
	}
	t, err := read(ctx, id)
	if err != nil {
		return t, err
	}
	m.mu.Lock()
	m.m[k] = t
	m.mu.Unlock()
	return t, nil
}
