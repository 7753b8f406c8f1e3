package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

// killAtEnv names a step of a bulk load or reindex (graph.StepCopied,
// StepStaged, StepMerged, StepStreamed, StepSwapped) at which graphd kills itself
// with SIGKILL: the tests of what a build cut short leaves use it.
const killAtEnv = "GRAPHD_TEST_KILL_AT"

// bulkOptions are the options of a bulk load or reindex run by the
// command: its steps are logged (at debug level).
func bulkOptions(e *env) graph.BulkOptions {
	kill := os.Getenv(killAtEnv)
	return graph.BulkOptions{
		Logger:  e.logger,
		Command: e.command,
		Step: func(step string) {
			e.logger.Debug("build step", "step", step)
			if step == kill {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
		},
	}
}

// buildError is the error of a bulk load or reindex, with the hint of
// lockedError when the store is held.
func buildError(e *env, err error) error {
	if le, ok := errors.AsType[*graph.LockedError](err); ok {
		return lockedError(e.name, le)
	}
	return err
}

// ingestBulk builds the store at db from the articles under paths:
// ingested into a staging store as a live ingest would, then streamed
// into a new store swapped in at db (graph.BulkLoad).
func ingestBulk(ctx context.Context, e *env, db string, paths []string, opts ingest.Options, listSkipped bool) error {
	if db == "" {
		return fmt.Errorf("--db: no directory given")
	}
	var sum *summary
	var before, after graph.Counts
	err := graph.BulkLoad(ctx, db, bulkOptions(e), func(s *graph.Store) error {
		var err error
		sum, err = ingestPaths(ctx, e, s, paths, opts, listSkipped)
		if err != nil {
			return err
		}
		after, err = s.Counts(ctx) // BulkLoad merges the search segments next
		return err
	})
	if sum != nil && err == nil {
		sum.before, sum.after = &before, &after
	}
	if sum != nil {
		if err != nil && sum.stopped == "" && ctx.Err() != nil {
			sum.stopped = "interrupted"
		}
		fmt.Fprintln(e.stdout, sum)
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return fmt.Errorf("interrupted; %s is as it was: run the same bulk load again", db)
	case err != nil:
		return fmt.Errorf("%w; %s is as it was", buildError(e, err), db)
	case sum.errors > 0:
		return errFailed
	}
	return nil
}
