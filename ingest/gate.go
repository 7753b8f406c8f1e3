package ingest

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// A Gate gives the queries of a process precedence over its background
// ingest. A server answering queries while a pipeline ingests shares its
// cores between them, and neither Go's scheduler nor the kernel's knows
// which matters more: a query that waits for a core behind extraction, the
// writer and the collector they keep busy takes many times its own CPU
// time. So the work of an ingest is cut into steps (extracting an article,
// Options.Gate; writing an article or flushing a transaction,
// graph.Store.SetThrottle), each of which takes one of the gate's cores
// while it runs (Step), and a query takes one while it runs (Enter). While
// no query runs, steps go ahead at once; while some do, steps go ahead
// only on the cores the queries leave free. A gate over one core (as
// graphd serve makes it) lets no step run beside a query: on a machine
// shared with other processes, the kernel splits the process's share of
// the CPU between its threads, so a step on "the other core" slows the
// query too.
//
// Ingest is never starved: a step that has waited MaxWait goes ahead
// anyway. So under queries that never stop, each extracting worker and
// the writer still go ahead with at least one article every MaxWait (and
// on a gate over more cores, ingest keeps the cores the queries leave). A
// step that has begun is not interrupted, so a query waits at worst for
// the steps begun before it to end (an article's extraction or write: a
// few ms).
//
// A nil *Gate is open: Enter and Step do nothing.
type Gate struct {
	cores   int
	maxWait time.Duration

	mu      sync.Mutex
	queries int           // queries in flight
	steps   int           // steps of ingest running
	changed chan struct{} // closed when queries or steps fall, if a step waits

	entered atomic.Int64 // queries that entered
	waiting atomic.Int64 // steps waiting now
	waits   atomic.Int64 // steps that waited
	forced  atomic.Int64 // of them, those that went ahead after MaxWait
	waited  atomic.Int64 // nanoseconds waited, all steps
}

// DefaultGateWait is the longest a step of ingest waits for queries when
// NewGate is given 0.
const DefaultGateWait = 50 * time.Millisecond

// NewGate returns a gate over cores cores (0 means GOMAXPROCS) whose steps
// wait at most maxWait (0 means DefaultGateWait). Over one core, no step
// runs while a query does.
func NewGate(cores int, maxWait time.Duration) *Gate {
	if cores <= 0 {
		cores = runtime.GOMAXPROCS(0)
	}
	if maxWait <= 0 {
		maxWait = DefaultGateWait
	}
	return &Gate{cores: cores, maxWait: maxWait}
}

// Enter marks a query in flight until leave is called (once).
func (g *Gate) Enter() (leave func()) {
	if g == nil {
		return func() {}
	}
	g.mu.Lock()
	g.queries++
	g.mu.Unlock()
	g.entered.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			g.queries--
			g.wake()
			g.mu.Unlock()
		})
	}
}

// Step waits until a step of ingest may run: at once when no query is in
// flight or a core is left free of queries and steps, else until one is,
// MaxWait has passed or ctx is done. The step runs until done is called
// (once).
func (g *Gate) Step(ctx context.Context) (done func()) {
	if g == nil {
		return func() {}
	}
	var timer *time.Timer
	var start time.Time
	g.mu.Lock()
wait:
	for g.queries > 0 && g.steps+g.queries >= g.cores {
		if timer == nil {
			start = time.Now()
			timer = time.NewTimer(g.maxWait)
			defer timer.Stop()
			g.waiting.Add(1)
			defer func() {
				g.waiting.Add(-1)
				g.waits.Add(1)
				g.waited.Add(int64(time.Since(start)))
			}()
		}
		if g.changed == nil {
			g.changed = make(chan struct{})
		}
		changed := g.changed
		g.mu.Unlock()
		select {
		case <-changed:
			g.mu.Lock()
		case <-timer.C:
			g.forced.Add(1)
			g.mu.Lock()
			break wait
		case <-ctx.Done():
			g.mu.Lock()
			break wait
		}
	}
	g.steps++
	g.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			g.steps--
			g.wake()
			g.mu.Unlock()
		})
	}
}

// wake tells the waiting steps that a core may be free; g.mu is held.
func (g *Gate) wake() {
	if g.changed != nil {
		close(g.changed)
		g.changed = nil
	}
}

// GateStats tells how much a gate held ingest back.
type GateStats struct {
	Queries int64         // queries that entered
	Waiting int64         // steps of ingest waiting now
	Waits   int64         // steps of ingest that waited for queries
	Forced  int64         // of them, those that went ahead after MaxWait
	Waited  time.Duration // the time they waited, all together
}

// Stats returns what the gate has held back so far.
func (g *Gate) Stats() GateStats {
	if g == nil {
		return GateStats{}
	}
	return GateStats{Queries: g.entered.Load(), Waiting: g.waiting.Load(), Waits: g.waits.Load(), Forced: g.forced.Load(), Waited: time.Duration(g.waited.Load())}
}
