package main

import (
	"context"
	"fmt"
	"time"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

func runReindex(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "reindex", "[--db DIR]",
		"Rebuild everything graphd derives from the stored articles: extract every article again,\n"+
			"in the order they were first stored, resolve speaker identities, group quotations and\n"+
			"find copies anew. Decisions people made (confirmMerge, undoMerge, rejectCandidate) are\n"+
			"kept and applied. Articles and their ids are kept; quote, speaker and venue ids are new.\n"+
			"The new graph is built in a new store beside DIR and swapped in once complete: until then\n"+
			"DIR is as it was (readable, not writable), and an interrupted reindex leaves it so.")
	db := dbFlag(f)
	gc := addGCFlags(f)
	if _, err := f.parse(e, args); err != nil {
		return err
	}
	restore, err := gc.apply()
	if err != nil {
		return err
	}
	defer restore()
	if *db == "" {
		return fmt.Errorf("--db: no directory given")
	}
	start := time.Now()
	var bar *progress
	var c graph.Counts
	err = graph.ReindexBeside(ctx, *db, bulkOptions(e), func(s *graph.Store) error {
		before, err := s.Counts(ctx)
		if err != nil {
			return err
		}
		bar = newProgress(e.stderr, int64(before.Articles))
		err = ingest.Reindex(ctx, s, func(done int) {
			bar.add(1)
			bar.set(done, 0, 0)
		})
		bar.stop()
		if err != nil {
			return err
		}
		c, err = s.Counts(ctx)
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted; %s is as it was", *db)
		}
		return fmt.Errorf("%w; %s is as it was", buildError(e, err), *db)
	}
	fmt.Fprintf(e.stdout, "reindexed %s: %s (%s), %s in %s\n",
		plural(c.Articles, "article", "articles"), plural(c.Quotes, "quote", "quotes"),
		plural(c.Occurrences, "printing", "printings"), plural(c.Speakers, "speaker", "speakers"),
		time.Since(start).Round(time.Millisecond))
	return nil
}
