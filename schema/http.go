package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

// Request is one GraphQL request.
type Request struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables,omitempty"`
	OperationName string         `json:"operationName,omitempty"`
	// Extensions are the request's extensions; graphd reads
	// persistedQuery (automatic persisted queries) and ignores the rest.
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Response is the result of a GraphQL request as graphd sends it: data is
// absent when the request failed before execution, errors when there are
// none.
type Response struct {
	Data   any     `json:"data,omitempty"`
	Errors []Error `json:"errors,omitempty"`
}

// Operation is what an Authorize function is asked about: one operation
// about to run.
type Operation struct {
	Type      string // "query", "mutation" or "subscription"
	Name      string // the operation's name; "" for an anonymous one
	Transport string // "GET", "POST", "websocket" or "events"
}

// WithAuthorize makes every operation, on every transport (GET and POST
// /graphql, WebSocket, /events), pass authorize once it is known to be
// valid and before it runs. ctx is the request's: for a WebSocket, the
// upgrade request's, with the connection_init payload in InitPayload. An
// error wrapping ErrUnauthenticated is answered 401, one wrapping
// ErrForbidden 403, with the error's message, which must be fit for the
// client; any other error is logged and answered as an internal error.
func WithAuthorize(authorize func(ctx context.Context, op Operation) error) Option {
	return func(s *Schema) { s.authorize = authorize }
}

// ServeHTTP serves the GraphQL endpoint at /graphql and the playground at
// /. Mount it at the root, or under a prefix with http.StripPrefix.
func (s *Schema) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r)
}

func (s *Schema) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/graphql", s.serveGraphQL)
	mux.HandleFunc("GET /events", s.serveEvents)
	mux.HandleFunc("GET /export", s.serveExport)
	mux.HandleFunc("POST /ingest", s.serveIngest)
	mux.HandleFunc("GET /check", s.serveCheck)
	mux.HandleFunc("GET /dashboard", s.serveDashboard)
	mux.Handle("GET /dashboard/{$}", http.RedirectHandler("../dashboard", http.StatusMovedPermanently))
	mux.HandleFunc("GET /dashboard/assets/{name}", s.dashboard.serveFile)
	mux.HandleFunc("GET /{$}", s.servePlayground)
	mux.HandleFunc("GET /assets/{name}", s.serveAsset)
	return mux
}

// Do runs req with the request limits, mutations included. Field errors
// are in the response; so are errors of the request itself (syntax,
// validation, limits), with no data. A subscription is refused: use
// Subscribe.
func (s *Schema) Do(ctx context.Context, req Request) Response {
	resp, _ := s.do(ctx, req, transportPOST)
	return resp
}

// Transports, as Operation.Transport names them.
const (
	transportGET       = "GET"
	transportPOST      = "POST"
	transportWebSocket = "websocket"
	transportEvents    = "events"
)

// requestError is a Response for a request that did not run.
func requestError(code, format string, args ...any) Response {
	return Response{Errors: []Error{{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": code}}}}
}

// formatted is err as a graphql-go error with its extensions, for what
// graphql-go passes on (a subscription's start).
func formatted(err error) gqlerrors.FormattedError {
	f := gqlerrors.FormatError(err)
	if ext, ok := err.(gqlerrors.ExtendedError); ok {
		f.Extensions = ext.Extensions()
	}
	return f
}

// errorResponse is the response to a request that failed with err, which
// clientErr words.
func (s *Schema) errorResponse(ctx context.Context, err error) Response {
	ce := clientErr(ctx, s.logger, "", err).(*clientError)
	return Response{Errors: []Error{{Message: ce.msg, Extensions: ce.Extensions()}}}
}

// prepared is a request that passed every check and may run.
type prepared struct {
	req Request
	doc *ast.Document
	op  *ast.OperationDefinition
	m   measure
}

// prepare takes req from its text to an operation that may run: it
// resolves a persisted query, bounds the document (size, tokens, nesting,
// then its shape once parsed), validates it, picks the operation, refuses
// a mutation over GET, asks Authorize, and measures depth and cost, all
// under ctx, whose deadline the caller set. A request that cannot run
// gets its error response. info is what prepare learnt of the operation,
// run or refused, for the metrics and the access log: its Type and Name
// are empty when the request failed before one was picked.
func (s *Schema) prepare(ctx context.Context, req Request, transport string) (p *prepared, info Operation, bad *Response) {
	info = Operation{Transport: transport}
	fail := func(r Response) (*prepared, Operation, *Response) { return nil, info, &r }
	req, hash, bad := s.persisted(req)
	if bad != nil {
		return nil, info, bad
	}
	if strings.TrimSpace(req.Query) == "" {
		return fail(requestError(codeBadRequest, "query is required"))
	}
	if int64(len(req.Query)) > s.limits.Body {
		return fail(requestError(codeLimit, "%s: more than %d bytes", ErrTooLarge, s.limits.Body))
	}
	if err := scanDocument(req.Query, s.limits); err != nil {
		return fail(requestError(codeLimit, "%s", err))
	}
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{
		Body: []byte(req.Query),
		Name: "GraphQL request",
	})})
	if err != nil {
		return fail(Response{Errors: fromGraphQL(gqlerrors.FormatErrors(err), codeParse)})
	}
	if cycle, err := checkShape(doc, s.limits); err != nil {
		return fail(requestError(codeLimit, "%s", err))
	} else if cycle != nil {
		return fail(Response{Errors: []Error{*cycle}})
	}
	v := graphql.ValidateDocument(&s.schema, doc, validationRules)
	errs := fromGraphQL(v.Errors, codeValidation)
	conflicts, err := mergeCheck(&s.schema, doc)
	if err != nil {
		return fail(requestError(codeLimit, "%s", err))
	}
	if errs = append(errs, conflicts...); len(errs) > 0 {
		return fail(Response{Errors: errs})
	}
	if err := ctx.Err(); err != nil {
		return fail(s.errorResponse(ctx, err))
	}
	op, err := operation(doc, req.OperationName)
	if err != nil {
		return fail(requestError(codeOperation, "%s", err))
	}
	info.Type, info.Name = op.Operation, opName(op)
	if op.Operation == ast.OperationTypeMutation && transport == transportGET {
		return fail(requestError(codeMethod, "mutations must be sent with POST"))
	}
	if s.authorize != nil {
		if err := s.authorize(ctx, info); err != nil {
			return fail(s.errorResponse(ctx, err))
		}
	}
	m, err := checkLimits(ctx, &s.schema, doc, op, req.Variables, s.limits)
	if err != nil {
		return fail(s.errorResponse(ctx, err))
	}
	if hash != "" {
		s.persistedQueries.add(hash, req.Query)
	}
	return &prepared{req: req, doc: doc, op: op, m: m}, info, nil
}

// do runs req, a query or a mutation, with one deadline for its
// preparation and its execution. It returns what it learnt of the
// operation (prepare) with the response.
func (s *Schema) do(ctx context.Context, req Request, transport string) (Response, Operation) {
	ctx, cancel := context.WithTimeout(withMemo(ctx), s.limits.Timeout)
	defer cancel()
	p, info, bad := s.prepare(ctx, req, transport)
	if bad != nil {
		return *bad, info
	}
	if p.op.Operation == ast.OperationTypeSubscription {
		return requestError(codeBadRequest, "subscriptions run over a WebSocket at /graphql (graphql-transport-ws) or as server-sent events at /events"), info
	}
	return s.execute(ctx, p), info
}

// execute runs a prepared query or mutation until ctx ends.
func (s *Schema) execute(ctx context.Context, p *prepared) Response {
	if p.op.Operation == ast.OperationTypeQuery {
		defer s.gate.Enter()()
	}
	start := time.Now()
	res := graphql.Execute(graphql.ExecuteParams{
		Schema:        s.schema,
		AST:           p.doc,
		OperationName: p.req.OperationName,
		Args:          p.req.Variables,
		Context:       withPageLimit(ctx, s.limits.First),
	})
	resp := Response{Data: res.Data, Errors: fromGraphQL(res.Errors, codeInternal)}
	if res.Data != nil {
		if raw, err := orderedJSON(res.Data, p.op, p.doc); err == nil {
			resp.Data = raw
		} else {
			s.logger.ErrorContext(ctx, "encode graphql result", "err", err)
		}
	}
	if err := ctx.Err(); err != nil && res.Data == nil {
		// graphql-go gave up waiting for the resolvers and reports the
		// context's own error.
		resp = s.errorResponse(ctx, err)
	} else if res.Data == nil && len(res.Errors) > 0 && noPath(res.Errors) {
		// Errors before execution: variables that do not fit their types.
		resp.Errors = fromGraphQL(res.Errors, codeBadInput)
	} else if res.Data == nil {
		// A non-null root field failed: data is null, not absent.
		resp.Data = json.RawMessage("null")
	}
	s.logger.DebugContext(ctx, "graphql",
		"op", p.op.Operation, "name", opName(p.op), "depth", p.m.depth, "cost", p.m.cost,
		"errors", len(resp.Errors), "took", time.Since(start))
	return resp
}

// operation picks the operation of doc that name names, or its only one.
func operation(doc *ast.Document, name string) (*ast.OperationDefinition, error) {
	var found *ast.OperationDefinition
	n := 0
	for _, d := range doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		n++
		if name == "" || opName(op) == name {
			found = op
		}
	}
	switch {
	case name == "" && n > 1:
		return nil, errors.New("operationName is required: the document has several operations")
	case found == nil && name != "":
		return nil, fmt.Errorf("unknown operation %q", name)
	case found == nil:
		return nil, errors.New("the document has no operation")
	}
	return found, nil
}

func opName(op *ast.OperationDefinition) string {
	if op.Name == nil {
		return ""
	}
	return op.Name.Value
}

func noPath(errs []gqlerrors.FormattedError) bool {
	for _, e := range errs {
		if len(e.Path) > 0 {
			return false
		}
	}
	return true
}

// Media types of GraphQL over HTTP.
const (
	mediaJSON         = "application/json"
	mediaGraphQLJSON  = "application/graphql-response+json"
	mediaGraphQLQuery = "application/graphql"
)

// responseMedia is the media type to answer with, of those Accept
// allows: application/graphql-response+json when it is acceptable at
// least as much as application/json, else application/json (also without
// Accept, with */*, and when nothing acceptable is offered).
func responseMedia(accept string) string {
	best, bestQ := mediaJSON, 0.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		var media string
		switch mt {
		case mediaGraphQLJSON:
			media = mediaGraphQLJSON
		case mediaJSON, "application/*", "*/*":
			media = mediaJSON
		default:
			continue
		}
		if q > bestQ || q == bestQ && q > 0 && media == mediaGraphQLJSON {
			best, bestQ = media, q
		}
	}
	return best
}

// serveGraphQL serves the GraphQL endpoint following GraphQL over HTTP:
// POST with a JSON or application/graphql body, GET with the request in
// the URL for queries only; answers in application/json or, when the
// client accepts it, application/graphql-response+json, whose status
// codes tell a request that did not run from one that did.
func (s *Schema) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && isWebSocket(r) {
		s.serveWebSocket(w, r)
		return
	}
	start := time.Now()
	media := responseMedia(r.Header.Get("Accept"))
	transport := transportPOST
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		transport = transportGET
	}
	op := Operation{Transport: transport} // what is known of the operation
	// answer writes resp with code, or the status it calls for when code
	// is 0, and counts the operation with that status: every request ends
	// here.
	answer := func(code int, resp Response) {
		if code == 0 {
			code = status(resp, media == mediaJSON)
		}
		s.countOperation(r.Context(), op, code, time.Since(start), resp.Errors)
		s.write(w, media, code, resp)
	}
	var req Request
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		var err error
		if req, err = requestFromURL(r); err != nil {
			answer(0, requestError(codeBadRequest, "%s", err))
			return
		}
	case http.MethodPost:
		var code int
		var err error
		if req, code, err = s.requestFromBody(w, r); err != nil {
			c := codeBadRequest
			if ce, ok := errors.AsType[*clientError](err); ok {
				c = ce.code // a bad value the request carries, named by its member
			}
			answer(code, requestError(c, "%s", err))
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		answer(http.StatusMethodNotAllowed, requestError(codeBadRequest, "method %s not allowed: use GET or POST", r.Method))
		return
	}
	var resp Response
	resp, op = s.do(r.Context(), req, transport)
	if len(resp.Errors) > 0 && resp.Errors[0].code() == codeMethod {
		w.Header().Set("Allow", "POST")
	}
	answer(0, resp)
}

// requestFromURL reads a request from query, variables, operationName and
// extensions in the URL.
func requestFromURL(r *http.Request) (Request, error) {
	q := r.URL.Query()
	req := Request{Query: q.Get("query"), OperationName: q.Get("operationName")}
	if v := q.Get("variables"); v != "" {
		if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
			return req, errors.New("variables: not a JSON object")
		}
	}
	if v := q.Get("extensions"); v != "" {
		if err := json.Unmarshal([]byte(v), &req.Extensions); err != nil {
			return req, errors.New("extensions: not a JSON object")
		}
	}
	return req, nil
}

// requestFromBody reads a POST body of at most Limits.Body bytes: JSON
// {query, variables, operationName, extensions}, or the query alone as
// application/graphql. It returns the status an error calls for.
func (s *Schema) requestFromBody(w http.ResponseWriter, r *http.Request) (Request, int, error) {
	var req Request
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mediaType != mediaJSON && mediaType != mediaGraphQLQuery) {
		return req, http.StatusUnsupportedMediaType, errors.New("Content-Type must be application/json or application/graphql")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.limits.Body))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return req, http.StatusRequestEntityTooLarge, fmt.Errorf("request body larger than %d bytes", s.limits.Body)
		}
		return req, http.StatusBadRequest, errors.New("cannot read request body")
	}
	if err := checkBodyUTF8(body, mediaType == mediaGraphQLQuery); err != nil {
		return req, http.StatusBadRequest, err
	}
	if mediaType == mediaGraphQLQuery {
		req, err = requestFromURL(r)
		req.Query = string(body)
		return req, http.StatusBadRequest, err
	}
	var raw struct {
		Query         *string         `json:"query"`
		Variables     json.RawMessage `json:"variables"`
		OperationName *string         `json:"operationName"`
		Extensions    json.RawMessage `json:"extensions"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return req, http.StatusBadRequest, errors.New("request body is not a JSON object with a query")
	}
	if raw.Query != nil {
		req.Query = *raw.Query
	}
	if raw.OperationName != nil {
		req.OperationName = *raw.OperationName
	}
	if v := bytes.TrimSpace(raw.Variables); len(v) > 0 && !bytes.Equal(v, []byte("null")) {
		// Some clients send variables as a JSON string of an object.
		if v[0] == '"' {
			var str string
			if err := json.Unmarshal(v, &str); err == nil {
				v = []byte(str)
			}
		}
		if err := json.Unmarshal(v, &req.Variables); err != nil {
			return req, http.StatusBadRequest, errors.New("variables: not a JSON object")
		}
	}
	if v := bytes.TrimSpace(raw.Extensions); len(v) > 0 && !bytes.Equal(v, []byte("null")) {
		if err := json.Unmarshal(v, &req.Extensions); err != nil {
			return req, http.StatusBadRequest, errors.New("extensions: not a JSON object")
		}
	}
	return req, http.StatusOK, nil
}

// writeJSON writes v as the JSON response with status.
func (s *Schema) writeJSON(w http.ResponseWriter, status int, v any) {
	s.write(w, mediaJSON, status, v)
}

func (s *Schema) write(w http.ResponseWriter, media string, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		s.logger.Error("encode graphql response", "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", media)
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
