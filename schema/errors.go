package schema

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/graphql-go/graphql"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

// Sentinel errors of the schema and its HTTP handler. They reach clients
// as the messages of GraphQL errors.
var (
	// ErrBadRequest means an HTTP request is not a GraphQL request graphd
	// can read: wrong method, media type or body.
	ErrBadRequest = errors.New("bad request")
	// ErrTooDeep means a query nests fields deeper than Limits.Depth.
	ErrTooDeep = errors.New("query is nested too deeply")
	// ErrTooCostly means a query's estimated cost is over Limits.Cost.
	ErrTooCostly = errors.New("query is too costly")
)

// Codes in the "code" extension of GraphQL errors, so clients can tell a
// mistake of theirs from a fault of the server without parsing messages.
const (
	codeBadInput = "BAD_USER_INPUT"
	codeNotFound = "NOT_FOUND"
	codeLimit    = "QUERY_LIMIT"
	codeTimeout  = "TIMEOUT"
	codeInternal = "INTERNAL"
	codeNoSpace  = "INSUFFICIENT_STORAGE" // the server's disk is full: retry later
)

// clientError is an error whose message is meant for the client.
// graphql-go copies Extensions into the error it reports.
type clientError struct {
	msg  string
	code string
}

func (e *clientError) Error() string { return e.msg }

func (e *clientError) Extensions() map[string]any {
	return map[string]any{"code": e.code}
}

// inputErrorf reports a bad argument, naming it: "from: not an ISO 8601
// date".
func inputErrorf(format string, args ...any) error {
	return &clientError{msg: fmt.Sprintf(format, args...), code: codeBadInput}
}

var errInternal = &clientError{msg: "internal error", code: codeInternal}

// clientErr is the one place that turns an error into what a client sees.
// Mistakes of the client (bad ids, cursors, dates, input the store or the
// pipeline rejected) keep their message; anything else is logged with the
// field it came from and shown as "internal error".
func clientErr(ctx context.Context, logger *slog.Logger, field string, err error) error {
	var ce *clientError
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.Is(err, graph.ErrNotFound):
		return &clientError{msg: "not found", code: codeNotFound}
	case errors.Is(err, graph.ErrBadCursor):
		return &clientError{msg: "after: invalid cursor", code: codeBadInput}
	case errors.Is(err, graph.ErrInvalid),
		errors.Is(err, ingest.ErrNoText),
		errors.Is(err, ingest.ErrTooLarge),
		errors.Is(err, ingest.ErrEncoding),
		errors.Is(err, ingest.ErrMalformed):
		return &clientError{msg: err.Error(), code: codeBadInput}
	case errors.Is(err, graph.ErrNoSpace):
		logger.WarnContext(ctx, "write refused", "field", field, "err", err)
		return &clientError{msg: "no space left on device: the server stores nothing until space is freed on its disk; reads go on", code: codeNoSpace}
	case errors.Is(err, ErrTooDeep), errors.Is(err, ErrTooCostly):
		return &clientError{msg: err.Error(), code: codeLimit}
	case errors.Is(err, context.DeadlineExceeded):
		return &clientError{msg: "request timed out", code: codeTimeout}
	case errors.Is(err, context.Canceled):
		return &clientError{msg: "request canceled", code: codeTimeout}
	}
	logger.ErrorContext(ctx, "graphql resolver failed", "field", field, "err", err)
	return errInternal
}

// resolver wraps a resolve function so that its errors, and its panics,
// pass through clientErr. Every resolver of the schema is built with it.
func (s *Schema) resolver(fn graphql.FieldResolveFn) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (v any, err error) {
		defer func() {
			if r := recover(); r != nil {
				s.logger.ErrorContext(p.Context, "graphql resolver panicked",
					"field", fieldPath(p), "panic", r, "stack", string(debug.Stack()))
				v, err = nil, errInternal
			}
		}()
		v, err = fn(p)
		if err != nil {
			return nil, clientErr(p.Context, s.logger, fieldPath(p), err)
		}
		return v, nil
	}
}

// fieldPath names the field being resolved for logs: "Query.quotes".
func fieldPath(p graphql.ResolveParams) string {
	if p.Info.ParentType == nil {
		return p.Info.FieldName
	}
	return p.Info.ParentType.Name() + "." + p.Info.FieldName
}
