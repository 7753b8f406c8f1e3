package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/graphd/graphd/graph"
)

func runCheck(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "check", "[--db DIR | --server URL]",
		"Open the store read-only and check its consistency: every index entry points at a record\n"+
			"that agrees with it, every record has its index entries, and the counters are right.\n"+
			"With --server, a running graphd checks the store it serves (GET /check, with its write token).")
	db := dbFlag(f)
	sf := defineServerFlags(f, "check the store")
	if _, err := f.parse(e, args); err != nil {
		return err
	}
	if c, err := sf.client(f); err != nil || c != nil {
		if err != nil {
			return err
		}
		return checkRemote(ctx, e, c)
	}
	// Read-only: checking writes nothing, so it works on a full disk.
	// A store of an earlier layout is upgraded first, and one that was not
	// closed cleanly recovered, which need a write (on a full disk the
	// store then says so).
	store, err := openDB(e, *db, graph.Options{ReadOnly: true})
	if errors.Is(err, graph.ErrOldLayout) || errors.Is(err, graph.ErrRecover) {
		store, err = openStore(e, *db)
	}
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Check(ctx); err != nil {
		return err
	}
	c, err := store.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok: %s\n", describeCounts(c))
	return store.Close()
}
