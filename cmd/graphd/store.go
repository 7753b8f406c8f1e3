package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/graphd/graphd/graph"
)

// openDB opens the store in dir with opts for the running command, which
// the store's holder record names. A store another process holds gives
// an error that says who holds it and how to reach it (lockedError)
// instead of Badger's lock message.
func openDB(e *env, dir string, opts graph.Options) (*graph.Store, error) {
	if dir == "" {
		return nil, fmt.Errorf("--db: no directory given")
	}
	opts.Logger = e.logger
	opts.Command = e.command
	s, err := graph.Open(dir, opts)
	if le, ok := errors.AsType[*graph.LockedError](err); ok {
		return nil, lockedError(e.name, le)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	// A store whose reindex was cut short holds only some of what its
	// articles give: only reindex (which finishes it) and check (which
	// says so) take it.
	if s.ReindexPending() && e.name != "reindex" && e.name != "check" {
		s.Close()
		return nil, fmt.Errorf("store %s: %w", dir, graph.ErrReindexPending)
	}
	return s, nil
}

// lockedError says which process holds the store le names, and what the
// command cmd can do instead: reach a server through its address, or wait
// for the holder, or stop it.
func lockedError(cmd string, le *graph.LockedError) error {
	var hint string
	srv, served := le.Server()
	url := strings.TrimSuffix(srv.Addr, "/")
	switch {
	case served && cmd == "ingest":
		hint = "send the articles to it instead: graphd ingest --server " + url + " PATH…"
	case served && cmd == "export":
		hint = "export through it instead: graphd export --server " + url + " --format … (the same flags, --db aside)"
	case served && cmd == "check":
		hint = "check it through the server instead: graphd check --server " + url +
			" (with the server's write token in --token-file or GRAPHD_TOKEN)"
	case served && (cmd == "serve" || cmd == "demo"):
		hint = fmt.Sprintf("it is served at %s already; stop that server (kill -TERM %d) to serve the store from here", url, srv.PID)
	case served:
		hint = fmt.Sprintf("stop the server first (kill -TERM %d), then run graphd %s again, and start the server after it", srv.PID, cmd)
	case len(le.Holders) > 0 && allReading(le.Holders):
		hint = "wait for it to finish: a store being read cannot be opened for writing"
	case len(le.Holders) > 0:
		pids := make([]string, len(le.Holders))
		for i, h := range le.Holders {
			pids[i] = fmt.Sprint(h.PID)
		}
		hint = fmt.Sprintf("wait for it to finish, or stop it (kill -TERM %s) and run graphd %s again", strings.Join(pids, " "), cmd)
	default:
		hint = "stop the process that holds it and run graphd " + cmd + " again"
	}
	return fmt.Errorf("%w;\n  %s", le, hint)
}

func allReading(hs []graph.Holder) bool {
	for _, h := range hs {
		if !h.ReadOnly {
			return false
		}
	}
	return true
}
