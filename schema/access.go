package schema

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/graphql-go/graphql/language/ast"
)

// Access control. A server given a write token (WithAccess) runs a
// mutation, or any request of another method than GET, HEAD or OPTIONS
// outside /graphql, only for a request that carries the token:
//
//	Authorization: Bearer <token>
//
// Given a read token as well, it answers reads (queries, subscriptions,
// /events, /export, /metrics) only to requests that carry the read token
// or the write token. Pages, their assets, /healthz and /readyz stay open.
// Over WebSocket the token comes in the upgrade request's Authorization
// header, or in connection_init's payload, {"Authorization": "Bearer …"},
// since browsers cannot set headers on a WebSocket; a connection refused
// there is closed with 4403.
//
// A request without the token it needs is answered 401 with a GraphQL
// error coded UNAUTHENTICATED and a WWW-Authenticate header; one with the
// read token where the write token is needed, 403 coded FORBIDDEN; one
// with a token that is neither, 401. Refusals are logged, never with the
// token. Tokens are compared as SHA-256 sums in constant time.
//
// GraphQL operations, on every transport (GET and POST /graphql, a
// WebSocket, /events), are decided one by one by the Authorize function
// (WithAuthorize), which prepare asks once an operation is valid and
// before it runs: with tokens, that function is the check of the tokens
// (authorizer), followed by the one WithAuthorize gave, if any. A
// WebSocket is also refused at connection_init (admitConnection), and the
// other endpoints as the request comes in (authenticate). What runs in
// process through Schema.Do or Subscribe, with no HTTP request behind it,
// is trusted.

// Access is who may write and who may read.
type Access struct {
	// WriteToken, when set, is the bearer token that mutations and write
	// endpoints need. Empty: anyone may write.
	WriteToken string
	// ReadToken, when set, is a bearer token that reads need; the write
	// token reads too. Empty: anyone may read. A read token without a
	// write token is needed for writes as well.
	ReadToken string
}

// WithAccess sets the tokens requests over HTTP need.
func WithAccess(a Access) Option {
	return func(s *Schema) {
		s.access = accessControl{}
		if a.WriteToken != "" {
			s.access.write, s.access.hasWrite = sha256.Sum256([]byte(a.WriteToken)), true
		}
		if a.ReadToken != "" {
			s.access.read, s.access.hasRead = sha256.Sum256([]byte(a.ReadToken)), true
		}
	}
}

// level is what a request's token lets it do.
type level int32

const (
	levelNone level = iota
	levelRead
	levelWrite
)

// accessControl holds the sums of the tokens.
type accessControl struct {
	write, read       [sha256.Size]byte
	hasWrite, hasRead bool
}

func (a *accessControl) on() bool { return a.hasWrite || a.hasRead }

// level compares token with both tokens, always both, in constant time.
func (a *accessControl) level(token string) level {
	sum := sha256.Sum256([]byte(token))
	w := subtle.ConstantTimeCompare(sum[:], a.write[:]) & boolInt(a.hasWrite)
	r := subtle.ConstantTimeCompare(sum[:], a.read[:]) & boolInt(a.hasRead)
	switch {
	case w == 1:
		return levelWrite
	case r == 1:
		return levelRead
	}
	return levelNone
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// allows reports whether a request whose token proved have may do what
// needs need.
func (a *accessControl) allows(have, need level) bool {
	switch need {
	case levelWrite:
		switch {
		case a.hasWrite:
			return have >= levelWrite
		case a.hasRead:
			return have >= levelRead
		}
	case levelRead:
		return !a.hasRead || have >= levelRead
	}
	return true
}

// refusal is why a request was refused. As an error, an Authorize
// function's, it says message and wraps ErrUnauthenticated or
// ErrForbidden.
type refusal struct {
	sentinel  error // ErrUnauthenticated or ErrForbidden
	message   string
	challenge string // the WWW-Authenticate header
	reason    string // for the log
}

func (r *refusal) Error() string { return r.message }
func (r *refusal) Unwrap() error { return r.sentinel }

func (a *accessControl) refusal(have, need level, invalid bool) *refusal {
	switch {
	case invalid:
		return &refusal{ErrUnauthenticated, "invalid token",
			`Bearer realm="graphd", error="invalid_token"`, "token matches no token of the server"}
	case have == levelRead && need == levelWrite:
		return &refusal{ErrForbidden, "the read token cannot write: send the write token",
			`Bearer realm="graphd", error="insufficient_scope"`, "read token for a write"}
	}
	what := "reading"
	if need == levelWrite {
		what = "writing"
	}
	return &refusal{ErrUnauthenticated, what + " needs a token: send it as Authorization: Bearer <token>",
		`Bearer realm="graphd"`, "no token"}
}

// caller is what the HTTP layer knows of a request: the access its token
// proved and, for the access log, the GraphQL operation it ran. It lives
// in the request's context; a context without one is an in-process call.
type caller struct {
	have    atomic.Int32 // a level
	invalid atomic.Bool  // the request's token is none of the server's
	ws      bool         // a WebSocket, which runs many operations
	remote  string       // the client's address, for the log

	mu        sync.Mutex
	op, name  string // the GraphQL operation
	challenge string // WWW-Authenticate of a refusal
}

type callerKey struct{}

func callerFrom(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	return c
}

func (c *caller) level() level { return level(c.have.Load()) }

// raise records a level a token proved.
func (c *caller) raise(l level) {
	for {
		old := c.have.Load()
		if level(old) >= l || c.have.CompareAndSwap(old, int32(l)) {
			return
		}
	}
}

func (c *caller) operation() (op, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.op, c.name
}

// setOperation names the GraphQL operation of the request for the access
// log; a WebSocket's operations are not named there.
func (c *caller) setOperation(op Operation) {
	if c.ws {
		return
	}
	c.mu.Lock()
	c.op, c.name = op.Type, op.Name
	c.mu.Unlock()
}

// bearer returns the token of an Authorization header of the Bearer
// scheme.
func bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// authenticate reads the bearer token of a request into its caller. The
// GraphQL endpoints, /graphql and /events, are left to the Authorize
// function, operation by operation (authorizer), and a WebSocket to
// connection_init (admitConnection); any other request is refused here
// when its token is none of the server's, or when the endpoint needs
// more than the token proved.
func (s *Schema) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		if !s.access.on() || c == nil {
			next.ServeHTTP(w, r)
			return
		}
		if token, ok := bearer(r.Header.Get("Authorization")); ok {
			if l := s.access.level(token); l == levelNone {
				c.invalid.Store(true)
			} else {
				c.raise(l)
			}
		}
		switch r.URL.Path {
		case "/graphql", "/events":
			next.ServeHTTP(w, r)
			return
		}
		if c.invalid.Load() {
			s.refuse(w, r, s.access.refusal(levelNone, levelRead, true))
			return
		}
		if need := endpointNeeds(r); !s.access.allows(c.level(), need) {
			s.refuse(w, r, s.access.refusal(c.level(), need, false))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// endpointNeeds is the access a request to an endpoint other than the
// GraphQL ones needs: reads for exports and metrics; writes for the
// store's check, which only reads but is the operator's, and for any
// request that is not a GET, HEAD or OPTIONS (POST /ingest among them);
// nothing for pages, assets and probes.
func endpointNeeds(r *http.Request) level {
	switch r.URL.Path {
	case "/export", "/metrics":
		return levelRead
	case "/check":
		return levelWrite
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return levelNone
	}
	return levelWrite
}

// refuse answers a refused request and logs it.
func (s *Schema) refuse(w http.ResponseWriter, r *http.Request, why *refusal) {
	s.logger.WarnContext(r.Context(), "access refused", "reason", why.reason,
		"method", r.Method, "path", logPath(r), "remote", r.RemoteAddr)
	w.Header().Set("WWW-Authenticate", why.challenge)
	if r.ContentLength != 0 {
		// A body left unread (a stream, perhaps endless) is not read
		// to its end to keep the connection: it is closed.
		w.Header().Set("Connection", "close")
	}
	code, status := codeUnauthenticated, http.StatusUnauthorized
	if errors.Is(why, ErrForbidden) {
		code, status = codeForbidden, http.StatusForbidden
	}
	s.writeJSON(w, status, requestError(code, "%s", why.message))
}

// authorizer returns the Authorize function of a server with tokens: an
// operation that comes over HTTP needs the read token when the server has
// one, a mutation the write token, and a token that is none of the
// server's is refused. next, the function WithAuthorize gave (or nil), is
// asked then about the operations the tokens let through, and about those
// that run in process.
func (s *Schema) authorizer(next func(context.Context, Operation) error) func(context.Context, Operation) error {
	return func(ctx context.Context, op Operation) error {
		if c := callerFrom(ctx); c != nil { // nil: in process, trusted
			if err := s.checkToken(ctx, c, op); err != nil {
				return err
			}
		}
		if next != nil {
			return next(ctx, op)
		}
		return nil
	}
}

// checkToken decides whether op may run for the request c: a mutation
// needs the write token, a query or subscription the read token when the
// server has one. A refusal is logged, and its WWW-Authenticate challenge
// left with c for the response (statusWriter).
func (s *Schema) checkToken(ctx context.Context, c *caller, op Operation) error {
	need := levelRead
	if op.Type == ast.OperationTypeMutation {
		need = levelWrite
	}
	have, invalid := c.level(), c.invalid.Load()
	if !invalid && s.access.allows(have, need) {
		return nil
	}
	why := s.access.refusal(have, need, invalid)
	c.mu.Lock()
	c.challenge = why.challenge
	c.mu.Unlock()
	s.logger.WarnContext(ctx, "access refused", "reason", why.reason, "op", op.Type, "name", op.Name,
		"transport", op.Transport, "remote", c.remote)
	return why
}

// admitConnection decides at connection_init whether a WebSocket may go
// on: a token in the payload, {"Authorization": "Bearer …"}, counts as if
// it came in the upgrade request. It refuses a token that is none of the
// server's, and a connection without the read token a server with one
// needs.
func (s *Schema) admitConnection(ctx context.Context, payload json.RawMessage) bool {
	c := callerFrom(ctx)
	if c == nil || !s.access.on() {
		return true
	}
	if c.invalid.Load() {
		s.logger.WarnContext(ctx, "access refused", "reason", "token of the upgrade request matches no token of the server", "remote", c.remote)
		return false
	}
	var fields map[string]any
	if len(payload) > 0 && json.Unmarshal(payload, &fields) == nil {
		for k, v := range fields {
			str, isStr := v.(string)
			if !strings.EqualFold(k, "Authorization") || !isStr {
				continue
			}
			token, ok := bearer(str)
			if !ok {
				continue
			}
			l := s.access.level(token)
			if l == levelNone {
				s.logger.WarnContext(ctx, "access refused", "reason", "token in connection_init matches no token of the server", "remote", c.remote)
				return false
			}
			c.raise(l)
		}
	}
	if !s.access.allows(c.level(), levelRead) {
		s.logger.WarnContext(ctx, "access refused", "reason", "WebSocket without the read token", "remote", c.remote)
		return false
	}
	return true
}
