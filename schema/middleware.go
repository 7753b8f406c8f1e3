package schema

import (
	"context"
	"log/slog"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/graphql-go/graphql/language/ast"
)

// The handler around the routes, outermost first:
//
//	observe          the access log line and the HTTP metrics of each request
//	cors             preflights, and headers for the origins allowed (cors.go)
//	authenticate     the bearer token, and what each endpoint needs (access.go)
//	routes           /graphql, /events, /export, the pages, and /healthz,
//	                 /readyz and /metrics (health.go, metrics.go)
//
// A GraphQL operation is measured and admitted in do, where it is known:
// begin, admit, end.

// handler wraps the routes of mux in the middleware above, adding the
// operational endpoints.
func (s *Schema) handler(mux *http.ServeMux) http.Handler {
	mux.HandleFunc("GET /healthz", s.serveHealth)
	mux.HandleFunc("GET /readyz", s.serveReady)
	mux.Handle("GET /metrics", s.metrics.handler())
	return s.observe(s.cors(s.authenticate(mux)))
}

// observe gives each request its caller and the page limit, and when it
// is done logs it and counts it. It passes its own *http.Request down so
// that the route the mux matched (r.Pattern) is known afterwards.
func (s *Schema) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		c := &caller{ws: isWebSocket(r), remote: r.RemoteAddr}
		ctx := context.WithValue(r.Context(), callerKey{}, c)
		r = r.WithContext(withPageLimit(ctx, s.limits.First))
		sw := &statusWriter{ResponseWriter: w, caller: c, metrics: s.metrics}
		next.ServeHTTP(sw, r)
		if sw.upgraded {
			s.metrics.wsConns.Dec()
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		took := time.Since(start)
		route := r.Pattern
		streaming := sw.upgraded || route == "GET /events"
		s.metrics.request(route, r.Method, status, took, streaming)

		lvl := slog.LevelInfo
		switch route {
		case "GET /healthz", "GET /readyz", "GET /metrics":
			lvl = slog.LevelDebug // probes and scrapes, every few seconds
		}
		if !s.logger.Enabled(ctx, lvl) {
			return
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", logPath(r)),
			slog.Int("status", status),
			slog.Duration("took", took),
			slog.Int64("bytes", sw.bytes),
			slog.String("remote", r.RemoteAddr),
		}
		if op, name := c.operation(); op != "" {
			attrs = append(attrs, slog.String("op", op))
			if name != "" {
				attrs = append(attrs, slog.String("name", name))
			}
		}
		s.logger.LogAttrs(ctx, lvl, "http", attrs...)
	})
}

// logPath is the request's path, without the query string, which may
// hold a GraphQL document, and cut to a sensible length.
func logPath(r *http.Request) string {
	p := r.URL.Path
	if len(p) > 200 {
		p = p[:200]
		for !utf8.ValidString(p) {
			p = p[:len(p)-1]
		}
		p += "…"
	}
	return p
}

// statusWriter notes the status and the bytes of a response. A refusal
// decided after the status was chosen elsewhere (admit, inside do) gets
// its WWW-Authenticate header here, as the status is written.
type statusWriter struct {
	http.ResponseWriter
	caller   *caller
	metrics  *metrics
	status   int
	bytes    int64
	upgraded bool // 101: a WebSocket, counted while it lives
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
		if code == http.StatusSwitchingProtocols {
			w.upgraded = true
			w.metrics.wsConns.Inc()
		}
		if code == http.StatusUnauthorized || code == http.StatusForbidden {
			w.caller.mu.Lock()
			challenge := w.caller.challenge
			w.caller.mu.Unlock()
			if h := w.Header(); challenge != "" && h.Get("WWW-Authenticate") == "" {
				h.Set("WWW-Authenticate", challenge)
			}
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController and the WebSocket library reach
// the connection's flusher, deadlines and hijacker.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush and FlushError pass on a flush, for code that asks for
// http.Flusher itself.
func (w *statusWriter) Flush() { w.FlushError() }

func (w *statusWriter) FlushError() error {
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// MaxPageSize is the most Limits.First may be.
const MaxPageSize = 10_000

// The largest page of a connection is a limit of the server, read by the
// resolvers from the context.
type pageLimitKey struct{}

func withPageLimit(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, pageLimitKey{}, n)
}

// pageLimit is the largest page a connection may serve in ctx.
func pageLimit(ctx context.Context) int {
	if n, ok := ctx.Value(pageLimitKey{}).(int); ok && n > 0 {
		return n
	}
	return maxFirst
}

// opCall is one GraphQL operation that do runs, for the metrics.
type opCall struct {
	s     *Schema
	start time.Time
	op    string // query, mutation or subscription, once known
	name  string
}

// begin starts measuring an operation; it gives an in-process call the
// server's page limit.
func (s *Schema) begin(ctx context.Context) (context.Context, *opCall) {
	if _, ok := ctx.Value(pageLimitKey{}).(int); !ok {
		ctx = withPageLimit(ctx, s.limits.First)
	}
	return ctx, &opCall{s: s, start: time.Now()}
}

// admit records the operation do is about to run, and lets it run or
// not (Schema.admit).
func (c *opCall) admit(ctx context.Context, op *ast.OperationDefinition) (Response, int, bool) {
	c.op, c.name = string(op.Operation), opName(op)
	return c.s.admit(ctx, op)
}

// end counts the operation with its status and errors.
func (c *opCall) end(resp Response, status int) {
	c.s.metrics.operation(c.op, c.name, status, time.Since(c.start), resp.Errors)
}
