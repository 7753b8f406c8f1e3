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
)

// Server-sent events, for clients that want the live feed without a
// WebSocket: GET /events with the filter arguments of printingAdded as URL
// parameters streams one event per printing stored, of a new statement or
// of one printed before,
//
//	event: quote
//	id: <the statement's id>
//	data: {"id":…,"text":…,"kind":…,"confidence":…,"published":…,"cue":…,
//	       "speaker":{"id","name"},"venue":{"id","name","kind"},
//	       "article":{"id","title","url","outlet","published"},
//	       "newStatement":true|false,
//	       "printing":{"text","kind","cue","published","speakerName",
//	                   "speaker","venue","article","match","similarity",
//	                   "fidelity","misquote"}}
//
// where the statement's fields are those of its first printing and
// "printing" is this article's; newStatement is false for a known
// statement printed again. Where events were lost because the client read
// slower than they came, an event
//
//	event: lost
//	data: {"message":…,"extensions":{"code":"EVENTS_LOST","lost":N}}
//
// stands in their place. With query (and variables, operationName,
// extensions) holding a subscription, each result is a "next" event,
// {"data":…} (a lost notice: {"data":null,"errors":[…]}), and "complete"
// ends the stream. A comment line keeps the connection open every 15
// seconds. A request that cannot start is answered with a GraphQL error
// in JSON: 400, or 503 over Limits.Subscriptions; a subscription that
// fails later ends with an "error" event holding the errors. When the
// server shuts down, a stream ends with a "shutdown" event; EventSource
// reconnects.

// sseKeepAlive is how often an idle stream gets a comment line.
const sseKeepAlive = 15 * time.Second

// eventsQuery is the subscription GET /events runs without a query.
const eventsQuery = `subscription Events($speaker: String, $speakerId: ID, $venue: String, $venueId: ID,
	$outlet: String, $outletId: ID, $kind: [String!], $cueKind: [String!], $minConfidence: Float, $search: String) {
  printingAdded(speaker: $speaker, speakerId: $speakerId, venue: $venue, venueId: $venueId,
      outlet: $outlet, outletId: $outletId, kind: $kind, cueKind: $cueKind, minConfidence: $minConfidence, search: $search) {
    quote {
      id text kind confidence published cue cueKind
      speaker { id name }
      venue { id name kind }
      article { id title url outlet published }
    }
    newStatement
    printing {
      text kind cue cueKind published speakerName
      speaker { id name }
      venue { id name kind }
      article { id title url outlet published }
      match similarity fidelity misquote
    }
  }
}`

func (s *Schema) serveEvents(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// refuse answers a request that did not start, counting its operation
	// (none, when it did not get as far as one).
	refuse := func(op Operation, code int, resp Response) {
		s.countOperation(r.Context(), op, code, time.Since(start), resp.Errors)
		s.writeJSON(w, code, resp)
	}
	q := r.URL.Query()
	req, err := requestFromURL(r)
	if err != nil {
		refuse(Operation{Transport: transportEvents}, http.StatusBadRequest, requestError(codeBadRequest, "%s", err))
		return
	}
	custom := req.Query != "" || req.Extensions != nil
	if !custom {
		req.Query = eventsQuery
		req.Variables = map[string]any{}
		for _, name := range []string{"speaker", "speakerId", "venue", "venueId", "outlet", "outletId", "search"} {
			if v := q.Get(name); v != "" {
				req.Variables[name] = v
			}
		}
		for _, name := range []string{"kind", "cueKind"} {
			var kinds []any
			for _, k := range q[name] {
				for _, k := range strings.Split(k, ",") {
					if k = strings.TrimSpace(k); k != "" {
						kinds = append(kinds, k)
					}
				}
			}
			if kinds != nil {
				req.Variables[name] = kinds
			}
		}
		if v := q.Get("minConfidence"); v != "" {
			c, err := strconv.ParseFloat(v, 64)
			if err != nil {
				refuse(Operation{Transport: transportEvents}, http.StatusBadRequest, requestError(codeBadInput, "minConfidence: not a number: %q", v))
				return
			}
			req.Variables["minConfidence"] = c
		}
	}
	if !custom {
		if _, err := liveFilterOf(req.Variables); err != nil {
			refuse(Operation{Transport: transportEvents}, http.StatusBadRequest, s.errorResponse(r.Context(), err))
			return
		}
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	results, op, bad := s.subscribe(ctx, req, transportEvents)
	if bad != nil {
		if bad.Errors[0].code() == codeSubscriptionLimit {
			w.Header().Set("Retry-After", "30")
		}
		refuse(op, status(*bad, false), *bad)
		return
	}
	s.countOperation(r.Context(), op, http.StatusOK, time.Since(start), nil)
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
		if !custom && len(resp.Errors) > 0 && resp.Errors[0].code() == codeEventsLost {
			b, _ := json.Marshal(resp.Errors[0])
			fmt.Fprintf(&buf, "event: lost\ndata: %s\n\n", b)
		} else if custom {
			b, err := json.Marshal(resp)
			if err != nil {
				return err
			}
			fmt.Fprintf(&buf, "event: next\ndata: %s\n\n", b)
		} else {
			var body struct {
				PrintingAdded struct {
					Quote        json.RawMessage `json:"quote"`
					NewStatement bool            `json:"newStatement"`
					Printing     json.RawMessage `json:"printing"`
				} `json:"printingAdded"`
			}
			raw, _ := resp.Data.(json.RawMessage)
			ev := &body.PrintingAdded
			if err := json.Unmarshal(raw, &body); err != nil || len(ev.Quote) < 2 || ev.Quote[len(ev.Quote)-1] != '}' {
				return fmt.Errorf("event without a printing: %s", raw)
			}
			var id struct{ ID string }
			json.Unmarshal(ev.Quote, &id)
			// The statement's fields, then newStatement and the printing.
			fmt.Fprintf(&buf, "event: quote\nid: %s\ndata: %s,\"newStatement\":%t,\"printing\":%s}\n\n",
				id.ID, bytes.TrimSpace(ev.Quote[:len(ev.Quote)-1]), ev.NewStatement, ev.Printing)
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
