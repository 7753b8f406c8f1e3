package main

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/graphd/graphd"
	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

func runDemo(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "demo", "[--db DIR] [--addr HOST:PORT] [flags]",
		"Store the two bundled sample articles (a news report and a machine-rewritten copy of it)\n"+
			"in a store of their own, then serve it as 'graphd serve' does, with the same flags. The\n"+
			"demo's store is ./graphd-demo, not serve's ./graphd-data; run it again and it serves what\n"+
			"it stored.")
	db := f.String("db", "GRAPHD_DEMO_DB", "graphd-demo", "directory of the demo's Badger store")
	sf := defineServeFlags(f)
	if _, err := f.parse(e, args); err != nil {
		return err
	}
	opts, err := sf.options()
	if err != nil {
		return err
	}
	store, err := openServedStore(e, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := ingestSamples(ctx, e, store); err != nil {
		return err
	}
	if err := serve(ctx, e, store, opts); err != nil {
		return err
	}
	return store.Close()
}

// ingestSamples stores the sample articles embedded in the binary, and
// says what the store then holds. Samples stored already are left as they
// are.
func ingestSamples(ctx context.Context, e *env, store *graph.Store) error {
	names, err := fs.Glob(graphd.Samples, "testdata/seeds/*.txt")
	if err != nil {
		return err
	}
	stored := 0
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
			if !res.Unchanged {
				stored++
			}
		}
	}
	c, err := store.Counts(ctx)
	if err != nil {
		return err
	}
	switch stored {
	case 0:
		fmt.Fprintf(e.stdout, "samples already stored\n")
	case len(names):
		fmt.Fprintf(e.stdout, "stored the %d sample articles\n", stored)
	default:
		fmt.Fprintf(e.stdout, "stored %d of the %d sample articles; the others were stored already\n", stored, len(names))
	}
	fmt.Fprintf(e.stdout, "store: %s\n", describeCounts(c))
	return nil
}
