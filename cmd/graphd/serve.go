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
	"github.com/graphd/graphd/schema"
)

func addrFlag(f *flags) *string {
	return f.String("addr", "GRAPHD_ADDR", "127.0.0.1:8080", "address to listen on; port 0 picks a free one")
}

func runServe(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "serve", "[--db DIR] [--addr HOST:PORT]",
		"Serve the store over GraphQL: POST and GET /graphql, and a GraphQL playground at /\n"+
			"that works offline. The store is locked while graphd serves it; add articles through\n"+
			"the ingestArticle mutation, or stop the server and run 'graphd ingest'.")
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
