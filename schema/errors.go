package schema

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"runtime/debug"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/location"

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
	// ErrTooLarge means a query document is over one of the limits of
	// its size and shape: Body, Tokens, Operations, Aliases or Fields.
	ErrTooLarge = errors.New("query is too large")
	// ErrUnauthenticated, wrapped in an error of the Authorize function,
	// answers the request 401 with the error's message and the code
	// UNAUTHENTICATED.
	ErrUnauthenticated = errors.New("authentication required")
	// ErrForbidden, wrapped in an error of the Authorize function,
	// answers the request 403 with the error's message and the code
	// FORBIDDEN.
	ErrForbidden = errors.New("operation not allowed")
)

// Codes in the "code" extension of GraphQL errors, so clients can tell a
// mistake of theirs from a fault of the server without parsing messages.
// Every error graphd sends has one.
const (
	codeBadRequest        = "BAD_REQUEST"                  // not a GraphQL request graphd can read
	codeMethod            = "METHOD_NOT_ALLOWED"           // a mutation over GET
	codeParse             = "GRAPHQL_PARSE_FAILED"         // the document does not parse
	codeValidation        = "GRAPHQL_VALIDATION_FAILED"    // the document is not valid against the schema
	codeBadInput          = "BAD_USER_INPUT"               // variables or arguments with bad values
	codeOperation         = "OPERATION_RESOLUTION_FAILURE" // operationName missing or unknown
	codePersistedNotFound = "PERSISTED_QUERY_NOT_FOUND"    // a hash graphd does not know: send the query with it
	codeUnauthenticated   = "UNAUTHENTICATED"
	codeForbidden         = "FORBIDDEN"
	codeNotFound          = "NOT_FOUND"
	codeLimit             = "QUERY_LIMIT"        // over a limit of the document or its cost
	codeSubscriptionLimit = "SUBSCRIPTION_LIMIT" // too many subscriptions or connections
	codeEventsLost        = "EVENTS_LOST"        // a slow subscriber lost events
	codeTimeout           = "TIMEOUT"
	codeInternal          = "INTERNAL"
	codeNoSpace           = "INSUFFICIENT_STORAGE" // the server's disk is full: retry later
)

// Error is a GraphQL error as graphd sends it: locations only when the
// error points into the document, and always a code in extensions.
type Error struct {
	Message    string                    `json:"message"`
	Locations  []location.SourceLocation `json:"locations,omitempty"`
	Path       []any                     `json:"path,omitempty"`
	Extensions map[string]any            `json:"extensions,omitempty"`
}

// code is the code in e's extensions.
func (e Error) code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// fromGraphQL converts graphql-go's errors, giving code to those that
// have none.
func fromGraphQL(errs []gqlerrors.FormattedError, code string) []Error {
	out := make([]Error, 0, len(errs))
	for _, e := range errs {
		ext := e.Extensions
		if c, _ := ext["code"].(string); c == "" {
			ext = maps.Clone(ext)
			if ext == nil {
				ext = map[string]any{}
			}
			ext["code"] = code
		}
		out = append(out, Error{Message: e.Message, Locations: e.Locations, Path: e.Path, Extensions: ext})
	}
	return out
}

// errorAt is an error with code pointing at nodes of the document.
func errorAt(code, msg string, nodes ...ast.Node) Error {
	e := gqlerrors.NewError(msg, nodes, "", nil, nil, nil)
	return Error{Message: msg, Locations: e.Locations, Extensions: map[string]any{"code": code}}
}

// status is the HTTP status of resp, under application/json (json) or
// application/graphql-response+json. A response with data is 200; one
// without is answered by the code of its first error. As GraphQL over
// HTTP asks, application/json answers a well-formed request 200 even when
// it could not run (parse, validation and variable errors, limits, an
// unknown persisted query, a timeout); errors of the HTTP request itself
// (a malformed body, a mutation over GET, a refused authorization, a
// subscription limit) have their status under both.
func status(resp Response, json bool) int {
	if resp.Data != nil || len(resp.Errors) == 0 {
		return http.StatusOK
	}
	switch resp.Errors[0].code() {
	case codeBadRequest:
		return http.StatusBadRequest
	case codeMethod:
		return http.StatusMethodNotAllowed
	case codeUnauthenticated:
		return http.StatusUnauthorized
	case codeForbidden:
		return http.StatusForbidden
	case codeSubscriptionLimit:
		return http.StatusServiceUnavailable
	}
	if json {
		return http.StatusOK
	}
	switch resp.Errors[0].code() {
	case codeTimeout:
		return http.StatusGatewayTimeout
	case codeNoSpace:
		return http.StatusInsufficientStorage
	case codeInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// clientError is an error whose message is meant for the client.
// graphql-go copies Extensions into the error it reports.
type clientError struct {
	msg  string
	code string
	ext  map[string]any // more extensions besides the code
}

func (e *clientError) Error() string { return e.msg }

func (e *clientError) Extensions() map[string]any {
	ext := map[string]any{"code": e.code}
	for k, v := range e.ext {
		ext[k] = v
	}
	return ext
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
	case errors.Is(err, ErrTooDeep), errors.Is(err, ErrTooCostly), errors.Is(err, ErrTooLarge):
		return &clientError{msg: err.Error(), code: codeLimit}
	case errors.Is(err, ErrUnauthenticated):
		return &clientError{msg: err.Error(), code: codeUnauthenticated}
	case errors.Is(err, ErrForbidden):
		return &clientError{msg: err.Error(), code: codeForbidden}
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
		// Once the request's deadline has passed or its client has gone,
		// the fields graphql-go still walks resolve to nothing at once.
		if err := p.Context.Err(); err != nil {
			return nil, clientErr(p.Context, s.logger, fieldPath(p), err)
		}
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
