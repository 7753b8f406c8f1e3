package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

func runIngest(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "ingest", "[--db DIR | --server URL] PATH...",
		"Read articles into the store: .txt (first line the headline, or a 'date YYYY-MM-DD headline'\n"+
			"header), .json, .jsonl and .html files; directories are walked. A file or record that\n"+
			"cannot be read is reported and skipped, the rest is ingested, and the exit status is 1.\n"+
			"Articles are written in batches, each article whole; re-ingesting the same content changes nothing.\n"+
			"With --server, the articles go to a running graphd (POST /ingest), which extracts and stores\n"+
			"them; what it acknowledged is stored.\n"+
			"With --bulk, into a new or empty store only, the articles are ingested into a staging store\n"+
			"beside DIR and streamed into a new store, swapped in at DIR once complete: an interrupted\n"+
			"bulk load leaves DIR as it was.")
	db := dbFlag(f)
	sf := defineServerFlags(f, "send the articles")
	workers := f.Int("workers", "GRAPHD_WORKERS", runtime.GOMAXPROCS(0), "articles extracted in parallel")
	batch := f.Int("batch", "GRAPHD_BATCH", 256, "most articles written in one batch (the store splits a batch into as many transactions as it needs)")
	listSkipped := f.Bool("list-skipped", "GRAPHD_LIST_SKIPPED", false, "name each file skipped in a walked directory (hidden, or not a format graphd reads); they are counted anyway")
	bulk := f.Bool("bulk", "GRAPHD_BULK", false, "build a new store (DIR new, or an empty store): stage, then stream it in sorted order and swap it in whole")
	nf := addNATSFlags(f)
	gc := addGCFlags(f)
	paths, err := f.parse(e, args)
	if err != nil {
		return err
	}
	restore, err := gc.apply()
	if err != nil {
		return err
	}
	defer restore()
	if len(paths) == 0 {
		fmt.Fprintf(e.stderr, "graphd ingest: no PATH given: name the files or directories of articles to read\n\n")
		f.Usage()
		return errUsage
	}
	if c, err := sf.client(f); err != nil || c != nil {
		if err != nil {
			return err
		}
		if *bulk {
			return fmt.Errorf("--bulk builds a store on this machine: it does not go with --server")
		}
		return ingestRemote(ctx, e, c, paths, *listSkipped)
	}
	if *bulk {
		if nf.url() != "" {
			return fmt.Errorf("--bulk extracts on this machine: it does not go with --nats")
		}
		return ingestBulk(ctx, e, *db, paths, ingest.Options{Workers: *workers, Batch: *batch}, *listSkipped)
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
	var sum *summary
	if nf.url() != "" {
		sum, err = ingestNATS(ctx, e, store, paths, nf, ingest.Options{Workers: *workers, Batch: *batch}, *listSkipped)
	} else {
		sum, err = ingestPaths(ctx, e, store, paths, ingest.Options{Workers: *workers, Batch: *batch}, *listSkipped)
	}
	// Searches read blocks of postings faster than postings one by one;
	// an interrupted ingest leaves that to the next write. The merge goes
	// a transaction at a time, and an interrupt stops it between two.
	if sum.stopped == "" {
		merr := store.MergePostings(ctx)
		switch {
		case ctx.Err() != nil:
			sum.stopped = "interrupted"
			err = errors.New("interrupted; every article written so far is complete")
		case merr != nil && err == nil:
			err = merr
		}
	}
	after, cerr := store.Counts(context.WithoutCancel(ctx))
	if cerr == nil {
		sum.before, sum.after = &before, &after
	} else if err == nil {
		err = cerr
	}
	if cerr := store.Close(); cerr != nil && err == nil {
		err = cerr
	}
	fmt.Fprintln(e.stdout, sum)
	if err != nil {
		return err
	}
	if sum.errors > 0 {
		return errFailed
	}
	return nil
}

func openStore(e *env, dir string) (*graph.Store, error) {
	return openDB(e, dir, graph.Options{})
}

// summary counts what an ingest did. Its counts of the store, before and
// after, say what the articles added in the words check and the
// dashboard use: a printing that joined a known statement adds no
// statement, a name merged into a known person adds no person.
type summary struct {
	articles, unchanged, replaced int
	printings, errors             int
	bytes                         int64
	elapsed                       time.Duration
	stopped                       string // why the run stopped before its end: "interrupted", …
	before, after                 *graph.Counts
}

func (s *summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ingested %s", plural(s.articles, "article", "articles"))
	if s.unchanged > 0 || s.replaced > 0 {
		fmt.Fprintf(&b, " (%d unchanged, %d replaced)", s.unchanged, s.replaced)
	}
	fmt.Fprintf(&b, ", %s in %s", plural(s.errors, "error", "errors"), s.elapsed.Round(time.Millisecond))
	if s.stopped != "" {
		fmt.Fprintf(&b, " (%s)", s.stopped)
	}
	if s.before != nil && s.after != nil {
		fmt.Fprintf(&b, ": %s\nstore: %s", describeChange(*s.before, *s.after), describeCounts(*s.after))
	} else {
		fmt.Fprintf(&b, ", %s stored", plural(s.printings, "printing", "printings"))
	}
	return b.String()
}

// ingestPaths reads every article under paths and stores it, extracting in
// parallel. Read and store errors are reported on stderr and counted; the
// error returned is only for what stops the whole run.
func ingestPaths(ctx context.Context, e *env, store *graph.Store, paths []string, opts ingest.Options, listSkipped bool) (*summary, error) {
	opts.Workers, opts.Batch = max(opts.Workers, 1), max(opts.Batch, 1)
	return ingestWith(ctx, e, paths, listSkipped, func(ctx context.Context) (pipeline, error) {
		return ingest.NewPipeline(ctx, store, opts), nil
	})
}

// pipeline is where ingestWith sends articles: an ingest.Pipeline, or an
// ingest.Load that has workers extract them.
type pipeline interface {
	Submit(context.Context, ingest.Article, func(ingest.Result)) error
	Close() error
}

// ingestWith reads every article under paths and sends it to the pipeline
// open gives.
func ingestWith(ctx context.Context, e *env, paths []string, listSkipped bool, open func(context.Context) (pipeline, error)) (*summary, error) {
	start := time.Now()
	sum := &summary{}
	// A full disk stops the run as an interrupt does: no later article
	// could be written either.
	interrupt := ctx
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	pipe, err := open(ctx)
	if err != nil {
		return sum, err
	}
	var mu sync.Mutex
	bar := newProgress(e.stderr, ingest.Size(ctx, paths))
	defer bar.stop()
	finished := false // set when the summary is made; a walk left running reports no more
	report := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if finished {
			return
		}
		sum.errors++
		e.logger.Debug("ingest error", "err", err)
		bar.clear(e.stderr)
		fmt.Fprintf(e.stderr, "graphd ingest: %v\n", err)
	}

	// The walk runs on its own: a read can block (a slow pipe, a huge
	// directory) where no context reaches it, and an interrupt must not
	// wait for it. Only the walk sends on jobs, and it closes them.
	jobs := make(chan ingest.Article)
	walked := make(chan error, 1)
	go func() {
		defer close(jobs)
		skipped := 0
		defer func() {
			if skipped > 0 && !listSkipped {
				fmt.Fprintf(e.stderr, "graphd ingest: skipped %s in the directories walked (hidden, or not .txt, .json, .jsonl or .html); --list-skipped names them\n",
					plural(skipped, "file or directory", "files or directories"))
			}
		}()
		skip := func(path, why string) {
			skipped++
			e.logger.Debug("skipped", "path", path, "why", why)
			if listSkipped {
				bar.clear(e.stderr)
				fmt.Fprintf(e.stderr, "graphd ingest: skipped %s: %s\n", path, why)
			}
		}
		walked <- ingest.WalkSkipping(ctx, paths, func(a ingest.Article, err error) error {
			if err != nil {
				report(err)
				return nil
			}
			select {
			case jobs <- a:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}, skip)
	}()
	// Results come in the order the articles were read, each once its
	// batch has committed.
	done := func(r ingest.Result) {
		a, res, err := r.Article, r.Put, r.Err
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return // not written: the next run stores it
		}
		if se, ok := errors.AsType[*graph.SpaceError](err); ok {
			stop(se)
			return
		}
		bar.add(int64(len(a.Text)))
		mu.Lock()
		sum.bytes += int64(len(a.Text))
		mu.Unlock()
		if err != nil {
			report(articleError(a, err))
			return
		}
		e.logger.Debug("stored", "path", a.Path, "line", a.Line, "quotes", res.Quotes, "unchanged", res.Unchanged)
		mu.Lock()
		defer mu.Unlock()
		sum.articles++
		switch {
		case res.Unchanged:
			sum.unchanged++
		case res.Replaced:
			sum.replaced++
		}
		if !res.Unchanged {
			sum.printings += res.Quotes
		}
		bar.set(sum.articles, sum.printings, sum.errors)
	}
	// A read can block where no context reaches it: an interrupt does not
	// wait for the walk to close jobs.
submit:
	for {
		select {
		case <-ctx.Done():
			break submit
		case a, ok := <-jobs:
			if !ok {
				break submit
			}
			e.logger.Debug("extracting", "path", a.Path, "line", a.Line, "bytes", len(a.Text))
			if err := pipe.Submit(ctx, a, done); err != nil {
				break submit // interrupted
			}
		}
	}
	closeErr := pipe.Close()
	mu.Lock()
	finished = true
	mu.Unlock()
	var walkErr error
	select {
	case walkErr = <-walked:
	case <-ctx.Done():
		walkErr = ctx.Err()
	}
	bar.stop()
	sum.elapsed = time.Since(start)
	if se, ok := errors.AsType[*graph.SpaceError](context.Cause(ctx)); ok {
		sum.stopped = "no space left on device"
		return sum, fmt.Errorf("stopped: %w; every article written so far is complete, and running the same ingest again once there is space finishes the job", se)
	}
	if interrupt.Err() != nil {
		sum.stopped = "interrupted"
		return sum, errors.New("interrupted; every article written so far is complete, and running the same ingest again finishes the job")
	}
	return sum, errors.Join(walkErr, closeErr)
}

// articleError names the article an error belongs to.
func articleError(a ingest.Article, err error) error {
	if a.Line > 0 {
		return fmt.Errorf("%s line %d: %w", a.Path, a.Line, err)
	}
	return fmt.Errorf("%s: %w", a.Path, err)
}

// progress draws a progress bar on a terminal: bytes read against the total
// size of the input, with running counts.
type progress struct {
	mu                          sync.Mutex
	w                           io.Writer
	on                          bool
	total, done                 int64
	articles, printings, errors int
	last                        time.Time
	drawn                       bool
}

func newProgress(w io.Writer, total int64) *progress {
	p := &progress{w: w, total: total}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.on = true
	}
	return p
}

func (p *progress) add(n int64) {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
}

func (p *progress) set(articles, printings, errors int) {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.articles, p.printings, p.errors = articles, printings, errors
	if time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.draw()
}

func (p *progress) draw() {
	frac := 1.0
	if p.total > 0 {
		frac = min(1, float64(p.done)/float64(p.total))
	}
	const width = 30
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%%  %d articles  %d printings  %d errors ",
		strings.Repeat("=", n), strings.Repeat(" ", width-n), frac*100, p.articles, p.printings, p.errors)
	p.drawn = true
}

// clear removes the bar so that a message can be printed on its line.
func (p *progress) clear(w io.Writer) {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

func (p *progress) stop() {
	p.clear(p.w)
}

// progress is a no-op off a terminal.
