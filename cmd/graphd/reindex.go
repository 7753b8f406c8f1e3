package main

import (
	"context"
	"fmt"
	"time"

	"github.com/graphd/graphd/ingest"
)

func runReindex(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "reindex", "[--db DIR]",
		"Rebuild everything graphd derives from the stored articles: extract every article again,\n"+
			"in the order they were first stored, resolve speaker identities, group quotations and\n"+
			"find copies anew. Decisions people made (confirmMerge, undoMerge, rejectCandidate) are\n"+
			"kept and applied. Articles and their ids are kept; quote, speaker and venue ids are new.")
	db := dbFlag(f)
	if _, err := f.parse(e, args); err != nil {
		return err
	}
	store, err := openStore(e, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	before, err := store.Counts(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	bar := newProgress(e.stderr, int64(before.Articles))
	err = ingest.Reindex(ctx, store, func(done int) {
		bar.add(1)
		bar.set(done, 0, 0)
	})
	bar.stop()
	if err != nil {
		return err
	}
	c, err := store.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reindexed %s: %s (%s), %s in %s\n",
		plural(c.Articles, "article", "articles"), plural(c.Quotes, "quote", "quotes"),
		plural(c.Occurrences, "printing", "printings"), plural(c.Speakers, "speaker", "speakers"),
		time.Since(start).Round(time.Millisecond))
	return store.Close()
}
