package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
	"github.com/graphd/graphd/schema"
)

func addrFlag(f *flags) *string {
	return f.String("addr", "GRAPHD_ADDR", "127.0.0.1:8080", "address to listen on; port 0 picks a free one")
}

func runServe(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "serve", "[--db DIR] [--addr HOST:PORT] [--token-file FILE] [flags]",
		"Serve the store over HTTP:\n"+
			"  /graphql     GraphQL: POST and GET, and WebSocket (graphql-transport-ws) for subscriptions\n"+
			"  /            the GraphQL playground, which works offline\n"+
			"  /dashboard   the dashboard: totals, timeline, top speakers, venues and outlets, live feed\n"+
			"  /ingest      POST JSON Lines articles, streamed; one result a line once stored (write token)\n"+
			"  /events      the live feed of new quotations as server-sent events\n"+
			"  /export      exports: ?format=jsonl|nquads|graphml|csv and the filters of quotes\n"+
			"  /check       the store's consistency check (write token)\n"+
			"  /healthz     the process answers; /readyz: the store is open and serving\n"+
			"  /metrics     Prometheus metrics\n"+
			"The store is locked while graphd serves it; add articles with 'graphd ingest --server URL',\n"+
			"POST /ingest or the ingestArticle mutation. SIGINT and SIGTERM stop it gracefully.\n"+
			"With --nats, the articles of POST /ingest and 'graphd ingest --server' are extracted by\n"+
			"'graphd worker' processes and written here; ingestArticle still extracts here.\n"+
			"On an address other than loopback it needs a write token (--token-file or GRAPHD_TOKEN),\n"+
			"or --insecure.")
	db := dbFlag(f)
	sf := defineServeFlags(f)
	nf := addNATSFlags(f)
	gc := addGCFlags(f)
	if _, err := f.parse(e, args); err != nil {
		return err
	}
	restore, err := gc.apply()
	if err != nil {
		return err
	}
	defer restore()
	opts, err := sf.options()
	if err != nil {
		return err
	}
	var no ingest.NATSOptions
	if nf.url() != "" {
		if no, err = nf.options(e); err != nil {
			return err
		}
	}
	store, err := openServedStore(e, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if nf.url() != "" {
		nc, js, err := ingest.ConnectNATS(nf.url(), "graphd serve")
		if err != nil {
			return err
		}
		defer nc.Close()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = ingest.MakeStreams(sctx, js, no)
		cancel()
		if err != nil {
			return fmt.Errorf("NATS at %s: %w", nf.url(), err)
		}
		opts.extra = append(opts.extra, schema.WithSubmitter(func(ctx context.Context, batch int) (schema.Submitter, error) {
			l, err := ingest.NewLoad(ctx, js, store, no, ingest.Options{Batch: batch, Gate: opts.gate})
			if err != nil {
				return nil, err
			}
			e.logger.Info("an ingest stream goes to workers", "nats", nf.url(), "run", l.Run())
			return l, nil
		}))
		e.logger.Info("articles sent to this server are extracted by graphd worker processes", "nats", nf.url())
	}
	if err := serve(ctx, e, store, opts); err != nil {
		return err
	}
	return store.Close()
}

// openServedStore opens the store for a server, with Badger's own metrics
// on for /metrics.
func openServedStore(e *env, dir string) (*graph.Store, error) {
	return openDB(e, dir, graph.Options{Metrics: true})
}

// serve serves store as opts say until ctx is done, then shuts down
// gracefully.
func serve(ctx context.Context, e *env, store *graph.Store, opts serveOptions) error {
	if opts.gate != nil {
		// Queries go ahead of the store's writer too, whoever drives it.
		store.SetThrottle(opts.gate.Step)
		defer store.SetThrottle(nil)
	}
	h, err := schema.New(store, e.logger, append([]schema.Option{
		schema.WithLimits(opts.limits),
		schema.WithAccess(opts.access),
		schema.WithCORS(opts.origins...),
		schema.WithBuild(buildInfo()),
		schema.WithGate(opts.gate),
	}, opts.extra...)...)
	if err != nil {
		return fmt.Errorf("build schema: %w", err)
	}
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if opts.maxConns > 0 {
		ln = capConnections(ln, opts.maxConns, e.logger, h.Registry())
	}
	// The store's holder record tells a command that finds the store
	// locked where to reach it instead.
	if reach, err := dialAddr(ln.Addr().String()); err == nil {
		if err := store.SetAddr("http://" + reach); err != nil {
			e.logger.Warn("the store's holder record does not tell where it is served", "err", err)
		}
	}
	var stopPprof func(context.Context) error
	if opts.pprof != "" {
		if stopPprof, err = servePprof(e, opts.pprof); err != nil {
			ln.Close()
			return err
		}
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: opts.readHeaderTimeout,
		ReadTimeout:       opts.readTimeout,
		WriteTimeout:      opts.writeTimeout,
		IdleTimeout:       opts.idleTimeout,
		ErrorLog:          slog.NewLogLogger(e.logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	srv.RegisterOnShutdown(h.Shutdown) // live feeds end, WebSocket and SSE
	url := "http://" + ln.Addr().String() + "/"
	e.logger.Info("serving", "playground", url, "dashboard", url+"dashboard", "graphql", url+"graphql",
		"version", buildInfo().Version, "writes", accessSummary(opts))
	if !isLoopback(opts.addr) && opts.access.WriteToken == "" {
		e.logger.Warn("serving without a token on an address other than loopback (--insecure): anyone who can reach it can change the store", "addr", opts.addr)
	}
	fmt.Fprintf(e.stdout, "graphd is serving the playground at %s, the dashboard at %sdashboard and GraphQL at %sgraphql\n", url, url, url)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	e.logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), opts.shutdownTimeout)
	defer cancel()
	if stopPprof != nil {
		stopPprof(sctx)
	}
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// accessSummary says in the log who may write and read.
func accessSummary(opts serveOptions) string {
	switch {
	case opts.access.ReadToken != "":
		return "token; reads need the read token"
	case opts.access.WriteToken != "":
		return "token; reads open"
	}
	return "open"
}
