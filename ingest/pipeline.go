package ingest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/graphd/graphd/graph"
)

// Every way articles come into the store (graphd ingest, the ingestArticle
// mutation, graphd reindex, a server's stream) runs through a Pipeline:
//
//	read → extract and prepare, on every core → write, one writer
//
// Extraction and the pure part of a write (graph.Prepare: hashing, match
// keys, the texts prepared for comparison, the sketch) run on Workers
// goroutines. The writer commits the prepared articles in batches, in the
// order they were submitted whatever order extraction finishes in; a
// batch's decisions see each other (graph.Store.PutBatch), so the same
// articles in the same order give the same graph with one worker or many
// and whatever the batches. A batch is written when it holds Batch
// articles, or when nothing more is ready to join it: no article is
// waiting, or the next has been extracting for longer than Wait since the
// batch's first was ready. A result is given once its article's batch has
// committed (or its article was refused), in submission order.

// Options configure a Pipeline. The zero value is ready to use.
type Options struct {
	// Workers is how many articles are extracted at once; 0 means
	// GOMAXPROCS.
	Workers int
	// Batch is the most articles written in one batch; 0 means 256. The
	// store cuts a batch into as many transactions as it needs.
	Batch int
	// Wait is the longest a batch waits for an article still being
	// extracted; 0 means 50 ms.
	Wait time.Duration
	// Gate, if not nil, is what each article's extraction takes a core
	// from, so that queries go ahead of it (see Gate; the store's writer
	// takes them through graph.Store.SetThrottle).
	Gate *Gate
}

// Result is what became of an article submitted to a Pipeline.
type Result struct {
	Article Article         // the article as submitted
	Put     graph.PutResult // what the store did, when Err is nil
	// Err is why the article was not written: an *InputError for an
	// article refused for what it holds; ctx's error when the pipeline
	// stopped before writing it; else an error of the store.
	Err error
}

// Pipeline extracts articles on several goroutines and writes them to a
// store by one writer, in batches, in the order they were submitted. Its
// methods are safe for concurrent use.
type Pipeline struct {
	ctx     context.Context
	target  target
	prepare func(context.Context, Article) (*graph.Prepared, error)
	batch   int
	wait    time.Duration
	gate    *Gate

	mu     sync.Mutex // orders submissions
	closed bool
	order  chan *job      // submitted jobs, in order, to the batcher
	work   chan *job      // submitted jobs, to the workers
	slots  chan struct{}  // jobs in flight: Submit waits for a slot
	wg     sync.WaitGroup // the workers, the batcher and the writer
}

// target is where a pipeline writes: a store, or a store being reindexed.
type target interface {
	PutBatch(context.Context, []*graph.Prepared) ([]graph.PutResult, []error)
}

// job is one submitted article on its way.
type job struct {
	a     Article
	prep  func(context.Context) (*graph.Prepared, error) // if not nil, prepares a instead of the pipeline's prepare
	done  func(Result)
	p     *graph.Prepared
	err   error
	ready chan struct{} // closed once p or err is set
}

// NewPipeline starts a pipeline that writes to s. ctx stops it: articles
// not yet being written are then given ctx's error, and a batch being
// written is finished, so that an article is written whole or not at all.
// Close it to wait for every submitted article.
func NewPipeline(ctx context.Context, s *graph.Store, o Options) *Pipeline {
	return newPipeline(ctx, s, prepareArticle, o)
}

func newPipeline(ctx context.Context, t target, prepare func(context.Context, Article) (*graph.Prepared, error), o Options) *Pipeline {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Batch <= 0 {
		o.Batch = 256
	}
	if o.Wait <= 0 {
		o.Wait = 50 * time.Millisecond
	}
	inflight := 2*o.Batch + 4*o.Workers
	p := &Pipeline{
		ctx: ctx, target: t, prepare: prepare, batch: o.Batch, wait: o.Wait, gate: o.Gate,
		order: make(chan *job, inflight), work: make(chan *job, inflight), slots: make(chan struct{}, inflight),
	}
	writes := make(chan []*job, 1)
	p.wg.Add(o.Workers + 2)
	for range o.Workers {
		go p.extract()
	}
	go p.batcher(writes)
	go p.writer(writes)
	return p
}

// ErrClosed is returned by Submit on a pipeline that was closed.
var ErrClosed = errors.New("pipeline closed")

// Submit queues a for extraction and writing; done is called once with
// what became of it, after its batch has committed, from the pipeline's
// writer goroutine (so it should be quick), and in submission order. It
// waits while the pipeline holds as many articles as it takes
// (back-pressure); ctx stops that wait, and Submit then returns ctx's
// error and done is never called. It returns ErrClosed after Close.
func (p *Pipeline) Submit(ctx context.Context, a Article, done func(Result)) error {
	return p.submit(ctx, a, nil, done)
}

// submit is Submit with prep, if not nil, preparing a in place of the
// pipeline's prepare.
func (p *Pipeline) submit(ctx context.Context, a Article, prep func(context.Context) (*graph.Prepared, error), done func(Result)) error {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		<-p.slots
		return ErrClosed
	}
	j := &job{a: a, prep: prep, done: done, ready: make(chan struct{})}
	p.order <- j // never blocks: a slot is held
	p.work <- j
	return nil
}

// Close waits until every submitted article has its result, and stops the
// pipeline. Submit fails after it.
func (p *Pipeline) Close() error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.order)
		close(p.work)
	}
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}

// extract prepares jobs until there are no more.
func (p *Pipeline) extract() {
	defer p.wg.Done()
	label("extract")
	for j := range p.work {
		done := p.gate.Step(p.ctx)
		switch {
		case p.ctx.Err() != nil:
			j.err = p.ctx.Err()
		case j.prep != nil:
			j.p, j.err = j.prep(p.ctx)
		default:
			j.p, j.err = p.prepare(p.ctx, j.a)
		}
		done()
		close(j.ready)
	}
}

// batcher gathers prepared jobs, in order, into batches for the writer.
func (p *Pipeline) batcher(writes chan<- []*job) {
	defer p.wg.Done()
	defer close(writes)
	var batch []*job
	var next *job // taken from order, not yet ready
	var timer *time.Timer
	for {
		if next == nil {
			if len(batch) == 0 {
				j, ok := <-p.order
				if !ok {
					return
				}
				next = j
			} else {
				select {
				case j, ok := <-p.order:
					if !ok {
						writes <- batch
						return
					}
					next = j
				default:
					// Nothing more waiting: write what there is.
					writes <- batch
					batch = nil
					continue
				}
			}
		}
		if len(batch) == 0 {
			<-next.ready
		} else {
			if timer == nil {
				timer = time.NewTimer(p.wait)
			}
			select {
			case <-next.ready:
			case <-timer.C:
				writes <- batch
				batch, timer = nil, nil
				continue
			}
		}
		batch = append(batch, next)
		next = nil
		if len(batch) == p.batch {
			writes <- batch
			batch = nil
		}
		if len(batch) == 0 && timer != nil {
			timer.Stop()
			timer = nil
		}
	}
}

// writer writes the batches and hands out the results, in order.
func (p *Pipeline) writer(writes <-chan []*job) {
	defer p.wg.Done()
	label("write")
	for jobs := range writes {
		var ps []*graph.Prepared
		var idx []int
		for i, j := range jobs {
			if j.err == nil {
				ps = append(ps, j.p)
				idx = append(idx, i)
			}
		}
		res := make([]graph.PutResult, len(jobs))
		errs := make([]error, len(jobs))
		for i, j := range jobs {
			errs[i] = j.err
		}
		if len(ps) > 0 {
			var r []graph.PutResult
			var e []error
			if err := p.ctx.Err(); err != nil {
				e = make([]error, len(ps))
				for i := range e {
					e[i] = err
				}
			} else {
				// A write once begun is finished.
				r, e = p.target.PutBatch(context.WithoutCancel(p.ctx), ps)
			}
			for k, i := range idx {
				if e[k] != nil {
					errs[i] = writeError(e[k])
				} else {
					res[i] = r[k]
				}
			}
		}
		for i, j := range jobs {
			j.p = nil
			if j.done != nil {
				j.done(Result{Article: j.a, Put: res[i], Err: errs[i]})
			}
			<-p.slots
		}
	}
}

// label tags the calling goroutine, and those it starts, in CPU profiles
// as graphd=stage (go tool pprof -tagfocus graphd=write), so that a
// profile of an ingest tells the writer's time from extraction's and
// from Badger's and the runtime's goroutines, which have no tag.
func label(stage string) {
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("graphd", stage)))
}

// prepareArticle extracts the attributions of a and prepares the article
// with them for the store. An article refused for what it holds gives an
// *InputError.
func prepareArticle(ctx context.Context, a Article) (*graph.Prepared, error) {
	quotes, err := extractArticle(ctx, a)
	if err != nil {
		return nil, err
	}
	return prepareQuotes(a, quotes)
}

// prepareQuotes prepares a with the attributions extracted from it.
func prepareQuotes(a Article, quotes []graph.QuoteInput) (*graph.Prepared, error) {
	p, err := graph.Prepare(graph.ArticleInput{
		SourceID:  a.ID,
		URL:       a.URL,
		Title:     a.Title,
		Outlet:    a.Outlet,
		Published: a.Published,
		Text:      a.Text,
		Quotes:    quotes,
	})
	if err != nil {
		return nil, writeError(err)
	}
	return p, nil
}

// extractArticle checks a against the limits and extracts its
// attributions as the store takes them.
func extractArticle(ctx context.Context, a Article) ([]graph.QuoteInput, error) {
	if strings.TrimSpace(a.Text) == "" {
		return nil, &InputError{Msg: "text: empty", Err: ErrNoText}
	}
	if err := CheckLimits(a); err != nil {
		return nil, refused(err)
	}
	quotes, err := quoteInputs(ctx, a)
	if errors.Is(err, ErrTooLarge) {
		return nil, refused(err)
	}
	return quotes, err
}

// writeError is the error of a store's refusal or failure to write an
// article.
func writeError(err error) error {
	var ie *InputError
	switch {
	case errors.As(err, &ie), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, graph.ErrInvalid):
		return refused(err)
	}
	return fmt.Errorf("store article: %w", err)
}

// Store extracts the attributions of a and writes the article with them to
// s, through a pipeline of its own; the store resolves the identity of new
// speakers and groups each quotation with the printings other articles
// gave it. Re-storing the same content changes nothing.
//
// The limits of CheckLimits are checked first, and the attributions found
// against MaxAttributions. ctx stops the extraction (Store then returns
// ctx.Err() and writes nothing); once the write has begun it is finished,
// so an article is stored whole or not at all. An article refused for what
// it holds gives an *InputError, whose message is meant for the person who
// sent it and which wraps ErrNoText, ErrTooLarge, ErrEncoding or
// graph.ErrInvalid.
func Store(ctx context.Context, s *graph.Store, a Article) (graph.PutResult, error) {
	var res Result
	p := NewPipeline(ctx, s, Options{Workers: 1, Batch: 1})
	if err := p.Submit(ctx, a, func(r Result) { res = r }); err != nil {
		p.Close()
		return graph.PutResult{}, err
	}
	p.Close()
	return res.Put, res.Err
}

// Reindex rebuilds everything the store derives from its articles: it
// extracts every stored article again, in the order they were first
// stored, on every core, and resolves identities and groups quotations
// anew through a pipeline's writer, applying the decisions people made.
// progress, if not nil, is called after each article with the number
// done. ctx stops it between batches and within an extraction.
func Reindex(ctx context.Context, s *graph.Store, progress func(done int)) error {
	err := s.Reindex(ctx, func(r *graph.Rebuild) error {
		var stored sync.Map // Article.Path → the stored article
		prepare := func(ctx context.Context, a Article) (*graph.Prepared, error) {
			quotes, err := quoteInputs(ctx, a)
			if err != nil {
				return nil, err
			}
			sa, _ := stored.LoadAndDelete(a.Path)
			return r.Prepare(sa.(graph.Article), quotes)
		}
		p := newPipeline(ctx, r, prepare, Options{})
		var first error
		done := 0
		err := r.Articles(ctx, func(a graph.Article) error {
			in := Article{Path: "article " + a.ID.String(), ID: a.SourceID, URL: a.URL, Title: a.Title, Outlet: a.Outlet, Published: a.Published, Text: a.Text}
			stored.Store(in.Path, a)
			return p.Submit(ctx, in, func(res Result) {
				if res.Err != nil && first == nil {
					first = fmt.Errorf("article %s: %w", a.ID, res.Err)
				}
				done++
				if progress != nil {
					progress(done)
				}
			})
		})
		p.Close()
		return errors.Join(err, first)
	})
	return err
}
