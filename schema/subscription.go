package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/graphd/graphd/graph"
)

// The live feed. A broker watches the store (graph.Store.Watch) and hands
// each printing that a write commits, mutation or not, to the feeds whose
// filter it matches: Subscription.quoteAdded takes the printings that
// make new statements, Subscription.printingAdded all of them. They are
// served over WebSocket (ws.go) and server-sent events (events.go).
//
// A feed holds Limits.SubscriberBuffer events for its subscriber. One
// that falls further behind loses the events that do not fit, and is told
// so where they were lost: an event that is an error with the code
// EVENTS_LOST and the number lost ("lost"), in place of the field's value,
// before the next event that fits or as soon as it has read all before.
// The same notice, without a number, follows a gap when the broker itself
// fell behind the store. The broker holds at most Limits.Subscriptions
// feeds; past that a subscription fails with SUBSCRIPTION_LIMIT.

type broker struct {
	store  *graph.Store
	logger *slog.Logger
	limits Limits
	mu     sync.Mutex
	feeds  map[*feed]struct{}
	onAdd  func() // tests: called when a feed is added
}

// feed is one subscriber's filter and queue.
type feed struct {
	all    bool // every printing, not only new statements
	filter liveFilter
	ch     chan feedItem
	lost   int  // events lost since the last notice was queued
	behind bool // the broker fell behind the store since then
	missed int  // events lost in all, for the log
}

// feedItem is an event of a feed, or, without a printing, the notice of
// events lost just before.
type feedItem struct {
	printing *graph.Printing
	lost     int
	behind   bool
}

func newBroker(store *graph.Store, logger *slog.Logger, l Limits) *broker {
	b := &broker{store: store, logger: logger, limits: l, feeds: map[*feed]struct{}{}}
	go b.run(store.Watch(context.Background(), 1024))
	return b
}

// run hands out changes until the store closes.
func (b *broker) run(changes <-chan graph.Change) {
	for c := range changes {
		b.mu.Lock()
		n := len(b.feeds)
		if c.Missed > 0 {
			b.logger.Warn("live feed fell behind the store", "changes", c.Missed)
			for f := range b.feeds {
				f.behind = true
				b.offer(f, nil)
			}
		}
		b.mu.Unlock()
		if n == 0 {
			continue // nobody asks for the printings: they are never made
		}
		ps := c.Printings()
		names := b.names(ps)
		b.mu.Lock()
		for i := range ps {
			p := &ps[i]
			for f := range b.feeds {
				if (f.all || p.New) && f.filter.match(f.all, p, c.Article, names) {
					b.offer(f, p)
				}
			}
		}
		b.mu.Unlock()
	}
	b.mu.Lock()
	for f := range b.feeds {
		delete(b.feeds, f)
		close(f.ch)
	}
	b.mu.Unlock()
}

// offer queues p for f without waiting, after the notice of what f lost
// before it; what does not fit is counted as lost. With p nil it only
// tries to queue the notice. b.mu is held.
func (b *broker) offer(f *feed, p *graph.Printing) {
	if f.lost > 0 || f.behind {
		select {
		case f.ch <- feedItem{lost: f.lost, behind: f.behind}:
			f.lost, f.behind = 0, false
		default:
			if p != nil {
				f.lose()
			}
			return
		}
	}
	if p == nil {
		return
	}
	select {
	case f.ch <- feedItem{printing: p}:
	default:
		f.lose()
		if f.missed == 1 || f.missed%100 == 0 {
			b.logger.Warn("live feed subscriber too slow: events lost", "lost", f.missed)
		}
	}
}

func (f *feed) lose() {
	f.lost++
	f.missed++
}

// names reads the names of the speakers and venues of a change's
// printings, for filters by name.
func (b *broker) names(ps []graph.Printing) map[uuid.UUID][]string {
	out := map[uuid.UUID][]string{}
	ctx := context.Background()
	for _, p := range ps {
		for _, id := range []uuid.UUID{p.Quote.SpeakerID, p.Occurrence.SpeakerID} {
			if _, ok := out[id]; id != uuid.Nil && !ok {
				if sp, err := b.store.Speaker(ctx, id); err == nil {
					out[id] = append([]string{sp.Name}, sp.Aliases...)
				}
			}
		}
		for _, id := range []uuid.UUID{p.Quote.VenueID, p.Occurrence.VenueID} {
			if _, ok := out[id]; id != uuid.Nil && !ok {
				if v, err := b.store.Venue(ctx, id); err == nil {
					out[id] = []string{v.Name}
				}
			}
		}
	}
	return out
}

// add registers a feed, of every printing or of new statements only; it
// is removed, and its channel closed, when ctx ends or the store closes.
// Over Limits.Subscriptions it fails with SUBSCRIPTION_LIMIT.
func (b *broker) add(ctx context.Context, all bool, filter liveFilter) (*feed, error) {
	f := &feed{all: all, filter: filter, ch: make(chan feedItem, b.limits.SubscriberBuffer)}
	b.mu.Lock()
	if len(b.feeds) >= b.limits.Subscriptions {
		b.mu.Unlock()
		return nil, &clientError{code: codeSubscriptionLimit,
			msg: fmt.Sprintf("too many subscriptions: the server holds %d, its limit; try again later", b.limits.Subscriptions)}
	}
	b.feeds[f] = struct{}{}
	onAdd := b.onAdd
	b.mu.Unlock()
	if onAdd != nil {
		onAdd()
	}
	go func() {
		<-ctx.Done()
		b.mu.Lock()
		if _, ok := b.feeds[f]; ok {
			delete(b.feeds, f)
			close(f.ch)
		}
		b.mu.Unlock()
	}()
	return f, nil
}

// next waits for the next item of f: an event, or the notice of events
// lost once the subscriber has read everything before them (so that a
// loss is told without waiting for another event). ok is false when the
// feed has ended.
func (b *broker) next(ctx context.Context, f *feed) (it feedItem, ok bool) {
	select {
	case it, ok = <-f.ch:
		return it, ok
	default:
	}
	b.mu.Lock()
	if f.lost > 0 || f.behind {
		it = feedItem{lost: f.lost, behind: f.behind}
		f.lost, f.behind = 0, false
		b.mu.Unlock()
		return it, true
	}
	b.mu.Unlock()
	select {
	case it, ok = <-f.ch:
		return it, ok
	case <-ctx.Done():
		return it, false
	}
}

// lostError is the error an event of a feed is replaced by when events
// were lost before it.
func lostError(it feedItem) error {
	if it.lost == 0 {
		return &clientError{code: codeEventsLost,
			msg: "events may have been lost: the server fell behind the store; query for what is missing"}
	}
	msg := fmt.Sprintf("%d events were lost: the subscriber read slower than they came; query for what is missing", it.lost)
	if it.behind {
		msg += " (more may have been lost: the server fell behind the store)"
	}
	return &clientError{code: codeEventsLost, msg: msg, ext: map[string]any{"lost": it.lost}}
}

// liveFilter selects new printings as quotes(…) would select them, by
// names at the time each arrives, so that a speaker first quoted after
// the subscription started is matched too.
type liveFilter struct {
	speakerID, venueID, outletID uuid.UUID
	speaker, venue, outlet       string
	kinds, cueKinds              []string
	minConfidence                float64
	search                       graph.Search
}

// match reports whether f selects printing p of article a: a new
// statement by the statement's first printing, or any printing (all) by
// the printing itself.
func (f liveFilter) match(all bool, p *graph.Printing, a graph.Article, names map[uuid.UUID][]string) bool {
	q := p.Quote
	speakers := []uuid.UUID{q.SpeakerID}
	venue, kind, cueKind, confidence, text := q.VenueID, q.Kind, q.CueKind, q.Confidence, q.Text
	if all {
		o := p.Occurrence
		speakers = []uuid.UUID{o.SpeakerID, o.SpeakerRecord}
		venue, kind, cueKind, confidence, text = o.VenueID, o.Kind, o.CueKind, o.Confidence, o.Text
	}
	switch {
	case f.speakerID != uuid.Nil && !slices.Contains(speakers, f.speakerID),
		f.venueID != uuid.Nil && venue != f.venueID,
		f.outletID != uuid.Nil && a.OutletID != f.outletID,
		f.speaker != "" && !nameMatches(f.speaker, names[speakers[0]]...),
		f.venue != "" && !nameMatches(f.venue, names[venue]...),
		f.outlet != "" && !nameMatches(f.outlet, a.Outlet),
		len(f.kinds) > 0 && !contains(f.kinds, kind),
		len(f.cueKinds) > 0 && !contains(f.cueKinds, cueKind),
		confidence < f.minConfidence,
		!f.search.Match(text):
		return false
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// liveArgs are quoteAdded's arguments: the filter arguments but dates.
func liveArgs() graphql.FieldConfigArgument {
	args := filterArgs()
	delete(args, "from")
	delete(args, "to")
	return args
}

// liveFilterOf reads quoteAdded's arguments.
func liveFilterOf(args map[string]any) (liveFilter, error) {
	var f liveFilter
	var err error
	for _, x := range []struct {
		arg, typ string
		id       *uuid.UUID
	}{{"speakerId", typeSpeaker, &f.speakerID}, {"venueId", typeVenue, &f.venueID}, {"outletId", typeOutlet, &f.outletID}} {
		if raw, ok := args[x.arg].(string); ok {
			if *x.id, err = decodeTypedID(x.arg, x.typ, raw); err != nil {
				return f, err
			}
		}
	}
	for _, x := range []struct {
		arg  string
		name *string
	}{{"speaker", &f.speaker}, {"venue", &f.venue}, {"outlet", &f.outlet}} {
		if raw, ok := args[x.arg].(string); ok {
			if *x.name = strings.TrimSpace(raw); *x.name == "" {
				return f, inputErrorf("%s: must not be empty", x.arg)
			}
		}
	}
	kinds, minConf, search, err := facetArgs(args)
	if err != nil {
		return f, err
	}
	f.kinds, f.minConfidence, f.search = kinds, minConf, graph.ParseSearch(search)
	f.cueKinds, err = cueKindArgs(args)
	return f, err
}

// subscriptionType declares Subscription.quoteAdded and printingAdded.
func (s *Schema) subscriptionType(quote, occurrence *graphql.Object) *graphql.Object {
	// subscribe starts a feed of every printing (all) or of new
	// statements only.
	subscribe := func(all bool, field string) graphql.FieldResolveFn {
		return func(p graphql.ResolveParams) (any, error) {
			f, err := liveFilterOf(p.Args)
			if err != nil {
				return nil, formatted(clientErr(p.Context, s.logger, field, err))
			}
			feed, err := s.broker.add(p.Context, all, f)
			if err != nil {
				return nil, formatted(clientErr(p.Context, s.logger, field, err))
			}
			if started, ok := p.Context.Value(startedKey{}).(func()); ok {
				started()
			}
			out := make(chan any)
			go func() {
				defer close(out)
				for {
					it, ok := s.broker.next(p.Context, feed)
					if !ok {
						return
					}
					select {
					case out <- it:
					case <-p.Context.Done():
						return
					}
				}
			}()
			return out, nil
		}
	}
	// event resolves an event, or the notice of events lost before it.
	event := func(value func(*graph.Printing) any) graphql.FieldResolveFn {
		return with(s, func(_ graphql.ResolveParams, it feedItem) (any, error) {
			if it.printing == nil {
				return nil, lostError(it)
			}
			return value(it.printing), nil
		})
	}
	printing := graphql.NewObject(graphql.ObjectConfig{
		Name:        "PrintingEvent",
		Description: "A statement printed by an article just stored: a new statement, or one printed before.",
		Fields: graphql.Fields{
			"newStatement": &graphql.Field{
				Type:        graphql.NewNonNull(graphql.Boolean),
				Description: "True when this printing made a new statement; false when an article printed a known statement again.",
				Resolve:     get(s, func(p *graph.Printing) any { return p.New }),
			},
			"quote": &graphql.Field{
				Type:        graphql.NewNonNull(quote),
				Description: "The statement, as it is with this printing (its occurrenceCount counts it).",
				Resolve:     get(s, func(p *graph.Printing) any { return p.Quote }),
			},
			"printing": &graphql.Field{
				Type:        graphql.NewNonNull(occurrence),
				Description: "This article's printing, compared with the statement's canonical text.",
				Resolve:     get(s, func(p *graph.Printing) any { return p.Occurrence }),
			},
		},
	})
	return graphql.NewObject(graphql.ObjectConfig{
		Name: "Subscription",
		Description: "Live feeds, over WebSocket (the graphql-transport-ws protocol) at /graphql or server-sent events at /events. " +
			"A subscriber that reads slower than events come loses some, and gets an error with the code EVENTS_LOST in their place.",
		Fields: graphql.Fields{
			"quoteAdded": &graphql.Field{
				Type: graphql.NewNonNull(quote),
				Description: "Every new statement stored from now on that the arguments select (as quotes selects them; names are matched " +
					"as each quotation arrives), by ingestArticle or any other write. A known statement printed again is not new: see printingAdded.",
				Args:      liveArgs(),
				Subscribe: subscribe(false, "Subscription.quoteAdded"),
				Resolve:   event(func(p *graph.Printing) any { return p.Quote }),
			},
			"printingAdded": &graphql.Field{
				Type: graphql.NewNonNull(printing),
				Description: "Every printing stored from now on that the arguments select, by the printing's own speaker, venue, kind, " +
					"confidence, text and article's outlet: the first printings of new statements, and known statements printed again.",
				Args:      liveArgs(),
				Subscribe: subscribe(true, "Subscription.printingAdded"),
				Resolve:   event(func(p *graph.Printing) any { return p }),
			},
		},
	})
}

// startedKey holds, in a subscription's context, the function its
// resolver calls once the broker has its feed.
type startedKey struct{}

// Subscribe runs the subscription operation of req until ctx ends: each
// response on the channel is one event, and the channel closes when the
// subscription ends. It returns once the subscription is live, so that
// anything stored after it returns is seen. A request that cannot start,
// or that is not a subscription, gets a single error response.
func (s *Schema) Subscribe(ctx context.Context, req Request) <-chan Response {
	results, _, bad := s.subscribe(ctx, req, transportWebSocket)
	if bad != nil {
		out := make(chan Response, 1)
		out <- *bad
		close(out)
		return out
	}
	return results
}

// subscribe prepares req under the request deadline and starts its
// subscription, or returns why it cannot start. info is what is known of
// the operation (prepare).
func (s *Schema) subscribe(ctx context.Context, req Request, transport string) (results <-chan Response, info Operation, bad *Response) {
	pctx, cancel := context.WithTimeout(ctx, s.limits.Timeout)
	p, info, bad := s.prepare(pctx, req, transport)
	cancel()
	if bad != nil {
		return nil, info, bad
	}
	if p.op.Operation != ast.OperationTypeSubscription {
		r := requestError(codeBadRequest, "not a subscription")
		return nil, info, &r
	}
	results, bad = s.start(ctx, p)
	return results, info, bad
}

// start starts the prepared subscription p, and returns once it is live
// or failed.
func (s *Schema) start(ctx context.Context, p *prepared) (<-chan Response, *Response) {
	ctx, cancel := context.WithCancel(ctx)
	started := make(chan struct{})
	ctx = context.WithValue(ctx, startedKey{}, sync.OnceFunc(func() { close(started) }))
	results := graphql.ExecuteSubscription(graphql.ExecuteParams{
		Schema: s.schema, AST: p.doc, OperationName: p.req.OperationName, Args: p.req.Variables,
		Context: withPageLimit(ctx, s.limits.First),
	})
	stop := func() {
		cancel()
		for range results { // let graphql-go's goroutine end
		}
	}
	// Live once the resolver has its feed, or failed if a result without
	// data comes first (an event may race the start: it is the first).
	var first *graphql.Result
	select {
	case <-started:
	case res, ok := <-results:
		if !ok || res.Data == nil {
			stop()
			r := Response{Errors: []Error{{Message: "subscription ended before it started", Extensions: map[string]any{"code": codeInternal}}}}
			if ok && len(res.Errors) > 0 {
				r.Errors = fromGraphQL(res.Errors, codeBadInput)
			}
			return nil, &r
		}
		first = res
	case <-ctx.Done():
		stop()
		r := s.errorResponse(ctx, ctx.Err())
		return nil, &r
	}
	out := make(chan Response, 1)
	deliver := func(res *graphql.Result) bool {
		resp := Response{Data: json.RawMessage("null"), Errors: fromGraphQL(res.Errors, codeInternal)}
		if res.Data != nil {
			if raw, err := orderedJSON(res.Data, p.op, p.doc); err == nil {
				resp.Data = raw
			} else {
				resp.Data = res.Data
			}
		}
		select {
		case out <- resp:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		defer close(out)
		defer stop()
		if first != nil && !deliver(first) {
			return
		}
		for {
			select {
			case <-ctx.Done():
				return
			case res, ok := <-results:
				if !ok || !deliver(res) {
					return
				}
			}
		}
	}()
	return out, nil
}
