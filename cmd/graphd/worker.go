package main

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

// natsFlags are the flags of the commands that share work over NATS
// JetStream: where the servers are, and how the streams and the workers'
// consumer are made.
type natsFlags struct {
	addr          *string
	replicas      *int
	storage       *string
	maxAckPending *int
	ackWait       *time.Duration
	duplicates    *time.Duration
}

func addNATSFlags(f *flags) *natsFlags {
	return &natsFlags{
		addr:          f.String("nats", "GRAPHD_NATS", "", "NATS server URL (comma-separated for a cluster): have graphd worker processes extract the articles"),
		replicas:      f.Int("nats-replicas", "GRAPHD_NATS_REPLICAS", 1, "servers of a JetStream cluster that hold each stream and consumer (1, 3 or 5)"),
		storage:       f.String("nats-storage", "GRAPHD_NATS_STORAGE", "file", "where the streams are kept: file or memory"),
		maxAckPending: f.Int("nats-max-ack-pending", "GRAPHD_NATS_MAX_ACK_PENDING", 256, "most articles out with workers and not acknowledged; the writer keeps at most twice as many published and not written"),
		ackWait:       f.Duration("nats-ack-wait", "GRAPHD_NATS_ACK_WAIT", 30*time.Second, "time a worker has to extract an article before it is given to another"),
		duplicates:    f.Duration("nats-duplicates", "GRAPHD_NATS_DUPLICATES", 2*time.Minute, "window in which a second publish of the same text is dropped by the stream"),
	}
}

func (n *natsFlags) url() string { return *n.addr }

func (n *natsFlags) options(e *env) (ingest.NATSOptions, error) {
	o := ingest.NATSOptions{
		Replicas: *n.replicas, MaxAckPending: *n.maxAckPending, AckWait: *n.ackWait, Duplicates: *n.duplicates,
		Logger: e.logger,
	}
	switch *n.storage {
	case "file":
	case "memory":
		o.Memory = true
	default:
		return o, fmt.Errorf("--nats-storage: %q is not file or memory", *n.storage)
	}
	if o.Replicas < 1 || o.Replicas > 5 {
		return o, fmt.Errorf("--nats-replicas: %d is not between 1 and 5", o.Replicas)
	}
	if o.MaxAckPending < 1 {
		return o, fmt.Errorf("--nats-max-ack-pending: %d is not a positive number", o.MaxAckPending)
	}
	if o.AckWait < time.Second {
		return o, fmt.Errorf("--nats-ack-wait: %s is less than a second", o.AckWait)
	}
	return o, nil
}

// ingestNATS is graphd ingest --nats: the articles under paths are
// published to the work queue, extracted by graphd worker processes, and
// written here, in the order they were read.
func ingestNATS(ctx context.Context, e *env, store *graph.Store, paths []string, nf *natsFlags, opts ingest.Options, listSkipped bool) (*summary, error) {
	o, err := nf.options(e)
	if err != nil {
		return &summary{}, err
	}
	nc, js, err := ingest.ConnectNATS(nf.url(), "graphd ingest")
	if err != nil {
		return &summary{}, err
	}
	defer nc.Close()
	opts.Workers, opts.Batch = max(opts.Workers, 1), max(opts.Batch, 1)
	return ingestWith(ctx, e, paths, listSkipped, func(ctx context.Context) (pipeline, error) {
		l, err := ingest.NewLoad(ctx, js, store, o, opts)
		if err != nil {
			return nil, err
		}
		e.logger.Info("writing the results of workers", "nats", nf.url(), "run", l.Run())
		return l, nil
	})
}

func runWorker(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "worker", "--nats URL",
		"Extract articles for a writer (graphd ingest --nats, or graphd serve --nats): take them from the JetStream work queue,\n"+
			"find their attributions and publish them back, until interrupted. Any number of workers, on\n"+
			"any machines, share the queue; an article a worker was given when it stopped goes to another\n"+
			"after the writer's --nats-ack-wait. The writer makes the streams; a worker started first waits for it.")
	addr := f.String("nats", "GRAPHD_NATS", "", "NATS server URL (comma-separated for a cluster)")
	workers := f.Int("workers", "GRAPHD_WORKERS", runtime.GOMAXPROCS(0), "articles extracted in parallel")
	gc := addGCFlags(f)
	rest, err := f.parse(e, args)
	if err != nil {
		return err
	}
	restore, err := gc.apply()
	if err != nil {
		return err
	}
	defer restore()
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "graphd worker: unexpected argument %q\n\n", rest[0])
		f.Usage()
		return errUsage
	}
	if *addr == "" {
		fmt.Fprintf(e.stderr, "graphd worker: no --nats URL given: name the NATS server to take articles from\n\n")
		f.Usage()
		return errUsage
	}
	nc, js, err := ingest.ConnectNATS(*addr, "graphd worker")
	if err != nil {
		return err
	}
	defer nc.Close()
	var done, failed atomic.Int64
	e.logger.Info("taking articles", "nats", *addr, "workers", *workers)
	start := time.Now()
	err = ingest.Work(ctx, js, ingest.WorkOptions{
		Logger: e.logger, Workers: max(*workers, 1),
		Done: func(seq uint64, err error) {
			if err != nil {
				failed.Add(1)
				return
			}
			done.Add(1)
			e.logger.Debug("extracted", "seq", seq)
		},
	})
	fmt.Fprintf(e.stdout, "extracted %s, %d not done, in %s\n", plural(int(done.Load()), "article", "articles"), failed.Load(), time.Since(start).Round(time.Millisecond))
	return err
}
