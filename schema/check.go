package schema

import (
	"errors"
	"net/http"
	"time"

	"github.com/graphd/graphd/graph"
)

// GET /check runs the store's consistency check (graph.Store.Check) on
// the running server, as `graphd check` does on a store no server holds,
// and answers what it found with what the store holds:
//
//	200 {"status":"ok","counts":{"articles":2,"statements":48,…},"took":"1.2s"}
//	500 {"status":"inconsistent","error":"check: store inconsistent: …","counts":{…}}
//
// The check reads the whole store in one snapshot, so writes may go on
// while it runs. It is the operator's: it needs the write token
// (endpointNeeds), and runs one at a time (409 while one runs).

// checkResult is the answer of GET /check.
type checkResult struct {
	Status string       `json:"status"` // ok, inconsistent, busy or unavailable
	Error  string       `json:"error,omitempty"`
	Counts *countsReply `json:"counts,omitempty"`
	Took   string       `json:"took,omitempty"`
}

// countsReply is what a store holds, in the words of the counts.
type countsReply struct {
	Articles   int `json:"articles"`
	Statements int `json:"statements"`
	Printings  int `json:"printings"`
	People     int `json:"people"`
	Names      int `json:"names"`
	Venues     int `json:"venues"`
	Outlets    int `json:"outlets"`
}

func countsJSON(c graph.Counts) *countsReply {
	return &countsReply{Articles: c.Articles, Statements: c.Quotes, Printings: c.Occurrences,
		People: c.Speakers, Names: c.Names, Venues: c.Venues, Outlets: c.Outlets}
}

func (s *Schema) serveCheck(w http.ResponseWriter, r *http.Request) {
	if !s.checking.TryLock() {
		s.writeJSON(w, http.StatusConflict, checkResult{Status: "busy", Error: "a check is running already; try again when it is done"})
		return
	}
	defer s.checking.Unlock()
	// A check of a large store takes longer than a response may.
	http.NewResponseController(w).SetWriteDeadline(time.Time{})
	ctx := r.Context()
	start := time.Now()
	err := s.store.Check(ctx)
	took := time.Since(start).Round(time.Millisecond)
	c, cerr := s.store.Counts(ctx)
	res := checkResult{Status: "ok", Took: took.String()}
	if cerr == nil {
		res.Counts = countsJSON(c)
	}
	switch {
	case err == nil && cerr == nil:
		s.logger.InfoContext(ctx, "check", "status", "ok", "took", took)
		s.writeJSON(w, http.StatusOK, res)
	case errors.Is(err, graph.ErrInconsistent):
		s.logger.ErrorContext(ctx, "check", "status", "inconsistent", "err", err)
		res.Status, res.Error = "inconsistent", err.Error()
		s.writeJSON(w, http.StatusInternalServerError, res)
	default:
		if err == nil {
			err = cerr
		}
		s.logger.WarnContext(ctx, "check did not finish", "err", err)
		res.Status, res.Error, res.Counts = "unavailable", "the check did not finish: the store did not answer", nil
		s.writeJSON(w, http.StatusServiceUnavailable, res)
	}
}
