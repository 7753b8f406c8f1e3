package schema

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/graphd/graphd/graph"
)

// wsClient speaks graphql-transport-ws to a test server.
type wsClient struct {
	t *testing.T
	c *websocket.Conn
}

func dialWS(t *testing.T, srv *httptest.Server, protocols ...string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if protocols == nil {
		protocols = []string{wsProtocol}
	}
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: protocols})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return &wsClient{t, c}
}

func (w *wsClient) send(m any) {
	w.t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.c.Write(w.t.Context(), websocket.MessageText, b); err != nil {
		w.t.Fatal(err)
	}
}

// read returns the next message, failing after 10 seconds.
func (w *wsClient) read() wsMessage {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.t.Context(), 10*time.Second)
	defer cancel()
	_, b, err := w.c.Read(ctx)
	if err != nil {
		w.t.Fatalf("read: %v", err)
	}
	var m wsMessage
	if err := json.Unmarshal(b, &m); err != nil {
		w.t.Fatalf("message %s: %v", b, err)
	}
	return m
}

// closed waits for the server to close the connection and returns the
// close code.
func (w *wsClient) closed() websocket.StatusCode {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.t.Context(), 10*time.Second)
	defer cancel()
	for {
		_, _, err := w.c.Read(ctx)
		if err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

func (w *wsClient) init() {
	w.t.Helper()
	w.send(map[string]any{"type": "connection_init", "payload": map[string]any{}})
	if m := w.read(); m.Type != "connection_ack" {
		w.t.Fatalf("after connection_init: %+v", m)
	}
}

func (w *wsClient) subscribe(id, query string) {
	w.t.Helper()
	w.send(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query}})
}

// subscribeAndWait subscribes and waits until the subscription is live:
// the server answers messages in order, a subscription live before the
// next is read, so a pong after it says so.
func (w *wsClient) subscribeAndWait(id, query string) {
	w.t.Helper()
	w.subscribe(id, query)
	w.send(map[string]any{"type": "ping"})
	if m := w.read(); m.Type != "pong" {
		w.t.Fatalf("after subscribe and ping: %+v", m)
	}
}

type quoteEvent struct {
	QuoteAdded struct {
		Text    string
		Speaker struct{ Name string }
		Article struct{ Title string }
	}
}

// A subscription over a real WebSocket receives quotations ingested
// through the mutation and written to the store directly, and only those
// its filter selects.
func TestSubscriptionOverWebSocket(t *testing.T) {
	s := newSchema(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	w := dialWS(t, srv)
	w.init()

	w.send(map[string]any{"type": "ping", "payload": map[string]any{"n": 1}})
	if m := w.read(); m.Type != "pong" || string(m.Payload) != `{"n":1}` {
		t.Errorf("pong: %+v", m)
	}

	w.subscribeAndWait("live", `subscription { quoteAdded(speaker: "Silva") { text speaker { name } article { title } } }`)

	// Through the mutation, as a client would.
	mutation := `mutation($text: String!) { ingestArticle(input: {url: "https://news.example/1", title: "Talks", outlet: "Example Wire",
		published: "2025-02-18", text: $text}) { quotes } }`
	var res struct{ IngestArticle struct{ Quotes int } }
	query(t, s, mutation, map[string]any{"text": "“We are ready,” Foreign Minister Ana Silva told reporters."}, &res)
	if res.IngestArticle.Quotes != 1 {
		t.Fatalf("the extractor found %d quotes", res.IngestArticle.Quotes)
	}
	m := w.read()
	var ev struct{ Data quoteEvent }
	if m.Type != "next" || m.ID != "live" || json.Unmarshal(m.Payload, &ev) != nil {
		t.Fatalf("after the mutation: %+v", m)
	}
	if q := ev.Data.QuoteAdded; q.Text != "We are ready" || q.Speaker.Name != "Ana Silva" || q.Article.Title != "Talks" {
		t.Errorf("quoteAdded = %+v", q)
	}

	// Straight to the store: another speaker's quotation is filtered out,
	// so the next message is the one by Silva.
	text := `Luis Ortiz said: "No comment." Ana Silva said: "Talks resume Monday."`
	put := func(url string, quotes ...graph.QuoteInput) {
		if _, err := s.store.PutArticle(t.Context(), graph.ArticleInput{URL: url, Text: text, Quotes: quotes}); err != nil {
			t.Fatal(err)
		}
	}
	ortiz := graph.QuoteInput{Text: "No comment.", Kind: graph.KindDirect, Spans: []graph.Span{*runeSpan(t, text, "No comment.")}, Confidence: 0.9, Speaker: &graph.SpeakerRef{Name: "Luis Ortiz"}}
	silva := graph.QuoteInput{Text: "Talks resume Monday.", Kind: graph.KindDirect, Spans: []graph.Span{*runeSpan(t, text, "Talks resume Monday.")}, Confidence: 0.9, Speaker: &graph.SpeakerRef{Name: "Ana Silva"}}
	put("https://news.example/2", ortiz)
	put("https://news.example/3", ortiz, silva)
	m = w.read()
	if m.Type != "next" || json.Unmarshal(m.Payload, &ev) != nil || ev.Data.QuoteAdded.Text != "Talks resume Monday." {
		t.Fatalf("after the store write: %+v", m)
	}

	// A query runs once on the same connection: next, then complete. Ortiz's
	// quotation, printed twice, is one quote.
	w.subscribe("q", `{ counts { quotes } }`)
	if m := w.read(); m.Type != "next" || m.ID != "q" || !strings.Contains(string(m.Payload), `"quotes":9`) {
		t.Errorf("query result: %+v", m)
	}
	if m := w.read(); m.Type != "complete" || m.ID != "q" {
		t.Errorf("after the query: %+v", m)
	}

	// An invalid subscription gets the protocol's error message.
	w.subscribe("bad", `subscription { quoteAdded(kind: "sung") { text } }`)
	if m := w.read(); m.Type != "error" || m.ID != "bad" || !strings.Contains(string(m.Payload), "sung") {
		t.Errorf("bad subscription: %+v", m)
	}
	w.subscribe("unknown", `subscription { nothing }`)
	if m := w.read(); m.Type != "error" || m.ID != "unknown" {
		t.Errorf("unknown field: %+v", m)
	}

	// The client ends the subscription; the connection lives on.
	w.send(map[string]any{"id": "live", "type": "complete"})
	w.send(map[string]any{"type": "ping"})
	if m := w.read(); m.Type != "pong" {
		t.Errorf("after complete: %+v", m)
	}
	w.c.Close(websocket.StatusNormalClosure, "")
}

// Each breach of the protocol closes the connection with its code.
func TestWebSocketProtocolErrors(t *testing.T) {
	s := newSchema(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	sub := `subscription { quoteAdded { text } }`
	t.Run("no subprotocol", func(t *testing.T) {
		w := dialWS(t, srv, "chat")
		if code := w.closed(); code != 4406 {
			t.Errorf("close code %d, want 4406", code)
		}
	})
	t.Run("subscribe before init", func(t *testing.T) {
		w := dialWS(t, srv)
		w.subscribe("1", sub)
		if code := w.closed(); code != 4401 {
			t.Errorf("close code %d, want 4401", code)
		}
	})
	t.Run("init twice", func(t *testing.T) {
		w := dialWS(t, srv)
		w.init()
		w.send(map[string]any{"type": "connection_init"})
		if code := w.closed(); code != 4429 {
			t.Errorf("close code %d, want 4429", code)
		}
	})
	t.Run("id in use", func(t *testing.T) {
		w := dialWS(t, srv)
		w.init()
		w.subscribeAndWait("1", sub)
		w.subscribe("1", sub)
		if code := w.closed(); code != 4409 {
			t.Errorf("close code %d, want 4409", code)
		}
	})
	t.Run("not a message", func(t *testing.T) {
		w := dialWS(t, srv)
		w.c.Write(t.Context(), websocket.MessageText, []byte(`{"kind": "hello"}`))
		if code := w.closed(); code != 4400 {
			t.Errorf("close code %d, want 4400", code)
		}
	})
	t.Run("no init", func(t *testing.T) {
		old := wsInitTimeout
		wsInitTimeout = 10 * time.Millisecond
		t.Cleanup(func() { wsInitTimeout = old })
		w := dialWS(t, srv)
		if code := w.closed(); code != 4408 {
			t.Errorf("close code %d, want 4408", code)
		}
	})
	t.Run("cross origin", func(t *testing.T) {
		ctx := t.Context()
		_, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", &websocket.DialOptions{
			Subprotocols: []string{wsProtocol}, HTTPHeader: http.Header{"Origin": {"https://evil.example"}}})
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin dial: %v, %+v", err, resp)
		}
	})
	// Subscriptions need a transport that streams.
	resp, status := post(t, s, sub, nil)
	if status != http.StatusBadRequest || len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "WebSocket") {
		t.Errorf("subscription over POST: %d %+v", status, resp.Errors)
	}
}

// Server-sent events carry the same feed to clients without WebSocket.
func TestEvents(t *testing.T) {
	s := newSchema(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)

	// open starts a feed; it is live once the response has started.
	open := func(query string) (*bufio.Reader, *http.Response) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/events?"+query, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return bufio.NewReader(resp.Body), resp
	}
	// next reads the next event, skipping comments.
	next := func(r *bufio.Reader) (event, id, data string) {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("read event: %v", err)
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "" && event != "":
				return event, id, data
			case strings.HasPrefix(line, "event: "):
				event = line[len("event: "):]
			case strings.HasPrefix(line, "id: "):
				id = line[len("id: "):]
			case strings.HasPrefix(line, "data: "):
				data = line[len("data: "):]
			}
		}
	}
	feed, resp := open("speaker=Silva&kind=direct,partial&minConfidence=0.5")
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	custom, _ := open("query=" + strings.ReplaceAll(`subscription{quoteAdded(search:"ready"){text}}`, " ", "%20"))

	text := `Ana Silva said: "We are ready."`
	_, err := s.store.PutArticle(t.Context(), graph.ArticleInput{URL: "https://news.example/sse", Text: text, Quotes: []graph.QuoteInput{
		{Text: "We are ready.", Kind: graph.KindDirect, Spans: []graph.Span{*runeSpan(t, text, "We are ready.")}, Confidence: 0.9, Speaker: &graph.SpeakerRef{Name: "Ana Silva"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	event, id, data := next(feed)
	first := data
	var q struct {
		ID, Text string
		Speaker  struct{ Name string }
	}
	if err := json.Unmarshal([]byte(data), &q); err != nil || event != "quote" || q.Text != "We are ready." || q.Speaker.Name != "Ana Silva" || id != q.ID || id == "" {
		t.Errorf("event %q id %q data %s (%v)", event, id, data, err)
	}
	event, _, data = next(custom)
	if event != "next" || data != `{"data":{"quoteAdded":{"text":"We are ready."}}}` {
		t.Errorf("custom subscription: event %q data %s", event, data)
	}

	// A second printing of the statement: the same statement, not new,
	// with this article's printing.
	if _, err := s.store.PutArticle(t.Context(), graph.ArticleInput{URL: "https://news.example/sse2", Title: "Again", Text: text, Quotes: []graph.QuoteInput{
		{Text: "We are ready.", Kind: graph.KindDirect, Spans: []graph.Span{*runeSpan(t, text, "We are ready.")}, Confidence: 0.9, Speaker: &graph.SpeakerRef{Name: "Ana Silva"}},
	}}); err != nil {
		t.Fatal(err)
	}
	event, id2, data := next(feed)
	var again struct {
		ID, Text     string
		NewStatement bool
		Printing     struct {
			Text    string
			Article struct{ Title, URL string }
		}
	}
	if err := json.Unmarshal([]byte(data), &again); err != nil || event != "quote" || id2 != id || again.NewStatement ||
		again.Printing.Article.URL != "https://news.example/sse2" || again.Printing.Text != "We are ready." {
		t.Errorf("a second printing: event %q id %q data %s (%v)", event, id2, data, err)
	}
	if !strings.Contains(first, `"newStatement":true`) {
		t.Errorf("the first printing is not a new statement: %s", first)
	}

	for _, bad := range []string{"kind=sung", "minConfidence=lots", "query=%7Bcounts%7Bquotes%7D%7D", "speakerId=nope"} {
		_, resp := open(bad)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("/events?%s: status %d", bad, resp.StatusCode)
		}
	}
}

// putQuotes stores an article at url printing each of texts, said by Ana
// Silva.
func putQuotes(t *testing.T, s *Schema, url string, texts ...string) {
	t.Helper()
	text := "Ana Silva said:"
	for _, q := range texts {
		text += " “" + q + "”"
	}
	in := graph.ArticleInput{URL: url, Title: url, Outlet: "Example Wire", Text: text}
	for _, q := range texts {
		in.Quotes = append(in.Quotes, graph.QuoteInput{Text: q, Kind: graph.KindDirect, Spans: []graph.Span{*runeSpan(t, text, q)},
			Confidence: 0.9, Speaker: &graph.SpeakerRef{Name: "Ana Silva"}})
	}
	if _, err := s.store.PutArticle(t.Context(), in); err != nil {
		t.Fatal(err)
	}
}

// A new printing of a known statement reaches printingAdded, saying the
// statement is not new, and not quoteAdded.
func TestPrintingAdded(t *testing.T) {
	s := newSchema(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	w := dialWS(t, srv)
	w.init()
	w.subscribeAndWait("quotes", `subscription { quoteAdded(speaker: "Silva") { text } }`)
	w.subscribeAndWait("printings", `subscription { printingAdded(speaker: "Silva") { newStatement quote { text occurrenceCount } printing { text article { title } } } }`)
	putQuotes(t, s, "https://news.example/a", "We will rebuild the bridge by spring")
	putQuotes(t, s, "https://news.example/b", "We will rebuild the bridge by spring")

	type printing struct {
		PrintingAdded struct {
			NewStatement bool
			Quote        struct {
				Text            string
				OccurrenceCount int
			}
			Printing struct {
				Text    string
				Article struct{ Title string }
			}
		}
	}
	var got []string
	for len(got) < 3 {
		m := w.read()
		if m.Type != "next" {
			t.Fatalf("message %+v", m)
		}
		switch m.ID {
		case "quotes":
			var ev struct{ Data quoteEvent }
			json.Unmarshal(m.Payload, &ev)
			got = append(got, "quoteAdded "+ev.Data.QuoteAdded.Text)
		case "printings":
			var ev struct{ Data printing }
			json.Unmarshal(m.Payload, &ev)
			p := ev.Data.PrintingAdded
			got = append(got, fmt.Sprintf("printingAdded new=%v count=%d %s", p.NewStatement, p.Quote.OccurrenceCount, p.Printing.Article.Title))
		}
	}
	slices.Sort(got)
	want := []string{
		"printingAdded new=false count=2 https://news.example/b",
		"printingAdded new=true count=1 https://news.example/a",
		"quoteAdded We will rebuild the bridge by spring",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Nothing more: the second printing was no new statement.
	w.send(map[string]any{"type": "ping"})
	if m := w.read(); m.Type != "pong" {
		t.Errorf("after the events: %+v", m)
	}
}

// A subscriber that does not read loses events, and is told how many
// where they were lost.
func TestSlowSubscriberIsTold(t *testing.T) {
	s := newSchema(t, WithLimits(Limits{SubscriberBuffer: 2}))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	results := s.Subscribe(ctx, Request{Query: `subscription { printingAdded { printing { text } } }`})
	const n = 40
	var texts []string
	for i := range n {
		texts = append(texts, fmt.Sprintf("Statement number %d about the harbour", i))
	}
	// One article of n printings, read by nobody: most are lost, and
	// every one is either delivered or counted in a notice.
	putQuotes(t, s, "https://news.example/many", texts...)
	events, lost, notices := 0, 0, 0
	for resp := range results {
		if len(resp.Errors) > 0 {
			e := resp.Errors[0]
			if e.code() != codeEventsLost || string(resp.Data.(json.RawMessage)) != "null" {
				t.Fatalf("error event %+v", resp)
			}
			n, _ := e.Extensions["lost"].(int)
			lost += n
			notices++
		} else {
			events++
		}
		if events+lost >= n {
			break
		}
	}
	if notices == 0 || lost == 0 || events+lost != n {
		t.Errorf("%d events, %d lost in %d notices; want %d in all, some lost", events, lost, notices, n)
	}
	t.Logf("%d events, %d lost in %d notices", events, lost, notices)
}

// Subscriptions are capped per connection and in all, and WebSocket
// connections in number; each cap answers with its error or close code.
func TestSubscriptionCaps(t *testing.T) {
	s := newSchema(t, WithLimits(Limits{SubscriptionsPerConnection: 2, Subscriptions: 3, WebSockets: 2}))
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	sub := `subscription { quoteAdded { text } }`
	a := dialWS(t, srv)
	a.init()
	a.subscribeAndWait("1", sub)
	a.subscribeAndWait("2", sub)
	a.subscribe("3", sub)
	if m := a.read(); m.Type != "error" || m.ID != "3" || !strings.Contains(string(m.Payload), `"SUBSCRIPTION_LIMIT"`) {
		t.Errorf("third on one connection: %+v", m)
	}
	b := dialWS(t, srv)
	b.init()
	b.subscribeAndWait("1", sub)
	b.subscribe("2", sub)
	if m := b.read(); m.Type != "error" || m.ID != "2" || !strings.Contains(string(m.Payload), "too many subscriptions") {
		t.Errorf("fourth in all: %+v", m)
	}
	// /events counts too, and says so with 503.
	resp, err := http.Get(srv.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("/events over the cap: %d %v", resp.StatusCode, resp.Header)
	}
	c := dialWS(t, srv)
	if code := c.closed(); code != websocket.StatusTryAgainLater {
		t.Errorf("third connection: close code %d, want 1013", code)
	}
}
