// Package schema serves graphd's graph of quotations over GraphQL: who said
// what, where and when.
//
// New builds the schema (with graphql-go) from closures over a
// *graph.Store, and returns a *Schema that is also the HTTP handler:
//
//	POST /graphql   a GraphQL request as JSON ({query, variables,
//	                operationName}) or as application/graphql
//	GET  /graphql   ?query=…&variables=…&operationName=…; queries only;
//	                with Upgrade: websocket, the graphql-transport-ws
//	                protocol, subscriptions included (ws.go)
//	GET  /events    the live feed as server-sent events (events.go)
//	GET  /export    an export in jsonl, nquads, graphml or csv (export.go)
//	POST /ingest    a stream of JSON Lines articles, stored through the
//	                write path (WriteFunc) with back-pressure, one result
//	                a line once committed and synced (ingest.go)
//	GET  /check     the store's consistency check, for the write token
//	                (check.go)
//	GET  /          the GraphiQL playground, bundled from npm and embedded
//	GET  /assets/…  its script and stylesheet
//	GET  /dashboard the dashboard, bundled and embedded the same way, with
//	                its assets under /dashboard/assets/
//	GET  /healthz   liveness, and /readyz readiness (health.go)
//	GET  /metrics   Prometheus metrics (metrics.go)
//
// Around the routes (middleware.go): an access log line and metrics per
// request, CORS for the origins WithCORS allows (cors.go), and bearer
// tokens for writes and, optionally, reads (WithAccess, access.go), which
// GraphQL operations meet, on every transport, as the Authorize function
// (WithAuthorize) that every operation passes before it runs.
//
// Ids are opaque: the base64url of "Speaker:<uuid>" and alike, so node(id)
// finds any record. Lists are Relay cursor connections. Dates are ISO 8601
// both ways. Every request runs under Limits (limits.go): its document is
// bounded in size and shape before graphql-go parses and validates it
// (document.go), then in depth and estimated cost, and validation and
// execution share one deadline. Answers follow GraphQL over HTTP, in
// application/json or application/graphql-response+json (http.go), and
// automatic persisted queries are understood (apq.go).
//
// A query holds the gate given WithGate while it runs, so that the
// server's ingests (POST /ingest, and any other pipeline or store writer
// given the same gate) go ahead only between queries, or after waiting
// their longest.
//
// Errors reach clients through one function, clientErr: bad ids, cursors,
// dates and input keep their message and a BAD_USER_INPUT code; anything
// else is logged and shown as "internal error".
//
// Subscription.quoteAdded and printingAdded are fed by a broker that
// watches the store (subscription.go): every printing committed, by the
// ingestArticle mutation or any other write, reaches the subscribers it
// matches, and a subscriber too slow to keep up is told what it lost.
//
// The playground's and the dashboard's assets are built by `go generate
// ./schema`, which runs playground/build.sh and dashboard/build.sh (npm
// ci and esbuild) into their dist/ directories. Without them their pages
// say so; the GraphQL endpoint works either way.
package schema

//go:generate sh playground/build.sh
//go:generate sh dashboard/build.sh

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

// Schema is graphd's GraphQL schema over a store, and the HTTP handler
// that serves it and the playground.
type Schema struct {
	store     *graph.Store
	logger    *slog.Logger
	limits    Limits
	schema    graphql.Schema
	mux       http.Handler // the routes inside the middleware of middleware.go
	assets    *assets      // the playground
	dashboard *assets
	broker    *broker
	access    accessControl   // access.go
	origins   map[string]bool // cross-origin callers allowed, cors.go
	buildInfo Build
	metrics   *metrics

	authorize        func(context.Context, Operation) error // WithAuthorize; nil lets everything run
	persistedQueries *persistedQueries
	webSockets       atomic.Int64 // open WebSocket connections

	shutdown     chan struct{} // closed by Shutdown: live connections end
	shutdownOnce sync.Once

	candidateType *graphql.Object // MergeCandidate, a node type declared in identity.go

	writer     WriteFunc                                     // the write path of POST /ingest (ingest.go)
	submitter  func(context.Context, int) (Submitter, error) // WithSubmitter; nil: an ingest.Pipeline
	ingests    chan struct{}                                 // a slot for each POST /ingest stream open
	ingestOpen atomic.Int64                                  // POST /ingest streams open, for the metrics
	checking   sync.Mutex                                    // held while GET /check runs
	gate       *ingest.Gate                                  // WithGate; queries hold it while they run
}

// Option configures New.
type Option func(*Schema)

// New builds the GraphQL schema over store. Errors of resolvers that are
// not the client's fault are logged to logger (nil discards them). It
// fails only if graphql-go rejects the schema, which is a bug.
func New(store *graph.Store, logger *slog.Logger, opts ...Option) (*Schema, error) {
	if store == nil {
		return nil, errors.New("schema: nil store")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Schema{store: store, logger: logger, limits: DefaultLimits(), shutdown: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	if s.buildInfo.Version == "" {
		s.buildInfo.Version = "devel"
	}
	if s.access.on() {
		s.authorize = s.authorizer(s.authorize)
	}
	if s.writer == nil {
		s.writer = s.writePipeline
	}
	s.ingests = make(chan struct{}, s.limits.Ingests)
	s.broker = newBroker(store, logger, s.limits)
	s.persistedQueries = newPersistedQueries(s.limits.PersistedQueryCache)
	s.metrics = newMetrics(s)
	sc, err := s.build()
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	s.schema = sc
	s.assets = loadAssets(dist, "playground/dist")
	s.dashboard = loadAssets(dashboardDist, "dashboard/dist")
	s.mux = s.handler(s.routes())
	return s, nil
}

// Shutdown ends the live connections, WebSocket and server-sent events,
// which http.Server.Shutdown does not wait for or cannot end by itself:
// register it with http.Server.RegisterOnShutdown. Requests still work.
func (s *Schema) Shutdown() {
	s.shutdownOnce.Do(func() { close(s.shutdown) })
}

// build declares the types and their resolvers.
func (s *Schema) build() (graphql.Schema, error) {
	var (
		node                                     *graphql.Interface
		speaker, quote, venue, article, outlet   *graphql.Object
		speakerConn, quoteConn, venueConn        *graphql.Object
		articleConn, outletConn                  *graphql.Object
		spanType, pageInfo, countsType, ingested *graphql.Object
		idt                                      *identity // fields identity.go adds
	)

	node = graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "Node",
		Description: "A record with a global id, which node(id) finds again.",
		Fields: graphql.Fields{
			"id": &graphql.Field{Type: graphql.NewNonNull(graphql.ID)},
		},
		ResolveType: func(p graphql.ResolveTypeParams) *graphql.Object {
			switch p.Value.(type) {
			case graph.Speaker:
				return speaker
			case graph.Quote:
				return quote
			case graph.Venue:
				return venue
			case graph.Article:
				return article
			case graph.Outlet:
				return outlet
			case graph.Candidate:
				return s.candidateType
			}
			return nil
		},
	})

	pageInfo = graphql.NewObject(graphql.ObjectConfig{
		Name:        "PageInfo",
		Description: "Where a page of a connection starts and ends, and whether the list goes on either way.",
		Fields: graphql.Fields{
			"hasNextPage": &graphql.Field{
				Type:        graphql.NewNonNull(graphql.Boolean),
				Description: "Forward (first): whether items follow the page. Backward (last): whether the page ends before a cursor.",
				Resolve:     get(s, func(c *connection) any { return c.hasNextPage }),
			},
			"endCursor": &graphql.Field{
				Type:        graphql.String,
				Description: "The cursor of the page's last edge: pass it as after for the next page. Null when the page is empty.",
				Resolve:     get(s, func(c *connection) any { return nullable(c.endCursor) }),
			},
			"hasPreviousPage": &graphql.Field{
				Type:        graphql.NewNonNull(graphql.Boolean),
				Description: "Backward (last): whether items precede the page. Forward (first): whether the page starts after a cursor.",
				Resolve:     get(s, func(c *connection) any { return c.hasPreviousPage }),
			},
			"startCursor": &graphql.Field{
				Type:        graphql.String,
				Description: "The cursor of the page's first edge: pass it as before for the previous page. Null when the page is empty.",
				Resolve:     get(s, func(c *connection) any { return nullable(c.startCursor) }),
			},
		},
	})

	spanType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Span",
		Description: "A half-open range [start, end) of Unicode code points into the article text.",
		Fields: graphql.Fields{
			"start": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(s, func(sp graph.Span) any { return sp.Start })},
			"end":   &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(s, func(sp graph.Span) any { return sp.End })},
		},
	})

	speakerType := speakerTypeEnum()
	speaker = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Speaker",
		Description: "A person, or an organisation, a group or a document, who is quoted: one identity across articles, whatever names they printed.",
		Interfaces:  []*graphql.Interface{node},
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			return extend(graphql.Fields{
				"id":      idField(s, typeSpeaker, func(v graph.Speaker) uuid.UUID { return v.ID }),
				"name":    &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The fullest name seen.", Resolve: get(s, func(v graph.Speaker) any { return v.Name })},
				"type":    &graphql.Field{Type: graphql.NewNonNull(speakerType), Resolve: get(s, func(v graph.Speaker) any { return v.Type })},
				"aliases": &graphql.Field{Type: stringList, Description: "Other names the speaker was printed under.", Resolve: get(s, func(v graph.Speaker) any { return strs(v.Aliases) })},
				"titles":  &graphql.Field{Type: stringList, Description: "Titles and roles, such as \"Kremlin spokesman\".", Resolve: get(s, func(v graph.Speaker) any { return strs(v.Titles) })},
				"quotes": &graphql.Field{
					Type:        graphql.NewNonNull(quoteConn),
					Description: "The speaker's quotations, by date, oldest first.",
					Args:        pageArgs(),
					Resolve: with(s, func(p graphql.ResolveParams, v graph.Speaker) (any, error) {
						return s.quotePage(p, graph.QuoteFilter{SpeakerIDs: []uuid.UUID{v.ID}})
					}),
				},
				"venues": &graphql.Field{
					Type:        graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(venue))),
					Description: "Every venue the speaker was quoted at.",
					Resolve: with(s, func(p graphql.ResolveParams, v graph.Speaker) (any, error) {
						vs, err := s.store.SpeakerVenues(p.Context, v.ID)
						if err != nil {
							return nil, err
						}
						if vs == nil {
							vs = []graph.Venue{}
						}
						return vs, nil
					}),
				},
			}, idt.speaker)
		}),
	})

	venue = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Venue",
		Description: "Where a quotation was said: a broadcast, a paper, an event, an interview, a statement.",
		Interfaces:  []*graphql.Interface{node},
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			return graphql.Fields{
				"id":   idField(s, typeVenue, func(v graph.Venue) uuid.UUID { return v.ID }),
				"name": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(s, func(v graph.Venue) any { return v.Name })},
				"kind": &graphql.Field{
					Type:        graphql.NewNonNull(graphql.String),
					Description: "broadcast, print, online, social, event, statement, audience, place or other (interview in stores written before place was added).",
					Resolve:     get(s, func(v graph.Venue) any { return v.Kind }),
				},
				"quotes": &graphql.Field{
					Type:        graphql.NewNonNull(quoteConn),
					Description: "The quotations said at this venue.",
					Args:        pageArgs(),
					Resolve: with(s, func(p graphql.ResolveParams, v graph.Venue) (any, error) {
						return s.quotePage(p, graph.QuoteFilter{VenueIDs: []uuid.UUID{v.ID}})
					}),
				},
			}
		}),
	})

	outlet = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Outlet",
		Description: "A publisher of articles.",
		Interfaces:  []*graphql.Interface{node},
		Fields: graphql.Fields{
			"id":   idField(s, typeOutlet, func(v graph.Outlet) uuid.UUID { return v.ID }),
			"name": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(s, func(v graph.Outlet) any { return v.Name })},
		},
	})

	article = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Article",
		Description: "A news article as ingested.",
		Interfaces:  []*graphql.Interface{node},
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			return extend(graphql.Fields{
				"id":    idField(s, typeArticle, func(v graph.Article) uuid.UUID { return v.ID }),
				"title": &graphql.Field{Type: graphql.String, Resolve: get(s, func(v graph.Article) any { return nullable(v.Title) })},
				"url":   &graphql.Field{Type: graphql.String, Resolve: get(s, func(v graph.Article) any { return nullable(v.URL) })},
				"published": &graphql.Field{
					Type:        graphql.String,
					Description: "ISO 8601: a date (2025-02-17) or an RFC 3339 time; null when unknown.",
					Resolve:     get(s, func(v graph.Article) any { return formatTime(v.Published) }),
				},
				"outlet":   &graphql.Field{Type: graphql.String, Description: "The outlet's name.", Resolve: get(s, func(v graph.Article) any { return nullable(v.Outlet) })},
				"outletId": &graphql.Field{Type: graphql.ID, Description: "The outlet's id, for node(id).", Resolve: get(s, func(v graph.Article) any { return optID(typeOutlet, v.OutletID) })},
				"sourceId": &graphql.Field{Type: graphql.String, Description: "The id the article had in its source.", Resolve: get(s, func(v graph.Article) any { return nullable(v.SourceID) })},
				"contentHash": &graphql.Field{
					Type:        graphql.NewNonNull(graphql.String),
					Description: "Hex SHA-256 of the text.",
					Resolve:     get(s, func(v graph.Article) any { return v.Hash }),
				},
				"text": &graphql.Field{
					Type:        graphql.NewNonNull(graphql.String),
					Description: "The text that spans point into.",
					Resolve:     get(s, func(v graph.Article) any { return v.Text }),
				},
				"ingested": &graphql.Field{Type: graphql.String, Description: "When it was first stored (RFC 3339).", Resolve: get(s, func(v graph.Article) any { return formatTime(v.Ingested) })},
				"quotes": &graphql.Field{
					Type:        graphql.NewNonNull(quoteConn),
					Description: "The quotations in this article.",
					Args:        pageArgs(),
					Resolve: with(s, func(p graphql.ResolveParams, v graph.Article) (any, error) {
						return s.quotePage(p, graph.QuoteFilter{ArticleID: v.ID})
					}),
				},
			}, idt.article)
		}),
	})

	quote = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Quote",
		Description: "One statement, printed in one or more articles (its occurrences), with who said it and where. text is the canonical text, the longest printing that contains or is contained in the first; the other fields are those of the first printing.",
		Interfaces:  []*graphql.Interface{node},
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			spanList := graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(spanType)))
			return extend(graphql.Fields{
				"id":   idField(s, typeQuote, func(v graph.Quote) uuid.UUID { return v.ID }),
				"text": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(s, func(v graph.Quote) any { return v.Text })},
				"kind": &graphql.Field{
					Type:        graphql.NewNonNull(graphql.String),
					Description: "direct, partial or indirect.",
					Resolve:     get(s, func(v graph.Quote) any { return v.Kind }),
				},
				"spans": &graphql.Field{
					Type:        spanList,
					Description: "The quotation's fragments in the article text, in order.",
					Resolve: get(s, func(v graph.Quote) any {
						if v.Spans == nil {
							return []graph.Span{}
						}
						return v.Spans
					}),
				},
				"cue":     &graphql.Field{Type: graphql.String, Description: "The reporting verb or phrase (\"said\").", Resolve: get(s, func(v graph.Quote) any { return nullable(v.Cue) })},
				"cueSpan": &graphql.Field{Type: spanType, Resolve: get(s, func(v graph.Quote) any { return optSpan(v.CueSpan) })},
				"cueKind": &graphql.Field{
					Type:        graphql.NewNonNull(graphql.String),
					Description: "speech (words said or written) or stance (a belief, an intention or a position the cue reports: \"supports\", \"plans to\"), of the first printing.",
					Resolve:     get(s, func(v graph.Quote) any { return v.CueKind }),
				},
				"mention":     &graphql.Field{Type: graphql.String, Description: "The speaker as the text names them (\"he\", \"Peskov\").", Resolve: get(s, func(v graph.Quote) any { return nullable(v.Mention) })},
				"mentionSpan": &graphql.Field{Type: spanType, Resolve: get(s, func(v graph.Quote) any { return optSpan(v.MentionSpan) })},
				"confidence": &graphql.Field{
					Type:        graphql.NewNonNull(graphql.Float),
					Description: "How sure the extractor was of the attribution, in [0, 1].",
					Resolve:     get(s, func(v graph.Quote) any { return v.Confidence }),
				},
				"published": &graphql.Field{Type: graphql.String, Description: "The article's date, ISO 8601.", Resolve: get(s, func(v graph.Quote) any { return formatTime(v.Published) })},
				"speaker": &graphql.Field{
					Type:        speaker,
					Description: "Who said it; null when unknown.",
					Resolve: with(s, func(p graphql.ResolveParams, v graph.Quote) (any, error) {
						return ref(s, p.Context, typeSpeaker, v.SpeakerID, s.store.Speaker)
					}),
				},
				"venue": &graphql.Field{
					Type:        venue,
					Description: "Where it was said; null when the article does not say.",
					Resolve: with(s, func(p graphql.ResolveParams, v graph.Quote) (any, error) {
						return ref(s, p.Context, typeVenue, v.VenueID, s.store.Venue)
					}),
				},
				"article": &graphql.Field{
					Type:        graphql.NewNonNull(article),
					Description: "The first article that printed it (dated articles before undated ones).",
					Resolve: with(s, func(p graphql.ResolveParams, v graph.Quote) (any, error) {
						return load(p.Context, typeArticle, v.ArticleID, s.store.Article)
					}),
				},
			}, idt.quote)
		}),
	})

	speakerConn = connectionType(s, "Speaker", speaker, pageInfo)
	quoteConn = connectionType(s, "Quote", quote, pageInfo)
	venueConn = connectionType(s, "Venue", venue, pageInfo)
	articleConn = connectionType(s, "Article", article, pageInfo)
	outletConn = connectionType(s, "Outlet", outlet, pageInfo)
	idt = s.identityFields(speaker, quote, article, venue, pageInfo, spanType, node)

	countsType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Counts",
		Description: "How many records of each type the graph holds. A statement is one thing said, however often " +
			"printed; a printing is its occurrence in one article. A person is one speaker, whatever names articles " +
			"gave them; a name is each of those names (a speaker record), merged into a person or not.",
		Fields: graphql.Fields{
			"articles":    &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(s, func(c graph.Counts) any { return c.Articles })},
			"statements":  &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Quotations (Quote records), each printed by one or more articles.", Resolve: get(s, func(c graph.Counts) any { return c.Quotes })},
			"printings":   &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Printings of statements, one per article that printed it (Occurrence records).", Resolve: get(s, func(c graph.Counts) any { return c.Occurrences })},
			"people":      &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Speakers as people: the names merged into one count once.", Resolve: get(s, func(c graph.Counts) any { return c.Speakers })},
			"names":       &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Speaker names: every name an article gave a speaker, merged into a person or not.", Resolve: get(s, func(c graph.Counts) any { return c.Names })},
			"venues":      &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(s, func(c graph.Counts) any { return c.Venues })},
			"outlets":     &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(s, func(c graph.Counts) any { return c.Outlets })},
			"quotes":      &graphql.Field{Type: graphql.NewNonNull(graphql.Int), DeprecationReason: "Use statements.", Resolve: get(s, func(c graph.Counts) any { return c.Quotes })},
			"occurrences": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), DeprecationReason: "Use printings.", Resolve: get(s, func(c graph.Counts) any { return c.Occurrences })},
			"speakers":    &graphql.Field{Type: graphql.NewNonNull(graphql.Int), DeprecationReason: "Use people.", Resolve: get(s, func(c graph.Counts) any { return c.Speakers })},
		},
	})

	ingested = graphql.NewObject(graphql.ObjectConfig{
		Name:        "IngestResult",
		Description: "What ingestArticle did.",
		Fields: graphql.Fields{
			"article":     &graphql.Field{Type: graphql.NewNonNull(article), Resolve: get(s, func(r graph.PutResult) any { return r.Article })},
			"quotes":      &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Printings stored for the article: one per quotation it prints.", Resolve: get(s, func(r graph.PutResult) any { return r.Quotes })},
			"created":     &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean), Description: "The article is new.", Resolve: get(s, func(r graph.PutResult) any { return !r.Unchanged && !r.Replaced })},
			"unchanged":   &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean), Description: "The same content was already stored; nothing was written.", Resolve: get(s, func(r graph.PutResult) any { return r.Unchanged })},
			"replaced":    &graphql.Field{Type: graphql.NewNonNull(graphql.Boolean), Description: "An article with the same URL or id but other content was replaced.", Resolve: get(s, func(r graph.PutResult) any { return r.Replaced })},
			"newSpeakers": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Speaker names no article gave before; a new name merged into a known person adds no person.", Resolve: get(s, func(r graph.PutResult) any { return r.NewSpeakers })},
			"newVenues":   &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(s, func(r graph.PutResult) any { return r.NewVenues })},
			"newQuotes":   &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Statements no article printed before (the article's other printings joined known statements).", Resolve: get(s, func(r graph.PutResult) any { return r.NewQuotes })},
			"merges":      &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Speakers merged by identity resolution.", Resolve: get(s, func(r graph.PutResult) any { return r.Merges })},
			"candidates":  &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Pairs of speakers offered for review.", Resolve: get(s, func(r graph.PutResult) any { return r.Candidates })},
		},
	})

	articleInput := graphql.NewInputObject(graphql.InputObjectConfig{
		Name:        "ArticleInput",
		Description: "An article to ingest. Its quotations are extracted from text.",
		Fields: graphql.InputObjectConfigFieldMap{
			"id":        &graphql.InputObjectFieldConfig{Type: graphql.String, Description: "The article's id in its source."},
			"url":       &graphql.InputObjectFieldConfig{Type: graphql.String, Description: "Re-ingesting the same URL replaces the article."},
			"title":     &graphql.InputObjectFieldConfig{Type: graphql.String},
			"outlet":    &graphql.InputObjectFieldConfig{Type: graphql.String},
			"published": &graphql.InputObjectFieldConfig{Type: graphql.String, Description: "ISO 8601 date or RFC 3339 time."},
			"text":      &graphql.InputObjectFieldConfig{Type: graphql.NewNonNull(graphql.String)},
		},
	})

	quoteOrder := graphql.NewEnum(graphql.EnumConfig{
		Name:        "QuoteOrder",
		Description: "An order of quotations.",
		Values: graphql.EnumValueConfigMap{
			"DATE":      &graphql.EnumValueConfig{Value: graph.OrderDate, Description: "By the article's date, oldest first, undated ones before; in an article, in text order."},
			"NEWEST":    &graphql.EnumValueConfig{Value: graph.OrderNewest, Description: "By the article's date, newest first, undated ones last."},
			"RELEVANCE": &graphql.EnumValueConfig{Value: graph.OrderRelevance, Description: "Best match of the search first (BM25); needs a search."},
		},
	})

	idArg := func(desc string) graphql.FieldConfigArgument {
		return graphql.FieldConfigArgument{"id": &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID), Description: desc}}
	}

	queryFields := graphql.Fields{
		"node": &graphql.Field{
			Type:        node,
			Description: "The record with a global id; null when there is none.",
			Args:        idArg("Any id the API returned."),
			Resolve:     s.resolver(s.node),
		},
		"speaker": &graphql.Field{
			Type:        speaker,
			Description: "A speaker by id, or by name: the exact full name or an alias, else a surname; null when none matches.",
			Args: graphql.FieldConfigArgument{
				"id":   &graphql.ArgumentConfig{Type: graphql.ID},
				"name": &graphql.ArgumentConfig{Type: graphql.String},
			},
			Resolve: s.resolver(s.speaker),
		},
		"quote":   lookupField(s, quote, "id", typeQuote, s.store.Quote),
		"article": lookupField(s, article, "id", typeArticle, s.store.Article),
		"venue":   lookupField(s, venue, "id", typeVenue, s.store.Venue),
		"outlet":  lookupField(s, outlet, "id", typeOutlet, s.store.Outlet),
		"speakers": &graphql.Field{
			Type:        graphql.NewNonNull(speakerConn),
			Description: "Speakers whose name, an alias or a word of the name starts with name (ignoring case and diacritics); all when name is omitted.",
			Args:        withArgs(pageArgs("name", graphql.String), graphql.FieldConfigArgument{"type": typeArg(speakerType, "Speakers")}),
			Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
				name, _ := p.Args["name"].(string)
				types := speakerTypes(p.Args)
				return paginate(p.Context, typeSpeaker, p.Args, func(ctx context.Context, pg graph.Page) ([]graph.Speaker, graph.PageInfo, error) {
					return s.store.FindSpeakersOfType(ctx, strings.TrimSpace(name), types, pg)
				})
			}),
		},
		"quotes": &graphql.Field{
			Type: graphql.NewNonNull(quoteConn),
			Description: "Quotations filtered by all the arguments given, by the date of their article, oldest first " +
				"(undated ones before), or as orderBy says.",
			Args: withArgs(filterArgs(), graphql.FieldConfigArgument{
				"article": &graphql.ArgumentConfig{Type: graphql.ID, Description: "An article's id."},
				"type":    typeArg(speakerType, "Quotations of speakers"),
				"orderBy": &graphql.ArgumentConfig{Type: quoteOrder, DefaultValue: graph.OrderDate},
				"first":   pageArgs()["first"],
				"after":   pageArgs()["after"],
				"last":    pageArgs()["last"],
				"before":  pageArgs()["before"],
			}),
			Resolve: s.resolver(s.quotes),
		},
		"venues": &graphql.Field{
			Type:        graphql.NewNonNull(venueConn),
			Description: "Venues whose name starts with name; all when name is omitted.",
			Args:        pageArgs("name", graphql.String),
			Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
				name, _ := p.Args["name"].(string)
				return paginate(p.Context, typeVenue, p.Args, func(ctx context.Context, pg graph.Page) ([]graph.Venue, graph.PageInfo, error) {
					return s.store.FindVenues(ctx, strings.TrimSpace(name), pg)
				})
			}),
		},
		"articles": &graphql.Field{
			Type:        graphql.NewNonNull(articleConn),
			Description: "Every article.",
			Args:        pageArgs(),
			Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
				return paginate(p.Context, typeArticle, p.Args, s.store.Articles)
			}),
		},
		"outlets": &graphql.Field{
			Type:        graphql.NewNonNull(outletConn),
			Description: "Every outlet.",
			Args:        pageArgs(),
			Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
				return paginate(p.Context, typeOutlet, p.Args, s.store.Outlets)
			}),
		},
		"counts": &graphql.Field{
			Type:        graphql.NewNonNull(countsType),
			Description: "How many records of each type the graph holds.",
			Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
				return s.store.Counts(p.Context)
			}),
		},
	}
	for name, f := range s.statsFields(node) {
		queryFields[name] = f
	}
	queryFields["version"] = s.versionField()
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: queryFields})

	mutation := graphql.NewObject(graphql.ObjectConfig{
		Name: "Mutation",
		Fields: graphql.Fields{
			"ingestArticle": &graphql.Field{
				Type:        graphql.NewNonNull(ingested),
				Description: "Extracts the quotations of an article and stores it with them. Ingesting the same content again changes nothing.",
				Args: graphql.FieldConfigArgument{
					"input": &graphql.ArgumentConfig{Type: graphql.NewNonNull(articleInput)},
				},
				Resolve: s.resolver(s.ingestArticle),
			},
		},
	})

	for name, f := range idt.query {
		query.AddFieldConfig(name, f)
	}
	for name, f := range idt.mutation {
		mutation.AddFieldConfig(name, f)
	}
	return graphql.NewSchema(graphql.SchemaConfig{
		Query:        query,
		Mutation:     mutation,
		Subscription: s.subscriptionType(quote, idt.occurrence),
		Types:        []graphql.Type{speaker, quote, venue, article, outlet, s.candidateType},
	})
}

var stringList = graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(graphql.String)))

// connectionType declares NameConnection and NameEdge over nodes of t.
func connectionType(s *Schema, name string, t *graphql.Object, pageInfo *graphql.Object) *graphql.Object {
	edgeType := graphql.NewObject(graphql.ObjectConfig{
		Name: name + "Edge",
		Fields: graphql.Fields{
			"cursor": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: get(s, func(e edge) any { return e.cursor })},
			"node":   &graphql.Field{Type: graphql.NewNonNull(t), Resolve: get(s, func(e edge) any { return e.node })},
		},
	})
	return graphql.NewObject(graphql.ObjectConfig{
		Name:        name + "Connection",
		Description: "A page of " + name + " records, Relay style: first and after page forward (pass pageInfo.endCursor as after for the next page), last and before backward (pass pageInfo.startCursor as before for the previous one).",
		Fields: graphql.Fields{
			"edges":      &graphql.Field{Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(edgeType))), Resolve: get(s, func(c *connection) any { return c.edges })},
			"pageInfo":   &graphql.Field{Type: graphql.NewNonNull(pageInfo), Resolve: get(s, func(c *connection) any { return c })},
			"totalCount": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Description: "Items in the whole list, not the page.", Resolve: get(s, func(c *connection) any { return c.totalCount })},
		},
	})
}

// pageArgs returns first, after, last and before, and more arguments
// given as name, type pairs.
func pageArgs(more ...any) graphql.FieldConfigArgument {
	args := graphql.FieldConfigArgument{
		"first":  &graphql.ArgumentConfig{Type: graphql.Int, Description: fmt.Sprintf("Page forward: the page size, from 0 to the server's largest page (%d unless configured); %d (or the largest page, if smaller) when neither first nor last is given.", maxFirst, defaultFirst)},
		"after":  &graphql.ArgumentConfig{Type: graphql.String, Description: "A cursor from this list: the page starts after it."},
		"last":   &graphql.ArgumentConfig{Type: graphql.Int, Description: fmt.Sprintf("Page backward: the last items of the list, or of those before the cursor before; from 0 to the server's largest page (%d unless configured). Not with first.", maxFirst)},
		"before": &graphql.ArgumentConfig{Type: graphql.String, Description: "A cursor from this list: the page ends before it (with last, or its default size). Not with after."},
	}
	for i := 0; i+1 < len(more); i += 2 {
		args[more[i].(string)] = &graphql.ArgumentConfig{Type: more[i+1].(graphql.Input)}
	}
	return args
}

// get resolves a field of a source of type T with f, which cannot fail.
func get[T any](s *Schema, f func(T) any) graphql.FieldResolveFn {
	return with(s, func(_ graphql.ResolveParams, v T) (any, error) { return f(v), nil })
}

// with resolves a field of a source of type T with f.
func with[T any](s *Schema, f func(graphql.ResolveParams, T) (any, error)) graphql.FieldResolveFn {
	return s.resolver(func(p graphql.ResolveParams) (any, error) {
		v, ok := p.Source.(T)
		if !ok {
			var want T
			return nil, fmt.Errorf("source of %s is %T, want %T", fieldPath(p), p.Source, want)
		}
		return f(p, v)
	})
}

func idField[T any](s *Schema, typ string, id func(T) uuid.UUID) *graphql.Field {
	return &graphql.Field{
		Type:    graphql.NewNonNull(graphql.ID),
		Resolve: get(s, func(v T) any { return encodeID(typ, id(v)) }),
	}
}

// lookupField declares a root field that finds one record by id.
func lookupField[T any](s *Schema, t *graphql.Object, arg, typ string, read func(context.Context, uuid.UUID) (T, error)) *graphql.Field {
	return &graphql.Field{
		Type:        t,
		Description: "The " + typ + " with this id; null when there is none.",
		Args:        graphql.FieldConfigArgument{arg: &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID)}},
		Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
			raw, _ := p.Args[arg].(string)
			id, err := decodeTypedID(arg, typ, raw)
			if err != nil {
				return nil, err
			}
			return find(p.Context, typ, id, read)
		}),
	}
}

// find reads a record for a nullable field: not found is null.
func find[T any](ctx context.Context, typ string, id uuid.UUID, read func(context.Context, uuid.UUID) (T, error)) (any, error) {
	v, err := load(ctx, typ, id, read)
	if errors.Is(err, graph.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// ref follows a reference from one record to another. A reference to a
// record that is gone is logged, as the store should not allow it, and
// shown as null.
func ref[T any](s *Schema, ctx context.Context, typ string, id uuid.UUID, read func(context.Context, uuid.UUID) (T, error)) (any, error) {
	if id == uuid.Nil {
		return nil, nil
	}
	v, err := load(ctx, typ, id, read)
	if errors.Is(err, graph.ErrNotFound) {
		s.logger.WarnContext(ctx, "dangling reference", "type", typ, "id", id)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// node resolves Query.node.
func (s *Schema) node(p graphql.ResolveParams) (any, error) {
	raw, _ := p.Args["id"].(string)
	typ, id, err := decodeID(raw)
	if err != nil {
		return nil, err
	}
	ctx := p.Context
	switch typ {
	case typeSpeaker:
		return find(ctx, typ, id, s.store.Speaker)
	case typeQuote:
		return find(ctx, typ, id, s.store.Quote)
	case typeVenue:
		return find(ctx, typ, id, s.store.Venue)
	case typeArticle:
		return find(ctx, typ, id, s.store.Article)
	case typeOutlet:
		return find(ctx, typ, id, s.store.Outlet)
	case typeCandidate:
		return s.candidate(ctx, id)
	case typeMerge:
		return nil, nil
	}
	return nil, fmt.Errorf("node: decoded id of unknown type %q", typ)
}

// speaker resolves Query.speaker.
func (s *Schema) speaker(p graphql.ResolveParams) (any, error) {
	rawID, hasID := p.Args["id"].(string)
	name, hasName := p.Args["name"].(string)
	switch {
	case hasID && hasName:
		return nil, inputErrorf("speaker: give id or name, not both")
	case hasID:
		id, err := decodeTypedID("id", typeSpeaker, rawID)
		if err != nil {
			return nil, err
		}
		return find(p.Context, typeSpeaker, id, s.store.Speaker)
	case hasName:
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, inputErrorf("name: must not be empty")
		}
		sp, err := s.store.SpeakerByName(p.Context, name)
		if errors.Is(err, graph.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return sp, nil
	}
	return nil, inputErrorf("speaker: give id or name")
}

// maxNameMatches bounds the speakers or venues one name argument of
// quotes may stand for: the store takes at most 256 ids in a filter.
const maxNameMatches = 256

// quotes resolves Query.quotes.
func (s *Schema) quotes(p graphql.ResolveParams) (any, error) {
	f, none, err := s.quoteFilter(p.Context, p.Args)
	if err != nil {
		return nil, err
	}
	if none {
		return &connection{}, nil
	}
	if raw, ok := p.Args["article"].(string); ok {
		id, err := decodeTypedID("article", typeArticle, raw)
		if err != nil {
			return nil, err
		}
		f.ArticleID = id
	}
	if o, ok := p.Args["orderBy"].(graph.QuoteOrder); ok {
		f.Order = o
	}
	f.SpeakerTypes = speakerTypes(p.Args)
	if f.Order == graph.OrderRelevance && graph.ParseSearch(f.Search).Empty() {
		return nil, inputErrorf("orderBy: RELEVANCE needs a search")
	}
	return s.quotePage(p, f)
}

// quotePage resolves a quote connection with filter f. The store counts
// every match only when the query asks for totalCount.
func (s *Schema) quotePage(p graphql.ResolveParams, f graph.QuoteFilter) (*connection, error) {
	skip := !selects(p, "totalCount")
	return paginate(p.Context, typeQuote, p.Args, func(ctx context.Context, pg graph.Page) ([]graph.Quote, graph.PageInfo, error) {
		pg.SkipTotal = skip
		return s.store.Quotes(ctx, f, pg)
	})
}

// selects reports whether the field being resolved selects a field named
// name, directly or through fragments.
func selects(p graphql.ResolveParams, name string) bool {
	var walk func(set *ast.SelectionSet, depth int) bool
	walk = func(set *ast.SelectionSet, depth int) bool {
		if set == nil || depth > 8 {
			return false
		}
		for _, sel := range set.Selections {
			switch sel := sel.(type) {
			case *ast.Field:
				if sel.Name != nil && sel.Name.Value == name {
					return true
				}
			case *ast.InlineFragment:
				if walk(sel.SelectionSet, depth+1) {
					return true
				}
			case *ast.FragmentSpread:
				if sel.Name == nil {
					continue
				}
				if f, ok := p.Info.Fragments[sel.Name.Value].(*ast.FragmentDefinition); ok && walk(f.SelectionSet, depth+1) {
					return true
				}
			}
		}
		return false
	}
	for _, f := range p.Info.FieldASTs {
		if walk(f.SelectionSet, 0) {
			return true
		}
	}
	return false
}

// intersect returns b when a is empty (no filter yet), else the ids in
// both.
func intersect(a, b []uuid.UUID) []uuid.UUID {
	if a == nil {
		return b
	}
	var out []uuid.UUID
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// speakerIDs finds the speakers a name stands for: those with a full name
// or alias holding every word of name ("Lavrov", "Sergei Lavrov"), else
// the one SpeakerByName picks. None is not an error.
func (s *Schema) speakerIDs(ctx context.Context, name string) ([]uuid.UUID, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, inputErrorf("speaker: must not be empty")
	}
	var ids []uuid.UUID
	page := graph.Page{First: maxFirst}
	for len(ids) < maxNameMatches {
		sps, info, err := s.store.FindSpeakers(ctx, name, page)
		if err != nil {
			return nil, err
		}
		for _, sp := range sps {
			if len(ids) < maxNameMatches && nameMatches(name, append([]string{sp.Name}, sp.Aliases...)...) {
				ids = append(ids, sp.ID)
			}
		}
		if !info.HasNextPage || info.EndCursor == "" {
			break
		}
		page.After = info.EndCursor
	}
	if len(ids) > 0 {
		return ids, nil
	}
	sp, err := s.store.SpeakerByName(ctx, name)
	if errors.Is(err, graph.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []uuid.UUID{sp.ID}, nil
}

// venueIDs finds the venues whose name holds every word of name.
func (s *Schema) venueIDs(ctx context.Context, name string) ([]uuid.UUID, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, inputErrorf("venue: must not be empty")
	}
	var ids []uuid.UUID
	page := graph.Page{First: maxFirst}
	for len(ids) < maxNameMatches {
		vs, info, err := s.store.FindVenues(ctx, name, page)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if len(ids) < maxNameMatches && nameMatches(name, v.Name) {
				ids = append(ids, v.ID)
			}
		}
		if !info.HasNextPage || info.EndCursor == "" {
			break
		}
		page.After = info.EndCursor
	}
	return ids, nil
}

// ingestArticle resolves Mutation.ingestArticle.
func (s *Schema) ingestArticle(p graphql.ResolveParams) (any, error) {
	in, _ := p.Args["input"].(map[string]any)
	str := func(k string) string { v, _ := in[k].(string); return strings.TrimSpace(v) }
	a := ingest.Article{
		ID:     str("id"),
		URL:    str("url"),
		Title:  str("title"),
		Outlet: str("outlet"),
	}
	a.Text, _ = in["text"].(string)
	if strings.TrimSpace(a.Text) == "" {
		return nil, inputErrorf("input.text: must not be empty")
	}
	if len(a.Text) > ingest.MaxArticleBytes {
		return nil, inputErrorf("input.text: longer than %d bytes", ingest.MaxArticleBytes)
	}
	if pub := str("published"); pub != "" {
		t, err := parseTime("input.published", pub, false)
		if err != nil {
			return nil, err
		}
		a.Published = t
	}
	return s.storeArticle(p.Context, a)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func optID(typ string, id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return encodeID(typ, id)
}

func optSpan(sp *graph.Span) any {
	if sp == nil {
		return nil
	}
	return *sp
}
