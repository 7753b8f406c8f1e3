package schema

import (
	"context"
	"log/slog"
	"net/http"
	"time"
	"unicode/utf8"
)

// The handler around the routes, outermost first:
//
//	observe          the access log line and the HTTP metrics of each request
//	cors             preflights, and headers for the origins allowed (cors.go)
//	authenticate     the bearer token, and what each endpoint needs (access.go)
//	routes           /graphql, /events, /export, the pages, and /healthz,
//	                 /readyz and /metrics (health.go, metrics.go)
//
// A GraphQL operation is admitted by the Authorize function, which
// prepare asks on every transport (access.go), and counted where it is
// answered, with its final status (countOperation, metrics.go).

// handler wraps the routes of mux in the middleware above, adding the
// operational endpoints.
func (s *Schema) handler(mux *http.ServeMux) http.Handler {
	mux.HandleFunc("GET /healthz", s.serveHealth)
	mux.HandleFunc("GET /readyz", s.serveReady)
	mux.Handle("GET /metrics", s.metrics.handler())
	return s.observe(s.cors(s.authenticate(mux)))
}

// observe gives each request its caller, and when it is done logs it and
// counts it. It passes its own *http.Request down so
// that the route the mux matched (r.Pattern) is known afterwards.
func (s *Schema) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		c := &caller{ws: isWebSocket(r), remote: r.RemoteAddr}
		ctx := context.WithValue(r.Context(), callerKey{}, c)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w, caller: c}
		next.ServeHTTP(sw, r)
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

// statusWriter notes the status and the bytes of a response. An
// operation the tokens refused (checkToken, asked by prepare) gets its
// WWW-Authenticate header here, as its status is written.
type statusWriter struct {
	http.ResponseWriter
	caller   *caller
	status   int
	bytes    int64
	upgraded bool // 101: a WebSocket
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
		if code == http.StatusSwitchingProtocols {
			w.upgraded = true
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
