package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/graphd/graphd"
	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
	"github.com/graphd/graphd/schema"
)

func addrFlag(f *flags) *string {
	return f.String("addr", "GRAPHD_ADDR", "127.0.0.1:8080", "address to listen on; port 0 picks a free one")
}

func runServe(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "serve", "[--db DIR] [--addr HOST:PORT]",
		"Serve the store over HTTP:\n"+
			"  /graphql     GraphQL: POST and GET, and WebSocket (graphql-transport-ws) for subscriptions\n"+
			"  /            the GraphQL playground, which works offline\n"+
			"  /dashboard   the dashboard: totals, timeline, top speakers, venues and outlets, live feed\n"+
			"  /events      the live feed of new quotations as server-sent events\n"+
			"  /export      exports: ?format=jsonl|nquads|graphml|csv and the filters of quotes\n"+
			"  /healthz     the process answers; /readyz: the store is open and serving\n"+
			"  /metrics     Prometheus metrics\n"+
			"The store is locked while graphd serves it; add articles through the ingestArticle\n"+
			"mutation, or stop the server and run 'graphd ingest'. SIGINT and SIGTERM stop it gracefully.")
	db := dbFlag(f)
	addr := addrFlag(f)
	if _, err := f.parse(e, args); err != nil {
		return err
	}
	store, err := openStore(e, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := serve(ctx, e, store, *addr); err != nil {
		return err
	}
	return store.Close()
}

func runDemo(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "demo", "[--db DIR] [--addr HOST:PORT]",
		"Ingest the two bundled sample articles (a news report and a machine-rewritten copy of it)\n"+
			"into the store, then serve it as 'graphd serve' does.")
	db := dbFlag(f)
	addr := addrFlag(f)
	if _, err := f.parse(e, args); err != nil {
		return err
	}
	store, err := openStore(e, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := ingestSamples(ctx, e, store); err != nil {
		return err
	}
	if err := serve(ctx, e, store, *addr); err != nil {
		return err
	}
	return store.Close()
}

// ingestSamples stores the sample articles embedded in the binary.
func ingestSamples(ctx context.Context, e *env, store *graph.Store) error {
	names, err := fs.Glob(graphd.Samples, "testdata/seeds/*.txt")
	if err != nil {
		return err
	}
	quotes := 0
	for _, name := range names {
		data, err := fs.ReadFile(graphd.Samples, name)
		if err != nil {
			return err
		}
		arts, err := ingest.ReadBytes(name, data)
		if err != nil {
			return err
		}
		for _, a := range arts {
			res, err := ingest.Store(ctx, store, a)
			if err != nil {
				return fmt.Errorf("sample %s: %w", name, err)
			}
			quotes += res.Quotes
		}
	}
	fmt.Fprintf(e.stdout, "ingested %d sample articles, %d quotes\n", len(names), quotes)
	return nil
}

// serve serves store at addr until ctx is done, then shuts down gracefully.
func serve(ctx context.Context, e *env, store *graph.Store, addr string) error {
	h, err := schema.New(store, e.logger)
	if err != nil {
		return fmt.Errorf("build schema: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(e.logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	srv.RegisterOnShutdown(h.Shutdown) // live feeds end, WebSocket and SSE
	url := "http://" + ln.Addr().String() + "/"
	e.logger.Info("serving", "playground", url, "dashboard", url+"dashboard", "graphql", url+"graphql")
	fmt.Fprintf(e.stdout, "graphd is serving the playground at %s, the dashboard at %sdashboard and GraphQL at %sgraphql\n", url, url, url)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	e.logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
