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
}

// Response is the result of a GraphQL request as graphd sends it: data is
// absent when the request failed before execution, errors when there are
// none.
type Response struct {
	Data   any                        `json:"data,omitempty"`
	Errors []gqlerrors.FormattedError `json:"errors,omitempty"`
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
	mux.HandleFunc("GET /dashboard", s.serveDashboard)
	mux.Handle("GET /dashboard/{$}", http.RedirectHandler("../dashboard", http.StatusMovedPermanently))
	mux.HandleFunc("GET /dashboard/assets/{name}", s.dashboard.serveFile)
	mux.HandleFunc("GET /{$}", s.servePlayground)
	mux.HandleFunc("GET /assets/{name}", s.serveAsset)
	return mux
}

// Do runs req with the request limits (depth, cost, timeout), mutations
// included. Field errors are in the response; so are errors of the
// request itself (syntax, validation, limits), with no data.
func (s *Schema) Do(ctx context.Context, req Request) Response {
	resp, _ := s.do(ctx, req, true)
	return resp
}

// requestError is a Response for a request that did not run.
func requestError(code, format string, args ...any) Response {
	return Response{Errors: []gqlerrors.FormattedError{formatted(&clientError{msg: fmt.Sprintf(format, args...), code: code})}}
}

// formatted is err as a GraphQL error with no location.
func formatted(err error) gqlerrors.FormattedError {
	f := gqlerrors.FormatError(err)
	if ext, ok := err.(gqlerrors.ExtendedError); ok {
		f.Extensions = ext.Extensions()
	}
	return f
}

// do runs req and returns the response with its HTTP status: 200 once
// execution started, 400 for a request that cannot run, 405 for a mutation
// when allowMutation is false.
func (s *Schema) do(ctx context.Context, req Request, allowMutation bool) (Response, int) {
	start := time.Now()
	if strings.TrimSpace(req.Query) == "" {
		return requestError(codeBadInput, "query is required"), http.StatusBadRequest
	}
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{
		Body: []byte(req.Query),
		Name: "GraphQL request",
	})})
	if err != nil {
		return Response{Errors: gqlerrors.FormatErrors(err)}, http.StatusBadRequest
	}
	if v := graphql.ValidateDocument(&s.schema, doc, nil); !v.IsValid {
		return Response{Errors: v.Errors}, http.StatusBadRequest
	}
	op, err := operation(doc, req.OperationName)
	if err != nil {
		return requestError(codeBadInput, "%s", err), http.StatusBadRequest
	}
	if op.Operation == ast.OperationTypeMutation && !allowMutation {
		return requestError(codeBadInput, "mutations must be sent with POST"), http.StatusMethodNotAllowed
	}
	if op.Operation == ast.OperationTypeSubscription {
		return requestError(codeBadInput, "subscriptions run over a WebSocket at /graphql (graphql-transport-ws) or as server-sent events at /events"), http.StatusBadRequest
	}
	m, err := checkLimits(&s.schema, doc, op, req.Variables, s.limits)
	if err != nil {
		return requestError(codeLimit, "%s", err), http.StatusBadRequest
	}

	ctx, cancel := context.WithTimeout(withMemo(ctx), s.limits.Timeout)
	defer cancel()
	res := graphql.Execute(graphql.ExecuteParams{
		Schema:        s.schema,
		AST:           doc,
		OperationName: req.OperationName,
		Args:          req.Variables,
		Context:       ctx,
	})
	resp := Response{Data: res.Data, Errors: res.Errors}
	if res.Data != nil {
		if raw, err := orderedJSON(res.Data, op, doc); err == nil {
			resp.Data = raw
		} else {
			s.logger.ErrorContext(ctx, "encode graphql result", "err", err)
		}
	}
	status := http.StatusOK
	if err := ctx.Err(); err != nil && res.Data == nil {
		// graphql-go gave up waiting for the resolvers and reports the
		// context's own error.
		resp.Errors = []gqlerrors.FormattedError{formatted(clientErr(ctx, s.logger, "", err))}
	} else if res.Data == nil && len(res.Errors) > 0 && noPath(res.Errors) {
		// Errors before execution: variables that do not fit their types.
		status = http.StatusBadRequest
	} else if res.Data == nil {
		// A non-null root field failed: data is null, not absent.
		resp.Data = json.RawMessage("null")
	}
	s.logger.DebugContext(ctx, "graphql",
		"op", op.Operation, "name", opName(op), "depth", m.depth, "cost", m.cost,
		"errors", len(resp.Errors), "took", time.Since(start))
	return resp, status
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

// serveGraphQL serves the GraphQL endpoint following GraphQL over HTTP:
// POST with a JSON or application/graphql body, GET with the request in
// the URL for queries only.
func (s *Schema) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && isWebSocket(r) {
		s.serveWebSocket(w, r)
		return
	}
	var req Request
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		var err error
		if req, err = requestFromURL(r); err != nil {
			s.writeJSON(w, http.StatusBadRequest, requestError(codeBadInput, "%s", err))
			return
		}
	case http.MethodPost:
		var status int
		var err error
		if req, status, err = s.requestFromBody(w, r); err != nil {
			s.writeJSON(w, status, requestError(codeBadInput, "%s", err))
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		s.writeJSON(w, http.StatusMethodNotAllowed, requestError(codeBadInput, "method %s not allowed: use GET or POST", r.Method))
		return
	}
	resp, status := s.do(r.Context(), req, r.Method == http.MethodPost)
	if status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", "POST")
	}
	s.writeJSON(w, status, resp)
}

// requestFromURL reads a request from query, variables and operationName
// in the URL.
func requestFromURL(r *http.Request) (Request, error) {
	q := r.URL.Query()
	req := Request{Query: q.Get("query"), OperationName: q.Get("operationName")}
	if v := q.Get("variables"); v != "" {
		if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
			return req, errors.New("variables: not a JSON object")
		}
	}
	return req, nil
}

// requestFromBody reads a POST body of at most Limits.Body bytes: JSON
// {query, variables, operationName}, or the query alone as
// application/graphql. It returns the status an error calls for.
func (s *Schema) requestFromBody(w http.ResponseWriter, r *http.Request) (Request, int, error) {
	var req Request
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mediaType != "application/json" && mediaType != "application/graphql") {
		return req, http.StatusUnsupportedMediaType, errors.New("Content-Type must be application/json or application/graphql")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.limits.Body))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return req, http.StatusRequestEntityTooLarge, fmt.Errorf("request body larger than %d bytes", s.limits.Body)
		}
		return req, http.StatusBadRequest, errors.New("cannot read request body")
	}
	if err := checkBodyUTF8(body, mediaType == "application/graphql"); err != nil {
		return req, http.StatusBadRequest, err
	}
	if mediaType == "application/graphql" {
		req, err = requestFromURL(r)
		req.Query = string(body)
		return req, http.StatusBadRequest, err
	}
	var raw struct {
		Query         *string         `json:"query"`
		Variables     json.RawMessage `json:"variables"`
		OperationName *string         `json:"operationName"`
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
	return req, http.StatusOK, nil
}

// writeJSON writes v as the JSON response with status.
func (s *Schema) writeJSON(w http.ResponseWriter, status int, v any) {
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
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
