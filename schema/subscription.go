package schema

import (
	"context"
	"log/slog"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/graphd/graphd/graph"
)

// The live feed. A broker watches the store (graph.Store.Watch) and hands
// each quotation that a write commits, mutation or not, to the feeds
// whose filter it matches; Subscription.quoteAdded is a feed, served over
// WebSocket (ws.go) and server-sent events (events.go). A feed that falls
// more than feedBuffer quotations behind loses the ones that do not fit,
// and the broker logs it: a live feed is for watching, exports are for
// completeness.

// feedBuffer is how many quotations a feed holds for its subscriber.
const feedBuffer = 256

type broker struct {
	store  *graph.Store
	logger *slog.Logger
	mu     sync.Mutex
	feeds  map[*feed]struct{}
	onAdd  func() // tests: called when a feed is added
}

// feed is one subscriber's filter and queue.
type feed struct {
	filter liveFilter
	ch     chan graph.Quote
	missed int
}

func newBroker(store *graph.Store, logger *slog.Logger) *broker {
	b := &broker{store: store, logger: logger, feeds: map[*feed]struct{}{}}
	go b.run(store.Watch(context.Background(), 1024))
	return b
}

// run hands out changes until the store closes.
func (b *broker) run(changes <-chan graph.Change) {
	for c := range changes {
		if c.Missed > 0 {
			b.logger.Warn("live feed fell behind the store", "changes", c.Missed)
		}
		b.mu.Lock()
		n := len(b.feeds)
		b.mu.Unlock()
		if n == 0 {
			continue
		}
		names := b.names(c)
		b.mu.Lock()
		for _, q := range c.Quotes {
			for f := range b.feeds {
				if !f.filter.match(q, c.Article, names) {
					continue
				}
				select {
				case f.ch <- q:
				default:
					if f.missed++; f.missed == 1 || f.missed%100 == 0 {
						b.logger.Warn("live feed subscriber too slow: quotations dropped", "dropped", f.missed)
					}
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

// names reads the names of the speakers and venues of a change, for
// filters by name.
func (b *broker) names(c graph.Change) map[uuid.UUID][]string {
	out := map[uuid.UUID][]string{}
	ctx := context.Background()
	for _, q := range c.Quotes {
		if _, ok := out[q.SpeakerID]; q.SpeakerID != uuid.Nil && !ok {
			if sp, err := b.store.Speaker(ctx, q.SpeakerID); err == nil {
				out[q.SpeakerID] = append([]string{sp.Name}, sp.Aliases...)
			}
		}
		if _, ok := out[q.VenueID]; q.VenueID != uuid.Nil && !ok {
			if v, err := b.store.Venue(ctx, q.VenueID); err == nil {
				out[q.VenueID] = []string{v.Name}
			}
		}
	}
	return out
}

// add registers a feed; it is removed, and its channel closed, when ctx
// ends or the store closes.
func (b *broker) add(ctx context.Context, filter liveFilter) <-chan graph.Quote {
	f := &feed{filter: filter, ch: make(chan graph.Quote, feedBuffer)}
	b.mu.Lock()
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
	return f.ch
}

// liveFilter selects new quotations as quotes(…) would select them, by
// names at the time each arrives, so that a speaker first quoted after
// the subscription started is matched too.
type liveFilter struct {
	speakerID, venueID, outletID uuid.UUID
	speaker, venue, outlet       string
	kinds                        []string
	minConfidence                float64
	search                       graph.Search
}

func (f liveFilter) match(q graph.Quote, a graph.Article, names map[uuid.UUID][]string) bool {
	switch {
	case f.speakerID != uuid.Nil && q.SpeakerID != f.speakerID,
		f.venueID != uuid.Nil && q.VenueID != f.venueID,
		f.outletID != uuid.Nil && a.OutletID != f.outletID,
		f.speaker != "" && !nameMatches(f.speaker, names[q.SpeakerID]...),
		f.venue != "" && !nameMatches(f.venue, names[q.VenueID]...),
		f.outlet != "" && !nameMatches(f.outlet, a.Outlet),
		len(f.kinds) > 0 && !contains(f.kinds, q.Kind),
		q.Confidence < f.minConfidence,
		!f.search.Match(q.Text):
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
	f.kinds, f.minConfidence, f.search = kinds, minConf, graph.ParseSearch(search)
	return f, err
}

// subscriptionType declares Subscription.quoteAdded.
func (s *Schema) subscriptionType(quote *graphql.Object) *graphql.Object {
	return graphql.NewObject(graphql.ObjectConfig{
		Name:        "Subscription",
		Description: "Live feeds, over WebSocket (the graphql-transport-ws protocol) at /graphql or server-sent events at /events.",
		Fields: graphql.Fields{
			"quoteAdded": &graphql.Field{
				Type: graphql.NewNonNull(quote),
				Description: "Every quotation stored from now on that the arguments select (as quotes selects them; names are matched " +
					"as each quotation arrives), by ingestArticle or any other write.",
				Args: liveArgs(),
				Subscribe: func(p graphql.ResolveParams) (any, error) {
					f, err := liveFilterOf(p.Args)
					if err != nil {
						return nil, formatted(clientErr(p.Context, s.logger, "Subscription.quoteAdded", err))
					}
					quotes := s.broker.add(p.Context, f)
					if started, ok := p.Context.Value(startedKey{}).(func()); ok {
						started()
					}
					out := make(chan any)
					go func() {
						defer close(out)
						for q := range quotes {
							select {
							case out <- q:
							case <-p.Context.Done():
								return
							}
						}
					}()
					return out, nil
				},
				Resolve: with(s, func(_ graphql.ResolveParams, q graph.Quote) (any, error) { return q, nil }),
			},
		},
	})
}

// prepare parses, validates and checks the limits of req, and picks its
// operation. A request that cannot run gets its error response.
func (s *Schema) prepare(req Request) (*ast.Document, *ast.OperationDefinition, *Response) {
	if strings.TrimSpace(req.Query) == "" {
		r := requestError(codeBadInput, "query is required")
		return nil, nil, &r
	}
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(req.Query), Name: "GraphQL request"})})
	if err != nil {
		return nil, nil, &Response{Errors: gqlerrors.FormatErrors(err)}
	}
	if v := graphql.ValidateDocument(&s.schema, doc, nil); !v.IsValid {
		return nil, nil, &Response{Errors: v.Errors}
	}
	op, err := operation(doc, req.OperationName)
	if err != nil {
		r := requestError(codeBadInput, "%s", err)
		return nil, nil, &r
	}
	if _, err := checkLimits(&s.schema, doc, op, req.Variables, s.limits); err != nil {
		r := requestError(codeLimit, "%s", err)
		return nil, nil, &r
	}
	return doc, op, nil
}

// isSubscription reports whether req's operation is a subscription; a
// request that does not parse is not.
func isSubscription(req Request) bool {
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(req.Query)})})
	if err != nil {
		return false
	}
	op, err := operation(doc, req.OperationName)
	return err == nil && op.Operation == ast.OperationTypeSubscription
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
	out := make(chan Response, 1)
	doc, op, bad := s.prepare(req)
	if bad == nil && op.Operation != ast.OperationTypeSubscription {
		r := requestError(codeBadInput, "not a subscription")
		bad = &r
	}
	if bad != nil {
		out <- *bad
		close(out)
		return out
	}
	ctx, cancel := context.WithCancel(ctx)
	started := make(chan struct{})
	ctx = context.WithValue(ctx, startedKey{}, sync.OnceFunc(func() { close(started) }))
	results := graphql.ExecuteSubscription(graphql.ExecuteParams{
		Schema: s.schema, AST: doc, OperationName: req.OperationName, Args: req.Variables, Context: ctx,
	})
	// Live once the resolver has its feed, or done if it failed first.
	var first *graphql.Result
	select {
	case <-started:
	case res, ok := <-results:
		if ok {
			first = res
		} else {
			first = &graphql.Result{}
		}
	case <-ctx.Done():
	}
	deliver := func(res *graphql.Result) bool {
		resp := Response{Data: res.Data, Errors: res.Errors}
		if res.Data != nil {
			if raw, err := orderedJSON(res.Data, op, doc); err == nil {
				resp.Data = raw
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
		defer func() {
			cancel()
			for range results { // let graphql-go's goroutine end
			}
		}()
		if first != nil {
			// An error before the feed started ends it; an event (the
			// select saw both ready) does not.
			if first.Data == nil && len(first.Errors) == 0 || !deliver(first) || first.Data == nil {
				return
			}
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
	return out
}
