package schema

import (
	"net/http"
	"strings"
)

// Cross-origin requests. Browsers let a page of another origin call
// /graphql, /events and /export only when the server says so: for the
// origins WithCORS names, exactly (scheme, host and port), a preflight
// (OPTIONS with Access-Control-Request-Method) is answered 204 with the
// methods and headers allowed, Authorization among them, and responses
// carry Access-Control-Allow-Origin; WebSocket connections from them are
// accepted. A preflight from any other origin is answered 403 without
// CORS headers, and its requests get none, so the browser keeps the
// response from the page. Other paths get no CORS headers at all.

// corsPaths are the paths other origins may be allowed to call.
var corsPaths = map[string]bool{"/graphql": true, "/events": true, "/export": true}

const (
	corsMethods = "GET, POST, OPTIONS"
	corsHeaders = "Authorization, Content-Type, Accept"
	corsMaxAge  = "600"
)

// WithCORS allows pages of the given origins ("https://dash.example.org")
// to call the GraphQL endpoint, the live feed and exports.
func WithCORS(origins ...string) Option {
	return func(s *Schema) {
		s.origins = map[string]bool{}
		for _, o := range origins {
			s.origins[strings.TrimSuffix(o, "/")] = true
		}
	}
}

// originAllowed reports whether origin is one of those WithCORS named.
func (s *Schema) originAllowed(origin string) bool {
	return origin != "" && s.origins[origin]
}

func (s *Schema) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !corsPaths[r.URL.Path] {
			next.ServeHTTP(w, r)
			return
		}
		origin := r.Header.Get("Origin")
		h := w.Header()
		h.Add("Vary", "Origin")
		preflight := r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != ""
		if preflight {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			if !s.originAllowed(origin) {
				s.logger.DebugContext(r.Context(), "cors preflight refused", "origin", origin, "path", r.URL.Path)
				s.writeJSON(w, http.StatusForbidden, requestError(codeForbidden, "origin %.100q is not allowed", origin))
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", corsHeaders)
			h.Set("Access-Control-Max-Age", corsMaxAge)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if s.originAllowed(origin) {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "WWW-Authenticate, Content-Disposition")
		}
		next.ServeHTTP(w, r)
	})
}
