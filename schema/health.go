package schema

import (
	"context"
	"net/http"
	"time"

	"github.com/graphql-go/graphql"
)

// Health, readiness and version, for orchestrators and operators:
//
//	GET /healthz   200 {"status":"ok","version":…,"commit":…} while the process answers
//	GET /readyz    200 {"status":"ready",…} when the store answers a read;
//	               503 {"status":"shutting down"|"store unavailable",…} otherwise
//
// Neither needs a token, and neither tells anything of the data.

// readyTimeout bounds the read /readyz makes.
const readyTimeout = 2 * time.Second

// Build is the version of the program serving the schema.
type Build struct {
	Version string // the module version, or "devel"
	Commit  string // the VCS revision, or ""
}

// WithBuild sets the version /healthz, /metrics and the version query
// field report.
func WithBuild(b Build) Option {
	return func(s *Schema) { s.buildInfo = b }
}

type healthReply struct {
	Status  string `json:"status"`
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
}

func (s *Schema) serveHealth(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, healthReply{Status: "ok", Version: s.buildInfo.Version, Commit: s.buildInfo.Commit})
}

func (s *Schema) serveReady(w http.ResponseWriter, r *http.Request) {
	reply := healthReply{Status: "ready", Version: s.buildInfo.Version, Commit: s.buildInfo.Commit}
	select {
	case <-s.shutdown:
		reply.Status = "shutting down"
		s.writeJSON(w, http.StatusServiceUnavailable, reply)
		return
	default:
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.logger.WarnContext(ctx, "not ready", "err", err)
		reply.Status = "store unavailable"
		s.writeJSON(w, http.StatusServiceUnavailable, reply)
		return
	}
	s.writeJSON(w, http.StatusOK, reply)
}

// versionField is Query.version.
func (s *Schema) versionField() *graphql.Field {
	return &graphql.Field{
		Type:        graphql.NewNonNull(graphql.String),
		Description: "The version of graphd answering: a module version (v1.2.3), a pseudo-version, or devel for a build that was not stamped. GET /healthz also gives its commit.",
		Resolve: func(graphql.ResolveParams) (any, error) {
			return s.buildInfo.Version, nil
		},
	}
}
