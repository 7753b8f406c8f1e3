package main

import (
	"context"
	"fmt"
)

func runCheck(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "check", "[--db DIR]",
		"Open the store and check its consistency: every index entry points at a record that\n"+
			"agrees with it, every record has its index entries, and the counters are right.")
	db := dbFlag(f)
	if _, err := f.parse(e, args); err != nil {
		return err
	}
	store, err := openStore(e, *db)
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
