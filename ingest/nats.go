package ingest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/graphd/graphd/graph"
)

// Extraction can be spread over machines through NATS JetStream:
//
//	graphd ingest --nats → GRAPHD_ARTICLES → graphd worker (many) → GRAPHD_RESULTS → the writer
//
// A Load publishes each article to the work-queue stream GRAPHD_ARTICLES,
// with the SHA-256 of its text as its message id, so that the stream's
// duplicate window drops a repeated publish, and a run id and a sequence
// number in its headers. Workers (Work) share one durable pull consumer of
// that stream: each article goes to one of them, which extracts its
// attributions and publishes them to GRAPHD_RESULTS under the run's
// subject, and only then acknowledges the article. A worker that dies
// before that leaves the article unacknowledged, and the stream gives it
// to another worker once the consumer's AckWait has passed; the consumer's
// MaxAckPending bounds the articles out with workers at once.
//
// The writer (the Load again) takes the results of its run, puts them back
// in the order the articles were published, and hands them to a Pipeline,
// which prepares them (graph.Prepare, on every core of the writer) and
// commits them in batches; a result is acknowledged only once its batch
// has committed. The same files in the same order therefore give the same
// graph as a local ingest. A result given twice (a worker that published
// it and died before acknowledging the article) is dropped by the results
// stream's duplicate window, and else by the writer, which knows which
// sequence numbers it has written. An article whose publish the stream
// drops as a duplicate (the same text published again within the
// window, by this run or an earlier one) is extracted by the writer
// itself: it is rare, and its result may never come to this run.
//
// Results carry the attributions only, not the article: the writer keeps
// the articles it has published and not yet written, at most twice
// MaxAckPending of them.

// Names of the streams and subjects the workers and the writer share.
const (
	articleStream   = "GRAPHD_ARTICLES"
	articleSubject  = "graphd.articles"
	resultStream    = "GRAPHD_RESULTS"
	resultSubject   = "graphd.results" // a run's results go to graphd.results.RUN
	workerConsumer  = "graphd-workers"
	runHeader       = "Graphd-Run"
	seqHeader       = "Graphd-Seq"
	resultRetention = 24 * time.Hour
)

// NATSOptions configure the streams and consumers of distributed
// extraction. The zero value is ready to use.
type NATSOptions struct {
	// Replicas is how many servers of a JetStream cluster hold each
	// stream; 0 means 1.
	Replicas int
	// Memory keeps the streams in memory instead of in files.
	Memory bool
	// MaxAckPending is the most articles out with workers, not yet
	// acknowledged; a writer keeps at most twice as many published and
	// not yet written. 0 means 256.
	MaxAckPending int
	// AckWait is how long a worker has to extract an article before it is
	// given to another; 0 means 30 s.
	AckWait time.Duration
	// Duplicates is the window in which a publish of the same text is
	// dropped; 0 means 2 minutes.
	Duplicates time.Duration
	// Logger, if not nil, receives what happens at debug level.
	Logger *slog.Logger
}

func (o NATSOptions) withDefaults() NATSOptions {
	if o.Replicas <= 0 {
		o.Replicas = 1
	}
	if o.MaxAckPending <= 0 {
		o.MaxAckPending = 256
	}
	if o.AckWait <= 0 {
		o.AckWait = 30 * time.Second
	}
	if o.Duplicates <= 0 {
		o.Duplicates = 2 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// ConnectNATS connects to the NATS servers at url (a comma-separated list
// for a cluster) and opens JetStream on the connection. The connection
// reconnects for as long as it lives; close it with Close.
func ConnectNATS(url, name string) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := nats.Connect(url, nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond),
		nats.RetryOnFailedConnect(false))
	if err != nil {
		return nil, nil, fmt.Errorf("connect to NATS at %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("JetStream at %s: %w", url, err)
	}
	return nc, js, nil
}

// MakeStreams makes the two streams and the workers' consumer as o says,
// or updates them to it, as NewLoad does: a writer that starts before its
// first load (graphd serve --nats) calls it to have workers wait on the
// queue and to fail early when the server has no JetStream.
func MakeStreams(ctx context.Context, js jetstream.JetStream, o NATSOptions) error {
	return streams(ctx, js, o.withDefaults())
}

// streams makes the two streams and the workers' consumer as o says, or
// updates them to it.
func streams(ctx context.Context, js jetstream.JetStream, o NATSOptions) error {
	storage := jetstream.FileStorage
	if o.Memory {
		storage = jetstream.MemoryStorage
	}
	cfgs := []jetstream.StreamConfig{{
		Name: articleStream, Subjects: []string{articleSubject}, Retention: jetstream.WorkQueuePolicy,
		Storage: storage, Replicas: o.Replicas, Duplicates: o.Duplicates,
		Description: "articles waiting for graphd workers",
	}, {
		Name: resultStream, Subjects: []string{resultSubject + ".>"}, Retention: jetstream.WorkQueuePolicy,
		Storage: storage, Replicas: o.Replicas, Duplicates: o.Duplicates, MaxAge: resultRetention,
		Description: "attributions extracted by graphd workers, waiting for their writer",
	}}
	for _, cfg := range cfgs {
		if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
			if errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrJetStreamNotEnabled) {
				return fmt.Errorf("the NATS server has no JetStream: start it with -js (stream %s: %w)", cfg.Name, err)
			}
			return fmt.Errorf("stream %s: %w", cfg.Name, err)
		}
	}
	cfg := jetstream.ConsumerConfig{
		Durable: workerConsumer, AckPolicy: jetstream.AckExplicitPolicy, AckWait: o.AckWait,
		MaxAckPending: o.MaxAckPending, MaxDeliver: -1, Replicas: o.Replicas,
		Description: "graphd workers: each article to one of them",
	}
	if _, err := js.CreateOrUpdateConsumer(ctx, articleStream, cfg); err != nil {
		return fmt.Errorf("consumer %s: %w", workerConsumer, err)
	}
	return nil
}

// wireResult is what a worker sends back for an article: its attributions
// as the store takes them, or why it was refused.
type wireResult struct {
	Quotes []graph.QuoteInput `json:"q,omitempty"`
	// Refused is the message of an *InputError; Kind names the sentinel
	// it wraps.
	Refused string `json:"refused,omitempty"`
	Kind    string `json:"kind,omitempty"`
}

// refusalKinds name the sentinels an *InputError may wrap.
var refusalKinds = []struct {
	name string
	err  error
}{{"notext", ErrNoText}, {"toolarge", ErrTooLarge}, {"encoding", ErrEncoding}, {"invalid", graph.ErrInvalid}}

func encodeResult(quotes []graph.QuoteInput, err error) ([]byte, error) {
	var w wireResult
	var ie *InputError
	switch {
	case err == nil:
		w.Quotes = quotes
	case errors.As(err, &ie):
		w.Refused = ie.Msg
		for _, k := range refusalKinds {
			if errors.Is(err, k.err) {
				w.Kind = k.name
				break
			}
		}
	default:
		return nil, err
	}
	return json.Marshal(w)
}

func decodeResult(data []byte) ([]graph.QuoteInput, error) {
	var w wireResult
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("result from a worker: %w", err)
	}
	if w.Refused != "" || w.Kind != "" {
		ie := &InputError{Msg: w.Refused, Err: errors.New(w.Refused)}
		for _, k := range refusalKinds {
			if k.name == w.Kind {
				ie.Err = k.err
			}
		}
		return nil, ie
	}
	return w.Quotes, nil
}

// WorkOptions configure Work.
type WorkOptions struct {
	// Logger, if not nil, receives what happens.
	Logger *slog.Logger
	// Workers is how many articles are extracted at once; 0 means
	// GOMAXPROCS.
	Workers int
	// Done, if not nil, is called after each article whose result was
	// published (err nil) or which could not be (err the reason).
	Done func(seq uint64, err error)

	// extract, if not nil, takes the place of extraction (benchmarks of
	// the writer alone).
	extract func(context.Context, Article) ([]graph.QuoteInput, error)
}

// workQueue returns the workers' consumer, waiting until a writer has made
// it: the writer's settings (replicas, storage, limits) are the streams'.
func workQueue(ctx context.Context, js jetstream.JetStream, log *slog.Logger) (jetstream.Consumer, error) {
	waiting := false
	for {
		c, err := js.Consumer(ctx, articleStream, workerConsumer)
		switch {
		case err == nil:
			return c, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, jetstream.ErrStreamNotFound), errors.Is(err, jetstream.ErrConsumerNotFound):
			if !waiting {
				log.Info("waiting for a writer (graphd ingest --nats or graphd serve --nats) to make the work queue")
				waiting = true
			}
		default:
			log.Debug("looking for the work queue", "err", err)
		}
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Work takes articles from the work queue, extracts their attributions and
// publishes them for their writer, until ctx is done; it returns nil then.
// It waits for a writer to make the streams and the workers' consumer. An article is acknowledged only
// once its result is stored in the results stream, so an article a worker
// was given when it stopped is given to another worker after AckWait.
func Work(ctx context.Context, js jetstream.JetStream, o WorkOptions) error {
	n := o.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cons, err := workQueue(ctx, js, log)
	if err != nil {
		return err
	}
	extract := o.extract
	if extract == nil {
		extract = extractArticle
	}
	msgs := make(chan jetstream.Msg)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for m := range msgs {
				seq, err := work(ctx, js, m, extract, log)
				if err != nil && ctx.Err() == nil {
					log.Warn("article not done; it will be given to a worker again", "seq", seq, "err", err)
				}
				if o.Done != nil {
					o.Done(seq, err)
				}
			}
		})
	}
	defer wg.Wait()
	defer close(msgs)
	// Fetches, not a long-lived iterator: a fetch that a leader change
	// cuts short only ends early, and the next one goes to the new leader.
	for ctx.Err() == nil {
		fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		batch, err := cons.Fetch(max(2, n), jetstream.FetchContext(fctx))
		if err != nil {
			cancel()
			log.Debug("taking articles", "err", err)
			if cons, err = workQueue(ctx, js, log); err != nil {
				return nil
			}
			continue
		}
		for m := range batch.Messages() {
			select {
			case msgs <- m:
			case <-ctx.Done():
			}
		}
		cancel()
		if err := batch.Error(); err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, jetstream.ErrNoMessages) {
			log.Debug("taking articles", "err", err)
		}
	}
	return nil
}

// work extracts the article in m and publishes its result.
func work(ctx context.Context, js jetstream.JetStream, m jetstream.Msg, extract func(context.Context, Article) ([]graph.QuoteInput, error), log *slog.Logger) (uint64, error) {
	run, seqs := m.Headers().Get(runHeader), m.Headers().Get(seqHeader)
	seq, err := strconv.ParseUint(seqs, 10, 64)
	if err != nil || run == "" || strings.ContainsAny(run, ".*> ") {
		// Not an article of a writer: it would come back for ever.
		m.Term()
		return 0, fmt.Errorf("message without a run and sequence number dropped")
	}
	var a Article
	if err := json.Unmarshal(m.Data(), &a); err != nil {
		m.Term()
		return seq, fmt.Errorf("article %d of run %s: %w", seq, run, err)
	}
	quotes, err := extract(ctx, a)
	if ctx.Err() != nil {
		m.Nak()
		return seq, ctx.Err()
	}
	data, err := encodeResult(quotes, err)
	if err != nil {
		m.Nak()
		return seq, err
	}
	out := &nats.Msg{Subject: resultSubject + "." + run, Header: nats.Header{}, Data: data}
	out.Header.Set(runHeader, run)
	out.Header.Set(seqHeader, seqs)
	if _, err := publish(ctx, js, out, run+"/"+seqs, log); err != nil {
		m.Nak()
		return seq, err
	}
	// A lost acknowledgement gives the article to a worker again, whose
	// result the stream or the writer drops.
	return seq, m.Ack()
}

// publish publishes m with id as its message id, trying again while the
// stream has no leader (a cluster electing one) or its answer is late,
// until ctx is done.
func publish(ctx context.Context, js jetstream.JetStream, m *nats.Msg, id string, log *slog.Logger) (*jetstream.PubAck, error) {
	wait := 50 * time.Millisecond
	for {
		ack, err := js.PublishMsg(ctx, m, jetstream.WithMsgID(id))
		if err == nil {
			return ack, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		log.Debug("publish failed, trying again", "subject", m.Subject, "err", err)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// Load publishes articles to workers over NATS and writes their results
// to a store, in the order they were published, through a Pipeline. Its
// Submit and Close are those of a Pipeline; it is one run of a writer,
// with a run id of its own. Submit is safe for concurrent use.
type Load struct {
	ctx    context.Context
	js     jetstream.JetStream
	o      NATSOptions
	run    string
	pipe   *Pipeline
	window chan struct{} // articles published and not yet written
	cons   jetstream.Consumer
	// written is one more than the last sequence number written (or
	// refused): results are finished in order.
	written atomic.Uint64

	stopCtx context.Context // done at Close: stops receiving results
	stop    <-chan struct{}
	cancel  context.CancelFunc

	mu     sync.Mutex // orders publishes
	seq    uint64     // the next sequence number
	closed bool

	reg     chan *loadJob      // published articles, in order, to the orderer
	results chan jetstream.Msg // results, from the consumer to the orderer
	done    chan struct{}      // closed when the orderer has finished
	read    sync.WaitGroup     // the goroutine reading results
}

// loadJob is a published article on its way.
type loadJob struct {
	seq   uint64
	a     Article
	local bool // extracted by the writer: its publish was dropped as a duplicate
	done  func(Result)
}

// NewLoad makes (or updates to o) the streams and the workers' consumer,
// and starts a writer of a new run that writes to s through a pipeline
// configured by po. ctx stops it as it stops a Pipeline.
func NewLoad(ctx context.Context, js jetstream.JetStream, s *graph.Store, o NATSOptions, po Options) (*Load, error) {
	o = o.withDefaults()
	if err := streams(ctx, js, o); err != nil {
		return nil, err
	}
	var id [8]byte
	rand.Read(id[:])
	l := &Load{
		ctx: ctx, js: js, o: o, run: hex.EncodeToString(id[:]),
		pipe:   NewPipeline(ctx, s, po),
		window: make(chan struct{}, 2*o.MaxAckPending),
		reg:    make(chan *loadJob, 2*o.MaxAckPending), results: make(chan jetstream.Msg, 64),
		done: make(chan struct{}),
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, resultStream, jetstream.ConsumerConfig{
		Durable: "graphd-writer-" + l.run, FilterSubject: resultSubject + "." + l.run,
		// A result lost on its way (a leader change) comes again after
		// AckWait: the writer waits for it that long.
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: o.AckWait,
		MaxAckPending: 2*o.MaxAckPending + 16, MaxDeliver: -1, Replicas: o.Replicas,
		InactiveThreshold: time.Hour, Description: "the graphd writer of run " + l.run,
	})
	if err != nil {
		l.pipe.Close()
		return nil, fmt.Errorf("consumer of results: %w", err)
	}
	l.cons = cons
	l.stopCtx, l.cancel = context.WithCancel(context.Background())
	l.stop = l.stopCtx.Done()
	l.read.Go(l.receive)
	go l.order()
	o.Logger.Debug("writer started", "run", l.run)
	return l, nil
}

// Run is the run id of l: its results come on graphd.results.RUN.
func (l *Load) Run() string { return l.run }

// Submit publishes a for extraction by a worker; done is called once with
// what became of it, as Pipeline.Submit's. It waits while twice
// MaxAckPending articles are published and not yet written, or while the
// stream cannot take the article; ctx stops that wait, and Submit then
// returns ctx's error. It returns ErrClosed after Close.
func (l *Load) Submit(ctx context.Context, a Article, done func(Result)) error {
	select {
	case l.window <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		<-l.window
		return ErrClosed
	}
	data, err := json.Marshal(a)
	if err != nil {
		<-l.window
		return fmt.Errorf("encode article %s: %w", a.Path, err)
	}
	sum := sha256.Sum256([]byte(a.Text))
	hash := hex.EncodeToString(sum[:])
	j := &loadJob{seq: l.seq, a: a, done: done}
	m := &nats.Msg{Subject: articleSubject, Header: nats.Header{}, Data: data}
	m.Header.Set(runHeader, l.run)
	m.Header.Set(seqHeader, strconv.FormatUint(j.seq, 10))
	ack, err := publish(ctx, l.js, m, hash, l.o.Logger)
	if err != nil {
		<-l.window
		return err
	}
	if ack.Duplicate {
		j.local = true
		l.o.Logger.Debug("publish dropped as a duplicate; extracting here", "path", a.Path, "seq", j.seq)
	}
	l.seq++
	l.reg <- j // never blocks: a window slot is held
	return nil
}

// receive passes the results of the run to the orderer, fetching them
// until Close.
func (l *Load) receive() {
	defer close(l.results)
	for {
		select {
		case <-l.stop:
			return
		default:
		}
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		stop := context.AfterFunc(l.stopCtx, cancel)
		batch, err := l.cons.Fetch(64, jetstream.FetchContext(fctx))
		if err != nil {
			stop()
			cancel()
			l.o.Logger.Debug("taking results", "err", err)
			select {
			case <-time.After(250 * time.Millisecond):
			case <-l.stop:
				return
			}
			continue
		}
		for m := range batch.Messages() {
			select {
			case l.results <- m:
			case <-l.done:
			}
		}
		stop()
		cancel()
	}
}

// order puts the results back in the order the articles were published and
// submits them to the pipeline.
func (l *Load) order() {
	defer close(l.done)
	jobs := map[uint64]*loadJob{}
	results := map[uint64]jetstream.Msg{}
	var next uint64
	reg, res := l.reg, l.results
	for reg != nil || len(jobs) > 0 {
		select {
		case j, ok := <-reg:
			if !ok {
				reg = nil
				continue
			}
			jobs[j.seq] = j
		case m, ok := <-res:
			if !ok {
				res = nil
				continue
			}
			seq, err := strconv.ParseUint(m.Headers().Get(seqHeader), 10, 64)
			switch {
			case err != nil || seq < l.written.Load():
				// Not a result, or written already.
				m.Ack()
				continue
			case seq < next || results[seq] != nil:
				// Given again while waiting for its turn or its batch: it
				// is acknowledged once written.
				continue
			}
			results[seq] = m
		case <-l.ctx.Done():
			// Nothing more will be written: what is left is not.
			for _, j := range jobs {
				l.finish(j, nil, Result{Article: j.a, Err: l.ctx.Err()})
			}
			clear(jobs)
			if reg == nil {
				return
			}
			for j := range reg {
				l.finish(j, nil, Result{Article: j.a, Err: l.ctx.Err()})
			}
			return
		}
		for {
			j := jobs[next]
			if j == nil {
				break
			}
			m := results[next]
			if !j.local && m == nil {
				break
			}
			delete(jobs, next)
			delete(results, next)
			next++
			prep := func(ctx context.Context) (*graph.Prepared, error) {
				if j.local {
					return prepareArticle(ctx, j.a)
				}
				quotes, err := decodeResult(m.Data())
				if err != nil {
					return nil, err
				}
				return prepareQuotes(j.a, quotes)
			}
			if err := l.pipe.submit(l.ctx, j.a, prep, func(r Result) { l.finish(j, m, r) }); err != nil {
				l.finish(j, m, Result{Article: j.a, Err: err})
			}
		}
	}
}

// finish hands out the result of j, acknowledging the message of its
// result once written (or refused).
func (l *Load) finish(j *loadJob, m jetstream.Msg, r Result) {
	if m != nil && (r.Err == nil || !errors.Is(r.Err, l.ctx.Err())) {
		m.Ack()
	}
	if r.Err == nil || !errors.Is(r.Err, l.ctx.Err()) {
		// Results are finished in order.
		l.written.Store(j.seq + 1)
	}
	<-l.window
	if j.done != nil {
		j.done(r)
	}
}

// Close waits until every submitted article has its result, stops the
// writer and removes its consumer. Submit fails after it.
func (l *Load) Close() error {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.reg)
	}
	l.mu.Unlock()
	<-l.done
	l.pipe.Close()
	l.cancel()
	l.read.Wait()
	// The consumer and what is left of the run's results (none, unless
	// interrupted) go; the results of articles still queued go with the
	// stream's MaxAge.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(l.ctx), 5*time.Second)
	defer cancel()
	var err error
	if derr := l.js.DeleteConsumer(ctx, resultStream, "graphd-writer-"+l.run); derr != nil {
		err = fmt.Errorf("remove the writer's consumer: %w", derr)
	}
	if st, serr := l.js.Stream(ctx, resultStream); serr == nil {
		st.Purge(ctx, jetstream.WithPurgeSubject(resultSubject+"."+l.run))
	}
	return err
}
