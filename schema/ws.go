package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/graphql-go/graphql/language/ast"
)

// GraphQL over WebSocket, the graphql-transport-ws protocol of the
// graphql-ws library (github.com/enisdenjo/graphql-ws, PROTOCOL.md), at
// /graphql:
//
//	client                                server
//	connection_init {payload?}     →
//	                               ←      connection_ack
//	subscribe {id, payload: request} →
//	                               ←      next {id, payload: result} …
//	                               ←      complete {id}   (or error {id, payload: [errors]})
//	complete {id}                  →      (the client stops an operation)
//	ping / pong                    ↔      (either side; the server pings every 30 s)
//
// Messages are handled in order, and a subscription is live before the
// next message is read: once the server answers a ping sent after
// subscribe, everything stored from then on reaches the subscriber.
// Queries and mutations run once: next, then complete. The connection is
// closed with the protocol's codes: 4400 for a message that is not one,
// 4401 for subscribe before connection_ack, 4403 for a connection_init
// that access control refuses (access.go), 4406 without the subprotocol,
// 4408 without connection_init in 10 s, 4409 for an id in use, 4429 for
// a second connection_init; and with 1013 (try again later) when
// Limits.WebSockets connections are already open.
//
// Every operation is counted in the metrics as it ends (a subscription as
// it starts or is refused), with the status its response would have as
// application/graphql-response+json.
//
// An operation over Limits.SubscriptionsPerConnection on one connection,
// or a subscription over Limits.Subscriptions in all, gets the protocol's
// error message with the code SUBSCRIPTION_LIMIT; the connection lives
// on. A subscriber that reads slower than events come gets, where events
// were lost, a next message whose payload is {"data": null, "errors":
// [{"message": …, "extensions": {"code": "EVENTS_LOST", "lost": N}}]}; the
// subscription goes on.

// wsProtocol is the subprotocol graphd speaks.
const wsProtocol = "graphql-transport-ws"

// wsInitTimeout is how long a connection may go without connection_init.
var wsInitTimeout = 10 * time.Second

// Limits of a WebSocket connection.
const (
	wsPingInterval   = 30 * time.Second
	wsWriteTimeout   = 10 * time.Second
	wsCloseInvalid   = websocket.StatusCode(4400)
	wsCloseUnauth    = websocket.StatusCode(4401)
	wsCloseProtocol  = websocket.StatusCode(4406)
	wsCloseInitTime  = websocket.StatusCode(4408)
	wsCloseForbidden = websocket.StatusCode(4403)
	wsCloseDuplicate = websocket.StatusCode(4409)
	wsCloseTooMany   = websocket.StatusCode(4429)
)

// wsMessage is a message of the protocol.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// isWebSocket reports whether r asks to upgrade to a WebSocket.
func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// serveWebSocket runs one graphql-transport-ws connection. Cross-origin
// connections are refused, as browsers let any page open a WebSocket, but
// for the origins WithCORS allows.
func (s *Schema) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	// The server's read and write timeouts are for requests, not for
	// connections that live as long as a dashboard is open.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	n := s.webSockets.Add(1)
	defer s.webSockets.Add(-1)
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols:       []string{wsProtocol},
		InsecureSkipVerify: s.originAllowed(r.Header.Get("Origin")), // an origin WithCORS allows
	})
	if err != nil {
		s.logger.Debug("websocket accept", "err", err)
		return
	}
	if n > int64(s.limits.WebSockets) {
		s.logger.Warn("websocket refused: too many connections", "limit", s.limits.WebSockets)
		c.Close(websocket.StatusTryAgainLater, fmt.Sprintf("too many WebSocket connections: the server holds %d, its limit", s.limits.WebSockets))
		return
	}
	if c.Subprotocol() != wsProtocol {
		c.Close(wsCloseProtocol, "Subprotocol not acceptable")
		return
	}
	c.SetReadLimit(s.limits.Body)
	conn := &wsConn{s: s, c: c, ops: map[string]context.CancelFunc{}}
	conn.serve(r.Context())
}

type wsConn struct {
	s *Schema
	c *websocket.Conn

	mu      sync.Mutex
	acked   bool
	inits   int
	payload map[string]any                // of connection_init
	ops     map[string]context.CancelFunc // operations running, by id
	wg      sync.WaitGroup
}

type initPayloadKey struct{}

// InitPayload returns, in the context of an operation over a WebSocket
// (the context an Authorize function gets), the payload of the
// connection's connection_init message, where browsers, which cannot set
// headers on a WebSocket, put credentials; nil elsewhere.
func InitPayload(ctx context.Context) map[string]any {
	p, _ := ctx.Value(initPayloadKey{}).(map[string]any)
	return p
}

func (w *wsConn) serve(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		w.wg.Wait()
		w.c.CloseNow()
	}()
	// A server shutting down says so: 1001, going away.
	go func() {
		select {
		case <-w.s.shutdown:
			w.c.Close(websocket.StatusGoingAway, "server shutting down")
		case <-ctx.Done():
		}
	}()
	initTimer := time.AfterFunc(wsInitTimeout, func() {
		w.mu.Lock()
		acked := w.acked
		w.mu.Unlock()
		if !acked {
			w.c.Close(wsCloseInitTime, "Connection initialisation timeout")
		}
	})
	defer initTimer.Stop()
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		t := time.NewTicker(wsPingInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if w.send(ctx, wsMessage{Type: "ping"}) != nil {
					return
				}
			}
		}
	}()
	for {
		typ, data, err := w.c.Read(ctx)
		if err != nil {
			if cs := websocket.CloseStatus(err); cs == -1 && !errors.Is(err, context.Canceled) {
				w.s.logger.Debug("websocket read", "err", err)
			}
			return
		}
		var m wsMessage
		if typ != websocket.MessageText || json.Unmarshal(data, &m) != nil || m.Type == "" {
			w.c.Close(wsCloseInvalid, "Invalid message received")
			return
		}
		if !w.handle(ctx, m) {
			return
		}
	}
}

// handle acts on one message from the client; false ends the connection,
// which handle has closed.
func (w *wsConn) handle(ctx context.Context, m wsMessage) bool {
	switch m.Type {
	case "connection_init":
		var payload map[string]any
		json.Unmarshal(m.Payload, &payload) // optional, and any object
		w.mu.Lock()
		w.inits++
		first := w.inits == 1
		if first {
			w.payload = payload
		}
		w.acked = true
		w.mu.Unlock()
		if !first {
			w.c.Close(wsCloseTooMany, "Too many initialisation requests")
			return false
		}
		if !w.s.admitConnection(ctx, m.Payload) {
			w.c.Close(wsCloseForbidden, "Forbidden")
			return false
		}
		return w.send(ctx, wsMessage{Type: "connection_ack"}) == nil
	case "ping":
		return w.send(ctx, wsMessage{Type: "pong", Payload: m.Payload}) == nil
	case "pong":
		return true
	case "complete":
		w.mu.Lock()
		if cancel := w.ops[m.ID]; cancel != nil {
			cancel()
			delete(w.ops, m.ID)
		}
		w.mu.Unlock()
		return true
	case "subscribe":
		return w.subscribe(ctx, m)
	}
	w.c.Close(wsCloseInvalid, fmt.Sprintf("Invalid message received: unknown type %.40q", m.Type))
	return false
}

func (w *wsConn) subscribe(ctx context.Context, m wsMessage) bool {
	var req Request
	if m.ID == "" || json.Unmarshal(m.Payload, &req) != nil {
		w.c.Close(wsCloseInvalid, "Invalid message received")
		return false
	}
	start := time.Now()
	count := func(op Operation, resp Response) {
		w.s.countOperation(ctx, op, status(resp, false), time.Since(start), resp.Errors)
	}
	limit := w.s.limits.SubscriptionsPerConnection
	w.mu.Lock()
	switch {
	case !w.acked:
		w.mu.Unlock()
		w.c.Close(wsCloseUnauth, "Unauthorized")
		return false
	case w.ops[m.ID] != nil:
		w.mu.Unlock()
		w.c.Close(wsCloseDuplicate, fmt.Sprintf("Subscriber for %.40s already exists", m.ID))
		return false
	case len(w.ops) >= limit:
		w.mu.Unlock()
		resp := requestError(codeSubscriptionLimit, "more than %d operations on one connection", limit)
		count(Operation{Transport: transportWebSocket}, resp)
		errs, _ := json.Marshal(resp.Errors)
		return w.send(ctx, wsMessage{ID: m.ID, Type: "error", Payload: errs}) == nil
	case checkBodyUTF8(m.Payload, false) != nil: // as over HTTP
		w.mu.Unlock()
		errs, _ := json.Marshal(requestError(codeBadInput, "%s", checkBodyUTF8(m.Payload, false)).Errors)
		return w.send(ctx, wsMessage{ID: m.ID, Type: "error", Payload: errs}) == nil
	}
	opCtx, cancel := context.WithCancel(context.WithValue(ctx, initPayloadKey{}, w.payload))
	w.ops[m.ID] = cancel
	w.mu.Unlock()
	// The operation is prepared, and a subscription started, before the
	// next message is read, so that a client knows it is live once a
	// later message (a ping) is answered. Preparing is bounded by the
	// limits; a query or mutation runs under the same deadline.
	pctx, pcancel := context.WithTimeout(withMemo(opCtx), w.s.limits.Timeout)
	p, op, bad := w.s.prepare(pctx, req, transportWebSocket)
	var results <-chan Response
	if bad == nil && p.op.Operation == ast.OperationTypeSubscription {
		pcancel()
		if results, bad = w.s.start(opCtx, p); bad == nil {
			w.s.countOperation(ctx, op, http.StatusOK, time.Since(start), nil) // live
		}
	}
	if bad != nil {
		count(op, *bad)
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer cancel()
		defer pcancel()
		if bad != nil {
			results = single(*bad)
		} else if results == nil {
			resp := w.s.execute(pctx, p)
			count(op, resp)
			results = single(resp)
		}
		completed := w.run(opCtx, m.ID, results)
		w.mu.Lock()
		_, mine := w.ops[m.ID] // the client has not completed it
		delete(w.ops, m.ID)
		w.mu.Unlock()
		if mine && completed {
			w.send(ctx, wsMessage{ID: m.ID, Type: "complete"})
		}
	}()
	return true
}

// single is a closed channel of one response.
func single(r Response) <-chan Response {
	ch := make(chan Response, 1)
	ch <- r
	close(ch)
	return ch
}

// run sends the results of an operation; it reports whether the
// operation ended by completing, rather than with an error message.
func (w *wsConn) run(ctx context.Context, id string, results <-chan Response) bool {
	for resp := range results {
		if resp.Data == nil && len(resp.Errors) > 0 {
			// The operation did not run: the protocol's error message.
			errs, _ := json.Marshal(resp.Errors)
			w.send(ctx, wsMessage{ID: id, Type: "error", Payload: errs})
			return false
		}
		payload, err := json.Marshal(resp)
		if err != nil {
			w.s.logger.Error("encode subscription result", "err", err)
			continue
		}
		if w.send(ctx, wsMessage{ID: id, Type: "next", Payload: payload}) != nil {
			return false
		}
	}
	return ctx.Err() == nil
}

// send writes a message; the connection's writes are safe for concurrent
// use.
func (w *wsConn) send(ctx context.Context, m wsMessage) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, wsWriteTimeout)
	defer cancel()
	return w.c.Write(ctx, websocket.MessageText, b)
}
