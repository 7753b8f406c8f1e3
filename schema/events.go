package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
)

// Server-sent events, for clients that want the live feed without a
// WebSocket: GET /events with the filter arguments of quoteAdded as URL
// parameters streams one event per new quotation,
//
//	event: quote
//	id: <the quotation's id>
//	data: {"id":…,"text":…,"kind":…,"confidence":…,"published":…,"cue":…,
//	       "speaker":{"id","name"},"venue":{"id","name","kind"},
//	       "article":{"id","title","url","outlet","published"}}
//
// or, with query (and variables, operationName) holding a subscription,
// one "next" event per result, {"data":…}, and "complete" at the end. A
// comment line keeps the connection open every 15 seconds. A request
// that cannot start is answered 400 with a GraphQL error in JSON; a
// subscription that fails later ends with an "error" event holding the
// errors. When the server shuts down, a stream ends with a "shutdown"
// event; EventSource reconnects.

// sseKeepAlive is how often an idle stream gets a comment line.
const sseKeepAlive = 15 * time.Second

// eventsQuery is the subscription GET /events runs without a query.
const eventsQuery = `subscription Events($speaker: String, $speakerId: ID, $venue: String, $venueId: ID,
	$outlet: String, $outletId: ID, $kind: [String!], $minConfidence: Float, $search: String) {
  quoteAdded(speaker: $speaker, speakerId: $speakerId, venue: $venue, venueId: $venueId,
      outlet: $outlet, outletId: $outletId, kind: $kind, minConfidence: $minConfidence, search: $search) {
    id text kind confidence published cue
    speaker { id name }
    venue { id name kind }
    article { id title url outlet published }
  }
}`

func (s *Schema) serveEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := Request{Query: q.Get("query"), OperationName: q.Get("operationName")}
	custom := req.Query != ""
	if custom {
		if v := q.Get("variables"); v != "" {
			if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
				s.writeJSON(w, http.StatusBadRequest, requestError(codeBadInput, "variables: not a JSON object"))
				return
			}
		}
	} else {
		req.Query = eventsQuery
		req.Variables = map[string]any{}
		for _, name := range []string{"speaker", "speakerId", "venue", "venueId", "outlet", "outletId", "search"} {
			if v := q.Get(name); v != "" {
				req.Variables[name] = v
			}
		}
		var kinds []any
		for _, k := range q["kind"] {
			for _, k := range strings.Split(k, ",") {
				if k = strings.TrimSpace(k); k != "" {
					kinds = append(kinds, k)
				}
			}
		}
		if kinds != nil {
			req.Variables["kind"] = kinds
		}
		if v := q.Get("minConfidence"); v != "" {
			c, err := strconv.ParseFloat(v, 64)
			if err != nil {
				s.writeJSON(w, http.StatusBadRequest, requestError(codeBadInput, "minConfidence: not a number: %q", v))
				return
			}
			req.Variables["minConfidence"] = c
		}
	}
	_, op, bad := s.prepare(req)
	if bad == nil && op.Operation != ast.OperationTypeSubscription {
		r := requestError(codeBadInput, "query: not a subscription")
		bad = &r
	}
	if bad == nil && !custom {
		if _, err := liveFilterOf(req.Variables); err != nil {
			r := Response{Errors: []gqlerrors.FormattedError{formatted(clientErr(r.Context(), s.logger, "events", err))}}
			bad = &r
		}
	}
	if bad != nil {
		s.writeJSON(w, http.StatusBadRequest, *bad)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	results := s.Subscribe(ctx, req)
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": graphd live feed\nretry: 3000\n\n")
	rc.Flush()
	write := func(resp Response) error {
		var buf bytes.Buffer
		if resp.Data == nil {
			b, _ := json.Marshal(nonNil(resp.Errors))
			fmt.Fprintf(&buf, "event: error\ndata: %s\n\n", b)
			w.Write(buf.Bytes())
			rc.Flush()
			return errors.New("subscription failed")
		}
		if custom {
			b, err := json.Marshal(resp)
			if err != nil {
				return err
			}
			fmt.Fprintf(&buf, "event: next\ndata: %s\n\n", b)
		} else {
			var body struct {
				QuoteAdded json.RawMessage `json:"quoteAdded"`
			}
			raw, _ := resp.Data.(json.RawMessage)
			if err := json.Unmarshal(raw, &body); err != nil || len(body.QuoteAdded) == 0 {
				return fmt.Errorf("event without a quotation: %s", raw)
			}
			var id struct{ ID string }
			json.Unmarshal(body.QuoteAdded, &id)
			fmt.Fprintf(&buf, "event: quote\nid: %s\ndata: %s\n\n", id.ID, body.QuoteAdded)
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
		return rc.Flush()
	}
	tick := time.NewTicker(sseKeepAlive)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.shutdown:
			fmt.Fprint(w, "event: shutdown\ndata: \n\n")
			rc.Flush()
			return
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		case resp, ok := <-results:
			if !ok {
				if custom {
					fmt.Fprint(w, "event: complete\ndata: \n\n")
					rc.Flush()
				}
				return
			}
			if err := write(resp); err != nil {
				s.logger.Debug("events", "err", err)
				return
			}
		}
	}
}
